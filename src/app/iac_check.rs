//! `check --template` (and, with the Terraform reader, `check --plan`): would the IaC leave the
//! configured role exactly as `lambda-trust.toml` says, every property proved?
//!
//! Part of the application floor, pure: it runs the provisioner's `check` over the auditor's
//! IaC model, so neither crate stands on the other. The IaC's model ([`IacModel`]) is turned into what a live read
//! would have observed of the configured role ([`Observed`]), and `check`'s own comparison runs
//! on it: `lambda_trust_provision::aws_drift`, no predecessors (the plan as if adopting: trust, invoke policy shards,
//! attachments, inline policies, path, boundary, tags) and `lambda_trust_provision::verification` (the
//! checks and the prover's properties), reported by `lambda_trust_provision::config_report` like a live
//! check. Ownership tags are not compared: a role kept in IaC belongs to the IaC tool, so the
//! observed role and policies are given lambda-trust's own tags. The role's description and
//! maximum session duration come from the model's `settings` (a reader that gives none: taken
//! as configured, said in the notes; an unknown one: a config finding); whether each target
//! function exists is taken as configured (no AWS call), said in the notes. A role whose documents hold a value
//! unknown before deployment gets a security finding naming it: unknown is never proved.

use serde_json::Value;

use lambda_trust_audit::{AuditRole, IacModel, RoleSettings, RoleSource};
use lambda_trust_config::{Config, CONFIG_TAG_KEY, MANAGED_BY_KEY};
use lambda_trust_model::{
    Desired, InlinePolicy, ManagedPolicy, Observed, ObservedFunction, ObservedPolicy, ObservedRole,
    PolicyVersion, RenderContext, Templates,
};
use lambda_trust_provision::{
    aws_drift, config_report, desired_state, verification, Code, ConfigKey, ConfigNote,
    ConfigReport, Finding, GenesysSide, PlanError,
};

/// The check of `model` (read from `source_file`) against the config's `desired` state.
pub(crate) fn check_model(model: &IacModel, desired: &Desired, source_file: &str) -> ConfigReport {
    let role = model.iam.roles.iter().find(|r| r.name == desired.role.name);
    let observed = observe(model, desired, role);
    let mut findings = match aws_drift(desired, &observed, &[], &desired.role.name) {
        Ok(f) => f,
        Err(e) => return ConfigReport::error(source_file, lambda_trust_verdict::shown(&e)),
    };
    findings.extend(unknown_findings(model, &desired.role.name));
    let settings = model.settings.get(&desired.role.name);
    findings.extend(settings.map(unknown_settings).unwrap_or_default());
    let v = verification(desired, &observed);
    // A plan's role is located in its `.tf` file: annotations point there.
    let source = role.and_then(|r| model.sources.get(&r.name));
    let file = source
        .and_then(|s| s.file.as_deref())
        .unwrap_or(source_file);
    let mut report = config_report(file, "", findings, &v, GenesysSide::NotChecked);
    report.notes.push(ConfigNote::IacNotCompared);
    if role.is_some() && settings.is_none() {
        report.notes.push(ConfigNote::IacSettingsNotRead);
    }
    report.lines = lines(source);
    report
}

/// Every config key points at the role's resource in the source (its line).
fn lines(source: Option<&RoleSource>) -> Vec<(ConfigKey, usize)> {
    let line = source.and_then(|s| s.line).unwrap_or(1);
    use ConfigKey::*;
    [Role, Trust, Targets, Policy, Aws]
        .into_iter()
        .map(|k| (k, line))
        .collect()
}

/// The unknown values the role's documents hold, as security findings.
fn unknown_findings(model: &IacModel, role: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (ix, what, code) in [
        (
            model.trust_unknowns.get(role),
            "trust policy",
            Code::TrustUnknown,
        ),
        (
            model.access_unknowns.get(role),
            "permissions",
            Code::AccessUnknown,
        ),
    ] {
        let names: Vec<String> = ix
            .into_iter()
            .flatten()
            .map(|i| model.unknowns[*i].to_string())
            .collect();
        if names.is_empty() {
            continue;
        }
        let message = format!(
            "not proved: the role's {what} depends on values unknown before deployment: {}",
            names.join("; ")
        );
        out.push(Finding::new(code, "role", message));
    }
    out
}

/// The config's desired state for a check of IaC: rendered, checked and sharded as for a
/// live account where nothing exists yet.
pub(crate) fn desired(
    config: &Config,
    ctx: &RenderContext,
    templates: &Templates,
    allow_weaker: bool,
) -> Result<Desired, PlanError> {
    let account = ctx.account_id.clone().unwrap_or_default();
    let nothing = Observed {
        account_id: account.clone(),
        ..Observed::default()
    };
    let mut desired = desired_state(config, ctx, templates, &nothing, allow_weaker)?.0;
    // The function policy statements of cross-account targets are written in those accounts,
    // not by the role's template or plan: this check leaves them out.
    desired.permissions.clear();
    Ok(desired)
}

