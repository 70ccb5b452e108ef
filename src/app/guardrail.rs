//! `guardrail`'s workflows: read the organization (its tree and RCPs, `aws::guardrail`) and,
//! through `audit`'s organization read, the member accounts' roles; decide in
//! `lambda_trust_audit::plan_guardrail`; write only lambda-trust's own RCP.
//!
//! `plan` and `check` only read. `apply` writes what the plan says, after the command asked,
//! and refuses before any write what cannot be written whole: a refusal of the plan (a quota,
//! a target with no member account), a failed proof, or roles it could not read. `destroy`
//! detaches and deletes the policy lambda-trust tagged as its guardrail, and nothing else.

use std::sync::Arc;
use std::time::Duration;

use super::audit::{audit_keeping, AccountList, AuditSource, Audited, ReadAlready};
use super::events::{Event, Events};
use super::settings::Settings;
use crate::aws::observe::caller_identity;
use crate::aws::organizations::{self as org_read, guardrail as org};
use crate::aws::sessions::EntryRole;
use crate::aws::Clients;
use crate::error::{Error, Result};
use crate::event::Read;
use lambda_trust_audit::{
    plan_guardrail, AuditOptions, GuardrailAsked, GuardrailChange, GuardrailChosen,
    GuardrailChosenFrom, GuardrailMode, GuardrailPlan, GuardrailRoles, OrgTree,
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

/// Reads the organization and the roles, and plans (or checks) the guardrail `asked` for,
/// each family not given as apply recorded it.
pub(crate) async fn plan(
    settings: &Settings,
    events: &dyn Events,
    asked: &GuardrailAsked,
    roles: &RolesFrom,
    mode: GuardrailMode,
) -> Result<Planned> {
    refuse_bad_input(asked)?;
    let clients = Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let (tree, caller) = read(events, &clients).await?;
    let read = ReadAlready {
        tree: Arc::new(tree),
        caller,
    };
    let roles = read_roles(settings, events, asked, roles, &read).await?;
    let plan = plan_guardrail(mode, asked, &read.tree, &roles).map_err(refused)?;
    Ok(Planned {
        plan,
        management: read.caller == read.tree.management_account,
        caller: read.caller,
    })
}

/// Bad input is refused before any call.
fn refuse_bad_input(asked: &GuardrailAsked) -> Result<()> {
    asked.refused().map_or(Ok(()), |why| Err(refused(why)))
}

/// The org IDs given as flags.
pub(crate) fn flagged(ids: &[String]) -> Vec<GuardrailChosen> {
    (ids.iter())
        .map(|id| GuardrailChosen {
            value: id.clone(),
            from: GuardrailChosenFrom::Flag,
        })
        .collect()
}

/// Each config environment's org ID (`[trust].external_id`) against the organization its
/// `[genesys]` signs in to: one that differs would lock Genesys Cloud out of your roles while
/// a proof fed the same ID passes, so it is refused before any call; one that cannot be
/// compared (Genesys Cloud unreachable) is said, and the rest goes on. Each org ID, with the
/// environment it came from and whether it was compared.
pub(crate) async fn compare_with_genesys(
    settings: &Settings,
    events: &dyn Events,
    configs: &[(String, lambda_trust_config::Config)],
) -> Result<Vec<GuardrailChosen>> {
    let mut out: Vec<GuardrailChosen> = Vec::new();
    for (environment, config) in configs {
        let id = &config.trust.external_id;
        let environment = environment.clone();
        let from = |from: fn(String) -> GuardrailChosenFrom| GuardrailChosen {
            value: id.clone(),
            from: from(environment.clone()),
        };
        if !lambda_trust_config::is_uuid(id) || out.iter().any(|c| &c.value == id) {
            continue;
        }
        if config.genesys.is_none() {
            out.push(from(|environment| {
                GuardrailChosenFrom::ConfigWithoutGenesys { environment }
            }));
            continue;
        }
        let clients = Clients::connect(&settings.aws_for(Some(config))).await?;
        let org = super::genesys::signed_in_org(&clients, config, events).await;
        match org {
            Ok(Some(org)) if &org != id => {
                return Err(Error::usage(
                    format!(
                        "the config's org ID {id} is not the organization its [genesys] signs \
                         in to ({org}): the guardrail would keep Genesys Cloud out with it"
                    ),
                    format!(
                        "fix [trust].external_id (Genesys Cloud shows the ID at {}), or give \
                         --genesys-org-id",
                        lambda_trust_config::ORG_ID_WHERE
                    ),
                ));
            }
            Ok(Some(_)) => out.push(from(|environment| GuardrailChosenFrom::Config {
                environment,
            })),
            Ok(None) => out.push(from(not_compared)),
            Err(e) => {
                events.event(Event::Warning {
                    message: format!(
                        "the config's org ID {id} was not compared with the organization its \
                         [genesys] signs in to: {}",
                        crate::error::shown(&e)
                    ),
                    hint: Some("give --genesys-org-id to skip the comparison".into()),
                });
                out.push(from(not_compared));
            }
        }
    }
    Ok(out)
}

fn not_compared(environment: String) -> GuardrailChosenFrom {
    GuardrailChosenFrom::ConfigNotCompared { environment }
}

fn refused(why: String) -> Error {
    Error::usage(
        format!("the guardrail cannot be planned: {why}"),
        "fix the flags named and run it again",
    )
}

/// The organization's tree and RCPs, and the caller's account. A member account's
/// credentials cannot list the organization: the hint says whose can.
async fn read(events: &dyn Events, clients: &Clients) -> Result<(OrgTree, String)> {
    let both = async {
        tokio::join!(
            org_read::read_tree(clients, org_read::Tags::Read),
            caller_identity(clients)
        )
    };
    let (tree, caller) = events.reading(Read::Organization, both).await;
    let tree = tree.map_err(|mut e| {
        let denied = ["AccessDeniedException", "AWSOrganizationsNotInUseException"];
        if e.code.as_deref().is_some_and(|c| denied.contains(&c)) {
            e.hint = Some(
                "run it with the management account's credentials, or a delegated \
                 administrator's whose delegation policy allows RCPs (docs/guardrail.md, \
                 \"Permissions\")"
                    .into(),
            );
        }
        e
    })?;
    Ok((tree, caller?.account))
}

/// The roles a partner account can assume in each account, read as `audit --organization`
/// reads them, each member's organization policies from the tree `read` (not read again).
async fn read_roles(
    settings: &Settings,
    events: &dyn Events,
    asked: &GuardrailAsked,
    from: &RolesFrom,
    read: &ReadAlready,
) -> Result<GuardrailRoles> {
    let source = match from {
        RolesFrom::Nowhere => {
            return Ok(GuardrailRoles::NotRead(
                "give --assume-role NAME or --config-aggregator NAME to read them".into(),
            ))
        }
        RolesFrom::AssumeRole { role, concurrency } => AuditSource::Accounts {
            list: AccountList::Organization(Some(read.clone())),
            assume_role: role.clone(),
            concurrency: *concurrency,
            way_out: "create the --assume-role role in every member account the guardrail \
                      covers (a service-managed StackSet does; docs/guardrail.md, \
                      \"Permissions\"), or read the roles with --config-aggregator",
        },
        RolesFrom::ConfigAggregator(name) => AuditSource::ConfigAggregator(name.clone()),
    };
    // Every role a partner account can assume is read; which of them the guardrail stops is
    // decided against the org IDs chosen (`plan_guardrail`), not these.
    let partners = match asked.partners.is_empty() {
        true => vec![lambda_trust_config::Partner::GenesysCloud
            .account_id()
            .to_owned()],
        false => asked.partners.clone(),
    };
    let opts = AuditOptions {
        partners,
        genesys_org_ids: asked.org_ids.iter().map(|c| c.value.clone()).collect(),
        ..AuditOptions::default()
    };
    let (audited, _) = audit_keeping(settings, events, &source, opts, None, None, false).await?;
    Ok(match audited {
        Audited::Org(report) => GuardrailRoles::from(&report),
        // An organization's source gives an organization's report.
        Audited::Account(_) | Audited::Iac(_) => {
            GuardrailRoles::NotRead("the accounts were not read as an organization".into())
        }
    })
}

/// Why `plan` may not be applied, before any write: what it refused, a failed or undecided
/// proof, roles not read.
pub(crate) fn not_applicable(plan: &GuardrailPlan) -> Option<String> {
    if let Some(first) = plan.refused.first() {
        return Some(first.clone());
    }
    if plan.policy.exported && !plan.changes.is_empty() {
        return Some(
            "the guardrail was exported (its tag lambda-trust:exported): the tool it was \
             exported to applies it, and lambda-trust never writes over it; run `guardrail \
             export` again (with --assume-role or --config-aggregator) and apply that, or \
             remove the tag to hand it back"
                .into(),
        );
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
                // `check`'s alone: apply plans what it is given, and writes that.
                GuardrailChange::Differs { .. } => {}
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

/// The guardrail as code: the document for what was asked (each family not given as apply
/// recorded it), its targets and, when it exists, its ID and where it is attached.
pub(crate) async fn export(
    settings: &Settings,
    events: &dyn Events,
    asked: &GuardrailAsked,
    roles: &RolesFrom,
) -> Result<GuardrailCode> {
    refuse_bad_input(asked)?;
    let clients = Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let (tree, caller) = read(events, &clients).await?;
    let read = ReadAlready {
        tree: Arc::new(tree),
        caller,
    };
    let roles = read_roles(settings, events, asked, roles, &read).await?;
    let tree = &read.tree;
    let plan = plan_guardrail(GuardrailMode::Plan, asked, tree, &roles).map_err(refused)?;
    if !plan.not_read.is_empty() {
        events.event(Event::Warning {
            message: "the roles were not read: the export records no roles it stops, and \
                      `guardrail check` cannot compare them"
                .into(),
            hint: Some("give --assume-role NAME or --config-aggregator NAME".into()),
        });
    }
    let document = plan.policy.document.clone();
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
                org_read::GUARDRAIL_TAG.0.to_owned(),
                org_read::GUARDRAIL_TAG.1.to_owned(),
            ),
        ]
        .into_iter()
        .chain(plan.record_as_code)
        .collect(),
    })
}
