//! `watch`: what an event handed to the watching function can have changed, decided from the
//! event alone, so the function re-reads only that.
//!
//! EventBridge hands the function CloudTrail's management events ("AWS API Call via
//! CloudTrail": <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html>)
//! and the schedule's "Scheduled Event"
//! (<https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-events.html>). An IAM call on
//! the role or on one of its invoke policies can change who may assume the role and what it may
//! invoke; a Lambda permission call on one target can change that target's resource policy.
//! Anything else the function cannot scope is read in full, never guessed narrower.

use serde::Serialize;

use serde_json::Value;

use crate::check_reading::{CheckReading, ReadAgain};
use crate::cloudtrail_calls::{acts_on, On};
use crate::drift::ConfigReport;
use crate::watch::event::{ApiCall, RuleEvent, WatchEvent};
use lambda_trust_iam::{Arn, AwsResource};

/// What one deployment's watch looks after: its role, its invoke policies and its targets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watched {
    /// The account the role lives in: an IAM call is its only when made there (a role of the
    /// same name in another account is another role).
    pub account: String,
    /// The role's name.
    pub role: String,
    /// The ARNs of the role's invoke policies (lambda-trust's managed policies).
    pub policies: Vec<String>,
    /// Each target function's unqualified ARN.
    pub functions: Vec<String>,
}

/// The call an event reports, as CloudTrail recorded it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Call {
    /// CloudTrail's `eventName`.
    pub event: String,
    /// Who made it: `userIdentity.arn`, else its `principalId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// When (`eventTime`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// What an event can have changed, and so what the function reads again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "scope", rename_all = "kebab-case")]
pub enum Change {
    /// Everything is read: the schedule's tick, or an event the function cannot scope.
    Everything {
        /// Why, in a phrase.
        why: String,
    },
    /// The role or one of its invoke policies: IAM is read again; the targets are not.
    Role {
        /// The call.
        call: Call,
    },
    /// One target's resource policy: that function's policy and the role are read again.
    Function {
        /// The target's unqualified ARN.
        arn: String,
        /// The call.
        call: Call,
    },
    /// The Genesys Cloud org's integration, credential or actions (its audit event): the
    /// Genesys Cloud side is read again; AWS is not.
    Genesys {
        /// The change, as the audit event says it.
        call: Call,
    },
    /// Nothing watched changed: a call that failed, or one on another role or function.
    Nothing {
        /// Why, in a phrase.
        why: String,
    },
}

impl Change {
    /// The report of `reading`, kept from the run that read it at `read_at`, after this change:
    /// judged again over what the change had the function read again
    /// (a role's, a target's or the Genesys Cloud org's side, the rest as read at `read_at`,
    /// each said in a note); `None` when nothing watched changed.
    pub fn judged(
        &self,
        reading: &CheckReading,
        name: &str,
        read_at: &str,
    ) -> Option<ConfigReport> {
        Some(reading.judge_after(name, &self.read_again()?, read_at))
    }

    /// What the function reads again for this change; `None` when nothing watched changed.
    pub(crate) fn read_again(&self) -> Option<ReadAgain> {
        Some(match self {
            Change::Everything { .. } => ReadAgain::Everything,
            Change::Role { .. } => ReadAgain::Role,
            Change::Function { arn, .. } => ReadAgain::Function { arn: arn.clone() },
            Change::Genesys { .. } => ReadAgain::Genesys,
            Change::Nothing { .. } => return None,
        })
    }
}

/// What a Config rule's invocation can have changed: its periodic evaluation reads
/// everything; a changed item of the role, an invoke policy or a target is that change.
fn rule_change(rule: &RuleEvent, watched: &Watched) -> Change {
    let Some((name, arn)) = &rule.item else {
        return Change::Everything {
            why: "the Config rule's periodic evaluation".into(),
        };
    };
    let call = Call {
        event: format!("AWS Config: {} changed", rule.resource_type),
        by: None,
        at: Some(rule.ordering.clone()),
    };
    let ours = match rule.resource_type.as_str() {
        "AWS::IAM::Role" => name == &watched.role,
        "AWS::IAM::Policy" => watched.policies.contains(arn),
        "AWS::Lambda::Function" => {
            return match watched.functions.contains(arn) {
                true => Change::Function {
                    arn: arn.clone(),
                    call,
                },
                false => Change::Nothing {
                    why: format!("{name} is not a target"),
                },
            };
        }
        other => {
            return Change::Nothing {
                why: format!("{other} is not watched"),
            }
        }
    };
    match ours {
        true => Change::Role { call },
        false => Change::Nothing {
            why: format!("{name} is another role or policy"),
        },
    }
}

