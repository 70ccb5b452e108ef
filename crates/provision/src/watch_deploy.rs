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

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{json, Value};

use crate::watch::{FUNCTION_CALLS, GENESYS_TOPICS, POLICY_CALLS, ROLE_CALLS};
use lambda_trust_iam::{evaluate, Decision, EvalInput, LabeledPolicy, Policy, Request};

/// The tag every resource of a watch carries, its value the watched role's name: what
/// `watch destroy` removes and `watch status` reads, and nothing else.
pub const WATCH_TAG: &str = "lambda-trust:watch";

/// The IAM region of a partition, where IAM's CloudTrail events arrive.
pub fn home_region(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "cn-northwest-1",
        "aws-us-gov" => "us-gov-west-1",
        _ => "us-east-1",
    }
}

/// What the deployment is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchInput {
    /// The config's environment (`--env`), which the function runs.
    pub env: Option<String>,
    /// The account the role lives in.
    pub account: String,
    /// Its partition.
    pub partition: String,
    /// The watched role's name, and its invoke policies' ARNs.
    pub role: String,
    /// The ARNs of its invoke policies.
    pub policies: Vec<String>,
    /// Each target: (region, function name, unqualified ARN, qualifier).
    pub targets: Vec<(String, String, String, Option<String>)>,
    /// The schedule (`rate(1 hour)`, a `cron(…)`).
    pub schedule: String,
    /// `x86_64` or `arm64`.
    pub architecture: String,
    /// The package's SHA-256, base64 (Lambda's `CodeSha256`).
    pub code_sha256: String,
    /// `[watch].sns_topic`: the one topic the function may publish to.
    pub sns_topic: Option<String>,
    /// `[watch].engine`: EventBridge rules, or an AWS Config custom rule.
    pub config_rule: bool,
    /// `[watch].genesys_event_bus`: the ARN of the event bus of the Genesys Cloud org's Amazon
    /// EventBridge integration, whose audit events of the integration, its credential and its
    /// actions the function is handed.
    pub genesys_bus: Option<String>,
    /// `[genesys].oauth_secret`: the one secret the function may read.
    pub secret: Option<String>,
    /// Roles of `[aws.accounts]` the function assumes to read other accounts.
    pub account_roles: Vec<String>,
}

/// An IAM role of the deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchRole {
    /// Its name.
    pub name: String,
    /// Its trust policy.
    pub trust: Value,
    /// Its one inline policy's name and document.
    pub policy_name: String,
    /// Its one inline policy.
    pub policy: Value,
}

/// One EventBridge rule and its one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchRule {
    /// Its region.
    pub region: String,
    /// Its name.
    pub name: String,
    /// Its event pattern (a pattern rule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Value>,
    /// Its schedule expression (the schedule rule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// The target: the function's ARN, or the home region's default bus.
    pub target: String,
    /// The role EventBridge sends a forwarded event with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_role: Option<String>,
    /// The event bus it is on (its ARN); `None`: the region's default bus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bus: Option<String>,
}

/// The watching function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchFunction {
    /// Its name.
    pub name: String,
    /// Its region.
    pub region: String,
    /// Its ARN.
    pub arn: String,
    /// Its execution role's ARN.
    pub role_arn: String,
    /// `x86_64` or `arm64`.
    pub architecture: String,
    /// Its package's SHA-256, base64, as Lambda reports `CodeSha256`.
    pub code_sha256: String,
    /// Its timeout, in seconds.
    pub timeout: i32,
    /// Its memory, in MB.
    pub memory: i32,
    /// Its environment variables: `LAMBDA_TRUST_ENV` when the config's environment is chosen.
    pub environment: BTreeMap<String, String>,
}

/// The AWS Config custom rule that hands the function configuration changes
/// (<https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_lambda-functions.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchConfigRule {
    /// Its name.
    pub name: String,
    /// Its region: the function's (a rule evaluates its own region's resources).
    pub region: String,
    /// The function it invokes.
    pub function_arn: String,
    /// The resource types whose changes it hands over.
    pub resource_types: Vec<String>,
    /// Its periodic evaluation (`One_Hour` … `TwentyFour_Hours`), from `[watch].schedule`.
    pub frequency: String,
}

/// The whole deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deployment {
    /// The role.
    pub role: WatchRole,
    /// Only when a target region is not the function's.
    pub forward_role: Option<WatchRole>,
    /// The function.
    pub function: WatchFunction,
    /// Its EventBridge rules (none with the Config rule engine).
    pub rules: Vec<WatchRule>,
    /// Its AWS Config custom rule (the `config-rule` engine).
    pub config_rule: Option<WatchConfigRule>,
    /// The tags every resource carries.
    pub tags: BTreeMap<String, String>,
}

/// The longest EventBridge rule name (64) and Lambda function or IAM role name (64).
const MAX_NAME: usize = 64;

