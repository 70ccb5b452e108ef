//! Property tests that complement the existing ones (config_proptest.rs: `parse_str` on
//! arbitrary and mutated text; `crates/model/tests/render_proptest.rs`: `render` on
//! unvalidated configs and random templates; `crates/iam/tests/evaluator_props.rs`:
//! `Policy::try_from`/`decode_document` on random JSON and text).
//! What they do not cover, and this file does:
//! - `decode_document` on AWS-style percent-encoded documents: round trips exactly, and corrupted
//!   encodings (split escapes, invalid UTF-8, encoded BOMs, surrogates) never panic;
//! - `Policy::try_from` on *near-valid* policies (the rendered documents, mutated node by node
//!   with policy-relevant keys and values), which reach far deeper than random JSON;
//! - the lint agrees with the evaluator: a trust or invoke document the lint accepts never
//!   lets a wrong caller in (the security claim `verify` makes about live documents);
//! - config validation implies renderability: whatever `parse_str` accepts renders with the
//!   built-in templates and passes the invariants.
//!
//! Bounded: 200 cases per property unless `PROPTEST_CASES` says otherwise.
#![cfg(test)]
use crate::lint::{
    check_rendered, invoke_findings, trust_findings, Finding as LintFinding,
    Severity as LintSeverity,
};
use lambda_trust_iam::{
    decode_document, evaluate, normalize, semantically_equal, Decision, EvalInput, LabeledPolicy,
    Policy, Request,
};
use lambda_trust_model::{RenderContext, Templates};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const PARTNER: &str = "arn:aws:iam::765628985471:root";
const ACCOUNT: &str = "123456789012";
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/GenesysLambdaInvoker";

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn fn_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}")
}

/// The built-in templates rendered for two targets.
fn rendered() -> lambda_trust_model::Rendered {
    let text = format!(
        "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"{EXT}\"\n[role]\nname = \
         \"GenesysLambdaInvoker\"\n[aws]\nregion = \"us-east-1\"\naccount_id = \"{ACCOUNT}\"\n\
         [[targets]]\nfunction = \"lookup-customer\"\n[[targets]]\nfunction = \"lookup-order\"\n\
         qualifier = \"live\"\n"
    );
    let loaded =
        lambda_trust_config::parse_str(&text, "fuzz.toml", None).expect("base config is valid");
    let ctx = RenderContext {
        account_id: Some(ACCOUNT.into()),
        default_region: None,
    };
    lambda_trust_model::render(&loaded.config, &ctx, &Templates::builtin())
        .expect("base config renders")
}

// ------------------------------------------------------------------ AWS-style encoding

/// RFC 3986 percent-encoding (everything but `A-Z a-z 0-9 - . _ ~`), as IAM returns documents
/// from GetRole, GetRolePolicy and GetPolicyVersion.
fn aws_encode(s: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(s, UNRESERVED).to_string()
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,24}",
        ".{0,12}",
        Just("a+b %20 c%".to_string()),
        Just("é€😀\u{0}\u{7f}".to_string()),
        Just("${aws:username}".to_string()),
    ]
}

fn one_or_many(s: BoxedStrategy<String>) -> impl Strategy<Value = Value> {
    prop_oneof![
        s.clone().prop_map(Value::String),
        prop::collection::vec(s, 0..3).prop_map(|v| json!(v)),
    ]
}

/// Policy-shaped documents with arbitrary string values.
fn policy_doc() -> impl Strategy<Value = Value> {
    let statement = (
        prop::option::of(text()),
        prop::sample::select(vec!["Allow", "Deny"]),
        prop::option::of(one_or_many(text().boxed())),
        one_or_many(text().boxed()),
        one_or_many(text().boxed()),
        prop::option::of((text(), text())),
    )
        .prop_map(|(sid, effect, principal, action, resource, cond)| {
            let mut st = json!({"Effect": effect, "Action": action, "Resource": resource});
            if let Some(sid) = sid {
                st["Sid"] = json!(sid);
            }
            if let Some(p) = principal {
                st["Principal"] = json!({ "AWS": p });
            }
            if let Some((k, v)) = cond {
                st["Condition"] = json!({"StringEquals": {k: v}});
            }
            st
        });
    prop::collection::vec(statement, 1..4)
        .prop_map(|s| json!({"Version": "2012-10-17", "Statement": s}))
}

