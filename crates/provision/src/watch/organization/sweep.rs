//! The sweep of the whole organization, fanned out on EventBridge: the invocation the schedule
//! (or a change of the organization itself) starts lists the accounts and puts **one event per
//! account** on the watch's own bus; the bus's sweep rule hands each to the function, so every
//! account is re-proved by an invocation of its own, as many at once as Lambda runs, each with
//! Lambda's retries — no invocation paces a thousand accounts in its fifteen minutes.
//!
//! A sweep event is honoured only when the watch's own account put it: a custom event's
//! `account` is the account that called `PutEvents`
//! (<https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html>), and the
//! bus's rule matches it too. Any other is nothing, never a sweep of its own, so a sweep never
//! starts another.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `source` of the sweep's events.
const SOURCE: &str = "lambda-trust.org-watch";
/// Their `detail-type`.
const DETAIL_TYPE: &str = "Sweep account";
/// The `detail-type` of what `watch destroy --organization` hands the function, once per
/// account, before it removes it: the account's last re-proof.
const RETIRE_TYPE: &str = "Retire account";

/// The `detail-type` of what a run puts on the watch's bus once it changed what an account's
/// Security Hub holds: the same reading once more, after that write.
const AGAIN_TYPE: &str = "Re-prove again";

/// How many re-readings one change starts at most: each comes only after a run changed what
/// a hub holds, so a chain this long is a role changing as fast as it is read (its own calls
/// bring it back).
pub(crate) const MAX_ROUNDS: u32 = 3;

/// What a sweep event's `detail` says: the account to re-prove, why, and the sweep's ID; a
/// re-reading's also names its role (none: the whole account) and its round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Detail {
    pub(crate) account: String,
    pub(crate) why: String,
    pub(crate) sweep: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) role: Option<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) round: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The events of sweep `sweep` (an ID of the invocation that fans it out): one per account,
/// each saying `why` in its `detail` (`account`, `why`, `sweep`), as `PutEvents` takes them
/// (its `Source`, `DetailType` and `Detail`).
pub fn sweep_events(accounts: &[String], why: &str, sweep: &str) -> Vec<EventBridgeEvent> {
    (accounts.iter())
        .map(|account| {
            let detail = Detail {
                account: account.clone(),
                why: why.to_owned(),
                sweep: sweep.to_owned(),
                role: None,
                round: 0,
            };
            let mut event = EventBridgeEvent::default();
            event.source = SOURCE.to_owned();
            event.detail_type = DETAIL_TYPE.to_owned();
            event.detail = serde_json::to_value(&detail).unwrap_or_default();
            event
        })
        .collect()
}

/// What `watch destroy --organization` hands the function (`lambda:Invoke`, never the bus:
/// the sweep rule does not match it) to re-prove `account` a last time before the watch is
/// removed, in run `run`: an event as the watch account `watch` would put it, so it is the
/// function's own.
pub fn retire_event(watch: &str, account: &str, run: &str) -> EventBridgeEvent {
    let mut event = sweep_events(&[account.to_owned()], "watch destroy", run)
        .pop()
        .unwrap_or_default();
    event.detail_type = RETIRE_TYPE.to_owned();
    event.account = Some(watch.to_owned());
    event
}

/// What a run puts on the watch's bus after it changed what `account`'s Security Hub holds
/// about `role` (`None`: the account, read whole), in re-reading `round` (1 for the first) of
/// run `run`: the same reading once more, after the write. Of two runs about one role whose
/// writes cross — the older reading written last —, the last change is then followed by a
/// reading made after it, which writes the answer of the role as it is (EventBridge delivers
/// at least once: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html>).
/// `None` past `MAX_ROUNDS`.
pub fn again_event(
    account: &str,
    role: Option<&str>,
    round: u32,
    run: &str,
) -> Option<EventBridgeEvent> {
    if round == 0 || round > MAX_ROUNDS {
        return None;
    }
    let mut event = sweep_events(&[account.to_owned()], "re-read after a change", run).pop()?;
    event.detail_type = AGAIN_TYPE.to_owned();
    event.detail["round"] = round.into();
    if let Some(role) = role {
        event.detail["role"] = role.into();
    }
    Some(event)
}

/// The event pattern of the bus's sweep rule: the sweep's events, and the re-readings, the
/// watch's account put.
pub(crate) fn sweep_pattern(watch_account: &str) -> Value {
    serde_json::json!({"source": [SOURCE], "detail-type": [DETAIL_TYPE, AGAIN_TYPE],
        "account": [watch_account]})
}

/// What one of the watch's own events asks: an account of a sweep, or its last re-proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Asked {
    Sweep(Detail),
    Retire(Detail),
    Again(Detail),
}

