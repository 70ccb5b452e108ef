//! The guardrail's model of AWS against the reference evaluator `@cloud-copilot/iam-simulate`
//! (npm; test-time only, installed by `just setup` in crates/iam/tests/reference): the proofs
//! decide each request as the role's trust policy with every RCP's Deny statements added
//! (`proof::under`); the reference evaluates the trust policy as the resource policy and the RCPs
//! at their levels, as AWS Organizations does. On random organizations — the guardrail for one
//! to three org IDs, one or two partner accounts, an exempted role or none, another RCP or none
//! — and random requests — from a partner account or another, with one of our IDs, another org's
//! or none, to a covered or an exempted role, in a member account or the management account —
//! both give the same decision on every one.
//!
//! Which RCPs apply is AWS's rule, decided here as in the iam crate's differential test: none
//! to the management account's roles.
#![cfg(test)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use super::super::document::guardrail_document;
use super::super::model::GuardrailSpec;
use super::super::probe::under;
use super::super::proof::denies_of;
use lambda_trust_iam::{evaluate, Decision, EvalInput, LabeledPolicy, Policy, Request};

const GENESYS: &str = "765628985471";
const FEDRAMP: &str = "325654371633";
const VENDOR: &str = "444455556666";
const MEMBER: &str = "200000000000";
const MANAGEMENT: &str = "100000000000";
const IDS: [&str; 4] = [
    "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10",
    "7d3e1f20-5c4b-4a8e-9f61-2b7c9d0e4a35",
    "5d2a9c41-7e3b-4f60-8a15-c0ffee123456",
    "a1b2c3d4-0000-4000-8000-000000000abc",
];

/// SplitMix64: deterministic cases from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Case {
    spec: GuardrailSpec,
    /// Another RCP at the root besides the guardrail: AWS's identity-perimeter shape, denying
    /// sts:AssumeRole outside an organization but to the partner accounts.
    other: Option<Value>,
    trust: Value,
    account: &'static str,
    role: String,
    request: Request,
}

fn trust(rng: &mut Rng, ours: &[String]) -> Value {
    let allow = |principal: Value, condition: Option<Value>| {
        let mut s = json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
        if let Some(c) = condition {
            s["Condition"] = c;
        }
        json!({"Version": "2012-10-17", "Statement": [s]})
    };
    let genesys = json!({"AWS": format!("arn:aws:iam::{GENESYS}:root")});
    let id = |v: &str| Some(json!({"StringEquals": {"sts:ExternalId": v}}));
    match rng.below(6) {
        0 => allow(genesys, None),
        1 => allow(genesys, id(&ours[0])),
        2 => allow(genesys, id(IDS[3])),
        3 => allow(json!({"AWS": "*"}), None),
        4 => allow(json!({"AWS": format!("arn:aws:iam::{VENDOR}:root")}), None),
        _ => allow(
            genesys,
            Some(json!({"StringLike": {"sts:ExternalId": "*"}})),
        ),
    }
}

fn case(rng: &mut Rng) -> Case {
    let n = 1 + rng.below(3);
    let org_ids: Vec<String> = IDS[..n].iter().map(|s| s.to_string()).collect();
    let partners = match rng.below(2) {
        0 => vec![GENESYS.to_owned()],
        _ => vec![GENESYS.to_owned(), FEDRAMP.to_owned()],
    };
    let exempted = format!("arn:aws:iam::{MEMBER}:role/exempted");
    let exempt = if rng.below(2) == 0 {
        vec![exempted.clone()]
    } else {
        Vec::new()
    };
    let account = if rng.below(5) == 0 {
        MANAGEMENT
    } else {
        MEMBER
    };
    let role = match rng.below(3) {
        0 => exempted.replace(MEMBER, account),
        _ => format!("arn:aws:iam::{account}:role/covered"),
    };
    let other = (rng.below(3) == 0).then(|| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
            "Action": "sts:AssumeRole", "Resource": "*", "Condition": {
                "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-ours",
                    "aws:PrincipalAccount": partners.clone()},
                "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]})
    });
    let trust = trust(rng, &org_ids);
    let caller = [GENESYS, FEDRAMP, VENDOR][rng.below(3)];
    let principal = format!("arn:aws:sts::{caller}:assumed-role/caller/session");
    let mut request = Request::new(&principal, "sts:AssumeRole", &role)
        .with_context("aws:PrincipalAccount", caller)
        .with_context(
            "aws:PrincipalArn",
            format!("arn:aws:iam::{caller}:role/caller"),
        );
    match rng.below(4) {
        0 => request = request.with_context("sts:ExternalId", org_ids[rng.below(n)].clone()),
        1 => request = request.with_context("sts:ExternalId", IDS[3]),
        2 => request = request.with_context("sts:ExternalId", org_ids[0].to_uppercase()),
        _ => {}
    }
    let spec = GuardrailSpec {
        org_ids,
        partners,
        exempt,
        targets: Vec::new(),
    };
    Case {
        spec,
        other,
        trust,
        account,
        role,
        request,
    }
}

