//! Environments proved isolated from each other, offline: for every ordered pair of a config's
//! environments (`[environments.NAME]`), the claims that one environment's setup gives nothing
//! to the other's Genesys Cloud org and reaches none of the other's functions.
//!
//! Per pair (A, B), each claim decided with the `iam` evaluator over A's rendered documents:
//! - `trust`: A's role admits neither B's org (B's partner account sending B's external ID) nor
//!   B's partner account with A's external ID, when B's partner differs;
//! - `invoke`: A's invoke policy allows none of B's functions (a target both declare `shared`
//!   is allowed, and named);
//! - `credential`: A's Genesys Cloud credential (A's role ARN) is not B's role;
//! - `actions`: no data action of A's org reaches B's functions — every action, dynamic-URL ones
//!   included, runs as A's role, so this holds exactly when `credential` and `invoke` do.
//!
//! A failure carries the request the evaluator allowed; what was not given (an account ID an
//! environment's bare function names need) leaves the claim unknown, never proved.

use std::collections::BTreeMap;

use lambda_trust_config::{Config, Loaded};
use lambda_trust_iam::{evaluate, Decision, EvalInput, LabeledPolicy, Policy, Request, Verdict};
use lambda_trust_iam::{Arn, AwsResource};

pub use crate::isolation_claim::IsolationClaim;
pub(crate) use crate::isolation_claim::IsolationKind;
use crate::prove::role_arn;
use lambda_trust_model::{Observed, Rendered};

/// One environment as the proof takes it: its config and its rendered documents (or why they
/// could not be rendered).
pub struct Environment<'a> {
    /// The environment's name.
    pub name: &'a str,
    /// Its merged config.
    pub config: &'a Config,
    /// Its documents, or the render error.
    pub rendered: Result<&'a Rendered, String>,
}

/// The environments of a config as the live claims need them, read before anything is judged:
/// each loaded and rendered (or why not).
#[derive(Debug, Clone)]
pub struct EnvironmentsRead {
    /// This environment's name.
    pub env: String,
    /// Claims already unknown: the file, or an environment's config, not read ([`not_read`]).
    pub not_read: Vec<IsolationClaim>,
    /// Every environment read: its name, its config and its documents (or why not rendered).
    pub read: Vec<(String, Loaded, Result<Rendered, String>)>,
}

impl EnvironmentsRead {
    /// The claims of this environment towards every other one, on its live role
    /// (`live_isolation`), after those already unknown.
    pub fn claims(&self, observed: &Observed) -> Vec<IsolationClaim> {
        let mut claims = self.not_read.clone();
        let envs: Vec<Environment<'_>> = (self.read.iter())
            .map(|(name, l, r)| Environment {
                name,
                config: &l.config,
                rendered: r.as_ref().map_err(Clone::clone),
            })
            .collect();
        if let Some(a) = envs.iter().find(|e| e.name == self.env) {
            claims.extend(live_isolation(a, observed, &envs));
        }
        claims
    }
}

