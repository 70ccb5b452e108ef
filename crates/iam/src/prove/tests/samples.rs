//! Sample inputs for tests and timing: the default documents as rendered, a large trust policy
//! and a large invoke grant.
//!
//! One definition of "the default documents" (`policies/trust.json` and `policies/invoke.json`
//! rendered) for the prover's tests here and its benchmark (`benches/prove.rs`, which includes
//! this file).

use serde_json::{json, Value};

use lambda_trust_iam::{InvokeSpec, LabeledPolicy, Policy, TrustSpec};

/// The partner account of the samples (Genesys Cloud's).
pub const PARTNER: &str = "765628985471";
/// The external ID of the samples.
pub const EXTERNAL_ID: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
/// The role the sample policies belong to.
pub const ROLE_ARN: &str = "arn:aws:iam::111122223333:role/genesys-lambda";

/// The intended trust: [`PARTNER`] with [`EXTERNAL_ID`].
pub fn trust_spec() -> TrustSpec {
    TrustSpec {
        partner_account: PARTNER.to_owned(),
        external_id: EXTERNAL_ID.to_owned(),
        partner_principals: Vec::new(),
    }
}

fn policy(statements: Vec<Value>) -> Policy {
    let doc = json!({"Version": "2012-10-17", "Statement": statements});
    // The documents below are well-formed by construction; an empty policy is the fallback.
    Policy::try_from(&doc).unwrap_or(Policy {
        version: None,
        id: None,
        statements: Vec::new(),
    })
}

/// `policies/trust.json` rendered for the partner and external ID above.
pub fn default_trust() -> Policy {
    policy(vec![json!({
        "Sid": "GenesysCloudAssumeRole",
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{PARTNER}:root")},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}
    })])
}

/// `n` function ARNs in account 111122223333.
pub fn targets(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("arn:aws:lambda:us-east-1:111122223333:function:genesys-fn-{i}"))
        .collect()
}

/// `policies/invoke.json` rendered for `targets`.
pub fn invoke_policy(targets: &[String]) -> Policy {
    policy(vec![json!({
        "Sid": "GenesysCloudInvokeFunctions",
        "Effect": "Allow",
        "Action": "lambda:InvokeFunction",
        "Resource": targets
    })])
}

/// A trust policy of `statements` statements with `conditions` conditions each: every Allow
/// names the partner and requires the external ID plus further keys; every fifth is a Deny.
pub fn large_trust(statements: usize, conditions: usize) -> Policy {
    let stmts = (0..statements)
        .map(|i| {
            let mut cond = serde_json::Map::new();
            cond.insert("StringEquals".into(), json!({"sts:ExternalId": EXTERNAL_ID}));
            let ops = ["StringLike", "NumericLessThan", "IpAddress", "Bool", "StringNotEquals", "DateGreaterThan", "ForAnyValue:StringEquals", "ArnLike", "StringEqualsIgnoreCase"];
            for (j, op) in ops.iter().enumerate().take(conditions.saturating_sub(1)) {
                let key = format!("aws:RequestTag/k{i}-{j}");
                let value = match *op {
                    "NumericLessThan" => json!(i * 10 + j),
                    "IpAddress" => json!(format!("10.{i}.{j}.0/24")),
                    "Bool" => json!("true"),
                    "DateGreaterThan" => json!("2024-01-01T00:00:00Z"),
                    "ArnLike" => json!(format!("arn:aws:iam::{PARTNER}:role/r{i}-*")),
                    _ => json!(format!("v{i}-{j}*")),
                };
                cond.entry(op.to_string()).or_insert_with(|| json!({})).as_object_mut().map(|m| m.insert(key, value));
            }
            let effect = if i % 5 == 4 { "Deny" } else { "Allow" };
            let principal = if effect == "Deny" { json!("*") } else { json!({"AWS": format!("arn:aws:iam::{PARTNER}:root")}) };
            json!({"Sid": format!("S{i}"), "Effect": effect, "Principal": principal, "Action": "sts:AssumeRole", "Condition": cond})
        })
        .collect();
    policy(stmts)
}

/// `n` targets granted over `policies` identity policies.
pub fn large_invoke(n: usize, policies: usize) -> (Vec<LabeledPolicy>, InvokeSpec) {
    let all = targets(n);
    let per = n.div_ceil(policies.max(1)).max(1);
    let labeled = all
        .chunks(per)
        .enumerate()
        .map(|(i, chunk)| LabeledPolicy::new(format!("invoke-{i}"), invoke_policy(chunk)))
        .collect();
    (labeled, InvokeSpec::from(all))
}