/// `lambda-trust-watch-ROLE…`: cut to fit with a short digest of the whole when too long.
fn name_of(role: &str, suffix: &str) -> String {
    let full = format!("lambda-trust-watch-{role}{suffix}");
    if full.len() <= MAX_NAME {
        return full;
    }
    let digest = fnv(&full);
    let keep = MAX_NAME - suffix.len() - 9;
    format!("{}-{digest:08x}{suffix}", &full[..keep])
}

fn fnv(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The deployment for `input`.
pub fn deployment(input: &WatchInput) -> Deployment {
    let home = home_region(&input.partition);
    let (p, account) = (&input.partition, &input.account);
    let role_name = name_of(&input.role, "");
    let function_arn = format!("arn:{p}:lambda:{home}:{account}:function:{role_name}");
    let regions: BTreeSet<&str> = input.targets.iter().map(|t| t.0.as_str()).collect();
    let genesys_region = input
        .genesys_bus
        .as_deref()
        .and_then(|b| b.split(':').nth(3));
    let forwarding = !input.config_rule
        && (regions.iter().any(|r| *r != home) || genesys_region.is_some_and(|r| r != home));
    let forward_name = name_of(&input.role, "-fwd");
    let config_rule = input.config_rule.then(|| WatchConfigRule {
        name: role_name.clone(),
        region: home.into(),
        function_arn: function_arn.clone(),
        resource_types: [
            "AWS::IAM::Role",
            "AWS::IAM::Policy",
            "AWS::Lambda::Function",
        ]
        .map(str::to_owned)
        .to_vec(),
        frequency: frequency(&input.schedule).into(),
    });
    let rules = match input.config_rule {
        true => Vec::new(),
        false => event_rules(input, (home, &regions), &function_arn),
    };
    Deployment {
        role: WatchRole {
            name: role_name.clone(),
            trust: trust("lambda.amazonaws.com"),
            policy_name: "lambda-trust-watch-reads".into(),
            policy: reads_policy(input, home, &role_name),
        },
        forward_role: forwarding.then(|| forward_role(input, &forward_name, home)),
        function: WatchFunction {
            arn: function_arn,
            region: home.into(),
            role_arn: format!("arn:{p}:iam::{account}:role/{role_name}"),
            name: role_name,
            architecture: input.architecture.clone(),
            code_sha256: input.code_sha256.clone(),
            timeout: 300,
            memory: 512,
            environment: (input.env.iter())
                .map(|e| ("LAMBDA_TRUST_ENV".to_owned(), e.clone()))
                .collect(),
        },
        rules,
        config_rule,
        tags: BTreeMap::from([
            ("managed-by".into(), "lambda-trust".into()),
            (WATCH_TAG.into(), input.role.clone()),
        ]),
    }
}

/// The EventBridge engine's rules: IAM's calls and the schedule in the home region, Lambda's
/// calls there for every target, and in each other region a rule forwarding its own.
fn event_rules(
    input: &WatchInput,
    (home, regions): (&str, &BTreeSet<&str>),
    function_arn: &str,
) -> Vec<WatchRule> {
    let (p, account) = (&input.partition, &input.account);
    let bus = format!("arn:{p}:events:{home}:{account}:event-bus/default");
    let forward_arn = format!(
        "arn:{p}:iam::{account}:role/{}",
        name_of(&input.role, "-fwd")
    );
    let mut rules = iam_rules(input, home, function_arn);
    rules.push(WatchRule {
        schedule: Some(input.schedule.clone()),
        ..rule(home, name_of(&input.role, "-tick"), None, function_arn)
    });
    // The home region's rules match every target: another region's events arrive forwarded.
    if !input.targets.is_empty() {
        rules.extend(lambda_rules(input, (None, home), function_arn));
    }
    for region in regions.iter().filter(|r| **r != home) {
        for mut r in lambda_rules(input, (Some(region), region), &bus) {
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
    let name = name_of(&input.role, "-genesys");
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
pub fn frequency(schedule: &str) -> &'static str {
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
        region: region.into(),
        name,
        pattern,
        schedule: None,
        target: target.into(),
        target_role: None,
        bus: None,
    }
}

fn trust(service: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
}

fn forward_role(input: &WatchInput, name: &str, home: &str) -> WatchRole {
    let (p, account) = (&input.partition, &input.account);
    WatchRole {
        name: name.into(),
        trust: trust("events.amazonaws.com"),
        policy_name: "lambda-trust-watch-forward".into(),
        policy: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "events:PutEvents",
            "Resource": format!("arn:{p}:events:{home}:{account}:event-bus/default")}]}),
    }
}

/// The longest event pattern EventBridge takes by default (its quota "Event pattern size",
/// adjustable to 4,096: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html>).
pub const MAX_PATTERN: usize = 2048;

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
    let mut names: Vec<&str> = ROLE_CALLS.to_vec();
    names.extend(POLICY_CALLS);
    let mut keys: Vec<(&str, String)> = vec![("roleName", input.role.clone())];
    keys.extend(input.policies.iter().map(|p| ("policyArn", p.clone())));
    let base = name_of(&input.role, "-iam");
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

