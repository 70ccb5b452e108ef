//! The machine a run is on (CPU, memory, kernel, load, build profile) and the start-up time of
//! the two measured programs (`lambda-trust --version`, Python importing boto3).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::settings::Settings;
use super::stats::median;
use crate::support;

pub struct Machine {
    pub nproc: usize,
    pub cpu: String,
    pub memory: String,
    pub kernel: String,
    pub date: String,
    /// `/proc/loadavg` (1, 5, 15 min) when the run started: other work on the machine.
    pub load: String,
    pub profile: String,
    pub tool_start: Duration,
    pub python_start: Duration,
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Median wall time of `times` runs of `cmd` (output discarded; must succeed).
fn time_of(cmd: &mut Command, times: usize) -> Duration {
    let v: Vec<Duration> = (0..times)
        .map(|_| {
            let t = Instant::now();
            let st = cmd
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("spawn");
            assert!(st.success(), "{cmd:?} failed");
            t.elapsed()
        })
        .collect();
    median(&v)
}

fn cpu_model() -> String {
    read("/proc/cpuinfo")
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn memory() -> String {
    read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into())
}

fn profile() -> String {
    if cfg!(debug_assertions) {
        "dev profile (`just bench dev`: unoptimised crate, dependencies at opt-level 1)".into()
    } else {
        "release profile (optimised; `cargo bench` in target/bench-release)".into()
    }
}

pub fn machine(settings: &Settings) -> Machine {
    let date = Command::new("date")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let tool_start = time_of(Command::new(support::bin_path()).arg("--version"), 5);
    let python_start = time_of(
        Command::new(&settings.python).args([
            "-c",
            "import boto3; boto3.session.Session(region_name='us-east-1').client('iam', endpoint_url='http://127.0.0.1:9')",
        ]),
        3,
    );
    Machine {
        nproc: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        cpu: cpu_model(),
        memory: memory(),
        kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
        date,
        load: read("/proc/loadavg")
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        profile: profile(),
        tool_start,
        python_start,
    }
}
