//! AWS Config's configuration items as the adapters hand them over, and what an
//! `AWS::Lambda::Function` item says of the function's own resource-based policy — the one
//! reading of it that `audit --config-aggregator` and `check`/`verify`
//! (`--function-policies config`) share.
//!
//! The function's policy is the item's `supplementaryConfiguration.Policy`: the policy's JSON
//! text, as `lambda:GetPolicy` answers it; no `Policy` entry means the function has no policy.
//! (Config API Reference, `BaseConfigurationItem`: `supplementaryConfiguration` is a string to
//! string map of attributes Config returns for certain resource types, each to be decoded as
//! JSON; AWS Config Developer Guide, managed rule `lambda-function-public-access-prohibited`,
//! which judges the function policy of these items.) The text is taken as it comes, or once
//! more decoded when the entry holds it as a JSON string.
//!
//! Config records `AWS::Lambda::Function`, not its versions or aliases: a version's or alias's
//! own policy is in no item (docs/aws-behaviour.md, "AWS Config aggregators").

use std::collections::BTreeMap;

use serde_json::Value;

use crate::path::FunctionPolicy;
use lambda_trust_iam::{Arn, Policy};

/// The Config resource type of a Lambda function.
pub const FUNCTION_TYPE: &str = "AWS::Lambda::Function";

/// One configuration item, as the adapter hands it over.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigItem {
    /// The source account.
    pub account: String,
    /// The source region (an aggregator's listing's, else the item's own).
    pub region: String,
    /// `resourceType`: `AWS::IAM::Role`, `AWS::IAM::Policy`, [`FUNCTION_TYPE`].
    pub resource_type: String,
    /// `resourceName`: the role's, the policy's or the function's name.
    pub name: Option<String>,
    /// `configurationItemStatus`: `OK`, `ResourceDiscovered`, `ResourceNotRecorded`,
    /// `ResourceDeleted`, `ResourceDeletedNotRecorded`.
    pub status: String,
    /// `configuration`, a JSON text.
    pub configuration: Option<String>,
    /// `arn`: the resource's ARN.
    pub arn: Option<String>,
    /// `supplementaryConfiguration`: a JSON text per attribute (a function's `Policy`).
    pub supplementary: BTreeMap<String, String>,
    /// `configurationItemCaptureTime`, in seconds since the epoch: when Config recorded what
    /// the item says.
    pub captured: Option<i64>,
}

impl ConfigItem {
    /// Recorded and not deleted: its configuration describes the resource as it was captured.
    pub fn is_current(&self) -> bool {
        matches!(self.status.as_str(), "OK" | "ResourceDiscovered")
    }

    /// A function item's `supplementaryConfiguration.Policy`: none, the policy, or not read
    /// with why (`arn` names the function in the reason).
    pub fn function_policy(&self, arn: &str) -> FunctionPolicy {
        let Some(text) = self.supplementary.get("Policy") else {
            return FunctionPolicy::None;
        };
        let value = match serde_json::from_str::<Value>(text) {
            Ok(Value::String(inner)) => serde_json::from_str::<Value>(&inner),
            other => other,
        };
        let parsed = value
            .map_err(|e| e.to_string())
            .and_then(|v| Policy::try_from(&v).map_err(|e| e.to_string()));
        match parsed {
            Ok(p) => FunctionPolicy::Policy(p),
            Err(e) => FunctionPolicy::NotRead {
                reason: format!(
                    "the function policy of {arn} in AWS Config \
                     (supplementaryConfiguration.Policy) is not a policy document: {e}"
                ),
            },
        }
    }
}

/// A function policy taken from AWS Config, with when Config captured it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedPolicy {
    /// The policy as the item holds it.
    pub policy: FunctionPolicy,
    /// The item's capture time, in seconds since the epoch.
    pub captured: i64,
}

/// What the account's own Config gives of the targets' policies: those it holds fresh, and
/// the targets left to `lambda:GetPolicy`, each with why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FromConfig {
    /// By target ARN, as given.
    pub recorded: BTreeMap<String, RecordedPolicy>,
    /// Targets Config does not answer for: (ARN, why).
    pub to_read: Vec<(String, String)>,
}

/// Each of `targets` (function ARNs) taken from `items` (the account's own
/// `AWS::Lambda::Function` items) when its item is current, has a capture time, and was
/// captured no earlier than `not_before` (the last change lambda-trust can see to the role and
/// its policies: an item older than that may predate it). A qualified target (a version's or
/// alias's own policy, in no item), a function without an item, an item that is not current,
/// stale or whose policy does not parse is left to `lambda:GetPolicy`, never taken as "no
/// policy".
pub fn policies_from_items(
    targets: &[String],
    items: &[ConfigItem],
    not_before: Option<i64>,
) -> FromConfig {
    let by_arn: BTreeMap<&str, &ConfigItem> = (items.iter())
        .filter(|i| i.resource_type == FUNCTION_TYPE)
        .filter_map(|i| Some((i.arn.as_deref()?, i)))
        .collect();
    let mut out = FromConfig::default();
    for target in targets {
        match recorded(target, by_arn.get(target.as_str()).copied(), not_before) {
            Ok(r) => {
                out.recorded.insert(target.clone(), r);
            }
            Err(why) => out.to_read.push((target.clone(), why)),
        }
    }
    out
}

