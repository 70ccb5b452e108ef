//! The writes that deploy a watch ([`plan`]) or remove exactly it ([`teardown`]), from what is
//! live of it (`seen.rs`) to what it should be, each a [`WatchOp`] (`ops.rs`).

use super::model::{
    bus_name_of, name_of, reader_role_name, Deployment, WatchFunction, WatchOwner, WatchRole,
    WatchRule, WATCH_TAG,
};
use super::ops::WatchOp;
use super::seen::{Seen, SeenFunction, SeenRole, SeenRule};

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

/// The writes that make `seen` the deployment `want` (of the watch `owner`): none when
/// it already is.
pub fn plan(
    want: &Deployment,
    seen: &Seen,
    owner: WatchOwner<'_>,
) -> Result<Vec<WatchOp>, NotOurs> {
    let mut ops = Vec::new();
    for (wanted, seen_role) in [
        (Some(&want.role), &seen.role),
        (want.forward_role.as_ref(), &seen.forward_role),
    ] {
        if let Some(wanted) = wanted {
            ops.extend(role_ops(wanted, seen_role.as_ref(), owner)?);
        }
    }
    for (wanted, seen_roles) in [
        (&want.account_forwarders, &seen.account_forwarders),
        (&want.account_readers, &seen.account_readers),
    ] {
        for wanted in wanted {
            let account = wanted.account.clone().unwrap_or_default();
            ops.extend(role_ops(wanted, seen_roles.get(&account), owner)?);
        }
    }
    ops.extend(function_ops(&want.function, seen.function.as_ref(), owner)?);
    ops.extend(moved_off_former_home(want, seen, owner));
    ops.extend(bus_ops(want, seen, owner)?);
    ops.extend(rule_ops(want, seen, owner)?);
    ops.extend(config_rule_ops(want, seen, owner)?);
    if want.bus.is_none()
        && seen
            .bus
            .as_ref()
            .is_some_and(|b| b.owner.as_deref() == Some(owner.tag()))
    {
        ops.push(delete_bus(owner, &want.function.region));
    }
    if let (None, Some(s)) = (&want.forward_role, &seen.forward_role) {
        if s.owner.as_deref() == Some(owner.tag()) {
            ops.push(delete_forwarder(owner, None));
        }
    }
    for (wanted, seen_roles, reader) in [
        (&want.account_forwarders, &seen.account_forwarders, false),
        (&want.account_readers, &seen.account_readers, true),
    ] {
        for (account, s) in seen_roles {
            let kept = (wanted.iter()).any(|w| w.account.as_deref() == Some(account.as_str()));
            if !kept && s.owner.as_deref() == Some(owner.tag()) {
                ops.push(match reader {
                    false => delete_forwarder(owner, Some(account.clone())),
                    true => delete_reader(owner, account.clone()),
                });
            }
        }
    }
    Ok(ops)
}

