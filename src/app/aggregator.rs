//! `audit --config-aggregator NAME`: every account and region an AWS Config aggregator covers,
//! read from the aggregator with the caller's credentials alone — no role assumed in any
//! account. The path for organizations that outgrow assuming a role in each account.
//!
//! Reads (`aws::config_aggregator`): the roles (`AWS::IAM::Role`) and the customer managed
//! policies (`AWS::IAM::Policy`) listed, the roles' items read, then the items of only those
//! customer managed policies a role that may concern a partner uses; AWS managed policies,
//! which Config does not record, are read from IAM once per distinct policy for the whole run
//! (the same document in every account). A policy neither holds is left out, so the access of
//! the roles using it is reported "not proved" (`lambda_trust_audit`), never clean. Calls grow with
//! pages of 100 resources, not with accounts.
//!
//! The functions (`AWS::Lambda::Function`) are listed and read beside the roles, 100 a call:
//! their items hold each function's own policy (`crates/audit/src/config_functions.rs`), so the whole
//! path's function part is judged — who else invokes a target (`function-policy-open`,
//! `partner-bypasses-role`), and the account's functions a partner or anyone invokes directly.
//! A target Config holds no readable item of, or a version's or alias's own policy, is not read.
//!
//! Not read on this path: the organization's SCPs and RCPs — whether Genesys Cloud gets through
//! is reported not proved (`path-not-read`); Config's `roleLastUsed`, which can be older than
//! the role's last use (no `unused-partner-role` finding).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::events::{Event, Events};
use super::prove_roles::{prove_roles, AuditFailure};
use crate::aws::audit as read;
use crate::aws::config_aggregator::{self as config, Listed};
use crate::aws::sessions::CallCount;
use crate::aws::{AwsError, Clients};
use crate::error::{shown, Result};
use crate::event::Read;
use lambda_trust_audit::{
    aggregated_policies_to_read, path_from_config, AccountIam, AccountOutcome, AggregatedIam,
    AuditOptions, AuditPolicy, OrgReport, RecordedFunctions, CONFIG_POLICY_TYPE, CONFIG_ROLE_TYPE,
};
use lambda_trust_model::FUNCTION_TYPE;

/// Reads the aggregator `name` and audits every account it holds roles of.
pub(crate) async fn audit_aggregator(
    events: &dyn Events,
    clients: &Clients,
    opts: &AuditOptions,
    name: &str,
) -> Result<OrgReport> {
    let calls = CallCount::default();
    let what = Read::Aggregator {
        name: name.to_string(),
    };
    let (iam, functions) = events
        .reading(what, read_aggregator(clients, opts, name, &calls))
        .await
        .map_err(AuditFailure::Aws)?;
    events.event(Event::Counting {
        total: iam.accounts.len(),
    });
    let AggregatedIam {
        accounts,
        regions,
        mut unreadable,
    } = iam;
    let functions = Arc::new(functions);
    let work = accounts.into_iter().map(|(account, iam)| {
        let region = regions.get(&account).cloned();
        let mut not_read = unreadable.remove(&account).unwrap_or_default();
        not_read.extend(
            functions
                .unreadable
                .get(&account)
                .into_iter()
                .flatten()
                .cloned(),
        );
        prove_account(events, iam, opts, region, not_read, functions.clone())
    });
    // Proving is CPU work on blocking threads that `prove_roles` bounds to the cores; a few
    // accounts in flight keep them busy.
    let outcomes: Vec<AccountOutcome> = stream::iter(work)
        .buffer_unordered(ACCOUNTS_AT_ONCE)
        .try_collect()
        .await?;
    events.event(Event::ReadDone);
    Ok(OrgReport::new(outcomes, calls.get()))
}

/// Accounts proved at once.
const ACCOUNTS_AT_ONCE: usize = 8;

