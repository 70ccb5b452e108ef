//! Report sections 2 and 3: the side-by-side table (median wall time, calls / writes per
//! scenario and size) and the full results table (min–max, depth, CPU, calls by kind and
//! service), with its footnotes.

use std::fmt::Write as _;
use std::time::Duration;

use super::{by_service, secs};
use crate::bench::model::{Results, Sample, Scenario};
use crate::bench::settings::Settings;
use crate::bench::stats::{consistent, median, median_of};

pub fn side_by_side(md: &mut String, settings: &Settings, r: &Results) {
    let _ = writeln!(md, "### Side by side\n");
    let _ = writeln!(
        md,
        "Median wall time (calls / writes). *First*: nothing exists yet; *again*: the same \
         command once more with nothing to change.\n"
    );
    let _ = writeln!(
        md,
        "| targets | lambda-trust `apply` first | boto3 tutorial first | lambda-trust `apply` again | boto3 tutorial again | `check` | `verify` | `onboard` +1 |"
    );
    let _ = writeln!(md, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &n in &settings.sizes {
        let cell = |sc: Scenario| -> String {
            match r.timed.get(&(n, sc)) {
                Some(samples) => {
                    let st = consistent(samples).0;
                    let wall = median_of(samples, |s| s.wall);
                    format!("{} s ({} / {})", secs(wall), st.total, st.writes)
                }
                None => "–".into(),
            }
        };
        let _ = writeln!(
            md,
            "| {n} | {} | {} | {} | {} | {} | {} | {} |",
            cell(Scenario::ApplyScratch),
            cell(Scenario::BaselineFirst),
            cell(Scenario::ApplyNoop),
            cell(Scenario::BaselineRerun),
            cell(Scenario::Check),
            cell(Scenario::Verify),
            cell(Scenario::Onboard)
        );
    }
    let _ = writeln!(md);
}

pub fn results(md: &mut String, settings: &Settings, r: &Results) {
    let lat_ms = settings.latency.as_millis();
    let _ = writeln!(md, "### Results\n");
    let _ = writeln!(
        md,
        "Wall time of the whole process (start to exit), median of the runs, with min–max. \
         Calls as the proxy saw them: r = read (`Get*`/`List*`), w = write, o = other \
         (`sts:AssumeRole`). Writes answered with an error are counted as writes (and said). \
         *Depth*: the longest chain of calls each sent after the previous one was answered \
         (from per-call timestamps in a separate traced round), so at least depth × {lat_ms} ms \
         of the wall time is waiting on the network. *CPU*: median CPU time (user + system) of \
         the measured process, and of moto while it ran (moto serves requests one at a time \
         under the Python GIL, so its CPU time adds to the wall time of concurrent calls).\n"
    );
    let _ = writeln!(
        md,
        "| targets | run | wall median (s) | min–max (s) | runs | depth | CPU tool / moto (ms) | calls | reads | writes | by service |"
    );
    let _ = writeln!(md, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for &n in &settings.sizes {
        for sc in Scenario::ALL {
            if let Some(samples) = r.timed.get(&(n, sc)) {
                let _ = writeln!(md, "{}", result_row(r, n, sc, samples));
            }
        }
    }
    let _ = writeln!(
        md,
        "\n¹ The baseline attaches one managed policy per target. Real AWS allows 10 managed \
         policies per role (20 after a quota increase), so beyond 10 targets its first run fails \
         at the 11th `AttachRolePolicy`; moto does not enforce the quota, so the numbers show the \
         call pattern only. lambda-trust packs all ARNs into as few policies as fit (6,144 \
         characters each).\n"
    );
    let _ = writeln!(
        md,
        "The baseline makes one call at a time: its depth is its call count.\n"
    );
}

/// One row of the results table.
fn result_row(r: &Results, n: usize, sc: Scenario, samples: &[Sample]) -> String {
    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let lo = walls.iter().min().copied().unwrap_or_default();
    let hi = walls.iter().max().copied().unwrap_or_default();
    let depth = match r.traces.get(&(n, sc)) {
        Some(t) => t.depth.to_string(),
        None if sc.is_baseline() => "= calls".to_string(),
        None => "–".to_string(),
    };
    let cpu = |f: fn(&Sample) -> Duration| median_of(samples, f).as_secs_f64() * 1e3;
    let cpu = format!("{:.0} / {:.0}", cpu(|s| s.tool_cpu), cpu(|s| s.moto_cpu));
    let (st, varies) = consistent(samples);
    let calls = match varies {
        Some((a, b)) => format!("{a}–{b} (varies)"),
        None => st.total.to_string(),
    };
    let writes = if st.failed_writes > 0 {
        format!("{} ({} failed)", st.writes, st.failed_writes)
    } else {
        st.writes.to_string()
    };
    let mut label = sc.label().to_string();
    if sc == Scenario::BaselineFirst && n > 10 {
        label.push_str(&format!(
            " ¹ ({n} policies on one role: over the AWS quota of 10)"
        ));
    }
    format!(
        "| {n} | {label} | {} | {}–{} | {} | {depth} | {cpu} | {calls} | {} | {writes} | {} |",
        secs(median(&walls)),
        secs(lo),
        secs(hi),
        samples.len(),
        st.reads,
        by_service(&st)
    )
}
