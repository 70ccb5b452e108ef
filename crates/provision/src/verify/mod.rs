//! Verification: proves the live setup is what it must be, as plain checks over plain data.
//!
//! Part of the pure model. The proof is an offline evaluation of the **live** documents
//! (read by `aws::observe`) with the `iam` evaluator, because the IAM policy simulator does not
//! evaluate trust policies for `sts:AssumeRole` (see docs/aws-behaviour.md). The optional live
//! probe (assume the role, dry-run invoke) is `aws::probe`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

// The module alone (`self`): the root re-exports a function of the same name.
use crate::lint::{self};
use lambda_trust_iam::AwsResource;
use lambda_trust_iam::{
    account_of, evaluate, prove_invoke, prove_trust, Arn, Decision, EvalInput, InvokeSpec,
    LabeledPolicy, Policy, Property, PropertyResult, Request, TrustSpec, Verdict,
};
use lambda_trust_model::{Desired, Observed, ObservedPolicy, ObservedRole, PolicyVersion};

mod check;
mod path;
mod tally;
mod verdict;
pub use tally::Tally;
pub use verdict::{verdict, VerifyRead};

pub(crate) use crate::identity::{identity_documents, identity_input};
pub use check::{Check, CheckId};
pub(crate) use lambda_trust_model::{
    path_claims, Claim, ClaimVerdict, FunctionPolicy, PathClaims, PathCode, PathSources,
};
pub(crate) use path::path_input;
use path::{claims_as_sent, claims_with_reads};

/// verify's checklist and proofs (`proofs` absent when the role does not exist).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schemars",
    schemars(rename = "verification", deny_unknown_fields)
)]
pub struct Verification {
    /// Every check passed and every property proved (and, with `path`, every claim of it).
    pub passed: bool,
    /// Readable examples and structural checks.
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "crate::schema_refs::list::<crate::verify::check::Check>")
    )]
    pub checks: Vec<Check>,
    /// The decision over every request (`iam::prove`): the trust and invoke properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "schemars",
        schemars(
            schema_with = "crate::schema_refs::non_empty_list::<lambda_trust_iam::PropertyResult>"
        )
    )]
    pub proofs: Vec<PropertyResult>,
    /// The whole path (organization and function policies), when it was evaluated: Genesys
    /// Cloud gets through to each target, and nobody else gets in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathClaims>,
    /// With environments: this environment's live role towards every other environment — it
    /// admits none of their orgs and invokes none of their functions (`isolation`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub isolation: Vec<crate::isolation_claim::IsolationClaim>,
}

/// A verification of these checks, with no proof or path yet: passed when every check passed.
impl From<Vec<Check>> for Verification {
    fn from(checks: Vec<Check>) -> Verification {
        Verification {
            passed: checks.iter().all(|c| c.passed),
            checks,
            proofs: Vec::new(),
            path: None,
            isolation: Vec::new(),
        }
    }
}

impl Verification {
    /// Adds the isolation claims; passing then also needs each of them proved.
    pub(crate) fn with_isolation(
        mut self,
        claims: Vec<crate::isolation_claim::IsolationClaim>,
    ) -> Verification {
        self.passed = self.passed && claims.iter().all(|c| c.verdict == Verdict::Proved);
        self.isolation = claims;
        self
    }

    /// Adds the whole path's claims over what the adapters read (`sources`: the organization's
    /// SCPs and RCPs and each target's function policy) for `desired`'s targets; passing then
    /// also needs each of them proved. None without a role or a parsable trust policy (the
    /// checks say so).
    pub fn with_whole_path(
        mut self,
        desired: &Desired,
        observed: &Observed,
        sources: &PathSources,
    ) -> Verification {
        if let Some(path) = whole_path(desired, observed, sources) {
            self.passed = self.passed && path.proved();
            self.path = Some(path);
        }
        self
    }

    /// Adds the proofs; passing then also needs every property proved.
    pub(crate) fn with_proofs(mut self, proofs: Vec<PropertyResult>) -> Verification {
        self.passed = self.passed && proofs.iter().all(|p| p.verdict == Verdict::Proved);
        self.proofs = proofs;
        self
    }
}

/// What a verification or a check is about: the role, its account and the region it was read
/// in — the header of `verify` and of each config's `check`, so a report never leaves the
/// reader guessing which account it describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct Subject {
    /// The role's ARN.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub(crate) role: String,
    /// Its account.
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "crate::schema_refs::one::<lambda_trust_model::SchemaAccountId>")
    )]
    pub(crate) account: String,
    /// The region the run read (functions in other regions are read in theirs).
    pub(crate) region: String,
}

