//! `just bench`: wall time and AWS calls of lambda-trust at 1, 10, 50 and 500 targets, side by
//! side with the common boto3 tutorial script (`benches/baseline_boto3_tutorial.py`), both run
//! against one real `moto_server` behind the counting proxy of `tests/support` with a fixed
//! latency per call (30 ms: a model of an AWS round trip).
//!
//! For every size N and every repetition: fresh moto state (reset, then N + 1 functions seeded
//! directly, not through the proxy, not counted), a config with N targets, then — each timed and
//! counted on its own — `apply` (from scratch), `apply` (no-op), `check`, `verify`, `onboard` of
//! the (N+1)-th function. Then, on fresh state again, the baseline's first run and its re-run.
//! Per run it also takes the CPU time of the measured process (the bench's reaped-children
//! time) and of moto (`/proc/PID/stat`). One extra, untimed round per size polls the proxy's
//! call list every 0.5 ms to timestamp each call's arrival and answer: the longest chain of
//! calls that each started after the previous one was answered is the command's round-trip
//! depth, and the operations on that chain are its critical path.
//!
//! Knobs (environment): `BENCH_SIZES` (default `1,10,50,500`), `BENCH_REPS` (5),
//! `BENCH_LATENCY_MS` (30), `BENCH_BASELINE_REPS_LARGE` (repetitions of the baseline at
//! N ≥ 500; default 1 — one first run plus one re-run at 500 targets take over three minutes,
//! sequentially), `BENCH_BASELINE` (default 1; 0 skips the baseline), `BENCH_UPDATE_MD`
//! (default 1: rewrite the generated part of BENCHMARKS.md),
//! `BENCH_PYTHON`, `MOTO_SERVER`.
//!
//! Output: progress on stderr, the markdown on stdout, in `target/bench/results.md`, and between
//! the `<!-- bench:begin -->` / `<!-- bench:end -->` markers of BENCHMARKS.md.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::http;
use support::moto::tiny_zip;
use support::{Call, FaultConfig, Kind, MotoServer, Proxy};

const REGION: &str = "us-east-1";
const EXTRA: &str = "bench-extra";
const BEGIN: &str = "<!-- bench:begin -->";
const END: &str = "<!-- bench:end -->";

// ------------------------------------------------------------------------------ settings

struct Settings {
    sizes: Vec<usize>,
    reps: usize,
    latency: Duration,
    baseline_reps_large: usize,
    /// Run the baseline at all (`BENCH_BASELINE=0` skips it).
    baseline: bool,
    update_md: bool,
    python: PathBuf,
}

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        _ => default,
    }
}

impl Settings {
    fn from_env() -> Settings {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let sizes = std::env::var("BENCH_SIZES")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "1,10,50,500".into())
            .split(',')
            .map(|s| {
                s.trim()
                    .parse::<usize>()
                    .unwrap_or_else(|_| panic!("BENCH_SIZES: {s:?} is not a number"))
            })
            .collect::<Vec<_>>();
        assert!(
            sizes.iter().all(|&n| n >= 1),
            "BENCH_SIZES: sizes must be ≥ 1"
        );
        Settings {
            sizes,
            reps: env_usize("BENCH_REPS", 5).max(1),
            latency: Duration::from_millis(env_usize("BENCH_LATENCY_MS", 30) as u64),
            baseline_reps_large: env_usize("BENCH_BASELINE_REPS_LARGE", 1).max(1),
            baseline: env_usize("BENCH_BASELINE", 1) != 0,
            update_md: env_usize("BENCH_UPDATE_MD", 1) != 0,
            python: std::env::var_os("BENCH_PYTHON")
                .map(PathBuf::from)
                .unwrap_or_else(|| manifest.join(".venv/bin/python")),
        }
    }

    fn baseline_reps(&self, n: usize) -> usize {
        if !self.baseline {
            0
        } else if n >= 500 {
            self.baseline_reps_large.min(self.reps)
        } else {
            self.reps
        }
    }
}

// ------------------------------------------------------------------------------ scenarios

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scenario {
    ApplyScratch,
    ApplyNoop,
    Check,
    Verify,
    Onboard,
    BaselineFirst,
    BaselineRerun,
}

