//! Targets in other accounts (`[aws.accounts]`): their Lambda permission calls happen in their
//! own account, whose EventBridge alone receives them from CloudTrail. In each region of such
//! targets a rule there forwards them — sent with a role of that account — to the watch's own
//! event bus in the function's region, whose policy admits exactly those roles
//! (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html>); rules on
//! that bus hand them to the function. The function reads those accounts through a read-only
//! role in each, which trusts the function's role alone — never the account's `role_arn`,
//! which is `apply`'s and writes.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::model::{
    bus_name_of, bus_statement, name_of, other_accounts, target_account, WatchBus, WatchInput,
    WatchOwner, WatchRole, WatchRule,
};
use super::role::{forward_role, reader_role, ForwardRole};
use super::rules::{lambda_rules, lambda_rules_of, Place, RuleAt};
use super::FunctionAt;
use lambda_trust_iam::{Arn, AwsResource};

/// What the other accounts need.
pub(super) struct AccountParts {
    /// In each, the role its rules forward with.
    pub forwarders: Vec<WatchRole>,
    /// In each, the read-only role the function assumes.
    pub readers: Vec<WatchRole>,
    /// Their forwarding rules, and the watch bus's rules handing their events to the function.
    pub rules: Vec<WatchRule>,
    /// The watch's own bus.
    pub bus: Option<WatchBus>,
}

/// An account's forwarding role, by its ARN.
#[derive(Clone, Copy)]
struct Forwarder<'a> {
    account: &'a str,
    role_arn: &'a str,
}

/// What the other accounts need, with the function at `function`.
pub(super) fn account_parts(input: &WatchInput, function: FunctionAt<'_>) -> AccountParts {
    let home = function.region;
    let others = other_accounts(input);
    let mut parts = AccountParts {
        forwarders: Vec::new(),
        readers: Vec::new(),
        rules: Vec::new(),
        bus: None,
    };
    if others.is_empty() {
        return parts;
    }
    let p = &input.partition;
    let name = bus_name_of(input.owner());
    let bus = AwsResource::EventBus {
        region: home,
        name: &name,
    };
    let bus_arn = Arn::of(p, &input.account, bus).to_string();
    let forward = name_of(input.owner(), "-fwd");
    let mut statements = Vec::new();
    for (account, regions) in &others {
        let role_arn = Arn::of(p, account, AwsResource::Role(&forward)).to_string();
        let role = ForwardRole {
            name: &forward,
            of: Some(account),
            partition: p,
            account,
        };
        parts.forwarders.push(forward_role(role, &bus_arn));
        parts.readers.push(reader_role(input, account));
        let forwarder = Forwarder {
            account,
            role_arn: &role_arn,
        };
        let rules = forwarding_rules(input, forwarder, regions, &bus_arn);
        parts.rules.extend(rules);
        statements.push(admitted(input.owner(), forwarder, &bus_arn));
    }
    let theirs = (input.targets.iter()).filter(|t| others.contains_key(target_account(&t.2)));
    let at = RuleAt {
        region: home,
        target: function.arn,
    };
    for mut rule in lambda_rules_of(input, theirs, "-accounts", at) {
        rule.bus = Some(bus_arn.clone());
        parts.rules.push(rule);
    }
    parts.bus = Some(WatchBus {
        name,
        region: home.to_owned(),
        arn: bus_arn,
        policy: json!({"Version": "2012-10-17", "Statement": statements}),
    });
    parts
}

/// The rules in `forwarder`'s account, one set in each of `regions`, sending its Lambda calls
/// to the bus `bus_arn` with its forwarding role.
fn forwarding_rules(
    input: &WatchInput,
    forwarder: Forwarder<'_>,
    regions: &BTreeSet<&str>,
    bus_arn: &str,
) -> Vec<WatchRule> {
    let account = forwarder.account;
    let mut rules = Vec::new();
    for &region in regions {
        let at = RuleAt {
            region,
            target: bus_arn,
        };
        for mut rule in lambda_rules(input, Some(Place { account, region }), at) {
            rule.account = Some(account.to_owned());
            rule.target_role = Some(forwarder.role_arn.to_owned());
            rules.push(rule);
        }
    }
    rules
}

/// The bus policy's statement admitting `forwarder`'s role alone: its account as the
/// principal, narrowed by `aws:PrincipalArn` to the role's ARN — a role-ARN principal would be
/// pinned to the role's unique ID, so a role recreated under the same name would silently be
/// refused (IAM User Guide, "AWS JSON policy elements: Principal").
fn admitted(owner: WatchOwner<'_>, forwarder: Forwarder<'_>, bus_arn: &str) -> Value {
    let Forwarder { account, role_arn } = forwarder;
    let partition = bus_arn.split(':').nth(1).unwrap_or("aws");
    json!({"Sid": bus_statement(owner, account), "Effect": "Allow",
        "Principal": {"AWS": Arn::of(partition, account, AwsResource::Root).to_string()},
        "Action": "events:PutEvents", "Resource": bus_arn,
        "Condition": {"ArnEquals": {"aws:PrincipalArn": role_arn}}})
}
