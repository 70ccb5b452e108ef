//! Rendering: the example's documents (snapshots), qualifier expansion, account and region
//! resolution, injection safety, and custom template errors.

use lambda_trust_config::{self as config, Config};
use lambda_trust_model::{resolve_targets, RenderContext, RenderError, Template, Templates};
use serde_json::{json, Value};

const EXAMPLE: &str = include_str!("../../../examples/lambda-trust.toml");

fn example() -> Config {
    config::parse_str(EXAMPLE, "examples/lambda-trust.toml", None)
        .unwrap()
        .config
}

fn minimal(targets: &str) -> Config {
    let text = format!(
        r#"
[trust]
partner = "genesys-cloud"
external_id = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"
[role]
name = "R"
{targets}"#
    );
    config::parse_str(&text, "x", None).unwrap().config
}

fn ctx(account: Option<&str>, region: Option<&str>) -> RenderContext {
    RenderContext {
        account_id: account.map(str::to_string),
        default_region: region.map(str::to_string),
    }
}

fn custom(trust: &str, invoke: &str) -> Result<Templates, RenderError> {
    Templates::custom(
        Template {
            file: "custom/trust.json".into(),
            text: trust.into(),
        },
        Template {
            file: "custom/invoke.json".into(),
            text: invoke.into(),
        },
    )
}

const TRUST: &str = include_str!("../../../policies/trust.json");
const INVOKE: &str = include_str!("../../../policies/invoke.json");

#[test]
fn example_documents() {
    let rendered =
        lambda_trust_model::render(&example(), &RenderContext::default(), &Templates::builtin())
            .unwrap();
    insta::assert_json_snapshot!("example_trust", rendered.trust);
    insta::assert_json_snapshot!("example_invoke", rendered.invoke);
    insta::assert_json_snapshot!("example_targets", rendered.targets);
    assert_eq!(rendered.account_id.as_deref(), Some("111122223333"));
    assert!(rendered.builtin_templates);
}

#[test]
fn builtin_templates_use_exactly_the_documented_placeholders() {
    let all = format!("{TRUST}{INVOKE}");
    for p in ["partner_principal", "external_id", "function_arns"] {
        assert!(all.contains(&format!("\"{{{{{p}}}}}\"")), "{p}");
    }
}

#[test]
fn qualifier_expansion() {
    let c = minimal(
        r#"
[[targets]]
function = "arn:aws:lambda:us-east-1:111122223333:function:plain"
[[targets]]
function = "arn:aws:lambda:us-east-1:111122223333:function:alias"
qualifier = "live"
[[targets]]
function = "arn:aws:lambda:us-east-1:111122223333:function:version:7"
[[targets]]
function = "arn:aws:lambda:us-east-1:111122223333:function:all"
qualifier = "*"
"#,
    );
    let targets = resolve_targets(&c, &RenderContext::default()).unwrap();
    let granted: Vec<Vec<String>> = targets.iter().map(|t| t.granted_arns.clone()).collect();
    let base = "arn:aws:lambda:us-east-1:111122223333:function:";
    assert_eq!(
        granted,
        vec![
            vec![format!("{base}plain")],
            vec![format!("{base}alias:live")],
            vec![format!("{base}version:7")],
            vec![format!("{base}all"), format!("{base}all:*")],
        ]
    );
    for t in &targets {
        assert!(!t.function_arn.ends_with(':'));
        assert!(t.function_arn.starts_with(base));
        for arn in &t.granted_arns {
            // Never `function:f*`: it would also match `f-other`.
            assert!(!arn.ends_with('*') || arn.ends_with(":*"), "{arn}");
        }
    }
    assert_eq!(targets[2].qualifier.as_deref(), Some("7"));
    assert_eq!(targets[2].function_arn, format!("{base}version"));

    let rendered =
        lambda_trust_model::render(&c, &RenderContext::default(), &Templates::builtin()).unwrap();
    let mut sorted = rendered.function_arns.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(rendered.function_arns, sorted);
    assert_eq!(rendered.function_arns.len(), 5);
    assert_eq!(
        rendered.invoke["Statement"][0]["Resource"],
        json!(rendered.function_arns)
    );
}

#[test]
fn bare_names_resolve_against_region_and_account() {
    let c = minimal(
        r#"
[aws]
region = "eu-central-1"
[[targets]]
function = "f"
[[targets]]
function = "g"
region = "cn-north-1"
[[targets]]
function = "h"
region = "us-gov-west-1"
"#,
    );
    let err = resolve_targets(&c, &RenderContext::default()).unwrap_err();
    assert!(
        matches!(err, RenderError::NoAccount { index: 0, .. }),
        "{err:?}"
    );
    insta::assert_snapshot!("render_no_account", lambda_trust_verdict::shown(&err));

    let targets = resolve_targets(&c, &ctx(Some("444455556666"), None)).unwrap();
    let arns: Vec<&str> = targets.iter().map(|t| t.function_arn.as_str()).collect();
    assert_eq!(
        arns,
        [
            "arn:aws:lambda:eu-central-1:444455556666:function:f",
            "arn:aws-cn:lambda:cn-north-1:444455556666:function:g",
            "arn:aws-us-gov:lambda:us-gov-west-1:444455556666:function:h",
        ]
    );
    // The context's region overrides [aws].region (it carries the --region flag).
    let targets = resolve_targets(&c, &ctx(Some("444455556666"), Some("ap-south-1"))).unwrap();
    assert_eq!(targets[0].region, "ap-south-1");
    assert_eq!(targets[1].region, "cn-north-1");
}

