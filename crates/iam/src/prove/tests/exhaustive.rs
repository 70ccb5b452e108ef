//! An exhaustive tiny universe: trust policies whose conditions use only the alphabet {a, b}
//! with `*`/`?`, checked by brute force over every request of a small universe (four callers,
//! three actions, `sts:ExternalId` absent or any string over {a, b, c} up to length 4, plus
//! uppercase variants and two-value sets, and a second key). The prover and the brute force must
//! agree both ways: `proved` ⇒ no violation in the universe; a violation ⇒ `counterexample`
//! (a violation only through actions that never act on a role, `lambda:InvokeFunction` on the
//! role: `unknown`, since no request AWS evaluates against a trust policy shows it).
//! A prover counterexample the brute force lacks must lie outside the universe (a longer string
//! or another character), since every counterexample is confirmed by the evaluator.
#![cfg(test)]

use super::support::*;
use crate::prove::realize::fits as resource_fits_action;
use lambda_trust_iam::{
    evaluate, prove_trust, EvalInput, LabeledPolicy, Policy, Request, TrustSpec, Verdict,
};

use super::samples::{PARTNER, ROLE_ARN};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const ID: &str = "ab";
const FOREIGN: &str = "444455556666";

fn words(alphabet: &[char], max: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut layer = vec![String::new()];
    for _ in 0..max {
        layer = layer
            .iter()
            .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
            .collect();
        out.extend(layer.iter().cloned());
    }
    out
}

fn id_options() -> Vec<Vec<String>> {
    let mut singles = words(&['a', 'b', 'c'], 4);
    for w in words(&['a', 'b', 'A'], 2) {
        if !singles.contains(&w) {
            singles.push(w);
        }
    }
    let mut out: Vec<Vec<String>> = vec![vec![]];
    out.extend(singles.iter().map(|w| vec![w.clone()]));
    let mut small = words(&['a', 'b'], 2);
    small.push("c".to_owned());
    for (i, x) in small.iter().enumerate() {
        for y in &small[i + 1..] {
            out.push(vec![x.clone(), y.clone()]);
        }
    }
    out
}

fn universe() -> Vec<Request> {
    let who = [
        format!("arn:aws:iam::{PARTNER}:root"),
        format!("arn:aws:sts::{PARTNER}:assumed-role/GenesysCloudRole/s"),
        format!("arn:aws:iam::{FOREIGN}:root"),
        "*".to_owned(),
    ];
    let acts = ["sts:AssumeRole", "sts:TagSession", "lambda:InvokeFunction"];
    let xs: Vec<Vec<&str>> = vec![
        vec![],
        vec!["a"],
        vec!["b"],
        vec!["c"],
        vec!["ab"],
        vec!["a", "b"],
    ];
    let ids = id_options();
    let mut out = Vec::new();
    for p in &who {
        for a in acts {
            for id in &ids {
                for x in &xs {
                    let mut r = Request::new(p.clone(), a, ROLE_ARN);
                    for v in id {
                        r = r.with_context("sts:ExternalId", v.clone());
                    }
                    for v in x {
                        r = r.with_context("k:x", *v);
                    }
                    out.push(r);
                }
            }
        }
    }
    out
}

const OPS: [&str; 16] = [
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLikeIfExists",
    "StringNotLikeIfExists",
    "ForAllValues:StringLike",
    "ForAnyValue:StringLike",
    "ForAllValues:StringNotEquals",
    "ForAnyValue:StringNotLike",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringEqualsIgnoreCase",
    "Null",
    "StringEqualsIfExists",
];

fn pattern() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!['a', 'b', '*', '?']), 0..4)
        .prop_map(|cs| cs.into_iter().collect())
}

/// (operator, key is ExternalId, values)
type Cond = (usize, bool, Vec<String>);

fn cond() -> impl Strategy<Value = Cond> {
    (
        0..OPS.len(),
        prop::bool::weighted(0.75),
        prop::collection::vec(pattern(), 1..3),
    )
}

type Stmt = (bool, usize, usize, Vec<Cond>);

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        prop::bool::weighted(0.35),
        0..3usize,
        0..3usize,
        prop::collection::vec(cond(), 0..3),
    )
}

