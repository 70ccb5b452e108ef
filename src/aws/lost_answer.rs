//! Writes whose answer was lost (`aws` layer, beside `apply`): when a connection drops after a
//! write reached AWS, the SDK retries it and the retry meets the first attempt's effect. These
//! helpers count the SDK's attempts, and re-read the one resource a retried write touched to
//! decide whether the run may go on (docs/aws-behaviour.md, "Writes whose answer was lost").

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::Value;

use crate::aws::client::{has_code, AwsError, Clients};
use crate::aws::observe::{managed_policy, ObserveError};
use lambda_trust_iam::{decode_document, semantically_equal, Arn};
use lambda_trust_provision::{AttachmentOp, Op, Plan};

/// What a create meets when an earlier attempt of it succeeded: the entity exists.
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html#API_CreateRole_Errors,
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html#API_CreatePolicy_Errors
pub(super) const EXISTS: &[&str] = &["EntityAlreadyExists"];
/// What a delete or detach meets when an earlier attempt of it succeeded: it is gone.
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachRolePolicy.html#API_DetachRolePolicy_Errors,
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicyVersion.html#API_DeletePolicyVersion_Errors
pub(super) const GONE: &[&str] = &["NoSuchEntity"];

/// Counts the SDK's attempts at one call: its retry loop calls `read_before_attempt` once per
/// attempt, so a count above 1 means this call was retried, and an earlier attempt may have
/// reached AWS although its answer never arrived.
#[derive(Debug, Clone, Default)]
pub(super) struct Attempts(Arc<AtomicU32>);

impl Attempts {
    fn retried(&self) -> bool {
        self.0.load(Ordering::Relaxed) > 1
    }
}

impl Intercept for Attempts {
    fn name(&self) -> &'static str {
        "lambda-trust attempt counter"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// The result of a write that a retry cannot hurt (nothing to confirm).
pub(super) fn done<O, E>(
    operation: &'static str,
    sent: Result<O, SdkError<E, HttpResponse>>,
) -> Result<(), AwsError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    sent.map(|_| ())
        .map_err(|e| AwsError::from_sdk(operation, e))
}

/// The result of a write whose retry may meet its own lost first attempt. The error stands
/// unless (1) the SDK retried this call, (2) the error is one of `codes`, the answer a repeat of
/// the write gets, and (3) `confirm`, one read of that resource, shows the planned state.
///
/// Only retried calls qualify: on a first attempt the same error means someone else got there
/// first (another run, a change from elsewhere), which the user must hear about. A retried call
/// cannot tell whether its earlier attempt reached AWS, so the re-read decides: if the resource
/// is as planned, the run may go on, whoever did it. A failed re-read keeps the original error.
pub(super) async fn settle<O, E, F, Fut>(
    operation: &'static str,
    sent: Result<O, SdkError<E, HttpResponse>>,
    attempts: &Attempts,
    codes: &[&str],
    confirm: F,
) -> Result<(), AwsError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<bool, AwsError>>,
{
    let error = match done(operation, sent) {
        Ok(()) => return Ok(()),
        Err(e) => e,
    };
    if attempts.retried()
        && codes.iter().any(|c| error.is_code(c))
        && matches!(confirm().await, Ok(true))
    {
        return Ok(());
    }
    Err(error)
}

/// GetRole: the role exists with the planned path, our tags (which name this config) and the
/// planned trust policy.
pub(super) async fn role_is(
    iam: &aws_sdk_iam::Client,
    name: &str,
    path: &str,
    want_tags: &BTreeMap<String, String>,
    trust: &Value,
) -> Result<bool, AwsError> {
    let out = match iam.get_role().role_name(name).send().await {
        Ok(out) => out,
        Err(e) if has_code(&e, "NoSuchEntity") => return Ok(false),
        Err(e) => return Err(AwsError::from_sdk("iam:GetRole", e)),
    };
    let Some(role) = out.role() else {
        return Ok(false);
    };
    let live_tags: BTreeMap<&str, &str> =
        role.tags().iter().map(|t| (t.key(), t.value())).collect();
    let tags_match = want_tags
        .iter()
        .all(|(k, v)| live_tags.get(k.as_str()) == Some(&v.as_str()));
    // GetRole returns the trust policy URL-encoded; decode_document takes it either way.
    let trust_matches = role
        .assume_role_policy_document()
        .and_then(|d| decode_document(d).ok())
        .is_some_and(|live| semantically_equal(&live, trust));
    Ok(role.path() == path && tags_match && trust_matches)
}

/// A read's answer to "is it gone?": NoSuchEntity means yes, success means no.
fn absent<O, E>(
    operation: &'static str,
    read: Result<O, SdkError<E, HttpResponse>>,
) -> Result<bool, AwsError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match read {
        Ok(_) => Ok(false),
        Err(e) if has_code(&e, "NoSuchEntity") => Ok(true),
        Err(e) => Err(AwsError::from_sdk(operation, e)),
    }
}

/// GetRole: the role does not exist.
pub(super) async fn role_absent(iam: &aws_sdk_iam::Client, name: &str) -> Result<bool, AwsError> {
    absent("iam:GetRole", iam.get_role().role_name(name).send().await)
}