/// Lambda's resource-policy calls on the targets (of one region, or all), however the call names them (a
/// name, a partial or full ARN, with the configured qualifier or not).
fn lambda_rules(
    input: &WatchInput,
    (of, region): (Option<&str>, &str),
    target: &str,
) -> Vec<WatchRule> {
    let mut functions: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let targets = input.targets.iter().filter(|t| of.is_none_or(|r| t.0 == r));
    for (_, name, arn, qualifier) in targets {
        let partial = format!("{}:function:{name}", input.account);
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
    let base = name_of(&input.role, "-lambda");
    chunked((region, &base, target), &functions, |share| {
        let named: Vec<&String> = share.iter().flat_map(|f| &f.0).collect();
        let arns: Vec<&String> = share.iter().flat_map(|f| &f.1).collect();
        json!({
            "source": ["aws.lambda"],
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {
                "eventSource": ["lambda.amazonaws.com"],
                "eventName": FUNCTION_CALLS,
                "requestParameters": {"$or": [{"functionName": named}, {"resourceArn": arns}]},
            }
        })
    })
}

/// Exactly the reads `check` makes for the config, the Security Hub import, the function's own
/// logs, and the one OAuth secret.
fn reads_policy(input: &WatchInput, home: &str, function: &str) -> Value {
    let (p, account) = (&input.partition, &input.account);
    let role = format!("arn:{p}:iam::{account}:role/*{}", input.role);
    let mut functions: Vec<String> = Vec::new();
    for (_, _, arn, _) in &input.targets {
        functions.push(arn.clone());
        functions.push(format!("{arn}:*"));
    }
    functions.sort();
    functions.dedup();
    let mut statements = vec![
        json!({"Sid": "TheRole", "Effect": "Allow", "Action": [
            "iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy",
            "iam:ListAttachedRolePolicies", "iam:ListRoleTags"], "Resource": role}),
        json!({"Sid": "ItsPolicies", "Effect": "Allow", "Action": [
            "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags",
            "iam:ListRoles"], "Resource": "*"}),
        json!({"Sid": "TheTargets", "Effect": "Allow", "Action": [
            "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetPolicy"],
            "Resource": functions}),
        json!({"Sid": "WhereTheyAreListedAndRecorded", "Effect": "Allow", "Action": [
            "lambda:ListFunctions", "config:DescribeConfigurationRecorders",
            "config:DescribeConfigurationRecorderStatus", "config:BatchGetResourceConfig",
            "organizations:DescribeOrganization", "organizations:ListRoots",
            "organizations:ListParents", "organizations:ListPoliciesForTarget",
            "organizations:DescribePolicy", "organizations:DescribeOrganizationalUnit",
            "cloudtrail:LookupEvents", "securityhub:GetFindings"], "Resource": "*"}),
        json!({"Sid": "PublishTheResult", "Effect": "Allow",
            "Action": "securityhub:BatchImportFindings",
            "Resource": format!("arn:{p}:securityhub:{home}:{account}:product/{account}/default")}),
        json!({"Sid": "ItsOwnLogs", "Effect": "Allow", "Action": [
            "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": format!("arn:{p}:logs:{home}:{account}:log-group:/aws/lambda/{function}:*")}),
    ];
    if input.config_rule {
        // PutEvaluations has no resource-level permission: `*` is the only resource it takes.
        statements.push(json!({"Sid": "AnswerTheConfigRule", "Effect": "Allow",
            "Action": "config:PutEvaluations", "Resource": "*"}));
    }
    if let Some(topic) = &input.sns_topic {
        statements.push(json!({"Sid": "TellTheTopic", "Effect": "Allow",
            "Action": "sns:Publish", "Resource": topic}));
    }
    if let Some(secret) = &input.secret {
        let arn = if secret.starts_with("arn:") {
            secret.clone()
        } else {
            format!("arn:{p}:secretsmanager:*:{account}:secret:{secret}-??????")
        };
        statements.push(json!({"Sid": "TheOAuthSecret", "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue", "Resource": arn}));
    }
    if !input.account_roles.is_empty() {
        statements.push(json!({"Sid": "TheOtherAccountsReads", "Effect": "Allow",
            "Action": "sts:AssumeRole", "Resource": input.account_roles}));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The writes the function's role may make: publishing (Security Hub, its SNS topic, its
/// Config rule's evaluations) and its own logs.
const WRITES_ALLOWED: &[&str] = &[
    "securityhub:BatchImportFindings",
    "config:PutEvaluations",
    "sns:Publish",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "sts:AssumeRole",
];

/// Writes that would let the function change what it watches or act beyond it, each decided
/// against the role's policy with the evaluator.
const WRITES_REFUSED: &[&str] = &[
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:PassRole",
    "iam:CreateRole",
    "iam:DeleteRole",
    "lambda:AddPermission",
    "lambda:RemovePermission",
    "lambda:UpdateFunctionCode",
    "lambda:InvokeFunction",
    "events:PutRule",
    "securityhub:BatchUpdateFindings",
    "secretsmanager:PutSecretValue",
    "organizations:DetachPolicy",
];

/// Decides that `policy` lets its holder write nothing but [`WRITES_ALLOWED`]: every action it
/// allows is a read by its verb (`Get`, `List`, `Describe`, `BatchGet`, `Lookup`) or one of
/// those, and the evaluator denies each of [`WRITES_REFUSED`] on any resource. `Err` names
/// what it would allow.
pub fn prove_read_only(policy: &Value) -> Result<(), String> {
    let parsed = Policy::parse(policy).map_err(|e| e.to_string())?;
    let reads = ["Get", "List", "Describe", "BatchGet", "Lookup"];
    for statement in policy["Statement"].as_array().into_iter().flatten() {
        if statement["Effect"] != "Allow" {
            continue;
        }
        let actions = match &statement["Action"] {
            Value::String(a) => vec![a.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => {
                return Err("a statement allows every action but those it names (NotAction)".into())
            }
        };
        for action in actions {
            let verb = action.split_once(':').map_or("", |(_, v)| v);
            let read = reads.iter().any(|r| verb.starts_with(r)) && !verb.contains('*')
                || reads
                    .iter()
                    .any(|r| verb.strip_suffix('*').is_some_and(|s| s.starts_with(r)));
            if !read && !WRITES_ALLOWED.contains(&action) {
                return Err(format!("it allows {action}"));
            }
        }
    }
    let input = EvalInput {
        identity_policies: vec![LabeledPolicy {
            label: "lambda-trust-watch-reads".into(),
            policy: parsed,
        }],
        resource_policy: None,
        resource_policy_is_trust: false,
        boundary: None,
    };
    for action in WRITES_REFUSED {
        let request = Request {
            principal: "arn:aws:iam::111122223333:role/lambda-trust-watch".into(),
            action: (*action).into(),
            resource: "*".into(),
            context: BTreeMap::new(),
        };
        if evaluate(&input, &request).decision == Decision::Allow {
            return Err(format!("it allows {action}"));
        }
    }
    Ok(())
}

/// A role of a deployment as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenRole {
    /// Its trust policy.
    pub trust: Value,
    /// The deployment's inline policy, when the role has it.
    pub policy: Option<Value>,
    /// The watched role's name its tag gives (`None`: not a watch's).
    pub owner: Option<String>,
}

/// The function as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenFunction {
    /// Its package's SHA-256, base64, as Lambda reports `CodeSha256`.
    pub code_sha256: String,
    /// Its execution role's ARN.
    pub role_arn: String,
    /// `x86_64` or `arm64`.
    pub architecture: String,
    /// Its timeout, in seconds.
    pub timeout: i32,
    /// Its memory, in MB.
    pub memory: i32,
    /// Its environment variables.
    pub environment: BTreeMap<String, String>,
    /// The watched role its tag names (`None`: not a watch's).
    pub owner: Option<String>,
    /// The statement IDs of its resource policy.
    pub statements: BTreeSet<String>,
}

/// A rule as read (its one target, if any).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenRule {
    /// Its region.
    pub region: String,
    /// Its name.
    pub name: String,
    /// Its event pattern (a pattern rule).
    pub pattern: Option<Value>,
    /// Its schedule expression (the schedule rule).
    pub schedule: Option<String>,
    /// Its one target's ARN.
    pub target: Option<String>,
    /// The role its target is sent with.
    pub target_role: Option<String>,
    /// The watched role its tag names (`None`: not a watch's).
    pub owner: Option<String>,
    /// The event bus it is on (its ARN); `None`: the default bus.
    pub bus: Option<String>,
}

/// What is live of a deployment, by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Seen {
    /// The role.
    pub role: Option<SeenRole>,
    /// The forwarding role.
    pub forward_role: Option<SeenRole>,
    /// The function.
    pub function: Option<SeenFunction>,
    /// Every rule read under the deployment's names, in the regions read.
    pub rules: Vec<SeenRule>,
    /// The Config rule under the deployment's name, in the function's region.
    pub config_rule: Option<SeenConfigRule>,
}

/// A Config rule as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenConfigRule {
    /// The function it invokes (its source's identifier).
    pub function_arn: String,
    /// Its resource types.
    pub resource_types: Vec<String>,
    /// Its periodic evaluation's frequency.
    pub frequency: Option<String>,
    /// The watched role its tag names (`None`: not a watch's).
    pub owner: Option<String>,
}