impl Scenario {
    const TOOL: [Scenario; 5] = [
        Scenario::ApplyScratch,
        Scenario::ApplyNoop,
        Scenario::Check,
        Scenario::Verify,
        Scenario::Onboard,
    ];

    fn label(self) -> &'static str {
        match self {
            Scenario::ApplyScratch => "`apply` (from scratch)",
            Scenario::ApplyNoop => "`apply` (no-op)",
            Scenario::Check => "`check` (in sync)",
            Scenario::Verify => "`verify`",
            Scenario::Onboard => "`onboard` (+1 target)",
            Scenario::BaselineFirst => "baseline: boto3 tutorial, first run",
            Scenario::BaselineRerun => "baseline: boto3 tutorial, re-run",
        }
    }

    const ALL: [Scenario; 7] = [
        Scenario::ApplyScratch,
        Scenario::ApplyNoop,
        Scenario::Check,
        Scenario::Verify,
        Scenario::Onboard,
        Scenario::BaselineFirst,
        Scenario::BaselineRerun,
    ];

    fn id(self) -> &'static str {
        match self {
            Scenario::ApplyScratch => "apply-scratch",
            Scenario::ApplyNoop => "apply-noop",
            Scenario::Check => "check",
            Scenario::Verify => "verify",
            Scenario::Onboard => "onboard",
            Scenario::BaselineFirst => "baseline-first",
            Scenario::BaselineRerun => "baseline-rerun",
        }
    }

    fn from_id(id: &str) -> Scenario {
        Scenario::ALL
            .into_iter()
            .find(|s| s.id() == id)
            .unwrap_or_else(|| panic!("unknown scenario {id:?}"))
    }

    fn is_baseline(self) -> bool {
        matches!(self, Scenario::BaselineFirst | Scenario::BaselineRerun)
    }
}

/// One timed run and the calls the proxy saw during it.
struct Sample {
    wall: Duration,
    /// CPU time (user + system) of the measured process.
    tool_cpu: Duration,
    /// CPU time moto spent meanwhile.
    moto_cpu: Duration,
    calls: Vec<Rec>,
}

/// What the report needs of one proxied call.
#[derive(Clone, Debug)]
struct Rec {
    seq: usize,
    service: String,
    /// `service:Operation`
    key: String,
    kind: Kind,
    status: Option<u16>,
}

impl From<&Call> for Rec {
    fn from(c: &Call) -> Rec {
        Rec {
            seq: c.seq,
            service: c.service.clone(),
            key: c.key(),
            kind: c.kind,
            status: c.status,
        }
    }
}

fn kind_id(k: Kind) -> &'static str {
    match k {
        Kind::Read => "read",
        Kind::Write => "write",
        Kind::Other => "other",
    }
}

/// The round-trip structure of one run (from the tracing round).
struct Trace {
    depth: usize,
    /// Operations on the longest chain, consecutive repeats folded (`lambda:GetFunction ×4`).
    path: Vec<(String, usize)>,
}

#[derive(Default, Clone, PartialEq, Eq)]
struct CallStats {
    total: usize,
    reads: usize,
    writes: usize,
    /// Write calls answered with an error status (e.g. the baseline's CreatePolicy on re-run).
    failed_writes: usize,
    other: usize,
    /// service → (reads, writes, other)
    by_service: BTreeMap<String, (usize, usize, usize)>,
    /// `service:Operation` → (calls, error replies by HTTP status)
    by_op: BTreeMap<String, (usize, BTreeMap<u16, usize>)>,
}

