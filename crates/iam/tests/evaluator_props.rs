//! Properties of the evaluator and of document normalization, over generated policies.

use lambda_trust_iam::{
    decode_document, evaluate, normalize, semantically_equal, Decision, EvalInput, LabeledPolicy,
    Policy, Request,
};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const ACTIONS: &[&str] = &[
    "lambda:InvokeFunction",
    "lambda:*",
    "LAMBDA:invoke*",
    "sts:AssumeRole",
    "s3:GetObject",
    "*",
];
const RESOURCES: &[&str] = &[
    "arn:aws:lambda:us-east-1:123456789012:function:f",
    "arn:aws:lambda:us-east-1:123456789012:function:f:*",
    "arn:aws:lambda:*:123456789012:function:*",
    "arn:aws:iam::123456789012:role/r",
    "*",
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::765628985471:root",
    "123456789012",
    "arn:aws:iam::123456789012:role/app",
    "*",
];
const REQUEST_PRINCIPALS: &[&str] = &[
    "arn:aws:iam::765628985471:root",
    "arn:aws:sts::765628985471:assumed-role/R/s",
    "arn:aws:iam::123456789012:role/app",
    "arn:aws:sts::123456789012:assumed-role/app/s",
    "*",
];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(list).prop_map(str::to_owned)
}

fn one_or_many(list: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        pick(list).prop_map(Value::String),
        proptest::collection::vec(pick(list), 1..3).prop_map(|v| json!(v)),
    ]
}

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(json!({"StringEquals": {"sts:ExternalId": "abc"}}))),
        1 => Just(Some(json!({"StringNotEquals": {"sts:ExternalId": ["abc", "def"]}}))),
        1 => Just(Some(json!({"Bool": {"aws:SecureTransport": true}}))),
        1 => Just(Some(json!({"ForAllValues:StringLike": {"aws:TagKeys": "a*"}}))),
        1 => Just(Some(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))),
    ]
}

/// A statement; `with_principal` for resource/trust policies.
fn statement(with_principal: bool, effect: Option<&'static str>) -> impl Strategy<Value = Value> {
    let effect = match effect {
        Some(e) => Just(e.to_owned()).boxed(),
        None => prop_oneof![Just("Allow".to_owned()), Just("Deny".to_owned())].boxed(),
    };
    (
        effect,
        any::<bool>(),
        one_or_many(ACTIONS),
        proptest::option::of(one_or_many(RESOURCES)),
        one_or_many(PRINCIPALS),
        condition(),
    )
        .prop_map(
            move |(effect, not_action, actions, resources, principals, cond)| {
                let mut s = Map::new();
                s.insert("Effect".into(), json!(effect));
                let action_key = if not_action { "NotAction" } else { "Action" };
                s.insert(action_key.into(), actions);
                if let Some(r) = resources {
                    s.insert("Resource".into(), r);
                }
                if with_principal {
                    s.insert("Principal".into(), json!({ "AWS": principals }));
                }
                if let Some(c) = cond {
                    s.insert("Condition".into(), c);
                }
                Value::Object(s)
            },
        )
}

fn statements(with_principal: bool) -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(statement(with_principal, None), 0..5)
}

fn doc(statements: &[Value]) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn parse(v: &Value) -> Policy {
    Policy::try_from(v).expect("generated policies parse")
}

fn request() -> impl Strategy<Value = Request> {
    (
        pick(REQUEST_PRINCIPALS),
        pick(&[
            "lambda:InvokeFunction",
            "sts:AssumeRole",
            "s3:GetObject",
            "iam:PassRole",
        ]),
        pick(&[
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "arn:aws:lambda:eu-west-1:123456789012:function:f:live",
            "arn:aws:iam::123456789012:role/r",
        ]),
        proptest::option::of(pick(&["abc", "def", "xyz"])),
        proptest::option::of(pick(&["true", "false"])),
        proptest::collection::vec(pick(&["a1", "b2", "ab"]), 0..3),
    )
        .prop_map(|(p, a, r, ext, secure, tags)| {
            let mut req = Request::new(p, a, r);
            if let Some(e) = ext {
                req = req.with_context("sts:ExternalId", e);
            }
            if let Some(s) = secure {
                req = req.with_context("aws:SecureTransport", s);
            }
            for t in tags {
                req = req.with_context("aws:TagKeys", t);
            }
            req
        })
}

