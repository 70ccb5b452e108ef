//! `lambda-trust export`: what lambda-trust manages, handed to Terraform or CloudFormation as
//! code that adopts the live objects as they are (Terraform `import` blocks, CloudFormation's
//! resources-to-import file), so moving to infrastructure as code costs nothing.
//!
//! [`Export`] is the plain model both writers take: the role, its invoke policies and their
//! attachment, the statements on cross-account functions, and the Genesys Cloud integration,
//! credential and actions — each with the ID it has where it is live (none when exported from
//! the config alone). [`terraform::files`] and [`cloudformation::files`] turn it into files;
//! both are pure.

use std::collections::BTreeMap;

use serde_json::Value;

use lambda_trust_model::{
    ActionDef, Desired, DesiredGenesys, Observed, ObservedGenesys, CREDENTIAL_TYPE,
};

pub(crate) mod cloudformation;
mod genesys_tf;
pub(crate) mod guardrail;
mod hcl;
pub(crate) mod terraform;

/// Where an export came from: its header in every file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The lambda-trust version that wrote it.
    pub version: String,
    /// The config file, as given.
    pub config: String,
    /// The config's environment, when it has them.
    pub environment: Option<String>,
    /// Read from what is live (IDs included), or only from the config.
    pub live: bool,
}

impl Origin {
    /// `lambda-trust 0.1.0 from lambda-trust.toml (environment prod), live state`.
    pub(crate) fn line(&self) -> String {
        let env = (self.environment.as_deref())
            .map(|e| format!(" (environment {e})"))
            .unwrap_or_default();
        let what = match self.live {
            true => "the live objects, with their IDs",
            false => "the config alone (--from-config), no IDs",
        };
        format!(
            "exported by lambda-trust {} from {}{env}: {what}",
            self.version, self.config
        )
    }
}

/// Everything exported: the AWS half and, with `[genesys]`, the Genesys Cloud half.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// Where the export came from: its header in every file.
    pub(crate) origin: Origin,
    /// The role's account.
    pub(crate) account_id: String,
    /// The role's partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub(crate) partition: String,
    /// The region of the run.
    pub(crate) region: String,
    /// The Genesys Cloud org ID (the trust policy's external ID).
    pub(crate) external_id: String,
    /// The role.
    pub(crate) role: Role,
    /// Our invoke policy's shards, attached to the role.
    pub(crate) policies: Vec<ManagedPolicy>,
    /// lambda-trust's statements on functions in other accounts.
    pub(crate) permissions: Vec<Permission>,
    /// The Genesys Cloud half, with `[genesys]`.
    pub genesys: Option<Genesys>,
}

/// The role as it is (live) or would be (config).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Role {
    /// The role's name.
    pub(crate) name: String,
    /// The role's IAM path.
    pub(crate) path: String,
    /// Its description.
    pub(crate) description: String,
    /// Its maximum session duration, in seconds.
    pub(crate) max_session_duration: i64,
    /// The ARN of its permissions boundary, if it has one.
    pub(crate) permissions_boundary: Option<String>,
    /// Every tag, lambda-trust's own included.
    pub(crate) tags: BTreeMap<String, String>,
    /// Its trust policy.
    pub(crate) trust: Value,
}

/// One invoke policy shard, attached to the role.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ManagedPolicy {
    /// The policy's name.
    pub(crate) name: String,
    /// The policy's IAM path.
    pub(crate) path: String,
    /// The policy's ARN.
    pub(crate) arn: String,
    /// Its document (the default version's, when live).
    pub(crate) document: Value,
    /// Its tags, lambda-trust's own included.
    pub(crate) tags: BTreeMap<String, String>,
}

/// lambda-trust's statement on a function in another account.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Permission {
    /// The function's account.
    pub(crate) account: String,
    /// The function's region.
    pub(crate) region: String,
    /// The unqualified function ARN.
    pub(crate) function_arn: String,
    /// The qualifier the statement grants, if any.
    pub(crate) qualifier: Option<String>,
    /// The statement's ID.
    pub(crate) statement_id: String,
    /// The role's ARN.
    pub(crate) principal: String,
}

/// The Genesys Cloud half.
#[derive(Debug, Clone, PartialEq)]
pub struct Genesys {
    /// The org's region, as an AWS region name (the provider's `aws_region`).
    pub(crate) region: String,
    /// Our integration.
    pub(crate) integration: Integration,
    /// The credential the integration binds.
    pub(crate) credential: Credential,
    /// The data actions lambda-trust manages.
    pub(crate) actions: Vec<Action>,
}

