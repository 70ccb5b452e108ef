//! The live workflows' common start: the async runtime, the config loaded (warnings said),
//! AWS and Genesys Cloud read, and both sides planned into one change set — the read → plan
//! prologue of `plan`, `apply`, `destroy` and `onboard`/`offboard`, written once; and the AWS
//! drift with its CloudTrail events, shared by `check` and `verify`. It lives here,
//! above `aws/` and `genesys/`, because it joins the two (they never import each other).

use std::collections::BTreeMap;
use std::time::Instant;

use super::events::{Event, Events};
use super::genesys as genesys_live;
use super::settings::Settings;
use crate::aws::pace::Pacer;
use crate::aws::prepare;
use crate::aws::trail as aws_trail;
use crate::aws::Clients;
use crate::error::{Result, Status};
use crate::event::{Note, Read};
use crate::genesys::Session;
use lambda_trust_config::AccountAccess;
use lambda_trust_provision::Prepared;
use lambda_trust_provision::{
    attribute_findings, cross_account_hint, held_permissions, plan_destroy,
    plan_retire_predecessors, ChangeSet, GenesysPlan, HeldPermission, LintCode, LintFinding,
    LintSeverity, Lookup, Plan, PlanOptions, Side, Trail,
};

/// The config (in its environment), loaded, its warnings said.
pub(crate) fn load(
    file: &lambda_trust_config::ConfigFile,
    events: &dyn Events,
) -> Result<lambda_trust_config::Loaded> {
    let loaded = file.load()?;
    events.all(Event::warnings(&config_warnings(&loaded)));
    Ok(loaded)
}

/// A loaded config's warnings, as lint findings.
pub(crate) fn config_warnings(loaded: &lambda_trust_config::Loaded) -> Vec<LintFinding> {
    loaded
        .warnings
        .iter()
        .map(|w| LintFinding {
            severity: LintSeverity::Warning,
            code: LintCode::Config(w.code),
            message: w.message.clone(),
            hint: w.hint.clone(),
        })
        .collect()
}

/// The SDK clients for a loaded config (`Settings::aws_for`: the flags, its `[aws]` table and
/// the one region rule).
/// With `[aws.accounts]`, every other account's clients too, each checked to act in its
/// account before anything is read or written (`aws::accounts`).
pub(crate) async fn connect(
    settings: &Settings,
    events: &dyn Events,
    config: &lambda_trust_config::Config,
) -> Result<Clients> {
    let aws = settings.aws_for(Some(config));
    let clients = Clients::connect(&aws).await?.reporting(events.retries());
    let accounts = match settings.execution_role {
        true => as_the_watch(&config.aws.accounts, &settings.read_roles),
        false => config.aws.accounts.clone(),
    };
    if accounts.is_empty() {
        return Ok(clients);
    }
    let accounts = crate::aws::accounts::connect(&clients, &aws, &accounts).await?;
    Ok(clients.with_accounts(accounts))
}

/// The other accounts as the watching function reaches them: through the read-only role
/// `watch deploy` put in each (`readers`), never the config's own way in, which is `apply`'s
/// and writes (the function's role may assume nothing else); an account without one is not
/// reached.
fn as_the_watch(
    accounts: &BTreeMap<String, AccountAccess>,
    readers: &BTreeMap<String, String>,
) -> BTreeMap<String, AccountAccess> {
    (accounts.keys())
        .filter_map(|a| {
            let role_arn = readers.get(a)?.clone();
            let mut access = AccountAccess::default();
            access.role_arn = Some(role_arn);
            Some((a.clone(), access))
        })
        .collect()
}

/// Loads the config and reads AWS for it.
pub(crate) async fn prepare_live(
    settings: &Settings,
    events: &dyn Events,
    path: &lambda_trust_config::ConfigFile,
) -> Result<(Clients, Prepared)> {
    let loaded = load(path, events)?;
    let clients = connect(settings, events, &loaded.config).await?;
    prepare_loaded(settings, events, clients, loaded, prepare::Scope::default()).await
}