/// The policy sets of one evaluation: identity statements, optional resource/trust statements,
/// optional boundary statements.
#[derive(Debug, Clone)]
struct Scenario {
    /// `None`: the caller's identity policies are not given (only meaningful with a trust
    /// policy); `Some` may hold zero statements.
    identity: Option<Vec<Value>>,
    resource: Option<Vec<Value>>,
    trust: bool,
    boundary: Option<Vec<Value>>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        proptest::option::of(statements(false)),
        proptest::option::of(statements(true)),
        any::<bool>(),
        proptest::option::of(statements(false)),
    )
        .prop_map(|(identity, resource, trust, boundary)| Scenario {
            identity,
            resource,
            trust,
            boundary,
        })
}

impl Scenario {
    fn input(&self) -> EvalInput {
        EvalInput {
            identity_policies: self
                .identity
                .iter()
                .map(|s| LabeledPolicy::new("identity", parse(&doc(s))))
                .collect(),
            resource_policy: self
                .resource
                .as_ref()
                .map(|s| LabeledPolicy::new("resource", parse(&doc(s)))),
            resource_policy_is_trust: self.trust,
            boundary: self
                .boundary
                .as_ref()
                .map(|s| LabeledPolicy::new("boundary", parse(&doc(s)))),
        }
    }

    fn decide(&self, req: &Request) -> Decision {
        evaluate(&self.input(), req).decision
    }
}

/// Adds a statement to one of the policies the scenario has. Creating a policy is not "adding a
/// statement": a new boundary restricts, and identity policies going from unknown to known
/// changes what a trust evaluation can say.
fn add_to(s: &Scenario, target: u8, stmt: Value) -> Scenario {
    let mut s = s.clone();
    let mut lists: Vec<&mut Vec<Value>> = [&mut s.identity, &mut s.resource, &mut s.boundary]
        .into_iter()
        .filter_map(Option::as_mut)
        .collect();
    let n = lists.len();
    if n > 0 {
        lists[target as usize % n].push(stmt);
    }
    s
}

/// A semantically equal rewrite: statement order reversed, keys reordered, arrays reversed,
/// single-element arrays ↔ strings, action names re-cased.
fn perturb(v: &Value, flip: bool) -> Value {
    fn go(v: &Value, key: Option<&str>, flip: bool) -> Value {
        go_in(v, key, flip, false)
    }
    fn go_in(v: &Value, key: Option<&str>, flip: bool, in_array: bool) -> Value {
        match v {
            Value::Object(m) => {
                let mut entries: Vec<(&String, &Value)> = m.iter().collect();
                entries.reverse();
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), go(v, Some(k), flip)))
                        .collect(),
                )
            }
            Value::Array(items) => {
                let mut items: Vec<Value> =
                    items.iter().map(|i| go_in(i, key, flip, true)).collect();
                items.reverse();
                match (flip, key, items.as_slice()) {
                    (true, Some(k), [Value::String(_)]) if k != "Statement" => items[0].clone(),
                    _ => Value::Array(items),
                }
            }
            Value::String(s) => {
                let s = if matches!(key, Some("Action" | "NotAction")) {
                    if flip {
                        s.to_uppercase()
                    } else {
                        s.to_lowercase()
                    }
                } else {
                    s.clone()
                };
                match (flip, key) {
                    (false, Some("Action" | "Resource" | "AWS")) if !in_array => json!([s]),
                    _ => Value::String(s),
                }
            }
            other => other.clone(),
        }
    }
    go(v, None, flip)
}

