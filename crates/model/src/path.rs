//! The whole path Genesys Cloud takes, as `verify` and `check` claim it: `sts:AssumeRole` on
//! the role, then `lambda:InvokeFunction` on each target, through the organization's SCPs and
//! RCPs, the role's boundary and the functions' own resource policies (the `iam` crate's
//! `path`, documented in docs/aws-behaviour.md, "The whole path").
//!
//! Part of the shared model: the adapters read the organization policies and the function
//! policies ([`PathSources`]); this builds the evaluation's input from them, the config and the
//! live role, and turns its answer into two claims per target — Genesys Cloud gets through, and
//! nobody else gets in — each `proved`, `refuted` (with the request and what stops it or lets it
//! in) or `unknown` (with why). What was not read is never proved.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::render::ResolvedTarget;
use lambda_trust_iam::{
    account_of, AvailabilityVerdict, Known, OrgPolicies, PathInput, PathReport, PathTarget, Policy,
    SecurityVerdict, WayIn,
};
use lambda_trust_verdict::Severity;

/// What the path needs beyond the role, as the adapters (or `--org-policies` files) read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathSources {
    /// Organization policies per account ID (the role's and each target's); an account absent
    /// here was not read.
    pub orgs: BTreeMap<String, OrgPolicies>,
    /// Each invoked ARN's resource policy as read; an ARN absent here was not read.
    pub function_policies: BTreeMap<String, FunctionPolicy>,
    /// Where each function policy came from, by invoked ARN, and what the reads say about
    /// their sources (a region whose AWS Config was used or not, and why).
    pub reads: PolicyReads,
    /// The organization ID Genesys Cloud sends as `sts:ExternalId`: the signed-in org's
    /// (`GET /api/v2/organizations/me`). `None`: not read (no `[genesys]`, `--only aws`, or
    /// the sign-in failed), so the configured `trust.external_id` is assumed, and said so.
    pub genesys_org: Option<String>,
}

/// Where the function policies came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyReads {
    /// By invoked ARN: the source of its policy (absent: not said).
    pub from: BTreeMap<String, PolicyRead>,
    /// One line each about a source: a region's AWS Config used or not, and why.
    pub notes: Vec<String>,
}

/// Where one function policy was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "source", rename_all = "kebab-case")]
pub enum PolicyRead {
    /// `lambda:GetPolicy`, as it is now.
    GetPolicy,
    /// The account's own AWS Config item of the function (`BatchGetResourceConfig`).
    AwsConfig {
        /// When Config captured the item (RFC 3339, UTC): the policy as it was then.
        captured: String,
    },
}

/// A function's resource-based policy as `lambda:GetPolicy` answered for one qualifier
/// (`aws::function_policy` reads it).
#[derive(Debug, Clone, PartialEq)]
pub enum FunctionPolicy {
    /// The function (at this qualifier) has no resource-based policy: normal.
    None,
    /// Its policy, parsed.
    Policy(Policy),
    /// Not known: the read was refused or failed, or the document is not a policy.
    NotRead {
        /// One line: what failed and what to do.
        reason: String,
    },
}

impl FunctionPolicy {
    /// The policy, when it was read.
    pub fn read(&self) -> Option<Option<&Policy>> {
        match self {
            FunctionPolicy::None => Some(None),
            FunctionPolicy::Policy(p) => Some(Some(p)),
            FunctionPolicy::NotRead { .. } => None,
        }
    }

    /// The policy as `iam::path::Target::resource_policy` takes it: not read stays not known.
    pub(crate) fn known(&self) -> Known<Option<Policy>> {
        match self {
            FunctionPolicy::None => Known::Known(None),
            FunctionPolicy::Policy(p) => Known::Known(Some(p.clone())),
            FunctionPolicy::NotRead { reason } => Known::Unknown {
                reason: reason.clone(),
            },
        }
    }
}

