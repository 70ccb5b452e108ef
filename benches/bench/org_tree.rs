//! Scenario group 5, the organization read once a run: one organization of
//! `BENCH_ORG_TREE_MEMBERS` created member accounts (default 100) and one invited, in nested OUs
//! (Workloads → Prod, Dev; Sandbox; two at the root), seeded once with
//! `scripts/seed_guardrail.py` straight to moto (not counted, not delayed), then through the
//! latency proxy: `audit --organization`, `guardrail plan` (RCPs not enabled), `guardrail apply`
//! and `guardrail check` (the guardrail attached), each with `--assume-role` in every member
//! account. Calls by operation, wall time, and the calls per account besides the
//! organization's own reads and `GetPolicy`: what grows with the accounts. Its markdown goes
//! into its own block of BENCHMARKS.md (`<!-- bench-org-tree:begin -->`);
//! `BENCH_ORG_TREE_ONLY=1` (`just bench-org`) runs only this group.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use super::fixture::{hermetic_aws_env, Bench};
use super::model::Sample;
use super::stats::median_of;
use crate::support;

/// One command of the group: its label, arguments and expected exit.
struct Step {
    label: &'static str,
    args: Vec<String>,
    exit: i32,
}

impl Bench {
    /// Seeds the organization and runs the group; returns its markdown section.
    pub fn org_tree_section(&self, members: usize, reps: usize) -> String {
        let t = Instant::now();
        self.moto.reset();
        let seed = self.seed_guardrail(members);
        let accounts = seed["accounts"].as_object().map_or(0, |a| a.len()) + 1;
        eprintln!(
            "bench: org tree: seeded {accounts} accounts ({:.1} s)",
            t.elapsed().as_secs_f64()
        );
        let mut md = format!(
            "### The organization read once: {accounts} accounts in nested OUs\n\n{} ms per \
             call, {reps} run(s) each; median (min–max). Calls: every call the proxy recorded, \
             by operation; per account: the calls besides Organizations', \
             `GetCallerIdentity` and `GetPolicy`, over the {accounts} accounts.\n\n\
             | command | calls | Organizations | per account | wall |\n|---|---|---:|---:|---:|\n",
            self.settings.latency.as_millis()
        );
        for step in steps(&seed) {
            let samples: Vec<Sample> = (0..reps)
                .map(|_| {
                    self.measure(
                        &mut self.lambda_trust(&step.args),
                        step.label,
                        step.exit,
                        false,
                    )
                    .0
                })
                .collect();
            md.push_str(&row(step.label, &samples, accounts));
        }
        md
    }

    fn seed_guardrail(&self, members: usize) -> Value {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/seed_guardrail.py");
        let out = Command::new(&self.settings.python)
            .arg(script)
            .arg(self.moto.url())
            .arg(members.to_string())
            .output()
            .expect("run seed_guardrail.py");
        assert!(
            out.status.success(),
            "seed_guardrail.py: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("seed_guardrail.py prints JSON")
    }

    fn lambda_trust(&self, args: &[String]) -> Command {
        let mut cmd = Command::new(support::bin_path());
        cmd.args(args)
            .args(["--format", "json", "--color", "never"]);
        hermetic_aws_env(&mut cmd, &self.proxy.url());
        cmd
    }
}

/// `audit --organization`, then the guardrail planned, applied and checked, exempting
/// Genesys Cloud's integration roles the seed holds (Lex, Lex V2, S3), as docs/guardrail.md's
/// quick start does.
fn steps(seed: &Value) -> Vec<Step> {
    let org = seed["org_id"].as_str().unwrap_or_default().to_owned();
    let lex = format!(
        "arn:aws:iam::{}:role/genesys-lex",
        seed["first"]["Sandbox"].as_str().unwrap_or_default()
    );
    let mut exempt = vec![lex];
    if let Some(rest) = seed["integration"].as_object() {
        exempt.extend(rest.values().filter_map(|v| v.as_str().map(str::to_owned)));
    }
    let owned = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    let guardrail = |verb: &str, extra: &[&str]| {
        let mut a = owned(&["guardrail", verb, "--genesys-org-id", &org]);
        for e in &exempt {
            a.extend(owned(&["--exempt-role", e]));
        }
        a.extend(owned(&["--assume-role", "lambda-trust-audit"]));
        a.extend(owned(extra));
        a
    };
    let audit = owned(&[
        "audit",
        "--organization",
        "--assume-role",
        "lambda-trust-audit",
        "--genesys-org-id",
        &org,
    ]);
    vec![
        Step {
            label: "`audit --organization`",
            args: audit,
            exit: 2,
        },
        Step {
            label: "`guardrail plan` (RCPs not enabled)",
            args: guardrail("plan", &[]),
            exit: 2,
        },
        Step {
            label: "`guardrail apply`",
            args: guardrail("apply", &["--yes"]),
            exit: 0,
        },
        Step {
            label: "`guardrail check` (attached)",
            args: guardrail("check", &[]),
            exit: 0,
        },
    ]
}

/// One command's row: its calls by operation, the Organizations calls, the calls per account
/// besides them, `GetCallerIdentity` and `GetPolicy`, and the wall time.
fn row(label: &str, samples: &[Sample], accounts: usize) -> String {
    let mut ops: BTreeMap<String, usize> = BTreeMap::new();
    for c in &samples[0].calls {
        *ops.entry(c.key.clone()).or_default() += 1;
    }
    let shared = |k: &str| {
        k.starts_with("organizations:") || k == "sts:GetCallerIdentity" || k == "lambda:GetPolicy"
    };
    let org: usize = (ops.iter())
        .filter(|(k, _)| k.starts_with("organizations:"))
        .map(|(_, n)| n)
        .sum();
    let each: usize = ops.iter().filter(|(k, _)| !shared(k)).map(|(_, n)| n).sum();
    let calls: Vec<String> = ops.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let walls: Vec<f64> = samples.iter().map(|s| s.wall.as_secs_f64()).collect();
    let (lo, hi) = (walls.iter()).fold((f64::MAX, 0f64), |(a, b), w| (a.min(*w), b.max(*w)));
    format!(
        "| {label} | {} ({}) | {org} | {:.2} | {:.2} s ({lo:.2}–{hi:.2}) |\n",
        samples[0].calls.len(),
        calls.join(", "),
        each as f64 / accounts as f64,
        median_of(samples, |s| s.wall).as_secs_f64(),
    )
}
