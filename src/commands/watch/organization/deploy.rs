//! `lambda-trust watch deploy|status|destroy --organization`: the organization watch's
//! deployment (`app::watch::organization::deploy`), shown, asked and written as a deployment's watch is.

use crate::app::watch::organization::deploy::{
    self as org_deploy, OrgDeployOptions, OrgOps, OrgWatchState,
};
use crate::app::watch::organization::retire::{self as org_retire, Retired};
use crate::app::Events;
use crate::cli::OrgWatchArgs;
use crate::commands::invocation::Invocation;
use crate::commands::watch::lifecycle::{self, Asked, Lifecycle, WatchRead};
use crate::error::{Error, Result, Status};
use crate::event::{Restored, WatchNote, WatchProblem};
use crate::report;
use lambda_trust_provision::StackOp;

/// `watch deploy|status|destroy --organization`.
pub(in crate::commands) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    asked: Asked<'_>,
    org: &OrgWatchArgs,
) -> Result<Status> {
    let Asked {
        lifecycle, package, ..
    } = asked;
    let genesys_org_ids = match org.genesys_org_ids.is_empty() {
        true => crate::commands::binding::org_ids_of_the_config(inv)?,
        false => org.genesys_org_ids.clone(),
    };
    if lifecycle == Lifecycle::Deploy && genesys_org_ids.is_empty() {
        return Err(Error::usage(
            "the organization watch judges each partner role's external ID against your Genesys Cloud organizations, and none was given",
            format!("name each: --genesys-org-id UUID (Genesys Cloud shows it at {}), or run beside the config whose environments name them", lambda_trust_config::ORG_ID_WHERE),
        ));
    }
    let options = OrgDeployOptions {
        package: package.package.clone(),
        package_use: lifecycle.package_use(package.package.is_some()),
        genesys_org_ids,
        function_regions: org.function_regions.clone(),
        watch_account: org.watch_account.clone(),
        aggregator: org.config_aggregator.clone(),
        baseline: baseline_of(org)?,
    };
    let state = org_deploy::read(&inv.settings, events, &options).await?;
    let ops = match lifecycle {
        Lifecycle::Destroy => org_deploy::destroy_ops(&state),
        Lifecycle::Deploy | Lifecycle::Status => org_deploy::deploy_ops(&state)?,
    };
    let result = result_of(lifecycle, &state, ops.lines());
    if lifecycle == Lifecycle::Status {
        return lifecycle::said_status(inv, &result, ops.is_empty());
    }
    asked_and_made(inv, events, &state, &ops, asked, result).await
}

/// Shows the writes (for a destroy, the last re-proof of every account first), asks, then
/// makes them.
async fn asked_and_made(
    inv: &Invocation,
    events: &dyn Events,
    state: &OrgWatchState,
    ops: &OrgOps,
    asked: Asked<'_>,
    result: report::WatchResult,
) -> Result<Status> {
    let lines = ops.lines();
    let last =
        asked.lifecycle == Lifecycle::Destroy && !lines.is_empty() && state.seen.function.is_some();
    let first = last.then(|| report::org_watch_last_reproof(org_retire::accounts(state).len()));
    let write = async |result: &mut report::WatchResult| -> Result<()> {
        if last {
            let retired = org_retire::retire(state, events).await;
            result.retired = Some(retired.iter().map(retired_account).collect());
        }
        made(events, state, ops, asked.lifecycle, result).await
    };
    lifecycle::asked_then_written(inv, asked, first, lines, result, write).await
}

/// One account's last re-proof, as the result says it.
fn retired_account(r: &Retired) -> report::RetiredAccount {
    let settled = r.outcome.as_ref().ok().copied().unwrap_or_default();
    report::RetiredAccount {
        account: r.account.clone(),
        archived: settled.archived,
        kept: settled.kept,
        facts: settled.facts,
        error: r.outcome.as_ref().err().cloned(),
    }
}

/// Makes the writes; what a destroy removed says nothing it would lack.
async fn made(
    events: &dyn Events,
    state: &OrgWatchState,
    ops: &OrgOps,
    lifecycle: Lifecycle,
    result: &mut report::WatchResult,
) -> Result<()> {
    if ops.is_empty() {
        return Ok(());
    }
    let destroy = lifecycle == Lifecycle::Destroy;
    let written = match org_deploy::write(events, state, ops).await {
        Ok(written) => written,
        Err(stopped) => {
            let settled = match &result.retired {
                Some(retired) => report::watch_restored(&restored(state, events, retired).await),
                None => String::new(),
            };
            return Err(stopped.error(ops, &settled));
        }
    };
    result.writes = Some(written);
    result.deployed = !destroy;
    if destroy {
        result.problems.clear();
        // What was read of the StackSets' instances before their deletion is no longer so.
        let gone =
            |n: &&WatchNote| !ops.stacks.is_empty() && matches!(n, WatchNote::OrgCoverage { .. });
        let notes = state.notes.iter().filter(|n| !gone(n));
        result.notes = notes.map(report::watch_note).collect();
    } else {
        result.deployed_code = result.package_code.clone();
        instances_made(state, &ops.stacks, result);
    }
    Ok(())
}

