//! `watch deploy|status|destroy --organization`'s workflow: where the run stands in the AWS
//! organization (`aws::organizations::context`), the organization watch's deployment
//! (`crates/provision/src/watch/organization/`) — its home in StackSets' delegated
//! administrator account, planned and written as a deployment's watch is, and its StackSets and
//! the management account's stacks —, what is live of both, and the writes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::app::events::Events;
use crate::app::settings::Settings;
use crate::app::watch::package::{code_sha256, package_alone, PackageUse};
use crate::aws::organizations::context::{
    org_context, OrgContext, OrgContextError, STACK_SETS_PRINCIPAL,
};
use crate::aws::organizations::list_accounts;
use crate::aws::sessions::CallCount;
use crate::aws::watch::deploy as live;
use crate::aws::watch::organization::ledger;
use crate::aws::watch::organization::stack_sets::{
    apply_stacks, seen_management_stacks, seen_stack_sets, Acting,
};
use crate::aws::AwsSettings;
use crate::aws::{Clients, InRegion};
use crate::error::{Error, Result};
use crate::event::{Read, WatchNote, WatchProblem};
use lambda_trust_config::AccountAccess;
use lambda_trust_iam::{Arn, AwsResource};
use lambda_trust_provision::{
    org_watch_deployment, plan_stacks, plan_watch, prove_read_only, teardown_stacks,
    watch_teardown, OrgWatchDeployment, OrgWatchInput, OrgWatchSettings, Seen, SeenStack,
    SeenStacks, StackOp, WatchOp, WatchOwner, ORG_WATCH,
};

/// `watch deploy|status|destroy --organization`'s options.
#[derive(Debug, Clone)]
pub(crate) struct OrgDeployOptions {
    /// `--package`.
    pub package: Option<PathBuf>,
    pub package_use: PackageUse,
    /// `--genesys-org-id`: the Genesys Cloud organizations that are ours.
    pub genesys_org_ids: Vec<String>,
    /// `--function-region`: the regions, besides the watch's, of partner roles' targets.
    pub function_regions: Vec<String>,
    /// `--watch-account`: the delegated administrator the function lives in.
    pub watch_account: Option<String>,
    /// `--baseline`: the findings accepted, as JSON.
    pub baseline: Option<String>,
    /// `--config-aggregator`: the aggregator the sweep reads which accounts hold partner roles
    /// through.
    pub aggregator: Option<String>,
}

/// The organization watch, what is live of it, and the clients that write each part.
pub(crate) struct OrgWatchState {
    pub context: OrgContext,
    pub want: OrgWatchDeployment,
    pub seen: Seen,
    pub stacks: SeenStacks,
    pub package: Vec<u8>,
    pub notes: Vec<WatchNote>,
    pub problems: Vec<WatchProblem>,
    /// The accounts the watch's ledger has an entry for (`aws::watch::organization::ledger`).
    pub ledger: Vec<String>,
    acting: Acting,
    /// The run's own clients (the management account's or the delegated administrator's).
    clients: Clients,
    /// The watch account's, when they are not the run's own.
    home: Option<Clients>,
}

impl OrgWatchState {
    /// Whether the run writes the management account's stacks (it is that account's).
    pub(crate) fn management(&self) -> bool {
        self.acting == Acting::Management
    }

    /// The watch account's clients.
    pub(crate) fn home(&self) -> &Clients {
        self.home.as_ref().unwrap_or(&self.clients)
    }
}

