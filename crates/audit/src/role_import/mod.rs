//! `init --from-role`, the pure part: from a live role (as `aws::observe` reads it) and the
//! audit's proved report of it (who can assume it, the accepted `sts:ExternalId` values, what it
//! can invoke) to the `[trust]`, `[role]` and `[policy]` sections and the targets of a config
//! that describes it. What the config cannot say (a trust policy that accepts more than one
//! fixed ID, grants beyond invoking, a function-name wildcard) is written as a comment beside
//! the finding, never "fixed" silently: `plan --adopt` then shows the change.
//!
//! Part of the pure auditor: the command reads the role and writes the file.

mod text;

use lambda_trust_verdict::Problem;
use std::collections::BTreeMap;

use crate::account::{AccountIam, AuditOptions, AuditPolicy, AuditRole, AuditVersion};
use crate::audit::audit_role;
use crate::findings::Finding;
use crate::report::{ExternalIds, IdKind, RoleReport};
use lambda_trust_config::{
    identity_digest, Partner, CONFIG_TAG_KEY, DEPLOYMENT_TAG_KEY, MANAGED_BY_KEY,
};
use lambda_trust_iam::{Arn, AwsResource};
use lambda_trust_model::{shard_index, Observed, DEFAULT_DESCRIPTION, DEFAULT_MAX_SESSION};
use strum::IntoEnumIterator;

pub use text::role_config;
pub(crate) use text::role_sections;

/// The trusted account as the config writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustedAccount {
    /// A partner lambda-trust knows by name (Genesys Cloud, or its FedRAMP account).
    Preset(Partner),
    /// Any other account, by ID.
    Account(String),
}

/// A role read back into config terms.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRole {
    /// The role's name.
    pub name: String,
    /// The role's ARN.
    pub arn: String,
    /// The role's IAM path.
    pub path: String,
    /// The account the role lives in.
    pub account_id: String,
    /// `None`: the default description.
    pub description: Option<String>,
    /// `None`: the default (3600 s).
    pub(crate) max_session_duration: Option<i64>,
    pub(crate) permissions_boundary: Option<String>,
    /// The user's tags (lambda-trust's own left out).
    pub tags: BTreeMap<String, String>,
    /// The role's deployment: its `lambda-trust:deployment` tag (none: the text suggests one,
    /// commented, so the imported config comes back in sync).
    pub(crate) deployment: Option<String>,
    /// The account the role trusts.
    pub partner: TrustedAccount,
    /// The external ID the config requires: the one the role accepts, or the one given.
    pub external_id: String,
    /// The one external ID the role accepts today, as proved (`None`: several, any, or none).
    pub accepted_id: Option<String>,
    /// `None`: the default (`<role>-invoke`).
    pub(crate) policy_name: Option<String>,
    /// Granted functions as targets: (unqualified function ARN, qualifier).
    pub targets: Vec<(String, Option<String>)>,
    /// Why the written config differs from the role: each line becomes a comment.
    pub notes: Vec<String>,
    /// The audit's findings on the role.
    pub findings: Vec<Finding>,
}

/// The role as the audit's account model: one role, its managed policies with their documents.
pub(crate) fn account_iam(observed: &Observed) -> Option<AccountIam> {
    let r = observed.role.as_ref()?;
    let mut policies = BTreeMap::new();
    for p in observed.attached.iter().chain(&observed.boundary) {
        policies.insert(
            p.arn.clone(),
            AuditPolicy {
                arn: p.arn.clone(),
                name: p.name.clone(),
                versions: vec![AuditVersion {
                    version_id: "default".into(),
                    is_default: true,
                    document: p.document.clone(),
                }],
            },
        );
    }
    let role = AuditRole {
        name: r.name.clone(),
        arn: r.arn.clone(),
        trust: r.trust.clone(),
        inline: (observed.inline.iter())
            .map(|p| (p.name.clone(), p.document.clone()))
            .collect(),
        attached: observed.attached.iter().map(|p| p.arn.clone()).collect(),
        boundary: r.permissions_boundary.clone(),
        tags: r.tags.clone(),
    };
    Some(AccountIam {
        account_id: observed.account_id.clone(),
        roles: vec![role],
        policies,
        usage: Default::default(),
    })
}

