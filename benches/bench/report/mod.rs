//! The markdown report of a run: the machine, the side-by-side table, the full results, the
//! targets from the issue, the critical paths and the calls by operation — in that order.

mod header;
mod operations;
mod tables;
mod targets;

use std::time::Duration;

use super::machine::Machine;
use super::model::Results;
use super::settings::Settings;
use super::stats::CallStats;

/// The whole report (what goes between the markers of BENCHMARKS.md).
pub fn render(settings: &Settings, m: &Machine, r: &Results, total: Duration) -> String {
    let mut md = String::new();
    header::machine(&mut md, settings, m, total);
    tables::side_by_side(&mut md, settings, r);
    tables::results(&mut md, settings, r);
    targets::targets(&mut md, settings, r);
    operations::critical_paths(&mut md, r);
    operations::calls_by_operation(&mut md, settings, r);
    md
}

/// Seconds with three decimals.
fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// `iam 3r/2w, sts 1r`
fn by_service(s: &CallStats) -> String {
    s.by_service
        .iter()
        .map(|(svc, (r, w, o))| {
            let mut parts = Vec::new();
            if *r > 0 {
                parts.push(format!("{r}r"));
            }
            if *w > 0 {
                parts.push(format!("{w}w"));
            }
            if *o > 0 {
                parts.push(format!("{o}o"));
            }
            format!("{svc} {}", parts.join("/"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `iam:CreatePolicy ×2 (1 answered 409), …`
fn ops(s: &CallStats) -> String {
    s.by_op
        .iter()
        .map(|(op, (n, errors))| {
            if errors.is_empty() {
                format!("{op} ×{n}")
            } else {
                let e = errors
                    .iter()
                    .map(|(status, k)| format!("{k} answered {status}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{op} ×{n} ({e})")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
