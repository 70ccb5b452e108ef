//! `watch destroy --organization`'s last re-proof, as TRUTH III asks of every removal: before
//! the pieces go, the function is handed each account once more (`lambda:Invoke`,
//! synchronous: its reader roles are the only way into the members), as many at once as its
//! reserved concurrency runs. Each invocation re-proves the account as a sweep's does: what no
//! longer holds is settled in the account's Security Hub, what still fails stays ACTIVE, its
//! text saying the watch was removed (`report::organization_watch_findings`). An account the
//! function could not re-prove keeps its findings as they were, and is named. When a removal
//! then fails, the watch still runs: the function is handed each account it re-proved once
//! more, as a sweep's reading ([`restore`]), so no finding says the watch was removed while
//! it runs.

use futures::StreamExt as _;
use serde_json::Value;

use crate::app::events::Events;
use crate::app::watch::organization::deploy::OrgWatchState;
use crate::event::Read;
use lambda_trust_provision::{retire_event, sweep_events, EventBridgeEvent};

/// One account's last re-proof.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Retired {
    pub account: String,
    /// What its Security Hub took, or why it was not re-proved (its findings stay as they
    /// were).
    pub outcome: Result<Settled, String>,
}

/// What an account's Security Hub took at its last re-proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Settled {
    /// The findings that no longer hold, settled.
    pub archived: usize,
    /// The findings that still fail (or are still not proved), kept ACTIVE, saying the
    /// watch was removed.
    pub kept: usize,
    /// The facts (informational findings: no control failed) kept ACTIVE, still so.
    pub facts: usize,
}

/// Every account of the organization (the management account first) handed to the deployed
/// function once more; none when no function is deployed (nothing can read the members).
pub(crate) async fn retire(state: &OrgWatchState, events: &dyn Events) -> Vec<Retired> {
    hand(state, events, accounts(state), retire_event).await
}

/// After a removal failed, while the watch still runs: each of `accounts` (those its last
/// re-proof reached) handed to the function as a sweep's reading, which files its findings
/// without saying the watch was removed. An account it can no longer reach (the function or
/// the account's reader is gone) is named with why.
pub(crate) async fn restore(
    state: &OrgWatchState,
    events: &dyn Events,
    accounts: Vec<String>,
) -> Vec<Retired> {
    let again = |watch: &str, account: &str, run: &str| {
        let mut event = (sweep_events(&[account.to_owned()], "watch destroy failed", run).pop())
            .unwrap_or_default();
        event.account = Some(watch.to_owned());
        event
    };
    hand(state, events, accounts, again).await
}

/// Each of `accounts` handed to the deployed function, as `event_of` (watch account, account,
/// run) makes its event; none when no function is deployed.
async fn hand(
    state: &OrgWatchState,
    events: &dyn Events,
    accounts: Vec<String>,
    event_of: impl Fn(&str, &str, &str) -> EventBridgeEvent,
) -> Vec<Retired> {
    let Some(function) = &state.seen.function else {
        return Vec::new();
    };
    let f = &state.want.home.function;
    let watch = lambda_trust_iam::Arn::parse(&f.arn)
        .map(|a| a.account)
        .unwrap_or_default();
    let run = format!(
        "destroy-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
    );
    let at = (f.region.as_str(), f.arn.as_str());
    let runs = std::time::Duration::from_secs(function.timeout.max(f.timeout).max(1) as u64);
    let n = accounts.len();
    let one = |account: String| {
        let event = serde_json::to_value(event_of(&watch, &account, &run)).unwrap_or_default();
        async move {
            let answer =
                crate::aws::watch::organization::invoke::invoke(state.home(), at, &event, runs)
                    .await;
            let outcome = match answer {
                Ok(a) => settled_of(&account, a.failed, &a.payload),
                Err(e) => Err(crate::error::shown(&e)),
            };
            Retired { account, outcome }
        }
    };
    // As many at once as Lambda runs it: no invocation of ours is throttled.
    let at_once = (function.reserved_concurrency)
        .or(f.reserved_concurrency)
        .unwrap_or(1)
        .max(1) as usize;
    let work = futures::stream::iter(accounts)
        .map(one)
        .buffer_unordered(at_once)
        .collect::<Vec<_>>();
    let mut done = events.reading(Read::Reproving { accounts: n }, work).await;
    done.sort_by(|a, b| a.account.cmp(&b.account));
    done
}

/// The organization's accounts: the management account, then its members.
pub(crate) fn accounts(state: &OrgWatchState) -> Vec<String> {
    let management = state.context.management_account.clone();
    std::iter::once(management)
        .chain(state.stacks.members.iter().cloned())
        .collect()
}

