//! The organization policies over one account (`aws` layer): its SCPs and RCPs at every level
//! from the root through each OU to the account, read from AWS Organizations into
//! `iam::path::OrgPolicies`, once per run and account ([`OrgReader`]). Read-only.
//!
//! The calls (AWS Organizations API Reference; User Guide, "Enabling and disabling policy
//! types"), for an account of an organization whose caller may read it, in three rounds:
//! 1. `DescribeOrganization` (the organization's ID and management account;
//!    `AWSOrganizationsNotInUseException`: no organization, no SCP or RCP applies), beside
//!    `ListRoots` (which policy types the root has enabled) and `ListParents` from the account
//!    up to the root, one call per level above the account.
//! 2. `ListPoliciesForTarget` with `Filter` `SERVICE_CONTROL_POLICY` and
//!    `RESOURCE_CONTROL_POLICY` at each level (every page), for the enabled types only; beside
//!    them `DescribeOrganizationalUnit` once per OU on the chain not yet named in this run, for
//!    its name (`ListParents` answers only an ID and a type), shown beside the ID as the
//!    Organizations console does. A refused or failed name read refuses nothing: the OU is
//!    named by its ID alone.
//! 3. `DescribePolicy` once per distinct policy, for its document.
//!
//! What it read is the part of the organization's tree on the account's chain, held as the one
//! model of the organization (`lambda_trust_audit::OrgTree`), whose `policies_over` gives the
//! levels: the same answer the organization read whole gives.
//!
//! That is 1 + 1 + depth + 2 × levels + distinct policies at most, plus one call per distinct
//! OU per run, whatever the number of targets in the account. For the management account the
//! first round is all (SCPs and RCPs do not apply to it): no policy is listed or described. Only the management account or a delegated administrator may make the
//! other calls; any refusal (`AccessDeniedException` for a member account) or failure gives
//! [`OrgPolicies::NotRead`] with the service's code and message and what would read them: the
//! availability claim then says "not proved", never "proved".

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use aws_sdk_organizations::types::{ParentType, PolicyType, PolicyTypeStatus};
use futures::future::{join_all, try_join_all};
use futures::{FutureExt, TryFutureExt};
use tokio::sync::{Mutex, OnceCell};

use super::tree::{read_tree, Tags};
use crate::aws::client::{AwsError, Clients};
use lambda_trust_audit::{OrgNode, OrgTree, StoredPolicy};
use lambda_trust_iam::{LevelKind, OrgPolicies};

/// The two policy types on the path, in the order levels keep them.
const TYPES: [PolicyType; 2] = [
    PolicyType::ServiceControlPolicy,
    PolicyType::ResourceControlPolicy,
];

/// What reads an account's organization policies when the caller may not: said in every
/// [`OrgPolicies::NotRead`] reason.
const WHO_MAY_READ: &str = "read them as the organization's management account or a delegated \
    administrator (organizations:DescribeOrganization, ListRoots, ListParents, \
    ListPoliciesForTarget, DescribePolicy), or give them with --org-policies DIR";

/// Reads each account's organization policies at most once per run, however many targets
/// (and concurrent callers) ask, and each OU's name at most once per run, however many
/// accounts sit under it; over the organization read whole ([`OrgReader::over`]), an account
/// it holds costs no call.
#[derive(Debug, Default)]
pub(crate) struct OrgReader {
    read: Mutex<HashMap<String, Arc<OnceCell<OrgPolicies>>>>,
    ou_names: OuNames,
    tree: Whole,
}

/// The organization read whole, which answers for each account it holds.
#[derive(Debug, Default)]
enum Whole {
    /// Not read: each account is walked up from.
    #[default]
    No,
    /// Read already.
    Given(Arc<OrgTree>),
    /// Read at the first account asked for (`None`: it could not be, each account is walked).
    Lazy(OnceCell<Option<Arc<OrgTree>>>),
}

/// Each OU's name (`DescribeOrganizationalUnit`) once per run; `None`: not readable, the OU
/// goes by its ID.
#[derive(Debug, Default)]
struct OuNames(Mutex<HashMap<String, Arc<OnceCell<Option<String>>>>>);

impl OuNames {
    async fn name(&self, org: &Org, id: &str) -> Option<String> {
        let cell = {
            let mut names = self.0.lock().await;
            names.entry(id.to_owned()).or_default().clone()
        };
        cell.get_or_init(|| describe_ou(org, id)).await.clone()
    }
}

