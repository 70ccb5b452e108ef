//! Differential and metamorphic properties of the prover against the evaluator, on random trust
//! and invoke policies built from the constructs that matter (principals, actions, ExternalId
//! operators incl. negated/IfExists/Null/ForAllValues/ForAnyValue/IgnoreCase/Like, extra keys,
//! Deny statements):
//! - `proved` ⇒ no sampled request outside the intended set is allowed;
//! - a sampled request outside the intended set is allowed ⇒ not `proved` (and in practice a
//!   counterexample);
//! - `counterexample` ⇒ the evaluator allows it (so it is well-formed: a single-valued key such
//!   as `sts:ExternalId` has one value) and it is outside the intended set; the sampled
//!   requests give single-valued keys one value only, as AWS does;
//! - invoke counterexamples for a named role come from that role;
//! - adding a Deny never turns `proved` into `counterexample`; statement order and
//!   string-vs-array forms never change a verdict.
#![cfg(test)]

use super::support::*;
use crate::keys::malformed_context;
use crate::prove::realize::{fits as resource_fits_action, real_actions};
use lambda_trust_iam::{
    evaluate, prove_invoke, prove_trust, InvokeSpec, LabeledPolicy, Policy, Request, Verdict,
};

use super::samples::{EXTERNAL_ID, PARTNER, ROLE_ARN};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const FOREIGN: &str = "444455556666";

fn principals() -> Vec<Value> {
    vec![
        json!({"AWS": format!("arn:aws:iam::{PARTNER}:root")}),
        json!({"AWS": PARTNER}),
        json!({"AWS": format!("arn:aws:iam::{FOREIGN}:root")}),
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": format!("arn:aws:iam::{PARTNER}:role/GenesysCloudRole")}),
        json!({"AWS": format!("arn:aws:sts::{FOREIGN}:assumed-role/R/s")}),
        json!({"Service": "lambda.amazonaws.com"}),
        json!({"AWS": [format!("arn:aws:iam::{PARTNER}:root"), FOREIGN]}),
    ]
}

/// Rendered as `NotPrincipal` instead of `Principal` (indices into `principals()`).
const NOT_PRINCIPAL: usize = 100;

fn actions() -> Vec<(&'static str, Value)> {
    vec![
        ("Action", json!("sts:AssumeRole")),
        ("Action", json!("sts:AssumeRole")),
        ("Action", json!("sts:*")),
        ("Action", json!("*")),
        ("Action", json!("STS:assumerole")),
        ("Action", json!(["sts:AssumeRole", "sts:TagSession"])),
        ("NotAction", json!("iam:*")),
        ("NotAction", json!("sts:AssumeRole")),
    ]
}

fn id_ops() -> Vec<&'static str> {
    vec![
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringNotLike",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringEqualsIfExists",
        "StringNotEqualsIfExists",
        "ForAllValues:StringEquals",
        "ForAnyValue:StringEquals",
        "ForAllValues:StringNotEquals",
        "ForAnyValue:StringLike",
        "Null",
    ]
}

fn id_values() -> Vec<Value> {
    let upper = EXTERNAL_ID.to_uppercase();
    vec![
        json!(EXTERNAL_ID),
        json!(EXTERNAL_ID),
        json!([EXTERNAL_ID, "other"]),
        json!("0f8c*"),
        json!("*"),
        json!(upper),
        json!("other"),
    ]
}

