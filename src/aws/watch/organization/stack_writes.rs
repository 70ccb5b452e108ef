//! The management account's own stacks of the organization watch (`aws` layer): created,
//! updated and deleted, each awaited until CloudFormation says it is complete. StackSets never
//! deploy to the management account
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-associate-stackset-with-org.html>).

use std::time::Duration;

use aws_sdk_cloudformation::types::{Capability, Tag as StackTag};

use crate::aws::client::{has_code, AwsError, Clients};
use crate::retry::{retry_until, Backoff};
use lambda_trust_provision::StackOp;

/// Makes one stack write of the plan and waits for it.
pub(super) async fn apply_stack(
    clients: &Clients,
    op: &StackOp,
    tags: Vec<StackTag>,
) -> Result<(), AwsError> {
    let (name, region) = match op {
        StackOp::CreateStack {
            name,
            region,
            template,
        } => {
            (clients.cloudformation(region).create_stack())
                .stack_name(name)
                .template_body(template.to_string())
                .capabilities(Capability::CapabilityNamedIam)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("cloudformation:CreateStack", e))?;
            (name, region)
        }
        StackOp::UpdateStack {
            name,
            region,
            template,
        } => {
            (clients.cloudformation(region).update_stack())
                .stack_name(name)
                .template_body(template.to_string())
                .capabilities(Capability::CapabilityNamedIam)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("cloudformation:UpdateStack", e))?;
            (name, region)
        }
        StackOp::DeleteStack { name, region } => {
            (clients.cloudformation(region).delete_stack())
                .stack_name(name)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("cloudformation:DeleteStack", e))?;
            (name, region)
        }
        _ => return Ok(()),
    };
    complete(clients, name, region).await
}

/// How long a stack may take to be created, updated or deleted.
const STACK_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// Waits until the stack's status is a complete one; a failed or rolled back one is an error
/// naming it and its reason. A stack gone is deleted.
async fn complete(clients: &Clients, name: &str, region: &str) -> Result<(), AwsError> {
    let cf = clients.cloudformation(region);
    let deadline = tokio::time::Instant::now() + STACK_DEADLINE;
    let backoff = Backoff {
        initial: Duration::from_millis(500),
        max: Duration::from_secs(15),
    };
    let poll = |_| async {
        let out = match cf.describe_stacks().stack_name(name).send().await {
            Ok(out) => out,
            Err(e) if has_code(&e, "ValidationError") => return Ok(()),
            Err(e) => return Err(Some(AwsError::from_sdk("cloudformation:DescribeStacks", e))),
        };
        let Some(stack) = out.stacks().first() else {
            return Ok(());
        };
        let status = stack.stack_status().map_or("", |s| s.as_str());
        match status {
            _ if status.ends_with("_IN_PROGRESS") => Err(None),
            "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "DELETE_COMPLETE" => Ok(()),
            _ => Err(Some(failed(
                "cloudformation:DescribeStacks",
                format!(
                    "stack {name} in {region} is {status}: {}",
                    stack
                        .stack_status_reason()
                        .unwrap_or("CloudFormation gave no reason")
                ),
            ))),
        }
    };
    let waited = retry_until(deadline, backoff, Option::is_none, poll).await;
    waited.result.map_err(|e| {
        e.unwrap_or_else(|| {
            let why = format!("stack {name} in {region} was not complete after 30 minutes");
            failed("cloudformation:DescribeStacks", why)
        })
    })
}

/// An operation CloudFormation says did not succeed.
pub(super) fn failed(operation: &'static str, message: String) -> AwsError {
    AwsError {
        operation,
        code: None,
        message,
        hint: None,
    }
}
