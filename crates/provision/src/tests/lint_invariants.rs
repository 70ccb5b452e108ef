//! The invariants: each way a trust or invoke document can be weaker than intended is a finding
//! with its own code; custom templates turn them into loud warnings only with allow_weaker.
#![cfg(test)]

use crate::lint::{
    check_rendered, invoke_findings, invoke_grant_findings, lint, trust_findings,
    trust_grant_findings, Finding as LintFinding, Severity as LintSeverity,
};
use lambda_trust_config::{self as config, Loaded};
use lambda_trust_model::{RenderContext, Template, Templates};
use serde_json::{json, Value};

const EXAMPLE: &str = include_str!("../../../../examples/lambda-trust.toml");
const PARTNER: &str = "arn:aws:iam::765628985471:root";
const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const F1: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer";
const F2: &str = "arn:aws:lambda:eu-west-1:111122223333:function:lookup-order:live";

fn loaded() -> Loaded {
    config::parse_str(EXAMPLE, "examples/lambda-trust.toml", None).unwrap()
}

fn codes(findings: &[LintFinding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

fn trust_with(statement: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

fn good_statement() -> Value {
    json!({
        "Effect": "Allow",
        "Principal": {"AWS": PARTNER},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXT}}
    })
}

/// The good statement with one field replaced (or removed, with `Value::Null`).
fn variant(field: &str, value: Value) -> Value {
    let mut st = good_statement();
    let obj = st.as_object_mut().unwrap();
    if value.is_null() {
        obj.remove(field);
    } else {
        obj.insert(field.to_string(), value);
    }
    trust_with(st)
}

fn trust_codes(doc: &Value) -> Vec<&'static str> {
    codes(&trust_findings(doc, PARTNER, EXT))
}

#[test]
fn good_trust_has_no_findings() {
    assert!(trust_findings(&trust_with(good_statement()), PARTNER, EXT).is_empty());
    assert!(trust_grant_findings(&trust_with(good_statement()), PARTNER).is_empty());
    // Equivalent spellings: bare account principal, array forms, key case, action case.
    let doc = trust_with(json!({
        "Effect": "Allow",
        "Principal": {"AWS": ["765628985471"]},
        "Action": ["STS:assumerole"],
        "Condition": {"StringEquals": {"STS:EXTERNALID": [EXT]}, "Bool": {"aws:SecureTransport": "true"}}
    }));
    assert!(
        trust_findings(&doc, PARTNER, EXT).is_empty(),
        "{:?}",
        trust_codes(&doc)
    );
    // A weaker condition next to the exact one cannot widen it (conditions AND).
    let doc = variant(
        "Condition",
        json!({"StringEquals": {"sts:ExternalId": EXT}, "StringLike": {"sts:ExternalId": "*"}}),
    );
    assert!(trust_codes(&doc).is_empty());
    // Deny statements only narrow.
    let doc = json!({"Version": "2012-10-17", "Statement": [
        good_statement(),
        {"Effect": "Deny", "Principal": "*", "NotAction": "x", "Resource": "*"}
    ]});
    assert!(trust_codes(&doc).is_empty());
}