/// One write of `watch deploy` or `watch destroy`, in the order they run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum WatchOp {
    /// `iam:CreateRole` (tagged).
    CreateRole {
        /// The role.
        role: WatchRole,
    },
    /// `iam:UpdateAssumeRolePolicy`.
    UpdateTrust {
        /// The role.
        role: WatchRole,
    },
    /// `iam:PutRolePolicy` of its one inline policy.
    PutRolePolicy {
        /// The role.
        role: WatchRole,
    },
    /// `lambda:CreateFunction` from the package (tagged).
    CreateFunction {
        /// The function.
        function: WatchFunction,
    },
    /// `lambda:UpdateFunctionCode`.
    UpdateCode {
        /// The function.
        function: WatchFunction,
    },
    /// `lambda:UpdateFunctionConfiguration`.
    UpdateConfiguration {
        /// The function.
        function: WatchFunction,
    },
    /// `events:PutRule` (tagged).
    PutRule {
        /// The rule.
        rule: WatchRule,
    },
    /// `events:PutTargets` of its one target.
    PutTarget {
        /// The rule.
        rule: WatchRule,
    },
    /// `lambda:AddPermission` for `events.amazonaws.com` from the rule's ARN.
    AllowRule {
        /// The function's name.
        function: String,
        /// The rule.
        rule: WatchRule,
    },
    /// `config:PutConfigRule` (tagged).
    PutConfigRule {
        /// The rule.
        rule: WatchConfigRule,
    },
    /// `lambda:AddPermission` for `config.amazonaws.com` from the account.
    AllowConfig {
        /// The function's name.
        function: String,
        /// The rule.
        rule: WatchConfigRule,
    },
    /// `config:DeleteConfigRule`.
    DeleteConfigRule {
        /// Its region.
        region: String,
        /// Its name.
        name: String,
    },
    /// `events:RemoveTargets` and `events:DeleteRule`.
    RemoveRule {
        /// Its region.
        region: String,
        /// Its name.
        name: String,
        /// Its event bus (`None`: the default bus).
        bus: Option<String>,
    },
    /// `lambda:DeleteFunction`.
    DeleteFunction {
        /// Its name.
        name: String,
        /// Its region.
        region: String,
    },
    /// `iam:DeleteRolePolicy` and `iam:DeleteRole`.
    DeleteRole {
        /// Its name.
        name: String,
        /// Its inline policy's name.
        policy_name: String,
    },
}