/// (operator, key, value) for keys other than the external ID.
fn extra_conditions() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("IpAddress", "aws:SourceIp", json!("10.0.0.0/8")),
        ("NotIpAddress", "aws:SourceIp", json!("10.0.0.0/8")),
        ("StringEquals", "aws:PrincipalAccount", json!(PARTNER)),
        ("StringNotEquals", "aws:PrincipalAccount", json!(PARTNER)),
        ("StringEquals", "aws:PrincipalOrgID", json!("o-abc")),
        ("NumericLessThan", "k:n", json!("5")),
        ("NumericGreaterThanEquals", "k:n", json!("5")),
        ("Bool", "aws:SecureTransport", json!("true")),
        ("Null", "k:n", json!("true")),
        (
            "ArnEquals",
            "aws:PrincipalArn",
            json!(format!("arn:aws:iam::{PARTNER}:role/GenesysCloudRole")),
        ),
        ("StringEquals", "aws:PrincipalType", json!("Account")),
        ("StringEquals", "aws:userid", json!(PARTNER)),
        (
            "ArnLike",
            "aws:PrincipalArn",
            json!("arn:aws:iam::*:role/Gen*"),
        ),
        (
            "StringNotLike",
            "aws:PrincipalArn",
            json!(format!("arn:aws:iam::{PARTNER}:*")),
        ),
    ]
}

#[derive(Debug, Clone)]
struct StmtSpec {
    deny: bool,
    principal: usize,
    action: usize,
    id_cond: Option<(usize, usize, bool)>,
    extra: Vec<usize>,
}

fn stmt_spec() -> impl Strategy<Value = StmtSpec> {
    (
        prop::bool::weighted(0.4),
        prop_oneof![
            0..principals().len(),
            (0..3usize).prop_map(|i| NOT_PRINCIPAL + i)
        ],
        0..actions().len(),
        prop::option::weighted(
            0.8,
            (0..id_ops().len(), 0..id_values().len(), any::<bool>()),
        ),
        prop::collection::vec(0..extra_conditions().len(), 0..3),
    )
        .prop_map(|(deny, principal, action, id_cond, extra)| StmtSpec {
            deny,
            principal,
            action,
            id_cond,
            extra,
        })
}

fn render(s: &StmtSpec, arrays: bool) -> Value {
    let (elem, action) = actions()[s.action].clone();
    let mut cond: Map<String, Value> = Map::new();
    let mut put = |op: &str, key: &str, value: Value| {
        let value = match (&value, arrays) {
            (Value::String(_), true) => json!([value]),
            _ => value,
        };
        let entry = cond.entry(op.to_owned()).or_insert_with(|| json!({}));
        entry[key] = value;
    };
    if let Some((op, v, upper_key)) = s.id_cond {
        let op = id_ops()[op];
        let key = if upper_key {
            "STS:EXTERNALID"
        } else {
            "sts:ExternalId"
        };
        let value = if op == "Null" {
            json!(if v % 2 == 0 { "true" } else { "false" })
        } else {
            id_values()[v].clone()
        };
        put(op, key, value);
    }
    for e in &s.extra {
        let (op, key, value) = extra_conditions()[*e].clone();
        put(op, key, value);
    }
    let action = match (&action, arrays) {
        (Value::String(_), true) => json!([action]),
        _ => action,
    };
    let (pelem, who) = match s.principal.checked_sub(NOT_PRINCIPAL) {
        Some(i) => ("NotPrincipal", principals()[i].clone()),
        None => ("Principal", principals()[s.principal].clone()),
    };
    let mut stmt = json!({
        "Effect": if s.deny { "Deny" } else { "Allow" },
        pelem: who,
        elem: action,
    });
    if !cond.is_empty() {
        stmt["Condition"] = Value::Object(cond);
    }
    stmt
}

fn trust_of(specs: &[StmtSpec], arrays: bool) -> Policy {
    doc(specs.iter().map(|s| render(s, arrays)).collect())
}

