//! The role, its policies and the ARNs verification asks about live in the role's partition
//! (`aws`, `aws-cn`, `aws-us-gov`, `aws-eusc`); only the Genesys Cloud principal stays in `aws`.

use lambda_trust_config as config;
use lambda_trust_model::{Observed, ObservedRole, RenderContext, Templates};
use lambda_trust_provision::{aws_query, desired_state, verification};

const ACCOUNT: &str = "111122223333";

fn config_for(partition: &str, region: &str) -> config::Config {
    let text = format!(
        r#"[trust]
partner = "genesys-cloud"
external_id = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"
[role]
name = "GenesysLambdaInvoker"
[aws]
region = "{region}"
account_id = "{ACCOUNT}"
[[targets]]
function = "arn:{partition}:lambda:{region}:{ACCOUNT}:function:lookup-customer"
[[targets]]
function = "lookup-order"
"#
    );
    config::parse_str(&text, "partition.toml", None)
        .unwrap()
        .config
}

fn empty_observed(partition: &str) -> Observed {
    Observed {
        account_id: ACCOUNT.into(),
        caller_arn: format!("arn:{partition}:iam::{ACCOUNT}:user/admin"),
        role: None,
        attached: vec![],
        inline: vec![],
        policies: vec![],
        boundary: None,
        functions: vec![],
        permissions: vec![],
    }
}

fn check_partition(partition: &str, region: &str) {
    let config = config_for(partition, region);
    let ctx = RenderContext {
        account_id: Some(ACCOUNT.into()),
        default_region: Some(region.into()),
    };
    let observed = empty_observed(partition);
    let (desired, _) =
        desired_state(&config, &ctx, &Templates::builtin(), &observed, false).unwrap();
    assert_eq!(desired.partition, partition);
    let policy = &desired.policies[0];
    assert_eq!(
        policy.arn,
        format!("arn:{partition}:iam::{ACCOUNT}:policy/GenesysLambdaInvoker-invoke")
    );
    for t in &desired.targets {
        assert!(
            t.function_arn
                .starts_with(&format!("arn:{partition}:lambda:{region}:")),
            "{}",
            t.function_arn
        );
    }
    // The Genesys principal stays in the aws partition.
    assert_eq!(desired.partner_principal, "arn:aws:iam::765628985471:root");
    assert_eq!(aws_query(&config, region).partition, partition);

    // The verification's invoke checks ask in the role's partition: the live role with the
    // desired invoke policy attached passes them.
    let mut live = observed.clone();
    live.role = Some(ObservedRole {
        arn: format!("arn:{partition}:iam::{ACCOUNT}:role/GenesysLambdaInvoker"),
        name: desired.role.name.clone(),
        path: "/".into(),
        description: Some(desired.role.description.clone()),
        max_session_duration: desired.role.max_session_duration,
        permissions_boundary: None,
        tags: desired.role.tags.clone(),
        trust: desired.role.trust.clone(),
        created_epoch: None,
    });
    live.attached = vec![lambda_trust_model::ManagedPolicy {
        arn: policy.arn.clone(),
        name: policy.name.clone(),
        document: policy.document.clone(),
    }];
    let checks = verification(&desired, &live).checks;
    let invoke: Vec<_> = checks
        .iter()
        .filter(|c| c.name.starts_with("invoke:"))
        .collect();
    assert!(!invoke.is_empty());
    for c in invoke {
        assert!(c.passed, "{}: {}", c.name, c.detail);
    }
}

#[test]
fn commercial_partition() {
    check_partition("aws", "us-east-1");
}

#[test]
fn china_partition() {
    check_partition("aws-cn", "cn-north-1");
}

#[test]
fn govcloud_partition() {
    check_partition("aws-us-gov", "us-gov-west-1");
}

#[test]
fn european_sovereign_cloud_partition() {
    check_partition("aws-eusc", "eusc-de-east-1");
}
