//! What is live of a watch ([`Seen`]), and the writes that deploy it ([`plan`]) or remove
//! exactly it ([`teardown`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::model::{
    bus_name_of, name_of, reader_role_name, Deployment, WatchBus, WatchConfigRule, WatchFunction,
    WatchRole, WatchRule, WATCH_TAG,
};

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
    /// Its reserved concurrency (`None`: not set).
    pub reserved_concurrency: Option<i32>,
}

/// A rule as read (its one target, if any).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenRule {
    /// Its account, when not the function's.
    pub account: Option<String>,
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
    /// The forwarding role in each other account read, by account.
    pub account_forwarders: BTreeMap<String, SeenRole>,
    /// The read-only role in each other account read, by account.
    pub account_readers: BTreeMap<String, SeenRole>,
    /// The watch's own event bus.
    pub bus: Option<SeenBus>,
    /// The statement IDs of the home region's default bus policy (where a watch deployed
    /// before it had its own bus admitted other accounts).
    pub bus_statements: BTreeSet<String>,
    /// The function under the deployment's name in its former home
    /// ([`Deployment::former_home`]); its rules there are among `rules`.
    pub former_function: Option<SeenFunction>,
    /// The Config rule under the deployment's name in its former home.
    pub former_config_rule: Option<SeenConfigRule>,
}

/// The watch's own event bus as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeenBus {
    /// Its resource policy.
    pub policy: Option<Value>,
    /// The watched role its tag names (`None`: not a watch's).
    pub owner: Option<String>,
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
    /// `lambda:PutFunctionConcurrency`: its reserved concurrency.
    SetConcurrency {
        /// The function.
        function: WatchFunction,
        /// The reserved concurrency.
        reserved: i32,
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
    /// `events:CreateEventBus` (tagged): the watch's own bus.
    CreateBus {
        /// The bus.
        bus: WatchBus,
    },
    /// `events:PutPermission` of the bus's whole policy (the bus is the watch's own).
    PutBusPolicy {
        /// The bus.
        bus: WatchBus,
    },
    /// `events:DeleteEventBus` of the watch's own bus.
    DeleteBus {
        /// Its name.
        name: String,
        /// Its region.
        region: String,
    },
    /// `events:RemovePermission` of a statement of the watch on the default bus: one for an
    /// account no longer targeted, or one a watch deployed before it had its own bus wrote.
    DisallowAccount {
        /// The statement's ID.
        statement_id: String,
        /// The bus's region.
        region: String,
    },
    /// `events:RemoveTargets` and `events:DeleteRule`.
    RemoveRule {
        /// Its account, when not the function's.
        #[serde(skip_serializing_if = "Option::is_none")]
        account: Option<String>,
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
        /// Its account, when not the function's.
        #[serde(skip_serializing_if = "Option::is_none")]
        account: Option<String>,
        /// Its name.
        name: String,
        /// Its inline policy's name.
        policy_name: String,
    },
}

