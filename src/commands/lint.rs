//! `lambda-trust lint`: validates the config and the rendered policies (offline).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::invocation::{Invocation, Output};
use crate::app::files::read_file;
use crate::core::lint;
use crate::core::render::{self, RenderContext};
use crate::error::{Error, Result, Status};

pub(super) fn run(
    inv: &Invocation,
    trust_policy: Option<&Path>,
    policies: &[PathBuf],
) -> Result<Status> {
    if trust_policy.is_some() || !policies.is_empty() {
        return documents(&inv.output, trust_policy, policies);
    }
    let loaded = inv.config.one()?.load()?;
    let templates = inv.settings.templates.load()?;
    let ctx = RenderContext {
        account_id: loaded.config.aws.account_id.clone(),
        default_region: inv.settings.region(Some(&loaded.config)),
    };
    let rendered = render::render(&loaded.config, &ctx, &templates)?;
    let report = lint::lint(&loaded, &rendered, inv.settings.templates.allow_weaker);
    print_report(&inv.output, &report)
}

/// `--trust-policy`/`--policy`: the documents as written, without a config.
fn documents(output: &Output, trust_policy: Option<&Path>, policies: &[PathBuf]) -> Result<Status> {
    let read = |p: &Path| -> Result<(String, Value)> {
        let text = read_file(p).map_err(|e| {
            Error::usage(
                format!("cannot read {}: {e}", p.display()),
                "pass a readable policy file",
            )
        })?;
        let doc = serde_json::from_str(&text).map_err(|e| {
            Error::usage(
                format!("{} is not JSON: {e}", p.display()),
                "pass an IAM policy document (JSON)",
            )
        })?;
        Ok((p.display().to_string(), doc))
    };
    let trust = trust_policy.map(read).transpose()?;
    let docs = policies
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>>>()?;
    let named: Vec<(&str, &Value)> = docs.iter().map(|(n, d)| (n.as_str(), d)).collect();
    let report = lint::lint_documents(trust.as_ref().map(|(n, d)| (n.as_str(), d)), &named);
    print_report(output, &report)
}

fn print_report(output: &Output, report: &lint::LintReport) -> Result<Status> {
    output.emit(report)?;
    Ok(if report.has_errors() {
        Status::Invalid
    } else {
        Status::Ok
    })
}
