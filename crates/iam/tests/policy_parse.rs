//! Parsing and decoding policy documents: errors point at the statement and element; the
//! URL-encoded form AWS returns decodes to the same document as the raw form.

use lambda_trust_iam::{
    decode_document, minified_len, normalize, semantically_equal, ActionClause, Effect,
    LanguageVersion, Location, OperatorKind, Policy, PolicyError, PrincipalClause, Principals,
    SetOperator,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::json;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"}}}]}"#;

/// RFC 3986 unreserved characters stay; everything else is percent-encoded, as IAM does.
const IAM_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn err(text: &str) -> PolicyError {
    text.parse::<Policy>().expect_err("should not parse")
}

#[test]
fn parses_the_trust_policy() {
    let policy = TRUST.parse::<Policy>().unwrap();
    assert_eq!(policy.version, Some(LanguageVersion::V2012_10_17));
    assert_eq!(policy.statements.len(), 1);
    let s = &policy.statements[0];
    assert_eq!(s.effect, Effect::Allow);
    assert_eq!(
        s.action,
        ActionClause::Action(vec!["sts:AssumeRole".into()])
    );
    assert!(s.resource.is_none());
    let Some(PrincipalClause::Principal(Principals::Specific(map))) = &s.principal else {
        panic!("expected a principal map, got {:?}", s.principal);
    };
    assert_eq!(map.aws, vec!["arn:aws:iam::765628985471:root".to_owned()]);
    assert_eq!(s.conditions.len(), 1);
    assert_eq!(s.conditions[0].operator.kind, OperatorKind::StringEquals);
    assert_eq!(s.conditions[0].key, "sts:ExternalId");
}

#[test]
fn statement_may_be_an_object_and_version_may_be_missing() {
    let policy =
        str::parse::<Policy>(r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#)
            .unwrap();
    assert_eq!(policy.version, None);
    assert_eq!(policy.statements.len(), 1);
}

#[test]
fn all_principal_forms() {
    let policy = str::parse::<Policy>(
        r#"{"Version":"2012-10-17","Id":"x","Statement":[
            {"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","NotPrincipal":{"AWS":["123456789012","arn:aws:iam::123456789012:role/r"],
              "Service":"lambda.amazonaws.com","Federated":["cognito-identity.amazonaws.com"],
              "CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
             "Action":["s3:GetObject","s3:PutObject"],"NotResource":["arn:aws:s3:::b/*"]}]}"#,
    )
    .unwrap();
    assert_eq!(policy.id.as_deref(), Some("x"));
    assert_eq!(
        policy.statements[0].principal,
        Some(PrincipalClause::Principal(Principals::Any))
    );
    let Some(PrincipalClause::NotPrincipal(Principals::Specific(map))) =
        &policy.statements[1].principal
    else {
        panic!("expected NotPrincipal");
    };
    assert_eq!(map.aws.len(), 2);
    assert_eq!(map.service, vec!["lambda.amazonaws.com".to_owned()]);
    assert_eq!(map.federated.len(), 1);
    assert_eq!(map.canonical_user.len(), 1);
}

#[test]
fn condition_values_of_every_shape() {
    let policy = str::parse::<Policy>(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
          "Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":10},
          "ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*","b"]}}}]}"#,
    )
    .unwrap();
    let c = &policy.statements[0].conditions;
    assert_eq!(c[0].values, vec!["true".to_owned()]);
    assert_eq!(c[1].values, vec!["10".to_owned()]);
    assert_eq!(c[2].operator.set, Some(SetOperator::ForAllValues));
    assert_eq!(c[2].operator.kind, OperatorKind::StringLike);
    assert!(c[2].operator.if_exists);
    assert_eq!(c[2].values.len(), 2);
}

#[test]
fn effect_error_names_statement_sid_and_field() {
    let e = err(r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:*","Resource":"*"},
        {"Effect":"Allow","Action":"s3:*","Resource":"*"},
        {"Sid":"X","Effect":"allow","Action":"s3:*","Resource":"*"}]}"#);
    assert_eq!(
        e.to_string(),
        r#"statement 2 (Sid "X"): "Effect" must be "Allow" or "Deny", found "allow""#
    );
    let PolicyError::Invalid { at, field, .. } = &e else {
        panic!("not a document's error: {e:?}");
    };
    let sid = Some("X".into());
    assert_eq!(at, &Location::Statement { index: 2, sid });
    assert_eq!(field, "Effect");
}

