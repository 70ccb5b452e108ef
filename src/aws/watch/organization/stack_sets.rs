//! The organization watch in CloudFormation (`aws` layer): what is live of its StackSets and of
//! the management account's stacks, and the writes of their plan, each awaited until
//! CloudFormation says it is done (a StackSet's operation, a stack's status).

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_cloudformation::types::{
    AutoDeployment, CallAs, Capability, DeploymentTargets, PermissionModels, StackStatus,
    Tag as StackTag,
};
use futures::future::try_join_all;
use serde_json::Value;

use crate::aws::client::{has_code, AwsError, Clients};
use crate::aws::watch::organization::stack_writes::{apply_stack, failed};
use crate::retry::{retry_until, Backoff};
use lambda_trust_config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};
use lambda_trust_provision::{SeenInstance, SeenStack, StackOp, ORG_WATCH};

/// Who the run acts as in StackSets: the management account itself, or one of its delegated
/// administrators (`CallAs`, CloudFormation API Reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Acting {
    Management,
    DelegatedAdmin,
}

impl Acting {
    fn call_as(self) -> CallAs {
        match self {
            Acting::Management => CallAs::SelfValue,
            Acting::DelegatedAdmin => CallAs::DelegatedAdmin,
        }
    }
}

/// What is live of the StackSets `names`, read in `home`, where StackSets are administered.
pub(crate) async fn seen_stack_sets(
    clients: &Clients,
    home: &str,
    acting: Acting,
    names: [&str; 2],
) -> Result<BTreeMap<String, SeenStack>, AwsError> {
    let sets = try_join_all(
        names
            .iter()
            .map(|n| seen_stack_set(clients, home, acting, n)),
    )
    .await?;
    Ok((names.into_iter().zip(sets))
        .filter_map(|(n, s)| s.map(|s| (n.to_owned(), s)))
        .collect())
}

/// What is live of the management account's stacks named, each (region, name).
pub(crate) async fn seen_management_stacks(
    clients: &Clients,
    stacks: &[(String, String)],
) -> Result<BTreeMap<(String, String), SeenStack>, AwsError> {
    let seen = try_join_all((stacks.iter()).map(|(r, n)| seen_stack(clients, r, n))).await?;
    Ok((stacks.iter().cloned().zip(seen))
        .filter_map(|(key, s)| s.map(|s| (key, s)))
        .collect())
}

fn owner_of<'a>(tags: impl Iterator<Item = &'a StackTag>) -> Option<String> {
    let mut tags = tags;
    tags.find(|t| t.key() == Some(ORG_WATCH))
        .and_then(|t| t.value().map(str::to_owned))
}

fn template_of(body: Option<&str>) -> Value {
    body.and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or_default()
}

async fn seen_stack_set(
    clients: &Clients,
    home: &str,
    acting: Acting,
    name: &str,
) -> Result<Option<SeenStack>, AwsError> {
    let cf = clients.cloudformation(home);
    let described = cf.describe_stack_set().stack_set_name(name);
    let out = match described.call_as(acting.call_as()).send().await {
        Ok(out) => out,
        Err(e) if has_code(&e, "StackSetNotFoundException") => return Ok(None),
        Err(e) => return Err(AwsError::from_sdk("cloudformation:DescribeStackSet", e)),
    };
    // An answer without a StackSet says none, as StackSetNotFoundException does.
    let Some(set) = out.stack_set else {
        return Ok(None);
    };
    if set.status().is_some_and(|s| s.as_str() == "DELETED") {
        return Ok(None);
    }
    let pages = (cf.list_stack_instances().stack_set_name(name))
        .call_as(acting.call_as())
        .into_paginator()
        .items()
        .send()
        .collect::<Vec<_>>()
        .await;
    let mut instances = Vec::new();
    for item in pages {
        let i = item.map_err(|e| AwsError::from_sdk("cloudformation:ListStackInstances", e))?;
        instances.push(SeenInstance {
            account: i.account().unwrap_or_default().into(),
            region: i.region().unwrap_or_default().into(),
            status: i.status().map_or("", |s| s.as_str()).into(),
            reason: i.status_reason().map(Into::into),
        });
    }
    Ok(Some(SeenStack {
        template: template_of(set.template_body()),
        owner: owner_of(set.tags().iter()),
        instances,
    }))
}

