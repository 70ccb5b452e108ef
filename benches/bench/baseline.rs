//! Scenario group 2, the baseline: `benches/baseline_boto3_tutorial.py` (the script most boto3
//! tutorials give) run with the bench's Python against the same proxy — its first run and its
//! re-run, on fresh state with N functions.

use std::path::Path;
use std::process::Command;

use super::fixture::{function_names, hermetic_aws_env, Bench};
use super::model::{Sample, Scenario};
use super::REGION;

impl Bench {
    /// The tutorial script for these functions, through the proxy.
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

    /// The baseline's first run and its re-run, on fresh state with N functions.
    pub fn baseline_round(&self, n: usize) -> Vec<(Scenario, Sample)> {
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
