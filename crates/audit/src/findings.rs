//! The audit's findings: a stable code, its severity, a message and, where the prover found
//! one, the request that shows it.
//!
//! Part of the auditor; `trust` and `access` build them, `report::audit` renders them.

use serde::Serialize;
use serde_json::{json, Value};

use lambda_trust_iam::{Request, StatementRef};
use lambda_trust_model::PathCode;

use lambda_trust_verdict::{Outcome, Severity};

/// The finding codes; their text is the stable interface (JSON, SARIF rule IDs). Declared in
/// the order findings of one severity are listed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::Display,
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Code {
    /// The partner can assume the role with no `sts:ExternalId`, or with any.
    NoExternalId,
    /// More than one external ID, a wildcard, or a case-insensitive match.
    ExternalIdPattern,
    /// The prover could not decide which external IDs are accepted.
    ExternalIdUnproved,
    /// Principals other than the partner can assume the role.
    OtherPrincipals,
    /// The role can do something besides `lambda:InvokeFunction`.
    BeyondInvoke,
    /// A wildcard in the function name of an invokable resource.
    AllFunctions,
    /// A non-default policy version admits more than the current policies.
    LatentVersion,
    /// A target's function policy lets the partner's account invoke it directly, without the
    /// role and its external ID.
    PartnerBypassesRole,
    /// A target's function policy lets someone other than the role invoke it.
    FunctionPolicyOpen,
    /// Who else can invoke a target could not be decided (never proved).
    PathUnknown,
    /// Managed by lambda-trust, but by another config than the one given.
    ConfigMismatch,
    /// With `--partner-principal`: the partner account gets in, but not through that principal.
    PartnerRefused,
    /// An SCP or RCP stops Genesys Cloud's requests.
    OrgPolicyBlocks,
    /// A target's function policy stops the role.
    FunctionPolicyBlocks,
    /// A target in another account does not allow the role in its function policy.
    CrossAccountPermissionMissing,
    /// The role's own policies (e.g. its boundary) stop its requests to a target.
    RoleBlocks,
    /// The external ID the role requires is not the organization ID Genesys Cloud sends.
    ExternalIdNotOrg,
    /// `--genesys-org-id`: the role lets the partner in under an external ID that is none of
    /// the Genesys Cloud organizations given: another organization's.
    ExternalIdNotOurs,
    /// `--genesys-org-id`: the external ID the role requires is no organization ID at all (not
    /// a UUID): Genesys Cloud never sends it, so no organization can use the role.
    ExternalIdNotUuid,
    /// Organization or function policies on the path were not read (or not given).
    PathNotRead,
    /// Not managed by lambda-trust.
    Unmanaged,
    /// A partner can assume it, but it has not been used for `--unused-days` days.
    UnusedPartnerRole,
    /// `--genesys`: a Genesys Cloud data action chooses its function at run time and can reach
    /// more than one function the role grants.
    GenesysActionReachesMany,
    /// `--genesys`: a Genesys Cloud data action chooses its function at run time; it reaches at
    /// most one function the role grants.
    GenesysDynamicAction,
}

impl Code {
    /// How bad a finding of this code is.
    pub(crate) fn severity(self) -> Severity {
        match self {
            // The whole path's config codes: as `verify` rates them (a test holds them equal).
            Code::ConfigMismatch
            | Code::PartnerRefused
            | Code::OrgPolicyBlocks
            | Code::FunctionPolicyBlocks
            | Code::CrossAccountPermissionMissing
            | Code::RoleBlocks
            | Code::ExternalIdNotOrg
            | Code::ExternalIdNotUuid
            | Code::PathNotRead => Severity::Config,
            Code::Unmanaged | Code::UnusedPartnerRole | Code::GenesysDynamicAction => {
                Severity::Info
            }
            // Exhaustive: a new code does not compile until it is given its severity.
            Code::NoExternalId
            | Code::ExternalIdPattern
            | Code::ExternalIdUnproved
            | Code::OtherPrincipals
            | Code::BeyondInvoke
            | Code::AllFunctions
            | Code::LatentVersion
            | Code::PartnerBypassesRole
            | Code::FunctionPolicyOpen
            | Code::PathUnknown
            | Code::ExternalIdNotOurs
            | Code::GenesysActionReachesMany => Severity::Security,
        }
    }

