//! The sweep narrowed through an AWS Config aggregator (`watch deploy --organization
//! --config-aggregator NAME`): before it fans out, the sweep reads every account's roles from
//! the aggregator (`ListAggregateDiscoveredResources` and `BatchGetAggregateResourceConfig`, 100
//! a call, as `audit --config-aggregator` reads them) and which accounts hold a finding of the
//! watch from Security Hub (an administrator sees its members'); an account is left out only
//! when both show nothing in it ([`Narrowing`]). The accounts with
//! partner roles are then re-proved whole, each through its reader, as every sweep's are: the
//! aggregator narrows whom to read, it never stands in for the reading (Config does not record
//! a version's or alias's policy, nor the organization's SCPs and RCPs).

use std::collections::BTreeSet;

use crate::aws::config_aggregator::list_and_read;
use crate::aws::sessions::CallCount;
use crate::aws::watch::organization::hub_view::{held_accounts, visible_accounts};
use crate::aws::Clients;
use crate::error::shown;
use lambda_trust_audit::{AggregatedIam, AuditOptions, CONFIG_ROLE_TYPE};
use lambda_trust_model::OrgWatchGenerator;

/// What a sweep read of the accounts before it fans out, through an AWS Config aggregator and
/// Security Hub: an account is left out only when both say there is nothing in it to re-prove.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Narrowing {
    /// The accounts the aggregator holds IAM roles of: Config records their roles.
    pub(crate) covered: BTreeSet<String>,
    /// Of those, the accounts with a role a partner can assume, or one the aggregator held no
    /// readable item of.
    pub(crate) partner: BTreeSet<String>,
    /// The accounts whose findings Security Hub shows the watch's account: its own, and its
    /// members' when it is their administrator.
    pub(crate) visible: BTreeSet<String>,
    /// Of those, the accounts holding an active finding of the watch.
    pub(crate) held: BTreeSet<String>,
}

impl Narrowing {
    /// Whether the sweep re-proves `account`: unless the aggregator covers it and shows no
    /// partner role there, and Security Hub shows it and no finding of the watch in it — a
    /// finding would go unsettled, and a role Config does not record unread.
    pub(crate) fn sweeps(&self, account: &str) -> bool {
        let empty = self.covered.contains(account) && !self.partner.contains(account);
        let clean = self.visible.contains(account) && !self.held.contains(account);
        !(empty && clean)
    }
}

/// What the aggregator `aggregator` and the watch account `home`'s Security Hub show of the
/// accounts; why not, when either could not be read (every account is then swept).
pub(super) async fn narrowing(
    clients: &Clients,
    aggregator: &str,
    home: &str,
    opts: &AuditOptions,
    calls: &CallCount,
) -> Result<Narrowing, String> {
    let namespace = OrgWatchGenerator::All.to_string();
    let (read, held, visible) = tokio::join!(
        list_and_read(clients, aggregator, CONFIG_ROLE_TYPE, calls),
        held_accounts(clients, &namespace, calls),
        visible_accounts(clients, home, calls),
    );
    let read = read.map_err(|e| format!("the aggregator {aggregator}: {}", shown(&e)))?;
    let held = held.map_err(|e| format!("Security Hub's findings: {}", shown(&e)))?;
    let visible = visible.map_err(|e| format!("Security Hub's members: {}", shown(&e)))?;
    let iam = AggregatedIam::from(read.items.as_slice());
    let mut partner: BTreeSet<String> = (iam.unreadable.keys().cloned())
        .chain(read.unprocessed.iter().map(|l| l.account.clone()))
        .collect();
    for (account, account_iam) in &iam.accounts {
        let assumable = (account_iam.roles.iter())
            .any(|role| lambda_trust_audit::audit_role(account_iam, role, opts).is_some());
        if assumable {
            partner.insert(account.clone());
        }
    }
    Ok(Narrowing {
        covered: iam.accounts.keys().cloned().collect(),
        partner,
        visible,
        held,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An account is left out only when the aggregator covers it with no partner role and
    /// Security Hub shows it with no finding of the watch.
    #[test]
    fn an_account_is_left_out_only_when_both_show_nothing_in_it() {
        let set = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        let n = Narrowing {
            covered: set(&["a", "b", "c", "d"]),
            partner: set(&["b"]),
            visible: set(&["a", "b", "c", "e"]),
            held: set(&["c"]),
        };
        let swept: Vec<&str> = ["a", "b", "c", "d", "e", "f"]
            .into_iter()
            .filter(|a| n.sweeps(a))
            .collect();
        // a: nothing anywhere; b: a partner role; c: a finding; d: its hub not seen; e, f:
        // not covered by the aggregator.
        assert_eq!(swept, ["b", "c", "d", "e", "f"]);
    }
}