#[test]
fn trust_weakenings() {
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "principal *",
            variant("Principal", json!("*")),
            "trust-wildcard-principal",
        ),
        (
            "AWS *",
            variant("Principal", json!({"AWS": "*"})),
            "trust-wildcard-principal",
        ),
        (
            "AWS wildcard ARN",
            variant(
                "Principal",
                json!({"AWS": [PARTNER, "arn:aws:iam::*:root"]}),
            ),
            "trust-wildcard-principal",
        ),
        (
            "extra account",
            variant(
                "Principal",
                json!({"AWS": [PARTNER, "arn:aws:iam::123456789012:root"]}),
            ),
            "trust-extra-principal",
        ),
        (
            "tutorial account",
            variant(
                "Principal",
                json!({"AWS": "arn:aws:iam::691338073777:root"}),
            ),
            "trust-extra-principal",
        ),
        (
            "service principal",
            variant(
                "Principal",
                json!({"AWS": PARTNER, "Service": "lambda.amazonaws.com"}),
            ),
            "trust-extra-principal",
        ),
        (
            "federated principal",
            variant(
                "Principal",
                json!({"AWS": PARTNER, "Federated": "cognito-identity.amazonaws.com"}),
            ),
            "trust-extra-principal",
        ),
        (
            "NotPrincipal",
            {
                let mut st = good_statement();
                let obj = st.as_object_mut().unwrap();
                obj.remove("Principal");
                obj.insert(
                    "NotPrincipal".into(),
                    json!({"AWS": "arn:aws:iam::123456789012:root"}),
                );
                trust_with(st)
            },
            "trust-not-principal",
        ),
        (
            "no condition",
            variant("Condition", Value::Null),
            "trust-missing-external-id",
        ),
        (
            "other condition only",
            variant(
                "Condition",
                json!({"StringEquals": {"aws:PrincipalAccount": "765628985471"}}),
            ),
            "trust-missing-external-id",
        ),
        (
            "Null condition only",
            variant("Condition", json!({"Null": {"sts:ExternalId": "false"}})),
            "trust-external-id-operator",
        ),
        (
            "wrong external id",
            variant(
                "Condition",
                json!({"StringEquals": {"sts:ExternalId": "someone-else"}}),
            ),
            "trust-wrong-external-id",
        ),
        (
            "extra external id",
            variant(
                "Condition",
                json!({"StringEquals": {"sts:ExternalId": [EXT, "other-org"]}}),
            ),
            "trust-extra-external-id",
        ),
        (
            "StringLike",
            variant("Condition", json!({"StringLike": {"sts:ExternalId": EXT}})),
            "trust-external-id-stringlike",
        ),
        (
            "StringEqualsIfExists",
            variant(
                "Condition",
                json!({"StringEqualsIfExists": {"sts:ExternalId": EXT}}),
            ),
            "trust-external-id-ifexists",
        ),
        (
            "ForAnyValue",
            variant(
                "Condition",
                json!({"ForAnyValue:StringEquals": {"sts:ExternalId": EXT}}),
            ),
            "trust-external-id-set-operator",
        ),
        (
            "ForAllValues",
            variant(
                "Condition",
                json!({"ForAllValues:StringEquals": {"sts:ExternalId": EXT}}),
            ),
            "trust-external-id-set-operator",
        ),
        (
            "IgnoreCase",
            variant(
                "Condition",
                json!({"StringEqualsIgnoreCase": {"sts:ExternalId": EXT}}),
            ),
            "trust-external-id-operator",
        ),
        (
            "web identity",
            variant(
                "Action",
                json!(["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]),
            ),
            "trust-extra-action",
        ),
        (
            "sts:*",
            variant("Action", json!("sts:*")),
            "trust-wildcard-action",
        ),
        ("*", variant("Action", json!("*")), "trust-wildcard-action"),
        (
            "sts:Assume*",
            variant("Action", json!("sts:Assume*")),
            "trust-wildcard-action",
        ),
        (
            "NotAction",
            {
                let mut st = good_statement();
                let obj = st.as_object_mut().unwrap();
                obj.remove("Action");
                obj.insert("NotAction".into(), json!("sts:TagSession"));
                trust_with(st)
            },
            "trust-not-action",
        ),
    ];
    for (case, doc, code) in cases {
        let findings = trust_findings(&doc, PARTNER, EXT);
        let f = findings
            .iter()
            .find(|f| f.code.as_str() == code)
            .unwrap_or_else(|| panic!("{case}: no {code} in {:?}", codes(&findings)));
        assert_eq!(f.severity, LintSeverity::Error, "{case}");
        assert!(
            f.message.starts_with("trust policy statement 0: "),
            "{case}: {}",
            f.message
        );
        assert!(f.hint.is_some(), "{case}");
        assert!(f.code.is_weakening(), "{case}");
    }
}

#[test]
fn every_allow_statement_must_satisfy_the_invariant() {
    // A second statement without the condition opens the role even though the first is right.
    let doc = json!({"Version": "2012-10-17", "Statement": [
        good_statement(),
        {"Sid": "Extra", "Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": "sts:AssumeRole"}
    ]});
    let findings = trust_findings(&doc, PARTNER, EXT);
    assert_eq!(codes(&findings), ["trust-missing-external-id"]);
    assert!(findings[0]
        .message
        .starts_with("trust policy statement 1 (Sid \"Extra\"): "));
}

#[test]
fn trust_structure_problems() {
    assert_eq!(trust_codes(&json!("nope")), ["policy-malformed"]);
    assert_eq!(
        trust_codes(&json!({"Version": "2012-10-17"})),
        ["policy-malformed"]
    );
    assert_eq!(
        trust_codes(&json!({"Statement": good_statement()})),
        ["policy-version"]
    );
    assert_eq!(
        trust_codes(&variant("Effect", json!("allow"))),
        ["policy-invalid-effect"]
    );
    assert_eq!(
        trust_codes(&variant("Principal", Value::Null)),
        ["trust-missing-principal"]
    );
    assert_eq!(
        trust_codes(&variant("Action", Value::Null)),
        ["trust-missing-action"]
    );
    assert_eq!(
        trust_codes(&variant("Resource", json!("*"))),
        ["trust-prohibited-field"]
    );
    assert_eq!(
        trust_codes(&variant("Action", json!(5))),
        ["policy-malformed"]
    );
    // Nothing grants the partner: Genesys Cloud cannot assume the role.
    let deny_only = json!({"Version": "2012-10-17", "Statement": []});
    assert_eq!(
        codes(&trust_grant_findings(&deny_only, PARTNER)),
        ["trust-no-partner-grant"]
    );
    assert!(trust_codes(&deny_only).is_empty());
}