/// Every claim for every ordered pair of `envs`.
pub fn isolation(envs: &[Environment<'_>]) -> Vec<IsolationClaim> {
    let mut out = Vec::new();
    for a in envs {
        for b in envs.iter().filter(|b| b.name != a.name) {
            out.extend(pair(a, b, |ra| Side::rendered(a, ra)));
        }
    }
    out
}

/// The claims of one environment towards every other, decided on its live role: its trust
/// policy and identity policies as read (`verify --env`), the others from their config.
pub(crate) fn live_isolation(
    a: &Environment<'_>,
    observed: &Observed,
    others: &[Environment<'_>],
) -> Vec<IsolationClaim> {
    (others.iter().filter(|b| b.name != a.name))
        .flat_map(|b| {
            let live = pair(a, b, |ra| Side::live(a, ra, observed));
            let config = pair(a, b, |ra| Side::rendered(a, ra));
            live.into_iter().zip(config).map(|(mut l, c)| {
                l.by_config = c.verdict == Verdict::Counterexample;
                l
            })
        })
        .collect()
}

/// The four claims of A towards B, unknown: B's config could not be read (`why`).
pub fn not_read(a: &str, b: &str, why: &str) -> Vec<IsolationClaim> {
    let why = format!("not decided: {b}'s config was not read: {why}");
    [IsolationKind::Trust, IsolationKind::Invoke]
        .into_iter()
        .chain([IsolationKind::Credential, IsolationKind::Actions])
        .map(|k| unknown(a, b, k, &why))
        .collect()
}

/// A's side of a pair: the policies its role is judged by, the role, and its shared targets.
struct Side<'a> {
    name: &'a str,
    config: &'a Config,
    trust: Result<LabeledPolicy, String>,
    invoke: Result<EvalInput, String>,
    role: String,
    account_id: Option<String>,
    shared: Vec<String>,
}

impl<'a> Side<'a> {
    /// A's documents as the config renders them.
    fn rendered(a: &Environment<'a>, ra: &Rendered) -> Side<'a> {
        let invoke = policy("invoke policy", &ra.invoke).map(|p| EvalInput {
            identity_policies: vec![p],
            ..EvalInput::default()
        });
        Side {
            name: a.name,
            config: a.config,
            trust: policy("trust policy", &ra.trust),
            invoke,
            role: role_arn(a.config, ra),
            account_id: ra.account_id.clone(),
            shared: shared_arns(a.config, ra),
        }
    }

    /// A's live role: its trust policy, identity policies and boundary as read.
    fn live(a: &Environment<'a>, ra: &Rendered, observed: &Observed) -> Side<'a> {
        let Some(role) = &observed.role else {
            let none = format!("{}'s role does not exist", a.name);
            return Side {
                trust: Err(none.clone()),
                invoke: Err(none),
                ..Side::rendered(a, ra)
            };
        };
        let (input, problems) = crate::verify::identity_input(observed);
        let invoke = match problems.is_empty() {
            true => Ok(input),
            false => Err(problems.join("; ")),
        };
        Side {
            name: a.name,
            config: a.config,
            trust: policy("trust policy", &role.trust),
            invoke,
            role: role.arn.clone(),
            account_id: Some(observed.account_id.clone()),
            shared: shared_arns(a.config, ra),
        }
    }
}

/// The four claims of A towards B, A's side made from its rendered documents by `side`.
fn pair<'a>(
    a: &Environment<'a>,
    b: &Environment<'_>,
    side: impl FnOnce(&Rendered) -> Side<'a>,
) -> Vec<IsolationClaim> {
    let (ra, rb) = match (&a.rendered, &b.rendered) {
        (Ok(ra), Ok(rb)) => (*ra, *rb),
        (Err(e), _) | (_, Err(e)) => {
            let why = format!("not decided: an environment's documents were not rendered: {e}");
            return [IsolationKind::Trust, IsolationKind::Invoke]
                .into_iter()
                .chain([IsolationKind::Credential, IsolationKind::Actions])
                .map(|k| unknown(a.name, b.name, k, &why))
                .collect();
        }
    };
    let side = side(ra);
    let trust = trust_claim(&side, b)
        .unwrap_or_else(|e| unknown(a.name, b.name, IsolationKind::Trust, &not_decided(&e)));
    let invoke = invoke_claim(&side, b, rb)
        .unwrap_or_else(|e| unknown(a.name, b.name, IsolationKind::Invoke, &not_decided(&e)));
    let credential = credential_claim(&side, b, rb);
    let actions = actions_claim(a.name, b.name, &invoke, &credential);
    vec![trust, invoke, credential, actions]
}

fn not_decided(why: &str) -> String {
    format!("not decided: {why}")
}

fn unknown(a: &str, b: &str, kind: IsolationKind, detail: &str) -> IsolationClaim {
    IsolationClaim {
        verdict: Verdict::Unknown,
        ..proved(a, b, kind, detail.to_string())
    }
}

fn policy(label: &str, doc: &serde_json::Value) -> Result<LabeledPolicy, String> {
    let policy = Policy::try_from(doc).map_err(|e| format!("{label}: {e}"))?;
    Ok(LabeledPolicy::new(label, policy))
}

/// A's trust policy against B's org, and against B's partner account with A's external ID.
fn trust_claim(a: &Side<'_>, b: &Environment<'_>) -> Result<IsolationClaim, String> {
    let input = EvalInput {
        resource_policy: Some(a.trust.clone()?),
        resource_policy_is_trust: true,
        ..EvalInput::default()
    };
    let partner = b.config.partner_account();
    let mut asks = vec![(b.config.trust.external_id.clone(), "org")];
    if partner != a.config.partner_account() {
        asks.push((a.config.trust.external_id.clone(), "partner account"));
    }
    for (external_id, what) in asks {
        let mut req = Request::new(
            Arn::of("aws", &partner, AwsResource::Root).to_string(),
            "sts:AssumeRole",
            &a.role,
        );
        req.context
            .insert("sts:ExternalId".into(), vec![external_id.clone()]);
        if evaluate(&input, &req).decision == Decision::Allow {
            let detail = format!(
                "{}'s role admits {}'s {what}: account {partner} with sts:ExternalId {external_id:?}",
                a.name, b.name
            );
            return Ok(failed(a.name, b.name, IsolationKind::Trust, detail, &req));
        }
    }
    let detail = format!(
        "{}'s role admits neither {}'s org ID nor its partner account",
        a.name, b.name
    );
    Ok(proved(a.name, b.name, IsolationKind::Trust, detail))
}

/// A's invoke policy against each of B's granted function ARNs not shared by both.
fn invoke_claim(
    a: &Side<'_>,
    b: &Environment<'_>,
    rb: &Rendered,
) -> Result<IsolationClaim, String> {
    let input = a.invoke.clone()?;
    let shared_b = shared_arns(b.config, rb);
    let mut shared = Vec::new();
    for arn in &rb.function_arns {
        if a.shared.contains(arn) && shared_b.contains(arn) {
            shared.push(arn.clone());
            continue;
        }
        let req = Request::new(&a.role, "lambda:InvokeFunction", arn);
        if evaluate(&input, &req).decision == Decision::Allow {
            let detail = format!(
                "{}'s role may invoke {}'s function {arn} (declare the target `shared = true` \
                 in both if that is meant)",
                a.name, b.name
            );
            return Ok(failed(a.name, b.name, IsolationKind::Invoke, detail, &req));
        }
    }
    let detail = format!(
        "{}'s role may invoke none of {}'s functions",
        a.name, b.name
    );
    let mut claim = proved(a.name, b.name, IsolationKind::Invoke, detail);
    claim.shared = shared;
    Ok(claim)
}

/// The ARNs of the targets a config declares `shared`.
fn shared_arns(config: &Config, rendered: &Rendered) -> Vec<String> {
    (rendered.targets.iter())
        .filter(|t| config.targets.get(t.index).is_some_and(|c| c.shared))
        .flat_map(|t| t.granted_arns.iter().cloned())
        .collect()
}

/// A's credential names A's role; it must not be B's.
fn credential_claim(a: &Side<'_>, b: &Environment<'_>, rb: &Rendered) -> IsolationClaim {
    let (arn_a, arn_b) = (&a.role, role_arn(b.config, rb));
    let same_name =
        a.config.role_path() == b.config.role_path() && a.config.role.name == b.config.role.name;
    let (x, y) = (&a.name, &b.name);
    let kind = IsolationKind::Credential;
    match (same_name, &a.account_id, &rb.account_id) {
        (false, _, _) => proved(x, y, kind, format!("{x}'s credential names {arn_a}, not {y}'s role")),
        (true, Some(p), Some(q)) if p != q => proved(
            x,
            y,
            kind,
            format!("{x}'s credential names {arn_a}, not {y}'s role {arn_b}"),
        ),
        (true, Some(_), Some(_)) => IsolationClaim {
            verdict: Verdict::Counterexample,
            counterexample: Some(BTreeMap::from([("role_arn".to_string(), arn_a.clone())])),
            ..proved(x, y, kind, format!("{x} and {y} name the same role {arn_a}: each environment's credential would hold the other's role (set [environments.{y}].role.name)"))
        },
        _ => unknown(x, y, kind, &format!("not decided: {x} and {y} name the same role {}{}, and an [aws].account_id is not given", a.config.role_path(), a.config.role.name)),
    }
}

/// Every data action of A's org runs as the role A's credential names.
fn actions_claim(
    a: &str,
    b: &str,
    invoke: &IsolationClaim,
    credential: &IsolationClaim,
) -> IsolationClaim {
    let verdict = match (credential.verdict, invoke.verdict) {
        (Verdict::Proved, Verdict::Proved) => Verdict::Proved,
        (Verdict::Counterexample, _) | (_, Verdict::Counterexample) => Verdict::Counterexample,
        _ => Verdict::Unknown,
    };
    let detail = match verdict {
        Verdict::Proved => format!("no data action of {a}'s org reaches {b}'s functions: each, dynamic-URL ones included, runs as {a}'s role"),
        Verdict::Counterexample => format!("a data action of {a}'s org can reach {b}'s functions: {}", [credential, invoke].iter().find(|c| c.verdict == Verdict::Counterexample).map_or("", |c| c.detail.as_str())),
        Verdict::Unknown => format!("not decided: it follows from the credential and invoke claims of {a} towards {b}"),
    };
    let counterexample = [credential, invoke]
        .iter()
        .find_map(|c| c.counterexample.clone());
    IsolationClaim {
        verdict,
        counterexample: counterexample.filter(|_| verdict == Verdict::Counterexample),
        shared: invoke.shared.clone(),
        ..proved(a, b, IsolationKind::Actions, detail)
    }
}

fn proved(a: &str, b: &str, kind: IsolationKind, detail: String) -> IsolationClaim {
    IsolationClaim {
        environment: a.to_string(),
        other: b.to_string(),
        claim: kind,
        verdict: Verdict::Proved,
        detail,
        counterexample: None,
        shared: Vec::new(),
        by_config: false,
    }
}

fn failed(a: &str, b: &str, kind: IsolationKind, detail: String, req: &Request) -> IsolationClaim {
    let mut request = BTreeMap::from([
        ("principal".to_string(), req.principal.clone()),
        ("action".to_string(), req.action.clone()),
        ("resource".to_string(), req.resource.clone()),
    ]);
    for (key, values) in &req.context {
        request.insert(format!("context:{key}"), values.join(","));
    }
    IsolationClaim {
        verdict: Verdict::Counterexample,
        counterexample: Some(request),
        ..proved(a, b, kind, detail)
    }
}

/// The live claims that failed, as `check` findings naming both environments and the request
/// allowed: another environment's org admitted (`trust-other-environment`), or one of its
/// functions invokable (`invoke-other-environment`). The credential and actions claims follow
/// from these two on a live role, so they add no finding of their own.
pub(crate) fn findings(role: &str, claims: &[IsolationClaim]) -> Vec<crate::drift::Finding> {
    use crate::drift::{Code, Finding};
    let failed = claims
        .iter()
        .filter(|c| c.verdict == Verdict::Counterexample);
    failed
        .filter_map(|c| {
            let (code, what) = match c.claim {
                IsolationKind::Trust => (Code::TrustOtherEnvironment, "trust policy"),
                IsolationKind::Invoke => (Code::InvokeOtherEnvironment, "invoke policies"),
                IsolationKind::Credential | IsolationKind::Actions => return None,
            };
            let mut f = Finding::new(code, format!("role {role} {what}"), c.detail.clone());
            if c.by_config {
                f.remedy = crate::drift::Remedy::Outside {
                    step: config_step(c),
                };
            }
            Some(f)
        })
        .collect()
}

/// The config change that repairs a claim the config's own documents fail (`apply` writes what
/// the config says, so it cannot).
fn config_step(c: &IsolationClaim) -> String {
    let (a, b) = (&c.environment, &c.other);
    match c.claim {
        IsolationKind::Trust => format!(
            "change the config: environments {a} and {b} give their roles one organization ID \
             and partner; set each its own `trust.external_id` (its Genesys Cloud org's) in \
             [environments.{a}] or [environments.{b}], then `lambda-trust apply --env {a}`"
        ),
        _ => format!(
            "change the config: environments {a} and {b} both target the function; if they are \
             meant to share it, set `shared = true` on its target (in both); else give \
             [environments.{a}] its own function for that target, then `lambda-trust apply --env {a}`"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_trust_model::{render, RenderContext, Templates};

    const BASE: &str = r#"
[trust]
partner = "genesys-cloud"
external_id = "11111111-1111-4111-8111-111111111111"
[role]
name = "GenesysLambdaInvoker"
[aws]
region = "us-east-1"
[[targets]]
function = "lookup"
[environments.dev]
aws.account_id = "111111111111"
"#;

    /// Every claim of a config with `prod` added as `prod`, rendered.
    fn claims(prod: &str) -> Vec<IsolationClaim> {
        let text = format!("{BASE}\n[environments.prod]\n{prod}");
        let loaded: Vec<_> = ["dev", "prod"]
            .iter()
            .map(|env| lambda_trust_config::parse_str(&text, "t.toml", Some(env)).unwrap())
            .collect();
        let rendered: Vec<Result<Rendered, String>> = (loaded.iter())
            .map(|l| {
                let ctx = RenderContext {
                    account_id: l.config.aws.account_id.clone(),
                    default_region: None,
                };
                render(&l.config, &ctx, &Templates::builtin()).map_err(|e| e.to_string())
            })
            .collect();
        let envs: Vec<Environment<'_>> = (loaded.iter().zip(&rendered))
            .map(|(l, r)| Environment {
                name: l.environment.as_deref().unwrap(),
                config: &l.config,
                rendered: r.as_ref().map_err(Clone::clone),
            })
            .collect();
        isolation(&envs)
    }

    fn verdict(claims: &[IsolationClaim], from: &str, kind: IsolationKind) -> Verdict {
        (claims.iter())
            .find(|c| c.environment == from && c.claim == kind)
            .map(|c| c.verdict)
            .unwrap()
    }

    #[test]
    fn separate_orgs_and_accounts_are_proved_isolated() {
        let c = claims(
            "trust.external_id = \"22222222-2222-4222-8222-222222222222\"\naws.account_id = \"222222222222\"\n",
        );
        assert_eq!(c.len(), 8);
        assert!(c.iter().all(|c| c.verdict == Verdict::Proved), "{c:#?}");
    }

    #[test]
    fn one_org_id_for_both_fails_trust_with_the_request() {
        let c = claims("aws.account_id = \"222222222222\"\n");
        assert_eq!(
            verdict(&c, "prod", IsolationKind::Trust),
            Verdict::Counterexample
        );
        let trust = c
            .iter()
            .find(|c| c.environment == "prod" && c.claim == IsolationKind::Trust);
        let request = trust.unwrap().counterexample.as_ref().unwrap();
        assert_eq!(
            request["context:sts:ExternalId"],
            "11111111-1111-4111-8111-111111111111"
        );
        assert_eq!(request["principal"], "arn:aws:iam::765628985471:root");
    }

    #[test]
    fn a_function_of_the_other_environment_fails_invoke_unless_both_share_it() {
        let same_account = "trust.external_id = \"22222222-2222-4222-8222-222222222222\"\naws.account_id = \"111111111111\"\nrole.name = \"Prod\"\n";
        let c = claims(same_account);
        assert_eq!(
            verdict(&c, "prod", IsolationKind::Invoke),
            Verdict::Counterexample
        );
        assert_eq!(
            verdict(&c, "prod", IsolationKind::Actions),
            Verdict::Counterexample
        );
        assert_eq!(
            verdict(&c, "prod", IsolationKind::Credential),
            Verdict::Proved
        );
        let shared = claims(&format!(
            "{same_account}[environments.prod.targets.\"lookup\"]\nshared = true\n"
        ));
        // Only prod declares it: still a violation; both must.
        assert_eq!(
            verdict(&shared, "prod", IsolationKind::Invoke),
            Verdict::Counterexample
        );
    }

    #[test]
    fn an_environment_that_cannot_be_rendered_leaves_every_claim_unknown() {
        // Bare function names need the account: prod has none given.
        let c = claims("trust.external_id = \"22222222-2222-4222-8222-222222222222\"\n");
        let prod: Vec<_> = c.iter().filter(|c| c.environment == "prod").collect();
        assert!(
            prod.iter().all(|c| c.verdict == Verdict::Unknown),
            "{prod:#?}"
        );
    }
}