/// GetRole: the role has no permissions boundary (or is gone).
pub(super) async fn role_without_boundary(
    iam: &aws_sdk_iam::Client,
    name: &str,
) -> Result<bool, AwsError> {
    match iam.get_role().role_name(name).send().await {
        Ok(out) => Ok(out.role().and_then(|r| r.permissions_boundary()).is_none()),
        Err(e) if has_code(&e, "NoSuchEntity") => Ok(true),
        Err(e) => Err(AwsError::from_sdk("iam:GetRole", e)),
    }
}

/// GetRolePolicy: the inline policy does not exist.
pub(super) async fn inline_policy_absent(
    iam: &aws_sdk_iam::Client,
    role: &str,
    name: &str,
) -> Result<bool, AwsError> {
    let read = iam.get_role_policy().role_name(role).policy_name(name);
    absent("iam:GetRolePolicy", read.send().await)
}

/// ListAttachedRolePolicies: whether `arn` is attached to the role; `None` when the role is
/// gone. One page holds every attachment (a role has at most 20), so this is one call.
pub(super) async fn is_attached(
    iam: &aws_sdk_iam::Client,
    role: &str,
    arn: &str,
) -> Result<Option<bool>, AwsError> {
    let mut pages = iam
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send();
    while let Some(item) = pages.next().await {
        match item {
            Ok(p) if p.policy_arn() == Some(arn) => return Ok(Some(true)),
            Ok(_) => {}
            Err(e) if has_code(&e, "NoSuchEntity") => return Ok(None),
            Err(e) => return Err(AwsError::from_sdk("iam:ListAttachedRolePolicies", e)),
        }
    }
    Ok(Some(false))
}

/// GetPolicy: the policy exists with our tags (which name this config).
pub(super) async fn policy_is(
    iam: &aws_sdk_iam::Client,
    arn: &str,
    want_tags: &BTreeMap<String, String>,
) -> Result<bool, AwsError> {
    let out = match iam.get_policy().policy_arn(arn).send().await {
        Ok(out) => out,
        Err(e) if has_code(&e, "NoSuchEntity") => return Ok(false),
        Err(e) => return Err(AwsError::from_sdk("iam:GetPolicy", e)),
    };
    let Some(policy) = out.policy() else {
        return Ok(false);
    };
    let live_tags: BTreeMap<&str, &str> =
        policy.tags().iter().map(|t| (t.key(), t.value())).collect();
    Ok(want_tags
        .iter()
        .all(|(k, v)| live_tags.get(k.as_str()) == Some(&v.as_str())))
}

/// GetPolicy: the policy does not exist.
pub(super) async fn policy_absent(iam: &aws_sdk_iam::Client, arn: &str) -> Result<bool, AwsError> {
    absent(
        "iam:GetPolicy",
        iam.get_policy().policy_arn(arn).send().await,
    )
}

/// GetPolicyVersion: the version does not exist (or the policy is gone).
pub(super) async fn version_absent(
    iam: &aws_sdk_iam::Client,
    arn: &str,
    version_id: &str,
) -> Result<bool, AwsError> {
    let read = iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version_id);
    absent("iam:GetPolicyVersion", read.send().await)
}

/// The policy's default version holds `document` (observe's read of a managed policy: GetPolicy,
/// then GetPolicyVersion of its default version). A document that does not decode is not ours.
pub(super) async fn default_version_is(
    iam: &aws_sdk_iam::Client,
    arn: &str,
    document: &Value,
) -> Result<bool, AwsError> {
    match managed_policy(iam, arn).await {
        Ok(live) => Ok(semantically_equal(&live.document, document)),
        Err(ObserveError::Aws(e)) => Err(e),
        Err(ObserveError::Document { .. } | ObserveError::FunctionPolicy { .. }) => Ok(false),
    }
}

/// The ARN of the policy a CreatePolicy op creates. CreatePolicy takes a name and a path, and
/// its answer (which holds the ARN) is what was lost; the planner follows every CreatePolicy
/// with an AttachPolicy of the same ARN, so the plan knows it. Should it not, the ARN is built
/// from the caller's account (sts:GetCallerIdentity), as `observe` builds it.
pub(super) async fn policy_arn(
    clients: &Clients,
    plan: &Plan,
    path: &str,
    name: &str,
) -> Result<String, AwsError> {
    let suffix = format!(":policy{path}{name}");
    let planned = plan.ops.iter().find_map(|op| match op {
        Op::Attachment(AttachmentOp::Attach { arn, .. }) if arn.ends_with(&suffix) => {
            Some(arn.clone())
        }
        _ => None,
    });
    if let Some(arn) = planned {
        return Ok(arn);
    }
    let caller = super::observe::caller_identity(clients).await?;
    let (account, caller) = (caller.account, caller.arn);
    // The caller's own ARN tells the partition (`aws`, `aws-cn`, `aws-us-gov`).
    let partition = Arn::parse(&caller).map_or_else(|| "aws".to_string(), |a| a.partition);
    Ok(Arn::iam(&partition, &account, &format!("policy{path}{name}")).to_string())
}