/// Where the run stands, what it deploys, and what is live of it.
pub(crate) async fn read(
    settings: &Settings,
    events: &dyn Events,
    options: &OrgDeployOptions,
) -> Result<OrgWatchState> {
    let aws = settings.aws_for(None);
    let clients = Clients::connect(&aws).await?.reporting(events.retries());
    let context = org_context(&clients).await.map_err(context_error)?;
    let (acting, watch_account) = standing(&context, options.watch_account.as_deref())?;
    in_the_partition(&options.function_regions, clients.partition())?;
    let (package, architecture, mut notes) =
        package_alone(options.package.as_deref(), options.package_use)?;
    let (home, via) = home_clients(&clients, &aws, &context, &watch_account).await?;
    aggregator_there(home.as_ref().unwrap_or(&clients), options, &watch_account).await?;
    let mut input = input_of(&clients, &context, options, &package, architecture);
    input.watch_account.clone_from(&watch_account);
    let mut want = fits(read_only(org_watch_deployment(&input))?)?;
    let region = want.home.function.region.clone();
    let names = [want.global.name.clone(), want.regional.name.clone()];
    let (seen, stack_sets, members) = tokio::join!(
        live::seen(
            home.as_ref().unwrap_or(&clients),
            &want.home,
            WatchOwner::Organization
        ),
        seen_stack_sets(&clients, &region, acting, [&names[0], &names[1]]),
        members_of(&clients, &context),
    );
    let (seen, stack_sets, members) = (seen?, stack_sets?, members?);
    // `status` and `destroy` take what is deployed; `deploy` writes what it is given.
    let given = options.package_use == PackageUse::Deployed;
    if !given && as_deployed(&mut input, options, &seen, &stack_sets, &names[1]) {
        want = org_watch_deployment(&input);
    }
    let stacks = management_read(&clients, acting, &want, &stack_sets).await?;
    deployed_code(&mut want, &package, &seen);
    notes.extend(where_it_runs(&context, acting, watch_account, via));
    let mut state = OrgWatchState {
        context,
        want,
        seen,
        stacks: SeenStacks {
            stack_sets,
            stacks,
            members,
        },
        package,
        notes,
        problems: Vec::new(),
        ledger: Vec::new(),
        acting,
        clients,
        home,
    };
    judge(&mut state, &input.watch_account).await;
    Ok(state)
}

/// Without a package, the deployed code is not compared: what is deployed is wanted.
fn deployed_code(want: &mut OrgWatchDeployment, package: &[u8], seen: &Seen) {
    if let (true, Some(f)) = (package.is_empty(), &seen.function) {
        want.home.function.code_sha256 = f.code_sha256.clone();
        want.home.function.architecture = f.architecture.clone();
    }
}

/// The management account's stacks, when the run is that account's.
async fn management_read(
    clients: &Clients,
    acting: Acting,
    want: &OrgWatchDeployment,
    stack_sets: &BTreeMap<String, SeenStack>,
) -> Result<BTreeMap<(String, String), SeenStack>> {
    Ok(match acting {
        Acting::Management => {
            let named = management_stacks(want, stack_sets);
            seen_management_stacks(clients, &named).await?
        }
        Acting::DelegatedAdmin => BTreeMap::new(),
    })
}

/// Where the function lives and how it is reached; what a delegated administrator's run
/// leaves to the management account's.
fn where_it_runs(
    context: &OrgContext,
    acting: Acting,
    account: String,
    via: Option<String>,
) -> Vec<WatchNote> {
    let mut notes = vec![WatchNote::OrgHome { account, via }];
    if acting == Acting::DelegatedAdmin {
        let management = context.management_account.clone();
        notes.push(WatchNote::ManagementStacksNotOurs { management });
    }
    notes
}

/// What the organization watch is made from (its account set by the caller).
fn input_of(
    clients: &Clients,
    context: &OrgContext,
    options: &OrgDeployOptions,
    package: &[u8],
    architecture: String,
) -> OrgWatchInput {
    OrgWatchInput {
        partition: clients.partition().into(),
        organization: context.organization.clone(),
        root: context.root.clone(),
        management_account: context.management_account.clone(),
        watch_account: String::new(),
        target_regions: options.function_regions.iter().cloned().collect(),
        genesys_org_ids: options.genesys_org_ids.clone(),
        baseline: options.baseline.clone(),
        aggregator: options.aggregator.clone(),
        schedule: lambda_trust_config::DEFAULT_WATCH_SCHEDULE.into(),
        architecture,
        code_sha256: code_sha256(package),
    }
}

