//! Report section 4: the targets from the issue (no-op `check` at 50 targets ≤ 0.3 s with no
//! writes, IAM reads not growing with targets, first `apply` at 50 targets ≤ 1 s with ≤ 5
//! writes, the baseline's re-run pattern), each with what was measured and a verdict.

use std::fmt::Write as _;
use std::time::Duration;

use super::secs;
use crate::bench::model::{Results, Scenario};
use crate::bench::settings::Settings;
use crate::bench::stats::{consistent, iam_reads, median_of, CallStats};

/// Medians and call counts of one scenario at one size.
struct Timed {
    wall: Duration,
    stats: CallStats,
    tool_cpu: Duration,
    moto_cpu: Duration,
}

fn timed(r: &Results, n: usize, sc: Scenario) -> Option<Timed> {
    let samples = r.timed.get(&(n, sc))?;
    Some(Timed {
        wall: median_of(samples, |s| s.wall),
        stats: consistent(samples).0,
        tool_cpu: median_of(samples, |s| s.tool_cpu),
        moto_cpu: median_of(samples, |s| s.moto_cpu),
    })
}

/// Where the time of one row goes: network depth × latency, moto CPU, lambda-trust CPU.
fn breakdown(settings: &Settings, r: &Results, n: usize, sc: Scenario) -> String {
    let Some(t) = timed(r, n, sc) else {
        return String::new();
    };
    let lat = settings.latency;
    let depth = r.traces.get(&(n, sc)).map(|t| t.depth).unwrap_or(0);
    format!(
        "network depth {depth} × {} ms = {:.0} ms; moto CPU {:.0} ms; lambda-trust CPU {:.0} ms",
        lat.as_millis(),
        (lat * depth as u32).as_secs_f64() * 1e3,
        t.moto_cpu.as_secs_f64() * 1e3,
        t.tool_cpu.as_secs_f64() * 1e3
    )
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "**missed**"
    }
}

/// ` (+N ms over)` when `t` exceeds `limit` seconds.
fn over(t: Duration, limit: f64) -> String {
    if t.as_secs_f64() <= limit {
        String::new()
    } else {
        format!(" (+{:.0} ms over)", (t.as_secs_f64() - limit) * 1e3)
    }
}

pub fn targets(md: &mut String, settings: &Settings, r: &Results) {
    let _ = writeln!(md, "### Targets\n");
    let _ = writeln!(md, "| target | measured | |\n|---|---|---|");
    check_rows(md, settings, r);
    iam_reads_row(md, settings, r);
    apply_rows(md, settings, r);
    baseline_rerun_row(md, r);
}

fn check_rows(md: &mut String, settings: &Settings, r: &Results) {
    let Some(t) = timed(r, 50, Scenario::Check) else {
        return;
    };
    let _ = writeln!(
        md,
        "| no-op `check` at 50 targets ≤ 0.3 s | {} s{}: {} | {} |",
        secs(t.wall),
        over(t.wall, 0.3),
        breakdown(settings, r, 50, Scenario::Check),
        verdict(t.wall <= Duration::from_millis(300))
    );
    let _ = writeln!(
        md,
        "| … with 0 writes | {} | {} |",
        t.stats.writes,
        verdict(t.stats.writes == 0)
    );
}

/// IAM reads of `check` against the number of invoke-policy shards (CreatePolicy calls of the
/// first apply): 3 role reads + 3 per shard is "does not grow with targets".
fn iam_reads_row(md: &mut String, settings: &Settings, r: &Results) {
    let rows: Vec<(usize, usize, usize)> = settings
        .sizes
        .iter()
        .filter_map(|&n| {
            let check = timed(r, n, Scenario::Check)?.stats;
            let first = timed(r, n, Scenario::ApplyScratch)?.stats;
            let shards = first
                .by_op
                .get("iam:CreatePolicy")
                .map(|x| x.0)
                .unwrap_or(0);
            Some((n, iam_reads(&check), shards))
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let per_shard = rows
        .iter()
        .all(|&(_, reads, shards)| reads == 3 + 3 * shards);
    let single: Vec<usize> = rows.iter().filter(|r| r.2 == 1).map(|r| r.1).collect();
    let flat = single.windows(2).all(|w| w[0] == w[1]);
    let _ = writeln!(
        md,
        "| … IAM reads not growing with targets | {} | {} |",
        rows.iter()
            .map(|(n, reads, shards)| format!(
                "{n} targets: {reads} ({shards} polic{})",
                if *shards == 1 { "y" } else { "ies" }
            ))
            .collect::<Vec<_>>()
            .join("; "),
        if flat && per_shard {
            "met: 3 role reads + 3 per invoke policy (a policy holds ~90 ARNs), never per target"
        } else if flat {
            "met while one policy holds every ARN"
        } else {
            "**missed**"
        }
    );
}

fn apply_rows(md: &mut String, settings: &Settings, r: &Results) {
    let Some(t) = timed(r, 50, Scenario::ApplyScratch) else {
        return;
    };
    let _ = writeln!(
        md,
        "| first `apply` at 50 targets ≤ 1 s | {} s{}: {} | {} |",
        secs(t.wall),
        over(t.wall, 1.0),
        breakdown(settings, r, 50, Scenario::ApplyScratch),
        verdict(t.wall <= Duration::from_secs(1))
    );
    let writes = t
        .stats
        .by_op
        .iter()
        .filter(|(k, _)| {
            let op = k.split(':').nth(1).unwrap_or("");
            !(op.starts_with("Get") || op.starts_with("List"))
        })
        .map(|(k, (n, _))| format!("{k} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        md,
        "| … with ≤ 5 writes | {} ({writes}) | {} |",
        t.stats.writes,
        verdict(t.stats.writes <= 5)
    );
}

fn baseline_rerun_row(md: &mut String, r: &Results) {
    let Some(t) = timed(r, 50, Scenario::BaselineRerun) else {
        return;
    };
    let st = t.stats;
    let ok = st.total == 203 && st.writes == 101;
    let _ = writeln!(
        md,
        "| baseline re-run at 50: 203 calls incl. 101 writes | {} calls incl. {} writes ({} of them fail with EntityAlreadyExists) | {} |",
        st.total,
        st.writes,
        st.failed_writes,
        if ok { "as expected" } else { "**differs**" }
    );
}
