//! What `watch deploy --organization` writes in CloudFormation, and what `watch destroy
//! --organization` removes: the StackSets and the management account's stacks compared with
//! what is live of them. A StackSet's instances are named by the organization's root, so every
//! account is covered, and by region; what is not the organization watch's (a StackSet or stack
//! of its name without its tag) is never taken over.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use super::home::OrgWatchDeployment;
use super::model::ORG_WATCH;
use super::stacks::{Stack, StackSet};
use crate::watch::deploy::NotOurs;

/// What is live of one of the organization watch's StackSets, or of one of the management
/// account's stacks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeenStack {
    /// Its template.
    pub template: Value,
    /// Its `lambda-trust-org-watch` tag: the organization it watches (`None`: not ours).
    pub owner: Option<String>,
    /// A StackSet's instances (none for a stack).
    pub instances: Vec<SeenInstance>,
}

/// One instance of a StackSet: an account's stack in a region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenInstance {
    /// The account.
    pub account: String,
    /// The region.
    pub region: String,
    /// `CURRENT`, `OUTDATED` or `INOPERABLE` (CloudFormation's `StackInstanceStatus`).
    pub status: String,
    /// Why it is not current, as CloudFormation says.
    pub reason: Option<String>,
}

/// What is live of the organization watch in CloudFormation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeenStacks {
    /// Each StackSet of its names that exists, by name.
    pub stack_sets: BTreeMap<String, SeenStack>,
    /// Each management account stack of its names that exists, by (region, name).
    pub stacks: BTreeMap<(String, String), SeenStack>,
    /// The organization's active accounts but the management account: each is to hold an
    /// instance of every StackSet in each of its regions.
    pub members: Vec<String>,
}

/// One write in CloudFormation. `name`: the StackSet's or stack's; `root`: the organization's
/// root, whose every account a StackSet's instances are in; `regions`: the instances'.
#[derive(Debug, Clone, PartialEq)]
pub enum StackOp {
    /// A service-managed StackSet with automatic deployment, then its instances in every
    /// account under `root`, in `regions`.
    CreateStackSet {
        /// Its name.
        name: String,
        /// Its template.
        template: Value,
        /// The organization's root.
        root: String,
        /// The instances' regions.
        regions: Vec<String>,
    },
    /// A StackSet's template replaced; every instance is updated with it.
    UpdateStackSet {
        /// Its name.
        name: String,
        /// Its template.
        template: Value,
    },
    /// Instances added in `regions`, in every account under `root`.
    AddInstances {
        /// The StackSet's name.
        name: String,
        /// The organization's root.
        root: String,
        /// The regions added.
        regions: Vec<String>,
    },
    /// Instances removed from `regions` (their stacks deleted).
    RemoveInstances {
        /// The StackSet's name.
        name: String,
        /// The organization's root.
        root: String,
        /// The regions removed.
        regions: Vec<String>,
    },
    /// Every instance removed, then the StackSet.
    DeleteStackSet {
        /// Its name.
        name: String,
        /// The organization's root.
        root: String,
        /// Its instances' regions.
        regions: Vec<String>,
    },
    /// A stack in the management account.
    CreateStack {
        /// Its name.
        name: String,
        /// Its region.
        region: String,
        /// Its template.
        template: Value,
    },
    /// A management account stack's template replaced.
    UpdateStack {
        /// Its name.
        name: String,
        /// Its region.
        region: String,
        /// Its template.
        template: Value,
    },
    /// A management account stack deleted.
    DeleteStack {
        /// Its name.
        name: String,
        /// Its region.
        region: String,
    },
}

impl fmt::Display for StackOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all = |regions: &[String]| regions.join(", ");
        match self {
            StackOp::CreateStackSet { name, regions, .. } => write!(
                f,
                "create StackSet {name} (every account of the organization, {})",
                all(regions)
            ),
            StackOp::UpdateStackSet { name, .. } => {
                write!(f, "update StackSet {name} (its template, in every account)")
            }
            StackOp::AddInstances { name, regions, .. } => {
                write!(f, "add StackSet {name}'s stacks in {}", all(regions))
            }
            StackOp::RemoveInstances { name, regions, .. } => {
                write!(f, "remove StackSet {name}'s stacks from {}", all(regions))
            }
            StackOp::DeleteStackSet { name, .. } => {
                write!(f, "delete StackSet {name} and its stack in every account")
            }
            StackOp::CreateStack { name, region, .. } => {
                write!(f, "create stack {name} in the management account, {region}")
            }
            StackOp::UpdateStack { name, region, .. } => {
                write!(f, "update stack {name} in the management account, {region}")
            }
            StackOp::DeleteStack { name, region } => {
                write!(f, "delete stack {name} in the management account, {region}")
            }
        }
    }
}

/// The writes that make `seen` what `want` says (none when it already is). `management`:
/// whether the run may write the management account's stacks (it runs with that account's
/// credentials).
pub fn plan_stacks(
    want: &OrgWatchDeployment,
    seen: &SeenStacks,
    organization: &str,
    management: bool,
) -> Result<Vec<StackOp>, NotOurs> {
    let mut ops = Vec::new();
    let wanted: Vec<&StackSet> = [&want.global, &want.regional]
        .into_iter()
        .filter(|s| !s.regions.is_empty())
        .collect();
    for set in &wanted {
        ops.extend(stack_set_ops(set, seen, want, organization)?);
    }
    for (name, s) in &seen.stack_sets {
        if !wanted.iter().any(|w| &w.name == name) && ours(s.owner.as_deref(), organization) {
            ops.push(delete_stack_set(name, s, &want.root.clone()));
        }
    }
    if management {
        ops.extend(management_ops(&want.management, seen, organization)?);
    }
    Ok(ops)
}

