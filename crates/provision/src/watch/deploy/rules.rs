//! The EventBridge engine's rules: IAM's calls, Lambda's resource-policy calls (split to fit
//! the pattern quota), the schedule, forwarding from other regions, the Genesys Cloud org's
//! audit events; and the Config rule's frequency.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::model::{name_of, target_account, WatchInput, WatchRule};
use super::FunctionAt;
use crate::cloudtrail_calls::{calls_on, On};
use crate::watch::classify::GENESYS_TOPICS;
use lambda_trust_iam::{Arn, AwsResource};

/// An account and one of its regions.
#[derive(Clone, Copy)]
pub(super) struct Place<'a> {
    pub(super) account: &'a str,
    pub(super) region: &'a str,
}

/// Where rules go and what they hand their events to: their region and their target's ARN.
#[derive(Clone, Copy)]
pub(super) struct RuleAt<'a> {
    pub(super) region: &'a str,
    pub(super) target: &'a str,
}

/// How a rule in another region forwards to the home region: to its default bus, sending with
/// the forwarding role.
#[derive(Clone, Copy)]
struct Forwarding<'a> {
    bus: &'a str,
    role: &'a str,
}

/// The EventBridge engine's rules: IAM's calls and the schedule in the home region, Lambda's
/// calls there for every target, and in each other region a rule forwarding its own.
pub(super) fn event_rules(
    input: &WatchInput,
    function: FunctionAt<'_>,
    regions: &BTreeSet<&str>,
) -> Vec<WatchRule> {
    let (home, function_arn) = (function.region, function.arn);
    let (p, account) = (&input.partition, &input.account);
    let bus = AwsResource::EventBus {
        region: home,
        name: "default",
    };
    let bus = Arn::of(p, account, bus).to_string();
    let forward = name_of(input.owner(), "-fwd");
    let forward_arn = Arn::of(p, account, AwsResource::Role(&forward)).to_string();
    let mut rules = iam_rules(input, home, function_arn);
    rules.push(WatchRule {
        schedule: Some(input.schedule.clone()),
        ..rule(home, name_of(input.owner(), "-tick"), None, function_arn)
    });
    // The home region's rules match every target: another region's events arrive forwarded.
    if !input.targets.is_empty() {
        let at = RuleAt {
            region: home,
            target: function_arn,
        };
        rules.extend(lambda_rules(input, None, at));
    }
    for &region in regions.iter().filter(|r| **r != home) {
        let of = Place { account, region };
        for mut r in lambda_rules(
            input,
            Some(of),
            RuleAt {
                region,
                target: &bus,
            },
        ) {
            r.target_role = Some(forward_arn.clone());
            rules.push(r);
        }
    }
    if let Some(genesys) = &input.genesys_bus {
        let forwarding = Forwarding {
            bus: &bus,
            role: &forward_arn,
        };
        rules.extend(genesys_rules(input, function, genesys, forwarding));
    }
    rules
}

/// Genesys Cloud's audit events of the integration, its credential and its actions
/// (`v2.audits.entitytype.{Integration,Credential,Action,ActionDraft}.entityid.{id}`, its
/// Amazon EventBridge integration's topics): a rule on the org's event bus, aimed at the
/// function — or, in another region, forwarding to the home region's default bus, where a
/// second rule takes them to the function.
fn genesys_rules(
    input: &WatchInput,
    function: FunctionAt<'_>,
    bus_arn: &str,
    forwarding: Forwarding<'_>,
) -> Vec<WatchRule> {
    let (home, function_arn) = (function.region, function.arn);
    let region = bus_arn.split(':').nth(3).unwrap_or(home);
    let pattern = json!({
        "source": [{"prefix": "aws.partner/genesys.com"}],
        "detail-type": GENESYS_TOPICS.iter().map(|t| json!({"prefix": t})).collect::<Vec<_>>(),
    });
    let name = name_of(input.owner(), "-genesys");
    let mut on_bus = rule(region, name.clone(), Some(pattern.clone()), function_arn);
    on_bus.bus = Some(bus_arn.to_owned());
    if region == home {
        return vec![on_bus];
    }
    on_bus.target = forwarding.bus.to_owned();
    on_bus.target_role = Some(forwarding.role.to_owned());
    vec![on_bus, rule(home, name, Some(pattern), function_arn)]
}

/// A Config rule's `MaximumExecutionFrequency` for `schedule`: the nearest of One_Hour,
/// Three_Hours, Six_Hours, Twelve_Hours and TwentyFour_Hours at or above its period (a
/// `cron(…)` schedule: One_Hour).
pub(crate) fn frequency(schedule: &str) -> &'static str {
    let hours = (schedule
        .strip_prefix("rate(")
        .and_then(|r| r.strip_suffix(')')))
    .and_then(|r| r.split_once(' '))
    .and_then(|(n, unit)| {
        let n: f64 = n.parse().ok()?;
        Some(match unit.trim_end_matches('s') {
            "minute" => n / 60.0,
            "hour" => n,
            _ => n * 24.0,
        })
    })
    .unwrap_or(1.0);
    match hours {
        h if h <= 1.0 => "One_Hour",
        h if h <= 3.0 => "Three_Hours",
        h if h <= 6.0 => "Six_Hours",
        h if h <= 12.0 => "Twelve_Hours",
        _ => "TwentyFour_Hours",
    }
}

