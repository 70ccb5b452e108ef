//! Sessions into the organization's accounts (`aws` layer), the common ground the audit and
//! the watch stand on: the organization's active accounts (`organizations:ListAccounts`), a
//! role assumed into one of them (`sts:AssumeRole`, its credentials kept to act again without
//! another call), and the count of the calls a run makes in each account.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::aws::client::{AwsError, Clients};
use lambda_trust_iam::{Arn, AwsResource};

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
    let arn = Arn::of(clients.partition(), account, AwsResource::Role(&role.name)).to_string();
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