/// What `event` asks when it is one of the sweep's (its `source` is the sweep's); `home` is
/// the function's own account. `None`: not the sweep's; `Err`: one that asks nothing, and why.
pub(crate) fn own_event(event: &Value, home: Option<&str>) -> Option<Result<Asked, String>> {
    if event.get("source").and_then(Value::as_str) != Some(SOURCE) {
        return None;
    }
    let from = event.get("account").and_then(Value::as_str);
    if home.is_none() || from != home {
        return Some(Err(format!(
            "a sweep event put by account {}, not the watch's own",
            from.unwrap_or("(none)")
        )));
    }
    let detail =
        (event.get("detail").cloned()).and_then(|d| serde_json::from_value::<Detail>(d).ok());
    let asked = match (event.get("detail-type").and_then(Value::as_str), detail) {
        (Some(DETAIL_TYPE), Some(d)) => Some(Asked::Sweep(d)),
        (Some(RETIRE_TYPE), Some(d)) => Some(Asked::Retire(d)),
        (Some(AGAIN_TYPE), Some(d)) if d.round > 0 => Some(Asked::Again(d)),
        _ => None,
    };
    Some(asked.ok_or_else(|| "a sweep event of another shape".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HOME: &str = "111122223333";

    /// The event EventBridge hands the function for one sweep event `account` put.
    fn delivered(e: &EventBridgeEvent, account: &str) -> Value {
        json!({"version": "0", "id": "9", "detail-type": e.detail_type, "source": e.source,
            "account": account, "time": "2026-11-27T10:00:00Z", "region": "us-east-1",
            "resources": [], "detail": e.detail})
    }

    #[test]
    fn one_event_per_account_each_asks_for_its_account() {
        let accounts = ["222233334444".to_owned(), "333344445555".to_owned()];
        let events = sweep_events(&accounts, "the schedule", "s-1");
        assert_eq!(events.len(), 2);
        let asked = own_event(&delivered(&events[1], HOME), Some(HOME));
        assert_eq!(
            asked,
            Some(Ok(Asked::Sweep(Detail {
                account: "333344445555".into(),
                why: "the schedule".into(),
                sweep: "s-1".into(),
                role: None,
                round: 0,
            })))
        );
        assert_eq!(
            sweep_pattern(HOME)["account"],
            json!([HOME]),
            "the rule takes only the watch's own"
        );
    }

    /// A member that puts a sweep event on the bus asks nothing; a sweep event never sweeps.
    #[test]
    fn another_accounts_or_another_shape_is_nothing_and_others_are_not_the_sweeps() {
        let events = sweep_events(&["222233334444".to_owned()], "the schedule", "s-1");
        let theirs = own_event(&delivered(&events[0], "222233334444"), Some(HOME));
        assert!(matches!(theirs, Some(Err(_))), "{theirs:?}");
        let unknown_home = own_event(&delivered(&events[0], HOME), None);
        assert!(matches!(unknown_home, Some(Err(_))));
        let mut odd = delivered(&events[0], HOME);
        odd["detail"] = json!({"account": 1});
        let odd = own_event(&odd, Some(HOME));
        assert!(matches!(odd, Some(Err(_))), "{odd:?}");
        let tick = json!({"source": "aws.events", "detail-type": "Scheduled Event"});
        assert_eq!(own_event(&tick, Some(HOME)), None);
    }

    /// `watch destroy`'s last re-proof is the watch account's own, and asks for its account.
    #[test]
    fn a_retire_event_asks_for_its_accounts_last_reproof() {
        let e = retire_event(HOME, "222233334444", "d-1");
        let event = serde_json::to_value(&e).unwrap();
        let Some(Ok(Asked::Retire(d))) = own_event(&event, Some(HOME)) else {
            panic!("{event:#}");
        };
        assert_eq!(
            (d.account.as_str(), d.sweep.as_str()),
            ("222233334444", "d-1")
        );
        assert!(matches!(
            own_event(&event, Some("999988887777")),
            Some(Err(_))
        ));
        assert_eq!(
            sweep_pattern(HOME)["detail-type"],
            json!([DETAIL_TYPE, AGAIN_TYPE]),
            "the bus never hands it on"
        );
    }

    /// A re-reading names its account, role and round, is the watch's own only when its
    /// account put it, and stops after `MAX_ROUNDS`.
    #[test]
    fn a_rereading_asks_for_its_role_once_more_and_stops_after_the_last_round() {
        let event = again_event("222233334444", Some("vendor"), 1, "run-1").unwrap();
        let asked = own_event(&delivered(&event, HOME), Some(HOME));
        let Some(Ok(Asked::Again(d))) = asked else {
            panic!("{asked:?}")
        };
        assert_eq!(
            (d.account.as_str(), d.role.as_deref(), d.round),
            ("222233334444", Some("vendor"), 1)
        );
        let whole = again_event("222233334444", None, MAX_ROUNDS, "run-1").unwrap();
        assert_eq!(whole.detail.get("role"), None);
        assert!(again_event("222233334444", None, MAX_ROUNDS + 1, "run-1").is_none());
        assert!(again_event("222233334444", None, 0, "run-1").is_none());
        let theirs = own_event(&delivered(&event, "999988887777"), Some(HOME));
        assert!(matches!(theirs, Some(Err(_))), "{theirs:?}");
        let pattern = sweep_pattern(HOME);
        assert!(pattern["detail-type"].to_string().contains(AGAIN_TYPE));
    }
}