/// Lambda takes a function's environment variables up to 4 KB in all
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html>): a baseline that
/// would pass it is refused before anything is written.
fn fits(want: OrgWatchDeployment) -> Result<OrgWatchDeployment> {
    let env = &want.home.function.environment;
    let size: usize = env.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size <= 4096 {
        return Ok(want);
    }
    Err(Error::usage(
        format!("the function's environment would be {size} bytes, over Lambda's 4 KB: the baseline is too long"),
        "accept findings with fewer entries: a pattern covers many roles (role = \"arn:aws:iam::*:role/team-*\")",
    ))
}

/// `want`, once the evaluator has proved its function's role writes nothing but findings and
/// logs; refused before anything is written otherwise.
fn read_only(want: OrgWatchDeployment) -> Result<OrgWatchDeployment> {
    prove_read_only(&want.home.role.policy).map_err(|why| {
        Error::usage(
            format!("the organization watch's function role would not be read-only: {why}"),
            "this is lambda-trust's defect: report it; nothing was written",
        )
    })?;
    Ok(want)
}

/// The organization's active accounts but the management account.
async fn members_of(clients: &Clients, context: &OrgContext) -> Result<Vec<String>> {
    let listed = list_accounts(clients, &CallCount::default()).await?;
    let management = &context.management_account;
    Ok((listed.into_iter().map(|a| a.id))
        .filter(|a| a != management)
        .collect())
}

/// What the organization watch lacks: each member without its StackSets' current instances,
/// and each account its function found it cannot watch.
async fn judge(state: &mut OrgWatchState, watch: &str) {
    let (covered, problems) = coverage(state);
    state.notes.push(covered);
    state.problems = problems;
    let f = &state.want.home.function;
    let hub = Arn::of(
        state.clients.partition(),
        watch,
        AwsResource::SecurityHubProduct { region: &f.region },
    );
    let (blind, unread) = super::status::not_watched(state.home(), &f.region, &hub).await;
    state.notes.extend(unread);
    // With no function, what it found is what destroy left on purpose: said, not a problem.
    for problem in blind {
        match (problem, &state.seen.function) {
            (
                WatchProblem::AccountNotWatched {
                    account,
                    title,
                    cause,
                },
                None,
            ) => {
                state.notes.push(WatchNote::LeftActive {
                    account,
                    title,
                    cause,
                });
            }
            (problem, _) => state.problems.push(problem),
        }
    }
    let management = state.context.management_account.as_str();
    let accounts = (state.stacks.members.iter().map(String::as_str))
        .chain([management])
        .collect();
    let region = state.want.home.function.region.clone();
    let (ledger, departed) = super::status::departed(state.home(), &region, &accounts).await;
    state.notes.extend(departed);
    state.ledger = ledger;
}

/// What was not given is what is deployed: the Genesys Cloud org IDs and the baseline the
/// function runs with, the regions of the regional StackSet's instances. Whether `input`
/// changed.
fn as_deployed(
    input: &mut OrgWatchInput,
    options: &OrgDeployOptions,
    seen: &Seen,
    stack_sets: &BTreeMap<String, SeenStack>,
    regional: &str,
) -> bool {
    let mut changed = false;
    let deployed = (seen.function.as_ref())
        .and_then(|f| OrgWatchSettings::from_vars(|k| f.environment.get(k).cloned()));
    if let (None, Some(baseline)) = (&options.baseline, deployed.as_ref()) {
        input.baseline = baseline.baseline.clone();
        changed = true;
    }
    if let (None, Some(deployed)) = (&options.aggregator, deployed.as_ref()) {
        input.aggregator = deployed.aggregator.clone();
        changed = true;
    }
    if let (true, Some(deployed)) = (options.genesys_org_ids.is_empty(), deployed) {
        input.genesys_org_ids = deployed.genesys_org_ids;
        changed = true;
    }
    let regional = stack_sets.get(regional);
    if let (true, Some(set)) = (options.function_regions.is_empty(), regional) {
        input.target_regions = set.instances.iter().map(|i| i.region.clone()).collect();
        changed = true;
    }
    changed
}

