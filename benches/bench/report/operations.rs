//! Report sections 5 and 6: the critical path of every traced run, and every run's calls by
//! operation.

use std::fmt::Write as _;

use super::ops;
use crate::bench::model::{Results, Scenario};
use crate::bench::settings::Settings;
use crate::bench::stats::consistent;

pub fn critical_paths(md: &mut String, r: &Results) {
    let _ = writeln!(md, "\n### Critical paths (traced round)\n");
    let _ = writeln!(
        md,
        "The chain of calls that sets each command's depth, in order (`×k`: k round trips of \
         that operation one after another); before the first call: from spawn to the first \
         call's arrival; after the last: from the last answer to the exit.\n"
    );
    let _ = writeln!(
        md,
        "| targets | run | depth | before the first call | after the last | critical path |\n\
         |---:|---|---:|---:|---:|---|"
    );
    for ((n, sc), t) in &r.traces {
        let path = t
            .path
            .iter()
            .map(|(op, k)| {
                if *k > 1 {
                    format!("{op} ×{k}")
                } else {
                    op.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" → ");
        let ms = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.0} ms"));
        let _ = writeln!(
            md,
            "| {n} | {} | {} | {} | {} | {path} |",
            sc.label(),
            t.depth,
            ms(t.head_ms),
            ms(t.tail_ms)
        );
    }
}

pub fn calls_by_operation(md: &mut String, settings: &Settings, r: &Results) {
    let _ = writeln!(md, "\n### Calls by operation\n");
    let _ = writeln!(md, "| targets | run | calls |\n|---:|---|---|");
    for &n in &settings.sizes {
        for sc in Scenario::ALL {
            if let Some(samples) = r.timed.get(&(n, sc)) {
                let _ = writeln!(
                    md,
                    "| {n} | {} | {} |",
                    sc.label(),
                    ops(&consistent(samples).0)
                );
            }
        }
    }
}
