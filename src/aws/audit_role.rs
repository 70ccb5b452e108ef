//! One role of an account, read as `audit` reads a whole account (`aws/audit.rs`) but alone:
//! the organization watch re-proves the role an event names without reading the account.
//!
//! `GetRole` gives the trust policy, the boundary, the tags and the last use; then, for a role
//! a partner may assume, `ListRolePolicies` and `GetRolePolicy` per inline policy,
//! `ListAttachedRolePolicies`, and each managed policy: a customer managed one with every
//! version (`GetPolicy`, `ListPolicyVersions`, `GetPolicyVersion` each), as
//! `GetAccountAuthorizationDetails` gives it, so a latent version is judged; an AWS managed
//! one by its default version (`aws::audit::read_policies`: only AWS can change its versions).
//! A managed policy's change reaches the roles `ListEntitiesForPolicy` lists. IAM API
//! Reference: GetRole, ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies,
//! ListPolicyVersions, ListEntitiesForPolicy. Documents come URL-encoded, as `crates/audit/src/details.rs` reads them.

use aws_sdk_iam::primitives::{DateTime, DateTimeFormat};

use crate::aws::audit::read_policies;
use crate::aws::client::{has_code, AwsError, Clients};
use crate::aws::pages::every_page;
use crate::aws::role_read;
use crate::aws::sessions::CallCount;
use lambda_trust_audit::{
    AccountIam, AuditPolicy, PolicyDetail, RawDocument, RoleDetail, RoleUsage,
};

/// The role `name` of the account: its trust policy, boundary, tags and last use, without its
/// policies ([`read_role_policies`]); `None` when it does not exist.
pub(crate) async fn read_role(
    clients: &Clients,
    name: &str,
    calls: &CallCount,
) -> Result<Option<RoleDetail>, AwsError> {
    let Some(r) = role_read::get_role(&clients.iam, name, calls).await? else {
        return Ok(None);
    };
    let text = |t: &DateTime| t.fmt(DateTimeFormat::DateTime).ok();
    let last = r.role_last_used();
    Ok(Some(RoleDetail {
        name: r.role_name().to_owned(),
        arn: r.arn().to_owned(),
        trust: document(r.assume_role_policy_document()),
        inline: Vec::new(),
        attached: Vec::new(),
        boundary: (r.permissions_boundary())
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_owned),
        tags: (r.tags().iter())
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect(),
        usage: Some(RoleUsage {
            created: text(r.create_date()),
            last_used: last.and_then(|u| u.last_used_date()).and_then(text),
            last_used_region: last.and_then(|u| u.region()).map(str::to_owned),
        }),
    }))
}

fn document(text: Option<&str>) -> RawDocument {
    text.map_or(RawDocument::Missing, |t| RawDocument::Text(t.to_owned()))
}

/// The role's inline policies (each with its document) and attached policies' ARNs, every page.
pub(crate) async fn read_role_policies(
    clients: &Clients,
    role: &mut RoleDetail,
    calls: &CallCount,
) -> Result<(), AwsError> {
    let (inline, attached) = tokio::try_join!(
        role_read::inline_documents(&clients.iam, &role.name, calls),
        role_read::attached_arns(&clients.iam, &role.name, calls),
    )?;
    role.inline = (inline.into_iter())
        .map(|(name, text)| (name, RawDocument::Text(text)))
        .collect();
    role.attached = attached;
    Ok(())
}

/// The managed policies `iam`'s roles use (attached or as a boundary) read into it: customer
/// managed ones (of the role's own account) with every version, AWS managed ones by their
/// default version. One that does not exist is left out: the audit then reports the role's
/// access as not proved.
pub(crate) async fn read_used_policies(
    clients: &Clients,
    iam: &mut AccountIam,
    calls: &CallCount,
) -> Result<(), AwsError> {
    let used = (iam.roles.iter()).flat_map(|r| r.attached.iter().chain(&r.boundary));
    let mut used: Vec<String> = used.cloned().collect();
    used.sort();
    used.dedup();
    let own = format!(":iam::{}:policy/", iam.account_id);
    let (customer, aws): (Vec<String>, Vec<String>) =
        used.into_iter().partition(|a| a.contains(&own));
    for arn in customer {
        if let Some(p) = read_customer_policy(clients, &arn, calls).await? {
            iam.policies.insert(p.arn.clone(), p);
        }
    }
    read_policies(clients, &aws, iam, calls).await
}

/// A customer managed policy with every version's document; `None` when it does not exist.
async fn read_customer_policy(
    clients: &Clients,
    arn: &str,
    calls: &CallCount,
) -> Result<Option<AuditPolicy>, AwsError> {
    calls.add();
    let got = match clients.iam.get_policy().policy_arn(arn).send().await {
        Ok(got) => got,
        Err(e) if has_code(&e, "NoSuchEntity") => return Ok(None),
        Err(e) => return Err(AwsError::from_sdk("iam:GetPolicy", e)),
    };
    calls.add();
    let listed = (clients.iam.list_policy_versions())
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("iam:ListPolicyVersions", e))?;
    let mut versions = Vec::new();
    for v in listed.versions() {
        let id = v.version_id().unwrap_or_default().to_owned();
        calls.add();
        let doc = (clients.iam.get_policy_version())
            .policy_arn(arn)
            .version_id(&id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("iam:GetPolicyVersion", e))?;
        let text = doc.policy_version().and_then(|v| v.document());
        versions.push((id, v.is_default_version(), document(text)));
    }
    Ok(Some(AuditPolicy::from(PolicyDetail {
        arn: arn.to_owned(),
        name: got
            .policy()
            .and_then(|p| p.policy_name())
            .map(str::to_owned),
        versions,
    })))
}

/// The roles of the account a managed policy is attached to (`ListEntitiesForPolicy`,
/// `EntityFilter` = `Role`, every page): what a change to the policy reaches.
pub(crate) async fn roles_of_policy(
    clients: &Clients,
    arn: &str,
    calls: &CallCount,
) -> Result<Vec<String>, AwsError> {
    let pages = (clients.iam.list_entities_for_policy())
        .policy_arn(arn)
        .entity_filter(aws_sdk_iam::types::EntityType::Role)
        .into_paginator()
        .send();
    let pages = match every_page(pages, "iam:ListEntitiesForPolicy", calls).await {
        Ok(pages) => pages,
        // The policy is gone: it reaches no role.
        Err(e) if e.is_code("NoSuchEntity") => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let roles = pages.iter().flat_map(|p| p.policy_roles());
    Ok(roles
        .filter_map(|r| r.role_name().map(str::to_owned))
        .collect())
}
