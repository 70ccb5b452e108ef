//! The planner's part for cross-account targets: lambda-trust's statement in each target's
//! function policy (`PermissionOp`), added after the role exists, replaced when it differs,
//! removed by `offboard` and `destroy` — never a statement under another ID.

use std::collections::BTreeMap;

use serde_json::Value;

use super::ops::{Op, PermissionOp};
use super::whole::{self, HeldPermission};
use lambda_trust_model::{Desired, FunctionPermission, Observed, ObservedPermission};

/// Whether `account` has an `[aws.accounts]` entry: lambda-trust can read and write there.
pub(super) fn reaches(desired: &Desired, account: &str) -> bool {
    desired.accounts.iter().any(|a| a == account)
}

/// The accounts of cross-account targets that have no `[aws.accounts]` entry, each with the
/// resources (function ARN and qualifier) needing a statement there.
pub fn unreachable_accounts(desired: &Desired) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in desired
        .permissions
        .iter()
        .filter(|p| !reaches(desired, &p.account))
    {
        out.entry(p.account.clone()).or_default().push(p.resource());
    }
    out
}

/// Our statement on each cross-account target: added when missing, removed and added again
/// when it differs (Lambda has no update of a statement), removed from functions no longer
/// targeted whose policy was read (`offboard`). Statements under other IDs are never touched,
/// and a policy written whole is never written into ([`held_permissions`] says what to do).
pub(crate) fn permission_ops(desired: &Desired, observed: &Observed) -> Vec<Op> {
    let mut ops = Vec::new();
    for want in &desired.permissions {
        let live = live_of(observed, want);
        if live.is_some_and(|l| whole_reason(l).is_some()) {
            continue;
        }
        match live {
            None => ops.push(Op::Permission(PermissionOp::Add {
                permission: want.clone(),
                read: false,
            })),
            Some(live) => match &live.statement {
                Some(s) if want.matches(s) && live.statement_id == want.statement_id => {}
                Some(s) => {
                    ops.push(remove_permission(want.clone(), live, s));
                    ops.push(Op::Permission(PermissionOp::Add {
                        permission: want.clone(),
                        read: true,
                    }));
                }
                None => ops.push(Op::Permission(PermissionOp::Add {
                    permission: want.clone(),
                    read: true,
                })),
            },
        }
    }
    let targeted = |p: &ObservedPermission| {
        desired
            .permissions
            .iter()
            .any(|w| w.function_arn == p.function_arn && w.qualifier == p.qualifier)
    };
    let role_arn = desired.role_arn();
    let writable = |p: &&ObservedPermission| whole_reason(p).is_none();
    for live in (observed.permissions.iter())
        .filter(|p| !targeted(p))
        .filter(writable)
    {
        if let (Some(s), Some(p)) = (&live.statement, observed_permission(live, &role_arn)) {
            ops.push(remove_permission(p, live, s));
        }
    }
    ops
}

fn live_of<'a>(
    observed: &'a Observed,
    want: &FunctionPermission,
) -> Option<&'a ObservedPermission> {
    (observed.permissions.iter())
        .find(|p| p.function_arn == want.function_arn && p.qualifier == want.qualifier)
}

/// Why a target's policy is written whole, when it is.
fn whole_reason(live: &ObservedPermission) -> Option<String> {
    live.document.as_ref().and_then(whole::written_whole)
}

/// Our statements that the plan does not write because the function's policy is
/// written whole, each with what to do instead: on a target, the statement missing or
/// different; off one (`offboard`, `destroy`: `retiring`), the statement still there.
pub fn held_permissions(
    desired: &Desired,
    observed: &Observed,
    retiring: bool,
) -> Vec<HeldPermission> {
    let mut out = Vec::new();
    if !retiring {
        for want in &desired.permissions {
            let Some(live) = live_of(observed, want) else {
                continue;
            };
            let Some(why) = whole_reason(live) else {
                continue;
            };
            let in_sync = live.statement.as_ref().is_some_and(|s| want.matches(s));
            if !in_sync {
                out.push(whole::held(want, live, &why));
            }
        }
    }
    let role_arn = desired.role_arn();
    let kept = |p: &ObservedPermission| {
        !retiring
            && (desired.permissions.iter())
                .any(|w| w.function_arn == p.function_arn && w.qualifier == p.qualifier)
    };
    for live in observed.permissions.iter().filter(|p| !kept(p)) {
        let (Some(_), Some(why), Some(p)) = (
            &live.statement,
            whole_reason(live),
            observed_permission(live, &role_arn),
        ) else {
            continue;
        };
        out.push(whole::removal(&p, live, &why));
    }
    out
}

fn remove_permission(permission: FunctionPermission, live: &ObservedPermission, s: &Value) -> Op {
    Op::Permission(PermissionOp::Remove {
        permission,
        revision_id: live.revision_id.clone(),
        statement: s.clone(),
    })
}

/// The statement an observed one is, for removing it: its function's account and region from
/// the ARN, the ID it was read under.
fn observed_permission(live: &ObservedPermission, principal: &str) -> Option<FunctionPermission> {
    let arn = lambda_trust_iam::Arn::parse(&live.function_arn)?;
    Some(FunctionPermission {
        account: arn.account,
        region: arn.region,
        function_arn: live.function_arn.clone(),
        qualifier: live.qualifier.clone(),
        statement_id: live.statement_id.clone(),
        principal: principal.to_string(),
    })
}

/// `destroy`: every statement read under our statement ID, and nothing else.
pub(super) fn destroy_permission_ops(observed: &Observed) -> Vec<Op> {
    let role_arn = observed
        .role
        .as_ref()
        .map(|r| r.arn.clone())
        .unwrap_or_default();
    observed
        .permissions
        .iter()
        .filter(|live| whole_reason(live).is_none())
        .filter_map(|live| {
            let statement = live.statement.as_ref()?;
            Some(remove_permission(
                observed_permission(live, &role_arn)?,
                live,
                statement,
            ))
        })
        .collect()
}
