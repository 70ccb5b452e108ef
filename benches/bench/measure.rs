//! One measured run: the proxy set to the bench latency and cleared, the process spawned and
//! timed from spawn to exit, CPU times of it and of moto, the calls the proxy recorded, and —
//! on the traced round — the round-trip structure.

use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::cpu::{children_ticks, ticks_to_duration};
use super::fixture::Bench;
use super::model::{Rec, Sample, Trace};
use super::trace;
use crate::support::FaultConfig;

impl Bench {
    /// Runs `cmd` through the proxy, expecting exit `code`; with `trace`, timestamps every call
    /// (see [`trace::depth`]).
    pub fn measure(
        &self,
        cmd: &mut Command,
        what: &str,
        code: i32,
        trace: bool,
    ) -> (Sample, Option<Trace>) {
        // ListFunctions answered in pages of 50, as AWS answers it (Lambda API Reference,
        // ListFunctions); moto answers with every function at once.
        self.proxy.set_faults(FaultConfig {
            latency: self.settings.latency,
            list_functions_page: Some(50),
            ..FaultConfig::default()
        });
        self.proxy.clear();
        cmd.stdin(Stdio::null());
        let stop = AtomicBool::new(false);
        let (out, wall, tool_ticks, moto_ticks, times, span) = std::thread::scope(|scope| {
            let poller = trace.then(|| scope.spawn(|| trace::poll_calls(&self.proxy, &stop)));
            let (c0, m0) = (children_ticks(), self.moto.cpu_seconds());
            let started = Instant::now();
            let out = cmd.output().unwrap_or_else(|e| panic!("spawn {what}: {e}"));
            let exited = Instant::now();
            let wall = exited - started;
            let (c1, m1) = (children_ticks(), self.moto.cpu_seconds());
            stop.store(true, Ordering::SeqCst);
            let times = poller.map(|h| h.join().expect("poller"));
            let span = (started, exited);
            (out, wall, c1 - c0, (m1 - m0).max(0.0), times, span)
        });
        let calls: Vec<Rec> = self.proxy.calls().iter().map(Rec::from).collect();
        self.expect_exit(&out, what, code);
        let trace = times.map(|t| trace::depth(&calls, &t, span));
        let sample = Sample {
            wall,
            tool_cpu: ticks_to_duration(tool_ticks),
            moto_cpu: Duration::from_secs_f64(moto_ticks),
            calls,
        };
        (sample, trace)
    }

    /// Panics with the process's output and moto's log tail unless it exited with `code`.
    fn expect_exit(&self, out: &Output, what: &str, code: i32) {
        if out.status.code() != Some(code) {
            panic!(
                "{what}: exit {:?} (expected {code})\n--- stdout\n{}\n--- stderr\n{}\nmoto log tail:\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                self.moto.log_tail(20)
            );
        }
    }
}