/// Reads AWS for a loaded config (`scope`: only some functions, a known identity).
pub(crate) async fn prepare_loaded(
    settings: &Settings,
    events: &dyn Events,
    clients: Clients,
    loaded: lambda_trust_config::Loaded,
    scope: prepare::Scope,
) -> Result<(Clients, Prepared)> {
    let prepared = read_prepared(settings, events, &clients, loaded, scope).await?;
    Ok((clients, prepared))
}

/// [`prepare_loaded`] with the clients borrowed: reads AWS, says what it read.
pub(crate) async fn read_prepared(
    settings: &Settings,
    events: &dyn Events,
    clients: &Clients,
    loaded: lambda_trust_config::Loaded,
    scope: prepare::Scope,
) -> Result<Prepared> {
    let templates = settings.templates.load()?;
    let started = Instant::now();
    let allow_weaker = settings.templates.allow_weaker;
    let prepared = events
        .reading(
            Read::AwsSetup,
            prepare::prepare_scoped(clients, loaded, &templates, allow_weaker, scope),
        )
        .await?;
    if settings.verbose {
        events.event(Event::ReadTimed {
            what: "AWS".into(),
            elapsed: started.elapsed(),
            detail: format!(
                "account {}, caller {}, credentials: {}",
                prepared.observed.account_id,
                prepared.observed.caller_arn,
                clients.credentials_source()
            ),
        });
    }
    events.all(Event::warnings(&prepared.warnings));
    events.all(Event::warnings(&unreachable_accounts(&prepared.desired)));
    if !prepared.unproven_predecessors.is_empty() {
        events.event(unproven_warning(&prepared.unproven_predecessors));
    }
    Ok(prepared)
}

/// The warning on the roles `Kinship::Unproven` leaves in place
/// (`Prepared::unproven_predecessors`).
fn unproven_warning(names: &[String]) -> Event {
    Event::Warning {
        message: format!(
            "role(s) {} were made by lambda-trust for the same partner and external ID and may be this config's earlier role.name, but nothing proves it (no `lambda-trust:deployment` tag: made before deployments, or by a config without one), so they are left in place, still trusted",
            names.join(", ")
        ),
        hint: Some("if one is this config's earlier role, remove it with `lambda-trust destroy` from a config naming it (role.name), or in IAM (detach its policies, then `aws iam delete-role`); add `deployment = \"<a name of its own>\"` at the top of each config so later renames clean up after themselves (docs/ownership.md, \"Deployments\")".to_string()),
    }
}

/// A warning per account whose cross-account targets need a statement lambda-trust cannot
/// write, having no `[aws.accounts]` entry for it.
fn unreachable_accounts(desired: &lambda_trust_model::Desired) -> Vec<LintFinding> {
    lambda_trust_provision::unreachable_accounts(desired)
        .into_iter()
        .map(|(account, resources)| LintFinding {
            severity: LintSeverity::Warning,
            code: LintCode::CrossAccountTarget,
            message: format!(
                "{} target(s) in account {account} need a function policy statement letting the role invoke them, and lambda-trust cannot read or write it there: {}",
                resources.len(),
                resources.join(", ")
            ),
            hint: Some(cross_account_hint(&account)),
        })
        .collect()
}

/// lambda-trust's statement that a function policy written whole keeps it from writing, with
/// the step that does it instead.
fn held_warning(h: &HeldPermission) -> Event {
    let what = if h.adds { "added" } else { "removed" };
    Event::Warning {
        message: format!(
            "lambda-trust's statement on {} (account {}) is not {what}: the function's policy is written whole ({}), and its next write would undo a statement added beside it",
            h.permission.resource(),
            h.permission.account,
            h.why
        ),
        hint: Some(h.step.clone()),
    }
}

/// What a run plans toward.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Goal {
    /// `plan`, `apply`, `onboard`: both sides as the config says; AWS written first (the grant
    /// before the action that calls it). `only`: one side alone (`--only`).
    /// `publish`: `apply --publish`, the drafts holding the configured actions are published.
    Converge {
        adopt: bool,
        only: Option<Side>,
        publish: bool,
    },
    /// `offboard`: as the config says, Genesys Cloud written first (the action before the
    /// grant it calls).
    Shrink,
    /// `destroy`: delete what lambda-trust owns, Genesys Cloud first.
    Destroy,
}

