//! `lambda-trust lint`: validates the config and the rendered policies (offline).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::invocation::{Invocation, Output};
use crate::app::files::read_file;
use crate::error::{Error, Result, Status};
use lambda_trust_config::Loaded;
use lambda_trust_model::{RenderContext, Rendered, Templates};
use lambda_trust_provision::{
    isolation, lint_documents, lint_environments, IsolationEnvironment, LintReport,
};
use lambda_trust_verdict::Judged;

pub(super) fn run(
    inv: &Invocation,
    trust_policy: Option<&Path>,
    policies: &[PathBuf],
) -> Result<Status> {
    if trust_policy.is_some() || !policies.is_empty() {
        return documents(&inv.output, trust_policy, policies);
    }
    let files = inv.config.each_env()?;
    let templates = inv.settings.templates.load()?;
    let allow_weaker = inv.settings.templates.allow_weaker;
    let mut each = Vec::new();
    for file in &files {
        let loaded = file.load()?;
        let rendered = render_one(inv, &loaded, &templates)?;
        let report = lambda_trust_provision::lint(&loaded, &rendered, allow_weaker);
        each.push((loaded, rendered, report));
    }
    let report = match each.as_slice() {
        [(loaded, _, _)] if loaded.environment.is_none() => each.remove(0).2,
        _ => environments_report(each),
    };
    print_report(&inv.output, &report)
}

/// Each environment's lint, and a warning for each pair not proved isolated.
fn environments_report(each: Vec<(Loaded, Rendered, LintReport)>) -> LintReport {
    let envs: Vec<IsolationEnvironment<'_>> = (each.iter())
        .map(|(loaded, rendered, _)| IsolationEnvironment {
            name: loaded.environment.as_deref().unwrap_or_default(),
            config: &loaded.config,
            rendered: Ok(rendered),
        })
        .collect();
    let claims = isolation(&envs);
    let each = (each.into_iter())
        .map(|(l, _, r)| (l.environment.unwrap_or_default(), l.overrides, r))
        .collect();
    lint_environments(each, &claims)
}

/// The config's documents, rendered as `apply` would.
fn render_one(inv: &Invocation, loaded: &Loaded, templates: &Templates) -> Result<Rendered> {
    let ctx = RenderContext {
        account_id: loaded.config.aws.account_id.clone(),
        default_region: inv.settings.region(Some(&loaded.config)),
    };
    Ok(lambda_trust_model::render(&loaded.config, &ctx, templates)?)
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
    let report = lint_documents(trust.as_ref().map(|(n, d)| (n.as_str(), d)), &named);
    print_report(output, &report)
}

fn print_report(output: &Output, report: &LintReport) -> Result<Status> {
    output.emit(report)?;
    Ok(report.status())
}
