//! The reads of `lambda-trust audit` (`aws` layer): one account's IAM in one paginated
//! `GetAccountAuthorizationDetails` pass, the AWS managed policies the audited roles use, and,
//! for an organization, `ListAccounts` and `sts:AssumeRole` into each account.
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

use std::sync::atomic::{AtomicUsize, Ordering};

use futures::stream::{self, StreamExt};

use crate::aws::client::{has_code, AwsError, Clients};
use lambda_trust_audit::{
    AccountIam, AuditPolicy, AuditRole, PolicyDetail, RawDocument, RoleDetail, RoleUsage,
};

/// The most `GetAccountAuthorizationDetails` returns per page.
const PAGE_SIZE: i32 = 1000;
/// AWS managed policy reads in flight at once.
const POLICY_CONCURRENCY: usize = 8;

/// Counts the calls one account's audit makes (the report's `summary.calls`).
#[derive(Debug, Default)]
pub(crate) struct CallCount(AtomicUsize);

impl CallCount {
    pub(crate) fn add(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
    /// The calls counted so far, and the count back to zero.
    pub(crate) fn take(&self) -> usize {
        self.0.swap(0, Ordering::Relaxed)
    }
}

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
    let mut marker: Option<String> = None;
    loop {
        calls.add();
        let out = clients
            .iam
            .get_account_authorization_details()
            .filter(EntityType::Role)
            .filter(EntityType::LocalManagedPolicy)
            .max_items(PAGE_SIZE)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("iam:GetAccountAuthorizationDetails", e))?;
        for r in out.role_detail_list() {
            let arn = r.arn().unwrap_or_default().to_owned();
            iam.usage.insert(arn, usage(r));
            iam.roles.push(role(r));
        }
        for p in out.policies() {
            let p = policy(p);
            iam.policies.insert(p.arn.clone(), p);
        }
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_owned()),
            _ => return Ok(iam),
        }
    }
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

/// An account as the organization lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedAccount {
    pub id: String,
    /// The account's name (empty when the listing has none): set by its owner, so data.
    pub name: String,
}

/// The organization's active accounts (`organizations:ListAccounts`, every page).
pub(crate) async fn list_accounts(
    clients: &Clients,
    calls: &CallCount,
) -> Result<Vec<ListedAccount>, AwsError> {
    use aws_sdk_organizations::types::AccountStatus;
    let mut out = Vec::new();
    let mut pages = clients
        .organizations()
        .list_accounts()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        calls.add();
        let page = page.map_err(|e| AwsError::from_sdk("organizations:ListAccounts", e))?;
        out.extend(
            page.accounts()
                .iter()
                .filter(|a| a.status().is_none_or(|s| *s == AccountStatus::Active))
                .filter_map(|a| {
                    Some(ListedAccount {
                        id: a.id()?.to_owned(),
                        name: a.name().unwrap_or_default().to_owned(),
                    })
                }),
        );
    }
    Ok(out)
}

/// The role a many-account audit enters each account with (`--assume-role`), and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntryRole {
    /// The role's name (with its path, if any): `arn:PARTITION:iam::ACCOUNT:role/NAME`.
    pub name: String,
    /// `--assume-role-external-id`: the `ExternalId` its trust policy requires.
    pub external_id: Option<String>,
    /// `--role-session-name`: how the session shows in CloudTrail.
    pub session_name: String,
}

impl EntryRole {
    /// The default session name: what the audit's calls show as in each account's CloudTrail.
    pub(crate) const SESSION_NAME: &'static str = "lambda-trust-audit";
}

/// Clients acting as `arn:{partition}:iam::{account}:role/{role}` (`sts:AssumeRole`).
pub(crate) async fn assume(
    clients: &Clients,
    account: &str,
    role: &EntryRole,
    calls: &CallCount,
) -> Result<Clients, AwsError> {
    Ok(assume_keeping(clients, account, role, calls).await?.0)
}

/// The temporary credentials of an assumed role, to act with them again later
/// ([`AssumedCredentials::clients`]) without another `sts:AssumeRole`; a few hundred bytes,
/// where a kept [`Clients`] holds its SDK clients.
#[derive(Clone)]
pub(crate) struct AssumedCredentials {
    key: String,
    secret: String,
    token: String,
}

impl std::fmt::Debug for AssumedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssumedCredentials")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl AssumedCredentials {
    /// `clients`' settings acting with these credentials.
    pub(crate) fn clients(&self, clients: &Clients) -> Clients {
        clients.with_credentials(&self.key, &self.secret, &self.token)
    }
}

/// [`assume`], and the credentials it got.
pub(crate) async fn assume_keeping(
    clients: &Clients,
    account: &str,
    role: &EntryRole,
    calls: &CallCount,
) -> Result<(Clients, AssumedCredentials), AwsError> {
    let arn = format!(
        "arn:{}:iam::{account}:role/{}",
        clients.partition(),
        role.name
    );
    calls.add();
    let out = clients
        .sts
        .assume_role()
        .role_arn(&arn)
        .role_session_name(&role.session_name)
        .set_external_id(role.external_id.clone())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("sts:AssumeRole", e))?;
    let creds = out.credentials().ok_or_else(|| AwsError {
        operation: "sts:AssumeRole",
        code: None,
        message: format!("no credentials returned for {arn}"),
        hint: None,
    })?;
    let kept = AssumedCredentials {
        key: creds.access_key_id().to_owned(),
        secret: creds.secret_access_key().to_owned(),
        token: creds.session_token().to_owned(),
    };
    Ok((kept.clients(clients), kept))
}

/// The unqualified ARNs of every function in `region` (`lambda:ListFunctions`, every page: at
/// most 50 functions a page, Lambda API Reference, ListFunctions), each page counted.
pub(crate) async fn list_functions(
    clients: &Clients,
    region: &str,
    calls: &CallCount,
) -> Result<Vec<String>, AwsError> {
    let lambda = clients.lambda(region);
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        calls.add();
        let page = lambda
            .list_functions()
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("lambda:ListFunctions", e))?;
        out.extend(
            page.functions()
                .iter()
                .filter_map(|f| f.function_arn().map(str::to_owned)),
        );
        match page.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_owned()),
            _ => break,
        }
    }
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
