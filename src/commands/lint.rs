//! `lambda-trust lint`: validates the config and the rendered policies (offline).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{config_path, templates};
use crate::cli::{Format, Global};
use crate::config;
use crate::core::lint;
use crate::core::render::{self, RenderContext};
use crate::error::{Error, Result, Status};
use crate::report::{self, Styles};

pub fn run(
    g: &Global,
    trust_policy: Option<&Path>,
    policies: &[PathBuf],
    styles: Styles,
) -> Result<Status> {
    if trust_policy.is_some() || !policies.is_empty() {
        return documents(g, trust_policy, policies, styles);
    }
    let loaded = config::load(&config_path(g)?)?;
    let templates = templates(g)?;
    let ctx = RenderContext {
        account_id: loaded.config.aws.account_id.clone(),
        default_region: loaded.config.aws.region.clone(),
    };
    let rendered = render::render(&loaded.config, &ctx, &templates)?;
    let report = lint::lint(&loaded, &rendered, g.allow_weaker_policies);
    print_report(g, &report, styles)
}

/// `--trust-policy`/`--policy`: the documents as written, without a config.
fn documents(
    g: &Global,
    trust_policy: Option<&Path>,
    policies: &[PathBuf],
    styles: Styles,
) -> Result<Status> {
    let read = |p: &Path| -> Result<(String, Value)> {
        let text = super::read_file(p).map_err(|e| {
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
    print_report(g, &report, styles)
}

fn print_report(g: &Global, report: &lint::LintReport, styles: Styles) -> Result<Status> {
    match g.format {
        Format::Human => print!("{}", report::lint_human(report, styles.color)),
        _ => println!("{}", report::lint_json(report)),
    }
    Ok(if report.has_errors() {
        Status::Invalid
    } else {
        Status::Ok
    })
}