#[test]
fn trust_size() {
    let doc = variant("Sid", json!("a".repeat(2100)));
    let findings = trust_findings(&doc, PARTNER, EXT);
    assert_eq!(codes(&findings), ["trust-policy-too-large"]);
    assert_eq!(findings[0].severity, LintSeverity::Warning);
    assert!(lambda_trust_iam::minified_len(&trust_with(good_statement())) < 300);
}

fn invoke_with(statement: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

fn invoke_variant(field: &str, value: Value) -> Value {
    let mut st =
        json!({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [F1, F2]});
    let obj = st.as_object_mut().unwrap();
    if value.is_null() {
        obj.remove(field);
    } else {
        obj.insert(field.to_string(), value);
    }
    invoke_with(st)
}

fn allowed() -> Vec<String> {
    vec![F1.to_string(), F2.to_string()]
}

#[test]
fn good_invoke_has_no_findings() {
    let doc = invoke_variant("Action", json!(["Lambda:invokefunction"]));
    assert!(invoke_findings(std::slice::from_ref(&doc), &allowed()).is_empty());
    assert!(invoke_grant_findings(&[doc], &allowed()).is_empty());
    // Split across two documents (live: several attached policies).
    let a = invoke_variant("Resource", json!(F1));
    let b = invoke_variant("Resource", json!([F2]));
    assert!(invoke_findings(&[a.clone(), b.clone()], &allowed()).is_empty());
    assert!(invoke_grant_findings(&[a, b], &allowed()).is_empty());
}

#[test]
fn invoke_weakenings() {
    let not_action = {
        let mut d = invoke_variant("Action", Value::Null);
        d["Statement"][0]["NotAction"] = json!("iam:*");
        d
    };
    let not_resource = {
        let mut d = invoke_variant("Resource", Value::Null);
        d["Statement"][0]["NotResource"] = json!(F1);
        d
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "lambda:*",
            invoke_variant("Action", json!("lambda:*")),
            "invoke-wildcard-action",
        ),
        (
            "lambda:Invoke*",
            invoke_variant("Action", json!("lambda:Invoke*")),
            "invoke-wildcard-action",
        ),
        (
            "*",
            invoke_variant("Action", json!("*")),
            "invoke-wildcard-action",
        ),
        (
            "extra action",
            invoke_variant(
                "Action",
                json!(["lambda:InvokeFunction", "lambda:UpdateFunctionCode"]),
            ),
            "invoke-extra-action",
        ),
        (
            "InvokeAsync",
            invoke_variant(
                "Action",
                json!(["lambda:InvokeFunction", "lambda:InvokeAsync"]),
            ),
            "invoke-extra-action",
        ),
        ("NotAction", not_action, "invoke-not-action"),
        (
            "resource *",
            invoke_variant("Resource", json!("*")),
            "invoke-wildcard-resource",
        ),
        (
            "function:f*",
            invoke_variant(
                "Resource",
                json!([
                    F1,
                    F2,
                    "arn:aws:lambda:us-east-1:111122223333:function:lookup*"
                ]),
            ),
            "invoke-wildcard-resource",
        ),
        (
            "unqualified covers nothing extra but is not listed",
            invoke_variant(
                "Resource",
                json!([
                    F1,
                    F2,
                    "arn:aws:lambda:eu-west-1:111122223333:function:lookup-order"
                ]),
            ),
            "invoke-extra-resource",
        ),
        (
            "other function",
            invoke_variant(
                "Resource",
                json!([
                    F1,
                    F2,
                    "arn:aws:lambda:us-east-1:111122223333:function:admin"
                ]),
            ),
            "invoke-extra-resource",
        ),
        (
            "ARN case differs",
            invoke_variant("Resource", json!([F1, F2, F1.to_uppercase()])),
            "invoke-extra-resource",
        ),
        ("NotResource", not_resource, "invoke-not-resource"),
    ];
    for (case, doc, code) in cases {
        let findings = invoke_findings(&[doc], &allowed());
        let f = findings
            .iter()
            .find(|f| f.code.as_str() == code)
            .unwrap_or_else(|| panic!("{case}: no {code} in {:?}", codes(&findings)));
        assert_eq!(f.severity, LintSeverity::Error, "{case}");
        assert!(
            f.message.starts_with("invoke policy statement 0: "),
            "{case}: {}",
            f.message
        );
        assert!(f.code.is_weakening(), "{case}");
    }
    // Several documents are named by position.
    let findings = invoke_findings(
        &[
            invoke_variant("Resource", json!(F1)),
            invoke_variant("Resource", json!("*")),
        ],
        &allowed(),
    );
    assert!(findings[0]
        .message
        .starts_with("invoke policy 1 statement 0: "));
}