fn rule(region: &str, name: String, pattern: Option<Value>, target: &str) -> WatchRule {
    WatchRule {
        account: None,
        region: region.into(),
        name,
        pattern,
        schedule: None,
        target: target.into(),
        target_role: None,
        bus: None,
    }
}

/// The longest event pattern EventBridge takes by default (its quota "Event pattern size",
/// adjustable to 4,096: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html>).
pub(crate) const MAX_PATTERN: usize = 2048;

/// Rules at `at` named `base`, `base-2`, … each matching as many of `values` as fit in
/// [`MAX_PATTERN`] (`pattern` makes a rule's pattern from its share).
fn chunked<T: Clone>(
    at: RuleAt<'_>,
    base: &str,
    values: &[T],
    pattern: impl Fn(&[T]) -> Value,
) -> Vec<WatchRule> {
    let mut rules: Vec<WatchRule> = Vec::new();
    let mut start = 0;
    while start < values.len() {
        let mut end = start + 1;
        while end < values.len() && pattern(&values[start..=end]).to_string().len() <= MAX_PATTERN {
            end += 1;
        }
        let name = match rules.len() {
            0 => base.to_owned(),
            n => format!("{base}-{}", n + 1),
        };
        rules.push(rule(
            at.region,
            name,
            Some(pattern(&values[start..end])),
            at.target,
        ));
        start = end;
    }
    rules
}

/// IAM's calls on the role, and on its invoke policies.
fn iam_rules(input: &WatchInput, home: &str, target: &str) -> Vec<WatchRule> {
    let names: Vec<&str> = [On::Role, On::Policy, On::NewPolicy]
        .into_iter()
        .flat_map(calls_on)
        .collect();
    let mut keys: Vec<(&str, String)> = vec![("roleName", input.role.clone())];
    keys.extend(input.policies.iter().map(|p| ("policyArn", p.clone())));
    let policy_names = input.policies.iter().filter_map(|p| p.rsplit('/').next());
    keys.extend(policy_names.map(|name| ("policyName", name.to_owned())));
    let base = name_of(input.owner(), "-iam");
    let at = RuleAt {
        region: home,
        target,
    };
    chunked(at, &base, &keys, |share| {
        let mut or: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (k, v) in share {
            or.entry(*k).or_default().push(v);
        }
        let or: Vec<Value> = or.into_iter().map(|(k, v)| json!({ k: v })).collect();
        json!({
            "source": ["aws.iam"],
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {
                "eventSource": ["iam.amazonaws.com"],
                "eventName": names,
                "requestParameters": {"$or": or},
            }
        })
    })
}

/// Lambda's resource-policy calls on the targets (of one account and region, or all), however
/// the call names them (a name, a partial or full ARN, with the configured qualifier or not),
/// in rules at `at`.
pub(super) fn lambda_rules(
    input: &WatchInput,
    of: Option<Place<'_>>,
    at: RuleAt<'_>,
) -> Vec<WatchRule> {
    let targets = (input.targets.iter())
        .filter(|t| of.is_none_or(|of| target_account(&t.2) == of.account && t.0 == of.region));
    lambda_rules_of(input, targets, "-lambda", at)
}

/// [`lambda_rules`] of `targets` at `at`, named `…{suffix}`, `…{suffix}-2`, ….
pub(super) fn lambda_rules_of<'a>(
    input: &WatchInput,
    targets: impl Iterator<Item = &'a (String, String, String, Option<String>)>,
    suffix: &str,
    at: RuleAt<'_>,
) -> Vec<WatchRule> {
    let mut functions: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for (_, name, arn, qualifier) in targets {
        let partial = format!("{}:function:{name}", target_account(arn));
        let mut named = Vec::new();
        let mut arns = vec![arn.clone()];
        for base in [name.as_str(), arn.as_str(), partial.as_str()] {
            named.push(base.to_owned());
            if let Some(q) = qualifier.as_deref().filter(|q| *q != "*") {
                named.push(format!("{base}:{q}"));
            }
        }
        if let Some(q) = qualifier.as_deref().filter(|q| *q != "*") {
            arns.push(format!("{arn}:{q}"));
        }
        functions.push((named, arns));
    }
    functions.sort();
    functions.dedup();
    let base = name_of(input.owner(), suffix);
    chunked(at, &base, &functions, |share| {
        let named: Vec<&String> = share.iter().flat_map(|f| &f.0).collect();
        let arns: Vec<&String> = share.iter().flat_map(|f| &f.1).collect();
        json!({
            "source": ["aws.lambda"],
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {
                "eventSource": ["lambda.amazonaws.com"],
                "eventName": calls_on(On::Function),
                "requestParameters": {"$or": [{"functionName": named}, {"resourceArn": arns}]},
            }
        })
    })
}
