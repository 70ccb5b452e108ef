//! IAM Access Analyzer's findings as an input: an organization's analyzer reports a role that
//! an account outside the organization can assume — Genesys Cloud's among them — about an
//! hour after the change, whatever rule missed it. Its "Access Analyzer Finding" event names
//! the role (`detail.resource`) and the account the finding is about (`detail.accountId`:
//! "the account and Region reported in the finding",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-eventbridge.html>), so
//! the function re-proves that role as it would after a call on it; it never takes the
//! analyzer's word for whether the role is right.

use serde_json::Value;

use crate::watch::classify::Call;

/// The event's `source` and `detail-type`.
const SOURCE: &str = "aws.access-analyzer";
const DETAIL_TYPE: &str = "Access Analyzer Finding";

/// What the analyzer's finding asks: `None` when `event` is not one; `Some(Ok((account, role,
/// call)))` for a finding about a role; `Some(Err(why))` for one that names no role.
pub(crate) fn finding(event: &Value) -> Option<Result<(String, String, Call), String>> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    if text(event, "source").as_deref() != Some(SOURCE)
        || text(event, "detail-type").as_deref() != Some(DETAIL_TYPE)
    {
        return None;
    }
    let detail = event.get("detail").cloned().unwrap_or_default();
    let kind = text(&detail, "resourceType").unwrap_or_default();
    if kind != "AWS::IAM::Role" {
        return Some(Err(format!(
            "an Access Analyzer finding about a {kind}, not a role"
        )));
    }
    let arn = text(&detail, "resource").unwrap_or_default();
    let role = arn.split_once(":role/").map(|(_, path)| path);
    let name = role
        .and_then(|p| p.rsplit('/').next())
        .filter(|n| !n.is_empty());
    let account = text(&detail, "accountId").or_else(|| arn.split(':').nth(4).map(str::to_owned));
    match (account, name) {
        (Some(account), Some(name)) => {
            let status = text(&detail, "status").unwrap_or_default();
            let call = Call {
                event: format!("{DETAIL_TYPE} ({status})"),
                by: None,
                at: text(event, "time"),
            };
            Some(Ok((account, name.to_owned(), call)))
        }
        _ => Some(Err(format!(
            "an Access Analyzer finding naming no role ({arn:?})"
        ))),
    }
}

/// The event pattern of the analyzer's findings about roles, for the rules that take them.
pub(crate) fn pattern() -> Value {
    serde_json::json!({"source": [SOURCE], "detail-type": [DETAIL_TYPE],
        "detail": {"resourceType": ["AWS::IAM::Role"]}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn analyzer_event(resource_type: &str, resource: &str) -> Value {
        json!({"version": "0", "id": "2", "detail-type": "Access Analyzer Finding",
            "source": "aws.access-analyzer", "account": "111122223333",
            "time": "2026-11-27T11:00:00Z", "region": "us-east-1",
            "resources": ["arn:aws:access-analyzer:us-east-1:111122223333:analyzer/org"],
            "detail": {"version": "1.0", "id": "f-1", "status": "ACTIVE",
                "resourceType": resource_type, "resource": resource,
                "accountId": "222233334444", "region": "us-east-1",
                "principal": {"AWS": "765628985471"}, "action": ["sts:AssumeRole"],
                "condition": {}, "isDeleted": false, "isPublic": false}})
    }

    #[test]
    fn a_finding_about_a_role_names_its_account_and_its_name_without_its_path() {
        let event = analyzer_event(
            "AWS::IAM::Role",
            "arn:aws:iam::222233334444:role/partners/vendor-lambda",
        );
        let (account, name, call) = finding(&event).unwrap().unwrap();
        assert_eq!(
            (account.as_str(), name.as_str()),
            ("222233334444", "vendor-lambda")
        );
        assert_eq!(call.event, "Access Analyzer Finding (ACTIVE)");
        assert_eq!(
            pattern()["detail"]["resourceType"],
            json!(["AWS::IAM::Role"])
        );
    }

    #[test]
    fn a_finding_about_another_resource_or_another_event_asks_no_role() {
        let bucket = analyzer_event("AWS::S3::Bucket", "arn:aws:s3:::b");
        assert!(matches!(finding(&bucket), Some(Err(_))));
        let tick = json!({"source": "aws.events", "detail-type": "Scheduled Event"});
        assert!(finding(&tick).is_none());
    }
}
