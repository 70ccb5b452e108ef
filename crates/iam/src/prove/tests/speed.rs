//! Timing of the prover on the three reference inputs (printed, not asserted: run with
//! `cargo test -p lambda-trust-iam --test prove speed -- --nocapture`, in release mode for representative numbers).
//! The verdicts are asserted.
#![cfg(test)]

use std::time::Instant;

use lambda_trust_iam::{prove_invoke, prove_trust, Budget, InvokeSpec, LabeledPolicy, Verdict};

use super::samples::{
    default_trust, invoke_policy, large_invoke, large_trust, targets, trust_spec, ROLE_ARN,
};

const BUDGET: Budget = Budget::new(Budget::DEFAULT_STEPS, None);

/// Best of `n` runs, in milliseconds.
fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..n {
        let t = Instant::now();
        last = Some(f());
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
    }
    (best, last.unwrap())
}

#[test]
fn reference_inputs() {
    let trust = default_trust();
    let (ms, r) = best_of(5, || prove_trust(&trust, ROLE_ARN, &trust_spec(), BUDGET));
    eprintln!("default trust: {ms:.2} ms");
    assert!(r.iter().all(|r| r.verdict == Verdict::Proved), "{r:?}");

    let t = targets(5);
    let invoke = vec![LabeledPolicy::new("invoke policy", invoke_policy(&t))];
    let spec = InvokeSpec::from(t);
    let (ms, r) = best_of(5, || prove_invoke(&invoke, None, &spec, BUDGET));
    eprintln!("default invoke (5 targets): {ms:.2} ms");
    assert!(r.iter().all(|r| r.verdict == Verdict::Proved), "{r:?}");

    let big = large_trust(30, 10);
    assert_eq!(big.statements.len(), 30);
    assert!(big.statements.iter().all(|s| s.conditions.len() == 10));
    let (ms, r) = best_of(3, || prove_trust(&big, ROLE_ARN, &trust_spec(), BUDGET));
    eprintln!("30-statement trust, 10 conditions each: {ms:.2} ms");
    assert_eq!(r[0].verdict, Verdict::Proved, "{}", r[0].summary());

    let (policies, spec) = large_invoke(500, 7);
    assert_eq!(policies.len(), 7);
    let (ms, r) = best_of(3, || prove_invoke(&policies, None, &spec, BUDGET));
    eprintln!("500 targets over 7 policies: {ms:.2} ms");
    assert!(r.iter().all(|r| r.verdict == Verdict::Proved), "{r:?}");
}
