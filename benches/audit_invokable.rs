//! `just bench-invokable`: the audit of one role that may invoke N functions, in process
//! (`lambda_trust_audit::audit_role`: the trust proof, the invokable set, beyond-invoke, all-functions,
//! latent versions), as `audit --input` and `init --from-role` run it per role.
//!
//! Two shapes per N (`BENCH_INVOKABLE_SIZES`, default `100,1000,5000`): `one statement` (one
//! inline policy granting N function ARNs in one statement) and `4 policies` (the ARNs spread
//! over 3 customer managed policies and 1 inline policy, a quarter each, a qualified `:live`
//! ARN every tenth). Each is run `BENCH_INVOKABLE_RUNS` times (default 5) after one warm-up;
//! the minimum and the median are printed as markdown on stdout. `BENCH_INVOKABLE_REFERENCE`
//! (default `25,50,100`) also times the reference computation of the invokable set alone (one
//! proof per ARN, `lambda_trust_audit::invokable_set`), the method before the change, beside the new one.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use lambda_trust_audit::{
    audit_role, invokable_set, AccountIam, AuditOptions, AuditPolicy, AuditRole, AuditVersion,
};
use serde_json::{json, Value};

const OWN: &str = "111122223333";

fn list(name: &str, default: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_owned())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect()
}

fn function(i: usize) -> String {
    let q = if i % 10 == 9 { ":live" } else { "" };
    format!("arn:aws:lambda:us-east-1:{OWN}:function:fn-{i:05}{q}")
}

fn invoke(arns: &[String]) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arns}]})
}

/// The account with the one role: `split` spreads the ARNs over 4 policies.
fn account(n: usize, split: bool) -> (AccountIam, AuditRole) {
    let arns: Vec<String> = (0..n).map(function).collect();
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"}}}]});
    let mut role = AuditRole {
        name: "bench".into(),
        arn: format!("arn:aws:iam::{OWN}:role/bench"),
        trust,
        inline: Vec::new(),
        attached: Vec::new(),
        boundary: None,
        tags: BTreeMap::new(),
    };
    let mut policies = BTreeMap::new();
    if split {
        let quarter = n.div_ceil(4).max(1);
        let mut chunks = arns.chunks(quarter);
        for k in 0..3 {
            let arn = format!("arn:aws:iam::{OWN}:policy/invoke-{k}");
            let doc = invoke(chunks.next().unwrap_or(&[]));
            let version = AuditVersion {
                version_id: "v1".into(),
                is_default: true,
                document: doc,
            };
            policies.insert(
                arn.clone(),
                AuditPolicy {
                    arn: arn.clone(),
                    name: format!("invoke-{k}"),
                    versions: vec![version],
                },
            );
            role.attached.push(arn);
        }
        role.inline
            .push(("rest".into(), invoke(chunks.next().unwrap_or(&[]))));
    } else {
        role.inline.push(("invoke".into(), invoke(&arns)));
    }
    let iam = AccountIam {
        account_id: OWN.into(),
        roles: vec![role.clone()],
        policies,
        usage: Default::default(),
    };
    (iam, role)
}

fn time(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    f();
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    t.sort();
    (t[0], t[t.len() / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let runs = list("BENCH_INVOKABLE_RUNS", "5")
        .first()
        .copied()
        .unwrap_or(5)
        .max(1);
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        region: Some("us-east-1".into()),
        ..AuditOptions::default()
    };
    println!("| ARNs | shape | invokable | runs | min | median |");
    println!("| ---: | --- | ---: | ---: | ---: | ---: |");
    for n in list("BENCH_INVOKABLE_SIZES", "100,1000,5000") {
        for (split, shape) in [(false, "one statement"), (true, "4 policies")] {
            let (iam, role) = account(n, split);
            let report = audit_role(&iam, &role, &opts).expect("reported");
            assert_eq!(report.invokable.len(), n, "every ARN is invokable");
            let (min, median) = time(runs, || {
                audit_role(&iam, &role, &opts);
            });
            println!(
                "| {n} | {shape} | {n} | {runs} | {} | {} |",
                ms(min),
                ms(median)
            );
        }
    }
    println!();
    println!("| ARNs | invokable set alone | runs | min | median |");
    println!("| ---: | --- | ---: | ---: | ---: |");
    for n in list("BENCH_INVOKABLE_REFERENCE", "25,50,100") {
        let (iam, role) = account(n, false);
        let region = Some("us-east-1");
        let fast = invokable_set(&iam, &role, region, false);
        assert_eq!(
            fast,
            invokable_set(&iam, &role, region, true),
            "the two agree"
        );
        for (reference, method) in [(false, "now"), (true, "reference (before)")] {
            let (min, median) = time(runs, || {
                invokable_set(&iam, &role, region, reference);
            });
            println!("| {n} | {method} | {runs} | {} | {} |", ms(min), ms(median));
        }
    }
}