/// `--config-aggregator NAME` names an aggregator of the watch's account (refused before any
/// write otherwise: the sweep would read nothing through it).
async fn aggregator_there(home: &Clients, options: &OrgDeployOptions, watch: &str) -> Result<()> {
    let Some(name) = &options.aggregator else {
        return Ok(());
    };
    let there = crate::aws::config_aggregator::exists(home, name).await;
    match there {
        Ok(true) => Ok(()),
        Ok(false) => Err(Error::usage(
            format!("--config-aggregator {name}: account {watch} has no AWS Config aggregator of that name in {}", home.region()),
            "create it in the watch's account and region (aws configservice put-configuration-aggregator), or leave the flag out: every account is then swept",
        )),
        Err(e) => Err(Error::from(e)),
    }
}

/// Each `--function-region` is of the organization's partition: a rule cannot forward to a bus
/// of another (refused before any write).
fn in_the_partition(regions: &[String], partition: &str) -> Result<()> {
    let other =
        (regions.iter()).find(|r| lambda_trust_iam::partition_of_region(r) != Some(partition));
    match other {
        None => Ok(()),
        Some(r) => Err(Error::usage(
            format!("--function-region {r} is not in the organization's partition, {partition}"),
            "name regions of the partition the organization is in",
        )),
    }
}

fn context_error(e: OrgContextError) -> Error {
    match e {
        OrgContextError::NotInOrganization => Error::usage(
            "these credentials' account is in no AWS organization",
            "run with the credentials of an organization's management account or of StackSets' delegated administrator",
        ),
        OrgContextError::Call(e) => e.into(),
    }
}

/// How the run acts (the management account, or StackSets' delegated administrator) and the
/// account the function lives in; refused, before anything is read further, when the
/// organization cannot take it.
fn standing(context: &OrgContext, asked: Option<&str>) -> Result<(Acting, String)> {
    let admins = &context.delegated_admins;
    let register = format!("aws organizations register-delegated-administrator --service-principal {STACK_SETS_PRINCIPAL} --account-id ACCOUNT");
    if !context.trusted_access {
        return Err(Error::usage(
            "StackSets has no trusted access to the organization, so no StackSet can reach its accounts",
            "with the management account's credentials: aws cloudformation activate-organizations-access",
        ));
    }
    let watch = match (asked, admins.as_slice()) {
        (Some(a), _) if admins.iter().any(|d| d == a) => a.to_owned(),
        (Some(a), _) => {
            return Err(Error::usage(
                format!("--watch-account {a} is not a delegated administrator of StackSets in organization {}", context.organization),
                format!("register it first: {}", register.replace("ACCOUNT", a)),
            ))
        }
        (None, [one]) => one.clone(),
        (None, []) => {
            return Err(Error::usage(
                format!("organization {} has no delegated administrator of StackSets: the function lives in one, not in the management account", context.organization),
                format!("register your security tooling account: {register}"),
            ))
        }
        (None, several) => {
            return Err(Error::usage(
                format!("StackSets has {} delegated administrators ({})", several.len(), several.join(", ")),
                "name the one the function lives in: --watch-account ACCOUNT",
            ))
        }
    };
    let caller = &context.caller_account;
    let acting = if *caller == context.management_account {
        Acting::Management
    } else if *caller == watch {
        Acting::DelegatedAdmin
    } else {
        return Err(Error::usage(
            format!("account {caller} is neither organization {}'s management account nor the watch's account {watch}", context.organization),
            "run with the credentials of one of them (--profile)",
        ));
    };
    Ok((acting, watch))
}

/// The watch account's clients: the run's own when it is that account's, else through the
/// role Organizations put in each account it created (`OrganizationAccountAccessRole`,
/// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html>).
async fn home_clients(
    clients: &Clients,
    aws: &AwsSettings,
    context: &OrgContext,
    watch: &str,
) -> Result<(Option<Clients>, Option<String>)> {
    if context.caller_account == watch {
        return Ok((None, None));
    }
    let role = AwsResource::Role("OrganizationAccountAccessRole");
    let role = Arn::of(clients.partition(), watch, role).to_string();
    let mut access = AccountAccess::default();
    access.role_arn = Some(role.clone());
    let reached =
        crate::aws::accounts::connect(clients, aws, &BTreeMap::from([(watch.into(), access)]))
            .await?;
    Ok((reached.into_values().next(), Some(role)))
}

