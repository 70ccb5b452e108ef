//! The organization's tree as plain data: each member account's chain of levels (the account,
//! its OUs, the root), the RCPs that govern it, and the member accounts under a target.
//!
//! Part of `organization`. An RCP attached at any level of an account's chain governs the
//! account's resources (AWS Organizations User Guide, "RCP evaluation").

use std::collections::BTreeSet;

use super::{OrgTree, StoredPolicy};

impl OrgTree {
    /// The parent of `id` (`None` for the root or an ID the tree does not hold).
    fn parent(&self, id: &str) -> Option<&str> {
        let node = self.nodes.iter().find(|n| n.id == id)?;
        Some(node.parent.as_str())
    }

    /// `id`, then each level above it up to the root.
    pub(crate) fn chain(&self, id: &str) -> Vec<String> {
        let mut out = vec![id.to_owned()];
        let mut at = id.to_owned();
        while let Some(up) = self.parent(&at) {
            if out.iter().any(|l| l == up) {
                break;
            }
            out.push(up.to_owned());
            at = up.to_owned();
        }
        out
    }

    /// Every account of the organization but the management account, in ID order.
    pub(crate) fn members(&self) -> Vec<String> {
        let all =
            (self.nodes.iter()).filter(|n| is_account(&n.id) && n.id != self.management_account);
        let ids: BTreeSet<String> = all.map(|n| n.id.clone()).collect();
        ids.into_iter().collect()
    }

    /// The member accounts at or under `target`.
    pub(crate) fn members_under(&self, target: &str) -> Vec<String> {
        (self.members().into_iter())
            .filter(|a| self.chain(a).iter().any(|l| l == target))
            .collect()
    }

    /// Whether `id` is the root, an OU or an account of this organization.
    pub(crate) fn holds(&self, id: &str) -> bool {
        id == self.root || self.nodes.iter().any(|n| n.id == id)
    }

    /// A target's name: the root's is `Root`.
    pub(crate) fn name_of(&self, id: &str) -> String {
        if id == self.root {
            return "Root".into();
        }
        let node = self.nodes.iter().find(|n| n.id == id);
        node.map(|n| n.name.clone()).unwrap_or_default()
    }

    /// The RCPs over `account` other than lambda-trust's own, each once.
    pub(crate) fn others_over(&self, account: &str) -> Vec<&StoredPolicy> {
        let chain = self.chain(account);
        (self.policies.iter())
            .filter(|p| !p.ours && p.targets.iter().any(|t| chain.contains(t)))
            .collect()
    }

    /// The RCPs attached to `target` itself.
    pub(crate) fn attached_to(&self, target: &str) -> Vec<&StoredPolicy> {
        (self.policies.iter())
            .filter(|p| p.targets.iter().any(|t| t == target))
            .collect()
    }

    /// lambda-trust's guardrail, when one is stored.
    pub(crate) fn ours(&self) -> Option<&StoredPolicy> {
        self.policies.iter().find(|p| p.ours)
    }
}

use lambda_trust_iam::is_account_id as is_account;