/// Both sides read and planned, nothing written yet.
pub(crate) struct LivePlan {
    pub clients: Clients,
    pub prepared: Prepared,
    pub genesys: Option<Session>,
    pub set: ChangeSet,
}

impl LivePlan {
    /// After the set's writes: changes pending (exit 2) while some are left to the tool the
    /// setup was handed over to, else success.
    pub(crate) fn left_over(&self) -> Status {
        Status::ok_or(self.set.handed_over.is_empty(), Status::Changes)
    }
}

/// Loads the config at `path`, reads both sides and plans them (`force`: delete data actions a
/// published flow calls). Nothing is written: `plan`'s whole workflow, and the start of
/// `apply`'s and `destroy`'s.
pub(crate) async fn read_and_plan(
    settings: &Settings,
    events: &dyn Events,
    path: &lambda_trust_config::ConfigFile,
    goal: Goal,
    force: bool,
) -> Result<LivePlan> {
    let (clients, prepared) = prepare_live(settings, events, path).await?;
    plan_both(settings, events, clients, prepared, goal, force).await
}

/// Reads the Genesys side of a prepared config and plans both sides toward `goal`.
pub(crate) async fn plan_both(
    settings: &Settings,
    events: &dyn Events,
    clients: Clients,
    prepared: Prepared,
    goal: Goal,
    force: bool,
) -> Result<LivePlan> {
    let mut genesys = read_genesys(settings, events, &clients, &prepared, goal).await?;
    if let (Some(side), Goal::Converge { publish: true, .. }) = (genesys.as_mut(), goal) {
        side.desired.publish_drafts = true;
    }
    let set = match goal {
        Goal::Converge { adopt, only, .. } => {
            let (aws, genesys_plan) = plan_sides(&prepared, genesys.as_mut(), adopt, force).await?;
            match only {
                Some(Side::Genesys) => {
                    ChangeSet::genesys_only(&aws, genesys_plan).map_err(genesys_waits_for_aws)?
                }
                _ => {
                    let retire = retire_predecessors(&prepared, only, genesys.as_ref())?;
                    ChangeSet::converge(aws, genesys_plan).then_aws(retire)
                }
            }
        }
        Goal::Shrink => {
            let (aws, genesys_plan) = plan_sides(&prepared, genesys.as_mut(), false, force).await?;
            ChangeSet::retire(aws, genesys_plan)
        }
        Goal::Destroy => destroy_plan(events, &prepared, genesys.as_mut(), force).await?,
    };
    let retiring = matches!(goal, Goal::Destroy);
    let held = held_permissions(&prepared.desired, &prepared.observed, retiring);
    events.all(held.iter().map(held_warning));
    let mut set = set;
    hand_over(&mut set, prepared.loaded.config.managed_by, events);
    Ok(LivePlan {
        clients,
        prepared,
        genesys,
        set,
    })
}

/// The Genesys Cloud side of `goal`, read (none with `--only aws` or without `[genesys]`).
/// What is written must work: converging reads the signed-in organization's ID too, and
/// refuses an external ID that is not it.
async fn read_genesys(
    settings: &Settings,
    events: &dyn Events,
    clients: &Clients,
    prepared: &Prepared,
    goal: Goal,
) -> Result<Option<Session>> {
    let only = match goal {
        Goal::Converge { only, .. } => only,
        Goal::Shrink | Goal::Destroy => None,
    };
    genesys_live::check_only(only, &prepared.loaded.config)?;
    let converging = matches!(goal, Goal::Converge { .. });
    let genesys = match only {
        Some(Side::Aws) => None,
        _ => genesys_live::prepare(clients, prepared, settings.verbose, converging, events)
            .await
            .inspect_err(|_| {
                if only.is_none() {
                    events.event(Event::Note(Note::OnlyAws));
                }
            })?,
    };
    if converging {
        external_id_is_org(prepared, genesys.as_ref(), events)?;
    }
    Ok(genesys)
}