/// Fragments that break an encoding in interesting ways.
const CORRUPTIONS: &[&str] = &[
    "%",
    "%F",
    "%FF",
    "%C3",
    "%C3%28",
    "%E2%82",
    "%ED%A0%80",
    "%00",
    "%EF%BB%BF",
    "%7B",
    "%7D",
    "%22",
    "%5C",
    "%5Cud800",
    "+",
    "\u{feff}",
    "{",
    "%%",
    "%G0",
    "%2",
];

#[derive(Debug, Clone)]
enum TextMutation {
    Truncate(Index),
    Insert(Index, &'static str),
    Delete(Index, usize),
}

fn text_mutation() -> impl Strategy<Value = TextMutation> {
    prop_oneof![
        any::<Index>().prop_map(TextMutation::Truncate),
        (any::<Index>(), prop::sample::select(CORRUPTIONS))
            .prop_map(|(i, s)| TextMutation::Insert(i, s)),
        (any::<Index>(), 1usize..6).prop_map(|(i, n)| TextMutation::Delete(i, n)),
    ]
}

fn corrupt(text: &str, mutations: &[TextMutation]) -> String {
    let mut s = text.to_string();
    for m in mutations {
        // Work on char boundaries so the result stays a String (the API takes &str).
        let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
        match m {
            TextMutation::Truncate(i) => s.truncate(bounds[i.index(bounds.len())]),
            TextMutation::Insert(i, frag) => s.insert_str(bounds[i.index(bounds.len())], frag),
            TextMutation::Delete(i, n) => {
                let a = i.index(bounds.len());
                let b = (a + n).min(bounds.len() - 1);
                s.replace_range(bounds[a]..bounds[b], "");
            }
        }
    }
    s
}

// ------------------------------------------------------------------ JSON tree mutations

const KEYS: &[&str] = &[
    "Version",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "StringEquals",
    "StringEqualsIfExists",
    "StringLike",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringEquals",
    "Null",
    "Bool",
    "sts:ExternalId",
    "STS:EXTERNALID",
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "effect",
    "Effects",
];

const VALUES: &[&str] = &[
    "*",
    "Allow",
    "Deny",
    "allow",
    "sts:*",
    "sts:AssumeRole",
    "STS:ASSUMEROLE",
    "sts:Assume*",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "lambda:*",
    "lambda:InvokeFunction",
    "lambda:Invoke*",
    "lambda:InvokeFunctionUrl",
    "lambda:UpdateFunctionCode",
    "iam:PassRole",
    "arn:aws:iam::765628985471:root",
    "765628985471",
    "arn:aws:iam::765628985471:*",
    "arn:aws:iam::*:root",
    "arn:aws:iam::999999999999:root",
    "arn:aws:sts::765628985471:assumed-role/GenesysCloud/session",
    EXT,
    "0f8c7a52-*",
    "*-wrong",
    "true",
    "false",
    "",
    "arn:aws:lambda:us-east-1:123456789012:function:*",
    "arn:aws:lambda:us-east-1:123456789012:function:lookup-customer",
    "arn:aws:lambda:us-east-1:123456789012:function:lookup-customer*",
    "arn:aws:lambda:us-east-1:123456789012:function:lookup-customer:*",
    "arn:aws:lambda:us-east-1:123456789012:function:lookup-order:live",
    "arn:aws:lambda:us-east-1:123456789012:function:lookup-order:?ive",
    "arn:aws:lambda:*:123456789012:function:lookup-customer",
    "arn:aws:lambda:us-east-1:*:function:lookup-customer",
    "arn:aws:lambda:us-east-1:123456789012:*",
    "2012-10-17",
    "2008-10-17",
];

fn pool_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => prop::sample::select(VALUES).prop_map(|s| json!(s)),
        1 => prop::collection::vec(prop::sample::select(VALUES), 0..3).prop_map(|v| json!(v)),
        1 => (prop::sample::select(KEYS), prop::sample::select(VALUES))
            .prop_map(|(k, v)| json!({ k: v })),
        1 => prop_oneof![
            Just(Value::Null),
            Just(json!(true)),
            Just(json!(0)),
            Just(json!([])),
            Just(json!({})),
        ],
    ]
}

