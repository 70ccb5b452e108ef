//! The guardrail's reads and writes in AWS Organizations (`aws` layer): the organization's
//! tree and its resource control policies as plain data (`OrgTree`), and the writes
//! `guardrail apply` and `destroy` make to lambda-trust's own policy.
//!
//! The calls (AWS Organizations API Reference), with the management account's credentials or a
//! delegated administrator's:
//! - read, in two rounds: `DescribeOrganization` and `ListRoots`; then, concurrently,
//!   `ListOrganizationalUnitsForParent` and `ListAccountsForParent` for the root and each OU
//!   (every page), and `ListPolicies` (`RESOURCE_CONTROL_POLICY`) with `DescribePolicy`,
//!   `ListTargetsForPolicy` and, for customer policies, `ListTagsForResource` per policy. That
//!   is 2 + 2 × (OUs + 1) + 1 + 3 × (customer RCPs) + 2 × (AWS managed ones) calls, whatever the
//!   number of accounts beyond the pages they fill.
//! - write: `EnablePolicyType` (asynchronous: `ListRoots` until the root says ENABLED, as the
//!   User Guide's "Enabling a policy type" says), `CreatePolicy` with its tags (the marks and
//!   apply's record: targets, accounts covered, roles stopped), `TagResource` when the record
//!   changes, `UpdatePolicy`,
//!   `AttachPolicy`, `DetachPolicy`, `DeletePolicy` (only after every detach:
//!   `PolicyInUseException` otherwise).

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_organizations::types::{PolicyType, PolicyTypeStatus, Tag};
use futures::future::try_join_all;

use crate::aws::client::{AwsError, Clients};
use lambda_trust_audit::{OrgNode, OrgTree, StoredRcp};
use lambda_trust_config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};

type Org = aws_sdk_organizations::Client;

/// The tag that marks lambda-trust's guardrail, beside `managed-by = lambda-trust`.
pub(crate) const GUARDRAIL_TAG: (&str, &str) =
    ("lambda-trust:guardrail", "genesys-cloud-external-id");

/// The guardrail's description in AWS Organizations.
pub(crate) const DESCRIPTION: &str =
    "lambda-trust: Genesys Cloud may assume a role only with your org IDs";

const RCP: PolicyType = PolicyType::ResourceControlPolicy;

fn err<E>(
    op: &'static str,
) -> impl FnOnce(
    aws_sdk_organizations::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> AwsError
where
    E: std::error::Error
        + Send
        + Sync
        + 'static
        + aws_smithy_types::error::metadata::ProvideErrorMetadata,
{
    move |e| AwsError::from_sdk(op, e)
}

/// The organization as it stands: its tree and every RCP, ours marked by its tags.
pub(crate) async fn read_tree(clients: &Clients) -> Result<OrgTree, AwsError> {
    let org = clients.organizations();
    let described = org.describe_organization().send().await;
    let described = described.map_err(err("organizations:DescribeOrganization"))?;
    let management = (described.organization())
        .and_then(|o| o.master_account_id())
        .unwrap_or_default()
        .to_owned();
    let (root, rcps_enabled) = root(&org).await?;
    let (nodes, policies) = tokio::try_join!(nodes(&org, &root), policies(&org))?;
    Ok(OrgTree {
        partition: clients.partition().to_owned(),
        management_account: management,
        root,
        rcps_enabled,
        nodes,
        policies,
    })
}

/// The root's ID and whether RCPs are ENABLED on it.
async fn root(org: &Org) -> Result<(String, bool), AwsError> {
    let out = org
        .list_roots()
        .send()
        .await
        .map_err(err("organizations:ListRoots"))?;
    let Some(root) = out.roots().first() else {
        return Err(AwsError {
            operation: "organizations:ListRoots",
            code: None,
            message: "the organization lists no root".into(),
            hint: None,
        });
    };
    let enabled = (root.policy_types().iter())
        .any(|t| t.r#type() == Some(&RCP) && t.status() == Some(&PolicyTypeStatus::Enabled));
    Ok((root.id().unwrap_or_default().to_owned(), enabled))
}

/// Every OU and account under the root, level by level, each level's parents concurrently.
async fn nodes(org: &Org, root: &str) -> Result<Vec<OrgNode>, AwsError> {
    let mut out = Vec::new();
    let mut parents = vec![root.to_owned()];
    while !parents.is_empty() {
        let children = try_join_all(parents.iter().map(|p| children(org, p))).await?;
        parents = Vec::new();
        for (ous, accounts) in children {
            parents.extend(ous.iter().map(|n| n.id.clone()));
            out.extend(ous);
            out.extend(accounts);
        }
    }
    Ok(out)
}

/// One parent's OUs and accounts (every page of each).
async fn children(org: &Org, parent: &str) -> Result<(Vec<OrgNode>, Vec<OrgNode>), AwsError> {
    let ous = async {
        let mut pages = (org.list_organizational_units_for_parent().parent_id(parent))
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(err("organizations:ListOrganizationalUnitsForParent"))?;
            out.extend(page.organizational_units().iter().map(|u| OrgNode {
                id: u.id().unwrap_or_default().to_owned(),
                name: u.name().unwrap_or_default().to_owned(),
                parent: parent.to_owned(),
            }));
        }
        Ok::<_, AwsError>(out)
    };
    let accounts = async {
        let mut pages = org
            .list_accounts_for_parent()
            .parent_id(parent)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(err("organizations:ListAccountsForParent"))?;
            out.extend(page.accounts().iter().map(|a| OrgNode {
                id: a.id().unwrap_or_default().to_owned(),
                name: a.name().unwrap_or_default().to_owned(),
                parent: parent.to_owned(),
            }));
        }
        Ok::<_, AwsError>(out)
    };
    tokio::try_join!(ous, accounts)
}

