//! Scenario group 3, `lambda-trust audit`: one account with 1,000 roles, and an organization
//! of 20 accounts × 100 roles, each seeded with `scripts/seed_audit.py` straight to moto (not
//! counted, not delayed), then audited through the latency proxy `BENCH_AUDIT_REPS` times
//! (default 3). Its markdown goes into its own block of BENCHMARKS.md
//! (`<!-- bench-audit:begin -->`), so `BENCH_AUDIT_ONLY=1` can re-run just these scenarios.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

use super::fixture::{hermetic_aws_env, Bench};
use super::model::Sample;
use super::stats::median_of;
use crate::support;

const ACCOUNT: &str = crate::support::moto::DEFAULT_ACCOUNT;

pub(super) struct Row {
    pub label: String,
    pub roles: usize,
    pub samples: Vec<Sample>,
}

impl Bench {
    pub(super) fn seed_audit(&self, args: &[&str]) -> Vec<String> {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/seed_audit.py");
        let out = Command::new(&self.settings.python)
            .arg(script)
            .arg(self.moto.url())
            .args(args)
            .output()
            .expect("run seed_audit.py");
        assert!(
            out.status.success(),
            "seed_audit.py {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        stdout.lines().map(str::to_owned).collect()
    }

    pub(super) fn audit_cmd(&self, extra: &[&str]) -> Command {
        let mut cmd = Command::new(support::bin_path());
        cmd.args([
            "audit",
            "--partner",
            "genesys-cloud",
            "--format",
            "json",
            "--color",
            "never",
        ])
        .args(extra);
        hermetic_aws_env(&mut cmd, &self.proxy.url());
        cmd
    }

    fn audit_rows(&self, reps: usize) -> Vec<Row> {
        let mut rows = Vec::new();
        let t = Instant::now();
        self.moto.reset();
        self.seed_audit(&["roles", ACCOUNT, "1000"]);
        eprintln!(
            "bench: audit: seeded 1,000 roles ({:.1} s)",
            t.elapsed().as_secs_f64()
        );
        let samples = (0..reps)
            .map(|_| {
                self.measure(&mut self.audit_cmd(&[]), "audit of 1,000 roles", 2, false)
                    .0
            })
            .collect();
        rows.push(Row {
            label: "one account".into(),
            roles: 1000,
            samples,
        });
        let t = Instant::now();
        self.moto.reset();
        self.seed_audit(&["org", "20", "100"]);
        eprintln!(
            "bench: audit: seeded 20 accounts × 100 roles ({:.1} s)",
            t.elapsed().as_secs_f64()
        );
        let org = ["--organization", "--assume-role", "lambda-trust-audit"];
        let samples = (0..reps)
            .map(|_| {
                self.measure(&mut self.audit_cmd(&org), "audit of 20 accounts", 2, false)
                    .0
            })
            .collect();
        // 100 roles per account, plus OrganizationAccountAccessRole in the 19 created ones.
        rows.push(Row {
            label: "organization, 20 accounts, `--concurrency 8`".into(),
            roles: 2019,
            samples,
        });
        rows
    }

    /// Runs the audit scenarios; returns their markdown section.
    pub fn audit_section(&self, reps: usize) -> String {
        let rows = self.audit_rows(reps);
        let head = format!(
            "### `audit`\n\n{} ms per call, {reps} run(s) each; median (min–max). Calls: every call the proxy recorded, by operation.\n\n",
            self.settings.latency.as_millis()
        );
        head + &table(&rows)
    }
}

/// The rows as a markdown table: calls by operation, wall, CPU.
pub(super) fn table(rows: &[Row]) -> String {
    let mut md = "| scenario | roles | calls | wall | lambda-trust CPU | moto CPU |\n|---|---:|---|---:|---:|---:|\n".to_owned();
    for r in rows {
        let mut ops: BTreeMap<String, usize> = BTreeMap::new();
        for c in &r.samples[0].calls {
            *ops.entry(c.key.clone()).or_default() += 1;
        }
        let calls: Vec<String> = ops.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let walls: Vec<f64> = r.samples.iter().map(|s| s.wall.as_secs_f64()).collect();
        let (lo, hi) = walls
            .iter()
            .fold((f64::MAX, 0f64), |(a, b), w| (a.min(*w), b.max(*w)));
        md.push_str(&format!(
            "| {} | {} | {} ({}) | {:.2} s ({:.2}–{:.2}) | {:.2} s | {:.2} s |\n",
            r.label,
            r.roles,
            r.samples[0].calls.len(),
            calls.join(", "),
            median_of(&r.samples, |s| s.wall).as_secs_f64(),
            lo,
            hi,
            median_of(&r.samples, |s| s.tool_cpu).as_secs_f64(),
            median_of(&r.samples, |s| s.moto_cpu).as_secs_f64(),
        ));
    }
    md
}