impl FromConfig {
    /// Moves to [`FromConfig::to_read`] every policy whose item was captured before
    /// `not_before` (the role's last change, known once the role is read): it may predate it.
    pub fn stale_before(&mut self, not_before: Option<i64>) {
        let Some(t) = not_before else {
            return;
        };
        let stale: Vec<String> = (self.recorded.iter())
            .filter(|(_, r)| r.captured < t)
            .map(|(arn, _)| arn.clone())
            .collect();
        for arn in stale {
            if let Some(r) = self.recorded.remove(&arn) {
                self.to_read.push((arn, stale_reason(t - r.captured)));
            }
        }
    }
}

fn stale_reason(seconds: i64) -> String {
    format!("its AWS Config item was captured {seconds}s before the role's last change")
}

fn recorded(
    target: &str,
    item: Option<&ConfigItem>,
    not_before: Option<i64>,
) -> Result<RecordedPolicy, String> {
    let qualifier = Arn::parse(target).and_then(|a| Some(a.function_parts()?.1?.to_owned()));
    if let Some(q) = qualifier {
        return Err(format!(
            "AWS Config does not record a version's or alias's policy ({q})"
        ));
    }
    let item = item.ok_or("AWS Config holds no item of it")?;
    if !item.is_current() {
        return Err(format!("its AWS Config item is {}", item.status));
    }
    let captured = item
        .captured
        .ok_or("its AWS Config item has no capture time")?;
    if let Some(t) = not_before.filter(|t| captured < *t) {
        return Err(stale_reason(t - captured));
    }
    match item.function_policy(target) {
        FunctionPolicy::NotRead { reason } => Err(reason),
        policy => Ok(RecordedPolicy { policy, captured }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ARN: &str = "arn:aws:lambda:us-east-1:111111111111:function:lookup";

    fn item(arn: &str, status: &str, captured: Option<i64>, policy: Option<&str>) -> ConfigItem {
        ConfigItem {
            account: "111111111111".into(),
            region: "us-east-1".into(),
            resource_type: FUNCTION_TYPE.into(),
            status: status.into(),
            arn: Some(arn.into()),
            supplementary: policy
                .map(|p| ("Policy".into(), p.into()))
                .into_iter()
                .collect(),
            captured,
            ..ConfigItem::default()
        }
    }

    fn policy() -> String {
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "s", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
            "Action": "lambda:InvokeFunction", "Resource": ARN}]})
        .to_string()
    }

    #[test]
    fn a_fresh_current_item_gives_the_policy_with_its_capture_time() {
        let text = policy();
        let other = "arn:aws:lambda:us-east-1:111111111111:function:other";
        let items = [
            item(ARN, "OK", Some(100), Some(&text)),
            item(other, "OK", Some(90), None),
        ];
        let got = policies_from_items(&[ARN.into(), other.into()], &items, Some(90));
        assert!(got.to_read.is_empty(), "{:?}", got.to_read);
        assert_eq!(got.recorded[ARN].captured, 100);
        assert!(matches!(
            got.recorded[ARN].policy,
            FunctionPolicy::Policy(_)
        ));
        assert_eq!(got.recorded[other].policy, FunctionPolicy::None);
    }

    #[test]
    fn a_change_read_later_makes_older_items_stale() {
        let items = [item(ARN, "OK", Some(80), None)];
        let mut got = policies_from_items(&[ARN.into()], &items, None);
        assert_eq!(got.recorded.len(), 1);
        got.stale_before(Some(70));
        assert_eq!(got.recorded.len(), 1);
        got.stale_before(Some(90));
        assert!(got.recorded.is_empty());
        assert!(got.to_read[0]
            .1
            .contains("10s before the role's last change"));
    }

    #[test]
    fn what_config_cannot_answer_for_is_left_to_get_policy_never_no_policy() {
        let text = policy();
        let cases = [
            (
                vec![item(ARN, "OK", Some(80), Some(&text))],
                ARN.to_string(),
                "before the role",
            ),
            (
                vec![item(ARN, "OK", None, None)],
                ARN.to_string(),
                "no capture time",
            ),
            (
                vec![item(ARN, "ResourceNotRecorded", Some(100), None)],
                ARN.into(),
                "ResourceNotRecorded",
            ),
            (
                vec![item(ARN, "ResourceDeleted", Some(100), None)],
                ARN.into(),
                "ResourceDeleted",
            ),
            (
                vec![item(ARN, "OK", Some(100), Some("[]"))],
                ARN.into(),
                "not a policy document",
            ),
            (vec![], ARN.into(), "holds no item"),
            (
                vec![item(ARN, "OK", Some(100), None)],
                format!("{ARN}:live"),
                "alias's policy (live)",
            ),
        ];
        for (items, target, why) in cases {
            let got = policies_from_items(std::slice::from_ref(&target), &items, Some(90));
            assert!(got.recorded.is_empty(), "{target}: {got:?}");
            assert_eq!(got.to_read.len(), 1);
            assert!(
                got.to_read[0].1.contains(why),
                "{why}: {}",
                got.to_read[0].1
            );
        }
    }
}