#[derive(Debug, Clone)]
enum TreeMutation {
    Replace(Index, Value),
    RenameKey(Index, &'static str),
    Insert(Index, &'static str, Value),
    Remove(Index),
    Wrap(Index),
    Push(Index, Value),
}

fn tree_mutation() -> impl Strategy<Value = TreeMutation> {
    prop_oneof![
        3 => (any::<Index>(), pool_value()).prop_map(|(i, v)| TreeMutation::Replace(i, v)),
        1 => (any::<Index>(), prop::sample::select(KEYS))
            .prop_map(|(i, k)| TreeMutation::RenameKey(i, k)),
        2 => (any::<Index>(), prop::sample::select(KEYS), pool_value())
            .prop_map(|(i, k, v)| TreeMutation::Insert(i, k, v)),
        1 => any::<Index>().prop_map(TreeMutation::Remove),
        1 => any::<Index>().prop_map(TreeMutation::Wrap),
        2 => (any::<Index>(), pool_value()).prop_map(|(i, v)| TreeMutation::Push(i, v)),
    ]
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    At(usize),
}

/// Every node's path, root first.
fn paths(v: &Value) -> Vec<Vec<Seg>> {
    fn go(v: &Value, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
        out.push(prefix.clone());
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    prefix.push(Seg::Key(k.clone()));
                    go(c, prefix, out);
                    prefix.pop();
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    prefix.push(Seg::At(i));
                    go(c, prefix, out);
                    prefix.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    go(v, &mut Vec::new(), &mut out);
    out
}

fn node<'a>(v: &'a mut Value, path: &[Seg]) -> &'a mut Value {
    path.iter().fold(v, |cur, seg| match seg {
        Seg::Key(k) => &mut cur[k.as_str()],
        Seg::At(i) => &mut cur[*i],
    })
}

fn mutate(doc: &Value, mutations: &[TreeMutation]) -> Value {
    let mut v = doc.clone();
    for m in mutations {
        let all = paths(&v);
        let pick = |i: &Index| all[i.index(all.len())].clone();
        match m {
            TreeMutation::Replace(i, new) => *node(&mut v, &pick(i)) = new.clone(),
            TreeMutation::RenameKey(i, _) | TreeMutation::Remove(i) => {
                let rename = match m {
                    TreeMutation::RenameKey(_, key) => Some(*key),
                    _ => None,
                };
                let path = pick(i);
                match path.split_last() {
                    Some((Seg::Key(old), parent)) => {
                        if let Value::Object(map) = node(&mut v, parent) {
                            let value = map.shift_remove(old.as_str());
                            if let (Some(key), Some(value)) = (rename, value) {
                                map.insert(key.to_string(), value);
                            }
                        }
                    }
                    Some((Seg::At(at), parent)) => {
                        if let Value::Array(items) = node(&mut v, parent) {
                            items.remove(*at);
                        }
                    }
                    None => {}
                }
            }
            TreeMutation::Insert(i, key, new) => {
                if let Value::Object(map) = node(&mut v, &pick(i)) {
                    map.insert(key.to_string(), new.clone());
                }
            }
            TreeMutation::Wrap(i) => {
                let n = node(&mut v, &pick(i));
                *n = json!([n.take()]);
            }
            TreeMutation::Push(i, new) => match node(&mut v, &pick(i)) {
                Value::Array(items) => items.push(new.clone()),
                other => *other = json!([other.take(), new.clone()]),
            },
        }
    }
    v
}

// ------------------------------------------------------------------ evaluation helpers

fn trust_decision(trust: &Policy, principal: &str, action: &str, ext: Option<&str>) -> Decision {
    let input = EvalInput {
        identity_policies: Vec::new(),
        resource_policy: Some(LabeledPolicy::new("trust", trust.clone())),
        resource_policy_is_trust: true,
        boundary: None,
    };
    let mut req = Request::new(principal, action, ROLE_ARN);
    if let Some(e) = ext {
        req = req.with_context("sts:ExternalId", e);
    }
    evaluate(&input, &req).decision
}

fn invoke_decision(invoke: &Policy, action: &str, resource: &str) -> Decision {
    let input = EvalInput {
        identity_policies: vec![LabeledPolicy::new("invoke", invoke.clone())],
        resource_policy: None,
        resource_policy_is_trust: false,
        boundary: None,
    };
    let session = format!("arn:aws:sts::{ACCOUNT}:assumed-role/GenesysLambdaInvoker/genesys-cloud");
    evaluate(&input, &Request::new(session, action, resource)).decision
}

fn errors(findings: &[LintFinding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.severity == LintSeverity::Error)
        .map(|f| format!("{}: {}", f.code, f.message))
        .collect()
}

// ------------------------------------------------------------------ valid configs

fn name(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9_+=,.@-]{{1,{max}}}")).unwrap()
}