impl WatchOp {
    /// One line for the preview: every write says itself (an exhaustive match).
    fn line(&self) -> String {
        use WatchOp::*;
        let rule_at = |r: &WatchRule| format!("{} ({}{})", r.name, r.region, of(&r.account));
        match self {
            CreateRole { role } => format!("create role {}", role_in(role)),
            UpdateTrust { role } => {
                format!("update the trust policy of role {}", role_in(role))
            }
            PutRolePolicy { role } => {
                format!(
                    "put inline policy {} on role {}",
                    role.policy_name,
                    role_in(role)
                )
            }
            DeleteRole { account, name, .. } => {
                format!("delete role {name}{}", within(account))
            }
            CreateFunction { function: f } => format!(
                "create function {} ({}, provided.al2023, {})",
                f.name, f.region, f.architecture
            ),
            UpdateCode { function: f } => {
                format!(
                    "update the code of function {} (sha256 {})",
                    f.name, f.code_sha256
                )
            }
            UpdateConfiguration { function: f } => {
                format!("update the configuration of function {}", f.name)
            }
            SetConcurrency {
                function: f,
                reserved,
            } => format!("reserve function {} a concurrency of {reserved}", f.name),
            DeleteFunction { name, .. } => format!("delete function {name}"),
            PutRule { rule } => format!("put rule {}", rule_at(rule)),
            PutTarget { rule } => {
                format!("point rule {} at {}", rule_at(rule), rule.target)
            }
            AllowRule { function, rule } => {
                format!("let rule {} invoke function {function}", rule.name)
            }
            RemoveRule {
                account,
                region,
                name,
                ..
            } => {
                format!("remove rule {name} ({region}{})", of(account))
            }
            CreateBus { bus } => format!("create event bus {} ({})", bus.name, bus.region),
            PutBusPolicy { bus } => {
                format!(
                    "let {} put events on event bus {}",
                    admitted(&bus.policy),
                    bus.name
                )
            }
            DeleteBus { name, region } => format!("delete event bus {name} ({region})"),
            DisallowAccount {
                statement_id,
                region,
            } => {
                format!("remove statement {statement_id} of the default event bus ({region})")
            }
            PutConfigRule { rule: r } => {
                format!("put Config rule {} ({}, {})", r.name, r.region, r.frequency)
            }
            AllowConfig { function, rule } => {
                format!("let Config rule {} invoke function {function}", rule.name)
            }
            DeleteConfigRule { region, name } => {
                format!("delete Config rule {name} ({region})")
            }
        }
    }
}

/// "NAME" or "NAME in account ID": a role of the deployment.
fn role_in(role: &WatchRole) -> String {
    format!("{}{}", role.name, within(&role.account))
}

/// "the forwarding roles of accounts A, B" (or "no account") a bus policy admits.
fn admitted(policy: &Value) -> String {
    let statements = policy["Statement"].as_array().into_iter().flatten();
    let org = (statements.clone())
        .find_map(|s| s["Condition"]["StringEquals"]["aws:PrincipalOrgID"].as_str());
    if let Some(org) = org {
        return format!("the forwarding roles of organization {org}");
    }
    let accounts: Vec<&str> = (policy["Statement"].as_array().into_iter().flatten())
        .filter_map(|s| s["Principal"]["AWS"].as_str())
        .filter_map(|p| p.split(':').nth(4))
        .collect();
    match accounts.as_slice() {
        [] => "no account".into(),
        [one] => format!("the forwarding role of account {one}"),
        many => format!("the forwarding roles of accounts {}", many.join(", ")),
    }
}

/// ", account ID" for a resource in another account than the function's.
fn of(account: &Option<String>) -> String {
    account
        .as_ref()
        .map_or_else(String::new, |a| format!(", account {a}"))
}

/// " in account ID" for a role in another account than the function's.
fn within(account: &Option<String>) -> String {
    account
        .as_ref()
        .map_or_else(String::new, |a| format!(" in account {a}"))
}

/// One line for the preview: "create role …", "update the code of function …".
impl std::fmt::Display for WatchOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line())
    }
}

/// Why a watch cannot be written: a resource under its names that is not its own (a
/// deployment's watch, or the organization's StackSets and stacks).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} exists and is not this watch's (its tag {tag} is not {owner:?})")]
pub struct NotOurs {
    /// What exists.
    pub what: String,
    /// The tag naming a resource's watch.
    pub tag: &'static str,
    /// What that tag must say: the watched role, or the organization.
    pub owner: String,
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
    for (wanted, seen_roles) in [
        (&want.account_forwarders, &seen.account_forwarders),
        (&want.account_readers, &seen.account_readers),
    ] {
        for wanted in wanted {
            let account = wanted.account.clone().unwrap_or_default();
            ops.extend(role_ops(wanted, seen_roles.get(&account), role)?);
        }
    }
    ops.extend(function_ops(&want.function, seen.function.as_ref(), role)?);
    ops.extend(moved_off_former_home(want, seen, role));
    ops.extend(bus_ops(want, seen, role)?);
    ops.extend(rule_ops(want, seen, role)?);
    ops.extend(config_rule_ops(want, seen, role)?);
    if want.bus.is_none()
        && seen
            .bus
            .as_ref()
            .is_some_and(|b| b.owner.as_deref() == Some(role))
    {
        ops.push(delete_bus(role, &want.function.region));
    }
    if let (None, Some(s)) = (&want.forward_role, &seen.forward_role) {
        if s.owner.as_deref() == Some(role) {
            ops.push(delete_forwarder(role, None));
        }
    }
    for (wanted, seen_roles, reader) in [
        (&want.account_forwarders, &seen.account_forwarders, false),
        (&want.account_readers, &seen.account_readers, true),
    ] {
        for (account, s) in seen_roles {
            let kept = (wanted.iter()).any(|w| w.account.as_deref() == Some(account.as_str()));
            if !kept && s.owner.as_deref() == Some(role) {
                ops.push(match reader {
                    false => delete_forwarder(role, Some(account.clone())),
                    true => delete_reader(role, account.clone()),
                });
            }
        }
    }
    Ok(ops)
}

