//! CPU time from `/proc`: of the bench's reaped children (the measured process). Moto's is
//! `MotoServer::cpu_seconds` (the tests' support).

use std::process::Command;
use std::time::Duration;

/// Clock ticks per second of `/proc/*/stat` times (`getconf CLK_TCK`; 100 on Linux).
fn clk_tck() -> f64 {
    static TCK: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TCK.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Fields of `/proc/<pid>/stat` after the command name; `fields[0]` is field 3 (state).
fn stat_fields(pid: &str) -> Vec<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = text.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    rest.split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect()
}

fn ticks(fields: &[u64], first: usize, second: usize) -> u64 {
    // Field numbers as in proc(5), 1-based; fields[0] is field 3.
    fields.get(first - 3).copied().unwrap_or(0) + fields.get(second - 3).copied().unwrap_or(0)
}

/// CPU ticks of this process's reaped children (cutime + cstime).
pub fn children_ticks() -> u64 {
    ticks(&stat_fields("self"), 16, 17)
}

pub fn ticks_to_duration(t: u64) -> Duration {
    Duration::from_secs_f64(t as f64 / clk_tck())
}