/// Every RCP with its document, targets and whether it is ours.
async fn policies(org: &Org) -> Result<Vec<StoredRcp>, AwsError> {
    let mut pages = org.list_policies().filter(RCP).into_paginator().send();
    let mut summaries = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(err("organizations:ListPolicies"))?;
        summaries.extend(page.policies().iter().map(|p| {
            let id = p.id().unwrap_or_default().to_owned();
            (id, p.name().unwrap_or_default().to_owned(), p.aws_managed())
        }));
    }
    try_join_all(
        summaries
            .into_iter()
            .map(|(id, name, managed)| policy(org, id, name, managed)),
    )
    .await
}

async fn policy(
    org: &Org,
    id: String,
    name: String,
    aws_managed: bool,
) -> Result<StoredRcp, AwsError> {
    let (document, targets, tags) =
        tokio::try_join!(content(org, &id), targets(org, &id), async {
            if aws_managed {
                return Ok(Vec::new());
            }
            tags(org, &id).await
        })?;
    let has = |k: &str, v: &str| tags.iter().any(|(tk, tv)| tk == k && tv == v);
    let ours = has(MANAGED_BY_KEY, MANAGED_BY_VALUE) && has(GUARDRAIL_TAG.0, GUARDRAIL_TAG.1);
    Ok(StoredRcp {
        id,
        name,
        document,
        targets,
        ours,
        tags,
    })
}

async fn content(org: &Org, id: &str) -> Result<serde_json::Value, AwsError> {
    let out = org.describe_policy().policy_id(id).send().await;
    let out = out.map_err(err("organizations:DescribePolicy"))?;
    let text = (out.policy()).and_then(|p| p.content()).unwrap_or_default();
    serde_json::from_str(text).map_err(|e| AwsError {
        operation: "organizations:DescribePolicy",
        code: None,
        message: format!("policy {id} is not JSON: {e}"),
        hint: None,
    })
}

async fn targets(org: &Org, id: &str) -> Result<Vec<String>, AwsError> {
    let mut pages = org
        .list_targets_for_policy()
        .policy_id(id)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(err("organizations:ListTargetsForPolicy"))?;
        out.extend(
            page.targets()
                .iter()
                .filter_map(|t| t.target_id())
                .map(str::to_owned),
        );
    }
    Ok(out)
}

/// A customer policy's tags (key, value).
async fn tags(org: &Org, id: &str) -> Result<Vec<(String, String)>, AwsError> {
    let mut pages = org
        .list_tags_for_resource()
        .resource_id(id)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(err("organizations:ListTagsForResource"))?;
        out.extend((page.tags().iter()).map(|t| (t.key().to_owned(), t.value().to_owned())));
    }
    Ok(out)
}

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
    Ok(root(org).await?.1)
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
