//! `watch deploy|status|destroy`'s calls (`aws` layer): what is live of a watch — its roles,
//! its function, its EventBridge rules in each region — and the writes of its plan.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_eventbridge::types::{RuleState, Tag as RuleTag, Target};
use aws_sdk_iam::types::Tag as IamTag;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Architecture, FunctionCode, Runtime};
use futures::future::try_join_all;
use serde_json::Value;

use super::{bus, config_rule};
use crate::aws::client::{has_code, AwsError, Clients};
use lambda_trust_iam::decode_document;
use lambda_trust_iam::{Arn, AwsResource};
use lambda_trust_provision::{
    watch_names, Deployment, Seen, SeenConfigRule, SeenFunction, SeenRole, SeenRule, WatchFunction,
    WatchOp, WatchOwner, WatchRule, WATCH_TAG,
};

/// What is live of the watch of `owner` whose deployment is `want`: read at once in IAM, in
/// the function's region, in each region of its rules, and in each other account of its
/// targets (with that account's clients).
pub(crate) async fn seen(
    clients: &Clients,
    want: &Deployment,
    owner: WatchOwner<'_>,
) -> Result<Seen, AwsError> {
    // Each region's default bus, and each other bus a rule is on (the Genesys Cloud org's).
    let buses: BTreeSet<(Option<&str>, &str, Option<&str>)> = (want.rules.iter())
        .flat_map(|r| {
            let account = r.account.as_deref();
            [
                (account, r.region.as_str(), None),
                (account, r.region.as_str(), r.bus.as_deref()),
            ]
        })
        .chain(want.former_home.as_deref().map(|r| (None, r, None)))
        .collect();
    let rules = try_join_all(buses.into_iter().map(|(account, region, bus)| async move {
        let on = OnBus::new(region, bus);
        rules_in(in_account(clients, account)?, account, on, owner).await
    }));
    let forward_name = watch_names(owner).forward_role;
    let f = &want.function;
    let (main, forward, function, rules, config_rule) = tokio::join!(
        seen_role(clients, &want.role.name, &want.role.policy_name),
        seen_role(clients, &forward_name, "lambda-trust-watch-forward"),
        seen_function(clients, &f.name, &f.region),
        rules,
        config_rule::seen(clients, &f.region, &f.name),
    );
    let (former_function, former_config_rule) = former(clients, want).await?;
    let (account_forwarders, account_readers, bus, bus_statements) = tokio::join!(
        other_accounts_roles(clients, want, owner, false),
        other_accounts_roles(clients, want, owner, true),
        bus::seen_bus(clients, want, owner),
        bus::default_bus_statements(clients, want)
    );
    Ok(Seen {
        role: main?,
        forward_role: forward?,
        function: function?,
        rules: rules?.into_iter().flatten().collect(),
        config_rule: config_rule?,
        account_forwarders: account_forwarders?,
        account_readers: account_readers?,
        bus: bus?,
        bus_statements: bus_statements?,
        former_function,
        former_config_rule,
    })
}

/// The function and Config rule under the deployment's name in its former home, when it has
/// one.
async fn former(
    clients: &Clients,
    want: &Deployment,
) -> Result<(Option<SeenFunction>, Option<SeenConfigRule>), AwsError> {
    let Some(region) = want.former_home.as_deref() else {
        return Ok((None, None));
    };
    let name = &want.function.name;
    let (function, config_rule) = tokio::join!(
        seen_function(clients, name, region),
        config_rule::seen(clients, region, name),
    );
    Ok((function?, config_rule?))
}

/// The clients acting in `account` (`None`: the function's own).
fn in_account<'a>(clients: &'a Clients, account: Option<&str>) -> Result<&'a Clients, AwsError> {
    let Some(account) = account else {
        return Ok(clients);
    };
    clients.account(account).ok_or_else(|| AwsError {
        operation: "sts:AssumeRole",
        code: None,
        message: format!("no credentials for account {account}, where targets are"),
        hint: Some(format!(
            "give [aws.accounts.\"{account}\"] a role_arn (or a profile) that can read and write its EventBridge rules and IAM role"
        )),
    })
}

