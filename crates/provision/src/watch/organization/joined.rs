//! An account that joins, audited once it can be: a service-managed StackSet with automatic
//! deployment puts the reader role in an account that joins the organization, and CloudFormation
//! announces each stack instance's status on EventBridge in the StackSet's own account and
//! region ("CloudFormation StackSet StackInstance Status Change": `detail.stack-set-arn`,
//! `detail.stack-id` — the instance's stack, in the member's account —, `detail.action`, and
//! `detail.status-details.status`,
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/event-detail-stackset-stack-instance-status-change.html>).
//! An instance of the global StackSet CURRENT after a CREATE or UPDATE is that account's
//! reader in place: the function re-proves the account then, not an hour later, and not
//! before (`AccountJoinedOrganization` comes before the instance, when no reader can be
//! assumed yet).

use lambda_trust_iam::{Arn, AwsResource};
use serde_json::{json, Value};

/// The event's `source` and `detail-type`.
const SOURCE: &str = "aws.cloudformation";
const DETAIL_TYPE: &str = "CloudFormation StackSet StackInstance Status Change";

/// What an instance event asks: `None` when `event` is not one; `Some(Ok((account, why, id)))`
/// for an instance of `global` (the global StackSet's name) now CURRENT — the account to
/// re-prove, why, and the event's ID —; `Some(Err(why))` for any other instance event.
pub(crate) fn current(
    event: &Value,
    global: &str,
) -> Option<Result<(String, String, String), String>> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    if text(event, "source").as_deref() != Some(SOURCE)
        || text(event, "detail-type").as_deref() != Some(DETAIL_TYPE)
    {
        return None;
    }
    let detail = event.get("detail").cloned().unwrap_or_default();
    let stack_set = text(&detail, "stack-set-arn").unwrap_or_default();
    let ours = stack_set
        .split_once(":stackset/")
        .is_some_and(|(_, id)| id.split(':').next() == Some(global));
    let action = text(&detail, "action").unwrap_or_default();
    let status = (detail
        .pointer("/status-details/status")
        .and_then(Value::as_str))
    .unwrap_or_default();
    if !ours || !matches!(action.as_str(), "CREATE" | "UPDATE") || status != "CURRENT" {
        return Some(Err(format!(
            "a StackSet instance event ({stack_set}: {action}, {status}) that puts no reader in place"
        )));
    }
    let stack = text(&detail, "stack-id").unwrap_or_default();
    let account = stack
        .split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
    let Some(account) = account else {
        return Some(Err(format!(
            "a StackSet instance event naming no account ({stack:?})"
        )));
    };
    let why = format!("its StackSet instance is CURRENT ({action})");
    let id = text(event, "id").unwrap_or_else(|| stack.clone());
    Some(Ok((account.to_owned(), why, id)))
}

/// The event pattern of the global StackSet `global`'s instances now CURRENT, for the rule in
/// the StackSet's account (the management account's, where service-managed StackSets are);
/// `${AWS::…}` as CloudFormation substitutes them.
pub(crate) fn pattern(global: &str) -> Value {
    let set = AwsResource::StackSet {
        region: "${AWS::Region}",
        name: &format!("{global}:"),
    };
    let arn = Arn::of("${AWS::Partition}", "${AWS::AccountId}", set).to_string();
    json!({"source": [SOURCE], "detail-type": [DETAIL_TYPE],
        "detail": {"stack-set-arn": [{"prefix": arn}], "action": ["CREATE", "UPDATE"],
            "status-details": {"status": ["CURRENT"]}}})
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLOBAL: &str = "lambda-trust-org-watch-global";

    fn event(stack_set: &str, action: &str, status: &str) -> Value {
        json!({"version": "0", "id": "e-1", "source": SOURCE, "detail-type": DETAIL_TYPE,
            "account": "111111111111", "region": "us-east-1", "detail": {
                "stack-set-arn": format!("arn:aws:cloudformation:us-east-1:111111111111:stackset/{stack_set}:3f1c"),
                "stack-id": "arn:aws:cloudformation:us-east-1:222233334444:stack/StackSet-x/9a",
                "action": action,
                "status-details": {"status": status, "detailed-status": "SUCCEEDED"}}})
    }

    #[test]
    fn a_global_instance_current_asks_for_its_account() {
        let asked = current(&event(GLOBAL, "CREATE", "CURRENT"), GLOBAL);
        let Some(Ok((account, why, id))) = asked else {
            panic!("{asked:?}")
        };
        assert_eq!((account.as_str(), id.as_str()), ("222233334444", "e-1"));
        assert!(why.contains("CURRENT"), "{why}");
    }

    #[test]
    fn another_stack_set_an_outdated_instance_or_a_delete_asks_nothing() {
        for (set, action, status) in [
            ("lambda-trust-org-watch-lambda", "CREATE", "CURRENT"),
            ("lambda-trust-org-watch-global-2", "CREATE", "CURRENT"),
            (GLOBAL, "DELETE", "CURRENT"),
            (GLOBAL, "CREATE", "OUTDATED"),
        ] {
            let asked = current(&event(set, action, status), GLOBAL);
            assert!(
                matches!(asked, Some(Err(_))),
                "{set} {action} {status}: {asked:?}"
            );
        }
        let tick = json!({"source": "aws.events", "detail-type": "Scheduled Event"});
        assert_eq!(current(&tick, GLOBAL), None);
    }

    #[test]
    fn the_pattern_takes_only_the_global_stack_sets_current_instances() {
        let p = pattern(GLOBAL);
        let prefix = p["detail"]["stack-set-arn"][0]["prefix"].as_str().unwrap();
        assert!(
            prefix.ends_with(":stackset/lambda-trust-org-watch-global:"),
            "{prefix}"
        );
        assert_eq!(p["detail"]["status-details"]["status"], json!(["CURRENT"]));
    }
}