impl WatchOp {
    /// One line for the preview.
    pub fn line(&self) -> String {
        match self {
            WatchOp::CreateRole { role } => format!("create role {}", role.name),
            WatchOp::UpdateTrust { role } => {
                format!("update the trust policy of role {}", role.name)
            }
            WatchOp::PutRolePolicy { role } => {
                format!(
                    "put inline policy {} on role {}",
                    role.policy_name, role.name
                )
            }
            WatchOp::CreateFunction { function } => format!(
                "create function {} ({}, provided.al2023, {})",
                function.name, function.region, function.architecture
            ),
            WatchOp::UpdateCode { function } => {
                format!(
                    "update the code of function {} (sha256 {})",
                    function.name, function.code_sha256
                )
            }
            WatchOp::UpdateConfiguration { function } => {
                format!("update the configuration of function {}", function.name)
            }
            WatchOp::PutRule { rule } => format!("put rule {} ({})", rule.name, rule.region),
            WatchOp::PutTarget { rule } => {
                format!(
                    "point rule {} ({}) at {}",
                    rule.name, rule.region, rule.target
                )
            }
            WatchOp::AllowRule { function, rule } => {
                format!("let rule {} invoke function {function}", rule.name)
            }
            WatchOp::RemoveRule { region, name, .. } => format!("remove rule {name} ({region})"),
            WatchOp::PutConfigRule { rule } => {
                format!(
                    "put Config rule {} ({}, {})",
                    rule.name, rule.region, rule.frequency
                )
            }
            WatchOp::AllowConfig { function, rule } => {
                format!("let Config rule {} invoke function {function}", rule.name)
            }
            WatchOp::DeleteConfigRule { region, name } => {
                format!("delete Config rule {name} ({region})")
            }
            WatchOp::DeleteFunction { name, .. } => format!("delete function {name}"),
            WatchOp::DeleteRole { name, .. } => format!("delete role {name}"),
        }
    }
}

/// Why a deployment cannot be written: a resource under its names that is not its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} exists and is not this watch's (its tag {WATCH_TAG} is not {role:?})")]
pub struct NotOurs {
    /// What exists.
    pub what: String,
    /// The role.
    pub role: String,
}

/// The writes that make `seen` the deployment `want` (of the watched role `role`): none when
/// it already is.
pub fn plan(want: &Deployment, seen: &Seen, role: &str) -> Result<Vec<WatchOp>, NotOurs> {
    let mut ops = Vec::new();
    for (wanted, seen_role) in [
        (Some(&want.role), &seen.role),
        (want.forward_role.as_ref(), &seen.forward_role),
    ] {
        if let Some(wanted) = wanted {
            ops.extend(role_ops(wanted, seen_role.as_ref(), role)?);
        }
    }
    ops.extend(function_ops(&want.function, seen.function.as_ref(), role)?);
    ops.extend(rule_ops(want, seen, role)?);
    ops.extend(config_rule_ops(want, seen, role)?);
    if let (None, Some(s)) = (&want.forward_role, &seen.forward_role) {
        if s.owner.as_deref() == Some(role) {
            ops.push(WatchOp::DeleteRole {
                name: name_of(role, "-fwd"),
                policy_name: "lambda-trust-watch-forward".into(),
            });
        }
    }
    Ok(ops)
}

