//! `target/bench/raw.json`: every sample and trace of a run with its settings and machine, so
//! `BENCH_FROM=target/bench/raw.json` can re-render the report without running anything.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use super::machine::Machine;
use super::model::{kind_from_id, kind_id, Rec, Results, Sample, Scenario, Trace};
use super::settings::Settings;

/// Writes the run's raw numbers to `path`.
pub fn save(path: &Path, s: &Settings, m: &Machine, r: &Results, total: Duration) {
    let raw = to_raw(s, m, r, total);
    std::fs::write(path, serde_json::to_string(&raw).expect("JSON")).expect("write raw.json");
    eprintln!("bench: raw numbers in {}", path.display());
}

/// Reads a run's raw numbers (`BENCH_FROM`); knobs not in the file come from the environment.
pub fn load(path: &Path) -> (Settings, Machine, Results, Duration) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("BENCH_FROM={}: {e}", path.display()));
    from_raw(&serde_json::from_str(&text).expect("BENCH_FROM: not JSON"))
}

fn secs(v: &Value) -> Duration {
    Duration::from_secs_f64(v.as_f64().unwrap_or(0.0))
}

fn num(v: &Value) -> usize {
    v.as_u64().unwrap_or(0) as usize
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn to_raw(s: &Settings, m: &Machine, r: &Results, total: Duration) -> Value {
    let timed: Vec<Value> = r
        .timed
        .iter()
        .flat_map(|((n, sc), samples)| samples.iter().map(move |x| sample_to_raw(*n, *sc, x)))
        .collect();
    let traces: Vec<Value> = r
        .traces
        .iter()
        .map(|((n, sc), t)| {
            json!({"n": n, "scenario": sc.id(), "depth": t.depth, "path": t.path,
            "head_ms": t.head_ms, "tail_ms": t.tail_ms})
        })
        .collect();
    json!({
        "settings": {
            "sizes": s.sizes,
            "reps": s.reps,
            "latency_ms": s.latency.as_millis() as u64,
            "baseline_reps_large": s.baseline_reps_large,
            "baseline": s.baseline,
        },
        "machine": {
            "nproc": m.nproc, "cpu": m.cpu, "memory": m.memory, "kernel": m.kernel,
            "date": m.date, "load": m.load, "profile": m.profile,
            "tool_start": m.tool_start.as_secs_f64(), "python_start": m.python_start.as_secs_f64(),
        },
        "total": total.as_secs_f64(),
        "timed": timed,
        "traces": traces,
    })
}

fn sample_to_raw(n: usize, sc: Scenario, x: &Sample) -> Value {
    json!({
        "n": n,
        "scenario": sc.id(),
        "wall": x.wall.as_secs_f64(),
        "tool_cpu": x.tool_cpu.as_secs_f64(),
        "moto_cpu": x.moto_cpu.as_secs_f64(),
        "calls": x.calls.iter().map(|c| json!([c.seq, c.service, c.key, kind_id(c.kind), c.status])).collect::<Vec<_>>(),
    })
}

fn from_raw(v: &Value) -> (Settings, Machine, Results, Duration) {
    let mut r = Results::default();
    for x in v["timed"].as_array().into_iter().flatten() {
        r.timed
            .entry((num(&x["n"]), Scenario::from_id(&text(&x["scenario"]))))
            .or_default()
            .push(sample_from_raw(x));
    }
    for t in v["traces"].as_array().into_iter().flatten() {
        let path = t["path"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| (text(&p[0]), num(&p[1])))
            .collect();
        r.traces.insert(
            (num(&t["n"]), Scenario::from_id(&text(&t["scenario"]))),
            Trace {
                depth: num(&t["depth"]),
                path,
                head_ms: t["head_ms"].as_f64(),
                tail_ms: t["tail_ms"].as_f64(),
            },
        );
    }
    let settings = settings_from_raw(&v["settings"]);
    (
        settings,
        machine_from_raw(&v["machine"]),
        r,
        secs(&v["total"]),
    )
}

fn settings_from_raw(sv: &Value) -> Settings {
    let mut settings = Settings::from_env();
    settings.sizes = sv["sizes"]
        .as_array()
        .map(|a| a.iter().map(num).collect())
        .unwrap_or_default();
    settings.reps = num(&sv["reps"]);
    settings.latency = Duration::from_millis(sv["latency_ms"].as_u64().unwrap_or(0));
    settings.baseline_reps_large = num(&sv["baseline_reps_large"]);
    settings.baseline = sv["baseline"].as_bool().unwrap_or(true);
    settings
}

fn machine_from_raw(mv: &Value) -> Machine {
    Machine {
        nproc: num(&mv["nproc"]),
        cpu: text(&mv["cpu"]),
        memory: text(&mv["memory"]),
        kernel: text(&mv["kernel"]),
        date: text(&mv["date"]),
        load: text(&mv["load"]),
        profile: text(&mv["profile"]),
        tool_start: secs(&mv["tool_start"]),
        python_start: secs(&mv["python_start"]),
    }
}

fn sample_from_raw(x: &Value) -> Sample {
    let calls = x["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| Rec {
            seq: num(&c[0]),
            service: text(&c[1]),
            key: text(&c[2]),
            kind: kind_from_id(c[3].as_str()),
            status: c[4].as_u64().map(|s| s as u16),
        })
        .collect();
    Sample {
        wall: secs(&x["wall"]),
        tool_cpu: secs(&x["tool_cpu"]),
        moto_cpu: secs(&x["moto_cpu"]),
        calls,
    }
}
