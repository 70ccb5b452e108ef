//! `render` never panics: on configs that bypass validation, and on arbitrary templates.

use lambda_trust_config::{
    AwsConfig, Config, Partner, PolicyConfig, RoleConfig, TargetConfig, TrustConfig,
};
use lambda_trust_model::{RenderContext, Template, Templates};
use proptest::prelude::*;
use serde_json::Value;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        r#"[a-z0-9:*$/"{}\\-]{0,40}"#,
        Just("{{function_arns}}".to_string()),
        Just("{{external_id}}".to_string()),
    ]
}

fn function() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z-]{1,10}",
        "arn:(aws|aws-cn|aws-x):lambda:(us-east-1|cn-north-1|x):[0-9]{11,12}:function:[a-z*]{0,5}(:[a-z0-9*$]{0,4})?",
        ".{0,30}",
    ]
}

fn config() -> impl Strategy<Value = Config> {
    let target = (
        function(),
        prop::option::of(prop_oneof![
            "us-east-1",
            "cn-north-1",
            "us-gov-west-1",
            ".{0,8}"
        ]),
        prop::option::of(prop_oneof!["live", "\\*", "\\$LATEST", ".{0,6}"]),
    )
        .prop_map(|(function, region, qualifier)| TargetConfig {
            function,
            region,
            qualifier,
            action: None,
            actions: None,
            shared: false,
        });
    (
        prop::option::of(prop_oneof![
            Just(Partner::GenesysCloud),
            Just(Partner::GenesysCloudFedramp)
        ]),
        prop::option::of(text()),
        text(),
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::collection::vec(target, 0..5),
    )
        .prop_map(
            |(partner, account_id, external_id, name, policy, region, aws_account, targets)| {
                Config {
                    deployment: None,
                    managed_by: None,
                    trust: TrustConfig {
                        partner,
                        account_id,
                        external_id,
                    },
                    role: RoleConfig {
                        name,
                        path: None,
                        description: None,
                        max_session_duration: None,
                        permissions_boundary: None,
                        tags: Default::default(),
                    },
                    policy: PolicyConfig { name: policy },
                    aws: AwsConfig {
                        region,
                        profile: None,
                        account_id: aws_account,
                        accounts: Default::default(),
                    },
                    targets,
                    genesys: None,
                    watch: None,
                }
            },
        )
}

fn template_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just("{{function_arns}}".to_string()),
            Just("{{external_id}}".to_string()),
            Just("{{partner_principal}}".to_string()),
            Just("{{account_id}}".to_string()),
            Just("x{{role_name}}y{{nope}}".to_string()),
            "[a-z{} ]{0,12}",
        ]
        .prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof!["[A-Za-z]{1,8}", Just("{{role_name}}".to_string())],
                    inner
                ),
                0..4
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    });
    prop_oneof![
        value.prop_map(|v| serde_json::to_string(&v).unwrap()),
        ".{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn render_never_panics(
        c in config(),
        account in prop::option::of(prop_oneof!["111122223333", ".{0,13}"]),
        region in prop::option::of(prop_oneof!["us-east-1", ".{0,10}"]),
    ) {
        let ctx = RenderContext { account_id: account, default_region: region };
        match lambda_trust_model::render(&c, &ctx, &Templates::builtin()) {
            Ok(r) => {
                // Whatever the input, the trust document keeps its one statement.
                prop_assert_eq!(r.trust["Statement"].as_array().map(Vec::len), Some(1));
                prop_assert_eq!(
                    &r.trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"],
                    &Value::String(c.trust.external_id.clone())
                );
            }
            Err(e) => { let _ = e.to_string(); }
        }
    }

    #[test]
    fn templates_never_panic(trust in template_text(), invoke in template_text(), c in config()) {
        let t = Templates::custom(
            Template { file: "t.json".into(), text: trust },
            Template { file: "i.json".into(), text: invoke },
        );
        match t {
            Ok(t) => { let _ = lambda_trust_model::render(&c, &RenderContext::default(), &t).map_err(|e| e.to_string()); }
            Err(e) => { let _ = e.to_string(); }
        }
    }
}
