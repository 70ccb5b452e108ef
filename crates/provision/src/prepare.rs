//! Preparation, the pure half: from the config, the rendered templates and what was observed
//! to a fully resolved [`Desired`] — target lookups to make, invariants enforced, invoke
//! policy shards packed with stable assignments.
//!
//! Part of the pure provisioner; `aws::prepare` drives it around the reads.

use std::collections::{BTreeMap, BTreeSet};

use crate::lint::{self, Finding, Severity};
use crate::plan::PlanError;
use lambda_trust_config::{parse_function, Config, FunctionRef, Loaded, TargetConfig};
use lambda_trust_iam::{minified_len, partition_of_region, Arn, AwsResource};
use lambda_trust_model::{
    Desired, FunctionPolicy, FunctionQuery, Observed, ObservedRole, Query, RenderContext, Rendered,
    Templates, DEFAULT_MAX_SHARDS,
};
use serde_json::Value;

/// Everything a live command needs after reading AWS: the config, what it wants and what was
/// read (the driver, `aws::prepare`, reads it; everything else here is a function of it).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The config as loaded, its text included.
    pub loaded: Loaded,
    /// What the config wants, resolved against what was read.
    pub desired: Desired,
    /// What was read.
    pub observed: Observed,
    /// Roles this config created under an earlier `role.name`, still in place (read only when
    /// the configured role is missing): plan removes them, check reports them.
    pub predecessors: Vec<Observed>,
    /// Roles that may be this config's earlier ones but that nothing proves it of: the config
    /// has no `deployment` ([`Kinship::Unproven`]). Left in place, said.
    pub unproven_predecessors: Vec<String>,
    /// Warnings to show the user (weakened properties, config notices).
    pub warnings: Vec<Finding>,
    /// The function policies read for lambda-trust's statements on cross-account targets:
    /// the whole path's reads do not read them again.
    pub function_policies: Vec<TargetPolicy>,
}

/// One target's resource-based policy as read.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetPolicy {
    /// The function ARN as given, qualifier included.
    pub arn: String,
    /// The policy, as the whole path's evaluation takes it.
    pub policy: FunctionPolicy,
    /// The document as read (its statements as AWS writes them), when there is one.
    pub document: Option<Value>,
    /// The policy's `RevisionId`, when there is one.
    pub revision_id: Option<String>,
}

impl TargetPolicy {
    /// A policy read without its document or revision (AWS Config's item of the function, or
    /// no policy at all).
    pub fn of(arn: &str, policy: FunctionPolicy) -> TargetPolicy {
        TargetPolicy {
            arn: arn.to_string(),
            policy,
            document: None,
            revision_id: None,
        }
    }
}

