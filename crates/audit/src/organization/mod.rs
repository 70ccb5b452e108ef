//! The organization as AWS Organizations lists it, as plain data: its tree of OUs and
//! accounts, and its SCPs and RCPs with their documents and targets ([`OrgTree`]), read once
//! a run. From it, which RCPs govern each account (the guardrail's question, `tree`) and the
//! organization policies over an account in the whole path's form (`levels`: the same
//! `OrgPolicies` a walk from the account up to the root reads).
//!
//! Part of the auditor; `aws::organizations` reads it.

mod levels;
mod tree;

use serde_json::Value;

/// An organization as AWS Organizations lists it: its tree, its RCPs and (when read) its
/// SCPs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgTree {
    /// The AWS partition (`aws`, `aws-cn`).
    pub partition: String,
    /// The organization's ID (`o-…`).
    pub organization_id: String,
    /// The management account's ID.
    pub management_account: String,
    /// The root's ID (`r-…`).
    pub root: String,
    /// Whether the root has RCPs enabled (`ENABLED`); `false` also while `PENDING_ENABLE`.
    pub rcps_enabled: bool,
    /// Whether the root has SCPs enabled (`ENABLED`).
    pub scps_enabled: bool,
    /// Every OU and account with its parent (the root has none), and its name.
    pub nodes: Vec<OrgNode>,
    /// Every RCP of the organization, with its document and targets.
    pub policies: Vec<StoredPolicy>,
    /// Every SCP, with its document and targets; read only while SCPs are enabled (else each
    /// level stands in `FullAWSAccess`).
    pub scps: Vec<StoredPolicy>,
}

/// One OU or account of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgNode {
    /// `ou-…` or a 12-digit account ID.
    pub id: String,
    /// Its name in the organization.
    pub name: String,
    /// The root's or an OU's ID.
    pub parent: String,
}

/// One SCP or RCP as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPolicy {
    /// `p-…` (`p-FullAWSAccess`-like for AWS managed ones).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its document.
    pub document: Value,
    /// The root, OUs and accounts it is attached to.
    pub targets: Vec<String>,
    /// Tagged as lambda-trust's guardrail (an RCP's tags only are read).
    pub ours: bool,
    /// Its tags (key, value): ours hold what apply recorded (`record`).
    pub tags: Vec<(String, String)>,
}

#[cfg(test)]
mod tests;