async fn seen_stack(
    clients: &Clients,
    region: &str,
    name: &str,
) -> Result<Option<SeenStack>, AwsError> {
    let cf = clients.cloudformation(region);
    let described = match cf.describe_stacks().stack_name(name).send().await {
        Ok(out) => out,
        // CloudFormation says a stack that is not there with a ValidationError.
        Err(e) if has_code(&e, "ValidationError") => return Ok(None),
        Err(e) => return Err(AwsError::from_sdk("cloudformation:DescribeStacks", e)),
    };
    let Some(stack) = described.stacks().first() else {
        return Ok(None);
    };
    if stack.stack_status() == Some(&StackStatus::DeleteComplete) {
        return Ok(None);
    }
    let template = (cf.get_template().stack_name(name).send().await)
        .map_err(|e| AwsError::from_sdk("cloudformation:GetTemplate", e))?;
    Ok(Some(SeenStack {
        template: template_of(template.template_body()),
        owner: owner_of(stack.tags().iter()),
        instances: Vec::new(),
    }))
}

/// Makes `ops` in order, each awaited; the writes made, or how many were made before the one
/// that failed.
pub(crate) async fn apply_stacks(
    clients: &Clients,
    home: &str,
    acting: Acting,
    ops: &[StackOp],
    organization: &str,
) -> Result<usize, (usize, AwsError)> {
    for (made, op) in ops.iter().enumerate() {
        apply_one(clients, home, acting, op, organization)
            .await
            .map_err(|e| (made, e))?;
    }
    Ok(ops.len())
}

fn tags(organization: &str) -> Vec<StackTag> {
    [
        (MANAGED_BY_KEY, MANAGED_BY_VALUE),
        (ORG_WATCH, organization),
    ]
    .into_iter()
    .map(|(k, v)| StackTag::builder().key(k).value(v).build())
    .collect()
}

fn everywhere(root: &str) -> DeploymentTargets {
    DeploymentTargets::builder()
        .organizational_unit_ids(root)
        .build()
}

async fn apply_one(
    clients: &Clients,
    home: &str,
    acting: Acting,
    op: &StackOp,
    organization: &str,
) -> Result<(), AwsError> {
    let cf = clients.cloudformation(home);
    match op {
        StackOp::CreateStackSet {
            name,
            template,
            root,
            regions,
        } => {
            create_stack_set(&cf, acting, name, template, organization).await?;
            add_instances(clients, home, acting, name, root, regions).await
        }
        StackOp::UpdateStackSet { name, template } => {
            let out = (cf.update_stack_set().stack_set_name(name))
                .template_body(template.to_string())
                .capabilities(Capability::CapabilityNamedIam)
                .set_tags(Some(tags(organization)))
                .call_as(acting.call_as())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("cloudformation:UpdateStackSet", e))?;
            finished(clients, home, acting, name, out.operation_id()).await
        }
        StackOp::AddInstances {
            name,
            root,
            regions,
        } => add_instances(clients, home, acting, name, root, regions).await,
        StackOp::RemoveInstances {
            name,
            root,
            regions,
        } => remove_instances(clients, home, acting, name, root, regions).await,
        StackOp::DeleteStackSet {
            name,
            root,
            regions,
        } => {
            if !regions.is_empty() {
                remove_instances(clients, home, acting, name, root, regions).await?;
            }
            (cf.delete_stack_set().stack_set_name(name))
                .call_as(acting.call_as())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("cloudformation:DeleteStackSet", e))?;
            Ok(())
        }
        StackOp::CreateStack { .. } | StackOp::UpdateStack { .. } | StackOp::DeleteStack { .. } => {
            apply_stack(clients, op, tags(organization)).await
        }
    }
}

/// A service-managed StackSet with automatic deployment: an account that joins the
/// organization gets its instances, one that leaves loses them
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html>).
async fn create_stack_set(
    cf: &aws_sdk_cloudformation::Client,
    acting: Acting,
    name: &str,
    template: &Value,
    organization: &str,
) -> Result<(), AwsError> {
    let auto = AutoDeployment::builder()
        .enabled(true)
        .retain_stacks_on_account_removal(false)
        .build();
    (cf.create_stack_set().stack_set_name(name))
        .template_body(template.to_string())
        .permission_model(PermissionModels::ServiceManaged)
        .auto_deployment(auto)
        .capabilities(Capability::CapabilityNamedIam)
        .set_tags(Some(tags(organization)))
        .call_as(acting.call_as())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("cloudformation:CreateStackSet", e))?;
    Ok(())
}