/// What `event` can have changed of `watched`.
pub fn classify(event: &WatchEvent, watched: &Watched) -> Change {
    match event {
        WatchEvent::ConfigRule(rule) => rule_change(rule, watched),
        WatchEvent::Genesys {
            topic,
            detail,
            time,
        } => genesys_change(topic, detail, time.as_deref()),
        WatchEvent::Schedule => Change::Everything {
            why: "the schedule".into(),
        },
        WatchEvent::ApiCall(call) => api_change(call, watched),
        WatchEvent::Other(what) => Change::Everything { why: what.clone() },
    }
}

/// The call `api` reports, with who made it and when; `Err` says why it changed nothing (it
/// failed).
pub(crate) fn made_call(api: &ApiCall) -> Result<Call, String> {
    let identity = &api.call.user_identity;
    let call = Call {
        event: api.call.event_name.clone(),
        by: (identity.arn.clone()).or_else(|| identity.principal_id.clone()),
        at: Some(api.call.event_time.clone()),
    };
    match &api.error_code {
        Some(code) => Err(format!("{} failed ({code}): nothing changed", call.event)),
        None => Ok(call),
    }
}

/// A CloudTrail call: the role's, a target's, or nothing watched.
fn api_change(api: &ApiCall, watched: &Watched) -> Change {
    let call = match made_call(api) {
        Ok(call) => call,
        Err(why) => return Change::Nothing { why },
    };
    match api.call.event_source.as_str() {
        "iam.amazonaws.com" => iam_change(api, call, watched),
        "lambda.amazonaws.com" => lambda_change(api, call, watched),
        other => Change::Everything {
            why: format!("a call from {other} this watch does not scope"),
        },
    }
}

/// The prefixes of the Genesys Cloud audit topics (its Amazon EventBridge integration's
/// `v2.audits.entitytype.{type}.entityid.{id}`) that can change the Genesys side of the proof:
/// the integration, its credential, its actions and their drafts.
pub(crate) const GENESYS_TOPICS: &[&str] = &[
    "v2.audits.entitytype.Integration.",
    "v2.audits.entitytype.Credential.",
    "v2.audits.entitytype.Action",
];

fn genesys_change(topic: &str, detail: &Value, time: Option<&str>) -> Change {
    if !GENESYS_TOPICS.iter().any(|t| topic.starts_with(t)) {
        return Change::Nothing {
            why: format!("{topic} is not the integration's, its credential's or its actions'"),
        };
    }
    let body = &detail["eventBody"];
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let what = [&body["entityType"], &body["action"]].map(|v| v.as_str().unwrap_or("?"));
    Change::Genesys {
        call: Call {
            event: format!("Genesys Cloud: {} {}", what[0], what[1]),
            by: text(&body["user"]["id"]).map(|id| format!("Genesys Cloud user {id}")),
            at: text(&body["eventDate"]).or_else(|| time.map(str::to_owned)),
        },
    }
}

/// An IAM call `call` of `api`, made in its account (`None`: not said, then taken as the
/// role's, so that nothing is missed): the role's or an invoke policy's change, matched by
/// account and name, never by name alone.
fn iam_change(api: &ApiCall, call: Call, watched: &Watched) -> Change {
    let params = &api.call.request_parameters;
    if api.account.as_deref().is_some_and(|a| a != watched.account) {
        return Change::Nothing {
            why: format!("{} in another account than the role's", call.event),
        };
    }
    let param = |k: &str| params.get(k).and_then(Value::as_str);
    let ours = match acts_on("iam.amazonaws.com", &call.event) {
        Some(On::Role) => param("roleName") == Some(watched.role.as_str()),
        Some(On::Policy) => {
            param("policyArn").is_some_and(|p| watched.policies.iter().any(|w| w == p))
        }
        Some(On::NewPolicy) => param("policyName").is_some_and(|name| {
            (watched.policies.iter()).any(|w| w.rsplit('/').next() == Some(name))
        }),
        Some(_) | None => {
            return Change::Nothing {
                why: format!("{} changes no role or policy", call.event),
            }
        }
    };
    if ours {
        Change::Role { call }
    } else {
        Change::Nothing {
            why: format!("{} on another role or policy", call.event),
        }
    }
}