/// The management account's stacks read: those wanted, and one in each region of the
/// regional StackSet's instances (what a former deploy may have left).
fn management_stacks(
    want: &OrgWatchDeployment,
    stack_sets: &BTreeMap<String, SeenStack>,
) -> Vec<(String, String)> {
    let lambda = format!("{ORG_WATCH}-management-lambda");
    let former = (stack_sets.get(&want.regional.name).into_iter())
        .flat_map(|s| s.instances.iter())
        .map(|i| (i.region.clone(), lambda.clone()));
    let named: BTreeSet<(String, String)> = (want.management.iter())
        .map(|s| (s.region.clone(), s.name.clone()))
        .chain(former)
        .collect();
    named.into_iter().collect()
}

/// The organization watch's writes: a deploy's home, then its StackSets and stacks (a rule
/// forwards to a bus that exists first); a destroy's StackSets and stacks, then its home (no
/// rule forwards to a bus that is gone), then its ledger.
pub(crate) struct OrgOps {
    pub home: Vec<WatchOp>,
    pub stacks: Vec<StackOp>,
    /// A destroy's: the accounts whose entries of the watch's ledger it deletes.
    pub ledger: Vec<String>,
    /// A destroy's writes: the stacks first.
    pub teardown: bool,
}

impl OrgOps {
    /// Each write, as the plan says it, in the order they are made.
    pub(crate) fn lines(&self) -> Vec<String> {
        let home: Vec<String> = self.home.iter().map(ToString::to_string).collect();
        let stacks: Vec<String> = self.stacks.iter().map(ToString::to_string).collect();
        let (first, then) = match self.teardown {
            true => (stacks, home),
            false => (home, stacks),
        };
        let ledger = (!self.ledger.is_empty()).then(|| {
            format!(
                "delete the watch's ledger of what {} account(s) hold ({} parameter(s) under {})",
                self.ledger.len(),
                self.ledger.len(),
                lambda_trust_provision::LedgerName::Path
            )
        });
        (first.into_iter().chain(then)).chain(ledger).collect()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.home.is_empty() && self.stacks.is_empty() && self.ledger.is_empty()
    }
}

/// The writes that deploy the organization watch (none when it is deployed as wanted).
pub(crate) fn deploy_ops(state: &OrgWatchState) -> Result<OrgOps> {
    let keep = "remove or rename it: lambda-trust never takes over what is not its own";
    let home = plan_watch(&state.want.home, &state.seen, WatchOwner::Organization)
        .map_err(|e| Error::usage(e.to_string(), keep))?;
    let stacks = plan_stacks(
        &state.want,
        &state.stacks,
        &state.context.organization,
        state.management(),
    )
    .map_err(|e| Error::usage(e.to_string(), keep))?;
    let ledger = Vec::new();
    Ok(OrgOps {
        home,
        stacks,
        ledger,
        teardown: false,
    })
}

/// The writes that remove the organization watch: its StackSets and stacks first (no rule
/// forwards to a bus that is gone), then its home — each only what its tags say is its own.
pub(crate) fn destroy_ops(state: &OrgWatchState) -> OrgOps {
    let stacks = teardown_stacks(
        &state.stacks,
        &state.context.organization,
        &state.context.root,
        state.management(),
    );
    let home = watch_teardown(&state.seen, WatchOwner::Organization, &state.want.home);
    let ledger = state.ledger.clone();
    OrgOps {
        home,
        stacks,
        ledger,
        teardown: true,
    }
}

