//! What a run costs in AWS calls, counted on the wire by the proxy: the IAM side does not grow
//! with the number of targets, a no-op apply writes nothing, and Lambda needs one GetFunction
//! for one target, and for ten the region's function count and one ListFunctions page. Prints
//! the numbers (`cargo nextest run live_costs:: --no-capture`).

use crate::support;

use std::time::Instant;

use support::live::*;
use support::proxy::{Call, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cost {
    iam_reads: usize,
    sts_reads: usize,
    lambda_reads: usize,
    writes: usize,
    millis: u128,
}

fn cost(calls: &[Call], millis: u128) -> Cost {
    let count = |svc: &str| {
        calls
            .iter()
            .filter(|c| c.service == svc && c.kind == Kind::Read)
            .count()
    };
    Cost {
        iam_reads: count("iam"),
        sts_reads: count("sts"),
        lambda_reads: count("lambda"),
        writes: calls.iter().filter(|c| c.is_write).count(),
        millis,
    }
}

fn measure(env: &Env, args: &[&str], code: i32) -> Cost {
    env.proxy.clear();
    let started = Instant::now();
    env.expect(args, code);
    let millis = started.elapsed().as_millis();
    cost(&env.proxy.calls(), millis)
}

fn scenario(n: usize) -> (Cost, Cost, Cost) {
    let names: Vec<String> = (0..n).map(|i| format!("fn-{i:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let env = setup(&refs);
    let first = measure(&env, &["apply", "--yes"], 0);
    let noop = measure(&env, &["apply", "--yes"], 0);
    let check = measure(&env, &["check"], 0);
    println!(
        "targets={n:>3}  first apply: {:>2} IAM + {} STS + {:>2} Lambda reads, {} writes, {:>4} ms | no-op apply: {:>2} IAM + {} STS + {:>2} Lambda reads, {} writes, {:>4} ms | check: {:>2} IAM + {:>2} Lambda reads, {} writes, {:>4} ms",
        first.iam_reads, first.sts_reads, first.lambda_reads, first.writes, first.millis,
        noop.iam_reads, noop.sts_reads, noop.lambda_reads, noop.writes, noop.millis,
        check.iam_reads, check.lambda_reads, check.writes, check.millis,
    );
    (first, noop, check)
}

#[test]
fn iam_calls_do_not_grow_with_targets_and_a_noop_apply_writes_nothing() {
    let (first1, noop1, check1) = scenario(1);
    let (first10, noop10, check10) = scenario(10);
    // First apply: CreateRole, CreatePolicy, AttachRolePolicy — whatever the target count.
    assert_eq!(first1.writes, 3);
    assert_eq!(first10.writes, 3);
    // Idempotence, measured: zero write calls.
    assert_eq!(noop1.writes, 0);
    assert_eq!(noop10.writes, 0);
    assert_eq!(check1.writes, 0);
    assert_eq!(check10.writes, 0);
    // IAM reads are the same for 1 and 10 targets. Lambda: one GetFunction for one target;
    // for ten, GetAccountSettings (10 functions in the region) and one ListFunctions page.
    assert_eq!(noop1.iam_reads, noop10.iam_reads);
    assert_eq!(first1.iam_reads, first10.iam_reads);
    assert_eq!(check1.iam_reads, check10.iam_reads);
    assert_eq!(noop1.lambda_reads, 1);
    assert_eq!(noop10.lambda_reads, 2);
    assert_eq!(noop1.sts_reads, 1);
}