/// The `aws-lambda-data-actions` integration.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Integration {
    /// Its ID where it is live.
    pub(crate) id: Option<String>,
    /// The integration's name.
    pub(crate) name: String,
    /// `ENABLED` or `DISABLED`.
    pub(crate) intended_state: String,
    /// The config's notes (lambda-trust's ledger, where it keeps one).
    pub(crate) notes: String,
}

/// The credential holding the role's ARN.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Credential {
    /// Its ID where it is live.
    pub(crate) id: Option<String>,
    /// The credential's name.
    pub(crate) name: String,
    /// The credential type's name (`amazonWebServicesARN`).
    pub(crate) type_name: String,
    /// The role ARN it holds.
    pub(crate) role_arn: String,
}

/// One data action.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Action {
    /// Its ID where it is live.
    pub(crate) id: Option<String>,
    /// The action: name, category, contract and configuration.
    pub(crate) def: ActionDef,
}

/// The AWS half from the config's desired state (`--from-config`: no IDs but the ARNs it
/// would have).
pub(crate) fn aws_from_desired(origin: Origin, desired: &Desired, region: &str) -> Export {
    let role = &desired.role;
    Export {
        origin,
        account_id: desired.account_id.clone(),
        partition: desired.partition.clone(),
        region: region.to_string(),
        external_id: desired.external_id.clone(),
        role: Role {
            name: role.name.clone(),
            path: role.path.clone(),
            description: role.description.clone(),
            max_session_duration: role.max_session_duration,
            permissions_boundary: role.permissions_boundary.clone(),
            tags: role.tags.clone(),
            trust: role.trust.clone(),
        },
        policies: (desired.policies.iter())
            .map(|p| ManagedPolicy {
                name: p.name.clone(),
                path: p.path.clone(),
                arn: p.arn.clone(),
                document: p.document.clone(),
                tags: p.tags.clone(),
            })
            .collect(),
        permissions: (desired.permissions.iter())
            .map(|p| Permission {
                account: p.account.clone(),
                region: p.region.clone(),
                function_arn: p.function_arn.clone(),
                qualifier: p.qualifier.clone(),
                statement_id: p.statement_id.clone(),
                principal: p.principal.clone(),
            })
            .collect(),
        genesys: None,
    }
}

/// The AWS half as it is live: the role, lambda-trust's invoke policies attached to it and the
/// statements it holds on cross-account functions, as read (`desired` names which are ours).
/// `None`: the role does not exist, so there is nothing live to export.
pub fn aws_from_live(
    origin: Origin,
    desired: &Desired,
    observed: &Observed,
    region: &str,
) -> Option<Export> {
    let live = observed.role.as_ref()?;
    let mut e = aws_from_desired(origin, desired, region);
    e.account_id = observed.account_id.clone();
    e.role = Role {
        name: live.name.clone(),
        path: live.path.clone(),
        description: live.description.clone().unwrap_or_default(),
        max_session_duration: live.max_session_duration,
        permissions_boundary: live.permissions_boundary.clone(),
        tags: live.tags.clone(),
        trust: live.trust.clone(),
    };
    let attached = |arn: &str| observed.attached.iter().any(|a| a.arn == arn);
    e.policies = (observed.policies.iter())
        .filter(|p| attached(&p.arn))
        .map(|p| ManagedPolicy {
            name: p.name.clone(),
            path: "/".to_string(),
            arn: p.arn.clone(),
            document: p.document.clone(),
            tags: p.tags.clone(),
        })
        .collect();
    // The statement's own ID: lambda-trust's, or the one another tool chose (`handover`).
    let live_id = |p: &Permission| {
        (observed.permissions.iter())
            .filter(|o| o.function_arn == p.function_arn && o.qualifier == p.qualifier)
            .filter(|o| o.statement_id == p.statement_id)
            .find_map(|o| o.statement.as_ref())
            .map(|s| s["Sid"].as_str().unwrap_or(&p.statement_id).to_string())
    };
    e.permissions = (e.permissions.iter())
        .filter_map(|p| {
            live_id(p).map(|statement_id| Permission {
                statement_id,
                ..p.clone()
            })
        })
        .collect();
    Some(e)
}

