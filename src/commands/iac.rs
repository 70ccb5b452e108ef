//! The offline audits, with no AWS call: `audit --template` / `audit --plan` (a CloudFormation
//! template or a Terraform plan read into the audit's model, `core::iac`) and `audit --input`
//! (a saved `get-account-authorization-details` answer, `core::audit::parse_details`), each
//! audited by the same pure audit as a live account. This layer reads the files (the plan's
//! `.tf` sources too); the core gets their texts.

use std::collections::BTreeMap;
use std::path::Path;

use super::files::write_report_files;
use super::invocation::{Invocation, Output};
use crate::cli::AuditArgs;
use crate::core::audit::{self, AuditOptions};
use crate::core::iac::{self, IacModel, IacReport, PlanInput, TemplateInput};
use crate::error::{Error, Result, Status};
use crate::report;

/// Reads, audits and renders the template at `path`.
pub(super) fn run_template(
    inv: &Invocation,
    args: &AuditArgs,
    path: &Path,
    mut opts: AuditOptions,
) -> Result<Status> {
    no_html(args, "--template")?;
    let hint = "give the path of a CloudFormation template (JSON or YAML)";
    let (file, text) = read_file("--template", path, hint)?;
    let input = TemplateInput {
        file: file.clone(),
        text,
        parameters: args.parameters.iter().cloned().collect(),
        account_id: args.account_id.clone(),
        region: inv.aws.region.clone(),
    };
    let model = iac::read_template(&input).map_err(|e| Error::from(anyhow::Error::new(e)))?;
    opts.region = inv.aws.region.clone();
    let report = iac::audit(&model, &opts, &file);
    render(&inv.output, args, &report)
}

/// `--html FILE` (`--format html` is refused with the other formats an IaC audit lacks).
fn no_html(args: &AuditArgs, flag: &str) -> Result<()> {
    if args.html.is_some() {
        return Err(Error::usage(
            format!("the HTML report is not made for {flag} yet"),
            format!("use --format human, json or sarif (or --json/--sarif FILE) with {flag}"),
        ));
    }
    Ok(())
}

fn render(output: &Output, args: &AuditArgs, report: &IacReport) -> Result<Status> {
    write_report_files(
        &args.files,
        || report::audit_iac_sarif(report),
        || report::audit_iac_json(report),
    )?;
    output.emit(report)?;
    Ok(report.status())
}

/// Reads the saved `get-account-authorization-details` answer at `path` and audits it like a
/// live account (the same report, formats and exit codes; `summary.calls` is 0).
pub(super) fn run_input(
    inv: &Invocation,
    args: &AuditArgs,
    path: &Path,
    mut opts: AuditOptions,
) -> Result<Status> {
    let hint = "give the JSON file `aws iam get-account-authorization-details` wrote";
    let (file, text) = read_file("--input", path, hint)?;
    let iam = audit::parse_details(&file, &text, args.account_id.as_deref())
        .map_err(|e| Error::from(anyhow::Error::new(e)))?;
    // Counterexamples name a function in this region, as the live audit's (its SDK region).
    opts.region = (inv.aws.region.clone()).or_else(|| std::env::var("AWS_REGION").ok());
    let report = audit::audit_account(&iam, &opts, 0);
    super::audit::render(&inv.output, args, &report)
}

/// The name and text of the file a flag names; a file that cannot be read is a usage error.
pub(super) fn read_file(flag: &str, path: &Path, hint: &str) -> Result<(String, String)> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("cannot read {flag} {file}: {e}"), hint))?;
    Ok((file, text))
}

/// Reads, audits and renders the plan at `path`, with the `.tf` files under `--source-dir`
/// (default: the plan's directory) for the findings' lines.
pub(super) fn run_plan(
    inv: &Invocation,
    args: &AuditArgs,
    path: &Path,
    mut opts: AuditOptions,
) -> Result<Status> {
    no_html(args, "--plan")?;
    let source_dir = args.source_dir.as_deref();
    let (model, file) = read_plan_model(path, source_dir, args.account_id.clone())?;
    opts.region = inv.aws.region.clone();
    let report = iac::audit(&model, &opts, &file);
    render(&inv.output, args, &report)
}

/// The plan at `path` read into the model, with the `.tf` files under `source_dir` (default:
/// the plan's directory) for the lines; and the plan file's name.
pub(super) fn read_plan_model(
    path: &Path,
    source_dir: Option<&Path>,
    account_id: Option<String>,
) -> Result<(IacModel, String)> {
    let hint = "give the JSON of `terraform show -json PLANFILE`";
    let (file, text) = read_file("--plan", path, hint)?;
    let dir = match source_dir {
        Some(d) if !d.is_dir() => {
            return Err(Error::usage(
                format!("--source-dir {} is not a directory", d.display()),
                "give the directory of the Terraform root module (its .tf files)",
            ))
        }
        Some(d) => d.to_path_buf(),
        None => path.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    let mut sources = BTreeMap::new();
    tf_files(&dir, "", 0, &mut sources);
    let input = PlanInput {
        file: file.clone(),
        text,
        sources,
        source_dir: dir.display().to_string(),
        account_id,
    };
    let model = iac::read_plan(&input).map_err(|e| Error::from(anyhow::Error::new(e)))?;
    Ok((model, file))
}

/// The `.tf` files under `dir` (relative path → text), hidden directories (`.terraform`,
/// `.git`) left out; an unreadable file is skipped (its resources then point at the plan).
fn tf_files(dir: &Path, rel: &str, depth: usize, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if path.is_dir() && !name.starts_with('.') && depth < 16 {
            tf_files(&path, &child, depth + 1, out);
        } else if name.ends_with(".tf") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.insert(child, text);
            }
        }
    }
}