fn stats(calls: &[Rec]) -> CallStats {
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

fn iam_reads(s: &CallStats) -> usize {
    s.by_service.get("iam").map(|x| x.0).unwrap_or(0)
}

#[derive(Default)]
struct Results {
    /// (N, scenario) → timed samples
    timed: BTreeMap<(usize, Scenario), Vec<Sample>>,
    /// (N, scenario) → round-trip structure
    traces: BTreeMap<(usize, Scenario), Trace>,
}

// ------------------------------------------------------------------------------ CPU time

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
fn children_ticks() -> u64 {
    ticks(&stat_fields("self"), 16, 17)
}

/// CPU ticks (utime + stime) of the given processes.
fn process_ticks(pids: &[String]) -> u64 {
    pids.iter().map(|p| ticks(&stat_fields(p), 14, 15)).sum()
}

fn ticks_to_duration(t: u64) -> Duration {
    Duration::from_secs_f64(t as f64 / clk_tck())
}

/// PIDs of the moto_server listening on `port` (found by command line).
fn moto_pids(port: u16) -> Vec<String> {
    let port = port.to_string();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        let is_moto = args
            .iter()
            .any(|a| String::from_utf8_lossy(a).ends_with("moto_server"));
        if is_moto && args.contains(&port.as_bytes()) {
            pids.push(name);
        }
    }
    pids
}

// ------------------------------------------------------------------------------ running

struct Bench {
    settings: Settings,
    moto_pids: Vec<String>,
    // Field order = drop order: proxy before moto.
    proxy: Proxy,
    moto: MotoServer,
    dir: tempfile::TempDir,
}

fn function_names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("bench-fn-{i:04}")).collect()
}

impl Bench {
    fn config_path(&self) -> PathBuf {
        self.dir.path().join("lambda-trust.toml")
    }

    /// Fresh moto state with these functions (straight to moto: not counted, not delayed).
    fn fresh_state(&self, functions: &[String]) {
        self.moto.reset();
        let seed = self.moto.client();
        let role = seed.ensure_lambda_exec_role();
        let zip = http::base64_encode(&tiny_zip(
            "index.py",
            b"def handler(event, context):\n    return event\n",
        ));
        let threads = 8;
        std::thread::scope(|scope| {
            for chunk in functions.chunks(functions.len().div_ceil(threads).max(1)) {
                let (seed, role, zip) = (&seed, &role, &zip);
                scope.spawn(move || {
                    for name in chunk {
                        let body = serde_json::json!({
                            "FunctionName": name,
                            "Runtime": "python3.12",
                            "Role": role,
                            "Handler": "index.handler",
                            "Code": { "ZipFile": zip },
                        });
                        let r = seed.lambda(REGION, "POST", "/2015-03-31/functions", Some(&body));
                        assert!(
                            r.is_success(),
                            "seed function {name}: HTTP {} {}",
                            r.status,
                            r.text()
                        );
                    }
                });
            }
        });
    }

    fn write_config(&self, targets: &[String]) {
        let refs: Vec<&str> = targets.iter().map(String::as_str).collect();
        std::fs::write(self.config_path(), support::live::config(&refs, "")).expect("write config");
    }

