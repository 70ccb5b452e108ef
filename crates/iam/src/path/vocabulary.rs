//! The whole path's vocabulary: what it reads (the partner, the role's side, each target, the
//! organization's levels and their policies, each possibly not read: [`Known`]), what blocks
//! a request ([`Blocker`], [`BlockReason`], [`PolicyKind`]), and which services RCPs govern
//! ([`rcps_cover`]). The evaluation over it is `hop.rs`, `prove.rs` and `security.rs`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::eval::LabeledPolicy;
use crate::model::Policy;

/// The service prefixes whose actions RCPs apply to, as listed in the AWS Organizations User
/// Guide, "List of AWS services that support RCPs"
/// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services).
/// `sts` is one (the identity-perimeter RCP denies `sts:AssumeRole`); `lambda` is not, so RCPs
/// do not govern a Lambda function. The one place this list lives.
const RCP_SERVICES: &[&str] = &[
    "appstream",
    "dsql",
    "clouddirectory",
    "cloudfront",
    "cognito-identity",
    "cognito-idp",
    "comprehend",
    "comprehendmedical",
    "firehose",
    "dynamodb",
    "dax",
    "autoscaling",
    "ecr",
    "ecr-public",
    "gamelift",
    "inspector-scan",
    "kendra",
    "kinesisvideo",
    "memorydb",
    "aoss",
    "personalize",
    "polly",
    "s3",
    "swf",
    "sqs",
    "textract",
    "timestream-influxdb",
    "transcribe",
    "translate",
    "workspaces",
    "appconfig",
    "autoscaling-plans",
    "budgets",
    "servicediscovery",
    "cloudtrail-data",
    "codeartifact",
    "codebuild",
    "codecommit",
    "codepipeline",
    "compute-optimizer",
    "cost-optimization-hub",
    "events",
    "fms",
    "fis",
    "health",
    "rolesanywhere",
    "kms",
    "opensearch",
    "pricing",
    "pca-connector-ad",
    "resource-groups",
    "secretsmanager",
    "sts",
    "signin",
    "support",
    "transfer",
    "notifications",
    "wafv2",
    "xray",
];

/// Whether RCPs apply to `action`: its service is one of those that support RCPs.
pub(crate) fn rcps_cover(action: &str) -> bool {
    let service = action.split(':').next().unwrap_or_default();
    RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service))
}

/// The SCPs or RCPs that govern one side of a request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ControlPolicies<'a> {
    /// None apply; the text says why (no organization, management account, service-linked
    /// role, caller outside the organization, service not covered by RCPs).
    NotApplicable(&'a str),
    /// The levels from the root to the account; each must allow (SCPs) and none may deny.
    Levels(&'a [OrgLevel]),
    /// They apply but could not be read; the text says why.
    NotRead(&'a str),
}

/// Where an organization policy is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LevelKind {
    /// The organization's root.
    Root,
    /// An organizational unit.
    OrganizationalUnit,
    /// The account itself.
    Account,
}

/// One level of the organization, from the root down to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    /// Root, OU or account.
    pub kind: LevelKind,
    /// `r-…`, `ou-…` or the account ID.
    pub id: String,
    /// Its name as the organization shows it (an OU's from `DescribeOrganizationalUnit`); the ID
    /// itself when unknown.
    pub name: String,
}

/// An SCP or RCP as attached.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgPolicy {
    /// The policy ID (`p-…`), or for a policy read from a file its file name.
    pub id: String,
    /// The policy's name.
    pub name: String,
    /// The parsed document.
    pub policy: Policy,
}

/// The SCPs and RCPs attached at one level.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgLevel {
    /// Which level.
    pub level: Level,
    /// Service control policies attached here.
    pub scps: Vec<OrgPolicy>,
    /// Resource control policies attached here, `RCPFullAWSAccess` included (AWS attaches it to
    /// every level while RCPs are enabled; a reader stands it in when they are not). None: not
    /// given, so what they decide is unknown.
    pub rcps: Vec<OrgPolicy>,
}