#[test]
fn region_from_the_context_only() {
    let mut c =
        minimal("[[targets]]\nfunction = \"arn:aws:lambda:us-east-1:111122223333:function:x\"");
    c.targets[0].function = "f".into();
    let err = resolve_targets(&c, &ctx(Some("111122223333"), None)).unwrap_err();
    assert!(
        matches!(err, RenderError::NoRegion { index: 0, .. }),
        "{err:?}"
    );
    assert!(lambda_trust_verdict::shown(&err).contains("(hint: "));
    let t = resolve_targets(&c, &ctx(Some("111122223333"), Some("us-west-2"))).unwrap();
    assert_eq!(
        t[0].function_arn,
        "arn:aws:lambda:us-west-2:111122223333:function:f"
    );
}

#[test]
fn account_mismatch_is_refused() {
    let err = lambda_trust_model::render(
        &example(),
        &ctx(Some("999999999999"), None),
        &Templates::builtin(),
    )
    .unwrap_err();
    assert!(matches!(err, RenderError::AccountMismatch { .. }));
    insta::assert_snapshot!("render_account_mismatch", lambda_trust_verdict::shown(&err));
    lambda_trust_model::render(
        &example(),
        &ctx(Some("111122223333"), None),
        &Templates::builtin(),
    )
    .unwrap();
}

#[test]
fn arn_and_bare_duplicate_found_once_the_account_is_known() {
    // Config time cannot tell (no [aws].account_id); render time can.
    let c = minimal(
        r#"
[aws]
region = "us-east-1"
[[targets]]
function = "arn:aws:lambda:us-east-1:111122223333:function:f"
[[targets]]
function = "f"
"#,
    );
    let err = resolve_targets(&c, &ctx(Some("111122223333"), None)).unwrap_err();
    assert!(
        matches!(
            err,
            RenderError::DuplicateTarget {
                index: 1,
                other: 0,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("targets[1].function: "));
    resolve_targets(&c, &ctx(Some("444455556666"), None)).unwrap();
}

#[test]
fn overlapping_qualifiers_are_deduplicated() {
    let c = minimal(
        r#"
[[targets]]
function = "arn:aws:lambda:us-east-1:111122223333:function:f"
[[targets]]
function = "arn:aws:lambda:us-east-1:111122223333:function:f"
qualifier = "*"
"#,
    );
    let r =
        lambda_trust_model::render(&c, &RenderContext::default(), &Templates::builtin()).unwrap();
    assert_eq!(
        r.function_arns,
        [
            "arn:aws:lambda:us-east-1:111122223333:function:f",
            "arn:aws:lambda:us-east-1:111122223333:function:f:*",
        ]
    );
}

#[test]
fn unvalidated_targets_are_errors_not_panics() {
    let mut c = example();
    c.targets[0].function = "arn:aws:lambda:nope".into();
    let err = resolve_targets(&c, &RenderContext::default()).unwrap_err();
    assert!(
        err.to_string().starts_with("targets[0].function: "),
        "{err}"
    );
    let mut c = example();
    c.targets[1].qualifier = Some("$LATEST".into());
    let err = resolve_targets(&c, &RenderContext::default()).unwrap_err();
    assert!(
        err.to_string().starts_with("targets[1].qualifier: "),
        "{err}"
    );
    let mut c = example();
    c.targets[0].qualifier = Some("live".into());
    c.targets[0].function.push_str(":blue");
    assert!(resolve_targets(&c, &RenderContext::default()).is_err());
}

// --- injection ---------------------------------------------------------------------------------

const NASTY: &str =
    r#"x"}}],"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}],"y":"{{function_arns}}"#;

#[test]
fn injection_is_rejected_by_validation() {
    let text = EXAMPLE.replace(
        "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10",
        &NASTY.replace('\\', "\\\\").replace('"', "\\\""),
    );
    let err = config::parse_str(&text, "x", None).unwrap_err();
    assert!(err.to_string().contains("trust.external_id: "), "{err}");
}

#[test]
fn injection_cannot_change_structure_when_validation_is_bypassed() {
    let mut c = example();
    c.trust.external_id = NASTY.into();
    c.role.name = "{{external_id}}".into();
    let r =
        lambda_trust_model::render(&c, &RenderContext::default(), &Templates::builtin()).unwrap();
    let statements = r.trust["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    assert_eq!(
        r.trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
        Value::String(NASTY.into())
    );
    assert_eq!(
        r.trust["Statement"][0]["Principal"],
        json!({"AWS": "arn:aws:iam::765628985471:root"})
    );
    assert_eq!(r.trust["Statement"][0]["Action"], json!("sts:AssumeRole"));
    // Substitution is a single pass: a value that looks like a placeholder stays literal.
    let t = custom(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"{{role_name}}","Effect":"Allow","Principal":{"AWS":"{{partner_principal}}"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"{{external_id}}"}}}]}"#,
        INVOKE,
    )
    .unwrap();
    let r = lambda_trust_model::render(&c, &RenderContext::default(), &t).unwrap();
    assert_eq!(r.trust["Statement"][0]["Sid"], json!("{{external_id}}"));
    // The serialized text parses back to the same single-statement structure.
    let text = serde_json::to_string(&r.trust).unwrap();
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r.trust);
}

