//! AWS Config's `AWS::Lambda::Function` items, as an aggregator returns them, → each function's
//! own resource-based policy, and the whole path `audit --config-aggregator` judges with them.
//!
//! The function's policy is the item's `supplementaryConfiguration.Policy`, read as the model
//! reads it (`lambda_trust_model::policies_from_items`).
//!
//! Config records `AWS::Lambda::Function`, not its versions or aliases: a version's or alias's
//! own policy is in no item, so a qualified target's policy is not read — unknown, never clean.
//! A function with no item (not listed, deleted, or recorded without its configuration: a
//! recorder that leaves the type out) or whose `Policy` is not a policy is not read either.
//! The organization's SCPs and RCPs are in no item: not read on this path.
//!
//! Part of the pure auditor.

use std::collections::BTreeMap;

use super::account::AccountIam;
use super::config_items::ConfigItem;
use super::path::AuditPath;
use super::report::AccountReport;
use lambda_trust_iam::{Arn, OrgPolicies};
use lambda_trust_model::{FunctionPolicy, PathSources};

/// The Config resource type of a Lambda function.
pub(crate) use lambda_trust_model::FUNCTION_TYPE;

/// The functions AWS Config holds items of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordedFunctions {
    /// By unqualified function ARN: its own policy, or why it is not known.
    policies: BTreeMap<String, FunctionPolicy>,
    /// Per account: the functions listed whose configuration could not be used, with why.
    pub unreadable: BTreeMap<String, Vec<String>>,
}

impl From<&[ConfigItem]> for RecordedFunctions {
    /// Folds function items into each function's policy.
    fn from(items: &[ConfigItem]) -> RecordedFunctions {
        recorded_functions(items)
    }
}

/// Folds function items into each function's policy.
pub(crate) fn recorded_functions(items: &[ConfigItem]) -> RecordedFunctions {
    let mut out = RecordedFunctions::default();
    for item in items.iter().filter(|i| i.resource_type == FUNCTION_TYPE) {
        if item.status.starts_with("ResourceDeleted") {
            continue;
        }
        let Some(arn) = item.arn.clone() else {
            out.unreadable(item, "its item has no ARN");
            continue;
        };
        let policy = match item.status.as_str() {
            "OK" | "ResourceDiscovered" => item.function_policy(&arn),
            status => {
                let why = format!(
                    "AWS Config holds no configuration of it ({status}: its recorder leaves \
                     the type out)"
                );
                out.unreadable(item, &why);
                FunctionPolicy::NotRead {
                    reason: format!("the function policy of {arn} is not read: {why}"),
                }
            }
        };
        out.policies.insert(arn, policy);
    }
    out
}

impl RecordedFunctions {
    fn unreadable(&mut self, item: &ConfigItem, why: &str) {
        let name = item.name.as_deref().unwrap_or("(no name)");
        (self.unreadable.entry(item.account.clone()).or_default())
            .push(format!("function {name}: {why}"));
    }

    /// The policy of `target`, an invokable ARN without wildcards: its function's item's, or
    /// not read with why (a qualified target's own policy is in no item).
    pub(crate) fn policy_of(&self, target: &str) -> FunctionPolicy {
        let arn = Arn::parse(target);
        let qualifier = arn.as_ref().and_then(|a| a.function_parts()?.1);
        if let Some(q) = qualifier {
            return FunctionPolicy::NotRead {
                reason: format!(
                    "the function policy of {target} is not read: AWS Config records the \
                     function's own policy, not that of its version or alias {q}"
                ),
            };
        }
        match self.policies.get(target) {
            Some(p) => p.clone(),
            None => FunctionPolicy::NotRead {
                reason: format!(
                    "the function policy of {target} is not read: AWS Config holds no item of \
                     it (the function does not exist, or no recorder records \
                     AWS::Lambda::Function in its account and region)"
                ),
            },
        }
    }

    /// The functions of `account` whose policy was read (unqualified ARNs).
    fn read_in(&self, account: &str) -> Vec<String> {
        (self.policies.iter())
            .filter(|(arn, p)| {
                lambda_trust_iam::split_arn(arn).is_some_and(|f| f[4] == account)
                    && p.read().is_some()
            })
            .map(|(arn, _)| arn.clone())
            .collect()
    }
}

