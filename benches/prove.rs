//! `cargo bench --bench prove` (run by `just bench`): how long the prover takes on the three
//! inputs its targets are set for — the default documents, a 30-statement trust policy with 10
//! conditions per statement, and 500 targets over 7 invoke policies. Each input is proved
//! `PROVE_REPS` times (default 30) after one warm-up; the median and the maximum are printed,
//! in the build profile the bench runs in (release under `just bench`). Nothing is asserted:
//! the numbers go to BENCHMARKS.md by hand, with the machine they were measured on.

use std::time::{Duration, Instant};

use lambda_trust_iam::{prove_invoke, prove_trust, Budget, LabeledPolicy, Verdict};

// The prover's reference inputs, shared with its tests.
#[path = "../crates/iam/src/prove/tests/samples.rs"]
mod samples;

const BUDGET: Budget = Budget::new(Budget::DEFAULT_STEPS, None);
const ROLE: &str = samples::ROLE_ARN;

/// Median and maximum of `reps` timed runs of `f`, which must prove everything it checks.
fn time(reps: usize, mut f: impl FnMut() -> bool) -> (Duration, Duration) {
    assert!(f(), "the warm-up did not prove every property");
    let mut runs: Vec<Duration> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            assert!(f(), "a timed run did not prove every property");
            start.elapsed()
        })
        .collect();
    runs.sort();
    (runs[runs.len() / 2], runs[runs.len() - 1])
}

fn all_proved(results: &[lambda_trust_iam::PropertyResult]) -> bool {
    results.iter().all(|r| r.verdict == Verdict::Proved)
}

fn report(name: &str, target_ms: f64, (median, max): (Duration, Duration)) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let verdict = if ms(median) < target_ms {
        "within"
    } else {
        "OVER"
    };
    println!(
        "| {name} | {:.2} ms | {:.2} ms | < {target_ms} ms ({verdict}) |",
        ms(median),
        ms(max)
    );
}

fn main() {
    let reps = std::env::var("PROVE_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let spec = samples::trust_spec();
    println!("| input | median | max | target |\n|---|---|---|---|");

    let trust = samples::default_trust();
    let targets = samples::targets(2);
    let invoke = [LabeledPolicy::new(
        "invoke policy",
        samples::invoke_policy(&targets),
    )];
    let invoke_spec = lambda_trust_iam::InvokeSpec::from(targets);
    report(
        "default trust + invoke documents (2 targets)",
        5.0,
        time(reps, || {
            all_proved(&prove_trust(&trust, ROLE, &spec, BUDGET))
                && all_proved(&prove_invoke(&invoke, None, &invoke_spec, BUDGET))
        }),
    );

    let large = samples::large_trust(30, 10);
    report(
        "trust policy, 30 statements × 10 conditions",
        100.0,
        // Its Allows need keys beyond the external ID, so only the "only the partner" property
        // holds (the bare partner request is refused): that is the one timed and checked.
        time(reps, || {
            prove_trust(&large, ROLE, &spec, BUDGET)[0].verdict == Verdict::Proved
        }),
    );

    let (policies, spec500) = samples::large_invoke(500, 7);
    report(
        "500 targets over 7 invoke policies",
        200.0,
        time(reps, || {
            all_proved(&prove_invoke(&policies, None, &spec500, BUDGET))
        }),
    );
}