/// An OU's name, or `None` when it cannot be read: a name only labels the level, so no
/// refusal of it (`AccessDeniedException`, …) changes what is read.
async fn describe_ou(org: &Org, id: &str) -> Option<String> {
    let out = org
        .describe_organizational_unit()
        .organizational_unit_id(id)
        .send()
        .await
        .ok()?;
    let name = out.organizational_unit()?.name()?;
    (!name.is_empty()).then(|| name.to_owned())
}

impl OrgReader {
    /// A reader that answers each account `tree` holds from it, and walks up from any other.
    pub(crate) fn over(tree: Arc<OrgTree>) -> OrgReader {
        OrgReader {
            tree: Whole::Given(tree),
            ..OrgReader::default()
        }
    }

    /// A reader that reads the organization whole at the first account asked for, and
    /// answers every account it holds from it: where many accounts are asked for (a sweep).
    pub(crate) fn reading_whole() -> OrgReader {
        OrgReader {
            tree: Whole::Lazy(OnceCell::new()),
            ..OrgReader::default()
        }
    }

    /// The organization read whole, when it is or can be.
    async fn whole(&self, clients: &Clients) -> Option<Arc<OrgTree>> {
        match &self.tree {
            Whole::No => None,
            Whole::Given(tree) => Some(tree.clone()),
            Whole::Lazy(cell) => {
                let read = || async {
                    let tree = read_tree(clients, Tags::Skipped).await;
                    tree.ok().map(Arc::new)
                };
                cell.get_or_init(read).await.clone()
            }
        }
    }

    /// The organization policies over `account`: from the tree read whole when it holds the
    /// account, else read with `clients` (credentials that may read the organization: the
    /// management account's or a delegated administrator's) the first time, then remembered.
    pub(crate) async fn policies(&self, clients: &Clients, account: &str) -> OrgPolicies {
        let whole = self.whole(clients).await;
        if let Some(known) = whole.and_then(|t| t.policies_over(account)) {
            return known;
        }
        let cell = {
            let mut read = self.read.lock().await;
            read.entry(account.to_owned()).or_default().clone()
        };
        let read = || async { read(clients, account, &self.ou_names).await.policies };
        cell.get_or_init(read).await.clone()
    }
}

/// One read of the organization policies over `account` — never an error, since policies
/// that cannot be read only leave availability not proved — with each policy's document as AWS
/// stores it, by ID (what `org-policies` writes into the files `--org-policies DIR` reads):
/// the walk's own `DescribePolicy`, not read again. A stand-in for a type not enabled is not
/// stored: iam's `org_policy_files` writes its document.
pub(crate) async fn read_org_policies(clients: &Clients, account: &str) -> Walked {
    read(clients, account, &OuNames::default()).await
}

/// What one walk read: the policies over the account, and each policy's document by ID.
pub(crate) struct Walked {
    pub(crate) policies: OrgPolicies,
    pub(crate) documents: BTreeMap<String, serde_json::Value>,
}

impl From<OrgPolicies> for Walked {
    fn from(policies: OrgPolicies) -> Walked {
        Walked {
            policies,
            documents: BTreeMap::new(),
        }
    }
}