fn target_toml() -> impl Strategy<Value = String> {
    let region = prop::sample::select(vec![
        ("aws", "us-east-1"),
        ("aws", "eu-west-1"),
        ("aws-cn", "cn-north-1"),
        ("aws-us-gov", "us-gov-west-1"),
    ]);
    let qualifier = prop::option::of(prop_oneof![
        Just("*".to_string()),
        "[1-9][0-9]{0,3}",
        "[A-Za-z][A-Za-z0-9_-]{0,20}",
    ]);
    (
        // Small names collide, so duplicates in their many spellings come up.
        prop_oneof!["[fg]", "[A-Za-z0-9_-]{1,64}"],
        any::<bool>(),
        region,
        prop_oneof![Just(ACCOUNT.to_string()), "[0-9]{12}"],
        qualifier,
    )
        .prop_map(|(fname, bare, (partition, region), account, q)| {
            let mut s = if bare {
                format!("[[targets]]\nfunction = \"{fname}\"\nregion = \"{region}\"\n")
            } else {
                format!(
                    "[[targets]]\nfunction = \"arn:{partition}:lambda:{region}:{account}:function:{fname}\"\n"
                )
            };
            if let Some(q) = q {
                s.push_str(&format!("qualifier = \"{q}\"\n"));
            }
            s
        })
}

fn config_toml() -> impl Strategy<Value = (String, Option<String>)> {
    (
        prop_oneof![
            Just("partner = \"genesys-cloud\"".to_string()),
            Just("partner = \"genesys-cloud-fedramp\"".to_string()),
            "[0-9]{12}".prop_map(|a| format!("account_id = \"{a}\"")),
        ],
        proptest::string::string_regex("[A-Za-z0-9_+=,.@:/-]{2,80}").unwrap(),
        name(64),
        prop_oneof![Just("/".to_string()), "/[a-z]{1,8}/([a-z]{1,8}/)?"],
        prop::option::of(3600i64..=43200),
        prop::option::of(name(100)),
        prop::option::of(Just(ACCOUNT.to_string())),
        prop::collection::vec(target_toml(), 1..6),
    )
        .prop_map(
            |(trust, ext, role, path, session, policy, account, targets)| {
                let mut s = format!(
                    "[trust]\n{trust}\nexternal_id = \"{ext}\"\n\n[role]\nname = \"{role}\"\n\
                     path = \"{path}\"\n"
                );
                if let Some(d) = session {
                    s.push_str(&format!("max_session_duration = {d}\n"));
                }
                if let Some(p) = policy {
                    s.push_str(&format!("\n[policy]\nname = \"{p}\"\n"));
                }
                s.push_str("\n[aws]\nregion = \"us-east-1\"\n");
                if let Some(a) = &account {
                    s.push_str(&format!("account_id = \"{a}\"\n"));
                }
                for t in targets {
                    s.push('\n');
                    s.push_str(&t);
                }
                (s, account)
            },
        )
}

