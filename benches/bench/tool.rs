//! Scenario group 1, lambda-trust: on fresh state with N targets, `apply` (from scratch),
//! `apply` (no-op), `check`, `verify` (the last three asserted to write nothing) and `onboard`
//! of the (N+1)-th function, each its own process with `--format json`.

use std::process::Command;

use super::fixture::{function_names, hermetic_aws_env, Bench};
use super::model::{Sample, Scenario, Trace};
use super::EXTRA;
use crate::support::{self, Kind};

impl Bench {
    /// The binary with `args`, the bench's config, JSON output, through the proxy.
    fn tool(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(support::bin_path());
        cmd.args(args)
            .arg("--config")
            .arg(self.config_path())
            .args(["--format", "json", "--color", "never"]);
        hermetic_aws_env(&mut cmd, &self.proxy.url());
        cmd
    }

    /// apply (scratch), apply (no-op), check, verify, onboard — on fresh state with N targets.
    pub fn tool_round(&self, n: usize, trace: bool) -> Vec<(Scenario, Sample, Option<Trace>)> {
        let mut functions = function_names(n);
        functions.push(EXTRA.to_string());
        self.fresh_state(&functions);
        self.write_config(&functions[..n]);
        let mut out = Vec::new();
        for sc in Scenario::TOOL {
            let mut cmd = match sc {
                Scenario::ApplyScratch | Scenario::ApplyNoop => self.tool(&["apply", "--yes"]),
                Scenario::Check => self.tool(&["check"]),
                Scenario::Verify => self.tool(&["verify"]),
                Scenario::Onboard => self.tool(&["onboard", "--yes", EXTRA]),
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
}
