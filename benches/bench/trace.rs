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
pub fn depth(calls: &[Rec], times: &Times) -> Trace {
    let mut seqs: Vec<usize> = calls.iter().map(|c| c.seq).collect();
    seqs.sort();
    let d = chains(&seqs, times);
    let Some((&last, &(depth, _))) = d
        .iter()
        .max_by_key(|(seq, (dd, _))| (*dd, usize::MAX - **seq))
    else {
        return Trace {
            depth: 0,
            path: Vec::new(),
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