impl PathSources {
    /// The target `arn` as the evaluation takes it, its function policy as read (an ARN whose
    /// policy was not read is not known, never "none").
    pub fn target(&self, arn: &str) -> PathTarget {
        let resource_policy = match self.function_policies.get(arn) {
            Some(p) => p.known(),
            None => Known::Unknown {
                reason: "not asked for".into(),
            },
        };
        PathTarget {
            arn: arn.to_owned(),
            resource_policy,
        }
    }
}

/// The two claims of the whole path, per target, and where each account's organization
/// policies came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct PathClaims {
    /// Per account ID: `read`, `no organization`, or why they were not read.
    pub organization: BTreeMap<String, String>,
    /// What the function policies' reads say about their sources, one line each (which
    /// regions' AWS Config was used, or why not).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub function_policies: Vec<String>,
    /// One entry per target, in the config's order.
    pub targets: Vec<TargetClaims>,
}

/// The two claims about one target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct TargetClaims {
    /// The ARN Genesys Cloud invokes (qualifier included).
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub target: String,
    /// Genesys Cloud's two requests are allowed end to end.
    pub genesys_gets_through: Claim,
    /// No one but the role (and the function's own account's IAM) can invoke it.
    pub nobody_else: Claim,
    /// Where the function's policy was read, when the reads said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_policy: Option<PolicyRead>,
}

/// One claim's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ClaimVerdict {
    /// Holds for every request, with every applicable policy read.
    Proved,
    /// A request shows it does not hold.
    Refuted,
    /// Not decided (a policy not read, a search that ran out): never proved.
    Unknown,
}

/// A claim: its verdict, what it means in one line, the request that shows a refutation, and
/// the stable code the finding carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct Claim {
    /// Proved, refuted, or unknown.
    pub verdict: ClaimVerdict,
    /// The finding's code when not proved (`org-policy-blocks`, `partner-bypasses-role`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<PathCode>,
    /// What the claim means, in one line.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub detail: String,
    /// The request that refutes it (replayable), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "crate::schema_refs::one::<lambda_trust_iam::Request>")
    )]
    pub request: Option<Value>,
    /// What a claim that holds takes as given without having read it: Genesys Cloud's
    /// organization ID, when no sign-in read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumes: Option<String>,
}

impl Claim {
    fn proved(detail: impl Into<String>) -> Claim {
        Claim {
            verdict: ClaimVerdict::Proved,
            code: None,
            detail: detail.into(),
            request: None,
            assumes: None,
        }
    }

    fn not(verdict: ClaimVerdict, code: PathCode, detail: String, request: Option<Value>) -> Claim {
        Claim {
            verdict,
            code: Some(code),
            detail,
            request,
            assumes: None,
        }
    }
}

/// What a claim that does not hold is, as a stable finding code.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::Display,
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum PathCode {
    /// An SCP or RCP stops Genesys Cloud (availability).
    OrgPolicyBlocks,
    /// The function's own policy stops the role (availability).
    FunctionPolicyBlocks,
    /// A target in another account whose policy does not allow the role (availability).
    CrossAccountPermissionMissing,
    /// The role's own policies stop it (availability; `verify`'s trust and invoke checks say
    /// which).
    RoleBlocks,
    /// Organization policies or a function policy were not read: nothing is proved.
    PathNotRead,
    /// The function's policy lets the partner's account invoke it directly, without the role
    /// and its external ID (security).
    PartnerBypassesRole,
    /// The function's policy lets someone other than the role invoke it (security).
    FunctionPolicyOpen,
    /// The search could not decide who else gets in (security, never proved).
    PathUnknown,
    /// The configured external ID is not the organization ID Genesys Cloud signs in with, so
    /// the role refuses the ID Genesys Cloud sends (availability).
    ExternalIdNotOrg,
}

