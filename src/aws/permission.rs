//! The function policy statements of cross-account targets (`aws` layer, beside `apply`):
//! `lambda:AddPermission` and `lambda:RemovePermission` of lambda-trust's statement, in the
//! function's account and region, with that account's clients (`[aws.accounts]`).
//!
//! Lambda API Reference: AddPermission (409 `ResourceConflictException` when the statement ID
//! is taken), RemovePermission (`RevisionId`: "Update the policy only if the revision ID
//! matches", else 412 `PreconditionFailedException`; 404 `ResourceNotFoundException` when the
//! statement is not there). Paced under Lambda's control-plane quota, a pacer per account and region (Lambda
//! Developer Guide, "Lambda quotas": 15 requests per second across the control plane APIs).
//!
//! A write whose answer was lost meets its own effect when the SDK retries it: an add meets
//! 409, a remove 404 (or 412, its revision being the one it changed). Either way the statement
//! is read again and the run goes on when it is as planned — the same rule as the role's writes
//! (`lost_answer`); otherwise the error stands.

use crate::aws::client::{AwsError, Clients};
use crate::aws::function_policy::read_permissions;
use crate::aws::pace::{Pacer, Pacers};
use lambda_trust_model::{FunctionPermission, INVOKE_ACTION};
use lambda_trust_provision::PermissionOp;

/// Started at 12 a second after a burst of 15: under the 15 a second Lambda allows an account
/// in a region.
pub(super) fn pacers() -> Pacers {
    Pacers::new(12.0, 15.0)
}

/// One AddPermission or RemovePermission.
pub(super) async fn permission_op(
    clients: &Clients,
    pacer: &Pacer,
    op: &PermissionOp,
) -> Result<(), AwsError> {
    let p = op.permission();
    let operation = match op {
        PermissionOp::Add { .. } => "lambda:AddPermission",
        PermissionOp::Remove { .. } => "lambda:RemovePermission",
    };
    let owner = clients.account(&p.account).ok_or_else(|| AwsError {
        operation,
        code: None,
        message: format!("account {} has no [aws.accounts] entry", p.account),
        hint: Some(format!(
            "add [aws.accounts.\"{}\"] with a profile or role_arn acting in that account",
            p.account
        )),
    })?;
    let lambda = owner.lambda(&p.region);
    pacer.acquire().await;
    match op {
        PermissionOp::Add { .. } => {
            let sent = lambda
                .add_permission()
                .function_name(&p.function_arn)
                .set_qualifier(p.qualifier.clone())
                .statement_id(&p.statement_id)
                .action(INVOKE_ACTION)
                .principal(&p.principal)
                .send()
                .await;
            match sent.map_err(|e| AwsError::from_sdk(operation, e)) {
                Err(e) if e.is_code("ResourceConflictException") => {
                    settled(clients, p, true, e).await
                }
                other => other.map(drop),
            }
        }
        PermissionOp::Remove { revision_id, .. } => {
            let sent = lambda
                .remove_permission()
                .function_name(&p.function_arn)
                .set_qualifier(p.qualifier.clone())
                .statement_id(&p.statement_id)
                .set_revision_id(revision_id.clone())
                .send()
                .await;
            match sent.map_err(|e| AwsError::from_sdk(operation, e)) {
                Err(e) if e.is_code("ResourceNotFoundException") => Ok(()),
                Err(e) if e.is_code("PreconditionFailedException") => {
                    settled(clients, p, false, e).await
                }
                other => other.map(drop),
            }
        }
    }
}

/// After a conflict: reads the statement again; `Ok` when it is as the write wanted it
/// (`present`: the statement as planned; else: no statement under our ID), else `error`.
async fn settled(
    clients: &Clients,
    p: &FunctionPermission,
    present: bool,
    mut error: AwsError,
) -> Result<(), AwsError> {
    let read = read_permissions(clients, std::slice::from_ref(p)).await;
    let statement = match read.as_ref().map(|(observed, _)| observed.as_slice()) {
        Ok([one]) => one.statement.clone(),
        _ => return Err(error),
    };
    let done = match (&statement, present) {
        (Some(s), true) => p.matches(s),
        (None, false) => true,
        _ => false,
    };
    if done {
        return Ok(());
    }
    error.hint = Some(
        "the function policy changed while lambda-trust was writing it: run `lambda-trust plan` to see it as it is now, then apply again".into(),
    );
    Err(error)
}
