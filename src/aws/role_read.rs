//! One role as IAM answers it (`aws` layer): `GetRole`, its inline policies
//! (`ListRolePolicies`, then `GetRolePolicy` each, concurrently) and its attached policies' ARNs
//! (`ListAttachedRolePolicies`), every page, each call counted. Raw — the documents as the
//! text IAM answers (URL-encoded), the role as the SDK gives it — for the two that map it: the
//! audit's reading of one role (`audit_role`: a `RoleDetail`, as
//! `GetAccountAuthorizationDetails` gives one) and the deployment's observation (`observe`: an
//! `ObservedRole`). IAM API Reference: GetRole, ListRolePolicies, GetRolePolicy,
//! ListAttachedRolePolicies.

use aws_sdk_iam::types::Role;
use futures::stream::{self, StreamExt, TryStreamExt};

use crate::aws::client::{has_code, AwsError};
use crate::aws::pages::every_page;
use crate::aws::sessions::CallCount;

/// How many `GetRolePolicy` run at once.
const AT_ONCE: usize = 16;

/// The role `name`, or `None` when it does not exist.
pub(crate) async fn get_role(
    iam: &aws_sdk_iam::Client,
    name: &str,
    calls: &CallCount,
) -> Result<Option<Role>, AwsError> {
    calls.add();
    match iam.get_role().role_name(name).send().await {
        Ok(out) => Ok(out.role),
        Err(e) if has_code(&e, "NoSuchEntity") => Ok(None),
        Err(e) => Err(AwsError::from_sdk("iam:GetRole", e)),
    }
}

/// The role's inline policies, each `(name, document as IAM answers it)`, in the listing's
/// order.
pub(crate) async fn inline_documents(
    iam: &aws_sdk_iam::Client,
    role: &str,
    calls: &CallCount,
) -> Result<Vec<(String, String)>, AwsError> {
    let pages = iam
        .list_role_policies()
        .role_name(role)
        .into_paginator()
        .send();
    let pages = every_page(pages, "iam:ListRolePolicies", calls).await?;
    let names = pages.into_iter().flat_map(|p| p.policy_names);
    stream::iter(names.map(|name| async move {
        calls.add();
        let out = (iam.get_role_policy().role_name(role).policy_name(&name))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("iam:GetRolePolicy", e))?;
        Ok::<_, AwsError>((name, out.policy_document))
    }))
    .buffered(AT_ONCE)
    .try_collect()
    .await
}

/// The ARNs of the managed policies attached to the role, in the listing's order.
pub(crate) async fn attached_arns(
    iam: &aws_sdk_iam::Client,
    role: &str,
    calls: &CallCount,
) -> Result<Vec<String>, AwsError> {
    let pages = (iam.list_attached_role_policies().role_name(role))
        .into_paginator()
        .send();
    let pages = every_page(pages, "iam:ListAttachedRolePolicies", calls).await?;
    let attached = pages.iter().flat_map(|p| p.attached_policies());
    Ok(attached
        .filter_map(|p| p.policy_arn().map(str::to_owned))
        .collect())
}