/// The forwarding role (or, `readers`, the read-only role) in each other account of the
/// targets, by account.
async fn other_accounts_roles(
    clients: &Clients,
    want: &Deployment,
    owner: WatchOwner<'_>,
    readers: bool,
) -> Result<BTreeMap<String, SeenRole>, AwsError> {
    let (wanted, name, policy) = match readers {
        false => (
            &want.account_forwarders,
            watch_names(owner).forward_role,
            "lambda-trust-watch-forward",
        ),
        true => (
            &want.account_readers,
            watch_names(owner).reader_role,
            "lambda-trust-watch-reads",
        ),
    };
    let reads = (wanted.iter())
        .filter_map(|r| r.account.clone())
        .map(|account| {
            let name = name.clone();
            async move {
                let c = in_account(clients, Some(&account))?;
                let seen = seen_role(c, &name, policy).await?;
                Ok::<_, AwsError>(seen.map(|s| (account, s)))
            }
        });
    Ok(try_join_all(reads).await?.into_iter().flatten().collect())
}

async fn seen_role(
    clients: &Clients,
    name: &str,
    policy: &str,
) -> Result<Option<SeenRole>, AwsError> {
    let got = clients.iam.get_role().role_name(name).send().await;
    let role = match got {
        Ok(out) => out.role,
        Err(e) if has_code(&e, "NoSuchEntity") => return Ok(None),
        Err(e) => return Err(AwsError::from_sdk("iam:GetRole", e)),
    };
    let Some(role) = role else { return Ok(None) };
    let trust =
        decode_document(role.assume_role_policy_document().unwrap_or("{}")).unwrap_or(Value::Null);
    let owner = role
        .tags()
        .iter()
        .find(|t| t.key() == WATCH_TAG)
        .map(|t| t.value().to_owned());
    let policy = match clients
        .iam
        .get_role_policy()
        .role_name(name)
        .policy_name(policy)
        .send()
        .await
    {
        Ok(out) => decode_document(out.policy_document()).ok(),
        Err(e) if has_code(&e, "NoSuchEntity") => None,
        Err(e) => return Err(AwsError::from_sdk("iam:GetRolePolicy", e)),
    };
    Ok(Some(SeenRole {
        trust,
        policy,
        owner,
    }))
}

async fn seen_function(
    clients: &Clients,
    name: &str,
    region: &str,
) -> Result<Option<SeenFunction>, AwsError> {
    let lambda = clients.lambda(region);
    let out = match lambda.get_function().function_name(name).send().await {
        Ok(out) => out,
        Err(e) if has_code(&e, "ResourceNotFoundException") => return Ok(None),
        Err(e) => return Err(AwsError::from_sdk("lambda:GetFunction", e)),
    };
    let Some(c) = out.configuration() else {
        return Ok(None);
    };
    let owner = out.tags().and_then(|t| t.get(WATCH_TAG)).cloned();
    let statements = match lambda.get_policy().function_name(name).send().await {
        Ok(p) => bus::statement_ids(p.policy().unwrap_or("{}")),
        Err(e) if has_code(&e, "ResourceNotFoundException") => BTreeSet::new(),
        Err(e) => return Err(AwsError::from_sdk("lambda:GetPolicy", e)),
    };
    Ok(Some(SeenFunction {
        code_sha256: c.code_sha256().unwrap_or_default().to_owned(),
        role_arn: c.role().unwrap_or_default().to_owned(),
        architecture: c
            .architectures()
            .first()
            .map_or("x86_64", |a| a.as_str())
            .to_owned(),
        timeout: c.timeout().unwrap_or_default(),
        memory: c.memory_size().unwrap_or_default(),
        environment: (c.environment().and_then(|e| e.variables()))
            .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        owner,
        statements,
        reserved_concurrency: (out.concurrency()).and_then(|c| c.reserved_concurrent_executions()),
    }))
}

/// Where a rule is: its region, and its bus (`None`: the region's default bus).
#[derive(Clone, Copy)]
struct OnBus<'a> {
    region: &'a str,
    bus: Option<&'a str>,
}

impl<'a> OnBus<'a> {
    fn new(region: &'a str, bus: Option<&'a str>) -> OnBus<'a> {
        OnBus { region, bus }
    }
}

