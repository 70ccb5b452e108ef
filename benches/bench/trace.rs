//! The traced round: per-call arrival and answer times (polled from the proxy every 0.5 ms),
//! and from them the round-trip depth and critical path of a run.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::model::{Rec, Trace};
use crate::support::Proxy;

/// Call seq → (first seen, first seen answered).
pub type Times = BTreeMap<usize, (Instant, Option<Instant>)>;

/// Polls the proxy's call list until `stop`; calls still unanswered then count as answered then.
pub fn poll_calls(proxy: &Proxy, stop: &AtomicBool) -> Times {
    let mut times = Times::new();
    loop {
        let done = stop.load(Ordering::SeqCst);
        let now = Instant::now();
        for c in proxy.calls() {
            let e = times.entry(c.seq).or_insert((now, None));
            if e.1.is_none() && (c.status.is_some() || done) {
                e.1 = Some(now);
            }
        }
        if done {
            return times;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// Per call: (length of the longest chain ending in it, the call before it on that chain).
/// Call `i` depends on call `j` when it arrived after `j` was answered.
fn chains(seqs: &[usize], times: &Times) -> BTreeMap<usize, (usize, Option<usize>)> {
    let mut d: BTreeMap<usize, (usize, Option<usize>)> = BTreeMap::new();
    for &i in seqs {
        let Some(&(arrived, _)) = times.get(&i) else {
            continue;
        };
        let mut best: (usize, Option<usize>) = (1, None);
        for &j in seqs {
            if j >= i {
                break;
            }
            let answered = times.get(&j).and_then(|t| t.1);
            if let (Some(answered), Some(&(dj, _))) = (answered, d.get(&j)) {
                if answered <= arrived && dj + 1 > best.0 {
                    best = (dj + 1, Some(j));
                }
            }
        }
        d.insert(i, best);
    }
    d
}

/// Round-trip depth from per-call (arrival, answer) times: the longest chain of calls each sent
/// after the previous one was answered, and the operations on it.
pub fn depth(calls: &[Rec], times: &Times, run: (Instant, Instant)) -> Trace {
    let (spawned, exited) = run;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let head_ms = times.values().map(|t| t.0).min().map(|t| ms(t - spawned));
    let tail_ms = times
        .values()
        .filter_map(|t| t.1)
        .max()
        .map(|t| ms(exited.saturating_duration_since(t)));
    let mut seqs: Vec<usize> = calls.iter().map(|c| c.seq).collect();
    seqs.sort();
    if std::env::var_os("BENCH_TIMELINE").is_some() {
        timeline(calls, times, run);
    }
    let d = chains(&seqs, times);
    let Some((&last, &(depth, _))) = d
        .iter()
        .max_by_key(|(seq, (dd, _))| (*dd, usize::MAX - **seq))
    else {
        return Trace {
            depth: 0,
            path: Vec::new(),
            head_ms,
            tail_ms,
        };
    };
    let mut chain = vec![last];
    let mut cur = last;
    while let Some(&(_, Some(prev))) = d.get(&cur) {
        chain.push(prev);
        cur = prev;
    }
    chain.reverse();
    Trace {
        depth,
        path: fold_ops(calls, &chain),
        head_ms,
        tail_ms,
    }
}

/// The operations of the calls in `chain`, consecutive repeats folded into one with a count.
fn fold_ops(calls: &[Rec], chain: &[usize]) -> Vec<(String, usize)> {
    let key: BTreeMap<usize, String> = calls.iter().map(|c| (c.seq, c.key.clone())).collect();
    let mut path: Vec<(String, usize)> = Vec::new();
    for seq in chain {
        let op = key.get(seq).cloned().unwrap_or_default();
        match path.last_mut() {
            Some((last, n)) if *last == op => *n += 1,
            _ => path.push((op, 1)),
        }
    }
    path
}

/// `BENCH_TIMELINE=1`: each traced call's arrival and answer at the proxy, in milliseconds from
/// the spawn, then the exit, on stderr (where a run's time goes between its calls).
fn timeline(calls: &[Rec], times: &Times, (spawned, exited): (Instant, Instant)) {
    let ms = |t: Instant| t.saturating_duration_since(spawned).as_secs_f64() * 1e3;
    let mut rows: Vec<(f64, f64, &str)> = calls
        .iter()
        .filter_map(|c| {
            let (arrived, answered) = times.get(&c.seq)?;
            Some((ms(*arrived), answered.map_or(f64::NAN, ms), c.key.as_str()))
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (arrived, answered, op) in rows {
        eprintln!("bench: timeline {arrived:7.1} → {answered:7.1} ms  {op}");
    }
    eprintln!("bench: timeline exit at {:.1} ms", ms(exited));
}