/// The external ID the role is written with is the signed-in organization's ID, or nothing is
/// written; without a Genesys Cloud side read, it is taken as given, and said.
fn external_id_is_org(
    prepared: &Prepared,
    genesys: Option<&Session>,
    events: &dyn Events,
) -> Result<()> {
    let configured = &prepared.desired.external_id;
    match genesys.and_then(|side| side.observed.organization_id.as_deref()) {
        Some(org) => Ok(lambda_trust_provision::check_external_id(configured, org)?),
        None => {
            events.event(Event::Note(Note::ExternalIdAssumed {
                configured: configured.clone(),
            }));
            Ok(())
        }
    }
}

/// With `managed_by`, the writes of the sides that tool manages are taken out of the set (kept
/// in it as handed over) and said, each side with the step that makes them there instead.
fn hand_over(
    set: &mut ChangeSet,
    tool: Option<lambda_trust_config::ManagedBy>,
    events: &dyn Events,
) {
    let Some(tool) = tool else { return };
    for (side, step) in lambda_trust_provision::hand_over_to(set, tool) {
        let changes: Vec<String> = (set.handed_over.iter())
            .filter(|h| h.side == side)
            .map(|h| format!("{}: {}", h.change.resource, h.change.detail))
            .collect();
        events.event(Event::Warning {
            message: format!(
                "{} change(s) on the {} side are not written: {} manages it (managed_by = \"{}\"): {}",
                changes.len(),
                side,
                tool,
                tool.key(),
                changes.join("; ")
            ),
            hint: Some(step),
        });
    }
}

/// The AWS plan and, with `[genesys]`, the Genesys Cloud plan (knowing which flows call an
/// action it would delete; refused unless `force` when one does).
async fn plan_sides(
    prepared: &Prepared,
    genesys: Option<&mut Session>,
    adopt: bool,
    force: bool,
) -> Result<(Plan, Option<GenesysPlan>)> {
    if adopt {
        lambda_trust_provision::refuse_others(&prepared.desired, &prepared.observed)?;
        if let Some(side) = genesys.as_deref() {
            lambda_trust_provision::integration_deployment(&side.desired, &side.observed)?;
        }
    }
    let aws =
        lambda_trust_provision::plan(&prepared.desired, &prepared.observed, PlanOptions { adopt })?;
    let genesys_plan = match genesys {
        Some(side) => Some(side.plan(adopt, force).await?),
        None => None,
    };
    Ok((aws, genesys_plan))
}

/// A renamed role's predecessors, removed after the new role, its grants and the Genesys Cloud
/// credential are in place.
/// With `--only aws` and `[genesys]` a rename is refused: the Genesys Cloud credential names
/// the old role, so it can be removed only once the credential moves — and once the new role
/// exists, nothing would look for the old one again (it would stay behind, still trusted).
fn retire_predecessors(
    prepared: &Prepared,
    only: Option<Side>,
    session: Option<&Session>,
) -> Result<Plan> {
    claimed_by_this_integration(prepared, session)?;
    let genesys = prepared.loaded.config.genesys.is_some();
    if only == Some(Side::Aws) && genesys && !prepared.predecessors.is_empty() {
        let names: Vec<&str> = (prepared.predecessors.iter())
            .filter_map(|p| p.role.as_ref().map(|r| r.name.as_str()))
            .collect();
        return Err(crate::error::Error::usage(
            format!(
                "--only aws: role.name was renamed from {} and the Genesys Cloud credential still names that role",
                names.join(", ")
            ),
            "run without --only once Genesys Cloud answers: the new role is created, the credential moved to it, then the old role removed",
        ));
    }
    let policy_name = prepared.loaded.config.policy_name();
    let (retire, _) = plan_retire_predecessors(&prepared.predecessors, &policy_name)?;
    Ok(retire)
}