/// The rules named like the watch's in `region` (of `account`, `None`: the function's), each
/// with its target and its owner tag.
async fn rules_in(
    clients: &Clients,
    account: Option<&str>,
    OnBus { region, bus }: OnBus<'_>,
    owner: WatchOwner<'_>,
) -> Result<Vec<SeenRule>, AwsError> {
    let events = clients.events(region);
    let (mut found, mut token) = (Vec::new(), None::<String>);
    loop {
        let out = (events.list_rules())
            .name_prefix(watch_names(owner).rule_prefix)
            .set_event_bus_name(bus.map(bus_name))
            .set_next_token(token.take())
            .send()
            .await;
        let out = match out {
            // A bus not made yet (the watch's own, before its first deploy) holds no rule.
            Err(e) if bus.is_some() && has_code(&e, "ResourceNotFoundException") => break,
            out => out.map_err(|e| AwsError::from_sdk("events:ListRules", e))?,
        };
        found.extend(out.rules().to_vec());
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    let reads = found.iter().map(|r| async {
        let name = r.name().unwrap_or_default();
        let arn = r.arn().unwrap_or_default();
        let (targets, tags) = tokio::join!(
            (events.list_targets_by_rule())
                .rule(name)
                .set_event_bus_name(bus.map(bus_name))
                .send(),
            events.list_tags_for_resource().resource_arn(arn).send(),
        );
        let targets = targets.map_err(|e| AwsError::from_sdk("events:ListTargetsByRule", e))?;
        let tags = tags.map_err(|e| AwsError::from_sdk("events:ListTagsForResource", e))?;
        let target = targets.targets().first();
        Ok::<_, AwsError>(SeenRule {
            account: account.map(str::to_owned),
            region: region.to_owned(),
            name: name.to_owned(),
            pattern: r.event_pattern().and_then(|p| serde_json::from_str(p).ok()),
            schedule: r.schedule_expression().map(str::to_owned),
            target: target.map(|t| t.arn().to_owned()),
            target_role: target.and_then(|t| t.role_arn()).map(str::to_owned),
            owner: tags
                .tags()
                .iter()
                .find(|t| t.key() == WATCH_TAG)
                .map(|t| t.value().to_owned()),
            bus: bus.map(str::to_owned),
        })
    });
    try_join_all(reads).await
}

/// Runs `ops` in order; the function's code is `package`. Returns the writes made, or how
/// many of `ops` were made before one failed, and its error.
pub(crate) async fn apply(
    clients: &Clients,
    ops: &[WatchOp],
    package: &[u8],
    tags: &BTreeMap<String, String>,
) -> Result<usize, (usize, AwsError)> {
    let mut writes = 0;
    for (made, op) in ops.iter().enumerate() {
        let acting = in_account(clients, account_of(op)).map_err(|e| (made, e))?;
        writes += (apply_one(acting, op, package, tags).await).map_err(|e| (made, e))?;
    }
    Ok(writes)
}

/// The account `op` writes in, when not the function's.
fn account_of(op: &WatchOp) -> Option<&str> {
    match op {
        WatchOp::CreateRole { role }
        | WatchOp::UpdateTrust { role }
        | WatchOp::PutRolePolicy { role } => role.account.as_deref(),
        WatchOp::PutRule { rule } | WatchOp::PutTarget { rule } => rule.account.as_deref(),
        WatchOp::RemoveRule { account, .. } | WatchOp::DeleteRole { account, .. } => {
            account.as_deref()
        }
        _ => None,
    }
}

async fn apply_one(
    clients: &Clients,
    op: &WatchOp,
    package: &[u8],
    tags: &BTreeMap<String, String>,
) -> Result<usize, AwsError> {
    let iam = &clients.iam;
    match op {
        WatchOp::CreateRole { role } => {
            let tags = tags
                .iter()
                .map(|(k, v)| IamTag::builder().key(k).value(v).build());
            (iam.create_role())
                .role_name(&role.name)
                .assume_role_policy_document(role.trust.to_string())
                .description("lambda-trust watch: re-proves the setup on every change")
                .set_tags(tags.collect::<Result<Vec<_>, _>>().ok())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:CreateRole", e))?;
            Ok(1)
        }
        WatchOp::UpdateTrust { role } => {
            (iam.update_assume_role_policy())
                .role_name(&role.name)
                .policy_document(role.trust.to_string())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:UpdateAssumeRolePolicy", e))?;
            Ok(1)
        }
        WatchOp::PutRolePolicy { role } => {
            (iam.put_role_policy())
                .role_name(&role.name)
                .policy_name(&role.policy_name)
                .policy_document(role.policy.to_string())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:PutRolePolicy", e))?;
            Ok(1)
        }
        WatchOp::DeleteRole {
            name, policy_name, ..
        } => delete_role(clients, name, policy_name).await,
        WatchOp::RemoveRule {
            region, name, bus, ..
        } => remove_rule(clients, OnBus::new(region, bus.as_deref()), name).await,
        WatchOp::CreateBus { .. }
        | WatchOp::PutBusPolicy { .. }
        | WatchOp::DeleteBus { .. }
        | WatchOp::DisallowAccount { .. } => bus::apply(clients, op, tags).await,
        WatchOp::PutRule { .. } | WatchOp::PutTarget { .. } => put_rule(clients, op, tags).await,
        WatchOp::PutConfigRule { rule } => config_rule::put(clients, rule, tags).await,
        WatchOp::DeleteConfigRule { region, name } => {
            config_rule::delete(clients, region, name).await
        }
        _ => function_op(clients, op, package, tags).await,
    }
}

async fn delete_role(clients: &Clients, name: &str, policy: &str) -> Result<usize, AwsError> {
    let iam = &clients.iam;
    match iam
        .delete_role_policy()
        .role_name(name)
        .policy_name(policy)
        .send()
        .await
    {
        Ok(_) => {}
        Err(e) if has_code(&e, "NoSuchEntity") => {}
        Err(e) => return Err(AwsError::from_sdk("iam:DeleteRolePolicy", e)),
    }
    iam.delete_role()
        .role_name(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("iam:DeleteRole", e))?;
    Ok(2)
}

async fn remove_rule(
    clients: &Clients,
    OnBus { region, bus }: OnBus<'_>,
    name: &str,
) -> Result<usize, AwsError> {
    let events = clients.events(region);
    (events.remove_targets())
        .rule(name)
        .set_event_bus_name(bus.map(bus_name))
        .ids(TARGET_ID)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("events:RemoveTargets", e))?;
    events
        .delete_rule()
        .name(name)
        .set_event_bus_name(bus.map(bus_name))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("events:DeleteRule", e))?;
    Ok(2)
}

