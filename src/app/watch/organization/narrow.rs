//! The sweep narrowed through an AWS Config aggregator (`watch deploy --organization
//! --config-aggregator NAME`): before it fans out, the sweep reads every account's roles from
//! the aggregator (`ListAggregateDiscoveredResources` and `BatchGetAggregateResourceConfig`, 100
//! a call, as `audit --config-aggregator` reads them) and which accounts hold a finding of the
//! watch from Security Hub (an administrator sees its members'); an account is left out only
//! when both show nothing in it (`lambda_trust_provision::Narrowing`). The accounts with
//! partner roles are then re-proved whole, each through its reader, as every sweep's are: the
//! aggregator narrows whom to read, it never stands in for the reading (Config does not record
//! a version's or alias's policy, nor the organization's SCPs and RCPs).

use std::collections::BTreeSet;

use crate::aws::audit::CallCount;
use crate::aws::config_aggregator::list_and_read;
use crate::aws::hub_view::{held_accounts, visible_accounts};
use crate::aws::Clients;
use crate::error::shown;
use lambda_trust_audit::{aggregate_iam, AuditOptions, CONFIG_ROLE_TYPE};
use lambda_trust_model::ORGANIZATION_WATCH_GENERATOR;
use lambda_trust_provision::Narrowing;

/// What the aggregator `aggregator` and the watch account `home`'s Security Hub show of the
/// accounts; why not, when either could not be read (every account is then swept).
pub(super) async fn narrowing(
    clients: &Clients,
    (aggregator, home): (&str, &str),
    opts: &AuditOptions,
    calls: &CallCount,
) -> Result<Narrowing, String> {
    let (read, held, visible) = tokio::join!(
        list_and_read(clients, aggregator, CONFIG_ROLE_TYPE, calls),
        held_accounts(clients, ORGANIZATION_WATCH_GENERATOR, calls),
        visible_accounts(clients, home, calls),
    );
    let read = read.map_err(|e| format!("the aggregator {aggregator}: {}", shown(&e)))?;
    let held = held.map_err(|e| format!("Security Hub's findings: {}", shown(&e)))?;
    let visible = visible.map_err(|e| format!("Security Hub's members: {}", shown(&e)))?;
    let iam = aggregate_iam(&read.items);
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