/// `Ok` when `owner` (a resource's watch tag) is `role`'s.
fn ours(owner: &Option<String>, what: String, role: &str) -> Result<(), NotOurs> {
    match owner.as_deref() {
        Some(o) if o == role => Ok(()),
        _ => Err(NotOurs {
            what,
            role: role.into(),
        }),
    }
}

fn role_ops(
    wanted: &WatchRole,
    seen: Option<&SeenRole>,
    role: &str,
) -> Result<Vec<WatchOp>, NotOurs> {
    let role_op = |f: fn(WatchRole) -> WatchOp| f(wanted.clone());
    let Some(s) = seen else {
        return Ok(vec![
            role_op(|role| WatchOp::CreateRole { role }),
            role_op(|role| WatchOp::PutRolePolicy { role }),
        ]);
    };
    ours(&s.owner, format!("role {}", wanted.name), role)?;
    let mut ops = Vec::new();
    if !lambda_trust_iam::semantically_equal(&s.trust, &wanted.trust) {
        ops.push(role_op(|role| WatchOp::UpdateTrust { role }));
    }
    let same = (s.policy.as_ref())
        .is_some_and(|p| lambda_trust_iam::semantically_equal(p, &wanted.policy));
    if !same {
        ops.push(role_op(|role| WatchOp::PutRolePolicy { role }));
    }
    Ok(ops)
}

fn function_ops(
    f: &WatchFunction,
    seen: Option<&SeenFunction>,
    role: &str,
) -> Result<Vec<WatchOp>, NotOurs> {
    let function = || f.clone();
    let Some(s) = seen else {
        return Ok(vec![WatchOp::CreateFunction {
            function: function(),
        }]);
    };
    ours(&s.owner, format!("function {}", f.name), role)?;
    let mut ops = Vec::new();
    if s.code_sha256 != f.code_sha256 || s.architecture != f.architecture {
        ops.push(WatchOp::UpdateCode {
            function: function(),
        });
    }
    let config = |r: &str, t, m, e| (r.to_owned(), t, m, e);
    let live = config(&s.role_arn, s.timeout, s.memory, &s.environment);
    if live != config(&f.role_arn, f.timeout, f.memory, &f.environment) {
        ops.push(WatchOp::UpdateConfiguration {
            function: function(),
        });
    }
    Ok(ops)
}

/// Each wanted rule put, aimed and allowed to invoke the function where it is not; the
/// watch's rules no longer wanted (fewer targets, a region left) removed.
fn rule_ops(want: &Deployment, seen: &Seen, role: &str) -> Result<Vec<WatchOp>, NotOurs> {
    let f = &want.function;
    let statements = seen.function.as_ref().map(|s| &s.statements);
    let mut ops = Vec::new();
    for rule in &want.rules {
        let found = (seen.rules.iter())
            .find(|r| r.region == rule.region && r.name == rule.name && r.bus == rule.bus);
        if let Some(r) = found {
            ours(&r.owner, format!("rule {} ({})", r.name, r.region), role)?;
        }
        if !found.is_some_and(|r| r.pattern == rule.pattern && r.schedule == rule.schedule) {
            ops.push(WatchOp::PutRule { rule: rule.clone() });
        }
        let aimed = found.is_some_and(|r| {
            r.target.as_deref() == Some(rule.target.as_str()) && r.target_role == rule.target_role
        });
        if !aimed {
            ops.push(WatchOp::PutTarget { rule: rule.clone() });
        }
        let allowed = statements.is_some_and(|s| s.contains(&rule.name));
        if rule.target == f.arn && !allowed {
            ops.push(WatchOp::AllowRule {
                function: f.name.clone(),
                rule: rule.clone(),
            });
        }
    }
    for r in &seen.rules {
        let wanted =
            (want.rules.iter()).any(|w| w.region == r.region && w.name == r.name && w.bus == r.bus);
        if !wanted && r.owner.as_deref() == Some(role) {
            ops.push(WatchOp::RemoveRule {
                region: r.region.clone(),
                name: r.name.clone(),
                bus: r.bus.clone(),
            });
        }
    }
    Ok(ops)
}

/// The Config rule put and allowed to invoke the function where it is not; the watch's rule
/// deleted when the engine is no longer `config-rule`.
fn config_rule_ops(want: &Deployment, seen: &Seen, role: &str) -> Result<Vec<WatchOp>, NotOurs> {
    let mut ops = Vec::new();
    match (&want.config_rule, &seen.config_rule) {
        (Some(rule), found) => {
            if let Some(r) = found {
                ours(
                    &r.owner,
                    format!("Config rule {} ({})", rule.name, rule.region),
                    role,
                )?;
            }
            let same = found.as_ref().is_some_and(|r| {
                r.function_arn == rule.function_arn
                    && r.resource_types == rule.resource_types
                    && r.frequency.as_deref() == Some(rule.frequency.as_str())
            });
            let statements = seen.function.as_ref().map(|s| &s.statements);
            if !statements.is_some_and(|s| s.contains(&config_statement(&rule.name))) {
                let function = want.function.name.clone();
                ops.push(WatchOp::AllowConfig {
                    function,
                    rule: rule.clone(),
                });
            }
            if !same {
                ops.push(WatchOp::PutConfigRule { rule: rule.clone() });
            }
        }
        (None, Some(r)) if r.owner.as_deref() == Some(role) => {
            ops.push(WatchOp::DeleteConfigRule {
                region: want.function.region.clone(),
                name: want.function.name.clone(),
            })
        }
        (None, _) => {}
    }
    Ok(ops)
}