#[test]
fn invoke_grants_and_size() {
    let only_f1 = invoke_variant("Resource", json!(F1));
    let findings = invoke_grant_findings(std::slice::from_ref(&only_f1), &allowed());
    assert_eq!(codes(&findings), ["invoke-missing-grant"]);
    assert!(findings[0].message.contains(F2));
    assert!(invoke_findings(&[only_f1], &allowed()).is_empty());
    // A Resource under a non-invoke action does not count as a grant.
    let wrong = invoke_variant("Action", json!("lambda:GetFunction"));
    assert_eq!(codes(&invoke_grant_findings(&[wrong], &allowed())).len(), 2);

    let many: Vec<String> = (0..100)
        .map(|i| format!("arn:aws:lambda:us-east-1:111122223333:function:function-number-{i}"))
        .collect();
    let big = invoke_variant("Resource", json!(many));
    assert_eq!(
        codes(&invoke_findings(&[big], &many)),
        ["invoke-policy-too-large"]
    );
    let near: Vec<String> = many[..80].to_vec();
    let doc = invoke_variant("Resource", json!(near));
    let findings = invoke_findings(&[doc], &near);
    assert_eq!(codes(&findings), ["invoke-policy-near-limit"]);
    assert_eq!(findings[0].severity, LintSeverity::Warning);
}

// --- rendered documents --------------------------------------------------------------------

fn render_with(trust: &str, invoke: &str) -> lambda_trust_model::Rendered {
    let t = Templates::custom(
        Template {
            file: "t/trust.json".into(),
            text: trust.into(),
        },
        Template {
            file: "t/invoke.json".into(),
            text: invoke.into(),
        },
    )
    .unwrap();
    lambda_trust_model::render(&loaded().config, &RenderContext::default(), &t).unwrap()
}

const TRUST: &str = include_str!("../../../../policies/trust.json");
const INVOKE: &str = include_str!("../../../../policies/invoke.json");

#[test]
fn weaker_custom_templates_need_allow_weaker() {
    let l = loaded();
    let trust = TRUST.replace("\"StringEquals\"", "\"StringLike\"").replace(
        "\"sts:AssumeRole\"",
        "[\"sts:AssumeRole\", \"sts:TagSession\"]",
    );
    let invoke = INVOKE.replace("\"lambda:InvokeFunction\"", "\"lambda:*\"");
    let r = render_with(&trust, &invoke);

    let strict = check_rendered(&l.config, &r, false);
    assert_eq!(
        codes(&strict),
        [
            "trust-extra-action",
            "trust-external-id-stringlike",
            "invoke-wildcard-action"
        ]
    );
    for f in &strict {
        assert_eq!(f.severity, LintSeverity::Error);
        assert!(
            f.hint.as_deref().unwrap().contains("--allow-weaker"),
            "{f:?}"
        );
    }

    let lenient = check_rendered(&l.config, &r, true);
    assert_eq!(codes(&lenient), codes(&strict));
    for f in &lenient {
        assert_eq!(f.severity, LintSeverity::Warning);
        assert!(f.message.starts_with("WEAKENED: "), "{}", f.message);
    }
    let report = lint(&l, &r, true);
    assert!(!report.has_errors());
    assert_eq!(report.count(LintSeverity::Warning), 3);
}

#[test]
fn broken_custom_templates_stay_errors_with_allow_weaker() {
    let l = loaded();
    // Deny instead of Allow: not weaker, just broken. No flag makes it acceptable.
    let trust = TRUST.replace("\"Allow\"", "\"Deny\"");
    let invoke = INVOKE.replace("\"Allow\"", "\"Deny\"");
    let r = render_with(&trust, &invoke);
    let findings = check_rendered(&l.config, &r, true);
    assert_eq!(
        codes(&findings),
        [
            "trust-no-partner-grant",
            "invoke-missing-grant",
            "invoke-missing-grant"
        ]
    );
    assert!(findings.iter().all(|f| f.severity == LintSeverity::Error));
}

#[test]
fn no_targets_is_a_warning_not_an_error() {
    let text = EXAMPLE.split("# One [[targets]]").next().unwrap();
    let l = config::parse_str(text, "x", None).unwrap();
    let r = lambda_trust_model::render(&l.config, &RenderContext::default(), &Templates::builtin())
        .unwrap();
    assert!(r.function_arns.is_empty());
    let report = lint(&l, &r, false);
    assert_eq!(codes(&report.findings), ["no-targets"]);
    assert!(!report.has_errors());
}

#[test]
fn the_builtin_templates_read_as_custom_ones_are_clean() {
    let l = loaded();
    let r = render_with(TRUST, INVOKE);
    assert!(check_rendered(&l.config, &r, false).is_empty());
}
