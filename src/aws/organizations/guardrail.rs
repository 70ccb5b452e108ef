//! The guardrail's writes in AWS Organizations (`aws` layer): lambda-trust's own resource
//! control policy, as `guardrail apply` and `destroy` make it.
//!
//! The calls (AWS Organizations API Reference), with the management account's credentials or a
//! delegated administrator's: `EnablePolicyType` (asynchronous: `ListRoots` until the root says
//! ENABLED, as the User Guide's "Enabling a policy type" says), `CreatePolicy` with its tags
//! (the marks and apply's record: targets, accounts covered, roles stopped), `TagResource` when
//! the record changes, `UpdatePolicy`, `AttachPolicy`, `DetachPolicy`, `DeletePolicy` (only
//! after every detach: `PolicyInUseException` otherwise).

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_organizations::types::Tag;

use super::tree::root;
use super::{err, Org, GUARDRAIL_TAG, RCP};
use crate::aws::client::{AwsError, Clients};
use lambda_trust_config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};

/// The guardrail's description in AWS Organizations.
pub(crate) const DESCRIPTION: &str =
    "lambda-trust: Genesys Cloud may assume a role only with your org IDs";

/// `EnablePolicyType` for RCPs on `root`, then `ListRoots` until it says ENABLED (at most
/// `patience`).
pub(crate) async fn enable_rcps(
    clients: &Clients,
    root: &str,
    patience: Duration,
) -> Result<(), AwsError> {
    let org = clients.organizations();
    let sent = org
        .enable_policy_type()
        .root_id(root)
        .policy_type(RCP)
        .send()
        .await;
    if let Err(e) = sent {
        let e = AwsError::from_sdk("organizations:EnablePolicyType", e);
        // Enabled meanwhile (by another caller): what was asked holds.
        if !e.is_code("PolicyTypeAlreadyEnabledException") {
            return Err(e);
        }
    }
    let start = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(200);
    loop {
        if root_enabled(&org).await? {
            return Ok(());
        }
        if start.elapsed() >= patience {
            return Err(AwsError {
                operation: "organizations:EnablePolicyType",
                code: None,
                message: format!(
                    "RCPs are still not ENABLED on {root} after {} s",
                    patience.as_secs()
                ),
                hint: Some("run apply again once ListRoots says ENABLED".into()),
            });
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(5));
    }
}

async fn root_enabled(org: &Org) -> Result<bool, AwsError> {
    Ok(root(org).await?.1.rcps)
}

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder()
        .key(k)
        .value(v)
        .build()
        .expect("key and value set")
}

/// `CreatePolicy` of `document`, tagged as lambda-trust's guardrail with `record`: its ID.
pub(crate) async fn create(
    clients: &Clients,
    name: &str,
    document: &str,
    record: &BTreeMap<String, String>,
) -> Result<String, AwsError> {
    let marks = [(MANAGED_BY_KEY, MANAGED_BY_VALUE), GUARDRAIL_TAG];
    let tags =
        (marks.into_iter().map(|(k, v)| tag(k, v))).chain(record.iter().map(|(k, v)| tag(k, v)));
    let out = (clients.organizations().create_policy())
        .name(name)
        .description(DESCRIPTION)
        .r#type(RCP)
        .content(document)
        .set_tags(Some(tags.collect()))
        .send()
        .await
        .map_err(err("organizations:CreatePolicy"))?;
    let id = out
        .policy()
        .and_then(|p| p.policy_summary())
        .and_then(|s| s.id());
    Ok(id.unwrap_or_default().to_owned())
}

/// `TagResource`: the record in the guardrail's tags.
pub(crate) async fn record(
    clients: &Clients,
    id: &str,
    record: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let tags = record.iter().map(|(k, v)| tag(k, v)).collect();
    let sent = (clients.organizations().tag_resource())
        .resource_id(id)
        .set_tags(Some(tags))
        .send()
        .await;
    sent.map(drop).map_err(err("organizations:TagResource"))
}

/// `UpdatePolicy`: the document in place.
pub(crate) async fn update(clients: &Clients, id: &str, document: &str) -> Result<(), AwsError> {
    let sent = clients
        .organizations()
        .update_policy()
        .policy_id(id)
        .content(document)
        .send()
        .await;
    sent.map(drop).map_err(err("organizations:UpdatePolicy"))
}

/// `AttachPolicy` to `target`.
pub(crate) async fn attach(clients: &Clients, id: &str, target: &str) -> Result<(), AwsError> {
    let sent = clients
        .organizations()
        .attach_policy()
        .policy_id(id)
        .target_id(target)
        .send()
        .await;
    sent.map(drop).map_err(err("organizations:AttachPolicy"))
}

/// `DetachPolicy` from `target`.
pub(crate) async fn detach(clients: &Clients, id: &str, target: &str) -> Result<(), AwsError> {
    let sent = clients
        .organizations()
        .detach_policy()
        .policy_id(id)
        .target_id(target)
        .send()
        .await;
    sent.map(drop).map_err(err("organizations:DetachPolicy"))
}

/// `DeletePolicy` (detached from every target first).
pub(crate) async fn delete(clients: &Clients, id: &str) -> Result<(), AwsError> {
    let sent = clients
        .organizations()
        .delete_policy()
        .policy_id(id)
        .send()
        .await;
    sent.map(drop).map_err(err("organizations:DeletePolicy"))
}
