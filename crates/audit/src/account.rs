//! An account's IAM as the auditor reads it — every role with its policies, every customer
//! managed policy with its versions — and the options of an audit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One account's IAM as read by `GetAccountAuthorizationDetails`, documents decoded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountIam {
    /// The audited account.
    pub account_id: String,
    /// Every role of the account.
    pub roles: Vec<AuditRole>,
    /// Managed policies by ARN: the account's own (all versions) and the AWS managed ones
    /// attached to a role (default version only).
    pub policies: BTreeMap<String, AuditPolicy>,
    /// Each role's `CreateDate` and `RoleLastUsed`, by role ARN, where the read has them.
    #[serde(default)]
    pub usage: BTreeMap<String, RoleUsage>,
}

/// One role as `GetAccountAuthorizationDetails` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRole {
    /// The role's name.
    pub name: String,
    /// The role's ARN.
    pub arn: String,
    /// Its trust policy, URL-decoded.
    pub trust: Value,
    /// Inline policies: (name, document).
    pub inline: Vec<(String, Value)>,
    /// Attached managed policy ARNs.
    pub attached: Vec<String>,
    /// The ARN of its permissions boundary, if it has one.
    pub boundary: Option<String>,
    /// Its tags, key to value.
    pub tags: BTreeMap<String, String>,
}

impl AuditRole {
    /// Carries `managed-by = lambda-trust`.
    pub(crate) fn is_managed(&self) -> bool {
        lambda_trust_config::is_ours(&self.tags)
    }
}

/// A managed policy as `GetAccountAuthorizationDetails` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPolicy {
    /// The policy's ARN.
    pub arn: String,
    /// The policy's name.
    pub name: String,
    /// Its versions, as read (the default one among them).
    pub versions: Vec<AuditVersion>,
}

impl AuditPolicy {
    /// Its default version, the one in force.
    pub fn default_version(&self) -> Option<&AuditVersion> {
        self.versions.iter().find(|v| v.is_default)
    }
}

/// One version of a managed policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditVersion {
    /// The version's ID (`v1`).
    pub version_id: String,
    /// Whether it is the policy's default version, the one in force.
    pub is_default: bool,
    /// Its document, URL-decoded.
    pub document: Value,
}

/// What the audit looks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditOptions {
    /// Partner account IDs; empty: every account other than the audited one, and anyone.
    pub partners: Vec<String>,
    /// With `--config`: the role name and the `lambda-trust:config` digest a managed role of
    /// that config carries.
    pub config: Option<ConfigIdentity>,
    /// The region the audit runs in: counterexamples name a function there (plain data, passed
    /// in by the command). `None`: the region of the role's own policies' first function ARN.
    pub region: Option<String>,
    /// `--partner-principal`: the principals of the partner accounts that must be able to
    /// assume the role (see `principals`); empty: the audit speaks of whole accounts.
    pub partner_principals: Vec<String>,
    /// `--genesys-org-id`: the Genesys Cloud organizations that are ours. With any, a role that
    /// lets a partner in under an `sts:ExternalId` that is none of them (or is no organization
    /// ID at all: not a UUID) is a finding; empty: the values are not judged.
    pub genesys_org_ids: Vec<String>,
}

/// The role a config manages and the config tag it carries (`--config`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigIdentity {
    /// The role's name in the config.
    pub role_name: String,
    /// The config's identity digest, the value of its `lambda-trust:config` tag.
    pub digest: String,
}

/// What IAM says of a role's use (RFC 3339 times, as the API and the CLI give them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleUsage {
    /// `CreateDate`.
    pub created: Option<String>,
    /// `RoleLastUsed.LastUsedDate`: absent when the role was not used in the tracking period.
    pub last_used: Option<String>,
    /// `RoleLastUsed.Region`.
    pub last_used_region: Option<String>,
}