    /// Whether a finding of this code states a failure, an unknown or a fact (an
    /// informational code: no control's result, so never `failed`).
    pub fn outcome(self) -> Outcome {
        match self {
            Code::ExternalIdUnproved | Code::PathUnknown | Code::PathNotRead => Outcome::Unknown,
            Code::Unmanaged | Code::UnusedPartnerRole | Code::GenesysDynamicAction => {
                Outcome::Informational
            }
            // Exhaustive: a new code does not compile until it says which it is.
            Code::NoExternalId
            | Code::ExternalIdPattern
            | Code::OtherPrincipals
            | Code::BeyondInvoke
            | Code::AllFunctions
            | Code::LatentVersion
            | Code::PartnerBypassesRole
            | Code::FunctionPolicyOpen
            | Code::ConfigMismatch
            | Code::PartnerRefused
            | Code::OrgPolicyBlocks
            | Code::FunctionPolicyBlocks
            | Code::CrossAccountPermissionMissing
            | Code::RoleBlocks
            | Code::ExternalIdNotOrg
            | Code::ExternalIdNotOurs
            | Code::ExternalIdNotUuid
            | Code::GenesysActionReachesMany => Outcome::Failed,
        }
    }

    /// The whole path's code this is (the same text, severity and meaning as `verify`'s),
    /// `None` for the audit's own codes.
    pub fn path(self) -> Option<PathCode> {
        Some(match self {
            Code::PartnerBypassesRole => PathCode::PartnerBypassesRole,
            Code::FunctionPolicyOpen => PathCode::FunctionPolicyOpen,
            Code::PathUnknown => PathCode::PathUnknown,
            Code::OrgPolicyBlocks => PathCode::OrgPolicyBlocks,
            Code::FunctionPolicyBlocks => PathCode::FunctionPolicyBlocks,
            Code::CrossAccountPermissionMissing => PathCode::CrossAccountPermissionMissing,
            Code::RoleBlocks => PathCode::RoleBlocks,
            Code::ExternalIdNotOrg => PathCode::ExternalIdNotOrg,
            Code::PathNotRead => PathCode::PathNotRead,
            Code::NoExternalId
            | Code::ExternalIdPattern
            | Code::ExternalIdUnproved
            | Code::ExternalIdNotOurs
            | Code::ExternalIdNotUuid
            | Code::OtherPrincipals
            | Code::BeyondInvoke
            | Code::AllFunctions
            | Code::LatentVersion
            | Code::ConfigMismatch
            | Code::PartnerRefused
            | Code::Unmanaged
            | Code::UnusedPartnerRole
            | Code::GenesysActionReachesMany
            | Code::GenesysDynamicAction => return None,
        })
    }

    /// Whether the finding comes from Genesys Cloud (`audit --genesys`), not from AWS.
    pub fn is_genesys(self) -> bool {
        match self {
            Code::GenesysActionReachesMany | Code::GenesysDynamicAction => true,
            Code::NoExternalId
            | Code::ExternalIdPattern
            | Code::ExternalIdUnproved
            | Code::OtherPrincipals
            | Code::BeyondInvoke
            | Code::AllFunctions
            | Code::LatentVersion
            | Code::PartnerBypassesRole
            | Code::FunctionPolicyOpen
            | Code::PathUnknown
            | Code::ConfigMismatch
            | Code::PartnerRefused
            | Code::OrgPolicyBlocks
            | Code::FunctionPolicyBlocks
            | Code::CrossAccountPermissionMissing
            | Code::RoleBlocks
            | Code::ExternalIdNotOrg
            | Code::ExternalIdNotOurs
            | Code::ExternalIdNotUuid
            | Code::PathNotRead
            | Code::Unmanaged
            | Code::UnusedPartnerRole => false,
        }
    }