/// The watch of `owner` in its former home, removed (its rules there go as every rule no
/// longer wanted): a redeploy moves it, destroy removes it.
fn moved_off_former_home(want: &Deployment, seen: &Seen, owner: WatchOwner<'_>) -> Vec<WatchOp> {
    let Some(region) = &want.former_home else {
        return Vec::new();
    };
    let mine = |tagged: &Option<String>| tagged.as_deref() == Some(owner.tag());
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

fn delete_forwarder(owner: WatchOwner<'_>, account: Option<String>) -> WatchOp {
    WatchOp::DeleteRole {
        account,
        name: name_of(owner, "-fwd"),
        policy_name: "lambda-trust-watch-forward".into(),
    }
}

fn delete_reader(owner: WatchOwner<'_>, account: String) -> WatchOp {
    WatchOp::DeleteRole {
        account: Some(account),
        name: reader_role_name(owner),
        policy_name: "lambda-trust-watch-reads".into(),
    }
}

fn delete_bus(owner: WatchOwner<'_>, region: &str) -> WatchOp {
    WatchOp::DeleteBus {
        name: bus_name_of(owner),
        region: region.to_owned(),
    }
}

/// Whether `statement_id` on the bus is the watch of `owner`'s: its statement for some
/// account ([`super::model::bus_statement`]), never another watch's whose role starts alike.
fn our_statement(statement_id: &str, owner: WatchOwner<'_>) -> bool {
    let account = statement_id.rsplit('-').next().unwrap_or_default();
    account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && super::model::bus_statement(owner, account) == statement_id
}

/// The watch's own bus made and its policy written where they differ; every statement of
/// the watch on the default bus removed (a watch deployed before it had its own bus admitted
/// whole accounts there).
fn bus_ops(want: &Deployment, seen: &Seen, owner: WatchOwner<'_>) -> Result<Vec<WatchOp>, NotOurs> {
    let mut ops = Vec::new();
    if let Some(bus) = &want.bus {
        match &seen.bus {
            None => ops.push(WatchOp::CreateBus { bus: bus.clone() }),
            Some(s) => ours(&s.owner, format!("event bus {}", bus.name), owner)?,
        }
        let same = (seen.bus.as_ref().and_then(|s| s.policy.as_ref()))
            .is_some_and(|p| lambda_trust_iam::semantically_equal(p, &bus.policy));
        if !same {
            ops.push(WatchOp::PutBusPolicy { bus: bus.clone() });
        }
    }
    for id in (seen.bus_statements.iter()).filter(|id| our_statement(id, owner)) {
        ops.push(WatchOp::DisallowAccount {
            statement_id: id.clone(),
            region: want.function.region.clone(),
        });
    }
    Ok(ops)
}

/// `Ok` when `tagged` (a resource's watch tag) is `owner`'s.
fn ours(tagged: &Option<String>, what: String, owner: WatchOwner<'_>) -> Result<(), NotOurs> {
    match tagged.as_deref() {
        Some(o) if o == owner.tag() => Ok(()),
        _ => Err(NotOurs {
            what,
            tag: WATCH_TAG,
            owner: owner.tag().into(),
        }),
    }
}

fn role_ops(
    wanted: &WatchRole,
    seen: Option<&SeenRole>,
    owner: WatchOwner<'_>,
) -> Result<Vec<WatchOp>, NotOurs> {
    let role_op = |f: fn(WatchRole) -> WatchOp| f(wanted.clone());
    let Some(s) = seen else {
        return Ok(vec![
            role_op(|role| WatchOp::CreateRole { role }),
            role_op(|role| WatchOp::PutRolePolicy { role }),
        ]);
    };
    ours(&s.owner, format!("role {}", wanted.name), owner)?;
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
    owner: WatchOwner<'_>,
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
    ours(&s.owner, format!("function {}", f.name), owner)?;
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
fn rule_ops(
    want: &Deployment,
    seen: &Seen,
    owner: WatchOwner<'_>,
) -> Result<Vec<WatchOp>, NotOurs> {
    let f = &want.function;
    let statements = seen.function.as_ref().map(|s| &s.statements);
    let mut ops = Vec::new();
    for rule in &want.rules {
        let found = (seen.rules.iter()).find(|r| same_rule(r, rule));
        if let Some(r) = found {
            ours(&r.owner, format!("rule {} ({})", r.name, r.region), owner)?;
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
        if !wanted && r.owner.as_deref() == Some(owner.tag()) {
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
fn config_rule_ops(
    want: &Deployment,
    seen: &Seen,
    owner: WatchOwner<'_>,
) -> Result<Vec<WatchOp>, NotOurs> {
    let mut ops = Vec::new();
    match (&want.config_rule, &seen.config_rule) {
        (Some(rule), found) => {
            if let Some(r) = found {
                ours(
                    &r.owner,
                    format!("Config rule {} ({})", rule.name, rule.region),
                    owner,
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
        (None, Some(r)) if r.owner.as_deref() == Some(owner.tag()) => {
            ops.push(WatchOp::DeleteConfigRule {
                region: want.function.region.clone(),
                name: want.function.name.clone(),
            })
        }
        (None, _) => {}
    }
    Ok(ops)
}

/// The writes that remove exactly the watch of `owner` that `seen` holds: its rules, its
/// function, its roles — each only when its tag names `owner`.
pub fn teardown(seen: &Seen, owner: WatchOwner<'_>, want: &Deployment) -> Vec<WatchOp> {
    let mine = |tagged: &Option<String>| tagged.as_deref() == Some(owner.tag());
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
    ops.extend(moved_off_former_home(want, seen, owner));
    ops.extend(teardown_roles(seen, owner));
    if seen.bus.as_ref().is_some_and(|b| mine(&b.owner)) {
        ops.push(delete_bus(owner, &want.function.region));
    }
    let ours = seen
        .bus_statements
        .iter()
        .filter(|id| our_statement(id, owner));
    ops.extend(ours.map(|id| WatchOp::DisallowAccount {
        statement_id: id.clone(),
        region: want.function.region.clone(),
    }));
    ops
}

/// The watch of `owner`'s roles `seen` holds, deleted: the function's, the forwarding role, and
/// each other account's forwarding and read-only roles — each only when its tag names `owner`.
fn teardown_roles(seen: &Seen, owner: WatchOwner<'_>) -> Vec<WatchOp> {
    let mine = |tagged: &Option<String>| tagged.as_deref() == Some(owner.tag());
    let mut ops = Vec::new();
    let roles = [
        (&seen.role, name_of(owner, ""), "lambda-trust-watch-reads"),
        (
            &seen.forward_role,
            name_of(owner, "-fwd"),
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
            ops.push(delete_forwarder(owner, Some(account.clone())));
        }
    }
    for (account, r) in &seen.account_readers {
        if mine(&r.owner) {
            ops.push(delete_reader(owner, account.clone()));
        }
    }
    ops
}
