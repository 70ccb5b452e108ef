//! The organization read whole, once a run (`aws` layer): its tree of OUs and accounts and
//! its policies of each type as plain data ([`OrgTree`]), what the guardrail plans over and
//! what gives the whole path each member account's SCPs and RCPs without a call of its own
//! (`OrgTree::policies_over`).
//!
//! The calls (AWS Organizations API Reference), with the management account's credentials or a
//! delegated administrator's, in two rounds: `DescribeOrganization` and `ListRoots` (which
//! policy types the root has enabled); then, concurrently, `ListOrganizationalUnitsForParent`
//! and `ListAccountsForParent` for the root and each OU (every page, level by level), and per
//! type — RCPs always, SCPs while the root has them enabled — `ListPolicies` with, per policy,
//! `DescribePolicy` and `ListTargetsForPolicy` (every page), and for a customer RCP when the
//! guardrail asks ([`Tags::Read`]) `ListTagsForResource`. That is 2 + 2 × (OUs + 1) + per type
//! 1 + 2 × policies (+ 1 per customer RCP with tags), whatever the number of accounts beyond the
//! pages they fill.

use aws_sdk_organizations::types::{PolicyType, PolicyTypeStatus};
use futures::future::try_join_all;

use super::{err, Org, GUARDRAIL_TAG, RCP};
use crate::aws::client::{AwsError, Clients};
use lambda_trust_audit::{OrgNode, OrgTree, StoredPolicy};
use lambda_trust_config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};

/// Whether the RCPs' tags are read: the guardrail's own is known by them; the whole path
/// needs only documents and targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tags {
    Read,
    Skipped,
}

/// The organization as it stands: its tree, every RCP (ours marked by its tags when `tags`
/// are read) and, while they are enabled, every SCP.
pub(crate) async fn read_tree(clients: &Clients, tags: Tags) -> Result<OrgTree, AwsError> {
    let org = clients.organizations();
    let (described, root) = tokio::join!(org.describe_organization().send(), root(&org));
    let described = described.map_err(err("organizations:DescribeOrganization"))?;
    let o = described.organization();
    let (root, enabled) = root?;
    let scps = async {
        match enabled.scps {
            true => policies(&org, PolicyType::ServiceControlPolicy, Tags::Skipped).await,
            false => Ok(Vec::new()),
        }
    };
    let (nodes, policies, scps) =
        tokio::try_join!(nodes(&org, &root), policies(&org, RCP, tags), scps)?;
    Ok(OrgTree {
        partition: clients.partition().to_owned(),
        organization_id: o.and_then(|o| o.id()).unwrap_or_default().to_owned(),
        management_account: (o.and_then(|o| o.master_account_id()))
            .unwrap_or_default()
            .to_owned(),
        root,
        rcps_enabled: enabled.rcps,
        scps_enabled: enabled.scps,
        nodes,
        policies,
        scps,
    })
}

/// Which of the path's policy types the root has ENABLED (`PENDING_ENABLE` is not).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Enabled {
    pub(crate) scps: bool,
    pub(crate) rcps: bool,
}

/// The root's ID and the policy types it has enabled.
pub(crate) async fn root(org: &Org) -> Result<(String, Enabled), AwsError> {
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
    let on = |t: PolicyType| {
        (root.policy_types().iter())
            .any(|p| p.r#type() == Some(&t) && p.status() == Some(&PolicyTypeStatus::Enabled))
    };
    let enabled = Enabled {
        scps: on(PolicyType::ServiceControlPolicy),
        rcps: on(RCP),
    };
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

/// Every policy of type `t` with its document, targets and (RCPs with `tags`) whether it is
/// ours.
async fn policies(org: &Org, t: PolicyType, tags: Tags) -> Result<Vec<StoredPolicy>, AwsError> {
    let mut pages = org.list_policies().filter(t).into_paginator().send();
    let mut summaries = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(err("organizations:ListPolicies"))?;
        summaries.extend(page.policies().iter().map(|p| {
            let id = p.id().unwrap_or_default().to_owned();
            let name = p.name().unwrap_or_default().to_owned();
            let tagged = tags == Tags::Read && !p.aws_managed();
            (id, name, tagged)
        }));
    }
    try_join_all(
        summaries
            .into_iter()
            .map(|(id, name, tagged)| policy(org, id, name, tagged)),
    )
    .await
}

async fn policy(
    org: &Org,
    id: String,
    name: String,
    tagged: bool,
) -> Result<StoredPolicy, AwsError> {
    let (document, targets, tags) =
        tokio::try_join!(content(org, &id), targets(org, &id), async {
            if !tagged {
                return Ok(Vec::new());
            }
            tags(org, &id).await
        })?;
    let has = |k: &str, v: &str| tags.iter().any(|(tk, tv)| tk == k && tv == v);
    let ours = has(MANAGED_BY_KEY, MANAGED_BY_VALUE) && has(GUARDRAIL_TAG.0, GUARDRAIL_TAG.1);
    Ok(StoredPolicy {
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
