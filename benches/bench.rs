//! `just bench`: wall time and AWS calls of lambda-trust at 1, 10, 50 and 500 targets, side by
//! side with the common boto3 tutorial script (`benches/baseline_boto3_tutorial.py`), both run
//! against one real `moto_server` behind the counting proxy of `tests/it/support` with a fixed
//! latency per call (30 ms: a model of an AWS round trip).
//!
//! For every size N and every repetition: fresh moto state (reset, then N + 1 functions seeded
//! directly, not through the proxy, not counted), a config with N targets, then — each timed and
//! counted on its own — `apply` (from scratch), `apply` (no-op), `check`, `verify`, `onboard` of
//! the (N+1)-th function. Then, on fresh state again, the baseline's first run and its re-run.
//! Per run it also takes the CPU time of the measured process (the bench's reaped-children
//! time) and of moto (`/proc/PID/stat`). One extra, untimed round per size polls the proxy's
//! call list every 0.5 ms to timestamp each call's arrival and answer: the longest chain of
//! calls that each started after the previous one was answered is the command's round-trip
//! depth, and the operations on that chain are its critical path.
//!
//! Knobs (environment): `BENCH_SIZES` (default `1,10,50,500`), `BENCH_REPS` (5),
//! `BENCH_LATENCY_MS` (30), `BENCH_BASELINE_REPS_LARGE` (repetitions of the baseline at
//! N ≥ 500; default 1 — one first run plus one re-run at 500 targets take over three minutes,
//! sequentially), `BENCH_BASELINE` (default 1; 0 skips the baseline), `BENCH_UPDATE_MD`
//! (default 1: rewrite the generated part of BENCHMARKS.md), `BENCH_FROM` (re-render a run's
//! `target/bench/raw.json` without running anything), `BENCH_PYTHON`, `MOTO_SERVER`;
//! `BENCH_AUDIT` (default 1; 0 skips the `audit` scenarios, see `bench/audit.rs`),
//! `BENCH_AUDIT_REPS` (3), `BENCH_AUDIT_ONLY` (default 0; 1 runs only the `audit` scenarios),
//! `BENCH_ORG_SCALE_ONLY` (default 0; 1 runs only the whole-organization scenarios of
//! `bench/org_scale.rs`, off otherwise), `BENCH_ORG_ACCOUNTS` (1,000), `BENCH_ORG_REPS` (1);
//! `BENCH_ORG_TREE_ONLY` (default 0; 1 runs only `bench/org_tree.rs`: `audit --organization`
//! and the guardrail over one organization read once), `BENCH_ORG_TREE_MEMBERS` (100).
//!
//! Output: progress on stderr, the markdown on stdout, in `target/bench/results.md`, and between
//! the `<!-- bench:begin -->` / `<!-- bench:end -->` markers of BENCHMARKS.md.
//!
//! This file is the driver (read the knobs, run the rounds, write the report); the pieces are
//! in `benches/bench/` (see its `mod.rs`), the moto/proxy harness in `tests/it/support/`.

// The integration tests' helpers; the benchmark uses the moto/proxy harness and the runner.
#[path = "../tests/it/support/mod.rs"]
#[allow(dead_code, unused_imports)]
mod support;

#[path = "bench/mod.rs"]
mod bench;

use std::path::Path;
use std::time::{Duration, Instant};

use bench::fixture::Bench;
use bench::machine::{machine, Machine};
use bench::model::Results;
use bench::settings::Settings;
use bench::{benchmarks_md, raw, report};