impl Subject {
    /// The role the config describes, in the account it was read from.
    pub fn of(desired: &Desired, region: String) -> Subject {
        let role = &desired.role;
        Subject {
            role: Arn::iam(
                &desired.partition,
                &desired.account_id,
                &format!("role{}{}", role.path, role.name),
            )
            .to_string(),
            account: desired.account_id.clone(),
            region,
        }
    }
}

/// `role ARN · account ACCOUNT · region REGION`.
impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Subject {
            role,
            account,
            region,
        } = self;
        write!(f, "role {role} · account {account} · region {region}")
    }
}

/// The whole offline verification: the checks and the proofs over the live documents.
pub fn verification(desired: &Desired, observed: &Observed) -> Verification {
    Verification::from(checks(desired, observed)).with_proofs(proofs(desired, observed))
}

/// [`verification`] and the whole path over what the adapters read (`sources`): the
/// organization's SCPs and RCPs and each target's function policy.
pub(crate) fn verification_with_path(
    desired: &Desired,
    observed: &Observed,
    sources: &PathSources,
) -> Verification {
    verification(desired, observed).with_whole_path(desired, observed, sources)
}

/// The whole path's claims over what the adapters read; `None` without a role or a parsable
/// trust policy (the checks say so).
fn whole_path(desired: &Desired, observed: &Observed, sources: &PathSources) -> Option<PathClaims> {
    let input = path_input(desired, observed, sources)?;
    let report = lambda_trust_iam::PathReport::new(&input, lambda_trust_iam::Budget::default());
    let claims = path_claims(&input, &report);
    let org = sources.genesys_org.as_deref();
    let claims = claims_as_sent(claims, &desired.external_id, org);
    Some(claims_with_reads(claims, &sources.reads))
}

/// The trust and invoke properties decided over every request on the live documents; none
/// without a role (the checks say it is missing) or for a trust policy that does not parse.
pub(crate) fn proofs(desired: &Desired, observed: &Observed) -> Vec<PropertyResult> {
    let Some(role) = &observed.role else {
        return Vec::new();
    };
    let mut out = Policy::try_from(&role.trust)
        .map(|trust| {
            prove_trust(
                &trust,
                &role.arn,
                &trust_spec(desired),
                lambda_trust_iam::Budget::default(),
            )
        })
        .unwrap_or_default();
    let (input, _) = identity_input(observed);
    let spec = invoke_spec(desired);
    out.extend(prove_invoke(
        &input.identity_policies,
        input.boundary.as_ref(),
        &spec,
        lambda_trust_iam::Budget::default(),
    ));
    out
}

/// The non-default versions of our invoke policy `live` that admit more than the granted
/// ARNs (or cannot be proved not to), with what each admits: latent access, since anyone with
/// `iam:SetDefaultPolicyVersion` can make one the default.
pub(crate) fn latent_versions<'a>(
    desired: &Desired,
    live: &'a ObservedPolicy,
) -> Vec<(&'a PolicyVersion, String)> {
    live.versions
        .iter()
        .filter(|v| !v.is_default)
        .filter_map(|v| {
            let label = format!("managed policy {} version {}", live.name, v.version_id);
            let admits = invoke_admits(desired, &label, v.document.as_ref()?)?;
            Some((v, admits))
        })
        .collect()
}

/// What an invoke document admits beyond `lambda:InvokeFunction` on the granted ARNs, from
/// the prover (`None`: proved to admit nothing more).
pub(crate) fn invoke_admits(desired: &Desired, label: &str, doc: &Value) -> Option<String> {
    let policy = match Policy::try_from(doc) {
        Ok(p) => p,
        Err(e) => return Some(format!("it does not parse, so nothing is proved: {e}")),
    };
    let spec = invoke_spec(desired);
    let identity = [LabeledPolicy::new(label.to_string(), policy)];
    let results = prove_invoke(&identity, None, &spec, lambda_trust_iam::Budget::default());
    let only = results
        .into_iter()
        .find(|r| r.property == Property::InvokeOnlyTargets)?;
    (only.verdict != Verdict::Proved).then(|| only.request_text())
}