/// Where GetFunction looks for a target: by unqualified ARN or by name, in its region.
/// Targets are validated when the config is loaded, so a parse failure cannot happen here; it
/// falls back to looking the text up as given (GetFunction then reports it).
pub(crate) fn function_query(target: &TargetConfig, default_region: &str) -> FunctionQuery {
    match parse_function(&target.function) {
        Ok(FunctionRef::Arn(arn)) => FunctionQuery {
            function: Arn::of(
                &arn.partition,
                &arn.account_id,
                AwsResource::Function {
                    region: &arn.region,
                    name: &arn.name,
                    qualifier: None,
                },
            )
            .to_string(),
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

/// What to read of AWS for this config: the role, our policy's shards and the targets
/// (`default_region` for targets without their own).
pub fn query(config: &Config, default_region: &str) -> Query {
    Query {
        partition: partition_of_region(default_region)
            .unwrap_or("aws")
            .to_string(),
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

/// A role renamed in the config leaves its predecessor behind, still trusting the partner and
/// still able to invoke the targets. A predecessor is a role at the config's path, under
/// another name, whose trust policy names the config's external ID (the cheap filter, on
/// ListRoles' answer, which carries the trust policy but not the tags) and which carries our
/// `managed-by` tag and this config's `lambda-trust:deployment` (the proof, from GetRole's
/// tags) — so a role of another deployment, or one lambda-trust did not create, is never taken
/// for one.
pub fn may_be_predecessor(config: &Config, name: &str, path: &str, trust: &Value) -> bool {
    name != config.role.name
        && path == config.role_path()
        && trust.to_string().contains(&config.trust.external_id)
}

/// What a role found by [`may_be_predecessor`] is to this config.
#[derive(Debug, Clone)]
pub enum Kinship {
    /// Carries this config's deployment: its earlier role, removed once the new one is in place;
    /// with what to read of it: its role and attachments, and its invoke policy only when that
    /// policy is not the one the config still uses (a shared `policy.name` is detached from the
    /// predecessor, never deleted).
    Predecessor(Box<Query>),
    /// Made by lambda-trust for this partner and external ID before deployments (no
    /// `lambda-trust:deployment` tag), as this config would have made it: it may be this
    /// config's earlier role, but nothing proves it — left alone and said.
    Unproven,
    /// Another deployment's, or not lambda-trust's.
    Other,
}

/// See [`may_be_predecessor`]: the tags decide. `query` is what is read of this config's role.
pub fn kinship(config: &Config, query: &Query, role: &ObservedRole) -> Kinship {
    if !lambda_trust_config::is_ours(&role.tags) || role.name == config.role.name {
        return Kinship::Other;
    }
    let tag = role.tags.get(lambda_trust_config::DEPLOYMENT_TAG_KEY);
    match (&config.deployment, tag) {
        (Some(want), Some(live)) if want == live => {
            Kinship::Predecessor(Box::new(predecessor_query(config, query, &role.name)))
        }
        (_, None) if same_digest(config, role) => Kinship::Unproven,
        _ => Kinship::Other,
    }
}

/// The `lambda-trust:config` digest this config would have given the role under its own name.
fn same_digest(config: &Config, role: &ObservedRole) -> bool {
    let digest = lambda_trust_config::identity_digest(
        &config.partner_account(),
        &config.trust.external_id,
        &config.role_path(),
        &predecessor_policy_name(config, &role.name),
    );
    role.tags.get(lambda_trust_config::CONFIG_TAG_KEY) == Some(&digest)
}

/// The invoke policy's name under a predecessor's role name: the configured `policy.name`,
/// else the default derived from that role name.
fn predecessor_policy_name(config: &Config, role_name: &str) -> String {
    config
        .policy
        .name
        .clone()
        .unwrap_or_else(|| format!("{role_name}-invoke"))
}

/// What to read of a predecessor ([`Kinship::Predecessor`]).
fn predecessor_query(config: &Config, query: &Query, role_name: &str) -> Query {
    Query {
        role_name: role_name.to_string(),
        policy_name: predecessor_policy_name(config, role_name),
        probe_shards: 1,
        functions: Vec::new(),
        ..query.clone()
    }
}

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
    let Ok(targets) = lambda_trust_model::resolve_targets(config, &ctx) else {
        return 1;
    };
    let arns: BTreeSet<String> = targets.into_iter().flat_map(|t| t.granted_arns).collect();
    // The built-in template's overhead is about 120 characters; custom ones may differ, which
    // only changes how many names are probed, not correctness (attached shards are found anyway).
    let size = |list: &[String]| 200 + list.iter().map(|a| a.len() + 3).sum::<usize>();
    lambda_trust_model::assign_shards(&arns, &BTreeMap::new(), DEFAULT_MAX_SHARDS, size)
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
pub(crate) fn shards(
    config: &Config,
    rendered: &Rendered,
    templates: &Templates,
    observed: &Observed,
) -> Result<Vec<(usize, serde_json::Value)>, PlanError> {
    let arns: BTreeSet<String> = rendered.function_arns.iter().cloned().collect();
    let existing: BTreeMap<usize, Vec<String>> = observed
        .policies
        .iter()
        .map(|p| (p.index, granted_by(&p.document)))
        .collect();
    let size = |list: &[String]| {
        lambda_trust_model::render_invoke(config, rendered, templates, list)
            .map(|d| minified_len(&d))
            .unwrap_or(usize::MAX)
    };
    let assigned = lambda_trust_model::assign_shards(&arns, &existing, DEFAULT_MAX_SHARDS, size)?;
    assigned
        .into_iter()
        .map(|(i, list)| {
            Ok((
                i,
                lambda_trust_model::render_invoke(config, rendered, templates, &list)?,
            ))
        })
        .collect()
}

/// The rendered documents, checked against the invariants: errors refuse (nothing reaches
/// AWS), warnings are returned for the user.
pub(crate) fn checked_render(
    config: &Config,
    ctx: &RenderContext,
    templates: &Templates,
    allow_weaker: bool,
) -> Result<(Rendered, Vec<Finding>), PlanError> {
    let rendered = lambda_trust_model::render(config, ctx, templates)?;
    let findings = lint::check_rendered(config, &rendered, allow_weaker);
    let (errors, warnings): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| f.severity == Severity::Error);
    if !errors.is_empty() {
        return Err(PlanError::Invariants(errors));
    }
    Ok((rendered, warnings))
}

/// The desired state once the account is known and AWS was read: render, check, shard.
pub fn desired(
    config: &Config,
    ctx: &RenderContext,
    templates: &Templates,
    observed: &Observed,
    allow_weaker: bool,
) -> Result<(Desired, Vec<Finding>), PlanError> {
    let (rendered, warnings) = checked_render(config, ctx, templates, allow_weaker)?;
    let account = ctx.account_id.clone().unwrap_or_default();
    let shards = shards(config, &rendered, templates, observed)?;
    Ok((Desired::new(config, &rendered, &account, shards), warnings))
}