/// What is known of one account's organization policies: read from AWS Organizations or from
/// files (the caller's choice), or why not.
#[derive(Debug, Clone, PartialEq)]
pub enum OrgPolicies {
    /// The account belongs to no organization: no SCP or RCP applies.
    NoOrganization,
    /// The levels from the root through each OU to the account, in that order.
    Read {
        /// Root first, account last.
        levels: Vec<OrgLevel>,
        /// The account is the organization's management account: neither SCPs nor RCPs apply.
        management_account: bool,
        /// The organization's ID (`o-…`), when known: AWS puts it in `aws:PrincipalOrgID` for
        /// the account's principals.
        organization_id: Option<String>,
    },
    /// They could not be read (e.g. `AccessDeniedException` outside the management account or
    /// a delegated administrator): the availability claim cannot be proved.
    NotRead {
        /// Why, as the caller phrases it.
        reason: String,
    },
}

impl OrgPolicies {
    /// What governs a request of this account: the levels, or why none apply (no
    /// organization, the management account) or are known.
    pub(crate) fn governing(&self) -> ControlPolicies<'_> {
        match self {
            OrgPolicies::NoOrganization => ControlPolicies::NotApplicable("no organization"),
            OrgPolicies::NotRead { reason } => ControlPolicies::NotRead(reason),
            OrgPolicies::Read {
                management_account: true,
                ..
            } => ControlPolicies::NotApplicable("the management account"),
            OrgPolicies::Read { levels, .. } => ControlPolicies::Levels(levels),
        }
    }
}

/// The partner (Genesys Cloud) as it calls `sts:AssumeRole`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    /// The partner's account ID.
    pub account: String,
    /// The external ID it sends (`sts:ExternalId`).
    pub external_id: String,
    /// The callers to check, as ARNs in the partner's account. Empty: the partner's root and a
    /// partner role session.
    pub principals: Vec<String>,
}

/// A value the path depends on: read (or given), or why it is not known. An `Unknown` is never
/// a verdict: nothing that depends on it is proved or blocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known<T> {
    /// Read or given.
    Known(T),
    /// Not read (refused, failed, not a policy) or not given.
    Unknown {
        /// Why, as the caller phrases it (one line: what is missing and how to give it).
        reason: String,
    },
}

impl<T> Known<T> {
    /// The value, when known.
    pub(crate) fn known(&self) -> Option<&T> {
        match self {
            Known::Known(v) => Some(v),
            Known::Unknown { .. } => None,
        }
    }

    /// Why it is not known, when it is not.
    pub fn unknown(&self) -> Option<&str> {
        match self {
            Known::Known(_) => None,
            Known::Unknown { reason } => Some(reason),
        }
    }
}

/// Whether the account in the role's ARN is the role's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RoleAccount {
    /// It is (read from AWS, or given).
    #[default]
    Given,
    /// It stands in for an account not known (code not yet deployed, without its account):
    /// whether a target whose ARN names another account is in the role's account is not known,
    /// so what depends on it is never a verdict.
    StandIn {
        /// Why it is not known and how to give it.
        reason: String,
    },
}

/// The role Genesys assumes, with every policy that governs it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleSide {
    /// The role's ARN (`arn:P:iam::ACCOUNT:role/PATH/NAME`).
    pub arn: String,
    /// Whether the ARN's account is the role's, or a stand-in.
    pub account: RoleAccount,
    /// Its trust policy.
    pub trust: Policy,
    /// Its identity-based policies (inline and managed).
    pub identity: Vec<LabeledPolicy>,
    /// Its permissions boundary, when it has one.
    pub boundary: Option<LabeledPolicy>,
    /// Its tags (live, or as a template or the config sets them): what `aws:ResourceTag/KEY`
    /// is for `sts:AssumeRole` on it, as an identity perimeter's exclusion tag reads it.
    pub tags: Known<BTreeMap<String, String>>,
}

/// One function Genesys invokes.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The function ARN as invoked, qualifier included when there is one.
    pub arn: String,
    /// The function's resource-based policy (`lambda:GetPolicy` for this ARN's qualifier):
    /// known — `None` when it has none, which is normal — or not read.
    pub resource_policy: Known<Option<Policy>>,
}

