//! What an event handed to the organization watch can have changed, decided from the event
//! alone, so the function re-proves only that: the role an IAM call names, in the account the
//! event comes from (its `account`, which EventBridge keeps when a member's rule forwards it:
//! <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html>); the
//! roles a managed policy's call reaches; the partner roles a function's permission call
//! reaches; the whole organization when Organizations itself changed (its accounts, its SCPs
//! and RCPs) or on the schedule. Anything it cannot scope is swept, never guessed narrower.

use serde::Serialize;
use serde_json::Value;

use super::analyzer;
use super::joined;
use super::model::ORG_WATCH;
use super::sweep::{own_event, Asked};
use crate::cloudtrail_calls::{acts_on, On};
use crate::watch::classify::{function_arn, made_call, Call};
use crate::watch::event::{read_event, ApiCall, WatchEvent};

/// What one event asks the organization watch to re-prove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "scope", rename_all = "kebab-case")]
pub enum OrgChange {
    /// One role of one account: its trust, its permissions, its existence.
    Role {
        /// The account the call was made in.
        account: String,
        /// The role's name.
        name: String,
        /// The call.
        call: Call,
    },
    /// A customer managed policy: the roles of its account it is attached to.
    Policy {
        /// The account the call was made in.
        account: String,
        /// The policy's ARN.
        arn: String,
        /// The call.
        call: Call,
    },
    /// A function's resource policy: the partner roles that target it.
    Function {
        /// The function's unqualified ARN.
        arn: String,
        /// The call.
        call: Call,
    },
    /// One account, every role of it: one of the events the sweep puts on the watch's bus, one
    /// per account.
    Account {
        /// The account.
        account: String,
        /// Why it is swept, in a phrase.
        why: String,
        /// The sweep's ID: the organization's SCPs and RCPs are read again once per sweep.
        sweep: String,
    },
    /// One account, every role of it, re-proved a last time before `watch destroy
    /// --organization` removes the watch: what no longer holds is settled, what still fails
    /// stays active, saying the watch was removed.
    Retire {
        /// The account.
        account: String,
        /// The destroy's run ID: the organization's SCPs and RCPs are read again once per run.
        run: String,
    },
    /// The same reading once more, after a run changed what the account's Security Hub
    /// holds: of two runs about one role whose writes cross, the last answer is then one read
    /// after every write.
    Again {
        /// The account.
        account: String,
        /// The role re-read; absent: every role of the account.
        #[serde(skip_serializing_if = "Option::is_none")]
        role: Option<String>,
        /// Which re-reading of the change this is (1 for the first; at most
        /// `MAX_ROUNDS`).
        round: u32,
    },
    /// The organization's accounts or its SCPs and RCPs: every account is swept, unless the
    /// call can change no account's policies or changed only the guardrail, which is checked
    /// in this invocation (docs/guardrail.md).
    Organization {
        /// The call.
        call: Call,
        /// The policy it names (`policyId`: `AttachPolicy`, `DetachPolicy`, `UpdatePolicy`,
        /// `DeletePolicy`).
        #[serde(skip_serializing_if = "Option::is_none")]
        policy: Option<String>,
        /// It can change what the guardrail covers or says (a policy attached, detached,
        /// updated or deleted, a policy type enabled or disabled, an account moved): the
        /// guardrail is checked in this invocation.
        #[serde(default)]
        guardrail: bool,
        /// It changes only where one policy applies or what it says (`AttachPolicy`,
        /// `DetachPolicy`, `UpdatePolicy`): when that policy is the guardrail and the check
        /// proves it cannot deny a request carrying your IDs, no account is swept.
        #[serde(default)]
        one_policy: bool,
        /// Why it changes no account's policies (`DeletePolicy`, `EnablePolicyType`): no
        /// account is swept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        no_path: Option<String>,
    },
    /// Every account is swept: the schedule, or an event it cannot scope (`why`).
    Sweep {
        /// Why, in a phrase.
        why: String,
    },
    /// Nothing a proof reads changed.
    Nothing {
        /// Why, in a phrase.
        why: String,
    },
}

/// What `event` asks the organization watch to re-prove; `home` is the function's own account,
/// the only one whose sweep events it honours. An Access Analyzer finding about a role asks for
/// that role, as a call on it does.
pub fn classify(event: &Value, home: Option<&str>) -> OrgChange {
    match own_event(event, home) {
        Some(Ok(Asked::Sweep(d))) => OrgChange::Account {
            account: d.account,
            why: d.why,
            sweep: d.sweep,
        },
        Some(Ok(Asked::Retire(d))) => OrgChange::Retire {
            account: d.account,
            run: d.sweep,
        },
        Some(Ok(Asked::Again(d))) => OrgChange::Again {
            account: d.account,
            role: d.role,
            round: d.round,
        },
        Some(Err(why)) => OrgChange::Nothing { why },
        None => match analyzer::finding(event) {
            Some(Ok((account, name, call))) => OrgChange::Role {
                account,
                name,
                call,
            },
            Some(Err(why)) => OrgChange::Nothing { why },
            None => match joined::current(event, &format!("{ORG_WATCH}-global")) {
                Some(Ok((account, why, sweep))) => OrgChange::Account {
                    account,
                    why,
                    sweep,
                },
                Some(Err(why)) => OrgChange::Nothing { why },
                None => scoped(&read_event(event)),
            },
        },
    }
}