/// The one target's ID on every rule of a watch.
const TARGET_ID: &str = "lambda-trust-watch";

async fn put_rule(
    clients: &Clients,
    op: &WatchOp,
    tags: &BTreeMap<String, String>,
) -> Result<usize, AwsError> {
    match op {
        WatchOp::PutRule { rule } => {
            let tags = tags
                .iter()
                .map(|(k, v)| RuleTag::builder().key(k).value(v).build());
            (clients.events(&rule.region).put_rule())
                .name(&rule.name)
                .set_event_bus_name(rule.bus.as_deref().map(bus_name))
                .description(
                    "lambda-trust watch: hands the watching function what can change the proof",
                )
                .set_event_pattern(rule.pattern.as_ref().map(Value::to_string))
                .set_schedule_expression(rule.schedule.clone())
                .state(RuleState::Enabled)
                .set_tags(tags.collect::<Result<Vec<_>, _>>().ok())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("events:PutRule", e))?;
            Ok(1)
        }
        WatchOp::PutTarget { rule } => put_target(clients, rule).await,
        _ => Ok(0),
    }
}

/// `events:PutTargets` of the rule's one target; a `FailedEntries` entry is the error.
async fn put_target(clients: &Clients, rule: &WatchRule) -> Result<usize, AwsError> {
    let refused = |message: String| AwsError {
        operation: "events:PutTargets",
        code: None,
        message,
        hint: None,
    };
    let target = Target::builder()
        .id(TARGET_ID)
        .arn(&rule.target)
        .set_role_arn(rule.target_role.clone())
        .build()
        .map_err(|e| refused(e.to_string()))?;
    let out = (clients.events(&rule.region).put_targets())
        .rule(&rule.name)
        .set_event_bus_name(rule.bus.as_deref().map(bus_name))
        .targets(target)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("events:PutTargets", e))?;
    match out.failed_entries().first() {
        Some(f) => Err(refused(f.error_message().unwrap_or("refused").to_owned())),
        None => Ok(1),
    }
}

async fn function_op(
    clients: &Clients,
    op: &WatchOp,
    package: &[u8],
    tags: &BTreeMap<String, String>,
) -> Result<usize, AwsError> {
    match op {
        WatchOp::CreateFunction { function } => {
            create_function(clients, function, package, tags).await
        }
        WatchOp::AllowRule { function, rule } => {
            let from = Invoker::Rule(rule_arn(clients, rule));
            allow(clients, &rule.region, function, &rule.name, from).await
        }
        WatchOp::AllowConfig { function, rule } => {
            let account = rule.function_arn.split(':').nth(4).unwrap_or_default();
            let from = Invoker::Config(account.to_owned());
            allow(clients, &rule.region, function, &rule.statement_id, from).await
        }
        WatchOp::DeleteFunction { name, region } => {
            (clients.lambda(region).delete_function())
                .function_name(name)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("lambda:DeleteFunction", e))?;
            Ok(1)
        }
        _ => function_update(clients, op, package).await,
    }
}

