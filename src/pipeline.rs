//! The pipeline wired end to end for the live commands: config → observe → render → desired.
//!
//! Commands in `main` call [`prepare`] and then the phase they need (plan, apply, verify,
//! destroy). Nothing here writes to AWS.

use std::path::Path;

use crate::aws::{AwsSettings, Clients};
use crate::config::{Config, Loaded, TargetConfig};
use crate::lint::{self, Finding, Severity};
use crate::observe::{self, FunctionQuery, Observed, Query};
use crate::plan::Desired;
use crate::render::{self, RenderContext, Templates};

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    #[error(transparent)]
    Observe(#[from] crate::observe::ObserveError),
    #[error("the rendered policies break {} invariant(s), so nothing was sent to AWS:\n{}\n(hint: fix the templates in --policies, or pass --allow-weaker-policies if this is deliberate)", .0.len(), .0.iter().map(|f| format!("  - {}", f.message)).collect::<Vec<_>>().join("\n"))]
    Invariants(Vec<Finding>),
}

/// Everything a live command needs after reading AWS.
#[derive(Debug)]
pub struct Prepared {
    pub loaded: Loaded,
    pub desired: Desired,
    pub observed: Observed,
    /// Warnings to show the user (weakened properties, config notices).
    pub warnings: Vec<Finding>,
}

/// Templates from `--policies DIR`, or the built-in ones.
pub fn templates(dir: Option<&Path>) -> Result<Templates, PipelineError> {
    Ok(match dir {
        Some(d) => Templates::from_dir(d)?,
        None => Templates::builtin(),
    })
}

/// Where GetFunction looks for a target: by unqualified ARN or by name, in its region.
pub fn function_query(target: &TargetConfig, default_region: &str) -> FunctionQuery {
    if let Some(rest) = target.function.strip_prefix("arn:") {
        // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
        let parts: Vec<&str> = rest.split(':').collect();
        let region = parts.get(2).copied().unwrap_or(default_region).to_string();
        let unqualified = format!(
            "arn:{}",
            parts.iter().take(6).copied().collect::<Vec<_>>().join(":")
        );
        let qualifier = parts
            .get(6)
            .map(|q| q.to_string())
            .or_else(|| target.qualifier.clone());
        FunctionQuery {
            function: unqualified,
            region,
            qualifier,
        }
    } else {
        FunctionQuery {
            function: target.function.clone(),
            region: target
                .region
                .clone()
                .unwrap_or_else(|| default_region.to_string()),
            qualifier: target.qualifier.clone(),
        }
    }
}

pub fn query(config: &Config, default_region: &str) -> Query {
    Query {
        role_name: config.role.name.clone(),
        policy_name: config.policy_name(),
        policy_path: "/".into(),
        functions: config
            .targets
            .iter()
            .map(|t| function_query(t, default_region))
            .collect(),
        account_hint: config.aws.account_id.clone(),
    }
}

/// The AWS settings: command-line flags win over the config's `[aws]` table.
pub fn aws_settings(config: &Config, flags: &AwsSettings) -> AwsSettings {
    AwsSettings {
        profile: flags.profile.clone().or_else(|| config.aws.profile.clone()),
        region: flags.region.clone().or_else(|| config.aws.region.clone()),
        endpoint_url: flags.endpoint_url.clone(),
        max_attempts: flags.max_attempts,
    }
}

/// Reads AWS and resolves the desired state. Fails before any write on bad templates.
pub async fn prepare(
    clients: &Clients,
    loaded: Loaded,
    templates: &Templates,
    allow_weaker: bool,
) -> Result<Prepared, PipelineError> {
    let config = &loaded.config;
    let region = config
        .aws
        .region
        .clone()
        .unwrap_or_else(|| clients.region());
    let observed = observe::observe(clients, &query(config, &region)).await?;
    let account = config
        .aws
        .account_id
        .clone()
        .unwrap_or_else(|| observed.account_id.clone());
    let ctx = RenderContext {
        account_id: Some(account.clone()),
        default_region: Some(region),
    };
    let rendered = render::render(config, &ctx, templates)?;
    let findings = lint::check_rendered(config, &rendered, allow_weaker);
    let (errors, warnings): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| f.severity == Severity::Error);
    if !errors.is_empty() {
        return Err(PipelineError::Invariants(errors));
    }
    let desired = Desired::new(config, &rendered, &account);
    Ok(Prepared {
        loaded,
        desired,
        observed,
        warnings,
    })
}

/// Connects with flags merged over the config.
pub async fn connect(config: &Config, flags: &AwsSettings) -> Clients {
    Clients::connect(&aws_settings(config, flags)).await
}