/// The statement ID of the function's permission for its Config rule.
pub fn config_statement(rule: &str) -> String {
    format!("{rule}-config")
}

/// The writes that remove exactly the watch of `role` that `seen` holds: its rules, its
/// function, its roles — each only when its tag names `role`.
pub fn teardown(seen: &Seen, role: &str, want: &Deployment) -> Vec<WatchOp> {
    let mine = |owner: &Option<String>| owner.as_deref() == Some(role);
    let mut ops: Vec<WatchOp> = (seen.rules.iter())
        .filter(|r| mine(&r.owner))
        .map(|r| WatchOp::RemoveRule {
            region: r.region.clone(),
            name: r.name.clone(),
            bus: r.bus.clone(),
        })
        .collect();
    if seen.config_rule.as_ref().is_some_and(|r| mine(&r.owner)) {
        ops.push(WatchOp::DeleteConfigRule {
            region: want.function.region.clone(),
            name: want.function.name.clone(),
        });
    }
    if seen.function.as_ref().is_some_and(|f| mine(&f.owner)) {
        let f = &want.function;
        ops.push(WatchOp::DeleteFunction {
            name: f.name.clone(),
            region: f.region.clone(),
        });
    }
    let roles = [
        (&seen.role, name_of(role, ""), "lambda-trust-watch-reads"),
        (
            &seen.forward_role,
            name_of(role, "-fwd"),
            "lambda-trust-watch-forward",
        ),
    ];
    for (seen_role, name, policy) in roles {
        if seen_role.as_ref().is_some_and(|r| mine(&r.owner)) {
            ops.push(WatchOp::DeleteRole {
                name,
                policy_name: policy.into(),
            });
        }
    }
    ops
}

/// The forwarding role's name for `role` (read even when no longer wanted).
pub fn forward_role_name(role: &str) -> String {
    name_of(role, "-fwd")
}

