//! The knobs of a run, from `BENCH_*` environment variables (see `benches/bench.rs`).

use std::path::{Path, PathBuf};
use std::time::Duration;

pub struct Settings {
    pub sizes: Vec<usize>,
    pub reps: usize,
    pub latency: Duration,
    pub baseline_reps_large: usize,
    /// Run the baseline at all (`BENCH_BASELINE=0` skips it).
    pub baseline: bool,
    pub update_md: bool,
    pub python: PathBuf,
}

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        _ => default,
    }
}

/// `BENCH_SIZES`, comma-separated (default `1,10,50,500`); every size ≥ 1.
fn sizes_from_env() -> Vec<usize> {
    let sizes = std::env::var("BENCH_SIZES")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "1,10,50,500".into())
        .split(',')
        .map(|s| {
            s.trim()
                .parse::<usize>()
                .unwrap_or_else(|_| panic!("BENCH_SIZES: {s:?} is not a number"))
        })
        .collect::<Vec<_>>();
    assert!(
        sizes.iter().all(|&n| n >= 1),
        "BENCH_SIZES: sizes must be ≥ 1"
    );
    sizes
}

impl Settings {
    pub fn from_env() -> Settings {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        Settings {
            sizes: sizes_from_env(),
            reps: env_usize("BENCH_REPS", 5).max(1),
            latency: Duration::from_millis(env_usize("BENCH_LATENCY_MS", 30) as u64),
            baseline_reps_large: env_usize("BENCH_BASELINE_REPS_LARGE", 1).max(1),
            baseline: env_usize("BENCH_BASELINE", 1) != 0,
            update_md: env_usize("BENCH_UPDATE_MD", 1) != 0,
            python: std::env::var_os("BENCH_PYTHON")
                .map(PathBuf::from)
                .unwrap_or_else(|| manifest.join(".venv/bin/python")),
        }
    }

    /// Baseline rounds at N targets: none when skipped, fewer at 500 and more.
    pub fn baseline_reps(&self, n: usize) -> usize {
        if !self.baseline {
            0
        } else if n >= 500 {
            self.baseline_reps_large.min(self.reps)
        } else {
            self.reps
        }
    }
}