/// The watch of `role` in its former home, removed (its rules there go as every rule no
/// longer wanted): a redeploy moves it, destroy removes it.
fn moved_off_former_home(want: &Deployment, seen: &Seen, role: &str) -> Vec<WatchOp> {
    let Some(region) = &want.former_home else {
        return Vec::new();
    };
    let mine = |owner: &Option<String>| owner.as_deref() == Some(role);
    let name = &want.function.name;
    let config_rule = (seen.former_config_rule.as_ref()).filter(|r| mine(&r.owner));
    let function = (seen.former_function.as_ref()).filter(|f| mine(&f.owner));
    let config_rule = config_rule.map(|_| WatchOp::DeleteConfigRule {
        region: region.clone(),
        name: name.clone(),
    });
    let function = function.map(|_| WatchOp::DeleteFunction {
        name: name.clone(),
        region: region.clone(),
    });
    config_rule.into_iter().chain(function).collect()
}

fn delete_forwarder(role: &str, account: Option<String>) -> WatchOp {
    WatchOp::DeleteRole {
        account,
        name: name_of(role, "-fwd"),
        policy_name: "lambda-trust-watch-forward".into(),
    }
}

fn delete_reader(role: &str, account: String) -> WatchOp {
    WatchOp::DeleteRole {
        account: Some(account),
        name: reader_role_name(role),
        policy_name: "lambda-trust-watch-reads".into(),
    }
}

fn delete_bus(role: &str, region: &str) -> WatchOp {
    WatchOp::DeleteBus {
        name: bus_name_of(role),
        region: region.to_owned(),
    }
}

/// Whether `statement_id` on the bus is the watch of `role`'s: its statement for some
/// account ([`super::model::bus_statement`]), never another watch's whose role starts alike.
fn our_statement(statement_id: &str, role: &str) -> bool {
    let account = statement_id.rsplit('-').next().unwrap_or_default();
    account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && super::model::bus_statement(role, account) == statement_id
}

/// The watch's own bus made and its policy written where they differ; every statement of
/// the watch on the default bus removed (a watch deployed before it had its own bus admitted
/// whole accounts there).
fn bus_ops(want: &Deployment, seen: &Seen, role: &str) -> Result<Vec<WatchOp>, NotOurs> {
    let mut ops = Vec::new();
    if let Some(bus) = &want.bus {
        match &seen.bus {
            None => ops.push(WatchOp::CreateBus { bus: bus.clone() }),
            Some(s) => ours(&s.owner, format!("event bus {}", bus.name), role)?,
        }
        let same = (seen.bus.as_ref().and_then(|s| s.policy.as_ref()))
            .is_some_and(|p| lambda_trust_iam::semantically_equal(p, &bus.policy));
        if !same {
            ops.push(WatchOp::PutBusPolicy { bus: bus.clone() });
        }
    }
    for id in (seen.bus_statements.iter()).filter(|id| our_statement(id, role)) {
        ops.push(WatchOp::DisallowAccount {
            statement_id: id.clone(),
            region: want.function.region.clone(),
        });
    }
    Ok(ops)
}