async fn read(clients: &Clients, account: &str, ou_names: &OuNames) -> Walked {
    let org = clients.organizations();
    let (organization, root, parents) = tokio::join!(
        describe_organization(&org),
        list_root(&org),
        parents(&org, account),
    );
    let (organization_id, management) = match organization {
        Ok(Some(found)) => found,
        Ok(None) => return OrgPolicies::NoOrganization.into(),
        Err(e) => return not_read(account, &e).into(),
    };
    if management == account {
        let policies = OrgPolicies::Read {
            levels: Vec::new(),
            management_account: true,
            organization_id: Some(organization_id),
        };
        return policies.into();
    }
    let tree = match (root, parents) {
        (Ok(enabled), Ok(chain)) => {
            let chain = Chain {
                account,
                ancestors: &chain,
                ou_names,
            };
            walked_tree(&org, &chain, &enabled).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let tree = match tree {
        Ok(tree) => OrgTree {
            partition: clients.partition().to_owned(),
            organization_id,
            management_account: management,
            ..tree
        },
        Err(e) => return not_read(account, &e).into(),
    };
    // The walk's tree holds the account and its chain up to the root.
    let policies = tree
        .policies_over(account)
        .unwrap_or_else(|| OrgPolicies::NotRead {
            reason: format!(
                "account {account}: its chain to the root was not read: {WHO_MAY_READ}"
            ),
        });
    let stored = tree.policies.iter().chain(&tree.scps);
    let documents = stored.map(|p| (p.id.clone(), p.document.clone())).collect();
    Walked {
        policies,
        documents,
    }
}

fn not_read(account: &str, e: &ReadError) -> OrgPolicies {
    let what = match e {
        ReadError::Aws(e) => format!("{} refused ({})", e.operation, e.message),
        ReadError::Document { policy, problem } => {
            format!("policy {policy} is not a valid policy document ({problem})")
        }
    };
    OrgPolicies::NotRead {
        reason: format!("account {account}: {what}: {WHO_MAY_READ}"),
    }
}

#[derive(Debug)]
enum ReadError {
    Aws(AwsError),
    Document { policy: String, problem: String },
}

impl From<AwsError> for ReadError {
    fn from(e: AwsError) -> ReadError {
        ReadError::Aws(e)
    }
}

type Org = aws_sdk_organizations::Client;

/// `(organization ID, management account ID)`, or `None` outside any organization.
async fn describe_organization(org: &Org) -> Result<Option<(String, String)>, ReadError> {
    let out = match org.describe_organization().send().await {
        Ok(out) => out,
        Err(e) => {
            let e = AwsError::from_sdk("organizations:DescribeOrganization", e);
            if e.is_code("AWSOrganizationsNotInUseException") {
                return Ok(None);
            }
            return Err(e.into());
        }
    };
    let o = out.organization();
    Ok(Some((
        o.and_then(|o| o.id()).unwrap_or_default().to_owned(),
        o.and_then(|o| o.master_account_id())
            .unwrap_or_default()
            .to_owned(),
    )))
}

/// The policy types the root has enabled (of the two on the path).
async fn list_root(org: &Org) -> Result<BTreeSet<String>, ReadError> {
    let out = org
        .list_roots()
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("organizations:ListRoots", e))?;
    Ok(out
        .roots()
        .iter()
        .flat_map(|r| r.policy_types())
        .filter(|t| t.status() == Some(&PolicyTypeStatus::Enabled))
        .filter_map(|t| t.r#type().map(|t| t.as_str().to_owned()))
        .collect())
}

/// OUs nest at most five deep under the root (AWS Organizations User Guide, "Quotas"): a
/// longer chain is a server's fault, not a reason to loop.
const MAX_PARENTS: usize = 6;

/// The account's ancestors, nearest first, ending with the root: `(id, kind)`.
async fn parents(org: &Org, account: &str) -> Result<Vec<(String, LevelKind)>, ReadError> {
    let mut chain = Vec::new();
    let mut child = account.to_owned();
    while chain.len() < MAX_PARENTS {
        let out = org
            .list_parents()
            .child_id(&child)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("organizations:ListParents", e))?;
        let Some(parent) = out.parents().first() else {
            break;
        };
        let id = parent.id().unwrap_or_default().to_owned();
        let root = parent.r#type() == Some(&ParentType::Root);
        let kind = if root {
            LevelKind::Root
        } else {
            LevelKind::OrganizationalUnit
        };
        chain.push((id.clone(), kind));
        if root {
            return Ok(chain);
        }
        child = id;
    }
    // Levels without the root would leave its policies out of the evaluation: not read.
    Err(ReadError::Aws(AwsError {
        operation: "organizations:ListParents",
        code: None,
        message: format!("no root found above {child}"),
        hint: None,
    }))
}

/// The account and its ancestors (nearest first, ending with the root), with the run's OU
/// names.
struct Chain<'a> {
    account: &'a str,
    ancestors: &'a [(String, LevelKind)],
    ou_names: &'a OuNames,
}