/// A function's code, configuration or reserved concurrency written again.
async fn function_update(
    clients: &Clients,
    op: &WatchOp,
    package: &[u8],
) -> Result<usize, AwsError> {
    match op {
        WatchOp::UpdateCode { function } => {
            (clients.lambda(&function.region).update_function_code())
                .function_name(&function.name)
                .zip_file(Blob::new(package))
                .architectures(Architecture::from(function.architecture.as_str()))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("lambda:UpdateFunctionCode", e))?;
        }
        WatchOp::UpdateConfiguration { function } => {
            (clients
                .lambda(&function.region)
                .update_function_configuration())
            .function_name(&function.name)
            .role(&function.role_arn)
            .timeout(function.timeout)
            .memory_size(function.memory)
            .environment(environment(function))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("lambda:UpdateFunctionConfiguration", e))?;
        }
        WatchOp::SetConcurrency { function, reserved } => {
            (clients.lambda(&function.region).put_function_concurrency())
                .function_name(&function.name)
                .reserved_concurrent_executions(*reserved)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("lambda:PutFunctionConcurrency", e))?;
        }
        _ => return Ok(0),
    }
    Ok(1)
}

fn rule_arn(clients: &Clients, rule: &WatchRule) -> String {
    // The function's ARN names the partition and account the rule shares.
    let parts: Vec<&str> = rule.target.split(':').collect();
    let (partition, account) = match parts.as_slice() {
        ["arn", p, _, _, a, ..] => (*p, *a),
        _ => (clients.partition(), ""),
    };
    // A rule on another bus than the default is `rule/BUS/NAME` (EventBridge's ARN formats,
    // Service Authorization Reference, "Resource types defined by Amazon EventBridge").
    let bus = (rule.bus.as_deref()).map_or_else(String::new, |b| format!("{}/", bus_name(b)));
    let path = &format!("{bus}{}", rule.name);
    let region = &rule.region;
    Arn::of(partition, account, AwsResource::Rule { region, path }).to_string()
}

/// `lambda:CreateFunction` of the watching function from `package`, tagged. A role just
/// created may not be assumable by Lambda for a few seconds (IAM is eventually consistent):
/// Lambda answers InvalidParameterValueException meanwhile, and the call is made again for
/// up to 30 s.
async fn create_function(
    clients: &Clients,
    function: &WatchFunction,
    package: &[u8],
    tags: &BTreeMap<String, String>,
) -> Result<usize, AwsError> {
    let lambda = clients.lambda(&function.region);
    let tags: std::collections::HashMap<_, _> = tags.clone().into_iter().collect();
    let create = || {
        (lambda.create_function())
            .function_name(&function.name)
            .runtime(Runtime::Providedal2023)
            .handler("bootstrap")
            .role(&function.role_arn)
            .architectures(Architecture::from(function.architecture.as_str()))
            .timeout(function.timeout)
            .memory_size(function.memory)
            .description("lambda-trust watch: re-proves the setup on every change")
            .code(FunctionCode::builder().zip_file(Blob::new(package)).build())
            .set_tags(Some(tags.clone()))
            .environment(environment(function))
            .send()
    };
    let backoff = crate::retry::Backoff {
        initial: Duration::from_secs(1),
        max: Duration::from_secs(8),
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let not_yet = |e: &_| has_code(e, "InvalidParameterValueException");
    let created = crate::retry::retry_until(deadline, backoff, not_yet, |_| create()).await;
    created
        .result
        .map_err(|e| AwsError::from_sdk("lambda:CreateFunction", e))?;
    Ok(1)
}

fn environment(function: &WatchFunction) -> aws_sdk_lambda::types::Environment {
    let variables = function.environment.clone().into_iter().collect();
    aws_sdk_lambda::types::Environment::builder()
        .set_variables(Some(variables))
        .build()
}

/// Who a permission lets invoke the function: an EventBridge rule (its ARN), or AWS Config
/// on behalf of an account.
enum Invoker {
    Rule(String),
    Config(String),
}

/// `lambda:AddPermission` of `lambda:InvokeFunction` on `function` (in `region`) for `from`.
async fn allow(
    clients: &Clients,
    region: &str,
    function: &str,
    sid: &str,
    from: Invoker,
) -> Result<usize, AwsError> {
    let add = (clients.lambda(region).add_permission())
        .function_name(function)
        .statement_id(sid)
        .action("lambda:InvokeFunction");
    let add = match from {
        Invoker::Rule(arn) => add.principal("events.amazonaws.com").source_arn(arn),
        Invoker::Config(account) => add
            .principal("config.amazonaws.com")
            .source_account(account),
    };
    add.send()
        .await
        .map_err(|e| AwsError::from_sdk("lambda:AddPermission", e))?;
    Ok(1)
}

/// The name of the event bus whose ARN is `arn` (a partner bus's name holds `/`, which the
/// ARN's last segment does not delimit): what `EventBusName` is given.
fn bus_name(arn: &str) -> String {
    arn.split_once(":event-bus/")
        .map_or(arn, |(_, name)| name)
        .to_owned()
}