/// The Genesys Cloud half: as it is live (IDs included; the credential's role ARN, which
/// Genesys Cloud never returns, the one lambda-trust manages), or, without `observed`, as the
/// config wants it. Only lambda-trust's actions are exported; the names of the integration's
/// other actions are returned beside it, to be said.
pub fn genesys_from(
    desired: &DesiredGenesys,
    observed: Option<&ObservedGenesys>,
    region: &str,
) -> (Genesys, Vec<String>) {
    let live = observed.and_then(|o| o.integration.as_ref());
    let integration = Integration {
        id: live.map(|i| i.id.clone()),
        name: live.map_or_else(|| desired.integration.clone(), |i| i.name.clone()),
        intended_state: live.map_or_else(|| "ENABLED".to_string(), |i| i.intended_state.clone()),
        notes: live.map(|i| i.notes.clone()).unwrap_or_default(),
    };
    let credential = observed.and_then(|o| o.credential.as_ref());
    let credential = Credential {
        id: credential.map(|c| c.id.clone()),
        name: credential.map_or_else(|| desired.credential_name.clone(), |c| c.name.clone()),
        type_name: credential.map_or_else(|| CREDENTIAL_TYPE.to_string(), |c| c.type_name.clone()),
        role_arn: desired.role_arn.clone(),
    };
    let found = |name: &str| observed.and_then(|o| o.actions.iter().find(|a| a.def.name == name));
    let actions = (desired.actions.iter())
        .map(|d| match found(&d.def.name) {
            Some(a) => Action {
                id: Some(a.id.clone()),
                def: a.def.clone(),
            },
            None => Action {
                id: None,
                def: d.def.clone(),
            },
        })
        .collect();
    let ours = |name: &str| desired.actions.iter().any(|d| d.def.name == name);
    let others = (observed
        .map(|o| o.actions.as_slice())
        .unwrap_or_default()
        .iter())
    .filter(|a| !ours(&a.def.name))
    .map(|a| a.def.name.to_string())
    .collect();
    let genesys = Genesys {
        region: region.to_string(),
        integration,
        credential,
        actions,
    };
    (genesys, others)
}

/// Every file of the export as `tool`'s code: Terraform's (both halves, the Genesys Cloud one
/// for the genesyscloud provider), or CloudFormation's templates and import files (the AWS half:
/// CloudFormation has no resource type for Genesys Cloud).
pub fn files(e: &Export, tool: lambda_trust_config::ManagedBy) -> Vec<terraform::File> {
    match tool {
        lambda_trust_config::ManagedBy::Terraform => terraform::files(e),
        lambda_trust_config::ManagedBy::Cloudformation => cloudformation::files(e),
    }
}

/// The resources the files declare and how many of them are imported, counted in the files
/// themselves so the summary says what was written: Terraform's `resource` and `import`
/// blocks; CloudFormation's templates' `Resources` and the resources-to-import entries.
pub fn counts(files: &[terraform::File]) -> (usize, usize) {
    let (mut resources, mut imports) = (0, 0);
    for f in files {
        if f.name.ends_with(".tf") {
            let starts = |p: &str| f.text.lines().filter(|l| l.starts_with(p)).count();
            resources += starts("resource \"");
            imports += starts("import {");
        } else if let Ok(v) = serde_json::from_str::<serde_json::Value>(&f.text) {
            resources += v["Resources"].as_object().map_or(0, |r| r.len());
            if f.name.ends_with(".import.json") {
                imports += v.as_array().map_or(0, Vec::len);
            }
        }
    }
    (resources, imports)
}

/// Everything from the config alone (`--from-config`): the role, policies and statements the
/// config would create in `ctx`'s account, and its Genesys Cloud side; no call, no ID.
pub fn from_config(
    origin: Origin,
    loaded: &lambda_trust_config::Loaded,
    ctx: &lambda_trust_model::RenderContext,
    templates: &lambda_trust_model::Templates,
    allow_weaker: bool,
) -> Result<Export, crate::plan::PlanError> {
    let account = ctx.account_id.clone().unwrap_or_default();
    let nothing = Observed {
        account_id: account.clone(),
        ..Observed::default()
    };
    let config = &loaded.config;
    let (desired, _) = crate::prepare::desired(config, ctx, templates, &nothing, allow_weaker)?;
    let region = ctx.default_region.clone().unwrap_or_default();
    let mut e = aws_from_desired(origin, &desired, &region);
    e.genesys = DesiredGenesys::new(loaded, &desired).map(|g| {
        let region = g.region.clone().unwrap_or_default();
        genesys_from(&g, None, &region).0
    });
    Ok(e)
}