/// The whole path of `report`'s roles as AWS Config holds it: each target's function policy
/// from its item; the organization policies not read (Config records none); the functions of
/// the account whose policy Config holds scanned for a partner or anyone invoking them
/// directly. Config's functions are not taken as every function of the account (a recorder can
/// leave the type out): a wildcard target's functions are said not read.
pub fn config_path(
    iam: &AccountIam,
    report: &AccountReport,
    recorded: &RecordedFunctions,
) -> AuditPath {
    let orgs = OrgPolicies::NotRead {
        reason: "an audit through AWS Config reads no organization policy".into(),
    };
    let invokable = report.roles.iter().flat_map(|r| &r.invokable);
    AuditPath {
        sources: PathSources {
            genesys_org: None,
            orgs: BTreeMap::from([(iam.account_id.clone(), orgs)]),
            function_policies: (invokable.filter(|a| !a.contains(['*', '?'])))
                .map(|a| (a.clone(), recorded.policy_of(a)))
                .collect(),
            ..PathSources::default()
        },
        not_listed: Some(
            "AWS Config's items are not taken as every function of the account: a recorder \
             can leave AWS::Lambda::Function out"
                .into(),
        ),
        scan: recorded.read_in(&iam.account_id),
        ..AuditPath::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const ARN: &str = "arn:aws:lambda:us-east-1:111111111111:function:lookup";

    fn item(status: &str, policy: Option<String>) -> ConfigItem {
        ConfigItem {
            account: "111111111111".into(),
            region: "us-east-1".into(),
            resource_type: FUNCTION_TYPE.into(),
            name: Some("lookup".into()),
            status: status.into(),
            configuration: Some(json!({"functionName": "lookup", "functionArn": ARN}).to_string()),
            arn: Some(ARN.into()),
            supplementary: policy.map(|p| ("Policy".into(), p)).into_iter().collect(),
            captured: None,
        }
    }

    fn open() -> Value {
        json!({"Version": "2012-10-17", "Id": "default", "Statement": [{"Sid": "anyone",
            "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
            "Resource": ARN}]})
    }

    fn of(item: ConfigItem, target: &str) -> FunctionPolicy {
        recorded_functions(&[item]).policy_of(target)
    }

    #[test]
    fn the_policy_text_as_given_or_as_a_json_string_and_none_without_one() {
        let text = open().to_string();
        let FunctionPolicy::Policy(p) = of(item("OK", Some(text.clone())), ARN) else {
            panic!("not read");
        };
        assert_eq!(p.statements.len(), 1);
        let quoted = Value::String(text).to_string();
        assert!(matches!(
            of(item("OK", Some(quoted)), ARN),
            FunctionPolicy::Policy(_)
        ));
        assert_eq!(of(item("OK", None), ARN), FunctionPolicy::None);
    }

    #[test]
    fn what_config_does_not_hold_is_not_read_never_no_policy() {
        let reason = |p: FunctionPolicy| match p {
            FunctionPolicy::NotRead { reason } => reason,
            other => panic!("read: {other:?}"),
        };
        let broken = reason(of(item("OK", Some("{not json".into())), ARN));
        assert!(broken.contains("is not a policy document"), "{broken}");
        let not_policy = reason(of(item("OK", Some("[]".into())), ARN));
        assert!(
            not_policy.contains("is not a policy document"),
            "{not_policy}"
        );
        let mut hidden = item("ResourceNotRecorded", None);
        hidden.configuration = None;
        let recorded = recorded_functions(&[hidden]);
        assert!(reason(recorded.policy_of(ARN)).contains("ResourceNotRecorded"));
        assert_eq!(recorded.unreadable["111111111111"].len(), 1);
        let other = "arn:aws:lambda:us-east-1:111111111111:function:other";
        assert!(reason(of(item("OK", None), other)).contains("holds no item of it"));
        // A version's or alias's own policy is in no item, whatever the function's says.
        let alias = format!("{ARN}:live");
        let why = reason(of(item("OK", None), &alias));
        assert!(why.contains("version or alias live"), "{why}");
        // A deleted function's item says nothing of it.
        assert!(reason(of(item("ResourceDeleted", None), ARN)).contains("holds no item"));
    }

    #[test]
    fn the_scan_takes_the_account_s_functions_whose_policy_was_read() {
        let mut elsewhere = item("OK", None);
        elsewhere.account = "222222222222".into();
        elsewhere.arn = Some("arn:aws:lambda:us-east-1:222222222222:function:x".into());
        let mut hidden = item("ResourceNotRecorded", None);
        hidden.arn = Some("arn:aws:lambda:eu-west-1:111111111111:function:hidden".into());
        let recorded = recorded_functions(&[item("OK", None), elsewhere, hidden]);
        assert_eq!(recorded.read_in("111111111111"), vec![ARN.to_owned()]);
    }
}