/// A setting the source leaves unknown: a config finding (it is not a permission).
fn unknown_settings(s: &RoleSettings) -> Vec<Finding> {
    let unknown = [
        (
            s.description.is_none(),
            "description",
            Code::RoleDescriptionUnknown,
        ),
        (
            s.max_session_duration.is_none(),
            "maximum session duration",
            Code::RoleMaxSessionUnknown,
        ),
    ];
    unknown
        .into_iter()
        .filter(|(u, ..)| *u)
        .map(|(_, what, code)| {
            let message = format!("the role's {what} is unknown before deployment");
            Finding::new(code, "role", message)
        })
        .collect()
}

/// What a live read would observe of the configured role if the IaC were applied.
fn observe(model: &IacModel, desired: &Desired, role: Option<&AuditRole>) -> Observed {
    let mut observed = Observed {
        account_id: desired.account_id.clone(),
        ..Observed::default()
    };
    observed.functions = desired
        .targets
        .iter()
        .map(|t| ObservedFunction {
            function: t.function_arn.clone(),
            region: t.region.clone(),
            qualifier: t.qualifier.clone(),
            arn: Some(t.function_arn.clone()),
            problem: None,
            timeout: None,
        })
        .collect();
    let Some(role) = role else {
        return observed;
    };
    // A setting not read, or unknown, is taken as configured (said in the notes/findings).
    let settings = model.settings.get(&role.name);
    let managed = |arn: &String| ManagedPolicy {
        arn: arn.clone(),
        name: arn.rsplit('/').next().unwrap_or(arn).to_owned(),
        document: document(model, arn).unwrap_or(Value::Null),
    };
    let mut tags = role.tags.clone();
    for key in [MANAGED_BY_KEY, CONFIG_TAG_KEY] {
        if let Some(v) = desired.role.tags.get(key) {
            tags.insert(key.to_owned(), v.clone());
        }
    }
    observed.role = Some(ObservedRole {
        arn: role.arn.clone(),
        name: role.name.clone(),
        path: path_of(&role.arn, &role.name),
        description: Some(settings.and_then(|s| s.description.clone()))
            .flatten()
            .or_else(|| Some(desired.role.description.clone())),
        max_session_duration: settings
            .and_then(|s| s.max_session_duration)
            .unwrap_or(desired.role.max_session_duration),
        permissions_boundary: role.boundary.clone(),
        tags,
        trust: role.trust.clone(),
        created_epoch: None,
    });
    observed.attached = role.attached.iter().map(managed).collect();
    observed.inline = role
        .inline
        .iter()
        .map(|(name, document)| InlinePolicy {
            name: name.clone(),
            document: document.clone(),
        })
        .collect();
    observed.boundary = role.boundary.as_ref().map(managed);
    observed.policies = shards(model, desired, role);
    observed
}

/// The configured invoke policies (shards) the IaC defines, by name, as if created by
/// lambda-trust (its tags), attached when the role lists them.
fn shards(model: &IacModel, desired: &Desired, role: &AuditRole) -> Vec<ObservedPolicy> {
    desired
        .policies
        .iter()
        .filter_map(|want| {
            let p = model.iam.policies.values().find(|p| p.name == want.name)?;
            let default = p.default_version()?;
            Some(ObservedPolicy {
                index: want.index,
                arn: p.arn.clone(),
                name: p.name.clone(),
                default_version_id: default.version_id.clone(),
                document: default.document.clone(),
                versions: vec![PolicyVersion {
                    version_id: default.version_id.clone(),
                    is_default: true,
                    created_epoch: 0,
                    document: Some(default.document.clone()),
                }],
                tags: want.tags.clone(),
                attachment_count: i64::from(role.attached.contains(&p.arn)),
            })
        })
        .collect()
}

fn document(model: &IacModel, arn: &str) -> Option<Value> {
    Some(
        model
            .iam
            .policies
            .get(arn)?
            .default_version()?
            .document
            .clone(),
    )
}

/// The role's path from its ARN (`…:role/PATH/NAME`).
fn path_of(arn: &str, name: &str) -> String {
    let resource = arn.split_once(":role").map_or("/", |(_, r)| r);
    let path = resource.strip_suffix(name).unwrap_or("/");
    if path.is_empty() {
        "/".into()
    } else {
        path.into()
    }
}
