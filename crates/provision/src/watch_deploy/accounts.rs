//! Targets in other accounts (`[aws.accounts]`): their Lambda permission calls happen in their
//! own account, whose EventBridge alone receives them from CloudTrail. In each region of such
//! targets a rule there forwards them — sent with a role of that account — to the default
//! event bus of the function's region, whose policy admits exactly those accounts
//! (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html>).

use std::collections::{BTreeMap, BTreeSet};

use super::model::{
    bus_statement, name_of, target_account, BusAccess, WatchInput, WatchRole, WatchRule,
};
use super::role::forward_role;
use super::rules::lambda_rules;

/// Each account of the targets but the function's, with the regions of its targets.
pub(super) fn other_accounts(input: &WatchInput) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (region, _, arn, _) in &input.targets {
        let account = target_account(arn);
        if account != input.account {
            out.entry(account).or_default().insert(region.as_str());
        }
    }
    out
}

/// What the other accounts need: in each, the forwarding role and the rules of its regions;
/// and the home bus's statements admitting them.
pub(super) fn account_parts(
    input: &WatchInput,
    home: &str,
) -> (Vec<WatchRole>, Vec<WatchRule>, Vec<BusAccess>) {
    let p = &input.partition;
    let bus = format!("arn:{p}:events:{home}:{}:event-bus/default", input.account);
    let name = name_of(&input.role, "-fwd");
    let (mut roles, mut rules, mut access) = (Vec::new(), Vec::new(), Vec::new());
    for (account, regions) in other_accounts(input) {
        let role_arn = format!("arn:{p}:iam::{account}:role/{name}");
        roles.push(forward_role(input, (&name, Some(account)), home));
        for region in regions {
            for mut rule in lambda_rules(input, (Some((account, region)), region), &bus) {
                rule.account = Some(account.to_owned());
                rule.target_role = Some(role_arn.clone());
                rules.push(rule);
            }
        }
        access.push(BusAccess {
            account: account.to_owned(),
            statement_id: bus_statement(&input.role, account),
            region: home.to_owned(),
        });
    }
    (roles, rules, access)
}
