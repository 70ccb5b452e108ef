//! Statistics over samples: call counts by kind, service and operation, their consistency
//! across repetitions, and medians of durations.

use std::collections::BTreeMap;
use std::time::Duration;

use super::model::{Rec, Sample};
use crate::support::Kind;

#[derive(Default, Clone, PartialEq, Eq)]
pub struct CallStats {
    pub total: usize,
    pub reads: usize,
    pub writes: usize,
    /// Write calls answered with an error status (e.g. the baseline's CreatePolicy on re-run).
    pub failed_writes: usize,
    pub other: usize,
    /// service → (reads, writes, other)
    pub by_service: BTreeMap<String, (usize, usize, usize)>,
    /// `service:Operation` → (calls, error replies by HTTP status)
    pub by_op: BTreeMap<String, (usize, BTreeMap<u16, usize>)>,
}

pub fn stats(calls: &[Rec]) -> CallStats {
    let mut s = CallStats::default();
    for c in calls {
        s.total += 1;
        let failed = !matches!(c.status, Some(st) if st < 400);
        let e = s.by_service.entry(c.service.clone()).or_default();
        match c.kind {
            Kind::Read => {
                s.reads += 1;
                e.0 += 1;
            }
            Kind::Write => {
                s.writes += 1;
                e.1 += 1;
                if failed {
                    s.failed_writes += 1;
                }
            }
            Kind::Other => {
                s.other += 1;
                e.2 += 1;
            }
        }
        let o = s.by_op.entry(c.key.clone()).or_default();
        o.0 += 1;
        if failed {
            // 0: no response at all
            *o.1.entry(c.status.unwrap_or(0)).or_default() += 1;
        }
    }
    s
}

pub fn iam_reads(s: &CallStats) -> usize {
    s.by_service.get("iam").map(|x| x.0).unwrap_or(0)
}

/// Call stats of the samples; `None` when they differ between repetitions (then the range).
pub fn consistent(samples: &[Sample]) -> (CallStats, Option<(usize, usize)>) {
    let all: Vec<CallStats> = samples.iter().map(|s| stats(&s.calls)).collect();
    let first = all[0].clone();
    if all.iter().all(|s| *s == first) {
        (first, None)
    } else {
        let lo = all.iter().map(|s| s.total).min().unwrap_or(0);
        let hi = all.iter().map(|s| s.total).max().unwrap_or(0);
        (first, Some((lo, hi)))
    }
}

pub fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    match v.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

/// Median of one duration of every sample (wall, tool CPU, moto CPU).
pub fn median_of(samples: &[Sample], f: fn(&Sample) -> Duration) -> Duration {
    median(&samples.iter().map(f).collect::<Vec<_>>())
}
