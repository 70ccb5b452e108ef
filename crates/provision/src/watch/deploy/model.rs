//! What a watch is made of: its input, its roles, rules, function and Config rule, and the
//! names and tags that make them its own.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::watch::organization::model::ORG_WATCH;
use lambda_trust_iam::{Arn, AwsResource};

/// The tag every resource of a watch carries, its value the watched role's name: what
/// `watch destroy` removes and `watch status` reads, and nothing else.
pub const WATCH_TAG: &str = "lambda-trust:watch";

/// Where an older lambda-trust put the partition's watch, when that is not its home now:
/// `aws-cn`'s watch lived in cn-northwest-1 until its home was settled on the region where
/// IAM's events arrive (cn-north-1; docs/upgrading.md). A redeploy moves it, and destroy finds
/// it there.
pub(crate) fn former_home_region(partition: &str) -> Option<&'static str> {
    match partition {
        "aws-cn" => Some("cn-northwest-1"),
        _ => None,
    }
    .filter(|former| *former != lambda_trust_iam::iam_events_region(partition))
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
    /// The watched role's name.
    pub role: String,
    /// Its path (`/` unless the config gives one): the role's ARN is read, nothing wider.
    pub role_path: String,
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
    /// `[genesys].oauth_secret`: the one secret the function may read — its full ARN when
    /// `DescribeSecret` gave it (a name or partial ARN in an IAM `Resource` never matches the
    /// suffixed ARN), else as configured.
    pub secret: Option<String>,
    /// The secret is encrypted with a customer managed KMS key: the function needs
    /// `kms:Decrypt` of it, through Secrets Manager, for this secret alone.
    pub secret_cmk: bool,
    /// The other accounts the run can write in (`[aws.accounts]`): in each that has targets,
    /// the deployment puts a role the function assumes to read them, and the rules that
    /// forward their Lambda calls. Never the account's own `role_arn` (`apply`'s, which
    /// writes).
    pub accounts: std::collections::BTreeSet<String>,
}

impl WatchInput {
    /// Whose watch this is: the role's.
    pub(crate) fn owner(&self) -> WatchOwner<'_> {
        WatchOwner::Role(&self.role)
    }
}

/// An IAM role of the deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchRole {
    /// Its account, when it is not the function's: a target's account (`[aws.accounts]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
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
    /// Its account, when it is not the function's: a target's account (`[aws.accounts]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
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
    /// Its reserved concurrency: the most invocations it runs at once, and the most of its
    /// account's concurrency it can take (`None`: not set, the account's unreserved pool).
    pub reserved_concurrency: Option<i32>,
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
    /// The statement ID of the function's permission for it.
    pub statement_id: String,
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
    /// In each other account of the targets: the role its rules forward with.
    pub account_forwarders: Vec<WatchRole>,
    /// In each other account of the targets: the read-only role the function assumes there.
    pub account_readers: Vec<WatchRole>,
    /// The watch's own event bus in the function's region, admitting exactly the other
    /// accounts' forwarding roles (only when targets are in other accounts).
    pub bus: Option<WatchBus>,
    /// The tags every resource carries.
    pub tags: BTreeMap<String, String>,
    /// Where an older lambda-trust put this partition's watch, when it is not the function's
    /// region now: read so that a redeploy moves the watch and destroy removes it there.
    pub former_home: Option<String>,
}

/// The watch's own event bus, where the other accounts' rules forward their Lambda calls: its
/// policy admits each account's forwarding role alone (the default bus is the customer's, and
/// PutPermission's account or `*` forms cannot name a role:
/// <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchBus {
    /// Its name.
    pub name: String,
    /// Its region (the function's).
    pub region: String,
    /// Its ARN.
    pub arn: String,
    /// Its whole resource policy.
    pub policy: Value,
}

/// Each account of the targets but the function's that the run can write in, with the regions
/// of its targets.
pub(super) fn other_accounts(
    input: &WatchInput,
) -> BTreeMap<&str, std::collections::BTreeSet<&str>> {
    let mut out: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for (region, _, arn, _) in &input.targets {
        let account = target_account(arn);
        if account != input.account && input.accounts.contains(account) {
            out.entry(account).or_default().insert(region.as_str());
        }
    }
    out
}

/// The ARNs of the read-only roles the function assumes, one in each other account.
pub(super) fn reader_arns(input: &WatchInput) -> Vec<String> {
    let name = reader_role_name(input.owner());
    (other_accounts(input).into_keys())
        .map(|a| Arn::of(&input.partition, a, AwsResource::Role(&name)).to_string())
        .collect()
}

/// The account of a function ARN.
pub(super) fn target_account(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or_default()
}

