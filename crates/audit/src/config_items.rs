//! AWS Config's configuration items of IAM roles and customer managed policies, as an
//! aggregator returns them (`BatchGetAggregateResourceConfig`), → one [`AccountIam`] per
//! account: the input of `audit --config-aggregator`.
//!
//! An `AWS::IAM::Role` item's `configuration` is a JSON text holding the role as IAM describes
//! it, camel-cased: `roleName`, `arn`, `assumeRolePolicyDocument` and each
//! `rolePolicyList[].policyDocument` URL-encoded, `attachedManagedPolicies[].policyArn`,
//! `permissionsBoundary.permissionsBoundaryArn`, `tags[]` (`key`, `value`). An
//! `AWS::IAM::Policy` item (customer managed policies only: Config does not record AWS managed
//! ones) holds `arn`, `policyName` and `policyVersionList[]` (`versionId`, `isDefaultVersion`,
//! `document` URL-encoded). (AWS Config Developer Guide, "Resource types supported"; the item
//! shape is `BaseConfigurationItem` in the Config API Reference.)
//!
//! IAM is global: Config records a role in each region whose recorder records global resource
//! types, so an aggregator can hold the same role more than once; it is kept once. Items whose
//! configuration Config did not record (`ResourceNotRecorded`) or that were deleted are left
//! out, and the recorded-but-unreadable are counted per account so the report can say so.
//!
//! Part of the pure auditor: the documents go through the one mapping
//! ([`RoleDetail`]/[`PolicyDetail`]) `GetAccountAuthorizationDetails` uses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::account::{AccountIam, AuditOptions, AuditPolicy, AuditRole};
use super::audit::policies_to_read;
use super::details::{PolicyDetail, RawDocument, RoleDetail};
use lambda_trust_iam::account_of;

/// The Config resource type of an IAM role.
pub const ROLE_TYPE: &str = "AWS::IAM::Role";
/// The Config resource type of a customer managed IAM policy.
pub const POLICY_TYPE: &str = "AWS::IAM::Policy";

pub(crate) use lambda_trust_model::ConfigItem;

/// Every account's IAM read from the aggregator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AggregatedIam {
    /// By account ID.
    pub accounts: BTreeMap<String, AccountIam>,
    /// The source region each account's roles were collected from (the first, by name, when
    /// Config recorded them in several).
    pub regions: BTreeMap<String, String>,
    /// Per account: what was listed but could not be used, each with why (a role or policy
    /// Config does not record, a configuration that is not JSON or has no ARN).
    pub unreadable: BTreeMap<String, Vec<String>>,
}

impl From<&[ConfigItem]> for AggregatedIam {
    /// Folds role and policy items into one [`AccountIam`] per account.
    fn from(items: &[ConfigItem]) -> AggregatedIam {
        aggregate(items)
    }
}

/// Folds role and policy items into one [`AccountIam`] per account.
pub(crate) fn aggregate(items: &[ConfigItem]) -> AggregatedIam {
    let mut out = AggregatedIam::default();
    let mut seen = BTreeSet::new();
    let mut sorted: Vec<&ConfigItem> = items.iter().collect();
    sorted.sort_by(|a, b| (&a.account, &a.region).cmp(&(&b.account, &b.region)));
    for item in sorted {
        let parsed = (item.configuration.as_deref()).and_then(|t| serde_json::from_str(t).ok());
        let iam = out
            .accounts
            .entry(item.account.clone())
            .or_insert_with(|| AccountIam {
                account_id: item.account.clone(),
                ..AccountIam::default()
            });
        match (item.resource_type.as_str(), parsed) {
            (ROLE_TYPE, Some(config)) if item.is_current() => match role(&config) {
                Some(role) if seen.insert(role.arn.clone()) => {
                    (out.regions.entry(item.account.clone())).or_insert(item.region.clone());
                    iam.roles.push(role);
                }
                Some(_) => {}
                None => unreadable(
                    &mut out.unreadable,
                    item,
                    "its configuration has no name or ARN",
                ),
            },
            (POLICY_TYPE, Some(config)) if item.is_current() => match policy(&config) {
                Some(p) => {
                    iam.policies.insert(p.arn.clone(), p);
                }
                None => unreadable(&mut out.unreadable, item, "its configuration has no ARN"),
            },
            (_, _) if item.status.starts_with("ResourceDeleted") => {}
            (_, None) if item.is_current() => {
                unreadable(&mut out.unreadable, item, "its configuration is not JSON");
            }
            (_, _) => unreadable(&mut out.unreadable, item, &not_recorded(&item.status)),
        }
    }
    for names in out.unreadable.values_mut() {
        names.sort();
        names.dedup();
    }
    out
}