    /// The audit's code for a whole-path code.
    pub(crate) fn of_path(code: PathCode) -> Code {
        match code {
            PathCode::PartnerBypassesRole => Code::PartnerBypassesRole,
            PathCode::FunctionPolicyOpen => Code::FunctionPolicyOpen,
            PathCode::PathUnknown => Code::PathUnknown,
            PathCode::OrgPolicyBlocks => Code::OrgPolicyBlocks,
            PathCode::FunctionPolicyBlocks => Code::FunctionPolicyBlocks,
            PathCode::CrossAccountPermissionMissing => Code::CrossAccountPermissionMissing,
            PathCode::RoleBlocks => Code::RoleBlocks,
            PathCode::ExternalIdNotOrg => Code::ExternalIdNotOrg,
            PathCode::PathNotRead => Code::PathNotRead,
        }
    }

    /// One sentence for SARIF rule descriptions and the reports' finding titles.
    pub fn description(self) -> &'static str {
        match self {
            Code::NoExternalId => "A partner principal can assume the role without sts:ExternalId, or with any value: any organization of the partner could use it.",
            Code::ExternalIdPattern => "The role accepts more than one sts:ExternalId value (several values, a wildcard, or a case-insensitive match).",
            Code::ExternalIdUnproved => "The prover could not decide which sts:ExternalId values the role accepts.",
            Code::ExternalIdNotOurs => "The role lets the partner in under an sts:ExternalId that is none of the Genesys Cloud organizations given (--genesys-org-id): another organization can use it.",
            Code::ExternalIdNotUuid => "The sts:ExternalId the role requires is not a Genesys Cloud organization ID (a UUID): Genesys Cloud never sends it, so no organization can use the role.",
            Code::OtherPrincipals => "Principals other than the partner account can assume the role.",
            Code::BeyondInvoke => "The role can do something besides lambda:InvokeFunction.",
            Code::AllFunctions => "The role can invoke functions through a wildcard function name.",
            Code::LatentVersion => "A non-default version of an attached policy admits more than the current policies: anyone with iam:SetDefaultPolicyVersion can switch it on.",
            Code::ConfigMismatch => "The role is managed by lambda-trust, but by another config than the one given.",
            Code::PartnerRefused => "The partner account can assume the role, but not through the partner principal given with --partner-principal.",
            Code::Unmanaged => "The role is not managed by lambda-trust.",
            Code::UnusedPartnerRole => "A partner can assume the role, but it has not been used for --unused-days days (IAM's RoleLastUsed).",
            Code::GenesysActionReachesMany => "A Genesys Cloud data action chooses its function at run time (an expression in requestUrlTemplate) and can reach more than one function the role grants: the flow's input picks which.",
            Code::GenesysDynamicAction => "A Genesys Cloud data action chooses its function at run time (an expression in requestUrlTemplate); it reaches at most one function the role grants.",
            Code::PartnerBypassesRole
            | Code::FunctionPolicyOpen
            | Code::PathUnknown
            | Code::OrgPolicyBlocks
            | Code::FunctionPolicyBlocks
            | Code::CrossAccountPermissionMissing
            | Code::RoleBlocks
            | Code::ExternalIdNotOrg
            | Code::PathNotRead => self.path().map_or("", PathCode::description),
        }
    }

    /// What to do about it, one sentence (the HTML report's detail view).
    pub(crate) fn remedy(self) -> &'static str {
        match self {
            Code::NoExternalId => "Require the one external ID: a Condition StringEquals sts:ExternalId = your Genesys Cloud organization ID on every statement that lets the partner in (lambda-trust apply writes it).",
            Code::ExternalIdPattern => "Accept exactly one value with StringEquals (no wildcard, no IgnoreCase); give each organization a role of its own.",
            Code::ExternalIdUnproved => "Rewrite the conditions on sts:ExternalId as one StringEquals value, then audit again.",
            Code::ExternalIdNotOurs => "Require your organization's ID as sts:ExternalId (Genesys Cloud shows it at Admin > Account Settings > Organization Settings > Organization Details > Advanced > Organization ID; lambda-trust: trust.external_id, then apply), or delete the role if that organization is not yours to serve.",
            Code::ExternalIdNotUuid => "Require your Genesys Cloud organization's ID, as Genesys Cloud sends it (a lowercase UUID), as sts:ExternalId (lambda-trust: trust.external_id, then apply).",
            Code::OtherPrincipals => "Remove the statements that let in principals other than the partner account, or move them to a role of their own.",
            Code::BeyondInvoke => "Cut the role's policies down to lambda:InvokeFunction on the functions it needs.",
            Code::AllFunctions => "Name each function (or function:alias) instead of a wildcard.",
            Code::LatentVersion => "Delete the non-default policy version (iam:DeletePolicyVersion); lambda-trust apply deletes them from its own policies.",
            Code::ConfigMismatch => "Find the config that manages this role and run lambda-trust plan with it; two configs must not share a role.",
            Code::PartnerRefused => "Let the partner's principal in (its ARN in Principal, or in an aws:PrincipalArn condition), or give the principal the partner really assumes from.",
            Code::Unmanaged => "Adopt the role (lambda-trust plan --adopt with a config for it), or record who owns it.",
            Code::UnusedPartnerRole => "Delete the role (or remove the partner from its trust policy) if nothing calls it any more; lambda-trust destroy removes a role it manages.",
            Code::GenesysActionReachesMany => "Fix the function in the action's requestUrlTemplate (one data action per function), or narrow the template's fixed prefix, or give the integration a role that grants only the functions the flows may pick.",
            Code::GenesysDynamicAction => "Nothing to do while the role grants no other function the template can produce; a fixed function ARN in requestUrlTemplate says it plainly.",
            Code::PartnerBypassesRole => "Remove the function policy's statement that names the partner's account (aws lambda remove-permission --statement-id SID): Genesys Cloud must come through the role and its external ID.",
            Code::FunctionPolicyOpen => "Remove the function policy's statement that lets others in (aws lambda remove-permission --statement-id SID), or keep it to one principal and add aws:SourceArn/aws:SourceAccount for a service.",
            Code::PathUnknown => "Simplify the function policy's statement (one principal, plain conditions), then audit again.",
            Code::OrgPolicyBlocks => "Exempt the role or Genesys Cloud's account (765628985471) in the SCP or RCP named, at the level named (e.g. list the account in the identity-perimeter RCP).",
            Code::FunctionPolicyBlocks => "Remove or narrow the function policy's Deny statement that matches the role's session.",
            Code::CrossAccountPermissionMissing => "Let the role invoke the function in its own account: aws lambda add-permission --principal ROLE_ARN --action lambda:InvokeFunction (lambda-trust apply writes it for a configured target).",
            Code::RoleBlocks => "Let the role invoke the target: its identity policies and permissions boundary must both allow lambda:InvokeFunction on it.",
            Code::ExternalIdNotOrg => "Require the organization ID Genesys Cloud signs in with as sts:ExternalId (lambda-trust: set trust.external_id to it and apply).",
            Code::PathNotRead => "Read the organization policies as the management account or a delegated administrator, or give them with --org-policies DIR; allow the caller lambda:GetPolicy on the functions.",
        }
    }
}