/// A Lambda call `call` of `api`: a target's resource-policy change, its function named as the
/// call names it, completed with the account and region `api` was made in.
fn lambda_change(api: &ApiCall, call: Call, watched: &Watched) -> Change {
    let params = &api.call.request_parameters;
    if acts_on("lambda.amazonaws.com", &call.event) != Some(On::Function) {
        return Change::Nothing {
            why: format!("{} changes no resource policy", call.event),
        };
    }
    let named = ["functionName", "resourceArn"]
        .iter()
        .find_map(|k| params.get(*k).and_then(Value::as_str));
    let arn = named.and_then(|n| function_arn(n, api.account.as_deref(), api.region.as_deref()));
    match arn {
        Some(arn) if watched.functions.contains(&arn) => Change::Function { arn, call },
        Some(_) => Change::Nothing {
            why: format!(
                "{} on a function this deployment does not target",
                call.event
            ),
        },
        None => Change::Everything {
            why: format!("{} names no function this watch can read", call.event),
        },
    }
}

/// The partition of a region an event names (`cn-north-1` → `aws-cn`).
fn partition(region: &str) -> Option<&'static str> {
    lambda_trust_iam::partition_of_region(region)
}

/// The unqualified ARN of a function as Lambda's calls name it: a name, `name:qualifier`, a
/// partial ARN (`ACCOUNT:function:NAME`) or a full ARN, the account and region from the event.
pub(crate) fn function_arn(
    named: &str,
    account: Option<&str>,
    region: Option<&str>,
) -> Option<String> {
    let parts: Vec<&str> = named.split(':').collect();
    let (partition, region, account, name) = match parts.as_slice() {
        ["arn", partition, "lambda", region, account, "function", name, ..] => {
            (*partition, *region, *account, *name)
        }
        // A name or partial ARN: the partition is the region's.
        [account, "function", name, ..] => (partition(region?)?, region?, *account, *name),
        [name] | [name, _] => (partition(region?)?, region?, account?, *name),
        _ => return None,
    };
    Some(
        Arn::of(
            partition,
            account,
            AwsResource::Function {
                region,
                name,
                qualifier: None,
            },
        )
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::event::read_event;
    use serde_json::json;

    /// The classification of `event` as the function reads it.
    fn classify(event: &Value, watched: &Watched) -> Change {
        super::classify(&read_event(event), watched)
    }

    fn rule_event(event: &Value) -> Option<RuleEvent> {
        match read_event(event) {
            WatchEvent::ConfigRule(rule) => Some(rule),
            _ => None,
        }
    }

    fn watched() -> Watched {
        Watched {
            account: "111122223333".into(),
            role: "GenesysLambdaInvoker".into(),
            policies: vec!["arn:aws:iam::111122223333:policy/genesys-invoke".into()],
            functions: vec!["arn:aws:lambda:eu-west-1:111122223333:function:lookup".into()],
        }
    }

    fn cloudtrail(source: &str, name: &str, params: Value) -> Value {
        json!({
            "version": "0", "detail-type": "AWS API Call via CloudTrail",
            "source": format!("aws.{source}"), "account": "111122223333", "region": "eu-west-1",
            "detail": {
                "eventVersion": "1.08", "eventSource": format!("{source}.amazonaws.com"),
                "eventName": name, "eventTime": "2026-11-26T10:02:00Z",
                "awsRegion": "eu-west-1", "sourceIPAddress": "203.0.113.10",
                "userAgent": "aws-cli/2.15.0", "requestID": "r-1", "eventID": "e-1",
                "eventType": "AwsApiCall",
                "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice"},
                "requestParameters": params,
            }
        })
    }

    #[test]
    fn a_trust_policy_edit_on_the_role_rereads_the_role_and_says_who() {
        let event = cloudtrail(
            "iam",
            "UpdateAssumeRolePolicy",
            json!({"roleName": "GenesysLambdaInvoker"}),
        );
        let Change::Role { call } = classify(&event, &watched()) else {
            panic!("not the role");
        };
        assert_eq!(
            call.by.as_deref(),
            Some("arn:aws:iam::111122223333:user/alice")
        );
        let other = cloudtrail(
            "iam",
            "UpdateAssumeRolePolicy",
            json!({"roleName": "Other"}),
        );
        assert!(matches!(
            classify(&other, &watched()),
            Change::Nothing { .. }
        ));
    }

    /// A function named without its ARN takes the partition of the event's region.
    #[test]
    fn a_named_function_takes_its_regions_partition() {
        assert_eq!(
            function_arn("lookup", Some("111122223333"), Some("cn-north-1")).as_deref(),
            Some("arn:aws-cn:lambda:cn-north-1:111122223333:function:lookup")
        );
        assert_eq!(
            function_arn(
                "111122223333:function:lookup:live",
                None,
                Some("us-gov-west-1")
            )
            .as_deref(),
            Some("arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:lookup")
        );
    }

    /// A role of the same name in another account is another role: its trust edit is heard
    /// as nothing (an organization's bus hands the function every account's calls).
    #[test]
    fn a_same_named_roles_edit_in_another_account_is_heard_as_nothing() {
        let mut event = cloudtrail(
            "iam",
            "UpdateAssumeRolePolicy",
            json!({"roleName": "GenesysLambdaInvoker"}),
        );
        event["account"] = json!("444455556666");
        let change = classify(&event, &watched());
        assert!(matches!(change, Change::Nothing { .. }), "{change:?}");
    }

    #[test]
    fn a_new_version_of_an_invoke_policy_is_the_roles_change() {
        let ours = json!({"policyArn": "arn:aws:iam::111122223333:policy/genesys-invoke"});
        let event = cloudtrail("iam", "CreatePolicyVersion", ours);
        assert!(matches!(classify(&event, &watched()), Change::Role { .. }));
        let theirs = json!({"policyArn": "arn:aws:iam::111122223333:policy/other"});
        let event = cloudtrail("iam", "SetDefaultPolicyVersion", theirs);
        assert!(matches!(
            classify(&event, &watched()),
            Change::Nothing { .. }
        ));
    }

    #[test]
    fn a_permission_on_a_target_rereads_that_function_however_it_is_named() {
        let arn = "arn:aws:lambda:eu-west-1:111122223333:function:lookup";
        for named in ["lookup", "lookup:live", "111122223333:function:lookup", arn] {
            let event = cloudtrail(
                "lambda",
                "AddPermission20150331v2",
                json!({"functionName": named}),
            );
            assert_eq!(
                classify(&event, &watched()),
                Change::Function {
                    arn: arn.into(),
                    call: Call {
                        event: "AddPermission20150331v2".into(),
                        by: Some("arn:aws:iam::111122223333:user/alice".into()),
                        at: Some("2026-11-26T10:02:00Z".into()),
                    }
                },
                "{named}"
            );
        }
        let event = cloudtrail("lambda", "PutResourcePolicy", json!({"resourceArn": arn}));
        assert!(matches!(
            classify(&event, &watched()),
            Change::Function { .. }
        ));
        let other = cloudtrail(
            "lambda",
            "AddPermission20150331v2",
            json!({"functionName": "x"}),
        );
        assert!(matches!(
            classify(&other, &watched()),
            Change::Nothing { .. }
        ));
    }

    #[test]
    fn a_failed_call_changes_nothing_and_the_schedule_reads_everything() {
        let mut event = cloudtrail(
            "iam",
            "UpdateAssumeRolePolicy",
            json!({"roleName": "GenesysLambdaInvoker"}),
        );
        event["detail"]["errorCode"] = json!("AccessDenied");
        assert!(matches!(
            classify(&event, &watched()),
            Change::Nothing { .. }
        ));
        let tick = json!({"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}});
        assert!(matches!(
            classify(&tick, &watched()),
            Change::Everything { .. }
        ));
        let odd = json!({"detail-type": "Something Else", "detail": {}});
        assert!(matches!(
            classify(&odd, &watched()),
            Change::Everything { .. }
        ));
    }

    fn config_rule(message: &str, item: Option<Value>) -> Value {
        let mut invoking = json!({"messageType": message,
            "notificationCreationTime": "2026-11-26T10:03:00.000Z"});
        if let Some(item) = item {
            invoking["configurationItem"] = item;
        }
        json!({"version": "1.0", "invokingEvent": invoking.to_string(), "ruleParameters": "{}",
            "resultToken": "token", "eventLeftScope": false, "accountId": "111122223333",
            "configRuleName": "lambda-trust-watch-GenesysLambdaInvoker"})
    }

    #[test]
    fn a_config_rules_change_notification_is_the_items_change_and_its_period_everything() {
        let role = json!({"resourceType": "AWS::IAM::Role", "resourceId": "AROAEXAMPLE",
            "resourceName": "GenesysLambdaInvoker", "ARN": "arn:aws:iam::111122223333:role/GenesysLambdaInvoker",
            "configurationItemCaptureTime": "2026-11-26T10:02:30.000Z"});
        let event = config_rule("ConfigurationItemChangeNotification", Some(role));
        assert!(matches!(classify(&event, &watched()), Change::Role { .. }));
        let rule = rule_event(&event).unwrap();
        assert_eq!(
            (rule.resource_type.as_str(), rule.resource_id.as_str()),
            ("AWS::IAM::Role", "AROAEXAMPLE")
        );
        let function = json!({"resourceType": "AWS::Lambda::Function", "resourceId": "lookup",
            "resourceName": "lookup", "ARN": "arn:aws:lambda:eu-west-1:111122223333:function:lookup"});
        let event = config_rule("ConfigurationItemChangeNotification", Some(function));
        assert!(matches!(
            classify(&event, &watched()),
            Change::Function { .. }
        ));
        let tick = config_rule("ScheduledNotification", None);
        assert!(matches!(
            classify(&tick, &watched()),
            Change::Everything { .. }
        ));
        assert_eq!(rule_event(&tick).unwrap().resource_type, "AWS::::Account");
    }

    #[test]
    fn an_audit_event_of_the_orgs_actions_rereads_the_genesys_side_and_says_who() {
        let event = json!({"version": "0", "detail-type": "v2.audits.entitytype.Action.entityid.abc",
            "source": "aws.partner/genesys.com/cloud/org/watch", "time": "2026-11-26T10:05:00Z",
            "detail": {"topicName": "v2.audits.entitytype.Action.entityid.abc", "eventBody": {
                "entityType": "Action", "action": "Update", "user": {"id": "u-1"},
                "eventDate": "2026-11-26T10:04:59Z"}}});
        let Change::Genesys { call } = classify(&event, &watched()) else {
            panic!("not the Genesys side");
        };
        assert_eq!(call.event, "Genesys Cloud: Action Update");
        assert_eq!(call.by.as_deref(), Some("Genesys Cloud user u-1"));
        let mut queue = event.clone();
        queue["detail-type"] = json!("v2.audits.entitytype.Queue.entityid.q");
        assert!(matches!(
            classify(&queue, &watched()),
            Change::Nothing { .. }
        ));
    }

    #[test]
    fn a_lambda_call_without_a_function_is_read_in_full_never_guessed() {
        let event = cloudtrail("lambda", "AddPermission20150331v2", json!({}));
        assert!(matches!(
            classify(&event, &watched()),
            Change::Everything { .. }
        ));
    }

    /// Every call of the catalogue that explains a drift `check` finds is classified as the
    /// role's change when it names the role or one of its policies, and as nothing otherwise.
    #[test]
    fn every_call_check_calls_drift_is_heard_and_classified() {
        use crate::cloudtrail_calls::{On, CALLS};
        let iam = CALLS.iter().filter(|c| !c.explains.is_empty());
        for call in iam {
            let (ours, theirs) = match call.on {
                On::Role => (
                    json!({"roleName": "GenesysLambdaInvoker"}),
                    json!({"roleName": "Other"}),
                ),
                On::Policy => (
                    json!({"policyArn": "arn:aws:iam::111122223333:policy/genesys-invoke"}),
                    json!({"policyArn": "arn:aws:iam::111122223333:policy/other"}),
                ),
                On::NewPolicy => (
                    json!({"policyName": "genesys-invoke"}),
                    json!({"policyName": "other"}),
                ),
                other => unreachable!("{}: {other:?} explains no IAM drift", call.name),
            };
            let heard = classify(&cloudtrail("iam", call.name, ours), &watched());
            assert!(
                matches!(heard, Change::Role { .. }),
                "{}: {heard:?}",
                call.name
            );
            let other = classify(&cloudtrail("iam", call.name, theirs), &watched());
            assert!(
                matches!(other, Change::Nothing { .. }),
                "{}: {other:?}",
                call.name
            );
        }
    }
}