/// The statement ID admitting `account` to a bus for the watch of `owner` (the default bus's,
/// before the watch had its own; its own's).
pub(super) fn bus_statement(owner: WatchOwner<'_>, account: &str) -> String {
    name_of(owner, &format!("-{account}"))
}

/// The longest EventBridge rule name (64) and Lambda function or IAM role name (64).
const MAX_NAME: usize = 64;

/// Whose watch a deployment is: a deployment's, named by the role it watches, or the AWS
/// organization's. Its writes, its teardown and its names take it; its resources carry it in
/// their [`WATCH_TAG`]: the role's name, or `:organization`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchOwner<'a> {
    /// The watch of a deployment, by the name of the role it watches.
    Role(&'a str),
    /// The organization watch.
    Organization,
}

/// The organization watch's [`WATCH_TAG`] value, as deployed: `:` is in no role's name, so no
/// deployment's watch owns what the organization watch writes, or names it alike.
const ORGANIZATION_TAG: &str = ":organization";

impl<'a> WatchOwner<'a> {
    /// The value of its resources' [`WATCH_TAG`]: the role's name, or `:organization`.
    pub(crate) fn tag(self) -> &'a str {
        match self {
            WatchOwner::Role(role) => role,
            WatchOwner::Organization => ORGANIZATION_TAG,
        }
    }
}

/// `lambda-trust-watch-ROLE…`: cut to fit with a short digest of the whole when too long;
/// `lambda-trust-org-watch…` for the organization watch.
pub(super) fn name_of(owner: WatchOwner<'_>, suffix: &str) -> String {
    let role = match owner {
        WatchOwner::Organization => return format!("{ORG_WATCH}{suffix}"),
        WatchOwner::Role(role) => role,
    };
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

/// The statement ID of the function's permission for its Config rule.
pub(crate) fn config_statement(rule: &str) -> String {
    format!("{rule}-config")
}

/// The forwarding role's name for the watch of `owner` (read even when no longer wanted).
fn forward_role_name(owner: WatchOwner<'_>) -> String {
    name_of(owner, "-fwd")
}

/// The function's environment variable naming the read-only role it assumes in each other
/// account: `ACCOUNT=ARN` pairs joined by `,`. The function reads those accounts through these
/// roles alone, whatever `[aws.accounts]` says (its roles are `apply`'s, which write).
pub(crate) const READ_ROLES_ENV: &str = "LAMBDA_TRUST_READ_ROLES";

/// [`READ_ROLES_ENV`]'s value for `readers`.
pub(super) fn read_roles_value(readers: &[WatchRole], partition: &str) -> String {
    let pair = |r: &WatchRole| {
        let account = r.account.as_deref().unwrap_or_default();
        format!("{account}=arn:{partition}:iam::{account}:role/{}", r.name)
    };
    readers.iter().map(pair).collect::<Vec<_>>().join(",")
}

/// The account → role ARN pairs the function's `LAMBDA_TRUST_READ_ROLES` names, as `var`
/// reads it (`std::env::var`, in the function); none when it is not set.
pub fn read_roles(var: impl Fn(&str) -> Option<String>) -> BTreeMap<String, String> {
    let value = var(READ_ROLES_ENV).unwrap_or_default();
    (value.split(','))
        .filter_map(|pair| pair.split_once('='))
        .map(|(a, arn)| (a.trim().to_owned(), arn.trim().to_owned()))
        .collect()
}

/// The name of the read-only role the function of the watch of `owner` assumes in another
/// account.
pub(crate) fn reader_role_name(owner: WatchOwner<'_>) -> String {
    name_of(owner, "-read")
}

/// The name of the watch's own event bus.
pub(crate) fn bus_name_of(owner: WatchOwner<'_>) -> String {
    name_of(owner, "")
}

/// The prefix every rule of the watch of `owner` starts with.
fn rule_prefix(owner: WatchOwner<'_>) -> String {
    let name = name_of(owner, "");
    name.chars().take(MAX_NAME - 12).collect()
}

/// The names the watch of `role` is read under, wanted or not (what is no longer wanted is
/// read to be taken down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchNames {
    /// The watch's own event bus.
    pub bus: String,
    /// The forwarding role in each other account of the targets.
    pub forward_role: String,
    /// The read-only role the function assumes in each other account.
    pub reader_role: String,
    /// The prefix every rule of the watch starts with.
    pub rule_prefix: String,
}

/// The names the watch of `owner` is read under.
pub fn watch_names(owner: WatchOwner<'_>) -> WatchNames {
    WatchNames {
        bus: bus_name_of(owner),
        forward_role: forward_role_name(owner),
        reader_role: reader_role_name(owner),
        rule_prefix: rule_prefix(owner),
    }
}