async fn add_instances(
    clients: &Clients,
    home: &str,
    acting: Acting,
    name: &str,
    root: &str,
    regions: &[String],
) -> Result<(), AwsError> {
    let out = (clients.cloudformation(home).create_stack_instances())
        .stack_set_name(name)
        .deployment_targets(everywhere(root))
        .set_regions(Some(regions.to_vec()))
        .call_as(acting.call_as())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("cloudformation:CreateStackInstances", e))?;
    finished(clients, home, acting, name, out.operation_id()).await
}

async fn remove_instances(
    clients: &Clients,
    home: &str,
    acting: Acting,
    name: &str,
    root: &str,
    regions: &[String],
) -> Result<(), AwsError> {
    let out = (clients.cloudformation(home).delete_stack_instances())
        .stack_set_name(name)
        .deployment_targets(everywhere(root))
        .set_regions(Some(regions.to_vec()))
        .retain_stacks(false)
        .call_as(acting.call_as())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("cloudformation:DeleteStackInstances", e))?;
    finished(clients, home, acting, name, out.operation_id()).await
}

/// How long a StackSet's operation may take: it reaches each account in turn, and AWS gives
/// none of its own.
const OPERATION_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// Waits until the StackSet's operation `id` has succeeded; its failure is an error naming it.
async fn finished(
    clients: &Clients,
    home: &str,
    acting: Acting,
    name: &str,
    id: Option<&str>,
) -> Result<(), AwsError> {
    let Some(id) = id else { return Ok(()) };
    let cf = clients.cloudformation(home);
    let deadline = tokio::time::Instant::now() + OPERATION_DEADLINE;
    let backoff = Backoff {
        initial: Duration::from_millis(500),
        max: Duration::from_secs(15),
    };
    let poll = |_| async {
        let out = (cf.describe_stack_set_operation().stack_set_name(name))
            .operation_id(id)
            .call_as(acting.call_as())
            .send()
            .await
            .map_err(|e| {
                Some(AwsError::from_sdk(
                    "cloudformation:DescribeStackSetOperation",
                    e,
                ))
            })?;
        let status = (out.stack_set_operation())
            .and_then(|o| o.status())
            .map_or("", |s| s.as_str());
        match status {
            "SUCCEEDED" => Ok(()),
            "FAILED" | "STOPPED" => Err(Some(failed(
                "cloudformation:DescribeStackSetOperation",
                format!("StackSet {name}'s operation {id} {}", status.to_lowercase()),
            ))),
            _ => Err(None),
        }
    };
    let waited = retry_until(deadline, backoff, Option::is_none, poll).await;
    let Err(e) = waited.result else {
        return Ok(());
    };
    let Some(mut e) = e else {
        return Err(failed(
            "cloudformation:DescribeStackSetOperation",
            format!("StackSet {name}'s operation {id} had not finished after 30 minutes"),
        ));
    };
    if let Some(why) = failed_in(&cf, acting, name, id).await {
        e.message = format!("{} ({why})", e.message);
    }
    Err(e)
}

/// Where a failed operation failed: a failure arrives on the operation (DeleteStackInstances is
/// asynchronous), each account and region with CloudFormation's reason; `None` when they could
/// not be read.
async fn failed_in(
    cf: &aws_sdk_cloudformation::Client,
    acting: Acting,
    name: &str,
    id: &str,
) -> Option<String> {
    let out = (cf.list_stack_set_operation_results().stack_set_name(name))
        .operation_id(id)
        .call_as(acting.call_as())
        .send()
        .await
        .ok()?;
    let failed: Vec<String> = (out.summaries().iter())
        .filter(|s| s.status().is_some_and(|s| s.as_str() == "FAILED"))
        .map(|s| {
            let (account, region) = (s.account().unwrap_or("?"), s.region().unwrap_or("?"));
            let why = s.status_reason().unwrap_or("no reason given");
            format!("{account} {region}: {why}")
        })
        .collect();
    (!failed.is_empty()).then(|| failed.join("; "))
}
