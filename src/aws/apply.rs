//! Phase 5 of the pipeline: executes a [`Plan`], one AWS write call per [`Op`], in order.
//!
//! This is the only module that writes to AWS (besides `destroy`, which is apply's mirror).
//! It makes no decisions: everything was resolved by the planner. On the first failure it stops
//! and reports which ops completed, so the user can see what changed; a re-run converges from
//! wherever it stopped, because the planner re-reads the world.

use std::time::Duration;

use aws_sdk_iam::types::Tag;
use serde_json::Value;

use crate::aws::{AwsError, Clients};
use crate::core::plan::{Op, Plan};

/// Why an apply stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A write call failed. Displays the failed call (with its hint) and how far apply got; the
    /// AWS error is part of the message, not an error *source*: `main` prints the whole chain,
    /// which would repeat it.
    #[error("{error}\n({done} of {total} changes were applied before the failure; run `lambda-trust plan` to see what remains)")]
    Aws {
        done: usize,
        total: usize,
        error: AwsError,
    },
}

/// What one apply did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ApplyOutcome {
    /// Write calls made (equals the number of ops applied).
    pub writes: usize,
}

/// Runs every op of `plan`. `on_op` is called before each op (for progress output).
pub async fn apply(
    clients: &Clients,
    plan: &Plan,
    mut on_op: impl FnMut(usize, &Op),
) -> Result<ApplyOutcome, ApplyError> {
    let mut created_something = false;
    for (i, op) in plan.ops.iter().enumerate() {
        on_op(i, op);
        // Right after a create, IAM may not yet show the new entity to the next call
        // (eventual consistency): those calls retry NoSuchEntity with backoff for a bounded time.
        let result = if created_something {
            with_propagation_retry(|| run_op(clients, op)).await
        } else {
            run_op(clients, op).await
        };
        result.map_err(|error| ApplyError::Aws {
            done: i,
            total: plan.ops.len(),
            error,
        })?;
        created_something |= matches!(op, Op::CreateRole { .. } | Op::CreatePolicy { .. });
    }
    Ok(ApplyOutcome {
        writes: plan.ops.len(),
    })
}

async fn with_propagation_retry<F, Fut>(mut call: F) -> Result<(), AwsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), AwsError>>,
{
    let mut delay = Duration::from_millis(250);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match call().await {
            Err(e)
                if e.is_code("NoSuchEntity") && tokio::time::Instant::now() + delay < deadline =>
            {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(4));
            }
            other => return other,
        }
    }
}

fn tags(map: &std::collections::BTreeMap<String, String>) -> Vec<Tag> {
    map.iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect()
}

fn doc(v: &Value) -> String {
    // Compact JSON: policy size quotas count characters without whitespace.
    serde_json::to_string(v).unwrap_or_default()
}

async fn run_op(clients: &Clients, op: &Op) -> Result<(), AwsError> {
    let iam = &clients.iam;
    match op {
        Op::CreateRole {
            name,
            path,
            description,
            max_session_duration,
            permissions_boundary,
            tags: t,
            trust,
        } => {
            iam.create_role()
                .role_name(name)
                .path(path)
                .description(description)
                .max_session_duration(*max_session_duration as i32)
                .set_permissions_boundary(permissions_boundary.clone())
                .set_tags(Some(tags(t)))
                .assume_role_policy_document(doc(trust))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:CreateRole", e))?;
        }
        Op::UpdateTrustPolicy { role, document, .. } => {
            iam.update_assume_role_policy()
                .role_name(role)
                .policy_document(doc(document))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:UpdateAssumeRolePolicy", e))?;
        }
        Op::DetachPolicy { role, arn, .. } => {
            iam.detach_role_policy()
                .role_name(role)
                .policy_arn(arn)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:DetachRolePolicy", e))?;
        }
        Op::DeleteInlinePolicy { role, name, .. } => {
            iam.delete_role_policy()
                .role_name(role)
                .policy_name(name)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:DeleteRolePolicy", e))?;
        }
        Op::PutPermissionsBoundary { role, arn, .. } => {
            iam.put_role_permissions_boundary()
                .role_name(role)
                .permissions_boundary(arn)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:PutRolePermissionsBoundary", e))?;
        }
        Op::DeletePermissionsBoundary { role, .. } => {
            iam.delete_role_permissions_boundary()
                .role_name(role)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:DeleteRolePermissionsBoundary", e))?;
        }
        Op::UpdateRole {
            role,
            description,
            max_session_duration,
            ..
        } => {
            iam.update_role()
                .role_name(role)
                .description(description)
                .max_session_duration(*max_session_duration as i32)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:UpdateRole", e))?;
        }
        Op::TagRole { role, tags: t, .. } => {
            iam.tag_role()
                .role_name(role)
                .set_tags(Some(tags(t)))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:TagRole", e))?;
        }
        Op::UntagRole { role, keys } => {
            iam.untag_role()
                .role_name(role)
                .set_tag_keys(Some(keys.clone()))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:UntagRole", e))?;
        }
        Op::CreatePolicy {
            name,
            path,
            document,
            tags: t,
        } => {
            iam.create_policy()
                .policy_name(name)
                .path(path)
                .description("Lets the Genesys Cloud role invoke exactly the configured Lambda functions (managed by lambda-trust)")
                .policy_document(doc(document))
                .set_tags(Some(tags(t)))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:CreatePolicy", e))?;
        }
        Op::TagPolicy { arn, tags: t } => {
            iam.tag_policy()
                .policy_arn(arn)
                .set_tags(Some(tags(t)))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:TagPolicy", e))?;
        }
        Op::DeletePolicyVersion { arn, version_id } => {
            iam.delete_policy_version()
                .policy_arn(arn)
                .version_id(version_id)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:DeletePolicyVersion", e))?;
        }
        Op::CreatePolicyVersion { arn, document, .. } => {
            iam.create_policy_version()
                .policy_arn(arn)
                .policy_document(doc(document))
                .set_as_default(true)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:CreatePolicyVersion", e))?;
        }
        Op::DeletePolicy { arn, .. } => {
            iam.delete_policy()
                .policy_arn(arn)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:DeletePolicy", e))?;
        }
        Op::DeleteRole { name, .. } => {
            iam.delete_role()
                .role_name(name)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:DeleteRole", e))?;
        }
        Op::AttachPolicy { role, arn } => {
            iam.attach_role_policy()
                .role_name(role)
                .policy_arn(arn)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("iam:AttachRolePolicy", e))?;
        }
    }
    Ok(())
}
