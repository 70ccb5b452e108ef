//! The organization policies over one account, from the tree read once a run: the levels from
//! the root through each OU to the account, each with the SCPs and RCPs attached to it
//! (`lambda_trust_iam::OrgPolicies`), what the walk up from the account (`ListParents`,
//! `ListPoliciesForTarget` per level, `DescribePolicy`) reads, without a call.
//!
//! Part of `organization`. SCPs and RCPs govern only the member accounts, never the management
//! account (AWS Organizations User Guide, "Service control policies (SCPs)", "Resource control
//! policies (RCPs)"); a policy type not enabled at the root stands in as its full-access
//! policy, as the walk does.

use lambda_trust_iam::is_account_id as is_account;
use lambda_trust_iam::{Level, LevelKind, OrgLevel, OrgPolicies, OrgPolicy, Policy, PolicyKind};

use super::{OrgTree, StoredPolicy};

impl OrgTree {
    /// The organization policies over `account`; `None` when the tree does not hold it (an
    /// account of another organization, or none: only a read of that account can say).
    pub fn policies_over(&self, account: &str) -> Option<OrgPolicies> {
        if account == self.management_account {
            return Some(OrgPolicies::Read {
                levels: Vec::new(),
                management_account: true,
                organization_id: Some(self.organization_id.clone()),
            });
        }
        let held = self.nodes.iter().any(|n| n.id == account);
        if !is_account(account) || !held {
            return None;
        }
        let mut chain = self.chain(account);
        if chain.last() != Some(&self.root) {
            return None;
        }
        chain.reverse();
        let levels: Result<Vec<OrgLevel>, String> = chain.iter().map(|id| self.level(id)).collect();
        Some(match levels {
            Ok(levels) => OrgPolicies::Read {
                levels,
                management_account: false,
                organization_id: Some(self.organization_id.clone()),
            },
            Err(problem) => OrgPolicies::NotRead {
                reason: format!("account {account}: {problem}"),
            },
        })
    }

    /// One level with its policies, named as the walk names it: an OU by its name, the root
    /// and the account by their IDs.
    fn level(&self, id: &str) -> Result<OrgLevel, String> {
        let kind = match id {
            _ if id == self.root => LevelKind::Root,
            _ if is_account(id) => LevelKind::Account,
            _ => LevelKind::OrganizationalUnit,
        };
        let named = (self.nodes.iter()).find(|n| n.id == id && !n.name.is_empty());
        let name = match (kind, named) {
            (LevelKind::OrganizationalUnit, Some(n)) => n.name.clone(),
            _ => id.to_owned(),
        };
        let of = |enabled: bool, kind: PolicyKind, stored: &[StoredPolicy]| {
            if !enabled {
                return Ok(vec![OrgPolicy::not_enabled(kind)]);
            }
            (stored.iter())
                .filter(|p| p.targets.iter().any(|t| t == id))
                .map(parsed)
                .collect::<Result<Vec<_>, String>>()
        };
        Ok(OrgLevel {
            level: Level {
                kind,
                id: id.to_owned(),
                name,
            },
            scps: of(self.scps_enabled, PolicyKind::Scp, &self.scps)?,
            rcps: of(self.rcps_enabled, PolicyKind::Rcp, &self.policies)?,
        })
    }
}

/// A stored policy's document as the evaluator reads it.
fn parsed(p: &StoredPolicy) -> Result<OrgPolicy, String> {
    let policy = Policy::try_from(&p.document).map_err(|e| {
        format!(
            "policy {} ({}) is not a valid policy document ({e})",
            p.name, p.id
        )
    })?;
    Ok(OrgPolicy {
        id: p.id.clone(),
        name: p.name.clone(),
        policy,
    })
}
