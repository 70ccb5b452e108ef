//! Why a Genesys Cloud call failed ([`GenesysError`]) and what to do about it.
//!
//! Part of the `genesys` layer.

use super::credentials::{NotAnOAuthClient, ENV_CLIENT_ID, ENV_CLIENT_SECRET};
use lambda_trust_config::RegionError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum GenesysError {
    #[error("Genesys Cloud refused the OAuth client from {source_name} ({status}): {message}")]
    Auth {
        source_name: String,
        status: u16,
        message: String,
    },
    #[error("no Genesys Cloud OAuth client")]
    NoClient,
    #[error("the Secrets Manager secret {secret} is not a Genesys Cloud OAuth client: {problem}")]
    BadSecret { secret: String, problem: String },
    #[error("the secret's base_url {base_url} disagrees with the configured Genesys Cloud API {api_url}")]
    RegionMismatch { base_url: String, api_url: String },
    #[error("Genesys Cloud {method} {path}: {status} {code}: {message}")]
    Api {
        method: String,
        path: String,
        status: u16,
        code: String,
        message: String,
        retry_after: Option<u64>,
    },
    #[error("cannot reach Genesys Cloud ({method} {url}): {message}")]
    Transport {
        method: String,
        url: String,
        message: String,
    },
    #[error("unexpected answer from Genesys Cloud {method} {path}: {message}")]
    Decode {
        method: String,
        path: String,
        message: String,
    },
    #[error("Genesys Cloud refused to tell {what}: {message}")]
    Permission {
        permission: &'static str,
        what: String,
        message: String,
    },
    #[error(transparent)]
    Region(#[from] RegionError),
}

impl GenesysError {
    /// The HTTP status of an API error.
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            GenesysError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl From<NotAnOAuthClient> for GenesysError {
    fn from(e: NotAnOAuthClient) -> GenesysError {
        GenesysError::BadSecret {
            secret: e.secret,
            problem: e.problem,
        }
    }
}

impl crate::error::Hinted for GenesysError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            GenesysError::Auth { .. } => "check the client ID and secret; the OAuth client must use the client-credentials grant, belong to the org of the configured region, and have a role with the Integrations permissions (integrations:integration, integrations:credential, integrations:action) and, for who-changed-it, audits:audit:view".to_string(),
            GenesysError::NoClient  => format!("set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}, or [genesys].oauth_secret to a Secrets Manager secret holding {{\"client_id\", \"client_secret\"}}"),
            GenesysError::BadSecret { .. } => "store {\"client_id\": \"…\", \"client_secret\": \"…\", \"base_url\": \"https://api.mypurecloud.com\"} (base_url optional)".to_string(),
            GenesysError::RegionMismatch { .. } => "fix [genesys].region (or GENESYSCLOUD_REGION / GENESYSCLOUD_API_REGION), or the secret's base_url".to_string(),
            GenesysError::Transport { .. } => "check the region or GENESYSCLOUD_API_REGION, and the network; a call that gets no answer is given up after --timeout (default 60 s)".to_string(),
            GenesysError::Permission { permission, .. } => format!("give the OAuth client's role the permission {permission}"),
            GenesysError::Region(e) => return e.hint(),
            _ => return None,
        })
    }
}
crate::error::layer_errors!(Genesys: GenesysError);
