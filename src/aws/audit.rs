//! The reads of `lambda-trust audit` (`aws` layer): one account's IAM in one paginated
//! `GetAccountAuthorizationDetails` pass, the AWS managed policies the audited roles use, and
//! the account's functions and their policies. An organization's accounts are listed and
//! entered on common ground (`aws/sessions.rs`).
//!
//! `GetAccountAuthorizationDetails` with `Filter` = `Role`, `LocalManagedPolicy` returns every
//! role (trust policy, inline policies, attached policy ARNs, boundary, tags) and every
//! customer managed policy with all its versions, up to `MaxItems` (1,000) per page
//! (IAM API Reference, GetAccountAuthorizationDetails), so the calls grow with pages, not
//! roles. AWS managed policies are left out of that pass: there are over a thousand of them,
//! many pages' worth, and an audited role typically uses none or a few. Those a reported
//! role uses (attached or as its boundary) are read one by one instead (`GetPolicy` +
//! `GetPolicyVersion`, default version only: only AWS can change their versions).
//! Documents come URL-encoded; `crates/audit/src/details.rs` maps the details (the same mapping
//! `audit --input` uses).

use futures::stream::{self, StreamExt};

use crate::aws::client::{has_code, AwsError, Clients};
use crate::aws::pages::every_page;
use crate::aws::sessions::CallCount;
use lambda_trust_audit::{
    AccountIam, AuditPolicy, AuditRole, PolicyDetail, RawDocument, RoleDetail, RoleUsage,
};

/// The most `GetAccountAuthorizationDetails` returns per page.
const PAGE_SIZE: i32 = 1000;
/// AWS managed policy reads in flight at once.
const POLICY_CONCURRENCY: usize = 8;

/// The caller's account (`sts:GetCallerIdentity`).
pub(crate) async fn caller_account(
    clients: &Clients,
    calls: &CallCount,
) -> Result<String, AwsError> {
    calls.add();
    Ok(super::observe::caller_identity(clients).await?.account)
}

/// Every role and customer managed policy of the account, page by page.
pub(crate) async fn read_account(
    clients: &Clients,
    account_id: &str,
    calls: &CallCount,
) -> Result<AccountIam, AwsError> {
    use aws_sdk_iam::types::EntityType;
    let mut iam = AccountIam {
        account_id: account_id.to_owned(),
        ..AccountIam::default()
    };
    let pages = (clients.iam.get_account_authorization_details())
        .filter(EntityType::Role)
        .filter(EntityType::LocalManagedPolicy)
        .max_items(PAGE_SIZE)
        .into_paginator()
        .send();
    for out in every_page(pages, "iam:GetAccountAuthorizationDetails", calls).await? {
        for r in out.role_detail_list() {
            let arn = r.arn().unwrap_or_default().to_owned();
            iam.usage.insert(arn, usage(r));
            iam.roles.push(role(r));
        }
        for p in out.policies() {
            let p = policy(p);
            iam.policies.insert(p.arn.clone(), p);
        }
    }
    Ok(iam)
}

/// `CreateDate` and `RoleLastUsed`, as the API's RFC 3339 text.
fn usage(r: &aws_sdk_iam::types::RoleDetail) -> RoleUsage {
    use aws_sdk_iam::primitives::DateTimeFormat;
    let text = |t: &aws_sdk_iam::primitives::DateTime| t.fmt(DateTimeFormat::DateTime).ok();
    let last = r.role_last_used();
    RoleUsage {
        created: r.create_date().and_then(text),
        last_used: last.and_then(|u| u.last_used_date()).and_then(text),
        last_used_region: last.and_then(|u| u.region()).map(str::to_owned),
    }
}

fn document(text: Option<&str>) -> RawDocument {
    text.map_or(RawDocument::Missing, |t| RawDocument::Text(t.to_owned()))
}

/// The SDK's role detail as the plain detail `lambda_trust_audit` maps (the one mapping).
fn role(r: &aws_sdk_iam::types::RoleDetail) -> AuditRole {
    AuditRole::from(RoleDetail {
        name: r.role_name().unwrap_or_default().to_owned(),
        arn: r.arn().unwrap_or_default().to_owned(),
        trust: document(r.assume_role_policy_document()),
        inline: r
            .role_policy_list()
            .iter()
            .map(|p| {
                let name = p.policy_name().unwrap_or_default().to_owned();
                (name, document(p.policy_document()))
            })
            .collect(),
        attached: r
            .attached_managed_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_owned))
            .collect(),
        boundary: r
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_owned),
        tags: r
            .tags()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect(),
        usage: None,
    })
}