/// What the proofs decide: the trust policy with the Deny statements of every RCP over the
/// account (none over the management account's).
fn ours(c: &Case) -> Decision {
    let doc = guardrail_document(&c.spec).expect("a valid spec");
    let mut denies = Vec::new();
    if c.account != MANAGEMENT {
        denies.extend(denies_of(&doc).expect("the guardrail parses"));
        if let Some(other) = &c.other {
            denies.extend(denies_of(other).expect("the other RCP parses"));
        }
    }
    let trust = Policy::try_from(&c.trust).expect("a trust policy");
    let input = EvalInput {
        identity_policies: Vec::new(),
        resource_policy: Some(LabeledPolicy::new("trust", under(&trust, &denies))),
        resource_policy_is_trust: true,
        boundary: None,
    };
    evaluate(&input, &c.request).decision
}

/// The reference's `Simulation`: the trust policy as the role's resource policy, the caller's
/// identity allowing everything (its account's own business), the RCPs at the root.
fn reference(c: &Case) -> Value {
    let doc = guardrail_document(&c.spec).expect("a valid spec");
    let mut root = vec![json!({"name": "guardrail", "policy": doc})];
    root.extend(
        c.other
            .iter()
            .map(|p| json!({"name": "perimeter", "policy": p})),
    );
    let rcps = match c.account {
        MANAGEMENT => json!([]),
        _ => json!([{"orgIdentifier": "r-root", "policies": root},
                    {"orgIdentifier": MEMBER, "policies": []}]),
    };
    let context: serde_json::Map<String, Value> = (c.request.context.iter())
        .map(|(k, v)| (k.clone(), json!(v[0])))
        .collect();
    let all = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    json!({
        "request": {"principal": c.request.principal, "action": c.request.action,
            "resource": {"resource": c.role, "accountId": c.account},
            "contextVariables": context},
        "identityPolicies": [{"name": "caller", "policy": all}],
        "serviceControlPolicies": [],
        "resourceControlPolicies": rcps,
        "resourcePolicy": c.trust,
    })
}

fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../iam/tests/reference")
}

/// The reference's answer to each simulation (`Allowed`, `ExplicitlyDenied`,
/// `ImplicitlyDenied`), through the iam crate's harness (`simulate.mjs`).
fn run_reference(simulations: &[Value]) -> Vec<String> {
    let dir = reference_dir();
    assert!(
        dir.join("node_modules/@cloud-copilot/iam-simulate").is_dir(),
        "the reference evaluator is not installed: run `npm ci --prefix crates/iam/tests/reference` \
         (needs node 18 or later; CONTRIBUTING.md, \"The reference evaluator\")"
    );
    let mut child = Command::new("node")
        .arg("simulate.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node (needed by the reference evaluator): {e}"));
    let input = serde_json::to_vec(simulations).expect("json");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write to node");
    let out = child.wait_with_output().expect("node output");
    assert!(out.status.success(), "the reference harness failed");
    serde_json::from_slice(&out.stdout).expect("the harness prints a JSON array")
}

fn decision(text: &str) -> Decision {
    match text {
        "Allowed" => Decision::Allow,
        "ExplicitlyDenied" => Decision::ExplicitDeny,
        "ImplicitlyDenied" => Decision::ImplicitDeny,
        other => panic!("the reference refused a generated case: {other}"),
    }
}

#[test]
fn the_guardrails_decisions_agree_with_the_reference_on_random_requests() {
    let mut rng = Rng(0x6A2D_0097);
    let cases: Vec<Case> = (0..600).map(|_| case(&mut rng)).collect();
    let sims: Vec<Value> = cases.iter().map(reference).collect();
    let theirs = run_reference(&sims);
    assert_eq!(theirs.len(), cases.len());
    let mut kinds = std::collections::BTreeMap::new();
    let mut differ = Vec::new();
    for ((c, text), sim) in cases.iter().zip(&theirs).zip(&sims) {
        let (mine, reference) = (ours(c), decision(text));
        *kinds.entry(format!("{reference:?}")).or_insert(0) += 1;
        if mine != reference {
            differ.push(format!("ours {mine:?}, reference {reference:?}: {sim}"));
        }
    }
    // Every kind of decision is exercised.
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(
        differ.is_empty(),
        "{} of {} differ:\n{}",
        differ.len(),
        cases.len(),
        differ[..differ.len().min(5)].join("\n")
    );
}