fn scoped(event: &WatchEvent) -> OrgChange {
    match event {
        WatchEvent::Schedule => OrgChange::Sweep {
            why: "the schedule".into(),
        },
        WatchEvent::ApiCall(api) => api_change(api),
        WatchEvent::ConfigRule(_) | WatchEvent::Genesys { .. } => OrgChange::Nothing {
            why: "not an event the organization watch is handed".into(),
        },
        WatchEvent::Other(what) => OrgChange::Sweep { why: what.clone() },
    }
}

fn api_change(api: &ApiCall) -> OrgChange {
    let call = match made_call(api) {
        Ok(call) => call,
        Err(why) => return OrgChange::Nothing { why },
    };
    let Some(account) = api.account.clone() else {
        return OrgChange::Sweep {
            why: format!("{} names no account", call.event),
        };
    };
    let param = |k: &str| (api.call.request_parameters.get(k)).and_then(|v| v.as_str());
    let source = api.call.event_source.as_str();
    match (source, acts_on(source, &call.event)) {
        ("organizations.amazonaws.com", on) => OrgChange::Organization {
            guardrail: on.is_some(),
            one_policy: on == Some(On::OrgPolicy),
            no_path: (on.and_then(On::changes_no_path)).map(|why| format!("{}: {why}", call.event)),
            call,
            policy: param("policyId").map(str::to_owned),
        },
        ("iam.amazonaws.com", Some(On::Role)) => match param("roleName") {
            Some(name) => OrgChange::Role {
                account,
                name: name.to_owned(),
                call,
            },
            None => sweep(&call, "no role"),
        },
        ("iam.amazonaws.com", Some(On::Policy)) => match param("policyArn") {
            Some(arn) => OrgChange::Policy {
                account,
                arn: arn.to_owned(),
                call,
            },
            None => sweep(&call, "no policy"),
        },
        // A new policy reaches no role until it is attached, which is a call of its own.
        ("iam.amazonaws.com", Some(On::NewPolicy)) => OrgChange::Nothing {
            why: format!("{}: a policy no role holds yet", call.event),
        },
        ("lambda.amazonaws.com", Some(On::Function)) => {
            let named = ["functionName", "resourceArn"]
                .iter()
                .find_map(|k| param(k));
            let region = api.region.as_deref();
            match named.and_then(|n| function_arn(n, Some(&account), region)) {
                Some(arn) => OrgChange::Function { arn, call },
                None => sweep(&call, "no function"),
            }
        }
        _ => OrgChange::Nothing {
            why: format!("{} changes no role, policy or function policy", call.event),
        },
    }
}