/// The writes that remove the organization watch's StackSets and stacks (only those whose tag
/// names `organization`).
pub fn teardown_stacks(
    seen: &SeenStacks,
    organization: &str,
    root: &str,
    management: bool,
) -> Vec<StackOp> {
    let sets = (seen.stack_sets.iter())
        .filter(|(_, s)| ours(s.owner.as_deref(), organization))
        .map(|(name, s)| delete_stack_set(name, s, root));
    let stacks = (seen.stacks.iter())
        .filter(|_| management)
        .filter(|(_, s)| ours(s.owner.as_deref(), organization))
        .map(|((region, name), _)| StackOp::DeleteStack {
            name: name.clone(),
            region: region.clone(),
        });
    sets.chain(stacks).collect()
}

fn ours(owner: Option<&str>, organization: &str) -> bool {
    owner == Some(organization)
}

/// `what`, under the organization watch's names, is not this organization's.
fn not_ours(what: String, organization: &str) -> NotOurs {
    NotOurs {
        what,
        tag: ORG_WATCH,
        owner: organization.to_owned(),
    }
}

fn delete_stack_set(name: &str, seen: &SeenStack, root: &str) -> StackOp {
    let regions: BTreeSet<String> = seen.instances.iter().map(|i| i.region.clone()).collect();
    StackOp::DeleteStackSet {
        name: name.to_owned(),
        root: root.to_owned(),
        regions: regions.into_iter().collect(),
    }
}

/// The writes that bring the StackSet `want` about, from what `stacks` saw of it and of the
/// organization's members.
fn stack_set_ops(
    want: &StackSet,
    stacks: &SeenStacks,
    deployment: &OrgWatchDeployment,
    organization: &str,
) -> Result<Vec<StackOp>, NotOurs> {
    let (seen, members) = (stacks.stack_sets.get(&want.name), &stacks.members);
    let root = deployment.root.clone();
    let Some(seen) = seen else {
        return Ok(vec![StackOp::CreateStackSet {
            name: want.name.clone(),
            template: want.template.clone(),
            root,
            regions: want.regions.clone(),
        }]);
    };
    if !ours(seen.owner.as_deref(), organization) {
        return Err(not_ours(format!("StackSet {}", want.name), organization));
    }
    let mut ops = Vec::new();
    if seen.template != want.template {
        ops.push(StackOp::UpdateStackSet {
            name: want.name.clone(),
            template: want.template.clone(),
        });
    }
    // A region is live when every member has its instance there (one that joined while
    // automatic deployment was off, or whose instance was removed, has none).
    let has = |region: &str, account: &str| {
        (seen.instances.iter()).any(|i| i.region == region && i.account == account)
    };
    let live: BTreeSet<&str> = (seen.instances.iter())
        .map(|i| i.region.as_str())
        .filter(|r| members.iter().all(|a| has(r, a)))
        .collect();
    let any: BTreeSet<&str> = seen.instances.iter().map(|i| i.region.as_str()).collect();
    let wanted: BTreeSet<&str> = want.regions.iter().map(String::as_str).collect();
    let list = |regions: BTreeSet<&&str>| regions.into_iter().map(|r| (*r).to_owned()).collect();
    let missing: Vec<String> = list(wanted.difference(&live).collect());
    let extra: Vec<String> = list(any.difference(&wanted).collect());
    if !missing.is_empty() {
        let (name, root) = (want.name.clone(), root.clone());
        ops.push(StackOp::AddInstances {
            name,
            root,
            regions: missing,
        });
    }
    if !extra.is_empty() {
        let name = want.name.clone();
        ops.push(StackOp::RemoveInstances {
            name,
            root,
            regions: extra,
        });
    }
    Ok(ops)
}

fn management_ops(
    want: &[Stack],
    seen: &SeenStacks,
    organization: &str,
) -> Result<Vec<StackOp>, NotOurs> {
    let mut ops = Vec::new();
    for stack in want {
        let key = (stack.region.clone(), stack.name.clone());
        let (name, region) = (stack.name.clone(), stack.region.clone());
        match seen.stacks.get(&key) {
            None => ops.push(StackOp::CreateStack {
                name,
                region,
                template: stack.template.clone(),
            }),
            Some(s) if !ours(s.owner.as_deref(), organization) => {
                return Err(not_ours(format!("stack {name} in {region}"), organization))
            }
            Some(s) if s.template != stack.template => ops.push(StackOp::UpdateStack {
                name,
                region,
                template: stack.template.clone(),
            }),
            Some(_) => {}
        }
    }
    for ((region, name), s) in &seen.stacks {
        let kept = want.iter().any(|w| &w.region == region && &w.name == name);
        if !kept && ours(s.owner.as_deref(), organization) {
            ops.push(StackOp::DeleteStack {
                name: name.clone(),
                region: region.clone(),
            });
        }
    }
    Ok(ops)
}
