//! The pipeline wired end to end for the live commands: config → observe → render → desired.
//!
//! Commands in `main` call [`prepare`] and then the phase they need (plan, apply, verify,
//! destroy). Nothing here writes to AWS, and every read goes through `observe`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::aws::{AwsSettings, Clients};
use crate::config::{parse_function, Config, FunctionRef, Loaded, TargetConfig};
use crate::lint::{self, Finding, Severity};
use crate::observe::{self, FunctionQuery, Observed, Query};
use crate::plan::Desired;
use crate::policy::minified_len;
use crate::render::{self, RenderContext, Rendered, Templates};
use crate::shard::{self, DEFAULT_MAX_SHARDS};

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    #[error(transparent)]
    Observe(#[from] crate::observe::ObserveError),
    #[error(transparent)]
    Shard(#[from] crate::shard::ShardError),
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
/// Targets are validated when the config is loaded, so a parse failure cannot happen here; it
/// falls back to looking the text up as given (GetFunction then reports it).
pub fn function_query(target: &TargetConfig, default_region: &str) -> FunctionQuery {
    match parse_function(&target.function) {
        Ok(FunctionRef::Arn(arn)) => FunctionQuery {
            function: format!(
                "arn:{}:lambda:{}:{}:function:{}",
                arn.partition, arn.region, arn.account_id, arn.name
            ),
            region: arn.region,
            qualifier: arn.qualifier.or_else(|| target.qualifier.clone()),
        },
        Ok(FunctionRef::Name(_)) | Err(_) => FunctionQuery {
            function: target.function.clone(),
            region: target
                .region
                .clone()
                .unwrap_or_else(|| default_region.to_string()),
            qualifier: target.qualifier.clone(),
        },
    }
}

pub fn query(config: &Config, default_region: &str) -> Query {
    Query {
        role_name: config.role.name.clone(),
        policy_name: config.policy_name(),
        policy_path: "/".into(),
        probe_shards: estimate_shards(config, default_region),
        functions: config
            .targets
            .iter()
            .map(|t| function_query(t, default_region))
            .collect(),
        account_hint: config.aws.account_id.clone(),
        known_identity: None,
    }
}

/// The AWS settings: command-line flags win over the config's `[aws]` table.
/// How many invoke policies the targets need when packed from scratch. Before the caller's
/// account is known, a placeholder of the same length stands in: ARN lengths are what count.
fn estimate_shards(config: &Config, default_region: &str) -> usize {
    let ctx = RenderContext {
        account_id: Some(
            config
                .aws
                .account_id
                .clone()
                .unwrap_or_else(|| "000000000000".into()),
        ),
        default_region: Some(default_region.to_string()),
    };
    let Ok(targets) = render::resolve_targets(config, &ctx) else {
        return 1;
    };
    let arns: BTreeSet<String> = targets.into_iter().flat_map(|t| t.granted_arns).collect();
    // The built-in template's overhead is about 120 characters; custom ones may differ, which
    // only changes how many names are probed, not correctness (attached shards are found anyway).
    let size = |list: &[String]| 200 + list.iter().map(|a| a.len() + 3).sum::<usize>();
    shard::assign(&arns, &BTreeMap::new(), DEFAULT_MAX_SHARDS, size)
        .map(|s| s.len())
        .unwrap_or(DEFAULT_MAX_SHARDS)
        .clamp(1, DEFAULT_MAX_SHARDS)
}

/// The ARNs a live invoke policy grants, in document order.
fn granted_by(doc: &serde_json::Value) -> Vec<String> {
    let statements = match doc.get("Statement") {
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(one) => vec![one.clone()],
        None => vec![],
    };
    let mut out = Vec::new();
    for st in statements {
        match st.get("Resource") {
            Some(serde_json::Value::String(s)) => out.push(s.clone()),
            Some(serde_json::Value::Array(a)) => {
                out.extend(a.iter().filter_map(|v| v.as_str().map(str::to_string)))
            }
            _ => {}
        }
    }
    out
}

/// Packs the granted ARNs into invoke policy shards, keeping live assignments stable.
pub fn shards(
    config: &Config,
    rendered: &Rendered,
    templates: &Templates,
    observed: &Observed,
) -> Result<Vec<(usize, serde_json::Value)>, PipelineError> {
    let arns: BTreeSet<String> = rendered.function_arns.iter().cloned().collect();
    let existing: BTreeMap<usize, Vec<String>> = observed
        .policies
        .iter()
        .map(|p| (p.index, granted_by(&p.document)))
        .collect();
    let size = |list: &[String]| {
        render::render_invoke(config, rendered, templates, list)
            .map(|d| minified_len(&d))
            .unwrap_or(usize::MAX)
    };
    let assigned = shard::assign(&arns, &existing, DEFAULT_MAX_SHARDS, size)?;
    assigned
        .into_iter()
        .map(|(i, list)| {
            Ok((
                i,
                render::render_invoke(config, rendered, templates, &list)?,
            ))
        })
        .collect()
}

pub fn aws_settings(config: &Config, flags: &AwsSettings) -> AwsSettings {
    AwsSettings {
        profile: flags.profile.clone().or_else(|| config.aws.profile.clone()),
        region: flags.region.clone().or_else(|| config.aws.region.clone()),
        endpoint_url: flags.endpoint_url.clone(),
        max_attempts: flags.max_attempts,
    }
}

/// The region of bare function names without their own: `[aws].region`, else the SDK's
/// (`--region`, `AWS_REGION`, the profile).
pub fn default_region(config: &Config, clients: &Clients) -> String {
    config
        .aws
        .region
        .clone()
        .unwrap_or_else(|| clients.region())
}

/// What `prepare` may skip because the caller already knows it.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Look up only these targets (by position); `None`: all of them. `onboard` checks just the
    /// new function — the others were confirmed when they were added — so its cost does not
    /// grow with the number of targets.
    pub functions: Option<Vec<usize>>,
    /// (account, caller ARN) already read in this run.
    pub identity: Option<(String, String)>,
}

/// Reads AWS and resolves the desired state. Fails before any write on bad templates.
pub async fn prepare(
    clients: &Clients,
    loaded: Loaded,
    templates: &Templates,
    allow_weaker: bool,
) -> Result<Prepared, PipelineError> {
    prepare_scoped(clients, loaded, templates, allow_weaker, Scope::default()).await
}

/// [`prepare`], reading only what `scope` leaves to read.
pub async fn prepare_scoped(
    clients: &Clients,
    loaded: Loaded,
    templates: &Templates,
    allow_weaker: bool,
    scope: Scope,
) -> Result<Prepared, PipelineError> {
    let config = &loaded.config;
    let region = default_region(config, clients);
    let mut q = query(config, &region);
    if let Some(only) = &scope.functions {
        q.functions = only
            .iter()
            .filter_map(|i| q.functions.get(*i).cloned())
            .collect();
    }
    q.known_identity = scope.identity;
    let observed = observe::observe(clients, &q).await?;
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
    let shards = shards(config, &rendered, templates, &observed)?;
    let desired = Desired::new(config, &rendered, &account, shards);
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

/// Reads IAM again after an apply, reusing the function lookups of `prepared` (functions are
/// not changed by apply), so proving the result costs no per-target calls.
pub async fn reobserve_iam(
    clients: &Clients,
    prepared: &Prepared,
) -> Result<Observed, PipelineError> {
    let config = &prepared.loaded.config;
    let region = default_region(config, clients);
    let mut q = query(config, &region);
    q.functions.clear();
    q.known_identity = Some((
        prepared.observed.account_id.clone(),
        prepared.observed.caller_arn.clone(),
    ));
    let mut observed = observe::observe(clients, &q).await?;
    observed.functions = prepared.observed.functions.clone();
    Ok(observed)
}
