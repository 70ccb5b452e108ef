//! `watch deploy`: what the watching function's deployment is — its role with exactly the reads
//! `check` makes, the function, the EventBridge rules that hand it CloudTrail's events and the
//! schedule — and the writes that bring AWS there ([`plan`]), or remove exactly it
//! ([`teardown`]).
//!
//! IAM's events reach EventBridge in the partition's IAM region only (us-east-1 for `aws`:
//! <https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-iam.html>), and a rule invokes
//! only targets in its own region, so the function lives there; a target region elsewhere has
//! a rule that forwards its Lambda events to that region's default event bus
//! (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html>).

mod accounts;
mod bootstrap;
pub(super) mod model;
mod ops;
mod plan;
pub(super) mod role;
mod rules;
mod seen;

use std::collections::{BTreeMap, BTreeSet};

use lambda_trust_config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};
use lambda_trust_iam::{Arn, AwsResource};

pub use bootstrap::runs_on_al2023;
use model::former_home_region;
pub(crate) use model::WatchRole;
pub use model::{
    read_roles, watch_names, Deployment, WatchConfigRule, WatchFunction, WatchInput, WatchOwner,
    WatchRule, WATCH_TAG,
};
pub use ops::WatchOp;
pub(crate) use plan::NotOurs;
pub use plan::{plan, teardown};
pub use role::{prove_read_only, secret_readable};
pub(crate) use rules::frequency;
pub use seen::{Seen, SeenBus, SeenConfigRule, SeenFunction, SeenRole, SeenRule};

use model::{config_statement, name_of};
use role::{forward_role, reads_policy, trust, ForwardRole};
use rules::event_rules;

/// Where the watching function lives: its home region and its ARN.
#[derive(Clone, Copy)]
struct FunctionAt<'a> {
    region: &'a str,
    arn: &'a str,
}

/// The function's ARN, and the default bus of its home region `home` in `input`'s account.
fn home_arns(input: &WatchInput, home: &str, name: &str) -> (String, String) {
    let function = AwsResource::Function {
        region: home,
        name,
        qualifier: None,
    };
    let bus = AwsResource::EventBus {
        region: home,
        name: "default",
    };
    let arn = |resource| Arn::of(&input.partition, &input.account, resource).to_string();
    (arn(function), arn(bus))
}

/// The deployment for `input`.
pub fn deployment(input: &WatchInput) -> Deployment {
    let home = lambda_trust_iam::iam_events_region(&input.partition);
    let (p, account) = (&input.partition, &input.account);
    let role_name = name_of(input.owner(), "");
    let (function_arn, default_bus) = home_arns(input, home, &role_name);
    // The regions of the targets in the function's account; other accounts forward their own.
    let regions: BTreeSet<&str> = (input.targets.iter())
        .filter(|t| model::target_account(&t.2) == account)
        .map(|t| t.0.as_str())
        .collect();
    let function = FunctionAt {
        region: home,
        arn: &function_arn,
    };
    let config_rule = config_rule_of(input, function, &role_name);
    let (rules, account_forwarders, account_readers, bus) = event_parts(input, function, &regions);
    Deployment {
        role: WatchRole {
            account: None,
            name: role_name.clone(),
            trust: trust("lambda.amazonaws.com"),
            policy_name: "lambda-trust-watch-reads".into(),
            policy: reads_policy(input, home, &role_name),
        },
        forward_role: home_forward_role(input, home, &regions, &default_bus),
        function: WatchFunction {
            arn: function_arn,
            region: home.into(),
            role_arn: Arn::of(p, account, AwsResource::Role(&role_name)).to_string(),
            name: role_name,
            architecture: input.architecture.clone(),
            code_sha256: input.code_sha256.clone(),
            timeout: 300,
            memory: 512,
            environment: environment(input, &account_readers),
            reserved_concurrency: None,
        },
        rules,
        config_rule,
        account_forwarders,
        account_readers,
        bus,
        tags: BTreeMap::from([
            (MANAGED_BY_KEY.into(), MANAGED_BY_VALUE.into()),
            (WATCH_TAG.into(), input.role.clone()),
        ]),
        former_home: former_home_region(&input.partition).map(str::to_owned),
    }
}

/// The role the function's account's rules in other regions forward with to `default_bus`, when
/// any forward: a target's region or the Genesys Cloud org's bus is not `home` (never with the
/// Config rule engine).
fn home_forward_role(
    input: &WatchInput,
    home: &str,
    regions: &BTreeSet<&str>,
    default_bus: &str,
) -> Option<WatchRole> {
    let genesys_region = input
        .genesys_bus
        .as_deref()
        .and_then(|b| b.split(':').nth(3));
    let forwarding = !input.config_rule
        && (regions.iter().any(|r| *r != home) || genesys_region.is_some_and(|r| r != home));
    let name = name_of(input.owner(), "-fwd");
    let role = ForwardRole {
        name: &name,
        of: None,
        partition: &input.partition,
        account: &input.account,
    };
    forwarding.then(|| forward_role(role, default_bus))
}

/// The EventBridge engine's rules, and what the other accounts need (none with the Config rule
/// engine).
fn event_parts(
    input: &WatchInput,
    function: FunctionAt<'_>,
    regions: &BTreeSet<&str>,
) -> (
    Vec<WatchRule>,
    Vec<WatchRole>,
    Vec<WatchRole>,
    Option<model::WatchBus>,
) {
    if input.config_rule {
        return Default::default();
    }
    let mut rules = event_rules(input, function, regions);
    let parts = accounts::account_parts(input, function);
    rules.extend(parts.rules);
    (rules, parts.forwarders, parts.readers, parts.bus)
}

/// The function's environment: the config's environment (`--env`) and the read-only roles it
/// assumes in other accounts.
fn environment(input: &WatchInput, readers: &[WatchRole]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = (input.env.iter())
        .map(|e| ("LAMBDA_TRUST_ENV".to_owned(), e.clone()))
        .collect();
    if !readers.is_empty() {
        let value = model::read_roles_value(readers, &input.partition);
        out.insert(model::READ_ROLES_ENV.to_owned(), value);
    }
    out
}

/// The AWS Config rule of the `config-rule` engine, in the function's region.
fn config_rule_of(
    input: &WatchInput,
    function: FunctionAt<'_>,
    role_name: &str,
) -> Option<WatchConfigRule> {
    input.config_rule.then(|| WatchConfigRule {
        name: role_name.to_owned(),
        region: function.region.into(),
        function_arn: function.arn.to_owned(),
        resource_types: [
            "AWS::IAM::Role",
            "AWS::IAM::Policy",
            "AWS::Lambda::Function",
        ]
        .map(str::to_owned)
        .to_vec(),
        frequency: frequency(&input.schedule).into(),
        statement_id: config_statement(role_name),
    })
}

#[cfg(test)]
mod tests;