impl PathCode {
    /// Someone else gets in (or may): security; Genesys Cloud is stopped (or may be): an
    /// outage, config.
    pub fn severity(self) -> Severity {
        match self {
            PathCode::PartnerBypassesRole
            | PathCode::FunctionPolicyOpen
            | PathCode::PathUnknown => Severity::Security,
            PathCode::OrgPolicyBlocks
            | PathCode::FunctionPolicyBlocks
            | PathCode::CrossAccountPermissionMissing
            | PathCode::RoleBlocks
            | PathCode::ExternalIdNotOrg
            | PathCode::PathNotRead => Severity::Config,
        }
    }

    /// One sentence for SARIF rule descriptions.
    pub fn description(self) -> &'static str {
        match self {
            PathCode::OrgPolicyBlocks => "An SCP or RCP stops Genesys Cloud's requests: every data action fails.",
            PathCode::FunctionPolicyBlocks => "The function's resource policy stops the role from invoking it.",
            PathCode::CrossAccountPermissionMissing => "A target in another account does not allow the role in its resource policy.",
            PathCode::RoleBlocks => "The role's own policies stop Genesys Cloud's requests.",
            PathCode::PathNotRead => "Organization or function policies on the path were not read: Genesys Cloud's access is not proved.",
            PathCode::PartnerBypassesRole => "The function's policy lets the partner's account invoke it directly, without the role and its external ID.",
            PathCode::FunctionPolicyOpen => "The function's policy lets someone other than the role invoke it.",
            PathCode::PathUnknown => "Who else can invoke the function could not be decided: nothing is proved.",
            PathCode::ExternalIdNotOrg => "The configured external ID is not the organization ID Genesys Cloud sends: the role refuses it, and every data action fails.",
        }
    }
}

/// The ARNs Genesys Cloud invokes: each target's function, with its qualifier when it has one.
pub fn invoked_arns(targets: &[ResolvedTarget]) -> Vec<String> {
    targets.iter().map(|t| t.invoked_arn()).collect()
}

/// Whether a claim's detail names organization policies (SCPs, RCPs) among what was not read.
pub fn names_org_policies(detail: &str) -> bool {
    ["organization polic", "SCP", "RCP"]
        .iter()
        .any(|w| detail.contains(w))
}

/// The claims over the whole path, from the evaluation's report (what was not read is in the
/// input's types: the evaluation never proves or blocks on it).
pub fn path_claims(input: &PathInput, report: &PathReport) -> PathClaims {
    let targets = input
        .targets
        .iter()
        .map(|t| TargetClaims {
            target: t.arn.clone(),
            genesys_gets_through: availability_claim(input, report, &t.arn),
            nobody_else: security_claim(input, report, &t.arn),
            function_policy: None,
        })
        .collect();
    PathClaims {
        organization: organization_sources(input),
        function_policies: Vec::new(),
        targets,
    }
}

fn organization_sources(input: &PathInput) -> BTreeMap<String, String> {
    let mut accounts: Vec<String> = vec![account_of(&input.role.arn).to_string()];
    accounts.extend(input.targets.iter().map(|t| account_of(&t.arn).to_string()));
    accounts
        .into_iter()
        .map(|a| {
            let source = match input.orgs.get(&a) {
                None => "not read".to_string(),
                Some(OrgPolicies::NoOrganization) => "no organization".to_string(),
                Some(OrgPolicies::Read { .. }) => "read".to_string(),
                Some(OrgPolicies::NotRead { reason }) => format!("not read: {reason}"),
            };
            (a, source)
        })
        .collect()
}

fn availability_claim(input: &PathInput, report: &PathReport, target: &str) -> Claim {
    let Some(a) = report.availability.iter().find(|a| a.target == target) else {
        return Claim::not(
            ClaimVerdict::Unknown,
            PathCode::PathNotRead,
            "not evaluated".into(),
            None,
        );
    };
    let request = a.request.as_ref().map(|r| json!(r));
    match a.verdict {
        AvailabilityVerdict::Blocked => {
            let blockers: Vec<String> = a.blockers.iter().map(ToString::to_string).collect();
            let code = blocked_code(input, target, a);
            let detail = format!("Genesys Cloud is stopped: {}", blockers.join("; "));
            Claim::not(ClaimVerdict::Refuted, code, detail, request)
        }
        AvailabilityVerdict::NotProved => {
            let why = a
                .reason
                .clone()
                .unwrap_or_else(|| "a policy was not read".into());
            Claim::not(
                ClaimVerdict::Unknown,
                PathCode::PathNotRead,
                format!("not proved: {why}"),
                None,
            )
        }
        AvailabilityVerdict::Proved => Claim::proved(
            "sts:AssumeRole with the external ID, then lambda:InvokeFunction, are allowed by \
             every policy on the path",
        ),
    }
}