/// One thing the audit found on a role: its code, how bad, what it states, and the request that
/// shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", schemars(extend("allOf" = [
    {
        "if": {"properties": {"code": {"enum": ["config-mismatch", "partner-refused", "org-policy-blocks", "function-policy-blocks", "cross-account-permission-missing", "role-blocks", "external-id-not-org", "external-id-not-uuid", "path-not-read"]}}},
        "then": {"properties": {"severity": {"const": "config"}}}
    },
    {
        "if": {"properties": {"code": {"enum": ["unmanaged", "unused-partner-role", "genesys-dynamic-action"]}}},
        "then": {"properties": {"severity": {"const": "info"}, "outcome": {"const": "informational"}}}
    },
    {
        "if": {"properties": {"code": {"enum": ["config-mismatch", "partner-refused", "org-policy-blocks", "function-policy-blocks", "cross-account-permission-missing", "role-blocks", "external-id-not-org", "external-id-not-uuid", "path-not-read", "unmanaged", "unused-partner-role", "genesys-dynamic-action"]}}},
        "else": {"properties": {"severity": {"const": "security"}}}
    }
])))]
pub struct Finding {
    /// Decided by `code`: `security`, `config` or `info`.
    pub severity: Severity,
    /// The finding's stable code (its SARIF rule ID).
    pub code: Code,
    /// Decided by `code`: `failed`; `unknown` for what was not read or not decided;
    /// `informational` for a fact (an `info` code).
    pub outcome: Outcome,
    /// What the finding says, in a sentence.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub message: String,
    /// `{principal, action, resource, context}`, confirmed by the evaluator, or null.
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "lambda_trust_model::schema_or_null::<lambda_trust_iam::Request>")
    )]
    pub counterexample: Option<Value>,
    /// The statements of the role's documents (`RoleReport::documents`) that let the
    /// counterexample in, as the evaluator reports them; empty without a counterexample.
    /// Not in the JSON (nor are the documents): the HTML report marks them.
    #[serde(skip)]
    pub admitted_by: Vec<StatementRef>,
    /// `--baseline`: the entry that accepts this finding (absent when none does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// What to do about it: its code's step, or the gap's own where the code's is about
    /// another (a function policy not read because only one region was listed). Not in the
    /// JSON: ASFF's `Remediation`, OCSF's `remediation` and the HTML report say it.
    #[serde(skip)]
    pub remedy: String,
}