    /// Runs `cmd` through the proxy; with `trace`, timestamps every call (see [`depth`]).
    fn measure(
        &self,
        cmd: &mut Command,
        what: &str,
        code: i32,
        trace: bool,
    ) -> (Sample, Option<Trace>) {
        self.proxy.set_faults(FaultConfig {
            latency: self.settings.latency,
            ..FaultConfig::default()
        });
        self.proxy.clear();
        cmd.stdin(Stdio::null());
        let stop = std::sync::atomic::AtomicBool::new(false);
        let (out, wall, tool_ticks, moto_ticks, times) = std::thread::scope(|scope| {
            let poller = trace.then(|| {
                scope.spawn(|| {
                    let mut times: BTreeMap<usize, (Instant, Option<Instant>)> = BTreeMap::new();
                    loop {
                        let done = stop.load(std::sync::atomic::Ordering::SeqCst);
                        let now = Instant::now();
                        for c in self.proxy.calls() {
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
                })
            });
            let (c0, m0) = (children_ticks(), process_ticks(&self.moto_pids));
            let started = Instant::now();
            let out = cmd.output().unwrap_or_else(|e| panic!("spawn {what}: {e}"));
            let wall = started.elapsed();
            let (c1, m1) = (children_ticks(), process_ticks(&self.moto_pids));
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            let times = poller.map(|h| h.join().expect("poller"));
            (out, wall, c1 - c0, m1.saturating_sub(m0), times)
        });
        let calls: Vec<Rec> = self.proxy.calls().iter().map(Rec::from).collect();
        if out.status.code() != Some(code) {
            panic!(
                "{what}: exit {:?} (expected {code})\n--- stdout\n{}\n--- stderr\n{}\nmoto log tail:\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                self.moto.log_tail(20)
            );
        }
        let trace = times.map(|t| depth(&calls, &t));
        (
            Sample {
                wall,
                tool_cpu: ticks_to_duration(tool_ticks),
                moto_cpu: ticks_to_duration(moto_ticks),
                calls,
            },
            trace,
        )
    }

    fn tool(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(support::bin_path());
        cmd.args(args)
            .arg("--config")
            .arg(self.config_path())
            .args(["--format", "json", "--color", "never"]);
        hermetic_aws_env(&mut cmd, &self.proxy.url());
        cmd
    }

    fn baseline(&self, functions: &[String]) -> Command {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/baseline_boto3_tutorial.py");
        let mut cmd = Command::new(&self.settings.python);
        cmd.arg(script)
            .args(["--endpoint-url", &self.proxy.url(), "--region", REGION])
            .args(functions);
        hermetic_aws_env(&mut cmd, &self.proxy.url());
        cmd
    }

    /// apply (scratch), apply (no-op), check, verify, onboard — on fresh state with N targets.
    fn tool_round(&self, n: usize, trace: bool) -> Vec<(Scenario, Sample, Option<Trace>)> {
        let mut functions = function_names(n);
        functions.push(EXTRA.to_string());
        self.fresh_state(&functions);
        self.write_config(&functions[..n]);
        let mut out = Vec::new();
        for sc in Scenario::TOOL {
            let mut cmd = match sc {
                Scenario::ApplyScratch | Scenario::ApplyNoop => self.tool(&["apply"]),
                Scenario::Check => self.tool(&["check"]),
                Scenario::Verify => self.tool(&["verify"]),
                Scenario::Onboard => self.tool(&["onboard", EXTRA]),
                _ => unreachable!(),
            };
            let (s, t) = self.measure(&mut cmd, &format!("{} at {n}", sc.label()), 0, trace);
            if matches!(sc, Scenario::ApplyNoop | Scenario::Check | Scenario::Verify) {
                let w = s.calls.iter().filter(|c| c.kind == Kind::Write).count();
                assert_eq!(w, 0, "{} at {n} made {w} write call(s)", sc.label());
            }
            out.push((sc, s, t));
        }
        out
    }

    /// The baseline's first run and its re-run, on fresh state with N functions.
    fn baseline_round(&self, n: usize) -> Vec<(Scenario, Sample)> {
        let functions = function_names(n);
        self.fresh_state(&functions);
        let (first, _) = self.measure(
            &mut self.baseline(&functions),
            &format!("baseline first run at {n}"),
            0,
            false,
        );
        let (rerun, _) = self.measure(
            &mut self.baseline(&functions),
            &format!("baseline re-run at {n}"),
            0,
            false,
        );
        vec![
            (Scenario::BaselineFirst, first),
            (Scenario::BaselineRerun, rerun),
        ]
    }
}

/// Round-trip depth from per-call (arrival, answer) times: call `i` depends on call `j` when it
/// arrived after `j` was answered; the depth is the longest such chain.
fn depth(calls: &[Rec], times: &BTreeMap<usize, (Instant, Option<Instant>)>) -> Trace {
    let mut seqs: Vec<usize> = calls.iter().map(|c| c.seq).collect();
    seqs.sort();
    let key: BTreeMap<usize, String> = calls.iter().map(|c| (c.seq, c.key.clone())).collect();
    let mut d: BTreeMap<usize, (usize, Option<usize>)> = BTreeMap::new();
    for &i in &seqs {
        let Some(&(arrived, _)) = times.get(&i) else {
            continue;
        };
        let mut best: (usize, Option<usize>) = (1, None);
        for &j in &seqs {
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
    let mut path: Vec<(String, usize)> = Vec::new();
    for seq in chain {
        let op = key.get(&seq).cloned().unwrap_or_default();
        match path.last_mut() {
            Some((last, n)) if *last == op => *n += 1,
            _ => path.push((op, 1)),
        }
    }
    Trace { depth, path }
}

/// The environment `tests/support` gives the binary: no inherited AWS settings, fixed test
/// credentials, every call to `endpoint`.
fn hermetic_aws_env(cmd: &mut Command, endpoint: &str) {
    for (k, _) in std::env::vars_os() {
        let ks = k.to_string_lossy();
        if ks.starts_with("AWS_") || ks == "CLICOLOR_FORCE" || ks == "FORCE_COLOR" {
            cmd.env_remove(&k);
        }
    }
    let nowhere = std::env::temp_dir().join("lambda-trust-bench-nonexistent");
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", REGION)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_CONFIG_FILE", nowhere.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1");
}

// ------------------------------------------------------------------------------ machine

struct Machine {
    nproc: usize,
    cpu: String,
    memory: String,
    kernel: String,
    date: String,
    /// `/proc/loadavg` (1, 5, 15 min) when the run started: other work on the machine.
    load: String,
    profile: String,
    tool_start: Duration,
    python_start: Duration,
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    match v.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

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

fn machine(settings: &Settings) -> Machine {
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let memory = read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into());
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
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
        nproc,
        cpu,
        memory,
        kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
        date,
        load: read("/proc/loadavg")
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        profile: if cfg!(debug_assertions) {
            "dev profile (`just bench dev`: unoptimised crate, dependencies at opt-level 1)".into()
        } else {
            "release profile (optimised; `cargo bench` in target/bench-release)".into()
        },
        tool_start,
        python_start,
    }
}

// ------------------------------------------------------------------------------ report

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

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

/// Call stats of the samples; `None` when they differ between repetitions (then the range).
fn consistent(samples: &[Sample]) -> (CallStats, Option<(usize, usize)>) {
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

fn render(settings: &Settings, m: &Machine, r: &Results, total: Duration) -> String {
    let lat_ms = settings.latency.as_millis();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "_Generated by `just bench` on {}; total run time {:.0} s._\n",
        m.date,
        total.as_secs_f64()
    );
    let _ = writeln!(md, "### Machine\n");
    let _ = writeln!(md, "| | |\n|---|---|");
    let _ = writeln!(md, "| CPU | {} × {} |", m.nproc, m.cpu);
    let _ = writeln!(md, "| memory | {} |", m.memory);
    let _ = writeln!(md, "| kernel | Linux {} |", m.kernel);
    let _ = writeln!(md, "| load average at start | {} |", m.load);
    let _ = writeln!(md, "| lambda-trust build | {} |", m.profile);
    let _ = writeln!(
        md,
        "| process start | `lambda-trust --version` {:.0} ms; `python -c 'import boto3; …client(\"iam\")'` {:.0} ms |",
        m.tool_start.as_secs_f64() * 1e3,
        m.python_start.as_secs_f64() * 1e3
    );
    let _ = writeln!(
        md,
        "| emulator | moto_server 5.2.5 (`.venv`), one server, reset and re-seeded before every round |"
    );
    let _ = writeln!(
        md,
        "| latency | {lat_ms} ms added by the proxy to every call (concurrent calls overlap) |"
    );
    let _ = writeln!(
        md,
        "| repetitions | lambda-trust: {} per size; baseline: {} per size below 500 targets, {} at 500 |\n",
        settings.reps,
        settings.reps,
        settings.baseline_reps(500)
    );

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
                    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
                    format!("{} s ({} / {})", secs(median(&walls)), st.total, st.writes)
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
        for sc in Scenario::TOOL
            .iter()
            .copied()
            .chain([Scenario::BaselineFirst, Scenario::BaselineRerun])
        {
            let Some(samples) = r.timed.get(&(n, sc)) else {
                continue;
            };
            let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
            let med = median(&walls);
            let lo = walls.iter().min().copied().unwrap_or_default();
            let hi = walls.iter().max().copied().unwrap_or_default();
            let depth = match r.traces.get(&(n, sc)) {
                Some(t) => t.depth.to_string(),
                None if sc.is_baseline() => "= calls".to_string(),
                None => "–".to_string(),
            };
            let cpu = |f: fn(&Sample) -> Duration| {
                median(&samples.iter().map(f).collect::<Vec<_>>()).as_secs_f64() * 1e3
            };
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
            let _ = writeln!(
                md,
                "| {n} | {label} | {} | {}–{} | {} | {depth} | {cpu} | {calls} | {} | {writes} | {} |",
                secs(med),
                secs(lo),
                secs(hi),
                samples.len(),
                st.reads,
                by_service(&st)
            );
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

    // Targets from the issue.
    let _ = writeln!(md, "### Targets\n");
    let _ = writeln!(md, "| target | measured | |\n|---|---|---|");
    let lat = settings.latency;
    // (median wall, stats, median tool CPU, median moto CPU)
    let timed = |n: usize, sc: Scenario| -> Option<(Duration, CallStats, Duration, Duration)> {
        let samples = r.timed.get(&(n, sc))?;
        let med = |f: fn(&Sample) -> Duration| median(&samples.iter().map(f).collect::<Vec<_>>());
        Some((
            med(|s| s.wall),
            consistent(samples).0,
            med(|s| s.tool_cpu),
            med(|s| s.moto_cpu),
        ))
    };
    // "where the time goes" for one row
    let breakdown = |n: usize, sc: Scenario| -> String {
        let Some((_, _, tool, moto)) = timed(n, sc) else {
            return String::new();
        };
        let depth = r.traces.get(&(n, sc)).map(|t| t.depth).unwrap_or(0);
        format!(
            "network depth {depth} × {} ms = {:.0} ms; moto CPU {:.0} ms; lambda-trust CPU {:.0} ms",
            lat.as_millis(),
            (lat * depth as u32).as_secs_f64() * 1e3,
            moto.as_secs_f64() * 1e3,
            tool.as_secs_f64() * 1e3
        )
    };
    let verdict = |ok: bool| if ok { "met" } else { "**missed**" };
    let over = |t: Duration, limit: f64| {
        if t.as_secs_f64() <= limit {
            String::new()
        } else {
            format!(" (+{:.0} ms over)", (t.as_secs_f64() - limit) * 1e3)
        }
    };
    if let Some((t, st, _, _)) = timed(50, Scenario::Check) {
        let ok = t <= Duration::from_millis(300);
        let _ = writeln!(
            md,
            "| no-op `check` at 50 targets ≤ 0.3 s | {} s{}: {} | {} |",
            secs(t),
            over(t, 0.3),
            breakdown(50, Scenario::Check),
            verdict(ok)
        );
        let _ = writeln!(
            md,
            "| … with 0 writes | {} | {} |",
            st.writes,
            verdict(st.writes == 0)
        );
    }
    // IAM reads of `check` against the number of invoke-policy shards (CreatePolicy calls of the
    // first apply): 3 role reads + 3 per shard is "does not grow with targets".
    let rows: Vec<(usize, usize, usize)> = settings
        .sizes
        .iter()
        .filter_map(|&n| {
            let (_, check, _, _) = timed(n, Scenario::Check)?;
            let (_, first, _, _) = timed(n, Scenario::ApplyScratch)?;
            let shards = first
                .by_op
                .get("iam:CreatePolicy")
                .map(|x| x.0)
                .unwrap_or(0);
            Some((n, iam_reads(&check), shards))
        })
        .collect();
    if !rows.is_empty() {
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
    if let Some((t, st, _, _)) = timed(50, Scenario::ApplyScratch) {
        let ok = t <= Duration::from_secs(1);
        let _ = writeln!(
            md,
            "| first `apply` at 50 targets ≤ 1 s | {} s{}: {} | {} |",
            secs(t),
            over(t, 1.0),
            breakdown(50, Scenario::ApplyScratch),
            verdict(ok)
        );
        let _ = writeln!(
            md,
            "| … with ≤ 5 writes | {} ({}) | {} |",
            st.writes,
            st.by_op
                .iter()
                .filter(|(k, _)| {
                    let op = k.split(':').nth(1).unwrap_or("");
                    !(op.starts_with("Get") || op.starts_with("List"))
                })
                .map(|(k, (n, _))| format!("{k} ×{n}"))
                .collect::<Vec<_>>()
                .join(", "),
            verdict(st.writes <= 5)
        );
    }
    if let Some((_, st, _, _)) = timed(50, Scenario::BaselineRerun) {
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

    let _ = writeln!(md, "\n### Critical paths (traced round)\n");
    let _ = writeln!(
        md,
        "The chain of calls that sets each command's depth, in order (`×k`: k round trips of \
         that operation one after another).\n"
    );
    let _ = writeln!(
        md,
        "| targets | run | depth | critical path |\n|---:|---|---:|---|"
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
        let _ = writeln!(md, "| {n} | {} | {} | {path} |", sc.label(), t.depth);
    }

    let _ = writeln!(md, "\n### Calls by operation\n");
    let _ = writeln!(md, "| targets | run | calls |\n|---:|---|---|");
    for &n in &settings.sizes {
        for sc in Scenario::TOOL
            .iter()
            .copied()
            .chain([Scenario::BaselineFirst, Scenario::BaselineRerun])
        {
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
    md
}

fn update_benchmarks_md(generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
    let block = format!("{BEGIN}\n{generated}{END}");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let new = match (text.find(BEGIN), text.find(END)) {
        (Some(b), Some(e)) if b < e => {
            format!("{}{block}{}", &text[..b], &text[e + END.len()..])
        }
        _ if text.is_empty() => format!("# Benchmarks\n\n{block}\n"),
        _ => format!("{}\n\n## Results\n\n{block}\n", text.trim_end()),
    };
    std::fs::write(&path, new).expect("write BENCHMARKS.md");
    eprintln!("bench: updated {}", path.display());
}

// ------------------------------------------------------------------------------ main

fn main() {
    // `cargo bench` passes --bench; anything else (e.g. `cargo test --benches`) is not a run.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("benches/bench.rs: run it with `just bench` (cargo bench --bench bench)");
        return;
    }
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let _ = std::fs::create_dir_all(&out_dir);
    let (settings, m, results, total) = match std::env::var_os("BENCH_FROM") {
        // Re-render a previous run's raw numbers (e.g. after changing the report).
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("BENCH_FROM={}: {e}", Path::new(&path).display()));
            from_raw(&serde_json::from_str(&text).expect("BENCH_FROM: not JSON"))
        }
        None => {
            let run = run();
            let raw = to_raw(&run.0, &run.1, &run.2, run.3);
            let path = out_dir.join("raw.json");
            std::fs::write(&path, serde_json::to_string(&raw).expect("JSON"))
                .expect("write raw.json");
            eprintln!("bench: raw numbers in {}", path.display());
            run
        }
    };
    let md = render(&settings, &m, &results, total);
    print!("{md}");
    let _ = std::fs::write(out_dir.join("results.md"), &md);
    if settings.update_md {
        update_benchmarks_md(&md);
    } else {
        eprintln!(
            "bench: BENCH_UPDATE_MD=0: wrote {} only",
            out_dir.join("results.md").display()
        );
    }
}

fn run() -> (Settings, Machine, Results, Duration) {
    let settings = Settings::from_env();
    assert!(
        settings.python.exists(),
        "{} not found — run `just setup` (or set BENCH_PYTHON)",
        settings.python.display()
    );
    let started = Instant::now();
    let m = machine(&settings);
    let moto = MotoServer::start();
    let proxy = Proxy::start(&moto.url());
    let bench = Bench {
        settings,
        moto_pids: moto_pids(moto.port()),
        proxy,
        moto,
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let s = &bench.settings;
    if bench.moto_pids.is_empty() {
        eprintln!("bench: warning: moto's PID not found; its CPU time will read 0");
    }
    eprintln!(
        "bench: sizes {:?}, {} reps, {} ms latency, binary {}",
        s.sizes,
        s.reps,
        s.latency.as_millis(),
        support::bin_path().display()
    );
    let mut results = Results::default();
    for &n in &s.sizes {
        for rep in 0..s.reps {
            let t = Instant::now();
            for (sc, sample, _) in bench.tool_round(n, false) {
                results.timed.entry((n, sc)).or_default().push(sample);
            }
            eprintln!(
                "bench: {n:>4} targets, lambda-trust round {}/{} ({:.1} s)",
                rep + 1,
                s.reps,
                t.elapsed().as_secs_f64()
            );
        }
        let t = Instant::now();
        for (sc, _, trace) in bench.tool_round(n, true) {
            if let Some(trace) = trace {
                results.traces.insert((n, sc), trace);
            }
        }
        eprintln!(
            "bench: {n:>4} targets, traced round ({:.1} s)",
            t.elapsed().as_secs_f64()
        );
        let reps = s.baseline_reps(n);
        for rep in 0..reps {
            let t = Instant::now();
            for (sc, sample) in bench.baseline_round(n) {
                results.timed.entry((n, sc)).or_default().push(sample);
            }
            eprintln!(
                "bench: {n:>4} targets, baseline round {}/{reps} ({:.1} s)",
                rep + 1,
                t.elapsed().as_secs_f64()
            );
        }
    }
    let total = started.elapsed();
    let Bench { settings, .. } = bench;
    (settings, m, results, total)
}

// ------------------------------------------------------------------------------ raw numbers

fn to_raw(s: &Settings, m: &Machine, r: &Results, total: Duration) -> Value {
    let timed: Vec<Value> = r
        .timed
        .iter()
        .flat_map(|((n, sc), samples)| {
            samples.iter().map(move |x| {
                json!({
                    "n": n,
                    "scenario": sc.id(),
                    "wall": x.wall.as_secs_f64(),
                    "tool_cpu": x.tool_cpu.as_secs_f64(),
                    "moto_cpu": x.moto_cpu.as_secs_f64(),
                    "calls": x.calls.iter().map(|c| json!([c.seq, c.service, c.key, kind_id(c.kind), c.status])).collect::<Vec<_>>(),
                })
            })
        })
        .collect();
    let traces: Vec<Value> = r
        .traces
        .iter()
        .map(|((n, sc), t)| json!({"n": n, "scenario": sc.id(), "depth": t.depth, "path": t.path}))
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

fn from_raw(v: &Value) -> (Settings, Machine, Results, Duration) {
    let f = |v: &Value| Duration::from_secs_f64(v.as_f64().unwrap_or(0.0));
    let u = |v: &Value| v.as_u64().unwrap_or(0) as usize;
    let st = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut settings = Settings::from_env();
    let sv = &v["settings"];
    settings.sizes = sv["sizes"]
        .as_array()
        .map(|a| a.iter().map(u).collect())
        .unwrap_or_default();
    settings.reps = u(&sv["reps"]);
    settings.latency = Duration::from_millis(sv["latency_ms"].as_u64().unwrap_or(0));
    settings.baseline_reps_large = u(&sv["baseline_reps_large"]);
    settings.baseline = sv["baseline"].as_bool().unwrap_or(true);
    let mv = &v["machine"];
    let m = Machine {
        nproc: u(&mv["nproc"]),
        cpu: st(&mv["cpu"]),
        memory: st(&mv["memory"]),
        kernel: st(&mv["kernel"]),
        date: st(&mv["date"]),
        load: st(&mv["load"]),
        profile: st(&mv["profile"]),
        tool_start: f(&mv["tool_start"]),
        python_start: f(&mv["python_start"]),
    };
    let mut r = Results::default();
    for x in v["timed"].as_array().into_iter().flatten() {
        let calls = x["calls"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| Rec {
                seq: u(&c[0]),
                service: st(&c[1]),
                key: st(&c[2]),
                kind: match c[3].as_str() {
                    Some("read") => Kind::Read,
                    Some("write") => Kind::Write,
                    _ => Kind::Other,
                },
                status: c[4].as_u64().map(|s| s as u16),
            })
            .collect();
        r.timed
            .entry((u(&x["n"]), Scenario::from_id(&st(&x["scenario"]))))
            .or_default()
            .push(Sample {
                wall: f(&x["wall"]),
                tool_cpu: f(&x["tool_cpu"]),
                moto_cpu: f(&x["moto_cpu"]),
                calls,
            });
    }
    for t in v["traces"].as_array().into_iter().flatten() {
        let path = t["path"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| (st(&p[0]), u(&p[1])))
            .collect();
        r.traces.insert(
            (u(&t["n"]), Scenario::from_id(&st(&t["scenario"]))),
            Trace {
                depth: u(&t["depth"]),
                path,
            },
        );
    }
    (settings, m, r, f(&v["total"]))
}