/// The prefix every rule of the watch of `role` starts with.
pub fn rule_prefix(role: &str) -> String {
    let name = name_of(role, "");
    name.chars().take(MAX_NAME - 12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(targets: usize, regions: &[&str]) -> WatchInput {
        let account = "111122223333";
        WatchInput {
            env: None,
            account: account.into(),
            partition: "aws".into(),
            role: "GenesysLambdaInvoker".into(),
            policies: vec![format!(
                "arn:aws:iam::{account}:policy/GenesysLambdaInvoker-invoke"
            )],
            targets: (0..targets)
                .map(|i| {
                    let region = regions[i % regions.len()];
                    let name = format!("function-number-{i}");
                    let arn = format!("arn:aws:lambda:{region}:{account}:function:{name}");
                    (region.to_owned(), name, arn, None)
                })
                .collect(),
            schedule: "rate(1 hour)".into(),
            architecture: "x86_64".into(),
            code_sha256: "abc=".into(),
            secret: Some("genesys/oauth".into()),
            sns_topic: Some(format!("arn:aws:sns:us-east-1:{account}:lambda-trust")),
            config_rule: false,
            genesys_bus: None,
            account_roles: Vec::new(),
        }
    }

    /// What AWS holds once `want` is deployed.
    fn deployed(want: &Deployment) -> Seen {
        let role = "GenesysLambdaInvoker".to_owned();
        let seen_role = |r: &WatchRole| SeenRole {
            trust: r.trust.clone(),
            policy: Some(r.policy.clone()),
            owner: Some(role.clone()),
        };
        let f = &want.function;
        Seen {
            role: Some(seen_role(&want.role)),
            forward_role: want.forward_role.as_ref().map(seen_role),
            function: Some(SeenFunction {
                code_sha256: f.code_sha256.clone(),
                role_arn: f.role_arn.clone(),
                architecture: f.architecture.clone(),
                timeout: f.timeout,
                memory: f.memory,
                environment: f.environment.clone(),
                owner: Some(role.clone()),
                statements: want.rules.iter().map(|r| r.name.clone()).collect(),
            }),
            rules: (want.rules.iter())
                .map(|r| SeenRule {
                    region: r.region.clone(),
                    name: r.name.clone(),
                    pattern: r.pattern.clone(),
                    schedule: r.schedule.clone(),
                    target: Some(r.target.clone()),
                    target_role: r.target_role.clone(),
                    bus: r.bus.clone(),
                    owner: Some(role.clone()),
                })
                .collect(),
            config_rule: None,
        }
    }

    #[test]
    fn the_functions_role_reads_and_publishes_and_can_write_nothing_else() {
        let want = deployment(&input(3, &["eu-west-1"]));
        assert_eq!(prove_read_only(&want.role.policy), Ok(()));
        let mut open = want.role.policy.clone();
        open["Statement"][0]["Action"] = json!(["iam:Get*", "iam:PutRolePolicy"]);
        assert_eq!(
            prove_read_only(&open),
            Err("it allows iam:PutRolePolicy".into())
        );
        let mut wildcard = want.role.policy.clone();
        wildcard["Statement"][0]["Action"] = json!("iam:*");
        assert!(prove_read_only(&wildcard).is_err());
    }

    #[test]
    fn a_deployed_watch_plans_no_write_and_a_new_package_only_its_code() {
        let want = deployment(&input(5, &["us-east-1", "eu-west-1"]));
        let mut seen = deployed(&want);
        assert_eq!(plan(&want, &seen, "GenesysLambdaInvoker"), Ok(Vec::new()));
        seen.function.as_mut().unwrap().code_sha256 = "old=".into();
        let ops = plan(&want, &seen, "GenesysLambdaInvoker").unwrap();
        assert!(
            matches!(ops.as_slice(), [WatchOp::UpdateCode { .. }]),
            "{ops:?}"
        );
    }

    #[test]
    fn the_function_lives_where_iam_events_arrive_and_other_regions_forward_to_it() {
        let want = deployment(&input(4, &["eu-west-1"]));
        assert_eq!(want.function.region, "us-east-1");
        assert!(want.forward_role.is_some());
        let forwarding: Vec<_> = want
            .rules
            .iter()
            .filter(|r| r.region == "eu-west-1")
            .collect();
        assert!(!forwarding.is_empty());
        assert!(forwarding
            .iter()
            .all(|r| r.target.ends_with(":event-bus/default")));
        let home = deployment(&input(4, &["us-east-1"]));
        assert!(home.forward_role.is_none());
        assert!(home
            .rules
            .iter()
            .all(|r| r.region == "us-east-1" && r.target == home.function.arn));
    }

    #[test]
    fn a_thousand_targets_fit_in_rules_under_the_pattern_quota_naming_each_once() {
        let want = deployment(&input(1000, &["us-east-1"]));
        let lambda: Vec<_> = want
            .rules
            .iter()
            .filter(|r| r.name.contains("-lambda"))
            .collect();
        assert!(lambda.len() > 1);
        for r in &want.rules {
            let size = r.pattern.as_ref().map_or(0, |p| p.to_string().len());
            assert!(size <= MAX_PATTERN, "{} is {size}", r.name);
        }
        let named: usize = (lambda.iter())
            .map(|r| {
                r.pattern.as_ref().unwrap()["detail"]["requestParameters"]["$or"][1]["resourceArn"]
                    .as_array()
                    .unwrap()
                    .len()
            })
            .sum();
        assert_eq!(named, 1000);
    }

    #[test]
    fn the_genesys_orgs_audit_events_reach_the_function_from_its_bus_forwarded_when_elsewhere() {
        let mut input = input(1, &["us-east-1"]);
        let bus = "arn:aws:events:eu-west-1:111122223333:event-bus/aws.partner/genesys.com/cloud/org/watch";
        input.genesys_bus = Some(bus.into());
        let want = deployment(&input);
        let genesys: Vec<_> = want
            .rules
            .iter()
            .filter(|r| r.name.ends_with("-genesys"))
            .collect();
        assert_eq!(genesys.len(), 2, "{genesys:#?}");
        assert_eq!(genesys[0].bus.as_deref(), Some(bus));
        assert!(genesys[0].target.ends_with(":event-bus/default"));
        assert_eq!(
            (genesys[1].region.as_str(), genesys[1].target.as_str()),
            ("us-east-1", want.function.arn.as_str())
        );
        assert!(want.forward_role.is_some());
        let seen = deployed(&want);
        assert_eq!(plan(&want, &seen, "GenesysLambdaInvoker"), Ok(Vec::new()));
    }

    #[test]
    fn destroy_removes_only_what_the_watch_of_this_role_tagged() {
        let want = deployment(&input(2, &["us-east-1"]));
        let mut seen = deployed(&want);
        seen.rules[0].owner = Some("AnotherRole".into());
        let ops = teardown(&seen, "GenesysLambdaInvoker", &want);
        let removed: Vec<_> = ops
            .iter()
            .filter(|o| matches!(o, WatchOp::RemoveRule { .. }))
            .collect();
        assert_eq!(removed.len(), want.rules.len() - 1);
        assert!(ops
            .iter()
            .any(|o| matches!(o, WatchOp::DeleteFunction { .. })));
        assert_eq!(
            plan(&want, &seen, "GenesysLambdaInvoker").unwrap_err().what,
            format!("rule {} (us-east-1)", want.rules[0].name)
        );
    }
}
