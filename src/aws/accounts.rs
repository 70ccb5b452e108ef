//! The clients of the other accounts a config reaches (`[aws.accounts."ID"]`), for the
//! function policy statements of cross-account targets: a named profile (resolved by the rule
//! of `credentials`: it must be defined), or a role assumed with the run's own credentials
//! (`sts:AssumeRole`, STS API Reference). Every entry is resolved and checked with
//! `sts:GetCallerIdentity` before anything is read or written: credentials that land in another
//! account than the key are refused, naming both, so no write can reach the wrong account.
//!
//! Part of the `aws` layer; read-only (STS only).

use std::collections::BTreeMap;

use futures::future::try_join_all;

use crate::aws::client::{AwsError, AwsSettings, Clients, CredentialsError};
use crate::aws::observe::caller_identity;
use lambda_trust_config::AccountAccess;

/// Why an `[aws.accounts]` entry cannot be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AccountError {
    #[error("[aws.accounts.\"{account}\"]: {source}")]
    Profile {
        account: String,
        #[source]
        source: CredentialsError,
    },
    #[error("[aws.accounts.\"{account}\"]: {via} could not be used: {source}")]
    Call {
        account: String,
        via: String,
        #[source]
        source: AwsError,
    },
    #[error("[aws.accounts.\"{account}\"]: {via} acts in account {found} ({arn}), not {account}; refusing to run")]
    WrongAccount {
        account: String,
        via: String,
        found: String,
        arn: String,
    },
}

impl crate::error::Hinted for AccountError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            AccountError::Profile {
                account,
                source: CredentialsError::NoSuchProfile { name, known },
            } => {
                let known = match known.as_slice() {
                    [] => "none is defined".to_string(),
                    known => format!("defined: {}", known.join(", ")),
                };
                format!(
                    "fix [aws.accounts.\"{account}\"].profile ({known}), or define profile {name} in ~/.aws/config or AWS_CONFIG_FILE with credentials acting in account {account}"
                )
            }
            AccountError::Profile { source, .. } => return source.hint(),
            AccountError::Call { source, .. } => {
                return source.hint().or_else(|| {
                    Some("check that the run's credentials may call sts:AssumeRole on that role and that its trust policy allows them (and the external_id, when it requires one)".into())
                })
            }
            AccountError::WrongAccount { account, .. } => format!(
                "point [aws.accounts.\"{account}\"] at a profile or role_arn of account {account}, or key the entry by the account it reaches"
            ),
        })
    }
}
crate::error::layer_errors!(Aws: AccountError);

/// What an entry names, for messages.
fn via(access: &AccountAccess) -> String {
    match (&access.profile, &access.role_arn) {
        (Some(p), _) => format!("profile {p}"),
        (None, Some(r)) => format!("role {r}"),
        (None, None) => "nothing".to_string(),
    }
}

/// Every entry's clients, concurrently, each checked to act in its account.
pub(crate) async fn connect(
    clients: &Clients,
    settings: &AwsSettings,
    accounts: &BTreeMap<String, AccountAccess>,
) -> Result<BTreeMap<String, Clients>, AccountError> {
    let connected = try_join_all(accounts.iter().map(|(account, access)| async move {
        let reached = reach(clients, settings, account, access).await?;
        let call = |source| AccountError::Call {
            account: account.clone(),
            via: via(access),
            source,
        };
        let who = caller_identity(&reached).await.map_err(call)?;
        if who.account != *account {
            return Err(AccountError::WrongAccount {
                account: account.clone(),
                via: via(access),
                found: who.account,
                arn: who.arn,
            });
        }
        Ok((account.clone(), reached))
    }))
    .await?;
    Ok(connected.into_iter().collect())
}

/// One entry's clients: its profile, or the role it names assumed with `clients`.
async fn reach(
    clients: &Clients,
    settings: &AwsSettings,
    account: &str,
    access: &AccountAccess,
) -> Result<Clients, AccountError> {
    if let Some(profile) = &access.profile {
        let settings = AwsSettings {
            profile: Some(profile.clone()),
            ..settings.clone()
        };
        return Clients::connect(&settings)
            .await
            .map_err(|source| AccountError::Profile {
                account: account.to_string(),
                source,
            });
    }
    let role = access.role_arn.as_deref().unwrap_or_default();
    let call = |source| AccountError::Call {
        account: account.to_string(),
        via: via(access),
        source,
    };
    let out = clients
        .sts
        .assume_role()
        .role_arn(role)
        .role_session_name(access.session_name())
        .set_external_id(access.external_id.clone())
        .send()
        .await
        .map_err(|e| call(AwsError::from_sdk("sts:AssumeRole", e)))?;
    let creds = out.credentials().ok_or_else(|| {
        call(AwsError {
            operation: "sts:AssumeRole",
            code: None,
            message: format!("no credentials returned for {role}"),
            hint: None,
        })
    })?;
    Ok(clients.with_credentials(
        creds.access_key_id(),
        creds.secret_access_key(),
        creds.session_token(),
    ))
}