fn render((deny, who, act, conds): &Stmt) -> Value {
    let principal = [
        json!({"AWS": format!("arn:aws:iam::{PARTNER}:root")}),
        json!({"AWS": format!("arn:aws:iam::{FOREIGN}:root")}),
        json!("*"),
    ][*who]
        .clone();
    let (elem, action) = [
        ("Action", "sts:AssumeRole"),
        ("Action", "sts:*"),
        ("NotAction", "sts:AssumeRole"),
    ][*act];
    let mut cmap: Map<String, Value> = Map::new();
    for (op, is_id, values) in conds {
        let key = if *is_id { "sts:ExternalId" } else { "k:x" };
        let values = if OPS[*op] == "Null" {
            json!(if values[0].len() % 2 == 0 {
                "true"
            } else {
                "false"
            })
        } else {
            json!(values)
        };
        cmap.entry(OPS[*op].to_owned()).or_insert_with(|| json!({}))[key] = values;
    }
    let mut s = json!({"Effect": if *deny { "Deny" } else { "Allow" }, "Principal": principal, elem: action});
    if !cmap.is_empty() {
        s["Condition"] = Value::Object(cmap);
    }
    s
}

/// Whether the policy, read as a plain resource policy (not a trust policy), lets an unintended
/// request of the universe in through an action that does not act on a role.
fn off_role_admission(policy: &Policy) -> bool {
    // The caller's own side allows everything, so only this policy decides.
    let anything = doc(vec![
        json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    ]);
    let plain = EvalInput {
        identity_policies: vec![LabeledPolicy::new("caller", anything)],
        resource_policy_is_trust: false,
        ..trust_input(policy)
    };
    universe().into_iter().any(|q| {
        !q.action.to_lowercase().starts_with("sts:")
            && evaluate(&plain, &q).allowed()
            && !trust_intended(&q, PARTNER, ID)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn prover_agrees_with_brute_force(stmts in prop::collection::vec(stmt(), 1..4)) {
        let policy: Policy = doc(stmts.iter().map(render).collect());
        let spec = TrustSpec { partner_account: PARTNER.to_owned(), external_id: ID.to_owned(), partner_principals: Vec::new() };
        let r = prove_trust(&policy, ROLE_ARN, &spec, BUDGET);
        let input = trust_input(&policy);
        let violations: Vec<Request> = universe()
            .into_iter()
            .filter(|q| evaluate(&input, q).allowed() && !trust_intended(q, PARTNER, ID))
            .collect();
        // A violation whose action acts on a role (a request AWS evaluates against a trust
        // policy) must be found; one with only off-role actions (lambda:InvokeFunction on the
        // role) has no replayable request: `unknown`, never `proved`.
        let violation = violations.iter().find(|q| on_role(q)).or(violations.first());
        match (&violation, r[0].verdict) {
            (Some(v), Verdict::Unknown) if !on_role(v) => {
                prop_assert!(r[0].reason.contains("never act on a role"), "{}", r[0].reason);
            }
            (Some(v), verdict) => prop_assert_eq!(verdict, Verdict::Counterexample, "brute force found {:?}; prover: {}", v, r[0].summary()),
            (None, Verdict::Proved) => {}
            (None, Verdict::Counterexample) => {
                let q = request(r[0].counterexample.as_ref().unwrap());
                prop_assert!(evaluate(&input, &q).allowed());
                prop_assert!(!trust_intended(&q, PARTNER, ID));
                // Brute force found no violation, so `q` lies outside the universe it enumerated
                // (values or actions it does not try): the two assertions above are the check.
            }
            // Unknown is allowed only where the policy admits someone to an action that never
            // acts on a role (which AWS does not evaluate against a trust policy): read as a
            // plain resource policy, it lets an unintended request of the universe in.
            (None, Verdict::Unknown) => prop_assert!(off_role_admission(&policy), "unknown: {}", r[0].reason),
        }
    }
}

/// An STS action on a resource of its type (a role): the requests AWS evaluates against a trust
/// policy. `iam:PassRole` acts on a role too, but no trust policy governs it.
fn on_role(q: &Request) -> bool {
    q.action.to_ascii_lowercase().starts_with("sts:")
        && resource_fits_action(&q.action, &q.resource)
}
