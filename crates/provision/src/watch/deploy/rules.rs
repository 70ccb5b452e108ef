//! The EventBridge engine's rules: IAM's calls, Lambda's resource-policy calls (split to fit
//! the pattern quota), the schedule, forwarding from other regions, the Genesys Cloud org's
//! audit events; and the Config rule's frequency.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::model::{name_of, target_account, WatchInput, WatchRule};
use crate::cloudtrail_calls::{calls_on, On};
use crate::watch::classify::GENESYS_TOPICS;
use lambda_trust_iam::{Arn, AwsResource};

/// The EventBridge engine's rules: IAM's calls and the schedule in the home region, Lambda's
/// calls there for every target, and in each other region a rule forwarding its own.
pub(super) fn event_rules(
    input: &WatchInput,
    (home, regions): (&str, &BTreeSet<&str>),
    function_arn: &str,
) -> Vec<WatchRule> {
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
        rules.extend(lambda_rules(input, (None, home), function_arn));
    }
    for region in regions.iter().filter(|r| **r != home) {
        for mut r in lambda_rules(input, (Some((account, region)), region), &bus) {
            r.target_role = Some(forward_arn.clone());
            rules.push(r);
        }
    }
    if let Some(genesys) = &input.genesys_bus {
        rules.extend(genesys_rules(
            input,
            (home, genesys),
            function_arn,
            (&bus, &forward_arn),
        ));
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
    (home, bus_arn): (&str, &str),
    function_arn: &str,
    (home_bus, forward_arn): (&str, &str),
) -> Vec<WatchRule> {
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
    on_bus.target = home_bus.to_owned();
    on_bus.target_role = Some(forward_arn.to_owned());
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

/// Rules named `BASE`, `BASE-2`, … each matching as many of `values` as fit in
/// [`MAX_PATTERN`] (`pattern` makes a rule's pattern from its share).
fn chunked<T: Clone>(
    (region, base, target): (&str, &str, &str),
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
            region,
            name,
            Some(pattern(&values[start..end])),
            target,
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
    chunked((home, &base, target), &keys, |share| {
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
/// the call names them (a name, a partial or full ARN, with the configured qualifier or not).
pub(super) fn lambda_rules(
    input: &WatchInput,
    (of, region): (Option<(&str, &str)>, &str),
    target: &str,
) -> Vec<WatchRule> {
    let targets = (input.targets.iter())
        .filter(|t| of.is_none_or(|(a, r)| target_account(&t.2) == a && t.0 == r));
    lambda_rules_of(input, targets, (region, "-lambda"), target)
}

/// [`lambda_rules`] of `targets`, named `…{suffix}`, `…{suffix}-2`, ….
pub(super) fn lambda_rules_of<'a>(
    input: &WatchInput,
    targets: impl Iterator<Item = &'a (String, String, String, Option<String>)>,
    (region, suffix): (&str, &str),
    target: &str,
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
    chunked((region, &base, target), &functions, |share| {
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