/// Requests sampled over the same vocabulary.
fn trust_samples() -> Vec<Request> {
    let who = [
        format!("arn:aws:iam::{PARTNER}:root"),
        format!("arn:aws:sts::{PARTNER}:assumed-role/GenesysCloudRole/s"),
        format!("arn:aws:iam::{PARTNER}:user/u"),
        format!("arn:aws:iam::{FOREIGN}:root"),
        format!("arn:aws:sts::{FOREIGN}:assumed-role/R/s"),
        format!("arn:aws:sts::{FOREIGN}:assumed-role/GenX/s"),
        "*".to_owned(),
        "lambda.amazonaws.com".to_owned(),
    ];
    let acts = [
        "sts:AssumeRole",
        "STS:ASSUMEROLE",
        "sts:TagSession",
        "iam:PassRole",
    ];
    let upper = EXTERNAL_ID.to_uppercase();
    let ids: Vec<Vec<&str>> = vec![
        vec![],
        vec![EXTERNAL_ID],
        vec!["other"],
        vec![&upper],
        vec!["0f8c"],
    ];
    let ips: [Option<&str>; 3] = [None, Some("10.1.2.3"), Some("192.0.2.1")];
    let nums: [Option<&str>; 3] = [None, Some("3"), Some("10")];
    let mut out = Vec::new();
    for p in &who {
        for a in acts {
            for id in &ids {
                for ip in ips {
                    for n in nums {
                        for (org, tls) in [(false, false), (true, true)] {
                            let mut r = Request::new(p.clone(), a, ROLE_ARN);
                            for v in id {
                                r = r.with_context("sts:ExternalId", *v);
                            }
                            if let Some(ip) = ip {
                                r = r.with_context("aws:SourceIp", ip);
                            }
                            if let Some(n) = n {
                                r = r.with_context("k:n", n);
                            }
                            if org {
                                r = r.with_context("aws:PrincipalOrgID", "o-abc");
                            }
                            if tls {
                                r = r.with_context("aws:SecureTransport", "true");
                            }
                            out.push(with_principal_keys(r, org));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The keys that follow the caller but that the evaluator does not derive: aws:PrincipalType,
/// and aws:userid where it is known (root: the account; anonymous). Other callers' aws:userid
/// is free; `free_id` gives it a value.
fn with_principal_keys(r: Request, free_id: bool) -> Request {
    let p = r.principal.clone();
    let (kind, userid) = if p == "*" {
        (Some("Anonymous"), Some("anonymous".to_owned()))
    } else if p.ends_with(":root") {
        (Some("Account"), p.split(':').nth(4).map(str::to_owned))
    } else if p.contains(":user/") {
        (Some("User"), free_id.then(|| PARTNER.to_owned()))
    } else if p.contains(":assumed-role/") {
        (Some("AssumedRole"), free_id.then(|| PARTNER.to_owned()))
    } else {
        (None, None)
    };
    let r = match kind {
        Some(k) => r.with_context("aws:PrincipalType", k),
        None => r,
    };
    match userid {
        Some(u) => r.with_context("aws:userid", u),
        None => r,
    }
}

/// A sampled request the policy lets in that the property does not intend: one whose action
/// acts on a role first (a request AWS evaluates against a trust policy), else any.
fn sampled_violation(policy: &Policy, samples: &[Request]) -> Option<Request> {
    let input = trust_input(policy);
    let violations: Vec<&Request> = samples
        .iter()
        .filter(|r| evaluate(&input, r).allowed() && !trust_intended(r, PARTNER, EXTERNAL_ID))
        .collect();
    violations
        .iter()
        .find(|r| on_role(r))
        .or(violations.first())
        .map(|r| (*r).clone())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn trust_differential(specs in prop::collection::vec(stmt_spec(), 1..4), good in any::<bool>()) {
        let samples = trust_samples();
        let mut specs = specs;
        if good {
            // The intended statement first, so that narrowing Denies get exercised.
            specs.insert(0, StmtSpec { deny: false, principal: 0, action: 0, id_cond: Some((0, 0, false)), extra: vec![] });
        }
        let policy = trust_of(&specs, false);
        let r = prove_trust(&policy, ROLE_ARN, &spec(), BUDGET);
        check_trust_result(&r[0], &policy);
        let violation = sampled_violation(&policy, &samples);
        if let Some(v) = &violation {
            prop_assert_ne!(r[0].verdict, Verdict::Proved, "sampled violation {:?}", v);
            // Off-role actions only (no request AWS evaluates against a trust policy): unknown.
            if on_role(v) || r[0].verdict != Verdict::Unknown {
                prop_assert_eq!(r[0].verdict, Verdict::Counterexample, "{}", r[0].summary());
            }
        }
        // trust-partner-allowed is a direct evaluation, with the keys AWS sets for the
        // partner's root (aws:PrincipalType "Account", aws:userid), which the evaluator does
        // not derive: a statement allowing only aws:PrincipalType "Account" lets it in.
        let partner = Request::new(format!("arn:aws:iam::{PARTNER}:root"), "sts:AssumeRole", ROLE_ARN)
            .with_context("sts:ExternalId", EXTERNAL_ID);
        let partner = with_principal_keys(partner, false);
        if !evaluate(&trust_input(&policy), &partner).allowed() {
            prop_assert_eq!(r[1].verdict, Verdict::Counterexample);
        }
    }

    #[test]
    fn trust_metamorphic(specs in prop::collection::vec(stmt_spec(), 1..4), extra in stmt_spec()) {
        let base = prove_trust(&trust_of(&specs, false), ROLE_ARN, &spec(), BUDGET);
        // Arrays instead of strings.
        let arrays = prove_trust(&trust_of(&specs, true), ROLE_ARN, &spec(), BUDGET);
        prop_assert_eq!(base[0].verdict, arrays[0].verdict);
        prop_assert_eq!(base[1].verdict, arrays[1].verdict);
        // Statement order.
        let mut reversed = specs.clone();
        reversed.reverse();
        let rev = prove_trust(&trust_of(&reversed, false), ROLE_ARN, &spec(), BUDGET);
        prop_assert_eq!(base[0].verdict, rev[0].verdict);
        prop_assert_eq!(base[1].verdict, rev[1].verdict);
        // One more Deny.
        let mut denied = specs.clone();
        denied.push(StmtSpec { deny: true, ..extra });
        let more = prove_trust(&trust_of(&denied, false), ROLE_ARN, &spec(), BUDGET);
        if base[0].verdict == Verdict::Proved {
            prop_assert_ne!(more[0].verdict, Verdict::Counterexample, "{}", more[0].summary());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invoke

const F: &str = "arn:aws:lambda:us-east-1:111122223333:function:f";
const G: &str = "arn:aws:lambda:us-east-1:111122223333:function:g";

fn resources() -> Vec<(&'static str, Value)> {
    vec![
        ("Resource", json!(F)),
        ("Resource", json!(G)),
        ("Resource", json!([F, G])),
        ("Resource", json!(format!("{F}*"))),
        ("Resource", json!(format!("{F}:*"))),
        ("Resource", json!(format!("{F}:live"))),
        ("Resource", json!("*")),
        (
            "Resource",
            json!("arn:aws:lambda:*:111122223333:function:f"),
        ),
        ("NotResource", json!(G)),
    ]
}

fn invoke_actions() -> Vec<(&'static str, Value)> {
    vec![
        ("Action", json!("lambda:InvokeFunction")),
        ("Action", json!("lambda:InvokeFunction")),
        ("Action", json!("lambda:*")),
        ("Action", json!("lambda:invoke*")),
        ("Action", json!("*")),
        ("NotAction", json!("iam:*")),
        ("NotAction", json!("lambda:InvokeFunction")),
        // Wildcards of other services, a NotAction beyond STS and Lambda.
        ("Action", json!("ec2:*")),
        ("Action", json!(["s3:*", "dynamodb:*"])),
        ("NotAction", json!(["sts:*", "lambda:*"])),
    ]
}

fn invoke_conditions() -> Vec<Value> {
    vec![
        json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}),
        json!({"StringNotEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}),
        json!({"Null": {"aws:SourceIp": "true"}}),
        json!({"StringEquals": {"aws:PrincipalAccount": "111122223333"}}),
        json!({"StringNotEquals": {"aws:SourceIp": ["10.0.0.1", "10.0.0.2"]}}),
    ]
}

type InvokeStmt = (bool, usize, usize, Option<usize>);

fn invoke_stmt() -> impl Strategy<Value = InvokeStmt> {
    (
        prop::bool::weighted(0.25),
        0..invoke_actions().len(),
        0..resources().len(),
        prop::option::weighted(0.3, 0..invoke_conditions().len()),
    )
}

fn invoke_doc(stmts: &[InvokeStmt]) -> Policy {
    doc(stmts
        .iter()
        .map(|(deny, a, r, c)| {
            let (ae, av) = invoke_actions()[*a].clone();
            let (re, rv) = resources()[*r].clone();
            let mut s = json!({"Effect": if *deny { "Deny" } else { "Allow" }, ae: av, re: rv});
            if let Some(c) = c {
                s["Condition"] = invoke_conditions()[*c].clone();
            }
            s
        })
        .collect())
}

fn invoke_samples(principal: &str) -> Vec<Request> {
    let acts = [
        "lambda:InvokeFunction",
        "LAMBDA:invokefunction",
        "lambda:GetFunction",
        "lambda:InvokeAsync",
        "s3:GetObject",
    ];
    let res = [
        F.to_owned(),
        G.to_owned(),
        format!("{F}:live"),
        format!("{F}:1"),
        format!("{F}-other"),
        "arn:aws:lambda:eu-west-1:111122223333:function:f".to_owned(),
        "arn:aws:s3:::bucket".to_owned(),
    ];
    let mut out = Vec::new();
    for a in acts {
        for r in &res {
            for ctx in 0..4 {
                let mut q = Request::new(principal, a, r.clone());
                if ctx & 1 == 1 {
                    q = q.with_context("aws:SourceIp", "10.1.2.3");
                }
                if ctx & 2 == 2 {
                    q = q.with_context("aws:RequestedRegion", "us-east-1");
                }
                out.push(q);
            }
        }
    }
    out
}

fn targets_pool() -> Vec<String> {
    vec![
        F.to_owned(),
        G.to_owned(),
        format!("{F}:*"),
        format!("{F}:live"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn invoke_differential(
        policies in prop::collection::vec(prop::collection::vec(invoke_stmt(), 1..4), 0..3),
        boundary in prop::option::weighted(0.4, prop::collection::vec(invoke_stmt(), 1..3)),
        targets in prop::collection::vec(0..4usize, 1..3),
        good in any::<bool>(),
        named in any::<bool>(),
    ) {
        let mut spec = InvokeSpec::from(targets.iter().map(|t| targets_pool()[*t].clone()).collect::<Vec<_>>());
        if named {
            spec.role_arn = Some(ROLE_ARN.to_owned());
            spec.region = Some("us-east-1".to_owned());
        }
        let principal = if named { ROLE_ARN } else { "the-role" };
        let mut identity: Vec<LabeledPolicy> = policies.iter().enumerate().map(|(i, s)| LabeledPolicy::new(format!("p{i}"), invoke_doc(s))).collect();
        if good {
            // The intended grant, so that narrowing Denies and boundaries get exercised.
            let grant = doc(vec![json!({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": spec.targets})]);
            identity.insert(0, LabeledPolicy::new("grant", grant));
        }
        let boundary = boundary.map(|b| LabeledPolicy::new("boundary", invoke_doc(&b)));
        let r = prove_invoke(&identity, boundary.as_ref(), &spec, BUDGET);
        let input = invoke_input(&identity, boundary.as_ref());
        let covered = |res: &str| spec.targets.iter().any(|t| {
            let p = t.strip_suffix('*');
            match p { Some(prefix) => res.starts_with(prefix), None => res == t }
        });
        let intended = |q: &Request| q.action.eq_ignore_ascii_case("lambda:InvokeFunction") && covered(&q.resource);
        if let Some(c) = &r[0].counterexample {
            let q = request(c);
            prop_assert_eq!(malformed_context(&q.context), None);
            prop_assert!(evaluate(&input, &q).allowed());
            prop_assert!(!intended(&q));
            prop_assert_eq!(&q.principal, principal);
            // Never a placeholder account: a function the prover names is in the role's account.
            prop_assert!(!q.resource.contains(":000000000000:"), "{}", q.resource);
            // An action of a service with listed actions (actions.txt) is one of them, in its
            // canonical case: never a made-up member of the class.
            let service = q.action.split(':').next().unwrap_or_default();
            if real_actions().any(|a| a.split(':').next() == Some(service)) {
                prop_assert!(real_actions().any(|a| a == q.action), "{}", q.action);
            }
        }
        // Never proved on a violation; a counterexample on one that is a real request (an
        // action on a resource of its type): one that is not may be `unknown` (realize.rs).
        let violations: Vec<Request> = invoke_samples(principal).into_iter().filter(|q| evaluate(&input, q).allowed() && !intended(q)).collect();
        if let Some(v) = violations.first() {
            prop_assert_ne!(r[0].verdict, Verdict::Proved, "sampled violation {:?}: {}", v, r[0].summary());
        }
        if let Some(v) = violations.iter().find(|q| resource_fits_action(&q.action, &q.resource)) {
            prop_assert_eq!(r[0].verdict, Verdict::Counterexample, "sampled violation {:?}: {}", v, r[0].summary());
        }
        // Every granted literal ARN, with no context.
        let refused = spec.targets.iter().filter(|t| !t.contains('*')).any(|t| !evaluate(&input, &Request::new(principal, "lambda:InvokeFunction", t.clone())).allowed());
        if refused {
            prop_assert_eq!(r[1].verdict, Verdict::Counterexample);
        }
        if r[1].verdict == Verdict::Proved {
            prop_assert!(!refused);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Statement order never changes an invoke verdict; one more Deny (in the identity policy
    /// or the boundary) never turns `proved` into `counterexample`.
    #[test]
    fn invoke_metamorphic(
        stmts in prop::collection::vec(invoke_stmt(), 1..5),
        extra in invoke_stmt(),
        in_boundary in any::<bool>(),
        targets in prop::collection::vec(0..4usize, 1..3),
    ) {
        let spec = InvokeSpec::from(targets.iter().map(|t| targets_pool()[*t].clone()).collect::<Vec<_>>());
        let run = |s: &[InvokeStmt], b: Option<&[InvokeStmt]>| {
            let identity = vec![LabeledPolicy::new("p", invoke_doc(s))];
            let boundary = b.map(|b| LabeledPolicy::new("boundary", invoke_doc(b)));
            prove_invoke(&identity, boundary.as_ref(), &spec, BUDGET)
        };
        let base = run(&stmts, None);
        let mut reversed = stmts.clone();
        reversed.reverse();
        let rev = run(&reversed, None);
        prop_assert_eq!(base[0].verdict, rev[0].verdict);
        prop_assert_eq!(base[1].verdict, rev[1].verdict);
        let deny = (true, extra.1, extra.2, extra.3);
        let more = if in_boundary {
            let everything: InvokeStmt = (false, 4, 6, None);
            run(&stmts, Some(&[everything, deny]))
        } else {
            let mut s = stmts.clone();
            s.push(deny);
            run(&s, None)
        };
        if base[0].verdict == Verdict::Proved {
            prop_assert_ne!(more[0].verdict, Verdict::Counterexample, "{}", more[0].summary());
        }
    }
}

/// An STS action on a resource of its type (a role): the requests AWS evaluates against a trust
/// policy. `iam:PassRole` acts on a role too, but no trust policy governs it.
fn on_role(q: &Request) -> bool {
    q.action.to_ascii_lowercase().starts_with("sts:")
        && resource_fits_action(&q.action, &q.resource)
}
