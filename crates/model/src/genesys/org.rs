//! The organization's `aws-lambda-data-actions` integrations as `audit --genesys` reads them:
//! each integration's actions and, where it can be known, the role its credential holds.
//!
//! Part of the pure model: `genesys::observe::organization` fills it, the auditor
//! judges it against the roles the audit proved.

use serde::{Deserialize, Serialize};

use super::state::{compare_listed_dates, Ledger, Listed, ObservedAction};

/// What `audit --genesys` read of the signed-in organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgRead {
    /// The organization's ID: the `sts:ExternalId` Genesys Cloud sends when it assumes a role.
    pub organization: String,
    /// The organization's integrations of the AWS Lambda data actions type.
    pub integrations: Vec<OrgIntegration>,
}

/// One integration of the Lambda type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgIntegration {
    /// The integration's ID.
    pub id: String,
    /// The integration's name.
    pub name: String,
    /// The role its credential holds, when that is known ([`KnownRole`]); `None`: Genesys Cloud
    /// redacts the credential's fields and no ledger of lambda-trust vouches for it.
    pub role: Option<KnownRole>,
    /// Its actions as `GET /api/v2/integrations/actions?includeConfig=true` lists them: no
    /// contract (the list takes no `expand`; only `GET …/actions/{id}?expand=contract` carries
    /// it) and template URIs, not texts (as `ActionDef::as_listed` compares them).
    pub actions: Vec<ObservedAction>,
}

/// A role ARN and how it is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownRole {
    /// The role's ARN.
    pub arn: String,
    /// How it is known.
    pub from: RoleFrom,
}

/// How the role of an integration's credential is known.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::Display,
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum RoleFrom {
    /// The credential's `ARN` field, in clear.
    Credential,
    /// lambda-trust's ledger in the integration: the credential it wrote, unchanged since.
    Ledger,
    /// Neither: the roles Genesys Cloud can assume with the organization's ID, as the audit
    /// proved them (any of them may be the one).
    ExternalId,
}

/// The role lambda-trust's ledger (the integration's notes) records, when the integration's
/// bound credential is the ledger's and the listing shows it unchanged since lambda-trust wrote
/// it (`modified`: the listing's `modifiedDate`) — as `verify` trusts it.
pub fn ledger_role(notes: &str, bound: Option<&str>, modified: Option<&str>) -> Option<String> {
    let ledger = Ledger::parse(notes)?;
    let same = bound == Some(ledger.credential_id.as_str())
        && modified.is_some_and(|m| {
            compare_listed_dates(m, &ledger.credential_modified) == Listed::Unchanged
        });
    (same && !ledger.role_arn.is_empty()).then_some(ledger.role_arn)
}