/// What stops Genesys Cloud, as a code: an organization policy, the function's policy (in
/// another account: the missing permission), or the role's own policies.
fn blocked_code(input: &PathInput, target: &str, a: &lambda_trust_iam::Availability) -> PathCode {
    use lambda_trust_iam::{BlockReason, PolicyKind};
    let kinds: Vec<(PolicyKind, BlockReason)> =
        a.blockers.iter().map(|b| (b.kind, b.reason)).collect();
    let cross_account = account_of(target) != account_of(&input.role.arn);
    if kinds
        .iter()
        .any(|(k, _)| matches!(k, PolicyKind::Scp | PolicyKind::Rcp))
    {
        PathCode::OrgPolicyBlocks
    } else if kinds.contains(&(PolicyKind::FunctionPolicy, BlockReason::NoAllow)) && cross_account {
        PathCode::CrossAccountPermissionMissing
    } else if kinds.iter().any(|(k, _)| *k == PolicyKind::FunctionPolicy) {
        PathCode::FunctionPolicyBlocks
    } else {
        PathCode::RoleBlocks
    }
}

fn security_claim(input: &PathInput, report: &PathReport, target: &str) -> Claim {
    // A function policy not read may let anyone in: security, never proved.
    let unread = (input.targets.iter())
        .find(|t| t.arn == target)
        .and_then(|t| t.resource_policy.unknown());
    if let Some(why) = unread {
        let detail = format!("not proved: its function policy was not read: {why}");
        return Claim::not(ClaimVerdict::Unknown, PathCode::PathUnknown, detail, None);
    }
    let Some(s) = report.security.iter().find(|s| s.target == target) else {
        return Claim::not(
            ClaimVerdict::Unknown,
            PathCode::PathNotRead,
            "not evaluated".into(),
            None,
        );
    };
    match s.verdict {
        SecurityVerdict::Proved => Claim::proved(
            "the function's policy lets no one but the role (and its own account's IAM) invoke it",
        ),
        SecurityVerdict::Counterexample => {
            let bypass = s.findings.iter().find(|f| f.way == WayIn::PartnerDirect);
            let first = bypass.or(s.findings.first());
            let code = match bypass {
                Some(_) => PathCode::PartnerBypassesRole,
                None => PathCode::FunctionPolicyOpen,
            };
            let ways: Vec<String> = s
                .findings
                .iter()
                .map(|f| {
                    let sid = f
                        .statement
                        .sid
                        .as_deref()
                        .map(|s| format!(" (Sid {s})"))
                        .unwrap_or_default();
                    format!("{} by statement {}{sid}", f.way.code(), f.statement.index)
                })
                .collect();
            let detail = format!("others can invoke it without the role: {}", ways.join("; "));
            let request = first.map(|f| json!(f.request));
            Claim::not(ClaimVerdict::Refuted, code, detail, request)
        }
        SecurityVerdict::Unknown => {
            let detail = format!("not decided: {}", s.unknown.join("; "));
            Claim::not(ClaimVerdict::Unknown, PathCode::PathUnknown, detail, None)
        }
    }
}

impl PathClaims {
    /// Every claim proved.
    pub fn proved(&self) -> bool {
        self.targets.iter().all(|t| {
            t.genesys_gets_through.verdict == ClaimVerdict::Proved
                && t.nobody_else.verdict == ClaimVerdict::Proved
        })
    }
}