fn not_recorded(status: &str) -> String {
    format!("AWS Config holds no configuration of it ({status}: its recorder leaves the type out)")
}

fn unreadable(out: &mut BTreeMap<String, Vec<String>>, item: &ConfigItem, why: &str) {
    let kind = if item.resource_type == POLICY_TYPE {
        "policy"
    } else {
        "role"
    };
    let name = item.name.as_deref().unwrap_or("(no name)");
    (out.entry(item.account.clone()).or_default()).push(format!("{kind} {name}: {why}"));
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn document(v: &Value, key: &str) -> RawDocument {
    match v.get(key) {
        Some(Value::String(t)) => RawDocument::Text(t.clone()),
        Some(doc @ Value::Object(_)) => RawDocument::Json(doc.clone()),
        _ => RawDocument::Missing,
    }
}

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// A role item's configuration as the audit's role; `None` without a name or ARN.
fn role(c: &Value) -> Option<AuditRole> {
    let boundary = match c.get("permissionsBoundary") {
        Some(Value::String(arn)) => Some(arn.clone()),
        Some(b) => text(b, "permissionsBoundaryArn").map(str::to_owned),
        None => None,
    };
    Some(AuditRole::from(RoleDetail {
        name: text(c, "roleName")?.to_owned(),
        arn: text(c, "arn")?.to_owned(),
        trust: document(c, "assumeRolePolicyDocument"),
        inline: list(c, "rolePolicyList")
            .map(|p| {
                let name = text(p, "policyName").unwrap_or_default().to_owned();
                (name, document(p, "policyDocument"))
            })
            .collect(),
        attached: list(c, "attachedManagedPolicies")
            .filter_map(|p| text(p, "policyArn").map(str::to_owned))
            .collect(),
        boundary,
        tags: list(c, "tags")
            .filter_map(|t| Some((text(t, "key")?.to_owned(), text(t, "value")?.to_owned())))
            .collect(),
        // Config records a role when its configuration changes, not when it is used: the
        // `roleLastUsed` it holds can be older than the role's last use, so it is not read.
        usage: None,
    }))
}

/// A customer managed policy item's configuration, every version; `None` without an ARN.
fn policy(c: &Value) -> Option<AuditPolicy> {
    Some(AuditPolicy::from(PolicyDetail {
        arn: text(c, "arn")?.to_owned(),
        name: text(c, "policyName").map(str::to_owned),
        versions: list(c, "policyVersionList")
            .map(|v| {
                let id = text(v, "versionId").unwrap_or_default().to_owned();
                let default = v.get("isDefaultVersion").and_then(Value::as_bool) == Some(true);
                (id, default, document(v, "document"))
            })
            .collect(),
    }))
}

/// The managed policies the audit of every account of `iam` reads: the AWS managed ones by ARN
/// (the same document in every account, read once with any account's credentials, never in
/// Config), and the customer managed ones as Config lists them, by (account, policy name).
pub fn aggregated_policies_to_read(
    iam: &AggregatedIam,
    opts: &AuditOptions,
) -> (Vec<String>, BTreeSet<(String, String)>) {
    let wanted: BTreeSet<String> = (iam.accounts.values())
        .flat_map(|a| policies_to_read(a, opts))
        .collect();
    let (aws_managed, customer): (Vec<String>, Vec<String>) =
        wanted.into_iter().partition(|a| is_aws_managed(a));
    let keys = customer.iter().map(|a| policy_key(a)).collect();
    (aws_managed, keys)
}

/// Whether `policy_arn` is an AWS managed policy (`arn:PARTITION:iam::aws:policy/…`): the same
/// document in every account, readable with any account's credentials, never in Config.
fn is_aws_managed(policy_arn: &str) -> bool {
    account_of(policy_arn) == "aws"
}

/// The (account, policy name) Config lists a customer managed policy under: IAM policy names
/// are unique within an account, whatever their path.
fn policy_key(policy_arn: &str) -> (String, String) {
    let name = policy_arn.rsplit('/').next().unwrap_or(policy_arn);
    (account_of(policy_arn).to_owned(), name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(account: &str, region: &str, kind: &str, status: &str, config: Value) -> ConfigItem {
        ConfigItem {
            account: account.into(),
            region: region.into(),
            resource_type: kind.into(),
            name: config
                .get("roleName")
                .and_then(Value::as_str)
                .map(str::to_owned),
            status: status.into(),
            configuration: Some(config.to_string()),
            arn: None,
            supplementary: BTreeMap::new(),
            captured: None,
        }
    }

    fn encoded(doc: Value) -> String {
        let text = doc.to_string();
        percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC).to_string()
    }

    fn role_config(account: &str, name: &str) -> Value {
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole"}]});
        json!({
            "roleName": name,
            "path": "/integrations/",
            "arn": format!("arn:aws:iam::{account}:role/integrations/{name}"),
            "assumeRolePolicyDocument": encoded(trust),
            "rolePolicyList": [{"policyName": "invoke", "policyDocument": encoded(json!({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": "lambda:InvokeFunction", "Resource": "*"}]}))}],
            "attachedManagedPolicies": [
                {"policyName": "mine", "policyArn": format!("arn:aws:iam::{account}:policy/team/mine")},
                {"policyName": "ReadOnlyAccess", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
            ],
            "permissionsBoundary": {"permissionsBoundaryType": "Policy",
                "permissionsBoundaryArn": format!("arn:aws:iam::{account}:policy/team/mine")},
            "tags": [{"key": "managed-by", "value": "lambda-trust"}],
            "roleLastUsed": {"lastUsedDate": "2020-01-01T00:00:00Z", "region": "us-east-1"}
        })
    }

    #[test]
    fn roles_and_policies_land_in_their_accounts_with_documents_decoded() {
        let policy = json!({"arn": "arn:aws:iam::111111111111:policy/team/mine", "policyName": "mine",
        "policyVersionList": [
            {"versionId": "v1", "isDefaultVersion": false, "document": encoded(json!({"Statement": []}))},
            {"versionId": "v2", "isDefaultVersion": true, "document": encoded(json!({"Version": "2012-10-17", "Statement": []}))}
        ]});
        let items = [
            item(
                "111111111111",
                "eu-west-1",
                ROLE_TYPE,
                "OK",
                role_config("111111111111", "genesys"),
            ),
            item("111111111111", "eu-west-1", POLICY_TYPE, "OK", policy),
            item(
                "222222222222",
                "us-east-1",
                ROLE_TYPE,
                "ResourceDiscovered",
                role_config("222222222222", "other"),
            ),
        ];
        let got = aggregate(&items);
        assert_eq!(got.accounts.len(), 2);
        let iam = &got.accounts["111111111111"];
        let role = &iam.roles[0];
        assert_eq!(
            role.arn,
            "arn:aws:iam::111111111111:role/integrations/genesys"
        );
        assert_eq!(
            role.trust["Statement"][0]["Principal"]["AWS"],
            "arn:aws:iam::765628985471:root"
        );
        assert_eq!(
            role.inline[0].1["Statement"][0]["Action"],
            "lambda:InvokeFunction"
        );
        assert_eq!(role.attached.len(), 2);
        assert_eq!(
            role.boundary.as_deref(),
            Some("arn:aws:iam::111111111111:policy/team/mine")
        );
        assert!(role.is_managed());
        let p = &iam.policies["arn:aws:iam::111111111111:policy/team/mine"];
        assert_eq!(p.default_version().unwrap().version_id, "v2");
        // Config's roleLastUsed can be older than the role's last use: not read.
        assert!(iam.usage.is_empty());
        assert_eq!(got.regions["222222222222"], "us-east-1");
        assert!(got.unreadable.is_empty());
    }

    #[test]
    fn a_role_recorded_in_two_regions_is_kept_once_under_the_first() {
        let items = [
            item(
                "111111111111",
                "us-west-2",
                ROLE_TYPE,
                "OK",
                role_config("111111111111", "r"),
            ),
            item(
                "111111111111",
                "eu-west-1",
                ROLE_TYPE,
                "OK",
                role_config("111111111111", "r"),
            ),
        ];
        let got = aggregate(&items);
        assert_eq!(got.accounts["111111111111"].roles.len(), 1);
        assert_eq!(got.regions["111111111111"], "eu-west-1");
    }

    #[test]
    fn unrecorded_and_broken_items_are_said_deleted_ones_dropped() {
        let mut not_recorded = item(
            "111111111111",
            "eu-west-1",
            ROLE_TYPE,
            "ResourceNotRecorded",
            json!({}),
        );
        (not_recorded.configuration, not_recorded.name) = (None, Some("hidden".into()));
        let broken = ConfigItem {
            configuration: Some("{not json".into()),
            name: Some("broken".into()),
            ..item("111111111111", "eu-west-1", ROLE_TYPE, "OK", json!({}))
        };
        let no_arn = item(
            "111111111111",
            "eu-west-1",
            ROLE_TYPE,
            "OK",
            json!({"roleName": "half"}),
        );
        let deleted = item(
            "111111111111",
            "eu-west-1",
            ROLE_TYPE,
            "ResourceDeleted",
            role_config("111111111111", "gone"),
        );
        let mut policy = item(
            "111111111111",
            "eu-west-1",
            POLICY_TYPE,
            "ResourceNotRecorded",
            json!({}),
        );
        (policy.configuration, policy.name) = (None, Some("team-policy".into()));
        let got = aggregate(&[not_recorded, broken, no_arn, deleted, policy]);
        assert!(got.accounts["111111111111"].roles.is_empty());
        let said = &got.unreadable["111111111111"];
        assert_eq!(said.len(), 4, "{said:#?}");
        assert!(said.contains(&"role broken: its configuration is not JSON".to_owned()));
        assert!(said.contains(&"role half: its configuration has no name or ARN".to_owned()));
        let unrecorded = |who: &str| {
            said.iter()
                .any(|s| s.starts_with(who) && s.contains("ResourceNotRecorded"))
        };
        assert!(
            unrecorded("role hidden: AWS Config holds no configuration"),
            "{said:#?}"
        );
        assert!(
            unrecorded("policy team-policy: AWS Config holds no configuration"),
            "{said:#?}"
        );
    }

    #[test]
    fn policy_keys_and_aws_managed_policies() {
        assert!(is_aws_managed("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(is_aws_managed(
            "arn:aws-us-gov:iam::aws:policy/service-role/X"
        ));
        assert!(!is_aws_managed("arn:aws:iam::111111111111:policy/aws"));
        assert_eq!(
            policy_key("arn:aws:iam::111111111111:policy/team/mine"),
            ("111111111111".into(), "mine".into())
        );
    }
}