// --- custom templates --------------------------------------------------------------------------

#[test]
fn custom_template_errors() {
    let cases: Vec<(&str, Result<Templates, RenderError>, &str)> = vec![
        (
            "invalid json",
            custom("{\n  \"Version\": \"2012-10-17\",\n  oops\n}", INVOKE),
            "custom/trust.json:3:3: invalid JSON",
        ),
        (
            "unknown placeholder",
            custom(&TRUST.replace("{{external_id}}", "{{org_id}}"), INVOKE),
            "custom/trust.json: unknown placeholder {{org_id}}",
        ),
        (
            "missing external id",
            custom(&TRUST.replace("{{external_id}}", "fixed"), INVOKE),
            "must use the placeholder external_id",
        ),
        (
            "missing principal",
            custom(
                &TRUST.replace("{{partner_principal}}", "arn:aws:iam::765628985471:root"),
                INVOKE,
            ),
            "must use the placeholder partner_principal (or partner_account_id)",
        ),
        (
            "missing function arns",
            custom(TRUST, &INVOKE.replace("\"{{function_arns}}\"", "\"*\"")),
            "custom/invoke.json: the template must use the placeholder function_arns",
        ),
        (
            "array in string",
            custom(
                TRUST,
                &INVOKE.replace("{{function_arns}}", "x{{function_arns}}"),
            ),
            "custom/invoke.json: {{function_arns}} inside the string",
        ),
        (
            "placeholder in key",
            custom(
                &TRUST.replace("\"sts:ExternalId\"", "\"{{role_name}}\""),
                INVOKE,
            ),
            "placeholder in the object key",
        ),
    ];
    for (case, result, expected) in cases {
        let err = result.expect_err(case);
        let shown = lambda_trust_verdict::shown(&err);
        assert!(shown.contains(expected), "{case}: {shown}");
        assert!(shown.contains("(hint: "), "{case}: {shown}");
    }
    let err = custom(&TRUST.replace("{{external_id}}", "{{org_id}}"), INVOKE).unwrap_err();
    insta::assert_snapshot!(
        "render_unknown_placeholder",
        lambda_trust_verdict::shown(&err)
    );
    let err = custom("{\n  \"Version\": \"2012-10-17\",\n  oops\n}", INVOKE).unwrap_err();
    insta::assert_snapshot!("render_invalid_json", lambda_trust_verdict::shown(&err));
}

#[test]
fn custom_template_features() {
    // Scalars inside strings, the account placeholder, and splicing into an array.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::{{partner_account_id}}:root"},"Action":"sts:AssumeRole",
        "Condition":{"StringEquals":{"sts:ExternalId":"{{ external_id }}","aws:PrincipalTag/role":"{{role_name}}"}}}]}"#;
    let invoke = r#"{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Action":["lambda:InvokeFunction"],
        "Resource":["{{function_arns}}","arn:aws:lambda:us-east-1:{{account_id}}:function:extra"],
        "Condition":{"StringEquals":{"aws:ResourceTag/policy":"{{policy_name}}"}}}]}"#;
    let t = custom(trust, invoke).unwrap();
    assert!(!t.builtin);
    let r = lambda_trust_model::render(&example(), &RenderContext::default(), &t).unwrap();
    assert_eq!(
        r.trust["Statement"][0]["Principal"]["AWS"],
        json!("arn:aws:iam::765628985471:root")
    );
    assert_eq!(
        r.trust["Statement"][0]["Condition"]["StringEquals"],
        json!({"sts:ExternalId": "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10", "aws:PrincipalTag/role": "GenesysLambdaInvoker"})
    );
    let resources = r.invoke["Statement"][0]["Resource"].as_array().unwrap();
    assert_eq!(resources.len(), 3);
    assert_eq!(
        resources[2],
        json!("arn:aws:lambda:us-east-1:111122223333:function:extra")
    );
    assert_eq!(
        r.invoke["Statement"][0]["Condition"]["StringEquals"]["aws:ResourceTag/policy"],
        json!("GenesysLambdaInvoker-invoke")
    );

    // {{account_id}} without a known account is an error naming the file.
    let mut c = example();
    c.aws.account_id = None;
    c.targets.truncate(1);
    let err = lambda_trust_model::render(&c, &RenderContext::default(), &t).unwrap_err();
    assert!(
        matches!(err, RenderError::AccountPlaceholderUnknown { .. }),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("custom/invoke.json: "));
}
