//! Many targets against moto: the invoke policy is sharded deterministically, every shard fits
//! the 6,144-character quota and is attached, a second apply writes nothing, `check` is clean,
//! and onboarding one more target touches exactly one shard.

mod support;

use std::collections::BTreeSet;

use support::live::*;

fn shard_arns(env: &Env) -> Vec<String> {
    let xml = env.iam(
        "ListAttachedRolePolicies",
        &[("RoleName", "GenesysLambdaInvoker")],
    );
    let mut arns: Vec<String> = xml
        .split("<PolicyArn>")
        .skip(1)
        .filter_map(|s| s.split("</PolicyArn>").next())
        .map(str::to_string)
        .collect();
    arns.sort();
    arns
}

fn document_of(env: &Env, arn: &str) -> serde_json::Value {
    let xml = env.iam("GetPolicy", &[("PolicyArn", arn)]);
    let version = xml
        .split("<DefaultVersionId>")
        .nth(1)
        .and_then(|s| s.split("</DefaultVersionId>").next())
        .unwrap()
        .to_string();
    let xml = env.iam(
        "GetPolicyVersion",
        &[("PolicyArn", arn), ("VersionId", &version)],
    );
    let raw = xml
        .split("<Document>")
        .nth(1)
        .and_then(|s| s.split("</Document>").next())
        .unwrap();
    let raw = raw
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    lambda_trust::iam::decode_document(&raw).unwrap()
}

fn granted(doc: &serde_json::Value) -> Vec<String> {
    match &doc["Statement"][0]["Resource"] {
        serde_json::Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
        serde_json::Value::String(s) => vec![s.clone()],
        _ => vec![],
    }
}

fn scenario(n: usize) {
    let names: Vec<String> = (0..n).map(|i| format!("customer-lookup-{i:04}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let env = setup(&refs);
    env.expect(&["apply"], 0);

    // Every ARN granted exactly once, across shards that each fit the quota.
    let shards = shard_arns(&env);
    let mut all = BTreeSet::new();
    for arn in &shards {
        let doc = document_of(&env, arn);
        let len = lambda_trust::iam::minified_len(&doc);
        assert!(len <= 6144, "{arn}: {len} characters");
        for a in granted(&doc) {
            assert!(all.insert(a.clone()), "{a} granted twice");
        }
    }
    let want: BTreeSet<String> = names
        .iter()
        .map(|f| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{f}"))
        .collect();
    assert_eq!(all, want, "{n} targets");
    let expected_shards = n.div_ceil(80).max(1);
    assert!(
        shards.len() >= n.div_ceil(110).max(1) && shards.len() <= expected_shards,
        "{n} targets in {} shards",
        shards.len()
    );

    let (_, writes) = env.writes_of(&["apply"], 0);
    assert_eq!(writes, 0, "second apply with {n} targets");
    env.proxy.clear();
    let started = std::time::Instant::now();
    env.expect(&["check"], 0);
    let check_ms = started.elapsed().as_millis();
    let check_calls = env.proxy.calls();
    assert_eq!(env.proxy.count_writes(), 0);

    // Onboarding one more target touches one shard.
    env.moto
        .lambda_create_function("zz-new-function", "us-east-1");
    env.proxy.clear();
    let started = std::time::Instant::now();
    env.expect(&["onboard", "zz-new-function"], 0);
    let onboard_ms = started.elapsed().as_millis();
    let onboard_calls = env.proxy.calls();
    let touched: BTreeSet<String> = env
        .proxy
        .writes()
        .iter()
        .filter_map(|c| {
            c.param("PolicyArn")
                .or_else(|| c.param("PolicyName"))
                .map(str::to_string)
        })
        .collect();
    assert_eq!(
        touched.len(),
        1,
        "onboarding with {n} targets touched {touched:?}"
    );
    env.expect(&["plan"], 0);
    let reads = |calls: &[support::proxy::Call], svc: &str| {
        calls
            .iter()
            .filter(|c| c.service == svc && !c.is_write)
            .count()
    };
    println!(
        "{n} targets: {} shard(s) | check: {} IAM + {} STS + {} Lambda reads, 0 writes, {check_ms} ms | onboard: {} IAM + {} STS + {} Lambda reads, {} write(s), {onboard_ms} ms, touched {touched:?}",
        shards.len(),
        reads(&check_calls, "iam"),
        reads(&check_calls, "sts"),
        reads(&check_calls, "lambda"),
        reads(&onboard_calls, "iam"),
        reads(&onboard_calls, "sts"),
        reads(&onboard_calls, "lambda"),
        onboard_calls.iter().filter(|c| c.is_write).count(),
    );
}

#[test]
fn one_target() {
    scenario(1);
}

#[test]
fn ten_targets() {
    scenario(10);
}

#[test]
fn a_hundred_targets() {
    scenario(100);
}

#[test]
fn five_hundred_targets() {
    scenario(500);
}

/// More ARNs than ten policies can hold: refused before any write, saying how many fit. The
/// functions need not exist — the packing is checked before the function preflight — so the
/// test stays cheap: 380 targets with `qualifier = "*"` grant 760 ARNs.
#[test]
fn too_many_targets_fail_before_any_write() {
    let env = Env::new();
    let mut text = config(&[], "");
    for i in 0..380 {
        text.push_str(&format!(
            "\n[[targets]]\nfunction = \"a-rather-long-function-name-for-the-quota-test-{i:04}\"\nqualifier = \"*\"\n"
        ));
    }
    env.write_config(&text);
    let (r, writes) = env.writes_of(&["apply"], 1);
    assert_eq!(writes, 0);
    assert!(
        r.stderr.contains("do not fit in 10 invoke policies") && r.stderr.contains("fit"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Managed policies per role"),
        "{}",
        r.stderr
    );
}