#[test]
fn statement_errors_point_at_fields() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
            "Action",
            r#"statement 0: "Action" is missing"#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}]}"#,
            "NotAction",
            r#"statement 0: "NotAction" cannot appear together with "Action""#,
        ),
        (
            r#"{"Statement":[{"Sid":"S","Effect":"Allow","Action":"s3","Resource":"*"}]}"#,
            "Action",
            r#"statement 0 (Sid "S"): "Action" value "s3" is not an action"#,
        ),
        (
            r#"{"Statement":[{"Action":"s3:*","Resource":"*"}]}"#,
            "Effect",
            r#"statement 0: "Effect" is missing"#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#,
            "Action",
            r#"statement 0: "Action" is an empty array"#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["a",1]}]}"#,
            "Resource",
            r#"statement 0: "Resource" must contain only strings, found a number"#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::1:root","Action":"s3:*"}]}"#,
            "Principal",
            r#"statement 0: "Principal" must be "*" or an object"#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":{"Aws":"*"},"Action":"s3:*"}]}"#,
            "Principal",
            r#"statement 0: "Principal" has unknown principal type "Aws""#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"s3:*"}]}"#,
            "NotPrincipal",
            r#"statement 0: "NotPrincipal" cannot appear together with "Principal""#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEqual":{"k":"v"}}}]}"#,
            "Condition",
            r#"statement 0: "Condition" uses unknown condition operator "StringEqual""#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"NullIfExists":{"k":"true"}}}]}"#,
            "Condition",
            r#"statement 0: "Condition" uses unknown condition operator "NullIfExists""#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"Null":{"k":"yes"}}}]}"#,
            "Condition",
            r#"statement 0: "Condition" Null condition on "k" must be true or false"#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEquals":{"k":{"a":1}}}}]}"#,
            "Condition",
            r#"statement 0: "Condition" StringEquals "k": values must be strings, booleans or numbers, found an object"#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Condition":"x"}]}"#,
            "Condition",
            r#"statement 0: "Condition" must be an object"#,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*"},"oops"]}"#,
            "Statement",
            r#"statement 1: "Statement" must be an object, found a string"#,
        ),
        (
            r#"{"Statement":[{"Sid":7,"Effect":"Allow","Action":"s3:*"}]}"#,
            "Sid",
            r#"statement 0: "Sid" must be a string, found a number"#,
        ),
        (
            r#"{"Version":"2012-10-18","Statement":[]}"#,
            "Version",
            r#"policy: "Version" must be "2012-10-17" or "2008-10-17", found "2012-10-18""#,
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[],"Statment":[]}"#,
            "Statment",
            r#"policy: "Statment" is not a policy element"#,
        ),
        (
            r#"{"Statement":7}"#,
            "Statement",
            r#"policy: "Statement" must be an object or an array of objects, found a number"#,
        ),
    ];
    for (text, field, prefix) in cases {
        let e = err(text);
        let msg = e.to_string();
        let at_field = match &e {
            PolicyError::Invalid { field, .. } => Some(field.as_str()),
            _ => None,
        };
        assert_eq!(at_field, Some(*field), "{text}: {msg}");
        assert!(
            msg.starts_with(prefix),
            "{text}:\n  got      {msg}\n  expected {prefix}…"
        );
        assert_eq!(msg, msg.trim(), "no stray whitespace in {msg:?}");
    }
}

