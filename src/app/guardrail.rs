//! `guardrail`'s workflows: read the organization (its tree and RCPs, `aws::guardrail`) and,
//! through `audit`'s organization read, the member accounts' roles; decide in
//! `lambda_trust_audit::plan_guardrail`; write only lambda-trust's own RCP.
//!
//! `plan` and `check` only read. `apply` writes what the plan says, after the command asked,
//! and refuses before any write what cannot be written whole: a refusal of the plan (a quota,
//! a target with no member account), a failed proof, or roles it could not read. `destroy`
//! detaches and deletes the policy lambda-trust tagged as its guardrail, and nothing else.

use std::time::Duration;

use super::audit::{audit_keeping, AccountList, AuditSource, Audited};
use super::events::{Event, Events};
use super::settings::Settings;
use crate::aws::guardrail as org;
use crate::aws::observe::caller_identity;
use crate::aws::sessions::EntryRole;
use crate::aws::Clients;
use crate::error::{Error, Result};
use crate::event::Read;
use lambda_trust_audit::{
    guardrail_document, plan_guardrail, AuditOptions, GuardrailChange, GuardrailMode,
    GuardrailPlan, GuardrailRoles, GuardrailSpec, OrgTree,
};
use lambda_trust_config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};
use lambda_trust_iam::Verdict;
use lambda_trust_provision::GuardrailCode;

/// How long `apply` waits for RCPs to be ENABLED on the root.
const ENABLE_PATIENCE: Duration = Duration::from_secs(300);

/// Where the member accounts' roles are read from.
#[derive(Debug, Clone)]
pub(crate) enum RolesFrom {
    /// `--assume-role NAME` in each account, `concurrency` at a time.
    AssumeRole { role: EntryRole, concurrency: u16 },
    /// `--config-aggregator NAME`.
    ConfigAggregator(String),
    /// Neither: the roles are not read.
    Nowhere,
}

/// A plan with what it was made from.
#[derive(Debug)]
pub(crate) struct Planned {
    pub plan: GuardrailPlan,
    /// The caller's account, and whether it is the management account (else a delegated
    /// administrator's).
    pub caller: String,
    pub management: bool,
}

/// Reads the organization and the roles, and plans (or checks) the guardrail for `spec`.
pub(crate) async fn plan(
    settings: &Settings,
    events: &dyn Events,
    spec: &GuardrailSpec,
    roles: &RolesFrom,
    mode: GuardrailMode,
) -> Result<Planned> {
    // Bad input is refused before any call.
    guardrail_document(spec).map_err(refused)?;
    let clients = Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let (tree, caller) = read(events, &clients).await?;
    let roles = read_roles(settings, events, spec, roles).await?;
    let plan = plan_guardrail(mode, spec, &tree, &roles).map_err(refused)?;
    Ok(Planned {
        plan,
        management: caller == tree.management_account,
        caller,
    })
}

/// Each config environment's org ID (`[trust].external_id`) against the organization its
/// `[genesys]` signs in to: one that differs would lock Genesys Cloud out of your roles while
/// a proof fed the same ID passes, so it is refused before any call; one that cannot be
/// compared (Genesys Cloud unreachable) is said, and the rest goes on.
pub(crate) async fn compare_with_genesys(
    settings: &Settings,
    events: &dyn Events,
    configs: &[lambda_trust_config::Config],
) -> Result<()> {
    for config in configs.iter().filter(|c| c.genesys.is_some()) {
        let id = &config.trust.external_id;
        let clients = Clients::connect(&settings.aws_for(Some(config))).await?;
        let org = super::genesys::signed_in_org(&clients, config, events).await;
        match org {
            Ok(Some(org)) if &org != id => {
                return Err(Error::usage(
                    format!(
                        "the config's org ID {id} is not the organization its [genesys] signs \
                         in to ({org}): the guardrail would keep Genesys Cloud out with it"
                    ),
                    "fix [trust].external_id (Admin > Organization Settings shows the ID), or \
                     give --genesys-org-id",
                ));
            }
            Ok(_) => {}
            Err(e) => events.event(Event::Warning {
                message: format!(
                    "the config's org ID {id} was not compared with the organization its \
                     [genesys] signs in to: {}",
                    crate::error::shown(&e)
                ),
                hint: Some("give --genesys-org-id to skip the comparison".into()),
            }),
        }
    }
    Ok(())
}

fn refused(why: String) -> Error {
    Error::usage(
        format!("the guardrail cannot be planned: {why}"),
        "fix the flags named and run it again",
    )
}

/// The organization's tree and RCPs, and the caller's account.
async fn read(events: &dyn Events, clients: &Clients) -> Result<(OrgTree, String)> {
    let both = async { tokio::join!(org::read_tree(clients), caller_identity(clients)) };
    let (tree, caller) = events.reading(Read::Organization, both).await;
    Ok((tree?, caller?.account))
}