fn main() {
    // `cargo bench` passes --bench; anything else (e.g. `cargo test --benches`) is not a run.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("benches/bench.rs: run it with `just bench` (cargo bench --bench bench)");
        return;
    }
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let _ = std::fs::create_dir_all(&out_dir);
    let knob = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    if knob("BENCH_ORG_SCALE_ONLY", 0) != 0 {
        let bench = Bench::start(Settings::from_env());
        let accounts = knob("BENCH_ORG_ACCOUNTS", 1000).max(1);
        let md = bench.org_scale_section(accounts, knob("BENCH_ORG_REPS", 1).max(1));
        print!("{md}");
        let _ = std::fs::write(out_dir.join("org-scale.md"), &md);
        if bench.settings.update_md {
            benchmarks_md::update_org_scale(&md);
        }
        return;
    }
    if knob("BENCH_ORG_TREE_ONLY", 0) != 0 {
        let bench = Bench::start(Settings::from_env());
        let members = knob("BENCH_ORG_TREE_MEMBERS", 100).max(1);
        let md = bench.org_tree_section(members, knob("BENCH_ORG_REPS", 1).max(1));
        print!("{md}");
        let _ = std::fs::write(out_dir.join("org-tree.md"), &md);
        if bench.settings.update_md {
            benchmarks_md::update_org_tree(&md);
        }
        return;
    }
    if knob("BENCH_AUDIT", 1) != 0 && std::env::var_os("BENCH_FROM").is_none() {
        let bench = Bench::start(Settings::from_env());
        let md = bench.audit_section(knob("BENCH_AUDIT_REPS", 3).max(1));
        print!("{md}");
        let _ = std::fs::write(out_dir.join("audit.md"), &md);
        if bench.settings.update_md {
            benchmarks_md::update_audit(&md);
        }
    }
    if knob("BENCH_AUDIT_ONLY", 0) != 0 {
        return;
    }
    let (settings, m, results, total) = match std::env::var_os("BENCH_FROM") {
        // Re-render a previous run's raw numbers (e.g. after changing the report).
        Some(path) => raw::load(Path::new(&path)),
        None => {
            let run = run();
            raw::save(&out_dir.join("raw.json"), &run.0, &run.1, &run.2, run.3);
            run
        }
    };
    let md = report::render(&settings, &m, &results, total);
    print!("{md}");
    let _ = std::fs::write(out_dir.join("results.md"), &md);
    if settings.update_md {
        benchmarks_md::update(&md);
    } else {
        eprintln!(
            "bench: BENCH_UPDATE_MD=0: wrote {} only",
            out_dir.join("results.md").display()
        );
    }
}

/// Every round of every size, with the knobs from the environment.
fn run() -> (Settings, Machine, Results, Duration) {
    let settings = Settings::from_env();
    assert!(
        settings.python.exists(),
        "{} not found — run `just setup` (or set BENCH_PYTHON)",
        settings.python.display()
    );
    let started = Instant::now();
    let m = machine(&settings);
    let bench = Bench::start(settings);
    let s = &bench.settings;
    eprintln!(
        "bench: sizes {:?}, {} reps, {} ms latency, binary {}",
        s.sizes,
        s.reps,
        s.latency.as_millis(),
        support::bin_path().display()
    );
    let mut results = Results::default();
    for &n in &s.sizes {
        run_size(&bench, n, &mut results);
    }
    let total = started.elapsed();
    let Bench { settings, .. } = bench;
    (settings, m, results, total)
}

/// At N targets: the timed lambda-trust rounds, the traced round, then the baseline rounds.
fn run_size(bench: &Bench, n: usize, results: &mut Results) {
    let s = &bench.settings;
    for rep in 0..s.reps {
        let t = Instant::now();
        for (sc, sample, _) in bench.tool_round(n, false) {
            results.timed.entry((n, sc)).or_default().push(sample);
        }
        eprintln!(
            "bench: {n:>4} targets, lambda-trust round {}/{} ({:.1} s)",
            rep + 1,
            s.reps,
            t.elapsed().as_secs_f64()
        );
    }
    let t = Instant::now();
    for (sc, _, trace) in bench.tool_round(n, true) {
        if let Some(trace) = trace {
            results.traces.insert((n, sc), trace);
        }
    }
    eprintln!(
        "bench: {n:>4} targets, traced round ({:.1} s)",
        t.elapsed().as_secs_f64()
    );
    let reps = s.baseline_reps(n);
    for rep in 0..reps {
        let t = Instant::now();
        for (sc, sample) in bench.baseline_round(n) {
            results.timed.entry((n, sc)).or_default().push(sample);
        }
        eprintln!(
            "bench: {n:>4} targets, baseline round {}/{reps} ({:.1} s)",
            rep + 1,
            t.elapsed().as_secs_f64()
        );
    }
}