/// What the role may invoke (the granted ARNs), and the role itself, so counterexamples name
/// it and a function in its own account.
pub(crate) fn invoke_spec(desired: &Desired) -> InvokeSpec {
    let role = Arn::iam(
        &desired.partition,
        &desired.account_id,
        &format!("role{}{}", desired.role.path, desired.role.name),
    );
    InvokeSpec {
        targets: granted_arns(desired),
        role_arn: Some(role.to_string()),
        region: desired.targets.first().map(|t| t.region.clone()),
    }
}

/// Who may assume the role: the partner's account, with the configured external ID.
pub(crate) fn trust_spec(desired: &Desired) -> TrustSpec {
    TrustSpec {
        partner_account: account_of_principal(&desired.partner_principal),
        external_id: desired.external_id.clone(),
        partner_principals: Vec::new(),
    }
}

/// An account that is certainly not the partner's, for the "foreign account" case.
fn foreign_account(partner: &str) -> &'static str {
    if partner == "111111111111" {
        "222222222222"
    } else {
        "111111111111"
    }
}

fn account_of_principal(principal: &str) -> String {
    account_of(principal).to_string()
}

fn context(external_id: Option<&str>) -> BTreeMap<String, Vec<String>> {
    external_id
        .map(|id| BTreeMap::from([("sts:ExternalId".to_string(), vec![id.to_string()])]))
        .unwrap_or_default()
}

fn decision_text(d: Decision) -> &'static str {
    d.into()
}

/// The offline proof over the live documents.
pub(crate) fn checks(desired: &Desired, observed: &Observed) -> Vec<Check> {
    let Some(role) = &observed.role else {
        return vec![Check {
            code: CheckId::RoleExists,
            name: "role exists".into(),
            passed: false,
            detail: format!(
                "role {} does not exist; run `lambda-trust apply`",
                desired.role.name
            ),
        }];
    };
    let mut out = vec![ownership_check(desired, observed, role)];
    out.extend(trust_checks(desired, role));
    out.extend(invoke_checks(desired, observed, role));
    out.push(function_check(observed));
    out
}

/// The role and our invoke policies still carry `managed-by = lambda-trust`: a lost tag means
/// someone changed them outside lambda-trust.
/// Only the shards the config wants count: a leftover policy with a shard's name that was
/// never ours is detached by `apply`, not "lost".
fn ownership_check(desired: &Desired, observed: &Observed, role: &ObservedRole) -> Check {
    let mut lost: Vec<String> = Vec::new();
    if !lambda_trust_config::is_ours(&role.tags) {
        lost.push(format!("role {}", role.name));
    }
    let wanted = |arn: &str| desired.policies.iter().any(|p| p.arn == arn);
    lost.extend(
        observed
            .policies
            .iter()
            .filter(|p| wanted(&p.arn) && !lambda_trust_config::is_ours(&p.tags))
            .map(|p| format!("policy {}", p.name)),
    );
    Check {
        code: CheckId::Ownership,
        name: "ownership: the role and its invoke policies carry managed-by = lambda-trust".into(),
        passed: lost.is_empty(),
        detail: if lost.is_empty() {
            "tagged managed-by = lambda-trust".into()
        } else {
            format!(
                "ownership lost (changed outside lambda-trust): {}",
                lost.join(", ")
            )
        },
    }
}

/// The trust side: sample requests through the evaluator, then the structural invariants.
fn trust_checks(desired: &Desired, role: &ObservedRole) -> Vec<Check> {
    let mut out = match Policy::try_from(&role.trust) {
        Err(e) => vec![Check {
            code: CheckId::TrustParses,
            name: "trust policy parses".into(),
            passed: false,
            detail: e.to_string(),
        }],
        Ok(trust) => trust_samples(desired, &role.arn, trust),
    };
    let findings = lint::trust_findings(
        &role.trust,
        &desired.partner_principal,
        &desired.external_id,
    );
    out.push(findings_check(
        CheckId::TrustStructure,
        "trust: only the partner may assume the role, only with StringEquals sts:ExternalId",
        &findings,
    ));
    out
}