async fn read_roles(
    settings: &Settings,
    events: &dyn Events,
    spec: &GuardrailSpec,
    from: &RolesFrom,
) -> Result<GuardrailRoles> {
    let source = match from {
        RolesFrom::Nowhere => {
            return Ok(GuardrailRoles::NotRead(
                "give --assume-role NAME or --config-aggregator NAME to read them".into(),
            ))
        }
        RolesFrom::AssumeRole { role, concurrency } => AuditSource::Accounts {
            list: AccountList::Organization,
            assume_role: role.clone(),
            concurrency: *concurrency,
        },
        RolesFrom::ConfigAggregator(name) => AuditSource::ConfigAggregator(name.clone()),
    };
    let opts = AuditOptions {
        partners: spec.partners.clone(),
        genesys_org_ids: spec.org_ids.clone(),
        ..AuditOptions::default()
    };
    let (audited, _) = audit_keeping(settings, events, &source, opts, None, None, false).await?;
    match audited {
        Audited::Org(report) => Ok(GuardrailRoles::from(&report)),
        Audited::Account(_) | Audited::Iac(_) => unreachable!("an organization's source"),
    }
}

/// Why `plan` may not be applied, before any write: what it refused, a failed or undecided
/// proof, roles not read.
pub(crate) fn not_applicable(plan: &GuardrailPlan) -> Option<String> {
    if let Some(first) = plan.refused.first() {
        return Some(first.clone());
    }
    if let Some(c) = plan
        .claims
        .iter()
        .find(|c| c.verdict == Verdict::Counterexample)
    {
        return Some(format!("the {} proof failed: {}", c.property, c.detail));
    }
    if let Some(what) = plan.not_read.first() {
        return Some(format!(
            "not read: {what}; a guardrail is applied only over roles read"
        ));
    }
    None
}

/// Writes `plan`'s changes in order; the number of writes and the policy's ID.
pub(crate) async fn apply(
    settings: &Settings,
    events: &dyn Events,
    plan: &GuardrailPlan,
) -> Result<(usize, String)> {
    if let Some(why) = not_applicable(plan) {
        return Err(Error::usage(
            format!("nothing written: {why}"),
            "see guardrail plan",
        ));
    }
    let clients = Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let document = serde_json::to_string(&plan.policy.document).expect("a JSON value");
    let mut id = plan.policy.id.clone().unwrap_or_default();
    let writes = async {
        for change in &plan.changes {
            match change {
                GuardrailChange::EnableRcps { root } => {
                    org::enable_rcps(&clients, root, ENABLE_PATIENCE).await?
                }
                GuardrailChange::Create { name, record } => {
                    id = org::create(&clients, name, &document, record).await?
                }
                GuardrailChange::Record { record, .. } => {
                    org::record(&clients, &id, record).await?
                }
                GuardrailChange::Update { id, .. } => org::update(&clients, id, &document).await?,
                GuardrailChange::Attach { target } => org::attach(&clients, &id, target).await?,
                GuardrailChange::Detach { target } => org::detach(&clients, &id, target).await?,
            }
        }
        Ok::<_, crate::aws::AwsError>(())
    };
    let changes = plan.changes.len();
    events.reading(Read::Writing { changes }, writes).await?;
    Ok((changes, id))
}

/// What `destroy` would do: the guardrail's ID and its targets (`None`: none is stored).
pub(crate) async fn to_destroy(
    settings: &Settings,
    events: &dyn Events,
) -> Result<Option<(String, Vec<String>)>> {
    let clients = Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let (tree, _) = read(events, &clients).await?;
    Ok(tree
        .policies
        .into_iter()
        .find(|p| p.ours)
        .map(|p| (p.id, p.targets)))
}

/// Detaches the guardrail from each target, then deletes it; the number of writes.
pub(crate) async fn destroy(
    settings: &Settings,
    events: &dyn Events,
    id: &str,
    targets: &[String],
) -> Result<usize> {
    let clients = Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let writes = async {
        for t in targets {
            org::detach(&clients, id, t).await?;
        }
        org::delete(&clients, id).await
    };
    let changes = targets.len() + 1;
    events.reading(Read::Writing { changes }, writes).await?;
    Ok(changes)
}

/// The guardrail as code: the document for `spec`, its targets (the root by default) and, when
/// it exists, its ID and where it is attached.
pub(crate) async fn export(
    settings: &Settings,
    events: &dyn Events,
    spec: &GuardrailSpec,
    roles: &RolesFrom,
) -> Result<GuardrailCode> {
    let document = guardrail_document(spec).map_err(refused)?;
    let clients = Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let (tree, _) = read(events, &clients).await?;
    let roles = read_roles(settings, events, spec, roles).await?;
    let plan = plan_guardrail(GuardrailMode::Plan, spec, &tree, &roles).map_err(refused)?;
    let live = tree
        .policies
        .iter()
        .find(|p| p.ours)
        .map(|p| (p.id.clone(), p.targets.clone()));
    Ok(GuardrailCode {
        name: plan.policy.name,
        description: org::DESCRIPTION.to_owned(),
        document,
        targets: plan.targets.into_iter().map(|c| c.target).collect(),
        live,
        tags: [
            (MANAGED_BY_KEY.to_owned(), MANAGED_BY_VALUE.to_owned()),
            (
                org::GUARDRAIL_TAG.0.to_owned(),
                org::GUARDRAIL_TAG.1.to_owned(),
            ),
        ]
        .into_iter()
        .chain(plan.record)
        .collect(),
    })
}