fn policy(p: &aws_sdk_iam::types::ManagedPolicyDetail) -> AuditPolicy {
    AuditPolicy::from(PolicyDetail {
        arn: p.arn().unwrap_or_default().to_owned(),
        name: p.policy_name().map(str::to_owned),
        versions: p
            .policy_version_list()
            .iter()
            .map(|v| {
                let id = v.version_id().unwrap_or_default().to_owned();
                (id, v.is_default_version(), document(v.document()))
            })
            .collect(),
    })
}

/// Reads the default version of each managed policy in `arns` (AWS managed ones the pass left
/// out) into `iam.policies`. A policy that does not exist is left out: the audit then reports
/// the role's access as not proved.
pub(crate) async fn read_policies(
    clients: &Clients,
    arns: &[String],
    iam: &mut AccountIam,
    calls: &CallCount,
) -> Result<(), AwsError> {
    for (_, read) in read_each_policy(clients, arns, calls).await {
        if let Some(p) = read? {
            iam.policies.insert(p.arn.clone(), p);
        }
    }
    Ok(())
}

/// The default version of each managed policy in `arns`, each read on its own: `Ok(None)` for
/// one that does not exist, the error for one that could not be read.
pub(crate) async fn read_each_policy(
    clients: &Clients,
    arns: &[String],
    calls: &CallCount,
) -> Vec<(String, Result<Option<AuditPolicy>, AwsError>)> {
    stream::iter(arns.iter().cloned())
        .map(|arn| async move { (arn.clone(), read_policy(clients, arn, calls).await) })
        .buffer_unordered(POLICY_CONCURRENCY)
        .collect()
        .await
}

async fn read_policy(
    clients: &Clients,
    arn: String,
    calls: &CallCount,
) -> Result<Option<AuditPolicy>, AwsError> {
    calls.add();
    let got = match clients.iam.get_policy().policy_arn(&arn).send().await {
        Ok(got) => got,
        Err(e) if has_code(&e, "NoSuchEntity") => return Ok(None),
        Err(e) => return Err(AwsError::from_sdk("iam:GetPolicy", e)),
    };
    let p = got.policy();
    let version = p
        .and_then(|p| p.default_version_id())
        .unwrap_or("v1")
        .to_owned();
    calls.add();
    let v = clients
        .iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id(&version)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("iam:GetPolicyVersion", e))?;
    Ok(Some(AuditPolicy::from(PolicyDetail {
        arn,
        name: p.and_then(|p| p.policy_name()).map(str::to_owned),
        versions: vec![(
            version,
            true,
            document(v.policy_version().and_then(|v| v.document())),
        )],
    })))
}

/// The unqualified ARNs of every function in `region` (`lambda:ListFunctions`, every page: at
/// most 50 functions a page, Lambda API Reference, ListFunctions), each page counted.
pub(crate) async fn list_functions(
    clients: &Clients,
    region: &str,
    calls: &CallCount,
) -> Result<Vec<String>, AwsError> {
    let pages = clients
        .lambda(region)
        .list_functions()
        .into_paginator()
        .send();
    let pages = every_page(pages, "lambda:ListFunctions", calls).await?;
    let functions = pages.iter().flat_map(|p| p.functions());
    let mut out: Vec<String> =
        (functions.filter_map(|f| f.function_arn().map(str::to_owned))).collect();
    out.sort();
    Ok(out)
}

/// The function policies of `arns` (`lambda:GetPolicy` each, paced: `aws::function_policy`,
/// the one reader), each call counted.
pub(crate) async fn function_policies(
    clients: &Clients,
    arns: &[String],
    calls: &CallCount,
) -> Vec<lambda_trust_provision::TargetPolicy> {
    let none = std::collections::BTreeMap::new();
    let functions = arns.iter().filter_map(|a| lambda_trust_iam::Arn::parse(a));
    for _ in functions.filter(|a| a.function_parts().is_some()) {
        calls.add();
    }
    crate::aws::function_policy::read_function_policies(clients, &none, arns).await
}