/// Six readable examples: the partner (root and a session) with the ID is allowed; a wrong or
/// missing ID, another account and an anonymous caller are not.
fn trust_samples(desired: &Desired, role_arn: &str, trust: Policy) -> Vec<Check> {
    let input = EvalInput {
        identity_policies: Vec::new(),
        resource_policy: Some(LabeledPolicy::new("trust policy", trust)),
        resource_policy_is_trust: true,
        boundary: None,
    };
    let partner = account_of_principal(&desired.partner_principal);
    let ext = desired.external_id.as_str();
    let wrong = format!("{ext}-wrong");
    // The Genesys principal is in the aws partition, whatever the role's.
    let root = Arn::of("aws", &partner, AwsResource::Root).to_string();
    let (role, session) = ("GenesysCloud", "session");
    let session = Arn::of("aws", &partner, AwsResource::AssumedRole { role, session });
    let session = session.to_string();
    let foreign = Arn::of("aws", foreign_account(&partner), AwsResource::Root).to_string();
    let cases: [(&str, &str, Option<&str>, bool); 6] = [
        ("trust: partner account root with the right external ID may assume the role", &root, Some(ext), true),
        ("trust: a role session in the partner account with the right external ID may assume the role", &session, Some(ext), true),
        ("trust: the partner with a wrong external ID is denied", &session, Some(wrong.as_str()), false),
        ("trust: the partner without an external ID is denied", &session, None, false),
        ("trust: another account with the right external ID is denied", &foreign, Some(ext), false),
        ("trust: an anonymous caller is denied", "*", Some(ext), false),
    ];
    cases
        .into_iter()
        .map(|(name, principal, ext_id, want_allow)| {
            let decision = evaluate(
                &input,
                &Request {
                    principal: principal.to_string(),
                    action: "sts:AssumeRole".into(),
                    resource: role_arn.to_string(),
                    context: context(ext_id),
                },
            )
            .decision;
            Check {
                code: if want_allow {
                    CheckId::TrustPartnerAllowed
                } else {
                    CheckId::TrustOthersDenied
                },
                name: name.to_string(),
                passed: (decision == Decision::Allow) == want_allow,
                detail: format!(
                    "sts:AssumeRole by {principal}{} → {}",
                    ext_id
                        .map(|e| format!(" with sts:ExternalId={e}"))
                        .unwrap_or_else(|| " with no sts:ExternalId".into()),
                    decision_text(decision)
                ),
            }
        })
        .collect()
}

/// The invoke side: every target invokable, nothing else, and the structural invariants.
fn invoke_checks(desired: &Desired, observed: &Observed, role: &ObservedRole) -> Vec<Check> {
    let (input, problems) = identity_input(observed);
    let mut out = Vec::new();
    if !problems.is_empty() {
        out.push(Check {
            code: CheckId::InvokeParses,
            name: "invoke: every attached and inline policy parses".into(),
            passed: false,
            detail: problems.join("; "),
        });
    }
    let asker = Asker::new(desired, observed, role, input);
    let granted = granted_arns(desired);
    out.push(targets_invokable(&asker, &granted));
    let outsider = asker.outsider();
    let d = asker.ask("lambda:InvokeFunction", &outsider);
    out.push(Check {
        code: CheckId::InvokeNonTargetDenied,
        name: "invoke: a function that is not a target is not invokable".into(),
        passed: d != Decision::Allow,
        detail: format!("lambda:InvokeFunction on {outsider} → {}", decision_text(d)),
    });
    let any_target = granted.first().cloned().unwrap_or(outsider);
    out.push(no_other_action(&asker, &any_target));
    // Named as the prover names them (`inline policy debug-s3`), so one policy has one name.
    let documents = identity_documents(observed);
    let named: Vec<(&str, &Value)> = documents.iter().map(|(n, d)| (n.as_str(), *d)).collect();
    out.push(findings_check(
        CheckId::InvokeStructure,
        "invoke: no Allow statement grants more than lambda:InvokeFunction on the targets",
        &lint::invoke_findings_named(&named, &granted),
    ));
    out.push(latent_check(desired, observed));
    out
}

/// No non-default version of our invoke policies admits more than the targets.
fn latent_check(desired: &Desired, observed: &Observed) -> Check {
    let latent: Vec<String> = observed
        .policies
        .iter()
        .flat_map(|p| {
            latent_versions(desired, p)
                .into_iter()
                .map(move |(v, admits)| format!("{} {}: {admits}", p.name, v.version_id))
        })
        .collect();
    Check {
        code: CheckId::InvokeLatent,
        name: "invoke: no non-default policy version admits more (latent access)".into(),
        passed: latent.is_empty(),
        detail: if latent.is_empty() {
            "every non-default version is proved to admit nothing beyond the targets".into()
        } else {
            latent.join("; ")
        },
    }
}

pub(crate) fn granted_arns(desired: &Desired) -> Vec<String> {
    desired
        .targets
        .iter()
        .flat_map(|t| t.granted_arns.iter().cloned())
        .collect()
}