// ------------------------------------------------------------------ properties

proptest! {
    #![proptest_config(config())]

    /// Raw, AWS-encoded, pretty-printed and padded forms of a document all decode to it.
    #[test]
    fn decode_round_trips_aws_encoding(doc in policy_doc()) {
        let raw = serde_json::to_string(&doc).unwrap();
        let pretty = serde_json::to_string_pretty(&doc).unwrap();
        prop_assert_eq!(decode_document(&raw).unwrap(), doc.clone());
        prop_assert_eq!(decode_document(&aws_encode(&raw)).unwrap(), doc.clone());
        prop_assert_eq!(decode_document(&aws_encode(&pretty)).unwrap(), doc.clone());
        prop_assert_eq!(decode_document(&format!(" \n{}\t", aws_encode(&raw))).unwrap(), doc.clone());
        prop_assert_eq!(decode_document(&format!("\n{pretty}\n")).unwrap(), doc);
    }

    /// Corrupted encodings (split escapes, invalid UTF-8, encoded BOMs, lone surrogates…)
    /// never panic the decoder or the parser; errors always have a message.
    #[test]
    fn corrupted_encodings_never_panic(
        doc in policy_doc(),
        encoded in any::<bool>(),
        mutations in prop::collection::vec(text_mutation(), 1..5),
    ) {
        let raw = serde_json::to_string(&doc).unwrap();
        let base = if encoded { aws_encode(&raw) } else { raw };
        let text = corrupt(&base, &mutations);
        match decode_document(&text) {
            Ok(v) => {
                if let Err(e) = Policy::try_from(&v) {
                    prop_assert!(!e.to_string().is_empty());
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    /// Near-valid policies: the rendered documents mutated with policy-relevant keys and
    /// values. The parser never panics, errors point somewhere, and whatever parses can be
    /// normalized and evaluated.
    #[test]
    fn near_valid_policies_never_panic(
        which in any::<bool>(),
        mutations in prop::collection::vec(tree_mutation(), 1..5),
    ) {
        let r = rendered();
        let doc = mutate(if which { &r.trust } else { &r.invoke }, &mutations);
        let once = normalize(&doc);
        prop_assert_eq!(normalize(&once), once);
        prop_assert!(semantically_equal(&doc, &doc));
        // Both encodings of the mutated document decode to it.
        let raw = serde_json::to_string(&doc).unwrap();
        prop_assert_eq!(decode_document(&aws_encode(&raw)).unwrap(), doc.clone());
        match Policy::try_from(&doc) {
            Ok(p) => {
                let _ = trust_decision(&p, PARTNER, "sts:AssumeRole", Some(EXT));
                let _ = invoke_decision(&p, "lambda:InvokeFunction", &fn_arn("lookup-customer"));
            }
            Err(e) => {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    /// A trust policy the lint accepts never lets a wrong caller assume the role: not another
    /// account, not the partner with a wrong or missing external ID, not an anonymous caller,
    /// not through another sts action.
    #[test]
    fn lint_clean_trust_policies_deny_wrong_callers(
        mutations in prop::collection::vec(tree_mutation(), 1..5),
    ) {
        let doc = mutate(&rendered().trust, &mutations);
        let findings = trust_findings(&doc, PARTNER, EXT);
        // Only documents the lint accepts (and the parser can read) say anything here.
        let Ok(p) = Policy::try_from(&doc) else { return Ok(()) };
        if !errors(&findings).is_empty() {
            return Ok(());
        }
        let session = "arn:aws:sts::765628985471:assumed-role/GenesysCloud/session";
        let wrong: [(&str, &str, Option<&str>); 6] = [
            ("arn:aws:iam::999999999999:root", "sts:AssumeRole", Some(EXT)),
            (session, "sts:AssumeRole", Some("someone-else")),
            (session, "sts:AssumeRole", None),
            (PARTNER, "sts:AssumeRole", None),
            ("*", "sts:AssumeRole", Some(EXT)),
            (session, "sts:AssumeRoleWithWebIdentity", Some(EXT)),
        ];
        for (principal, action, ext) in wrong {
            prop_assert_ne!(
                trust_decision(&p, principal, action, ext),
                Decision::Allow,
                "lint accepted {} but it allows {} {} with external ID {:?}",
                doc, principal, action, ext
            );
        }
    }

    /// An invoke policy the lint accepts grants nothing but lambda:InvokeFunction on the
    /// targets' ARNs.
    #[test]
    fn lint_clean_invoke_policies_grant_only_targets(
        mutations in prop::collection::vec(tree_mutation(), 1..5),
    ) {
        let r = rendered();
        let doc = mutate(&r.invoke, &mutations);
        let findings = invoke_findings(std::slice::from_ref(&doc), &r.function_arns);
        // Only documents the lint accepts (and the parser can read) say anything here.
        let Ok(p) = Policy::try_from(&doc) else { return Ok(()) };
        if !errors(&findings).is_empty() {
            return Ok(());
        }
        let not_granted = [
            ("lambda:InvokeFunction", fn_arn("other")),
            ("lambda:InvokeFunction", fn_arn("lookup-customer-other")),
            ("lambda:InvokeFunction", fn_arn("lookup-customer:live")),
            ("lambda:InvokeFunction", fn_arn("lookup-order")),
            ("lambda:InvokeFunction", fn_arn("lookup-order:other")),
            ("lambda:InvokeFunction", format!("arn:aws:lambda:eu-west-1:{ACCOUNT}:function:lookup-customer")),
            ("lambda:UpdateFunctionCode", fn_arn("lookup-customer")),
            ("lambda:InvokeFunctionUrl", fn_arn("lookup-customer")),
            ("iam:PassRole", ROLE_ARN.to_string()),
        ];
        for (action, resource) in not_granted {
            prop_assert_ne!(
                invoke_decision(&p, action, &resource),
                Decision::Allow,
                "lint accepted {} but it allows {} on {}",
                doc, action, resource
            );
        }
    }

    /// What config validation accepts renders with the built-in templates and passes the
    /// invariants (so `lint` and the live commands agree on what is valid).
    #[test]
    fn valid_configs_render_cleanly((text, account) in config_toml()) {
        let Ok(loaded) = lambda_trust_config::parse_str(&text, "fuzz.toml", None) else { return Ok(()) };
        let ctx = RenderContext {
            account_id: Some(account.clone().unwrap_or_else(|| ACCOUNT.to_string())),
            default_region: None,
        };
        let rendered = match lambda_trust_model::render(&loaded.config, &ctx, &Templates::builtin()) {
            Ok(r) => r,
            // Without [aws].account_id the config cannot know that a bare name and an ARN in
            // the caller's account are the same function; render (live, before any write)
            // does. Anything else validation accepts must render.
            Err(lambda_trust_model::RenderError::DuplicateTarget { .. }) if account.is_none() => {
                return Ok(())
            }
            Err(e) => return Err(TestCaseError::fail(format!("{text}\nrender: {e}"))),
        };
        let errs = errors(&check_rendered(&loaded.config, &rendered, false));
        prop_assert!(errs.is_empty(), "{}\n{:?}", text, errs);
    }
}
