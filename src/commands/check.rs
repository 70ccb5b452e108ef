//! `lambda-trust check`: the drift check for CI over one or many configs.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{aws_flags, genesys_live, spinner, templates, write_files};
use crate::aws::pace::Pacer;
use crate::aws::prepare as aws_prepare;
use crate::aws::trail as aws_trail;
use crate::aws::Clients;
use crate::cli::{CheckIacArgs, Format, Global, ReportFiles};
use crate::config;
use crate::core::check as core_check;
use crate::core::drift;
use crate::core::genesys::{genesys_checks, genesys_findings};
use crate::core::iac::{self, IacModel, TemplateInput};
use crate::core::render::RenderContext;
use crate::core::trail::{self, Trail};
use crate::core::verify;
use crate::error::{Error, Result, Status};
use crate::report::{self, Styles};

/// `--config` values expanded: a directory means its `*.toml` files, a glob (`*`, `?`, `[…]`,
/// `{a,b}`) is matched against the file names of its directory.
fn expand_configs(args: &[PathBuf], verbose: u8) -> Result<Vec<PathBuf>> {
    if args.is_empty() {
        return Ok(vec![super::discover::config_file(args, verbose)?]);
    }
    let mut out = Vec::new();
    for a in args {
        let text = a.to_string_lossy();
        if a.is_dir() {
            let found = files_in(a, |name| name.ends_with(".toml"))?;
            if found.is_empty() {
                return Err(anyhow::anyhow!("no *.toml files in {}", a.display()).into());
            }
            out.extend(found);
        } else if text.contains(['*', '?', '[', '{']) {
            out.extend(matching_files(a)?);
        } else {
            out.push(a.clone());
        }
    }
    out.dedup();
    Ok(out)
}

/// The files of `a`'s directory whose names match `a`'s file-name glob.
fn matching_files(a: &Path) -> Result<Vec<PathBuf>> {
    let text = a.to_string_lossy();
    let dir = a
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let pattern = a
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let glob = globset::Glob::new(&pattern)
        .map_err(|e| Error::usage(format!("--config {text}: {e}"), "fix the pattern"))?
        .compile_matcher();
    let found = files_in(dir, |name| glob.is_match(name))?;
    if found.is_empty() {
        return Err(Error::usage(
            format!("no file matches {text}"),
            "quote the pattern, or list the files",
        ));
    }
    Ok(found)
}

/// The entries of `dir` whose file names pass `keep`, sorted.
fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read directory {}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| keep(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    found.sort();
    Ok(found)
}

/// The AWS drift of a prepared config as findings (as if adopting: a lost ownership tag is a
/// finding, not a refusal), each naming the CloudTrail event that explains it. No drift, no
/// CloudTrail call.
pub(crate) async fn aws_drift(
    clients: &Clients,
    p: &aws_prepare::Prepared,
    pacer: &Pacer,
) -> Result<Vec<drift::Finding>> {
    let mut findings = core_check::aws_findings(&p.desired, &p.observed)?;
    let lookups = {
        let trails: Vec<&Trail> = findings.iter().map(|f| &f.trail).collect();
        aws_trail::look_up(clients, &p.desired.partition, &trails, pacer).await
    };
    for f in &mut findings {
        trail::attribute(&mut f.trail, &lookups);
    }
    Ok(findings)
}

async fn check_one(g: &Global, path: &Path, pacer: &Pacer) -> drift::ConfigReport {
    let name = path.display().to_string();
    let result: Result<drift::ConfigReport> = async {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let loaded = config::load(path)?;
        let templates = templates(g)?;
        let clients = aws_prepare::connect(&loaded.config, &aws_flags(g)).await;
        let p = aws_prepare::prepare(&clients, loaded, &templates, g.allow_weaker_policies).await?;
        let v = verify::verification(&p.desired, &p.observed);
        let aws = aws_drift(&clients, &p, pacer).await?;
        // The Genesys side, as if adopting too; each finding names who made the change when
        // the audit trail says.
        let Some(mut side) = genesys_live::prepare(&clients, &p, false).await? else {
            return Ok(core_check::config_report(&name, &text, aws, &v, None));
        };
        let (gplan, lookup_error) = side.plan_for_check().await?;
        let findings = side.annotate(genesys_findings(&side.desired, &gplan)).await;
        let role = p.observed.role.as_ref().map(|r| r.arn.as_str());
        let checks = genesys_checks(&side.desired, &side.observed, role);
        let genesys = core_check::GenesysCheck {
            findings,
            checks: &checks,
            plan: &gplan,
            lookup_error,
        };
        Ok(core_check::config_report(
            &name,
            &text,
            aws,
            &v,
            Some(genesys),
        ))
    }
    .await;
    result.unwrap_or_else(|e| drift::ConfigReport::error(&name, e.human()))
}

pub async fn run(g: &Global, files: &ReportFiles, styles: Styles) -> Result<Status> {
    let paths = expand_configs(&g.config, g.verbose)?;
    let pb = spinner(&format!("checking {} config(s) against AWS", paths.len()));
    // One CloudTrail pace for the run: configs checked concurrently may share an account.
    let pacer = aws_trail::pacer();
    let reports = futures::future::join_all(paths.iter().map(|p| check_one(g, p, &pacer))).await;
    pb.finish_and_clear();
    let report = drift::CheckReport::new(reports);
    print_report(g, files, &report, styles)
}

/// Writes the report files and prints the report in the chosen format.
fn print_report(
    g: &Global,
    files: &ReportFiles,
    report: &drift::CheckReport,
    styles: Styles,
) -> Result<Status> {
    write_files(
        files,
        || report::check_sarif(report),
        || report::check_json(report),
    )?;
    match g.format {
        // html is refused before any command runs (`commands::run`).
        Format::Human | Format::Html => print!("{}", report::check_human(report, styles)),
        Format::Json => println!("{}", report::check_json(report)),
        Format::Sarif => println!("{}", report::check_sarif(report)),
        Format::Github => print!("{}", report::check_github(report)),
    }
    Ok(report.status())
}

/// `check --template`: the config's desired state against the template's model, no AWS call.
pub fn run_template(
    g: &Global,
    files: &ReportFiles,
    iac: &CheckIacArgs,
    styles: Styles,
) -> Result<Status> {
    let path = match expand_configs(&g.config, g.verbose)?.as_slice() {
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
        .or_else(|| g.aws.region.clone())
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
    let desired = iac::check::desired(config, &ctx, &templates(g)?, g.allow_weaker_policies)
        .map_err(|e| Error::from(anyhow::Error::new(e)))?;
    let (model, file) = read_model(iac, &account, &region)?;
    let report = drift::CheckReport::new(vec![iac::check::check_model(&model, &desired, &file)]);
    print_report(g, files, &report, styles)
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