fn sweep(call: &Call, missing: &str) -> OrgChange {
    OrgChange::Sweep {
        why: format!("{} names {missing} the watch can read", call.event),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MEMBER: &str = "222233334444";

    fn event(account: Option<&str>, source: &str, name: &str, params: Value) -> Value {
        let mut event = json!({
            "version": "0", "id": "1", "detail-type": "AWS API Call via CloudTrail",
            "source": format!("aws.{source}"), "region": "eu-west-1",
            "time": "2026-11-27T10:02:00Z", "resources": [],
            "detail": {
                "eventVersion": "1.08", "eventSource": format!("{source}.amazonaws.com"),
                "eventName": name, "eventTime": "2026-11-27T10:02:00Z",
                "awsRegion": "eu-west-1", "sourceIPAddress": "203.0.113.10",
                "userAgent": "aws-cli", "requestID": "r-1", "requestParameters": params,
                "userIdentity": {"type": "AssumedRole",
                    "arn": format!("arn:aws:sts::{MEMBER}:assumed-role/Admin/alice")},
                "eventID": "e", "eventType": "AwsApiCall", "managementEvent": true,
                "recipientAccountId": MEMBER}});
        if let Some(account) = account {
            event["account"] = json!(account);
        }
        event
    }

    fn classified(event: &Value) -> OrgChange {
        classify(event, Some("111122223333"))
    }

    /// A role of any name is re-proved in the account its call came from; a partner role is
    /// never known by name in advance.
    #[test]
    fn a_role_call_is_the_role_of_its_account() {
        let params = json!({"roleName": "vendor-lambda", "policyDocument": "{}"});
        let change = classified(&event(
            Some(MEMBER),
            "iam",
            "UpdateAssumeRolePolicy",
            params,
        ));
        let OrgChange::Role {
            account,
            name,
            call,
        } = change
        else {
            panic!("{change:?}");
        };
        assert_eq!((account.as_str(), name.as_str()), (MEMBER, "vendor-lambda"));
        assert_eq!(
            call.by.as_deref(),
            Some("arn:aws:sts::222233334444:assumed-role/Admin/alice")
        );
        let other = classified(&event(
            Some("333344445555"),
            "iam",
            "DeleteRole",
            json!({"roleName": "vendor-lambda"}),
        ));
        assert!(matches!(other, OrgChange::Role { account, .. } if account == "333344445555"));
    }

    #[test]
    fn each_call_is_scoped_to_what_it_can_change() {
        let policy = "arn:aws:iam::222233334444:policy/invoke";
        let attach = classified(&event(
            Some(MEMBER),
            "iam",
            "CreatePolicyVersion",
            json!({"policyArn": policy}),
        ));
        assert!(matches!(attach, OrgChange::Policy { arn, .. } if arn == policy));
        let new = classified(&event(
            Some(MEMBER),
            "iam",
            "CreatePolicy",
            json!({"policyName": "p"}),
        ));
        assert!(matches!(new, OrgChange::Nothing { .. }), "{new:?}");
        let permission = classified(&event(
            Some(MEMBER),
            "lambda",
            "AddPermission20150331v2",
            json!({"functionName": "lookup", "statementId": "s"}),
        ));
        let arn = "arn:aws:lambda:eu-west-1:222233334444:function:lookup";
        assert!(
            matches!(&permission, OrgChange::Function { arn: a, .. } if a == arn),
            "{permission:?}"
        );
        let scp = classified(&event(
            Some("999988887777"),
            "organizations",
            "AttachPolicy",
            json!({"policyId": "p-1"}),
        ));
        assert!(
            matches!(&scp, OrgChange::Organization { policy: Some(p), .. } if p == "p-1"),
            "{scp:?}"
        );
    }

    /// Each Organizations call, as the watch decides it from the catalogue: whether it can
    /// change the guardrail (checked in the invocation), whether it changes only where one
    /// policy applies or what it says (no sweep when that policy is the guardrail, proved), and
    /// whether it changes no account's path (no sweep at all).
    #[test]
    fn each_organizations_call_is_decided_by_the_catalogue() {
        let table = [
            ("AttachPolicy", true, true, false),
            ("DetachPolicy", true, true, false),
            ("UpdatePolicy", true, true, false),
            ("DeletePolicy", true, false, true),
            ("EnablePolicyType", true, false, true),
            ("DisablePolicyType", true, false, false),
            ("MoveAccount", true, false, false),
            ("CreateOrganizationalUnit", false, false, false),
            ("TagResource", false, false, false),
        ];
        for (name, can, one, none) in table {
            let made = event(
                Some("999988887777"),
                "organizations",
                name,
                json!({"policyId": "p-1"}),
            );
            let OrgChange::Organization {
                guardrail,
                one_policy,
                no_path,
                ..
            } = classified(&made)
            else {
                panic!("{name}: an Organizations call is the organization's");
            };
            assert_eq!(
                (guardrail, one_policy, no_path.is_some()),
                (can, one, none),
                "{name}"
            );
            assert!(no_path.is_none_or(|why| why.starts_with(name)), "{name}");
        }
    }

    /// What cannot be scoped is swept; a failed call changed nothing.
    #[test]
    fn what_cannot_be_scoped_is_swept_and_a_failed_call_is_nothing() {
        let unnamed = classified(&event(None, "iam", "DeleteRole", json!({"roleName": "r"})));
        assert!(matches!(unnamed, OrgChange::Sweep { .. }), "{unnamed:?}");
        let no_role = classified(&event(Some(MEMBER), "iam", "DeleteRole", json!({})));
        assert!(matches!(no_role, OrgChange::Sweep { .. }), "{no_role:?}");
        let mut failed = event(Some(MEMBER), "iam", "DeleteRole", json!({"roleName": "r"}));
        failed["detail"]["errorCode"] = json!("AccessDenied");
        assert!(matches!(classified(&failed), OrgChange::Nothing { .. }));
        let tick = json!({"version": "0", "id": "1", "detail-type": "Scheduled Event",
            "source": "aws.events", "account": MEMBER, "region": "us-east-1",
            "time": "2026-11-27T10:00:00Z", "resources": [], "detail": {}});
        assert!(matches!(classified(&tick), OrgChange::Sweep { .. }));
    }
}