/// Reads the role into config terms, audited with `opts` (no report: no other account can
/// assume it); `external_id`: `--external-id`, required when the role does not pin one.
pub fn import_role(
    observed: &Observed,
    opts: &AuditOptions,
    external_id: Option<&str>,
) -> Result<ImportedRole, Problem> {
    let r = observed
        .role
        .as_ref()
        .ok_or_else(|| Problem::from("the role does not exist"))?;
    let iam = account_iam(observed).ok_or_else(|| Problem::from("the role does not exist"))?;
    let report = audit_role(&iam, &iam.roles[0], opts);
    let report = report.as_ref();
    let mut notes = Vec::new();
    let partner = partner(report, &mut notes);
    let accepted_id = fixed_id(report);
    let external_id = chosen_id(&r.name, report, external_id, &mut notes)?;
    let (targets, left) = targets(report.map_or(&[][..], |r| &r.invokable));
    notes.extend(left);
    let partner_account = match &partner {
        TrustedAccount::Preset(p) => p.account_id().to_string(),
        TrustedAccount::Account(a) => a.clone(),
    };
    let policy_name = policy_name(observed, &partner_account, &external_id);
    if !lambda_trust_config::is_ours(&r.tags) {
        notes.push("apply --adopt writes the trust policy in lambda-trust's form (the trusted account and external ID above); plan --adopt shows both documents".into());
    }
    notes.extend(moved(observed, policy_name.as_deref()));
    let own = [MANAGED_BY_KEY, CONFIG_TAG_KEY, DEPLOYMENT_TAG_KEY];
    let tags = (r.tags.iter())
        .filter(|(k, _)| !own.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let deployment = r.tags.get(DEPLOYMENT_TAG_KEY).cloned();
    Ok(ImportedRole {
        deployment,
        name: r.name.clone(),
        arn: r.arn.clone(),
        path: r.path.clone(),
        account_id: observed.account_id.clone(),
        // A role without a description keeps none (`""`), not lambda-trust's default.
        description: Some(r.description.clone().unwrap_or_default())
            .filter(|d| d != DEFAULT_DESCRIPTION),
        max_session_duration: Some(r.max_session_duration).filter(|s| *s != DEFAULT_MAX_SESSION),
        permissions_boundary: r.permissions_boundary.clone(),
        tags,
        partner,
        external_id,
        accepted_id,
        policy_name,
        targets,
        notes,
        findings: report.map(|r| r.findings.clone()).unwrap_or_default(),
    })
}

/// The one partner account that can assume the role, as a preset when it is Genesys Cloud's.
/// Anything else (nobody, several, anyone) is noted, and Genesys Cloud's account written.
fn partner(report: Option<&RoleReport>, notes: &mut Vec<String>) -> TrustedAccount {
    let accounts: Vec<&str> = report
        .map(|r| r.assumable_by.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let account = |p: &str| {
        Arn::parse(p)
            .filter(|a| a.resource == "root")
            .map(|a| a.account)
    };
    match accounts.as_slice() {
        [one] if account(one).is_some() => {
            let one = account(one).unwrap_or_default();
            match Partner::iter().find(|p| p.account_id() == one) {
                Some(preset) => TrustedAccount::Preset(preset),
                None => TrustedAccount::Account(one),
            }
        }
        [] => {
            notes.push("no other account can assume the role today: lambda-trust will trust Genesys Cloud's account".into());
            TrustedAccount::Preset(Partner::GenesysCloud)
        }
        many => {
            notes.push(format!(
                "the role can be assumed today by {}: lambda-trust will trust only Genesys Cloud's account",
                many.join(", ")
            ));
            TrustedAccount::Preset(Partner::GenesysCloud)
        }
    }
}

/// The role's one fixed external ID, or `given` (which wins, noted when it differs).
fn chosen_id(
    role: &str,
    report: Option<&RoleReport>,
    given: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<String, Problem> {
    let ids = report.map(|r| &r.external_ids);
    match (fixed_id(report), given) {
        (Some(f), Some(g)) if f != g => {
            notes.push(format!("the role accepts the external ID {f:?} today, not {g:?}: lambda-trust will require {g:?}"));
            Ok(g.to_string())
        }
        (Some(f), _) => Ok(f),
        (None, Some(g)) => {
            let what = ids.map_or("no other account".into(), describe_ids);
            notes.push(format!(
                "the role accepts {what} as sts:ExternalId today: lambda-trust will require {g:?}"
            ));
            Ok(g.to_string())
        }
        // The role accepts no one fixed external ID, and none was given. No hint of its own:
        // `init --from-role` says what to pass (`--external-id`), the one caller that knows
        // the flag.
        (None, None) => Err(Problem::from(format!(
            "role {role} accepts {} as sts:ExternalId, not one fixed value",
            ids.map_or("nothing from another account".into(), describe_ids)
        ))),
    }
}

/// The one fixed external ID the audit proved the role accepts, if it is one.
fn fixed_id(report: Option<&RoleReport>) -> Option<String> {
    report
        .map(|r| &r.external_ids)
        .filter(|i| i.kind == IdKind::Fixed && i.values.len() == 1)
        .map(|i| i.values[0].clone())
}

fn describe_ids(ids: &ExternalIds) -> String {
    match ids.kind {
        IdKind::Any => "any value (or none)".into(),
        kind => format!("{kind} values {}", ids.values.join(", ")),
    }
}

/// The invokable patterns as targets: `f` → (f, none), `f` with `f:*` → (f, `*`), `f:q` →
/// (f, q). A wildcard in the function name, or `f:*` without `f`, cannot be a target exactly:
/// noted and left out (the first) or widened to `*` and noted (the second).
fn targets(invokable: &[String]) -> (Vec<(String, Option<String>)>, Vec<String>) {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut notes = Vec::new();
    for p in invokable {
        let Some(a) = Arn::parse(p).filter(|a| a.service == "lambda") else {
            notes.push(format!("{p} is not a function ARN: not a target"));
            continue;
        };
        let mut parts = a.resource.splitn(3, ':');
        let (kind, name, qualifier) = (parts.next(), parts.next(), parts.next());
        let wild = |s: &str| s.contains(['*', '?']);
        if kind != Some("function") || name.is_none_or(wild) || a.region.contains('*') {
            notes.push(format!(
                "{p} names no single function: not a target (the config lists functions)"
            ));
            continue;
        }
        let name = name.unwrap_or_default();
        let unqualified = Arn::of(
            &a.partition,
            &a.account,
            AwsResource::Function {
                region: &a.region,
                name,
                qualifier: None,
            },
        );
        let unqualified = unqualified.to_string();
        match qualifier {
            Some("*") if !invokable.contains(&unqualified) => {
                notes.push(format!("{p} is granted without {unqualified}: the target's qualifier \"*\" grants both"));
                out.push((unqualified, Some("*".into())));
            }
            Some(q) if wild(q) && q != "*" => {
                notes.push(format!("{p} has a qualifier pattern: not a target"));
            }
            Some(q) => out.push((unqualified, Some(q.to_string()))),
            None => out.push((unqualified, None)),
        }
    }
    // `f` and `f:*` are one target with qualifier `*`.
    let star: Vec<String> = (out.iter())
        .filter(|(_, q)| q.as_deref() == Some("*"))
        .map(|(f, _)| f.clone())
        .collect();
    out.retain(|(f, q)| q.is_some() || !star.contains(f));
    out.sort();
    out.dedup();
    (out, notes)
}

/// The policy name: for a role lambda-trust made, the one whose `lambda-trust:config` digest
/// the role carries (among its attached policies' names, shard suffixes `-N` dropped); else the
/// default. `None`: the default name.
fn policy_name(observed: &Observed, partner: &str, external_id: &str) -> Option<String> {
    let r = observed.role.as_ref()?;
    let tag = r.tags.get(CONFIG_TAG_KEY)?;
    let default = format!("{}-invoke", r.name);
    // A shard `base-k` names its base: every attached name and its shard bases are candidates.
    let names = (observed.attached.iter().map(|p| p.name.as_str()))
        .chain(observed.policies.iter().map(|p| p.name.as_str()));
    let candidates: Vec<String> = std::iter::once(default.clone())
        .chain(names.flat_map(|n| {
            let base = n.rsplit_once('-').map(|(b, _)| b.to_string());
            std::iter::once(n.to_string())
                .chain(base.filter(|b| shard_index(b, n).is_some_and(|k| k > 1)))
        }))
        .collect();
    candidates
        .into_iter()
        .find(|n| &identity_digest(partner, external_id, &r.path, n) == tag)
        .filter(|n| *n != default)
}

/// What `apply --adopt` takes off the role (it keeps nothing but lambda-trust's invoke policy):
/// every other attached policy and every inline policy; their invoke grants are the targets.
fn moved(observed: &Observed, policy_name: Option<&str>) -> Vec<String> {
    let Some(r) = observed.role.as_ref() else {
        return Vec::new();
    };
    let ours = policy_name.map_or_else(|| format!("{}-invoke", r.name), str::to_string);
    let is_ours = |n: &str| shard_index(&ours, n).is_some();
    let mut out: Vec<String> = (observed.attached.iter())
        .filter(|p| !is_ours(&p.name))
        .map(|p| format!("apply --adopt detaches the managed policy {} (lambda-trust keeps only its own invoke policy on the role)", p.arn))
        .collect();
    out.extend(observed.inline.iter().map(|p| {
        format!(
            "apply --adopt deletes the inline policy {} (lambda-trust keeps no inline policy)",
            p.name
        )
    }));
    out
}
