//! `lambda-trust check`: the drift check for CI over one or many configs.

use std::path::Path;

use super::files::write_report_files;
use super::genesys_live;
use super::invocation::{Invocation, Output};
use super::live::aws_drift;
use super::progress::spinner;
use crate::aws::pace::Pacer;
use crate::aws::prepare as aws_prepare;
use crate::aws::trail as aws_trail;
use crate::cli::{CheckIacArgs, ReportFiles};
use crate::config;
use crate::core::change_set::Side;
use crate::core::check as core_check;
use crate::core::drift;
use crate::core::genesys::{genesys_checks, genesys_findings, GenesysPlan};
use crate::core::iac::{self, IacModel, TemplateInput};
use crate::core::render::RenderContext;
use crate::core::verify;
use crate::error::{Error, Result, Status};
use crate::report;

async fn check_one(
    inv: &Invocation,
    path: &Path,
    pacer: &Pacer,
    only: Option<Side>,
) -> drift::ConfigReport {
    let name = path.display().to_string();
    let result: Result<drift::ConfigReport> = async {
        let loaded = config::load(path)?;
        let text = loaded.text.clone();
        genesys_live::check_only(only, &loaded.config)?;
        let templates = inv.templates.load()?;
        let clients = aws_prepare::connect(&loaded.config, &inv.aws).await?;
        let allow_weaker = inv.templates.allow_weaker;
        let prepared = aws_prepare::prepare(&clients, loaded, &templates, allow_weaker).await?;
        let (aws, verification) = if only == Some(Side::Genesys) {
            (Vec::new(), verify::Verification::new(Vec::new()))
        } else {
            let verification = verify::verification(&prepared.desired, &prepared.observed);
            (aws_drift(&clients, &prepared, pacer).await?, verification)
        };
        // The Genesys side, as if adopting too; each finding names who made the change when
        // the audit trail says. Its failure is reported beside the AWS findings, never instead.
        let genesys = match only {
            Some(Side::Aws) => Ok(None),
            _ => genesys_check(&clients, &prepared).await,
        };
        let side = match &genesys {
            Ok(None) => core_check::GenesysSide::NotChecked,
            Ok(Some(g)) => core_check::GenesysSide::Checked(core_check::GenesysCheck {
                findings: g.findings.clone(),
                checks: &g.checks,
                plan: &g.plan,
                lookup_error: g.lookup_error.clone(),
            }),
            Err(e) => core_check::GenesysSide::Failed(e.human()),
        };
        Ok(core_check::config_report(
            &name,
            &text,
            aws,
            &verification,
            side,
        ))
    }
    .await;
    result.unwrap_or_else(|e| drift::ConfigReport::error(&name, e.human()))
}

/// The Genesys side of one config's check, owned (`core_check::GenesysCheck` borrows it).
struct GenesysChecked {
    findings: Vec<drift::Finding>,
    checks: Vec<verify::Check>,
    plan: GenesysPlan,
    lookup_error: Option<String>,
}

/// Signs in, reads and plans the Genesys side as if adopting; `None` without `[genesys]`.
async fn genesys_check(
    clients: &crate::aws::Clients,
    prepared: &aws_prepare::Prepared,
) -> Result<Option<GenesysChecked>> {
    let Some(mut side) = genesys_live::prepare(clients, prepared, false).await? else {
        return Ok(None);
    };
    let (plan, lookup_error) = side.plan_for_check().await?;
    let findings = side.annotate(genesys_findings(&side.desired, &plan)).await;
    let role = prepared.observed.role.as_ref().map(|r| r.arn.as_str());
    let checks = genesys_checks(&side.desired, &side.observed, role);
    Ok(Some(GenesysChecked {
        findings,
        checks,
        plan,
        lookup_error,
    }))
}

pub(super) async fn run(
    inv: &Invocation,
    files: &ReportFiles,
    only: Option<Side>,
) -> Result<Status> {
    let paths = inv.config.many()?;
    let pb = spinner(&format!("checking {} config(s) against AWS", paths.len()));
    // One CloudTrail pace for the run: configs checked concurrently may share an account.
    let pacer = aws_trail::pacer();
    let reports =
        futures::future::join_all(paths.iter().map(|path| check_one(inv, path, &pacer, only)))
            .await;
    pb.finish_and_clear();
    let report = drift::CheckReport::new(reports);
    print_report(&inv.output, files, &report)
}

/// Writes the report files and prints the report in the chosen format.
fn print_report(
    output: &Output,
    files: &ReportFiles,
    report: &drift::CheckReport,
) -> Result<Status> {
    write_report_files(
        files,
        || report::check_sarif(report),
        || report::check_json(report),
    )?;
    output.emit(report)?;
    Ok(report.status())
}

/// `check --template`: the config's desired state against the template's model, no AWS call.
pub(super) fn run_template(
    inv: &Invocation,
    files: &ReportFiles,
    iac: &CheckIacArgs,
) -> Result<Status> {
    let path = match inv.config.many()?.as_slice() {
        [one] => one.clone(),
        _ => {
            return Err(Error::usage(
                "check --template/--plan takes one config",
                "give the config whose role the template or plan should define with --config",
            ))
        }
    };
    let loaded = config::load(&path)?;
    let config = &loaded.config;
    let account = (iac.account_id.clone())
        .or_else(|| config.aws.account_id.clone())
        .ok_or_else(|| {
            Error::usage(
                "check --template/--plan needs the account the code is deployed to",
                "pass --account-id ACCOUNT or set [aws].account_id in the config",
            )
        })?;
    let region = (config.aws.region.clone())
        .or_else(|| inv.aws.region.clone())
        .or_else(|| std::env::var("AWS_REGION").ok())
        .ok_or_else(|| {
            Error::usage(
                "check --template/--plan needs the region of the config's functions",
                "set [aws].region in the config, or pass --region",
            )
        })?;
    let ctx = RenderContext {
        account_id: Some(account.clone()),
        default_region: Some(region.clone()),
    };
    let (templates, allow_weaker) = (inv.templates.load()?, inv.templates.allow_weaker);
    let desired = iac::check::desired(config, &ctx, &templates, allow_weaker)?;
    let (model, file) = read_model(iac, &account, &region)?;
    let report = drift::CheckReport::new(vec![iac::check::check_model(&model, &desired, &file)]);
    print_report(&inv.output, files, &report)
}

/// The IaC's model (a template's or a plan's) and the file it was read from.
fn read_model(iac: &CheckIacArgs, account: &str, region: &str) -> Result<(IacModel, String)> {
    if let Some(plan) = &iac.plan {
        let source_dir = iac.source_dir.as_deref();
        return super::iac::read_plan_model(plan, source_dir, Some(account.to_owned()));
    }
    let template = iac.template.as_deref().unwrap_or(Path::new("-"));
    let hint = "give the path of a CloudFormation template (JSON or YAML)";
    let (file, text) = super::iac::read_file("--template", template, hint)?;
    let input = TemplateInput {
        file: file.clone(),
        text,
        parameters: iac.parameters.iter().cloned().collect(),
        account_id: Some(account.to_owned()),
        region: Some(region.to_owned()),
    };
    let model = iac::read_template(&input).map_err(|e| Error::from(anyhow::Error::new(e)))?;
    Ok((model, file))
}
