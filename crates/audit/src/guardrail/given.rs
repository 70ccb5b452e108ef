//! What was given that cannot be what was meant, refused before any write: an exemption in
//! another partition, outside the organization, of the management account (RCPs never apply
//! there: nothing to exempt), or of a role not read in its account; a partner account that is
//! one of the organization's own.
//!
//! Part of `guardrail`. Only what a run was given is judged: what apply recorded was judged
//! when it was given.

use super::document::is_account;
use super::model::GuardrailAsked;
use super::model::GuardrailRoles;
use crate::organization::OrgTree;

/// Why something given cannot be meant; `Ok` when all can.
pub(crate) fn refuse_given(
    asked: &GuardrailAsked,
    tree: &OrgTree,
    roles: &GuardrailRoles,
) -> Result<(), String> {
    for arn in &asked.exempt {
        exemption(arn, tree, roles)?;
    }
    for partner in &asked.partners {
        if partner == &tree.management_account || tree.holds(partner) {
            return Err(format!(
                "--partner-account {partner} is one of this organization's accounts ({}): a \
                 partner is the outside account that assumes your roles (Genesys Cloud's \
                 765628985471, or the account Genesys gives for FedRAMP)",
                tree.name_of(partner)
            ));
        }
    }
    Ok(())
}

fn exemption(arn: &str, tree: &OrgTree, roles: &GuardrailRoles) -> Result<(), String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, partition, _, _, account, _] = parts[..] else {
        return Ok(()); // not an ARN: the document's own check names it
    };
    if partition != tree.partition {
        return Err(format!(
            "--exempt-role {arn} is in the {partition} partition; this organization is in {}",
            tree.partition
        ));
    }
    if account == tree.management_account {
        return Err(format!(
            "--exempt-role {arn} is the management account's: RCPs never apply there, so \
             there is nothing to exempt (AWS Organizations User Guide, \"Resource control \
             policies\")"
        ));
    }
    if !is_account(account) || !tree.holds(account) {
        return Err(format!(
            "--exempt-role {arn}: account {account} is not in this organization"
        ));
    }
    let GuardrailRoles::Read(accounts) = roles else {
        return Ok(());
    };
    let read = accounts.iter().find(|(a, _)| a == account);
    match read {
        Some((_, Ok(list))) if !list.iter().any(|(a, _, _)| a == arn) => Err(format!(
            "--exempt-role {arn}: no such role that a partner account can assume was read in \
             account {account} (it does not exist, or the partner cannot assume it): nothing \
             to exempt"
        )),
        _ => Ok(()),
    }
}
