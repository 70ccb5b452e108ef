//! Config validation: every rule in docs/aws-behaviour.md, each message naming the field and the rule.

use lambda_trust_config::{self as config, ConfigError, Partner};
use lambda_trust_verdict::shown;

const BASE: &str = r#"
[trust]
partner = "genesys-cloud"
external_id = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"

[role]
name = "GenesysLambdaInvoker"
path = "/"
description = "Genesys Cloud data actions"
max_session_duration = 3600
permissions_boundary = "arn:aws:iam::111122223333:policy/Boundary"
tags = { team = "cx" }

[policy]
name = "GenesysLambdaInvoker-invoke"

[aws]
region = "us-east-1"
profile = "default"
account_id = "111122223333"

[[targets]]
function = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer"

[[targets]]
function = "lookup-order"
region = "eu-west-1"
qualifier = "live"
"#;

fn replace(old: &str, new: &str) -> String {
    assert!(BASE.contains(old), "test bug: {old:?} not in BASE");
    BASE.replacen(old, new, 1)
}

fn invalid(text: &str) -> ConfigError {
    match config::parse_str(text, "lambda-trust.toml", None) {
        Ok(loaded) => panic!("expected an error, got {loaded:#?}\n--- input:\n{text}"),
        Err(e) => e,
    }
}

#[test]
fn base_is_valid() {
    let loaded = config::parse_str(BASE, "lambda-trust.toml", None).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.config.trust.partner, Some(Partner::GenesysCloud));
}

#[test]
fn example_file_is_valid_and_quiet() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/lambda-trust.toml");
    let loaded = config::ConfigFile::new(&path).load().unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.config.targets.len(), 2);
}