/// What the function's answer says of `account`: its record (`org-watch-run.schema.json`), as
/// a response or, when it failed, as the error's message.
fn settled_of(account: &str, failed: bool, payload: &Value) -> Result<Settled, String> {
    let record = match failed {
        false => payload.clone(),
        true => {
            let message = payload["errorMessage"].as_str().unwrap_or_default();
            match serde_json::from_str::<Value>(message) {
                Ok(record) if record.get("accounts").is_some() => record,
                _ => return Err(failed_with(payload)),
            }
        }
    };
    if record["change"]["scope"] == "nothing" {
        let why = record["change"]["why"].as_str().unwrap_or_default();
        return Err(format!(
            "the function did not take the request ({why}): it predates this lambda-trust; \
             run `lambda-trust watch deploy --organization` first, then destroy"
        ));
    }
    let ours = (record["accounts"].as_array().into_iter().flatten())
        .find(|a| a["account"] == account)
        .ok_or_else(|| format!("the function's answer names no account {account}"))?;
    if let Some(why) = ours["error"].as_str() {
        return Err(why.to_owned());
    }
    match &ours["published"] {
        Value::Object(p) if p.contains_key("security_hub") => {
            let n = |k: &str| p["security_hub"][k].as_u64().unwrap_or(0) as usize;
            let active = n("imported") + n("refreshed") + n("unchanged");
            let facts = super::facts::facts_in(ours).min(active);
            Ok(Settled {
                archived: n("resolved"),
                kept: active - facts,
                facts,
            })
        }
        Value::Object(p) => Err(p["error"].as_str().unwrap_or("not published").to_owned()),
        _ => Err("nothing was published".to_owned()),
    }
}

/// The error a function answered, as Lambda gives it.
fn failed_with(payload: &Value) -> String {
    let kind = payload["errorType"].as_str().unwrap_or("an error");
    let message = payload["errorMessage"].as_str().unwrap_or_default();
    format!("the function answered {kind}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const M: &str = "222233334444";

    fn record(published: Value) -> Value {
        json!({"org_watch": 1, "version": "1", "change": {"scope": "retire"},
            "accounts": [{"account": M, "roles": {}, "calls": 9, "published": published}]})
    }

    /// What the account's hub took, with the facts among the kept told apart: a role that is
    /// not lambda-trust's is still so, not a failure.
    #[test]
    fn what_the_accounts_hub_took_is_what_was_archived_and_kept() {
        let counts = json!({"security_hub": {"imported": 2, "resolved": 3, "refreshed": 0,
            "unchanged": 1, "refused": 0}});
        let mut answer = record(counts);
        answer["accounts"][0]["roles"] = json!({
            "arn:aws:iam::222233334444:role/a": ["no-external-id", "unmanaged"],
            "arn:aws:iam::222233334444:role/b": ["external-id-unproved"]});
        let settled = settled_of(M, false, &answer);
        let want = Settled {
            archived: 3,
            kept: 2,
            facts: 1,
        };
        assert_eq!(settled, Ok(want));
    }

    /// A failed invocation's record (its error's message) still says why, and an error that
    /// is not one says what Lambda gave.
    #[test]
    fn an_account_not_reproved_says_why() {
        let mut failed = record(Value::Null);
        failed["accounts"][0]["error"] = json!("AccessDenied: sts:AssumeRole");
        let payload = json!({"errorType": "NotReproved", "errorMessage": failed.to_string()});
        assert_eq!(
            settled_of(M, true, &payload),
            Err("AccessDenied: sts:AssumeRole".to_owned())
        );
        let crash = json!({"errorType": "Runtime.ExitError", "errorMessage": "exit status 1"});
        let said = settled_of(M, true, &crash).unwrap_err();
        assert!(
            said.contains("Runtime.ExitError") && said.contains("exit status 1"),
            "{said}"
        );
        let other = settled_of("999988887777", false, &record(Value::Null)).unwrap_err();
        assert!(other.contains("names no account 999988887777"), "{other}");
        let unpublished = settled_of(M, false, &record(json!({"error": "hub off"})));
        assert_eq!(unpublished, Err("hub off".to_owned()));
        let older = json!({"change": {"scope": "nothing", "why": "a sweep event of another shape"},
            "accounts": []});
        let said = settled_of(M, false, &older).unwrap_err();
        assert!(
            said.contains("watch deploy --organization` first"),
            "{said}"
        );
    }
}