impl Finding {
    /// A finding of `code` that states what could not be proved (`outcome: unknown`), whatever
    /// its code says when it is shown.
    pub(crate) fn unproved(code: Code, message: String) -> Finding {
        Finding {
            outcome: Outcome::Unknown,
            ..Finding::new(code, message, None)
        }
    }

    /// A finding of `code` with its message and, when the prover found one, the request that shows
    /// it.
    pub fn new(code: Code, message: String, counterexample: Option<&Request>) -> Finding {
        Finding {
            severity: code.severity(),
            code,
            outcome: code.outcome(),
            message,
            counterexample: counterexample.map(request_json),
            admitted_by: Vec::new(),
            suppression: None,
            remedy: code.remedy().to_owned(),
        }
    }

    /// A baseline entry in force accepts it: shown, but not counted in the exit code.
    pub fn is_suppressed(&self) -> bool {
        self.suppression.as_ref().is_some_and(|s| !s.expired)
    }
}

pub(crate) fn request_json(c: &Request) -> Value {
    json!(c)
}

/// How a baseline entry bears on a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct Suppression {
    /// The entry's reason.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub reason: String,
    /// The entry's last day (`YYYY-MM-DD`), if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The entry has expired: the finding is not suppressed any more and counts again.
    pub expired: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    /// Text, SARIF and ASFF print the code as the JSON writes it; the path's codes too.
    #[test]
    fn the_displayed_code_is_the_serialized_code() {
        for code in Code::iter() {
            assert_eq!(serde_json::json!(code), serde_json::json!(code.to_string()));
            assert_eq!(code.to_string(), <&str>::from(code));
        }
        for code in PathCode::iter() {
            assert_eq!(serde_json::json!(code), serde_json::json!(code.to_string()));
        }
    }

    #[test]
    fn path_codes_read_and_rate_as_verify_s() {
        for path in PathCode::iter() {
            let code = Code::of_path(path);
            assert_eq!(code.path(), Some(path));
            assert_eq!(code.to_string(), path.to_string());
            assert_eq!(code.severity(), path.severity(), "{code}");
        }
        let own = Code::iter().filter(|c| c.path().is_none()).count();
        assert_eq!(own + PathCode::iter().count(), Code::iter().count());
    }
}