/// (case, old text, new text, field the message must name, rule text it must contain)
fn table() -> Vec<(&'static str, String, &'static str, &'static str)> {
    let long = |n: usize| "a".repeat(n);
    let many_tags: String = (0..50).map(|i| format!("t{i} = \"v\", ")).collect();
    let r = |old: &str, new: String| replace(old, &new);
    let name = r#"name = "GenesysLambdaInvoker""#;
    let path = r#"path = "/""#;
    let desc = r#"description = "Genesys Cloud data actions""#;
    let dur = "max_session_duration = 3600";
    let boundary = r#"permissions_boundary = "arn:aws:iam::111122223333:policy/Boundary""#;
    let tags = r#"tags = { team = "cx" }"#;
    let partner = r#"partner = "genesys-cloud""#;
    let ext = r#"external_id = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10""#;
    let pname = r#"name = "GenesysLambdaInvoker-invoke""#;
    let region = r#"region = "us-east-1""#;
    let profile = r#"profile = "default""#;
    let acct = r#"account_id = "111122223333""#;
    let arn = r#"function = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer""#;
    let bare = r#"function = "lookup-order""#;
    let tregion = r#"region = "eu-west-1""#;
    let qual = r#"qualifier = "live""#;
    let arn_with = |s: &str| format!(r#"function = "{s}""#);
    vec![
        (
            "role name with a space",
            r(name, r#"name = "a b""#.into()),
            "role.name",
            "not a valid role name",
        ),
        (
            "role name empty",
            r(name, r#"name = """#.into()),
            "role.name",
            "1–64",
        ),
        (
            "role name 65 chars",
            r(name, format!(r#"name = "{}""#, long(65))),
            "role.name",
            "1–64",
        ),
        (
            "role name non-ascii word",
            r(name, r#"name = "rôle""#.into()),
            "role.name",
            "[\\w+=,.@-]",
        ),
        (
            "path without slashes",
            r(path, r#"path = "genesys""#.into()),
            "role.path",
            "not a valid IAM path",
        ),
        (
            "path //",
            r(path, r#"path = "//""#.into()),
            "role.path",
            "not a valid IAM path",
        ),
        (
            "path 513 chars",
            r(path, format!(r#"path = "/{}/""#, long(511))),
            "role.path",
            "1–512",
        ),
        (
            "path with space",
            r(path, r#"path = "/a b/""#.into()),
            "role.path",
            "! to ~",
        ),
        (
            "description 1001 chars",
            r(desc, format!(r#"description = "{}""#, long(1001))),
            "role.description",
            "at most 1000",
        ),
        (
            "description control char",
            r(desc, r#"description = "bell\u0007""#.into()),
            "role.description",
            "IAM refuses",
        ),
        (
            "session 3599",
            r(dur, "max_session_duration = 3599".into()),
            "role.max_session_duration",
            "3600–43200",
        ),
        (
            "session 43201",
            r(dur, "max_session_duration = 43201".into()),
            "role.max_session_duration",
            "3600–43200",
        ),
        (
            "boundary is a role ARN",
            r(
                boundary,
                r#"permissions_boundary = "arn:aws:iam::111122223333:role/x""#.into(),
            ),
            "role.permissions_boundary",
            "not an IAM managed policy ARN",
        ),
        (
            "boundary not an ARN",
            r(boundary, r#"permissions_boundary = "Boundary""#.into()),
            "role.permissions_boundary",
            "policy ARN",
        ),
        (
            "tag aws: prefix",
            r(tags, r#"tags = { "aws:team" = "cx" }"#.into()),
            "role.tags[\"aws:team\"]",
            "reserved",
        ),
        (
            "tag AWS: prefix",
            r(tags, r#"tags = { "AWS:team" = "cx" }"#.into()),
            "role.tags[\"AWS:team\"]",
            "reserved",
        ),
        (
            "tag managed-by",
            r(tags, r#"tags = { managed-by = "me" }"#.into()),
            "role.tags[\"managed-by\"]",
            "set by the tool",
        ),
        (
            "tag key 129 chars",
            r(tags, format!(r#"tags = {{ {} = "x" }}"#, long(129))),
            "role.tags",
            "1–128",
        ),
        (
            "tag empty key",
            r(tags, r#"tags = { "" = "x" }"#.into()),
            "role.tags",
            "key \"\" is not a valid tag key",
        ),
        (
            "tag value 257 chars",
            r(tags, format!(r#"tags = {{ team = "{}" }}"#, long(257))),
            "role.tags[\"team\"]",
            "0–256",
        ),
        (
            "tag value with a bang",
            r(tags, r#"tags = { team = "cx!" }"#.into()),
            "role.tags[\"team\"]",
            "not a valid tag value",
        ),
        (
            "50 user tags",
            r(
                tags,
                format!("tags = {{ {} }}", many_tags.trim_end_matches(", ")),
            ),
            "role.tags",
            "limit of 50",
        ),
        (
            "partner and account_id",
            r(partner, format!("{partner}\naccount_id = \"123456789012\"")),
            "trust",
            "exactly one of partner and account_id",
        ),
        (
            "neither partner nor account_id",
            r(partner, String::new()),
            "trust",
            "exactly one of partner and account_id",
        ),
        (
            "trust account 11 digits",
            r(partner, r#"account_id = "12345678901""#.into()),
            "trust.account_id",
            "exactly 12 digits",
        ),
        (
            "trust account with letters",
            r(partner, r#"account_id = "12345678901a""#.into()),
            "trust.account_id",
            "exactly 12 digits",
        ),
        (
            "tutorial account",
            r(partner, r#"account_id = "691338073777""#.into()),
            "trust.account_id",
            "not a Genesys Cloud account",
        ),
        (
            "external id 1 char",
            r(ext, r#"external_id = "x""#.into()),
            "trust.external_id",
            "2–1224",
        ),
        (
            "external id 1225 chars",
            r(ext, format!(r#"external_id = "{}""#, long(1225))),
            "trust.external_id",
            "2–1224",
        ),
        (
            "external id with a space",
            r(ext, r#"external_id = "a b""#.into()),
            "trust.external_id",
            "[\\w+=,.@:/-]",
        ),
        (
            "external id injection",
            r(ext, r#"external_id = "x\"}],\"Effect\":\"Allow""#.into()),
            "trust.external_id",
            "not a valid external ID",
        ),
        (
            "policy name with space",
            r(pname, r#"name = "bad name""#.into()),
            "policy.name",
            "1–128 of [\\w+=,.@-]",
        ),
        (
            "policy name 129 chars",
            r(pname, format!(r#"name = "{}""#, long(129))),
            "policy.name",
            "not a valid policy name",
        ),
        (
            "aws region shape",
            r(region, r#"region = "useast1""#.into()),
            "aws.region",
            "not a valid region",
        ),
        (
            "aws region upper case",
            r(region, r#"region = "US-EAST-1""#.into()),
            "aws.region",
            "like us-east-1",
        ),
        (
            "aws region isolated",
            r(region, r#"region = "us-iso-east-1""#.into()),
            "aws.region",
            "isolated partitions",
        ),
        (
            "aws profile empty",
            r(profile, r#"profile = """#.into()),
            "aws.profile",
            "not a valid profile name",
        ),
        (
            "aws account short",
            r(acct, r#"account_id = "12345""#.into()),
            "aws.account_id",
            "exactly 12 digits",
        ),
        (
            "function other service",
            r(
                arn,
                arn_with("arn:aws:s3:us-east-1:111122223333:function:x"),
            ),
            "targets[0].function",
            "service \"s3\" is not lambda",
        ),
        (
            "function bad partition",
            r(
                arn,
                arn_with("arn:aws-foo:lambda:us-east-1:111122223333:function:x"),
            ),
            "targets[0].function",
            "partition",
        ),
        (
            "function partition/region mismatch",
            r(
                arn,
                arn_with("arn:aws:lambda:cn-north-1:111122223333:function:x"),
            ),
            "targets[0].function",
            "not in partition aws",
        ),
        (
            "function account 11 digits",
            r(
                arn,
                arn_with("arn:aws:lambda:us-east-1:11112222333:function:x"),
            ),
            "targets[0].function",
            "not 12 digits",
        ),
        (
            "function name 65 chars",
            r(
                arn,
                arn_with(&format!(
                    "arn:aws:lambda:us-east-1:111122223333:function:{}",
                    long(65)
                )),
            ),
            "targets[0].function",
            "1–64 of [a-zA-Z0-9-_]",
        ),
        (
            "function name with a dot",
            r(bare, r#"function = "lookup.order""#.into()),
            "targets[1].function",
            "not a valid function name",
        ),
        (
            "layer ARN",
            r(
                arn,
                arn_with("arn:aws:lambda:us-east-1:111122223333:layer:x"),
            ),
            "targets[0].function",
            "resource type \"layer\"",
        ),
        (
            "ARN with too many parts",
            r(
                arn,
                arn_with("arn:aws:lambda:us-east-1:111122223333:function:x:live:extra"),
            ),
            "targets[0].function",
            "9 colon-separated parts",
        ),
        (
            "partial ARN",
            r(arn, arn_with("111122223333:function:x")),
            "targets[0].function",
            "neither a Lambda function ARN nor a bare function name",
        ),
        (
            "qualifier $LATEST",
            r(qual, r#"qualifier = "$LATEST""#.into()),
            "targets[1].qualifier",
            "$LATEST",
        ),
        (
            "qualifier $LATEST in the ARN",
            r(
                arn,
                arn_with("arn:aws:lambda:us-east-1:111122223333:function:x:$LATEST"),
            ),
            "targets[0].function",
            "$LATEST",
        ),
        (
            "qualifier prefix wildcard",
            r(qual, r#"qualifier = "live*""#.into()),
            "targets[1].qualifier",
            "only a lone \"*\"",
        ),
        (
            "qualifier empty",
            r(qual, r#"qualifier = """#.into()),
            "targets[1].qualifier",
            "not a valid qualifier",
        ),
        (
            "qualifier 129 chars",
            r(qual, format!(r#"qualifier = "{}""#, long(129))),
            "targets[1].qualifier",
            "1–128",
        ),
        (
            "qualifier twice",
            r(
                arn,
                format!(
                    "{}\nqualifier = \"live\"",
                    arn_with("arn:aws:lambda:us-east-1:111122223333:function:x:blue")
                ),
            ),
            "targets[0].qualifier",
            "already has a qualifier",
        ),
        (
            "target region bad",
            r(tregion, r#"region = "europe""#.into()),
            "targets[1].region",
            "not a valid region",
        ),
        (
            "target region contradicts ARN",
            r(arn, format!("{arn}\nregion = \"eu-west-1\"")),
            "targets[0].region",
            "contradicts",
        ),
        (
            "bare name without region",
            r(tregion, String::new()).replacen(region, "", 1),
            "targets[1].function",
            "no region is known",
        ),
        (
            "duplicate ARN",
            r(
                bare,
                arn_with("arn:aws:lambda:us-east-1:111122223333:function:lookup-customer"),
            )
            .replacen(tregion, "", 1)
            .replacen(qual, "", 1),
            "targets[1].function",
            "duplicates targets[0]",
        ),
        (
            "ARN vs bare duplicate",
            r(bare, r#"function = "lookup-customer""#.into())
                .replacen(tregion, "region = \"us-east-1\"", 1)
                .replacen(qual, "", 1),
            "targets[1].function",
            "duplicates targets[0]",
        ),
    ]
}

#[test]
fn every_rule_names_its_field() {
    let cases = table();
    assert!(cases.len() >= 25);
    for (case, text, field, rule) in cases {
        let err = invalid(&text);
        let ConfigError::Invalid { problems, .. } = &err else {
            panic!("{case}: not a broken rule: {err}");
        };
        assert!(
            problems.iter().any(|p| p.field == field),
            "{case}: no problem for field {field:?}: {err}"
        );
        let shown = shown(&err);
        assert!(shown.contains(&format!("{field}: ")), "{case}: {shown}");
        assert!(shown.contains(rule), "{case}: {rule:?} not in: {shown}");
        assert!(shown.starts_with("lambda-trust.toml: "), "{case}: {shown}");
    }
}

#[test]
fn role_name_message_is_exact() {
    let err = invalid(&replace(
        r#"name = "GenesysLambdaInvoker""#,
        r#"name = "a b""#,
    ));
    assert_eq!(
        shown(&err),
        r#"lambda-trust.toml: role.name: "a b" is not a valid role name (1–64 of [\w+=,.@-])"#
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = replace(r#"name = "GenesysLambdaInvoker""#, r#"name = "a b""#)
        .replacen("max_session_duration = 3600", "max_session_duration = 1", 1)
        .replacen(r#"qualifier = "live""#, r#"qualifier = "$LATEST""#, 1);
    let err = invalid(&text);
    let ConfigError::Invalid { problems, .. } = &err else {
        panic!("not a broken rule: {err}");
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "role.name",
            "role.max_session_duration",
            "targets[1].qualifier"
        ]
    );
    insta::assert_snapshot!("config_three_problems", shown(&err));
}

#[test]
fn qualifiers_that_are_accepted() {
    for q in ["live", "3", "*", "blue-green_2", "0abc"] {
        let text = replace(r#"qualifier = "live""#, &format!("qualifier = \"{q}\""));
        config::parse_str(&text, "x", None).unwrap_or_else(|e| panic!("{q}: {e}"));
    }
    let text = replace("function:lookup-customer\"", "function:lookup-customer:*\"");
    config::parse_str(&text, "x", None).unwrap();
}

#[test]
fn boundaries_that_are_accepted() {
    for b in [
        "arn:aws:iam::aws:policy/PowerUserAccess",
        "arn:aws-us-gov:iam::111122223333:policy/team/Boundary",
        "arn:aws-cn:iam::111122223333:policy/a/b/c+=,.@-_",
    ] {
        let text = replace(
            r#"permissions_boundary = "arn:aws:iam::111122223333:policy/Boundary""#,
            &format!("permissions_boundary = \"{b}\""),
        );
        config::parse_str(&text, "x", None).unwrap_or_else(|e| panic!("{b}: {e}"));
    }
}

#[test]
fn limits_that_are_accepted() {
    let ok = |old: &str, new: String| {
        let text = replace(old, &new);
        config::parse_str(&text, "x", None).unwrap_or_else(|e| panic!("{new}: {e}"));
    };
    ok(
        r#"name = "GenesysLambdaInvoker""#,
        format!("name = \"{}\"", "a".repeat(64)),
    );
    ok(
        r#"name = "GenesysLambdaInvoker""#,
        r#"name = "a+=,.@-_1""#.into(),
    );
    ok(r#"path = "/""#, r#"path = "/genesys/cx/""#.into());
    ok(
        "max_session_duration = 3600",
        "max_session_duration = 43200".into(),
    );
    ok(
        r#"external_id = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10""#,
        r#"external_id = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10""#.into(),
    );
    let many: String = (0..48).map(|i| format!("t{i} = \"v\", ")).collect();
    ok(
        r#"tags = { team = "cx" }"#,
        format!("tags = {{ {} }}", many.trim_end_matches(", ")),
    );
    ok(
        r#"tags = { team = "cx" }"#,
        r#"tags = { "équipe" = "service client", empty = "" }"#.into(),
    );
}

#[test]
fn unknown_key_is_a_toml_error_with_position() {
    let text = replace("max_session_duration = 3600", "max_sesion_duration = 3600");
    let err = invalid(&text);
    let ConfigError::Toml {
        line,
        column,
        message,
        ..
    } = &err
    else {
        panic!("expected a TOML error, got {err:?}");
    };
    assert_eq!((*line, *column), (10, 1));
    assert!(message.contains("max_sesion_duration"), "{message}");
    insta::assert_snapshot!("config_unknown_key", shown(&err));
}

#[test]
fn toml_syntax_and_type_errors_have_positions() {
    let err = invalid(&replace(
        "max_session_duration = 3600",
        "max_session_duration = \"an hour\"",
    ));
    let ConfigError::Toml { line, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*line, 10);
    assert!(shown(&err).contains("lambda-trust.toml:10:"), "{err}");

    let err = invalid("[trust\npartner = 1");
    let ConfigError::Toml { line, column, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((*line, *column), (1, 7));
    assert!(shown(&err).contains("(hint: "), "{err}");

    let err = invalid(&replace(
        r#"partner = "genesys-cloud""#,
        r#"partner = "genesys""#,
    ));
    assert!(matches!(err, ConfigError::Toml { .. }), "{err:?}");
    assert!(shown(&err).contains("genesys-cloud-fedramp"), "{err}");
}

#[test]
fn missing_field_is_named() {
    let err = invalid(&replace(
        r#"external_id = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10""#,
        "",
    ));
    assert!(shown(&err).contains("external_id"), "{err}");
}

#[test]
fn missing_file_has_a_hint() {
    let err = config::ConfigFile::new("does/not/exist.toml")
        .load()
        .unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }));
    insta::assert_snapshot!("config_missing_file", shown(&err));
}

#[test]
fn non_utf8_file_and_bom() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, b"[trust]\npartner = \"\xff\"\n").unwrap();
    assert!(matches!(
        config::ConfigFile::new(&bad).load(),
        Err(ConfigError::Encoding { .. })
    ));

    let bom = dir.path().join("bom.toml");
    std::fs::write(&bom, format!("\u{feff}{BASE}")).unwrap();
    config::ConfigFile::new(&bom).load().unwrap();
}

#[test]
fn warnings() {
    let codes = |text: &str| -> Vec<&'static str> {
        config::parse_str(text, "x", None)
            .unwrap()
            .warnings
            .iter()
            .map(|w| w.code)
            .collect()
    };
    let fedramp = replace(
        r#"partner = "genesys-cloud""#,
        r#"partner = "genesys-cloud-fedramp""#,
    );
    assert_eq!(codes(&fedramp), ["fedramp-account-unconfirmed"]);
    let loaded = config::parse_str(&fedramp, "x", None).unwrap();
    assert!(loaded.warnings[0].message.contains("325654371633"));
    assert!(loaded.warnings[0]
        .hint
        .as_deref()
        .unwrap()
        .contains("Genesys"));

    let ext = r#"external_id = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10""#;
    // For Genesys Cloud, an ID that cannot be its organization's is refused, not warned of:
    // the role would refuse every data action (one rule for every command).
    let e = invalid(&replace(ext, r#"external_id = "my-org""#)).to_string();
    assert!(
        e.contains("trust.external_id") && e.contains("is not a Genesys Cloud organization ID"),
        "{e}"
    );
    let e = invalid(&replace(
        ext,
        r#"external_id = "0F8C7A52-8B1E-4C5E-9A44-3F1C2D7E9B10""#,
    ))
    .to_string();
    assert!(e.contains("uppercase"), "{e}");
    // Not a Genesys preset: any valid external ID is fine.
    let other = replace(
        r#"partner = "genesys-cloud""#,
        r#"account_id = "123456789012""#,
    )
    .replacen(ext, r#"external_id = "my-org""#, 1);
    assert!(codes(&other).is_empty());

    let redundant = replace(r#"qualifier = "live""#, r#"qualifier = "*""#).replacen(
        "[[targets]]\nfunction = \"lookup-order\"",
        "[[targets]]\nfunction = \"lookup-order\"\nregion = \"eu-west-1\"\n\n[[targets]]\nfunction = \"lookup-order\"",
        1,
    );
    assert_eq!(codes(&redundant), ["target-redundant"]);

    // No targets is valid (after offboarding the last one) but worth saying.
    let none = BASE.split("[[targets]]").next().unwrap();
    assert_eq!(codes(none), ["no-targets"]);
}

#[test]
fn helpers() {
    let c = config::parse_str(BASE, "x", None).unwrap().config;
    assert_eq!(c.policy_name(), "GenesysLambdaInvoker-invoke");
    assert_eq!(c.partner_account(), "765628985471");
    assert_eq!(c.partner_principal(), "arn:aws:iam::765628985471:root");
    assert_eq!(c.role_path(), "/");
    let tags = c.desired_tags();
    assert_eq!(tags.get("team").map(String::as_str), Some("cx"));
    assert_eq!(
        tags.get("managed-by").map(String::as_str),
        Some("lambda-trust")
    );

    let minimal = r#"
[trust]
partner = "genesys-cloud-fedramp"
external_id = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"
[role]
name = "R"
[[targets]]
function = "arn:aws:lambda:us-east-2:111122223333:function:f"
"#;
    let c = config::parse_str(minimal, "x", None).unwrap().config;
    assert_eq!(c.policy_name(), "R-invoke");
    assert_eq!(c.partner_principal(), "arn:aws:iam::325654371633:root");
    assert_eq!(c.role_path(), "/");
    assert_eq!(c.desired_tags().len(), 2); // managed-by and lambda-trust:config

    let own = minimal.replace(
        r#"partner = "genesys-cloud-fedramp""#,
        r#"account_id = "123456789012""#,
    );
    let c = config::parse_str(&own, "x", None).unwrap().config;
    assert_eq!(c.partner_principal(), "arn:aws:iam::123456789012:root");
}

/// An unknown key in a data action names the key, the action and where it is written, with
/// the keys an action has — whichever way the actions are written.
#[test]
fn an_unknown_action_key_names_the_action() {
    let text = format!(
        "{BASE}\n[[targets]]\nfunction = \"pay\"\nactions = [{{ name = \"Pay\" }}, {{ name = \"Refund\", timout_seconds = 5 }}]\n\n[genesys]\nintegration = \"Lambda\"\n"
    );
    let err = invalid(&text);
    let ConfigError::UnknownActionKey { unknown, line, .. } = &err else {
        panic!("expected an unknown action key, got {err:?}");
    };
    assert_eq!(unknown.field, "targets[2].actions[1]");
    assert_eq!(unknown.action, "Refund");
    assert_eq!(unknown.key, "timout_seconds");
    assert_eq!(unknown.suggestion.as_deref(), Some("timeout_seconds"));
    let written = text[..text.find("actions = [").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(*line, written);
    let shown = shown(&err);
    assert!(
        shown.contains("did you mean `timeout_seconds`?") && shown.contains("sample_input"),
        "{shown}"
    );
    // A key outside any action keeps the parser's message.
    let err = invalid(&format!("{BASE}\n[genesys]\nintegraton = \"Lambda\"\n"));
    assert!(matches!(err, ConfigError::Toml { .. }), "{err:?}");
}