/// Asks the evaluator on behalf of a Genesys session of the role, in the role's partition.
struct Asker<'a> {
    input: EvalInput,
    session: String,
    partition: &'a str,
    account: &'a str,
    role: &'a str,
    region: String,
}

impl<'a> Asker<'a> {
    fn new(
        desired: &'a Desired,
        observed: &'a Observed,
        role: &'a ObservedRole,
        input: EvalInput,
    ) -> Asker<'a> {
        let partition = desired.partition.as_str();
        let account = observed.account_id.as_str();
        let session = Arn {
            service: "sts".into(),
            ..Arn::iam(
                partition,
                account,
                &format!("assumed-role/{}/genesys-cloud", role.name),
            )
        };
        Asker {
            input,
            session: session.to_string(),
            partition,
            account,
            role: &role.name,
            region: desired
                .targets
                .first()
                .map_or_else(|| "us-east-1".into(), |t| t.region.clone()),
        }
    }

    fn ask(&self, action: &str, resource: &str) -> Decision {
        let request = Request {
            principal: self.session.clone(),
            action: action.into(),
            resource: resource.into(),
            context: BTreeMap::new(),
        };
        evaluate(&self.input, &request).decision
    }

    /// A function in the role's account that is certainly not a target.
    fn outsider(&self) -> String {
        let name = "lambda-trust-not-a-target";
        Arn::of(
            self.partition,
            self.account,
            AwsResource::Function {
                region: &self.region,
                name,
                qualifier: None,
            },
        )
        .to_string()
    }

    fn iam(&self, resource: &str) -> String {
        Arn::iam(self.partition, self.account, resource).to_string()
    }
}

fn targets_invokable(asker: &Asker, granted: &[String]) -> Check {
    let denied: Vec<String> = granted
        .iter()
        .filter(|arn| asker.ask("lambda:InvokeFunction", arn) != Decision::Allow)
        .cloned()
        .collect();
    Check {
        code: CheckId::InvokeTargetsAllowed,
        name: format!(
            "invoke: every target is invokable ({} ARN(s))",
            granted.len()
        ),
        passed: denied.is_empty(),
        detail: if denied.is_empty() {
            "lambda:InvokeFunction → Allow on every granted ARN".into()
        } else {
            format!("lambda:InvokeFunction is denied on: {}", denied.join(", "))
        },
    }
}

/// A few actions a leaked role must not have, on plausible resources.
fn no_other_action(asker: &Asker, any_target: &str) -> Check {
    let others = [
        ("lambda:UpdateFunctionCode", any_target.to_string()),
        ("lambda:InvokeAsync", any_target.to_string()),
        ("iam:PassRole", asker.iam(&format!("role/{}", asker.role))),
        (
            "s3:GetObject",
            Arn::of(asker.partition, "", AwsResource::S3("any-bucket/any-key")).to_string(),
        ),
        ("sts:AssumeRole", asker.iam("role/any-role")),
    ];
    let allowed: Vec<String> = others
        .iter()
        .filter(|(a, r)| asker.ask(a, r) == Decision::Allow)
        .map(|(a, r)| format!("{a} on {r}"))
        .collect();
    Check {
        code: CheckId::InvokeNoOtherAction,
        name: "invoke: no other action is allowed".into(),
        passed: allowed.is_empty(),
        detail: if allowed.is_empty() {
            let names: Vec<&str> = others.iter().map(|(a, _)| *a).collect();
            names.join(", ") + " → denied"
        } else {
            format!("allowed: {}", allowed.join("; "))
        },
    }
}

/// Every target function exists (with its qualifier).
fn function_check(observed: &Observed) -> Check {
    let missing: Vec<String> = observed
        .functions
        .iter()
        .filter_map(|f| f.problem.clone())
        .collect();
    Check {
        code: CheckId::FunctionsExist,
        name: format!(
            "functions: every target exists ({})",
            observed.functions.len()
        ),
        passed: missing.is_empty(),
        detail: if missing.is_empty() {
            "GetFunction or ListFunctions found every target (with its qualifier)".into()
        } else {
            missing.join("; ")
        },
    }
}

fn findings_check(code: CheckId, name: &str, findings: &[lint::Finding]) -> Check {
    let errors: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == lint::Severity::Error)
        .map(|f| f.message.clone())
        .collect();
    Check {
        code,
        name: name.into(),
        passed: errors.is_empty(),
        detail: if errors.is_empty() {
            "structural check passed".into()
        } else {
            errors.join("; ")
        },
    }
}