async fn prove_account(
    events: &dyn Events,
    iam: AccountIam,
    opts: &AuditOptions,
    region: Option<String>,
    not_read: Vec<String>,
    functions: Arc<RecordedFunctions>,
) -> std::result::Result<AccountOutcome, AuditFailure> {
    let shared = Arc::new(iam);
    let roles = prove_roles(&shared, opts).await?;
    let report = lambda_trust_audit::account_report(&shared, opts, roles, 0);
    let opts = opts.clone();
    let mut report = tokio::task::spawn_blocking(move || {
        let mut report = report;
        let path = path_from_config(&shared, &report, &functions);
        lambda_trust_audit::judge_path(&mut report, &shared, &opts, &path);
        report
    })
    .await?;
    report.recorded_in = region;
    report.not_read = not_read;
    events.event(Event::Counted);
    Ok(AccountOutcome::Report(report))
}

/// The roles of every account, each account's policies as the audit needs them.
async fn read_aggregator(
    clients: &Clients,
    opts: &AuditOptions,
    name: &str,
    calls: &CallCount,
) -> std::result::Result<(AggregatedIam, RecordedFunctions), AwsError> {
    let (read, policies, functions) = tokio::try_join!(
        config::list_and_read(clients, name, CONFIG_ROLE_TYPE, calls),
        config::list(clients, name, CONFIG_POLICY_TYPE, calls),
        config::list_and_read(clients, name, FUNCTION_TYPE, calls),
    )?;
    let mut iam = AggregatedIam::from(read.items.as_slice());
    not_read(&mut iam, "role", &read.unprocessed);
    not_read(&mut iam, "function", &functions.unprocessed);
    let functions = RecordedFunctions::from(functions.items.as_slice());
    let (aws_managed, keys) = aggregated_policies_to_read(&iam, opts);
    let policies = policies
        .into_iter()
        .filter(|l| keys.contains(&(l.account.clone(), l.name.clone().unwrap_or_default())))
        .collect();
    let (customer, managed) = tokio::try_join!(
        config::read(clients, name, policies, calls),
        read_aws_managed(clients, aws_managed, calls),
    )?;
    not_read(&mut iam, "policy", &customer.unprocessed);
    let customer = AggregatedIam::from(customer.items.as_slice());
    for (account, held) in customer.accounts {
        if let Some(iam) = iam.accounts.get_mut(&account) {
            iam.policies.extend(held.policies);
        }
    }
    for (account, said) in customer.unreadable {
        iam.unreadable.entry(account).or_default().extend(said);
    }
    for (account, iam_of) in &mut iam.accounts {
        let used: BTreeSet<&String> = (iam_of.roles.iter())
            .flat_map(|r| r.attached.iter().chain(&r.boundary))
            .collect();
        for (arn, read) in managed.iter().filter(|(arn, _)| used.contains(arn)) {
            match read {
                Ok(p) => {
                    iam_of.policies.insert(arn.clone(), p.clone());
                }
                Err(why) => (iam.unreadable.entry(account.clone()).or_default())
                    .push(format!("policy {arn}: {why}")),
            }
        }
    }
    Ok((iam, functions))
}

/// The AWS managed policies in `arns`, read once each with the caller's credentials; one that
/// could not be read is kept with why, and left out of every account (its roles: not proved).
async fn read_aws_managed(
    clients: &Clients,
    arns: Vec<String>,
    calls: &CallCount,
) -> std::result::Result<BTreeMap<String, std::result::Result<AuditPolicy, String>>, AwsError> {
    let read = read::read_each_policy(clients, &arns, calls).await;
    Ok(read
        .into_iter()
        .filter_map(|(arn, got)| match got {
            Ok(Some(p)) => Some((arn, Ok(p))),
            Ok(None) => None,
            Err(e) => Some((arn, Err(format!("IAM would not give it: {}", shown(&e))))),
        })
        .collect())
}

/// Roles or policies (`kind`) Config left unprocessed twice: said in their account's report
/// as not read.
fn not_read(iam: &mut AggregatedIam, kind: &str, unprocessed: &[Listed]) {
    for l in unprocessed {
        let name = l.name.clone().unwrap_or_else(|| l.id.clone());
        (iam.unreadable.entry(l.account.clone()).or_default()).push(format!(
            "{kind} {name}: AWS Config left it unprocessed twice"
        ));
        (iam.accounts.entry(l.account.clone())).or_insert_with(|| AccountIam {
            account_id: l.account.clone(),
            ..AccountIam::default()
        });
    }
}
