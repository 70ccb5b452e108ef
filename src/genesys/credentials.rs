//! The Genesys Cloud OAuth client's credentials: the secret (never shown), where the client
//! comes from (the environment variables of Genesys Cloud's own tools, or a Secrets Manager
//! secret's JSON), and the endpoints the environment or the config names.
//!
//! Part of the `genesys` layer.

use std::fmt;

use serde_json::Value;

use lambda_trust_config::{Endpoints, RegionError};

/// A secret string: shown as `***` by `Debug` and `Display`; [`Secret::expose`] to use it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret(s.to_owned())
    }
}

impl Secret {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A Secrets Manager secret whose JSON is not an OAuth client: which secret, and what it lacks.
#[derive(Debug, thiserror::Error)]
#[error("the Secrets Manager secret {secret} is not a Genesys Cloud OAuth client: {problem}")]
pub(crate) struct NotAnOAuthClient {
    pub secret: String,
    pub problem: String,
}

/// An OAuth client (client-credentials grant) of the Genesys Cloud org.
#[derive(Debug, Clone)]
pub(crate) struct OAuthClient {
    pub id: String,
    pub secret: Secret,
    /// Where it came from, for messages (`the environment`, `secret …`).
    pub source: String,
}

/// The environment variables of Genesys Cloud's own tools.
pub(crate) const ENV_CLIENT_ID: &str = "GENESYSCLOUD_OAUTHCLIENT_ID";
pub(crate) const ENV_CLIENT_SECRET: &str = "GENESYSCLOUD_OAUTHCLIENT_SECRET";
pub(crate) const ENV_REGION: &str = "GENESYSCLOUD_REGION";
pub(crate) const ENV_API_REGION: &str = "GENESYSCLOUD_API_REGION";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl OAuthClient {
    /// `GENESYSCLOUD_OAUTHCLIENT_ID` and `_SECRET`, when both are set.
    pub(crate) fn from_env() -> Option<OAuthClient> {
        Some(OAuthClient {
            id: env(ENV_CLIENT_ID)?,
            secret: Secret::from(env(ENV_CLIENT_SECRET)?),
            source: format!("{ENV_CLIENT_ID}/{ENV_CLIENT_SECRET}"),
        })
    }

    /// The JSON Lambda functions calling Genesys Cloud commonly keep in Secrets Manager:
    /// `{"client_id", "client_secret", "base_url"?}`. Returns the client and `base_url`.
    pub(crate) fn from_secret_json(
        text: &str,
        secret_id: &str,
    ) -> Result<(OAuthClient, Option<String>), NotAnOAuthClient> {
        let bad = |what: &str| NotAnOAuthClient {
            secret: secret_id.to_string(),
            problem: what.to_string(),
        };
        let v: Value = serde_json::from_str(text).map_err(|_| bad("it is not JSON"))?;
        let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let id = field("client_id").ok_or_else(|| bad("it has no \"client_id\" string"))?;
        let secret =
            field("client_secret").ok_or_else(|| bad("it has no \"client_secret\" string"))?;
        Ok((
            OAuthClient {
                id,
                secret: Secret::from(secret),
                source: format!("secret {secret_id}"),
            },
            field("base_url"),
        ))
    }
}

/// The endpoints: `GENESYSCLOUD_API_REGION` > `GENESYSCLOUD_REGION` > `[genesys].region`.
pub(crate) fn endpoints(config_region: Option<&str>) -> Result<Endpoints, RegionError> {
    lambda_trust_config::resolve_endpoints(
        config_region,
        env(ENV_REGION).as_deref(),
        env(ENV_API_REGION).as_deref(),
    )
}