/// The part of the organization's tree the walk reads — the account, its OUs and the root,
/// with the policies of each enabled type attached at each level — as the one model of the
/// organization (`OrgTree`), whose levels the whole path reads: the attachments of each enabled
/// type at each level and the OUs' names concurrently, then each distinct policy's document
/// concurrently.
async fn walked_tree(
    org: &Org,
    chain: &Chain<'_>,
    enabled: &BTreeSet<String>,
) -> Result<OrgTree, ReadError> {
    let mut ids: Vec<(String, LevelKind)> = chain.ancestors.iter().rev().cloned().collect();
    ids.push((chain.account.to_owned(), LevelKind::Account));
    let types: Vec<&PolicyType> = TYPES
        .iter()
        .filter(|t| enabled.contains(t.as_str()))
        .collect();
    let lists = try_join_all(ids.iter().flat_map(|(id, _)| {
        types
            .iter()
            .map(move |t| attached(org, id, t).map_ok(move |p| (id.as_str(), *t, p)))
    }));
    let (lists, names) = tokio::join!(lists, ou_names(org, &ids, chain.ou_names));
    let lists = lists?;
    let distinct: BTreeSet<&str> = lists
        .iter()
        .flat_map(|(_, _, ps)| ps.iter().map(String::as_str))
        .collect();
    let described = try_join_all(distinct.into_iter().map(|id| describe(org, id))).await?;
    let of = |t: &PolicyType| -> Vec<StoredPolicy> {
        (described.iter())
            .filter_map(|(id, name, document)| {
                let targets: Vec<String> = (lists.iter())
                    .filter(|(_, lt, ps)| *lt == t && ps.contains(id))
                    .map(|(level, _, _)| (*level).to_owned())
                    .collect();
                (!targets.is_empty()).then(|| StoredPolicy {
                    id: id.clone(),
                    name: name.clone(),
                    document: document.clone(),
                    targets,
                    ours: false,
                    tags: Vec::new(),
                })
            })
            .collect()
    };
    let up = chain.ancestors.iter().map(|(id, _)| id.as_str());
    let nodes = (std::iter::once(chain.account).chain(up.clone()).zip(up))
        .map(|(id, parent)| OrgNode {
            id: id.to_owned(),
            name: names.get(id).cloned().unwrap_or_default(),
            parent: parent.to_owned(),
        })
        .collect();
    Ok(OrgTree {
        root: (chain.ancestors.last()).map_or_else(String::new, |(id, _)| id.clone()),
        rcps_enabled: enabled.contains(PolicyType::ResourceControlPolicy.as_str()),
        scps_enabled: enabled.contains(PolicyType::ServiceControlPolicy.as_str()),
        nodes,
        policies: of(&PolicyType::ResourceControlPolicy),
        scps: of(&PolicyType::ServiceControlPolicy),
        ..OrgTree::default()
    })
}

/// The names of the OUs among `ids` that could be read, by ID (once per run each).
async fn ou_names<'a>(
    org: &Org,
    ids: &'a [(String, LevelKind)],
    names: &OuNames,
) -> BTreeMap<&'a str, String> {
    let ous = ids
        .iter()
        .filter(|(_, kind)| *kind == LevelKind::OrganizationalUnit);
    join_all(ous.map(|(id, _)| names.name(org, id).map(move |n| (id.as_str(), n))))
        .await
        .into_iter()
        .filter_map(|(id, name)| Some((id, name?)))
        .collect()
}

/// The IDs of the policies of type `t` attached to `target` (every page).
async fn attached(org: &Org, target: &str, t: &PolicyType) -> Result<Vec<String>, ReadError> {
    let mut out = Vec::new();
    let mut pages = (org.list_policies_for_target())
        .target_id(target)
        .filter(t.clone())
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| AwsError::from_sdk("organizations:ListPoliciesForTarget", e))?;
        out.extend(
            page.policies()
                .iter()
                .filter_map(|p| p.id().map(str::to_owned)),
        );
    }
    Ok(out)
}

/// One policy's ID, name and document (`DescribePolicy`).
async fn describe(org: &Org, id: &str) -> Result<(String, String, serde_json::Value), ReadError> {
    let out = org
        .describe_policy()
        .policy_id(id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("organizations:DescribePolicy", e))?;
    let p = out.policy();
    let name = p
        .and_then(|p| p.policy_summary())
        .and_then(|s| s.name())
        .unwrap_or(id)
        .to_owned();
    let content = p.and_then(|p| p.content()).unwrap_or_default();
    let document = serde_json::from_str(content).map_err(|e| ReadError::Document {
        policy: format!("{name} ({id})"),
        problem: e.to_string(),
    })?;
    Ok((id.to_owned(), name, document))
}