/// With `[genesys]`, a role of this deployment is its earlier one only when this config's own
/// integration names it (its ledger's role): another config that copied the `deployment`
/// would otherwise take this one's role for its own predecessor. Two claims are refused, both
/// named.
pub(crate) fn claimed_by_this_integration(
    prepared: &Prepared,
    session: Option<&Session>,
) -> Result<()> {
    let config = &prepared.loaded.config;
    let (Some(side), Some(deployment)) = (session, &config.deployment) else {
        return Ok(());
    };
    let ledger = (side.observed.integration.as_ref()).and_then(|i| i.ledger());
    let named = ledger.map(|l| l.role_arn).unwrap_or_default();
    let others: Vec<&str> = (prepared.predecessors.iter())
        .filter_map(|p| p.role.as_ref())
        .filter(|r| r.arn != named)
        .map(|r| r.name.as_str())
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    Err(crate::error::Error::usage(
        format!(
            "two configs claim deployment {deployment:?}: role {} carries it, and this config's role is {}, but this config's Genesys Cloud integration {:?} does not name role {} (so it is not this config's earlier role); refused before any write",
            others.join(", "),
            config.role.name,
            side.desired.integration,
            others.join(", ")
        ),
        "give this config a `deployment` of its own (each config needs one; `lambda-trust init` writes a new one) — if it really is this config's earlier role, remove it with `lambda-trust destroy` from a config naming it",
    ))
}

/// `--only genesys` while AWS has changes the Genesys Cloud side relies on.
fn genesys_waits_for_aws(waits: Vec<String>) -> crate::error::Error {
    crate::error::Error::usage(
        format!(
            "--only genesys: the Genesys Cloud side relies on {} pending AWS change(s): {}",
            waits.len(),
            waits.join("; ")
        ),
        "converge AWS first (`lambda-trust apply --only aws`, or `lambda-trust apply` for both sides, AWS first)",
    )
}

/// `destroy`'s change set; what is kept, and why, is said on stderr.
async fn destroy_plan(
    events: &dyn Events,
    prepared: &Prepared,
    genesys: Option<&mut Session>,
    force: bool,
) -> Result<ChangeSet> {
    lambda_trust_provision::refuse_others(&prepared.desired, &prepared.observed)?;
    let (aws, aws_keeps) = plan_destroy(&prepared.observed)?;
    let (genesys_plan, genesys_keeps) = match genesys {
        Some(side) => {
            let (plan, kept) = side.plan_destroy(force).await?;
            (Some(plan), kept)
        }
        None => (None, Vec::new()),
    };
    let keeps = |texts: Vec<String>| texts.into_iter().map(|text| Note::DestroyKeeps { text });
    let unreachable = lambda_trust_provision::unreachable_accounts(&prepared.desired);
    let statements = (unreachable.into_iter())
        .map(|(account, resources)| Note::StatementsKept { account, resources });
    let notes = keeps(aws_keeps)
        .chain(statements)
        .chain(keeps(genesys_keeps));
    events.all(notes.map(Event::Note));
    Ok(ChangeSet::retire(aws, genesys_plan))
}

/// The AWS drift of a prepared config as findings (as if adopting: a lost ownership tag is a
/// finding, not a refusal), each naming the CloudTrail event that explains it. No drift, no
/// CloudTrail call.
pub(crate) async fn aws_drift(
    clients: &Clients,
    prepared: &Prepared,
    pacer: &Pacer,
) -> Result<Vec<lambda_trust_provision::Finding>> {
    let mut findings = drift_of(prepared)?;
    let lookups = drift_lookups(clients, prepared, &findings, pacer).await;
    for f in &mut findings {
        attribute_findings(&mut f.trail, &lookups);
    }
    Ok(findings)
}

/// The AWS drift of a prepared config, before CloudTrail is asked who made it.
pub(crate) fn drift_of(prepared: &Prepared) -> Result<Vec<lambda_trust_provision::Finding>> {
    let (desired, observed) = (&prepared.desired, &prepared.observed);
    let role = &prepared.loaded.config.role.name;
    Ok(lambda_trust_provision::aws_drift(
        desired,
        observed,
        &prepared.predecessors,
        role,
    )?)
}

/// CloudTrail's answers for `findings`' resources, by resource; no finding, no call.
pub(crate) async fn drift_lookups(
    clients: &Clients,
    prepared: &Prepared,
    findings: &[lambda_trust_provision::Finding],
    pacer: &Pacer,
) -> BTreeMap<String, Lookup> {
    let trails: Vec<&Trail> = findings.iter().map(|f| &f.trail).collect();
    aws_trail::look_up(clients, &prepared.desired.partition, &trails, pacer).await
}
