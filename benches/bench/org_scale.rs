//! Scenario group 4, a whole organization: one organization of `BENCH_ORG_ACCOUNTS` accounts
//! (default 1,000) × 20 roles, seeded once with `scripts/seed_audit.py` straight to moto (not
//! counted, not delayed), then audited through the latency proxy two ways:
//! - account by account (`--accounts FILE --assume-role`: one `AssumeRole`, one IAM read and the
//!   whole path's reads per account) over the first 20 and 100 accounts;
//! - through AWS Config aggregators (`--config-aggregator`, nothing assumed) over the same 20
//!   and 100 accounts and over the whole organization.
//!
//! The per-account calls grow with accounts, the aggregator's with pages of 100 resources. Its
//! markdown goes into its own block of BENCHMARKS.md (`<!-- bench-org-scale:begin -->`);
//! `BENCH_ORG_SCALE_ONLY=1` runs only this group (it is off by default: seeding 1,000 accounts
//! takes minutes).

use std::time::Instant;

use super::audit::{table, Row};
use super::fixture::Bench;

/// Roles seeded in each account (`seed_audit.py`: one per finding code, the exact patterns,
/// the rest clean).
const ROLES: usize = 20;

impl Bench {
    /// Runs the organization scenarios; returns their markdown section.
    pub fn org_scale_section(&self, accounts: usize, reps: usize) -> String {
        let t = Instant::now();
        self.moto.reset();
        let ids = self.seed_audit(&["org", &accounts.to_string(), &ROLES.to_string()]);
        self.seed_audit(&["aggregator", "whole-org"]);
        eprintln!(
            "bench: org scale: seeded {accounts} accounts × {ROLES} roles ({:.1} s)",
            t.elapsed().as_secs_f64()
        );
        let mut rows = Vec::new();
        for n in [20, 100].into_iter().filter(|n| *n <= accounts) {
            rows.push(self.by_account(&ids[..n], reps));
            rows.push(self.by_aggregator(&ids[..n], reps));
        }
        rows.push(self.aggregated(
            "whole-org",
            format!("{accounts} accounts, `--config-aggregator` (organization source)"),
            roles(accounts),
            reps,
        ));
        format!(
            "### A whole organization: account by account, and through AWS Config\n\n{} ms per call, {reps} run(s) each; median (min–max); {ROLES} roles seeded per account. Calls: every call the proxy recorded, by operation.\n\n{}",
            self.settings.latency.as_millis(),
            table(&rows)
        )
    }

    fn by_account(&self, ids: &[String], reps: usize) -> Row {
        let file = self.dir.path().join(format!("accounts-{}.txt", ids.len()));
        std::fs::write(&file, ids.join("\n")).expect("write the accounts file");
        let args = [
            "--accounts",
            file.to_str().unwrap(),
            "--assume-role",
            "lambda-trust-audit",
        ];
        let what = format!("audit of {} accounts, one by one", ids.len());
        Row {
            label: format!("{} accounts, `--accounts FILE --assume-role`", ids.len()),
            roles: roles(ids.len()),
            samples: (0..reps)
                .map(|_| self.measure(&mut self.audit_cmd(&args), &what, 2, false).0)
                .collect(),
        }
    }

    fn by_aggregator(&self, ids: &[String], reps: usize) -> Row {
        let name = format!("first-{}", ids.len());
        self.seed_audit(&["aggregator", &name, &ids.join(",")]);
        let label = format!(
            "{} accounts, `--config-aggregator` (account source)",
            ids.len()
        );
        self.aggregated(&name, label, roles(ids.len()), reps)
    }

    fn aggregated(&self, name: &str, label: String, roles: usize, reps: usize) -> Row {
        let args = ["--config-aggregator", name];
        let what = format!("audit through aggregator {name}");
        Row {
            label,
            roles,
            samples: (0..reps)
                .map(|_| self.measure(&mut self.audit_cmd(&args), &what, 2, false).0)
                .collect(),
        }
    }
}

/// Roles in `n` accounts: the management account's 20, and 21 in each created one (moto gives
/// it OrganizationAccountAccessRole, as AWS does).
fn roles(n: usize) -> usize {
    ROLES * n + n.saturating_sub(1)
}