#[test]
fn element_names_are_case_sensitive_with_a_hint() {
    let e = err(r#"{"Statement":[{"effect":"Allow","Action":"s3:*"}]}"#);
    assert_eq!(
        e.to_string(),
        "statement 0: \"effect\" is not a statement element\n\
         (hint: element names are case-sensitive: write \"Effect\")"
    );
}

#[test]
fn values_that_are_not_policies() {
    for (text, needle) in [
        (
            "[]",
            "not an IAM policy: expected a JSON object, found an array",
        ),
        (
            "\"x\"",
            "not an IAM policy: expected a JSON object, found a string",
        ),
        (
            "null",
            "not an IAM policy: expected a JSON object, found null",
        ),
        ("{}", "not an IAM policy: the document is an empty object"),
        (
            r#"{"foo":1}"#,
            r#"not an IAM policy: the document has no "Statement" element (found "foo")"#,
        ),
    ] {
        let e = err(text);
        assert!(matches!(e, PolicyError::NotAPolicy { .. }), "{text}: {e:?}");
        assert!(e.to_string().starts_with(needle), "{text}: {e}");
        assert!(e.to_string().contains("\n(hint: "), "{text}: {e}");
    }
}

#[test]
fn bom_is_rejected() {
    let text = format!("\u{feff}{TRUST}");
    let e = err(&text);
    assert!(matches!(e, PolicyError::Bom));
    assert!(e.to_string().contains("byte order mark"));
    assert!(matches!(decode_document(&text), Err(PolicyError::Bom)));
    assert!(matches!(
        decode_document(&format!(
            "%EF%BB%BF{}",
            utf8_percent_encode(TRUST, IAM_ENCODE)
        )),
        Err(PolicyError::Bom)
    ));
}

#[test]
fn invalid_json_reports_position() {
    let e = err("{\n  \"Statement\": [,]\n}");
    assert!(
        e.to_string()
            .starts_with("policy document is not valid JSON: line 2"),
        "{e}"
    );
    let e = decode_document("%7B%22Statement%22%3A").unwrap_err();
    assert!(e.to_string().contains("(after URL-decoding)"), "{e}");
}

#[test]
fn url_encoded_and_raw_decode_equal() {
    let encoded = utf8_percent_encode(TRUST, IAM_ENCODE).to_string();
    assert!(encoded.starts_with("%7B%22Version%22"));
    let from_encoded = decode_document(&encoded).unwrap();
    let from_raw = decode_document(TRUST).unwrap();
    assert_eq!(from_encoded, from_raw);
    assert_eq!(
        Policy::try_from(&from_encoded).unwrap(),
        TRUST.parse::<Policy>().unwrap()
    );

    // Pretty-printed with spaces (%20) and newlines (%0A), as AWS returns what you sent.
    let pretty = serde_json::to_string_pretty(&from_raw).unwrap();
    let encoded_pretty = utf8_percent_encode(&pretty, IAM_ENCODE).to_string();
    assert!(encoded_pretty.contains("%20") && encoded_pretty.contains("%0A"));
    assert_eq!(decode_document(&encoded_pretty).unwrap(), from_raw);
    // Raw documents may carry surrounding whitespace.
    assert_eq!(
        decode_document(&format!("\n  {pretty}\n")).unwrap(),
        from_raw
    );
}

#[test]
fn plus_is_not_a_space_in_rfc3986() {
    let doc = decode_document("%7B%22Id%22%3A%22a+b%22%7D").unwrap();
    assert_eq!(doc, json!({"Id": "a+b"}));
}

#[test]
fn bad_percent_encoding() {
    assert!(matches!(
        decode_document("%7B%22Id%22%3A%22%FF%22%7D"),
        Err(PolicyError::Encoding)
    ));
}

#[test]
fn semantic_equality_ignores_what_aws_reorders() {
    let ours = json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Invoke", "Effect": "Allow", "Action": ["lambda:InvokeFunction"],
             "Resource": ["arn:aws:lambda:us-east-1:1:function:a", "arn:aws:lambda:us-east-1:1:function:b"]},
            {"Sid": "Assume", "Effect": "Allow",
             "Principal": {"AWS": ["765628985471", "arn:aws:iam::111122223333:root"]},
             "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": ["x", "y"]}, "Bool": {"aws:SecureTransport": true}}}
        ]
    });
    let aws = json!({
        "Statement": [
            {"Condition": {"Bool": {"aws:securetransport": "true"}, "StringEquals": {"sts:ExternalId": ["y", "x"]}},
             "Action": "STS:AssumeRole", "Effect": "Allow", "Sid": "Assume",
             "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::765628985471:root"]}},
            {"Resource": ["arn:aws:lambda:us-east-1:1:function:b", "arn:aws:lambda:us-east-1:1:function:a"],
             "Effect": "Allow", "Sid": "Invoke", "Action": "lambda:invokefunction"}
        ],
        "Version": "2012-10-17"
    });
    assert!(semantically_equal(&ours, &aws));
    assert!(semantically_equal(&aws, &ours));
    assert_eq!(normalize(&normalize(&ours)), normalize(&ours));
}

#[test]
fn semantic_equality_sees_real_differences() {
    let base = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:1:function:f"}});
    let mut resource_case = base.clone();
    resource_case["Statement"]["Resource"] = json!("arn:aws:lambda:us-east-1:1:function:F");
    let mut qualified = base.clone();
    qualified["Statement"]["Resource"] = json!("arn:aws:lambda:us-east-1:1:function:f:*");
    let mut effect = base.clone();
    effect["Statement"]["Effect"] = json!("Deny");
    let mut version = base.clone();
    version["Version"] = json!("2008-10-17");
    let mut condition_value_case = base.clone();
    condition_value_case["Statement"]["Condition"] = json!({"StringEquals": {"k": "A"}});
    let mut condition_value_case2 = base.clone();
    condition_value_case2["Statement"]["Condition"] = json!({"StringEquals": {"k": "a"}});
    for other in [&resource_case, &qualified, &effect, &version] {
        assert!(!semantically_equal(&base, other), "{other}");
    }
    assert!(!semantically_equal(
        &condition_value_case,
        &condition_value_case2
    ));
}

#[test]
fn minified_len_ignores_whitespace() {
    let v: serde_json::Value = serde_json::from_str(TRUST).unwrap();
    let pretty: serde_json::Value =
        serde_json::from_str(&serde_json::to_string_pretty(&v).unwrap()).unwrap();
    assert_eq!(minified_len(&v), TRUST.chars().count());
    assert_eq!(minified_len(&pretty), TRUST.chars().count());
    // Characters, not bytes.
    assert_eq!(
        minified_len(&json!({"Id": "é"})),
        r#"{"Id":"é"}"#.chars().count()
    );
}