/// Arbitrary JSON, biased towards policy-shaped keys and values.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        pick(&[
            "Allow",
            "Deny",
            "*",
            "2012-10-17",
            "2008-10-17",
            "s3:*",
            "sts:AssumeRole",
            "arn:aws:iam::1:root",
            "${aws:username}",
            "${",
            "10.0.0.0/8",
            "true",
        ])
        .prop_map(Value::String),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        pick(&[
                            "Version",
                            "Id",
                            "Statement",
                            "Sid",
                            "Effect",
                            "Principal",
                            "NotPrincipal",
                            "AWS",
                            "Service",
                            "Action",
                            "NotAction",
                            "Resource",
                            "NotResource",
                            "Condition",
                            "StringEquals",
                            "ForAnyValue:ArnLike",
                            "NullIfExists",
                            "Null",
                            "aws:SourceIp",
                            "IpAddress",
                            "DateLessThan",
                        ]),
                        ".*",
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    // Failures are kept in tests/proptest-regressions/evaluator_props.txt and replayed first.
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    // "Policy evaluation logic": an explicit deny overrides; adding a Deny can never grant.
    #[test]
    fn adding_a_deny_never_allows(s in scenario(), d in statement(true, Some("Deny")),
                                  target in any::<u8>(), req in request()) {
        let before = s.decide(&req);
        let after = add_to(&s, target, d).decide(&req);
        if before != Decision::Allow {
            prop_assert_ne!(after, Decision::Allow);
        }
        prop_assert!(after == before || after == Decision::ExplicitDeny);
    }

    // "Policy evaluation logic": an Allow cannot take away what is allowed.
    #[test]
    fn adding_an_allow_never_denies(s in scenario(), a in statement(true, Some("Allow")),
                                    target in any::<u8>(), req in request()) {
        let before = s.decide(&req);
        let after = add_to(&s, target, a).decide(&req);
        if before == Decision::Allow {
            prop_assert_eq!(after, Decision::Allow);
        }
        if before == Decision::ExplicitDeny {
            prop_assert_eq!(after, Decision::ExplicitDeny);
        }
    }

    // "Policy evaluation logic": the order of statements is not important.
    #[test]
    fn statement_order_is_irrelevant(s in scenario(), req in request(), seed in any::<u64>()) {
        let mut shuffled = s.clone();
        let rotate = |v: &mut Vec<Value>| {
            if !v.is_empty() {
                let k = (seed as usize) % v.len();
                v.rotate_left(k);
                if seed & 1 == 1 { v.reverse(); }
            }
        };
        if let Some(i) = shuffled.identity.as_mut() { rotate(i); }
        if let Some(r) = shuffled.resource.as_mut() { rotate(r); }
        if let Some(b) = shuffled.boundary.as_mut() { rotate(b); }
        prop_assert_eq!(s.decide(&req), shuffled.decide(&req));
    }

    #[test]
    fn normalize_is_idempotent(stmts in statements(true)) {
        let d = doc(&stmts);
        let once = normalize(&d);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn semantic_equality_survives_rewrites(stmts in statements(true), flip in any::<bool>()) {
        let a = doc(&stmts);
        let b = perturb(&a, flip);
        prop_assert!(semantically_equal(&a, &a));
        prop_assert!(semantically_equal(&a, &b), "a={} b={}", a, b);
        prop_assert!(semantically_equal(&b, &a));
        // A rewrite evaluates the same, too.
        let pa = parse(&a);
        let pb = parse(&b);
        let req = Request::new("arn:aws:iam::123456789012:role/app", "lambda:InvokeFunction",
                               "arn:aws:lambda:us-east-1:123456789012:function:f");
        let input = |p: Policy| EvalInput {
            identity_policies: vec![LabeledPolicy::new("p", p)],
            ..EvalInput::default()
        };
        prop_assert_eq!(evaluate(&input(pa), &req).decision, evaluate(&input(pb), &req).decision);
    }

    #[test]
    fn normalize_and_equality_never_panic(v in json_value(), w in json_value()) {
        let n = normalize(&v);
        prop_assert_eq!(normalize(&n), n);
        prop_assert!(semantically_equal(&v, &v));
        prop_assert_eq!(semantically_equal(&v, &w), semantically_equal(&w, &v));
    }

    #[test]
    fn parser_never_panics_on_json(v in json_value(), req in request()) {
        if let Ok(policy) = Policy::try_from(&v) {
            // Whatever parses can be evaluated in every role.
            let lp = LabeledPolicy::new("p", policy);
            let input = EvalInput {
                identity_policies: vec![lp.clone()],
                resource_policy: Some(lp.clone()),
                resource_policy_is_trust: true,
                boundary: Some(lp),
            };
            let _ = evaluate(&input, &req);
        }
    }

    #[test]
    fn parser_and_decoder_never_panic_on_text(s in ".*") {
        let _ = s.parse::<Policy>();
        let _ = decode_document(&s);
        let _ = decode_document(&format!("%7B{s}"));
    }

    #[test]
    fn evaluator_never_panics_on_odd_requests(stmts in statements(true),
                                              p in ".*", a in ".*", r in ".*",
                                              k in ".*", v in ".*") {
        let policy = parse(&doc(&stmts));
        let lp = LabeledPolicy::new("p", policy);
        let input = EvalInput {
            identity_policies: vec![lp.clone()],
            resource_policy: Some(lp),
            resource_policy_is_trust: false,
            boundary: None,
        };
        let _ = evaluate(&input, &Request::new(p, a, r).with_context(k, v));
    }
}