/// A destroy whose removal failed leaves the watch running: what the function settled at its
/// last re-proof, and each account it re-proved handed to it once more to put the watch's
/// words back (its findings must not say the watch was removed); the accounts where that is
/// no longer possible are named, with why.
async fn restored(
    state: &OrgWatchState,
    events: &dyn Events,
    retired: &[report::RetiredAccount],
) -> Restored {
    let reached: Vec<String> = (retired.iter())
        .filter(|r| r.error.is_none())
        .map(|r| r.account.clone())
        .collect();
    let (archived, kept) =
        (retired.iter()).fold((0, 0), |(a, k), r| (a + r.archived, k + r.kept + r.facts));
    let mut restored = Restored {
        reproved: reached.len(),
        handed: retired.len(),
        archived,
        kept,
        again: None,
    };
    if !reached.is_empty() {
        let again = org_retire::restore(state, events, reached).await;
        let again = again.into_iter().map(|r| (r.account, r.outcome.err()));
        restored.again = Some(again.collect());
    }
    restored
}

/// After a deploy's StackSet writes, each awaited until it SUCCEEDED, what was read of the
/// instances before them is no longer so where they wrote: a StackSet made, or its instances
/// added on the root, in a region, has an instance in every member there (the count says the
/// operations succeeded); one updated has each instance it had brought up to date. What they
/// did not touch is said as it was read.
fn instances_made(state: &OrgWatchState, stacks: &[StackOp], result: &mut report::WatchResult) {
    let (mut made, mut updated) = (Vec::new(), Vec::new());
    for op in stacks {
        match op {
            StackOp::CreateStackSet { name, regions, .. }
            | StackOp::AddInstances { name, regions, .. } => {
                made.extend(regions.iter().map(|r| (name.as_str(), r.as_str())));
            }
            StackOp::UpdateStackSet { name, .. } => updated.push(name.as_str()),
            _ => {}
        }
    }
    let settled = |p: &WatchProblem| match p {
        WatchProblem::AccountNotCovered {
            stack_set,
            region,
            status,
            ..
        } => {
            made.contains(&(stack_set.as_str(), region.as_str()))
                || (updated.contains(&stack_set.as_str()) && status != "missing")
        }
        _ => false,
    };
    let notes = state.notes.iter().map(|n| match n {
        WatchNote::OrgCoverage { accounts, .. } if !made.is_empty() => {
            WatchNote::OrgInstancesMade {
                accounts: *accounts,
            }
        }
        n => n.clone(),
    });
    result.notes = notes.map(|n| report::watch_note(&n)).collect();
    result.problems = (state.problems.iter())
        .filter(|p| !settled(p))
        .map(report::watch_problem)
        .collect();
}

fn result_of(
    lifecycle: Lifecycle,
    state: &OrgWatchState,
    changes: Vec<String>,
) -> report::WatchResult {
    let read = WatchRead {
        want: &state.want.home,
        seen: &state.seen,
        package: &state.package,
        notes: &state.notes,
        problems: &state.problems,
    };
    let mut result = crate::commands::watch::lifecycle::result_of(lifecycle, read, changes);
    "*".clone_into(&mut result.role);
    result.organization = Some(state.context.organization.clone());
    if lifecycle == Lifecycle::Status {
        result.accounts = Some(accounts_of(state));
    }
    result
}

/// Every account of the organization as status reads it: the members by their StackSets'
/// instances, the management account by its own stacks (not read in a delegated
/// administrator's run), each with what the function said it cannot watch.
fn accounts_of(state: &OrgWatchState) -> Vec<report::OrgAccountStatus> {
    let management = &state.context.management_account;
    let stacks_there = (state.want.management.iter())
        .all(|m| (state.stacks.stacks).contains_key(&(m.region.clone(), m.name.clone())));
    let members = state.stacks.members.iter().map(|a| (a, "stack-set"));
    let every = std::iter::once((management, "management-stack")).chain(members);
    every
        .map(|(account, by)| {
            let mut not_covered = Vec::new();
            let (mut not_watched, mut not_watched_cause) = (None, None);
            for p in &state.problems {
                match p {
                    WatchProblem::AccountNotCovered { account: a, .. } if a == account => {
                        not_covered.push(report::watch_problem(p));
                    }
                    WatchProblem::AccountNotWatched {
                        account: a,
                        title,
                        cause,
                    } if a == account => {
                        not_watched = Some(title.clone());
                        not_watched_cause = cause.map(|c| report::watch_blind(c).to_owned());
                    }
                    _ => {}
                }
            }
            let covered = match by {
                "management-stack" => state.management().then_some(stacks_there),
                _ => Some(not_covered.is_empty()),
            };
            report::OrgAccountStatus {
                account: account.clone(),
                covered_by: by.to_owned(),
                covered,
                not_covered,
                not_watched,
                not_watched_cause,
            }
        })
        .collect()
}

/// `--baseline FILE`, read and checked as `audit --baseline` reads it, as the JSON the function
/// is given.
fn baseline_of(org: &OrgWatchArgs) -> Result<Option<String>> {
    let Some(path) = &org.baseline else {
        return Ok(None);
    };
    let baseline = crate::app::baseline::read(path)?;
    Ok(Some(serde_json::to_string(&baseline).map_err(|e| {
        Error::usage(
            format!("--baseline {}: {e}", path.display()),
            "this is lambda-trust's defect: report it; nothing was written",
        )
    })?))
}
