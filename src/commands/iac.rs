//! The offline audits, with no AWS call: `audit --template` (a CloudFormation template read
//! into the audit's model, `core::iac`) and `audit --input` (a saved
//! `get-account-authorization-details` answer, `core::audit::parse_details`), each audited by
//! the same pure audit as a live account.

use std::path::Path;

use super::write_files;
use crate::cli::{AuditArgs, Format, Global};
use crate::core::audit::{self, AuditOptions};
use crate::core::iac::{self, TemplateInput};
use crate::error::{Error, Result, Status};
use crate::report::{self, Styles};

/// Reads, audits and renders the template at `path`.
pub fn run_template(
    g: &Global,
    args: &AuditArgs,
    path: &Path,
    mut opts: AuditOptions,
    styles: Styles,
) -> Result<Status> {
    if args.html.is_some() || g.format == Format::Html {
        return Err(Error::usage(
            "the HTML report is not made for --template yet",
            "use --format human, json or sarif (or --json/--sarif FILE) with --template",
        ));
    }
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(
            format!("cannot read --template {file}: {e}"),
            "give the path of a CloudFormation template (JSON or YAML)",
        )
    })?;
    let input = TemplateInput {
        file: file.clone(),
        text,
        parameters: args.parameters.iter().cloned().collect(),
        account_id: args.account_id.clone(),
        region: g.aws.region.clone(),
    };
    let model = iac::read_template(&input).map_err(|e| Error::from(anyhow::Error::new(e)))?;
    opts.region = g.aws.region.clone();
    let report = iac::audit(&model, &opts, &file);
    write_files(
        &args.files,
        || report::audit_iac_sarif(&report),
        || report::audit_iac_json(&report),
    )?;
    match g.format {
        Format::Json => println!("{}", report::audit_iac_json(&report)),
        Format::Sarif => println!("{}", report::audit_iac_sarif(&report)),
        _ => print!("{}", report::audit_iac_human(&report, styles)),
    }
    Ok(report.report.status())
}

/// Reads the saved `get-account-authorization-details` answer at `path` and audits it like a
/// live account (the same report, formats and exit codes; `summary.calls` is 0).
pub fn run_input(
    g: &Global,
    args: &AuditArgs,
    path: &Path,
    mut opts: AuditOptions,
    styles: Styles,
) -> Result<Status> {
    let hint = "give the JSON file `aws iam get-account-authorization-details` wrote";
    let (file, text) = read_file("--input", path, hint)?;
    let iam = audit::parse_details(&file, &text, args.account_id.as_deref())
        .map_err(|e| Error::from(anyhow::Error::new(e)))?;
    // Counterexamples name a function in this region, as the live audit's (its SDK region).
    opts.region = (g.aws.region.clone()).or_else(|| std::env::var("AWS_REGION").ok());
    let report = audit::audit_account(&iam, &opts, 0);
    super::audit::render(g, args, &report, styles)
}

/// The name and text of the file a flag names; a file that cannot be read is a usage error.
pub(super) fn read_file(flag: &str, path: &Path, hint: &str) -> Result<(String, String)> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("cannot read {flag} {file}: {e}"), hint))?;
    Ok((file, text))
}
