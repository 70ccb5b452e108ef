//! The organization watch's sweep: the invocation the schedule — or a change of the
//! organization itself (its SCPs and RCPs, an account joining or leaving) — starts lists the
//! organization's active accounts and puts one event per account on the watch's own bus
//! (`lambda_trust_provision::sweep_events`); the bus's rule hands each back to the function,
//! which re-proves that account as `audit` reads one. The fan-out is EventBridge's and
//! Lambda's: each account an invocation of its own, run as many at once as Lambda runs, each
//! retried by Lambda when it fails.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::aws::organizations::list_accounts;
use crate::aws::sessions::CallCount;
use crate::aws::watch::organization::sweep::put_sweep;
use crate::aws::Clients;
use lambda_trust_audit::AuditOptions;
use lambda_trust_provision::{sweep_events, SweptRecord};

/// Where the sweep's events go and how its accounts are chosen: the bus (`None`: the function
/// was deployed before the sweep; nothing is put and the record says what to run), and the
/// aggregator with the watch's own account and the judgement that finds partner roles.
pub(super) struct Fanning<'a> {
    pub bus: Option<&'a str>,
    pub aggregator: Option<(&'a str, &'a str)>,
    pub opts: &'a AuditOptions,
}

/// Fans out the sweep, saying `why`: one event per account to re-prove.
pub(super) async fn fan_out(clients: &Clients, to: &Fanning<'_>, why: &str) -> SweptRecord {
    let calls = CallCount::default();
    let mut swept = SweptRecord {
        sweep: sweep_id(),
        accounts: 0,
        put: 0,
        failed: Default::default(),
        error: None,
        skipped: 0,
        aggregator: None,
        not_narrowed: None,
        calls: 0,
    };
    let Some(bus) = to.bus else {
        swept.error = Some(
            "the function's deployment names no bus (LAMBDA_TRUST_BUS): deploy it again with \
             `lambda-trust watch deploy --organization`"
                .into(),
        );
        return swept;
    };
    match list_accounts(clients, &calls).await {
        Ok(accounts) => {
            let ids: Vec<String> = accounts.into_iter().map(|a| a.id).collect();
            let ids = narrowed(clients, to, ids, &mut swept, &calls).await;
            let events = sweep_events(&ids, why, &swept.sweep);
            swept.failed = put_sweep(clients, bus, &events, &calls).await;
            swept.accounts = ids.len() + swept.skipped;
            swept.put = ids.len() - swept.failed.len();
        }
        Err(e) => swept.error = Some(crate::error::shown(&e)),
    }
    swept.calls = calls.get();
    swept
}

/// The accounts to re-prove: all of `ids`, or, through the aggregator, those it and Security
/// Hub do not both show empty; the record says which and why.
async fn narrowed(
    clients: &Clients,
    to: &Fanning<'_>,
    ids: Vec<String>,
    swept: &mut SweptRecord,
    calls: &CallCount,
) -> Vec<String> {
    let Some((aggregator, home)) = to.aggregator else {
        return ids;
    };
    match super::narrow::narrowing(clients, aggregator, home, to.opts, calls).await {
        Ok(n) => {
            let (kept, left): (Vec<String>, Vec<String>) =
                ids.into_iter().partition(|a| n.sweeps(a));
            swept.skipped = left.len();
            swept.aggregator = Some(aggregator.to_owned());
            kept
        }
        Err(why) => {
            swept.not_narrowed = Some(why);
            ids
        }
    }
}

/// A sweep's ID: when it started, in milliseconds. Each execution environment reads the
/// organization's SCPs and RCPs again once per sweep ID it is handed.
fn sweep_id() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH);
    format!("sweep-{}", now.map(|d| d.as_millis()).unwrap_or_default())
}
