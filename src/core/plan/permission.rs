//! The planner's part for cross-account targets: lambda-trust's statement in each target's
//! function policy (`PermissionOp`), added after the role exists, replaced when it differs,
//! removed by `offboard` and `destroy` — never a statement under another ID.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Op, PermissionOp};
use crate::core::state::{Desired, FunctionPermission, Observed, ObservedPermission};

/// The accounts of cross-account targets that have no `[aws.accounts]` entry, each with the
/// resources (function ARN and qualifier) needing a statement there.
pub fn unreachable_accounts(desired: &Desired) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in desired
        .permissions
        .iter()
        .filter(|p| !desired.reaches(&p.account))
    {
        out.entry(p.account.clone()).or_default().push(p.resource());
    }
    out
}

/// Our statement on each cross-account target: added when missing, removed and added again
/// when it differs (Lambda has no update of a statement), removed from functions no longer
/// targeted whose policy was read (`offboard`). Statements under other IDs are never touched.
pub fn permission_ops(desired: &Desired, observed: &Observed) -> Vec<Op> {
    let mut ops = Vec::new();
    for want in &desired.permissions {
        let live = observed
            .permissions
            .iter()
            .find(|p| p.function_arn == want.function_arn && p.qualifier == want.qualifier);
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
    for live in observed.permissions.iter().filter(|p| !targeted(p)) {
        if let (Some(s), Some(p)) = (&live.statement, observed_permission(live, &role_arn)) {
            ops.push(remove_permission(p, live, s));
        }
    }
    ops
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
    let arn = crate::iam::arn::Arn::parse(&live.function_arn)?;
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