/// Everything the path depends on, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct PathInput {
    /// Who calls `sts:AssumeRole`.
    pub partner: Partner,
    /// The role.
    pub role: RoleSide,
    /// The functions.
    pub targets: Vec<Target>,
    /// Organization policies per account ID (the role's and each target's); an account absent
    /// here counts as not read.
    pub orgs: BTreeMap<String, OrgPolicies>,
}

/// The kind of policy that stops a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
    /// The caller's permissions boundary.
    Boundary,
    /// The function's resource-based policy.
    FunctionPolicy,
    /// The role's trust policy.
    Trust,
    /// The caller's identity-based policies.
    Identity,
}

impl PolicyKind {
    /// The kind as written in reports (`SCP`, `function policy`, …).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Scp => "SCP",
            PolicyKind::Rcp => "RCP",
            PolicyKind::Boundary => "permissions boundary",
            PolicyKind::FunctionPolicy => "function policy",
            PolicyKind::Trust => "trust policy",
            PolicyKind::Identity => "identity policy",
        }
    }
}

/// Why a blocker blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockReason {
    /// A Deny statement matched.
    ExplicitDeny,
    /// An Allow was needed here and none matched.
    NoAllow,
}

/// A policy that stops a request: its kind, identity, level and statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// SCP, RCP, boundary, function policy, trust or identity.
    pub kind: PolicyKind,
    /// A Deny matched, or a needed Allow is missing.
    pub reason: BlockReason,
    /// The policy's ID (`p-…` for SCPs and RCPs); `None` where the kind has none.
    pub(crate) policy_id: Option<String>,
    /// The policy's name or label; for a missing Allow over several policies, what they are.
    pub policy_name: String,
    /// For SCPs and RCPs: the level it is attached at.
    pub level: Option<Level>,
    /// The Deny statement (index and Sid); `None` for a missing Allow.
    pub(crate) statement: Option<StatementId>,
}

/// A statement by position and `Sid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementId {
    /// Zero-based index in its policy.
    pub index: usize,
    /// Its `Sid`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A policy labelled by its kind ("trust policy", "function policy") is named once.
        match self.policy_name == self.kind.as_str() {
            true => write!(f, "{}", self.policy_name)?,
            false => write!(f, "{} {}", self.kind.as_str(), self.policy_name)?,
        }
        if let Some(id) = &self.policy_id {
            write!(f, " ({id})")?;
        }
        if let Some(level) = &self.level {
            write!(f, " at {level}")?;
        }
        match (&self.reason, &self.statement) {
            (BlockReason::ExplicitDeny, Some(s)) => {
                write!(f, ": statement {} denies", s.index)?;
                if let Some(sid) = &s.sid {
                    write!(f, " (Sid {sid})")?;
                }
                Ok(())
            }
            (BlockReason::ExplicitDeny, None) => write!(f, ": denies"),
            (BlockReason::NoAllow, _) => write!(f, ": no statement allows"),
        }
    }
}

/// The level as the Organizations console names it: its kind, then its name with the ID beside
/// it (`OU Workloads (ou-ab12-cdef3456)`), or the ID alone when the name is not known.
impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ", level_word(self.kind))?;
        if self.name.is_empty() || self.name == self.id {
            write!(f, "{}", self.id)
        } else {
            write!(f, "{} ({})", self.name, self.id)
        }
    }
}

fn level_word(kind: LevelKind) -> &'static str {
    match kind {
        LevelKind::Root => "root",
        LevelKind::OrganizationalUnit => "OU",
        LevelKind::Account => "account",
    }
}

/// The role is a service-linked role (path `/aws-service-role/`): SCPs and RCPs do not restrict
/// it (AWS Organizations User Guide, SCPs and RCPs pages above).
pub(crate) fn is_service_linked(role_arn: &str) -> bool {
    crate::arn::split(role_arn)
        .is_some_and(|[.., resource]| resource.starts_with("role/aws-service-role/"))
}