/// Makes `ops`: for a deploy the home first, for a destroy the stacks first; the writes made,
/// or the one that failed ([`Stopped::error`] words it).
pub(crate) async fn write(
    events: &dyn Events,
    state: &OrgWatchState,
    ops: &OrgOps,
) -> std::result::Result<usize, Stopped> {
    let total = ops.home.len() + ops.stacks.len() + ops.ledger.len().div_ceil(10);
    let work = async {
        let stacks = || async {
            let home = &state.want.home.function.region;
            let org = &state.context.organization;
            apply_stacks(&state.clients, home, state.acting, &ops.stacks, org).await
        };
        let home = || {
            live::apply(
                state.home(),
                &ops.home,
                &state.package,
                &state.want.home.tags,
            )
        };
        if ops.teardown {
            let made = stacks().await?;
            let made = made + home().await.map_err(|(n, e)| (made + n, e))?;
            // The function is gone: nothing writes the ledger any more.
            let calls = CallCount::default();
            let at = InRegion {
                clients: state.home(),
                region: &state.want.home.function.region,
            };
            let deleted = ledger::delete_held(at, &ops.ledger, &calls).await;
            deleted.map_err(|e| (made, e))?;
            Ok(made + calls.get())
        } else {
            let made = home().await?;
            Ok(made + stacks().await.map_err(|(n, e)| (made + n, e))?)
        }
    };
    let written = events.reading(Read::Writing { changes: total }, work);
    written
        .await
        .map_err(|(made, error)| Stopped { made, error })
}

/// A write that failed, and how many the CLI made before it, which stay.
pub(crate) struct Stopped {
    pub made: usize,
    pub error: crate::aws::AwsError,
}

impl Stopped {
    /// The error: the write that failed (the plan's line, in the order the writes are made),
    /// what was made before it, what the function `settled` when it was asked, and the
    /// watch's own command to run again.
    pub(crate) fn error(&self, ops: &OrgOps, settled: &str) -> Error {
        use crate::error::Hinted as _;
        let (made, lines) = (self.made, ops.lines());
        let failed = lines
            .get(made)
            .map_or_else(String::new, |l| format!(" ({l})"));
        let fix = self
            .error
            .hint()
            .map_or_else(String::new, |h| format!("{h}; "));
        let command = match ops.teardown {
            true => "destroy",
            false => "deploy",
        };
        Error::usage(
            format!(
                "write {} of {} failed{failed}: {}; the CLI's {made} write(s) before it stay{settled}",
                made + 1,
                lines.len(),
                self.error
            ),
            format!(
                "{fix}then run `lambda-trust watch {command} --organization` again: it plans \
                 from what is there"
            ),
        )
    }
}

/// What the StackSets' instances say of each account: an account of the organization (the
/// management account aside, which its own stacks cover) without a current instance of a
/// StackSet in one of its regions is not watched.
fn coverage(state: &OrgWatchState) -> (WatchNote, Vec<WatchProblem>) {
    let members = &state.stacks.members;
    let sets = [&state.want.global, &state.want.regional]
        .into_iter()
        .filter(|s| !s.regions.is_empty());
    let mut problems = Vec::new();
    let mut unplanned = false;
    for set in sets {
        // A StackSet not there yet: the plan creates it, and that is what is pending.
        let Some(seen) = state.stacks.stack_sets.get(&set.name) else {
            unplanned = true;
            continue;
        };
        for region in &set.regions {
            for account in members {
                let instance =
                    (seen.instances.iter()).find(|i| &i.account == account && &i.region == region);
                let (status, reason) = match instance {
                    Some(i) if i.status == "CURRENT" => continue,
                    Some(i) => (i.status.clone(), i.reason.clone()),
                    None => ("missing".to_owned(), None),
                };
                problems.push(WatchProblem::AccountNotCovered {
                    account: account.clone(),
                    stack_set: set.name.clone(),
                    region: region.clone(),
                    status,
                    reason,
                });
            }
        }
    }
    let uncovered: BTreeSet<&str> = (problems.iter())
        .filter_map(|p| match p {
            WatchProblem::AccountNotCovered { account, .. } => Some(account.as_str()),
            _ => None,
        })
        .collect();
    let note = WatchNote::OrgCoverage {
        covered: match unplanned {
            true => 0,
            false => members.len() - uncovered.len(),
        },
        accounts: members.len(),
    };
    (note, problems)
}