/// `Ok` when `owner` (a resource's watch tag) is `role`'s.
fn ours(owner: &Option<String>, what: String, role: &str) -> Result<(), NotOurs> {
    match owner.as_deref() {
        Some(o) if o == role => Ok(()),
        _ => Err(NotOurs {
            what,
            tag: WATCH_TAG,
            owner: role.into(),
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
    let concurrency = |seen: Option<i32>| {
        (f.reserved_concurrency.filter(|r| Some(*r) != seen)).map(|reserved| {
            WatchOp::SetConcurrency {
                function: function(),
                reserved,
            }
        })
    };
    let Some(s) = seen else {
        let create = WatchOp::CreateFunction {
            function: function(),
        };
        return Ok([create].into_iter().chain(concurrency(None)).collect());
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
    ops.extend(concurrency(s.reserved_concurrency));
    Ok(ops)
}

/// Each wanted rule put, aimed and allowed to invoke the function where it is not; the
/// watch's rules no longer wanted (fewer targets, a region left) removed.
fn rule_ops(want: &Deployment, seen: &Seen, role: &str) -> Result<Vec<WatchOp>, NotOurs> {
    let f = &want.function;
    let statements = seen.function.as_ref().map(|s| &s.statements);
    let mut ops = Vec::new();
    for rule in &want.rules {
        let found = (seen.rules.iter()).find(|r| same_rule(r, rule));
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
        let wanted = (want.rules.iter()).any(|w| same_rule(r, w));
        if !wanted && r.owner.as_deref() == Some(role) {
            ops.push(WatchOp::RemoveRule {
                account: r.account.clone(),
                region: r.region.clone(),
                name: r.name.clone(),
                bus: r.bus.clone(),
            });
        }
    }
    Ok(ops)
}

/// Whether `seen` is the rule `wanted`: its account, region, bus and name.
fn same_rule(seen: &SeenRule, wanted: &WatchRule) -> bool {
    (seen.account == wanted.account && seen.region == wanted.region)
        && (seen.name == wanted.name && seen.bus == wanted.bus)
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
            if !statements.is_some_and(|s| s.contains(&rule.statement_id)) {
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

/// The writes that remove exactly the watch of `role` that `seen` holds: its rules, its
/// function, its roles — each only when its tag names `role`.
pub fn teardown(seen: &Seen, role: &str, want: &Deployment) -> Vec<WatchOp> {
    let mine = |owner: &Option<String>| owner.as_deref() == Some(role);
    let mut ops: Vec<WatchOp> = (seen.rules.iter())
        .filter(|r| mine(&r.owner))
        .map(|r| WatchOp::RemoveRule {
            account: r.account.clone(),
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
    ops.extend(moved_off_former_home(want, seen, role));
    ops.extend(teardown_roles(seen, role));
    if seen.bus.as_ref().is_some_and(|b| mine(&b.owner)) {
        ops.push(delete_bus(role, &want.function.region));
    }
    let ours = seen
        .bus_statements
        .iter()
        .filter(|id| our_statement(id, role));
    ops.extend(ours.map(|id| WatchOp::DisallowAccount {
        statement_id: id.clone(),
        region: want.function.region.clone(),
    }));
    ops
}

/// The watch of `role`'s roles `seen` holds, deleted: the function's, the forwarding role, and
/// each other account's forwarding and read-only roles — each only when its tag names `role`.
fn teardown_roles(seen: &Seen, role: &str) -> Vec<WatchOp> {
    let mine = |owner: &Option<String>| owner.as_deref() == Some(role);
    let mut ops = Vec::new();
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
                account: None,
                name,
                policy_name: policy.into(),
            });
        }
    }
    for (account, r) in &seen.account_forwarders {
        if mine(&r.owner) {
            ops.push(delete_forwarder(role, Some(account.clone())));
        }
    }
    for (account, r) in &seen.account_readers {
        if mine(&r.owner) {
            ops.push(delete_reader(role, account.clone()));
        }
    }
    ops
}
