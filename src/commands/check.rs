//! `lambda-trust check`: the drift check for CI over one or many configs (`app::check`), or of
//! one config against a template or plan (`--template`, `--plan`).

use super::files::{sarif_and_json, write_report_files};
use super::invocation::{Invocation, Output};
use crate::app::check::{self, IacCheck};
use crate::app::iac::IacSource;
use crate::app::Events;
use crate::cli::{CheckIacArgs, ReportFiles};
use crate::error::{Result, Status};
use lambda_trust_provision::{CheckReport, Side};
use lambda_trust_verdict::Judged;

pub(super) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    files: &ReportFiles,
    only: Option<Side>,
    path: crate::app::path::PathAsk<'_>,
    test_actions: bool,
) -> Result<Status> {
    let paths = inv.config.many()?;
    let report = check::check(&inv.settings, events, &paths, only, path, test_actions).await;
    print_report(&inv.output, files, &report)
}

/// `check --template/--plan`: the config's desired state against the code's, no AWS call.
pub(super) fn run_template(
    inv: &Invocation,
    files: &ReportFiles,
    iac: &CheckIacArgs,
) -> Result<Status> {
    let source = match &iac.plan {
        Some(path) => IacSource::Plan {
            path: path.clone(),
            source_dir: iac.source_dir.clone(),
        },
        None => IacSource::Template {
            path: iac.template.clone().unwrap_or_else(|| "-".into()),
            parameters: iac.parameters.iter().cloned().collect(),
        },
    };
    let options = IacCheck {
        source,
        account_id: iac.account_id.clone(),
    };
    let report = check::check_iac(&inv.settings, &inv.config.many()?, &options)?;
    print_report(&inv.output, files, &report)
}

/// Writes the report files and prints the report in the chosen format.
fn print_report(output: &Output, files: &ReportFiles, report: &CheckReport) -> Result<Status> {
    write_report_files(report, &sarif_and_json(files))?;
    output.emit(report)?;
    Ok(report.status())
}
