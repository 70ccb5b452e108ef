//! The watch's Genesys Cloud OAuth secret as the function will read it: `watch deploy` and
//! `watch status` describe it (never logging its value), check its JSON, and decide with the
//! evaluator that the function's own role can read it — a misspelled name, a partial ARN or a
//! customer managed key the role cannot use is a problem, never a healthy watch that reads no
//! Genesys Cloud side.

use crate::aws::secrets::{describe_secret, read_secret};
use crate::aws::Clients;
use crate::event::WatchProblem;
use crate::genesys::credentials::OAuthClient;

/// What was read of `[genesys].oauth_secret`.
pub(crate) struct SecretRead {
    name: String,
    /// Its full ARN and whether a customer managed key encrypts it; `None` when not described.
    described: Option<(String, bool)>,
    /// What is wrong with it, when its reading says so already.
    problem: Option<WatchProblem>,
}

/// The config's OAuth secret, read; `None` without one.
pub(crate) async fn read(
    clients: &Clients,
    config: &lambda_trust_config::Config,
) -> Option<SecretRead> {
    let name = config.genesys.as_ref()?.oauth_secret.clone()?;
    let (meta, value) = tokio::join!(describe_secret(clients, &name), read_secret(clients, &name));
    let out = |described, problem| {
        Some(SecretRead {
            name: name.clone(),
            described,
            problem,
        })
    };
    let meta = match meta {
        Ok(m) => m,
        Err(e) if e.code.as_deref() == Some("ResourceNotFoundException") => {
            return out(
                None,
                Some(WatchProblem::SecretMissing { name: name.clone() }),
            );
        }
        Err(e) => {
            let why = e.to_string();
            let name = name.clone();
            return out(None, Some(WatchProblem::SecretNotDescribed { name, why }));
        }
    };
    let described = Some((meta.arn.clone(), meta.kms_key.is_some()));
    let problem = match value.map(|v| OAuthClient::from_secret_json(&v, &name)) {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(WatchProblem::SecretNotOAuth {
            name: name.clone(),
            why: e.to_string(),
        }),
        Err(e) => Some(WatchProblem::SecretNotChecked {
            name: name.clone(),
            why: e.to_string(),
        }),
    };
    out(described, problem)
}

/// The function's role names the secret as described: its full ARN, and its key when a
/// customer managed one encrypts it.
pub(crate) fn name_exactly(
    input: &mut lambda_trust_provision::WatchInput,
    read: Option<&SecretRead>,
) {
    if let Some((arn, cmk)) = read.and_then(SecretRead::exact) {
        (input.secret, input.secret_cmk) = (Some(arn.to_owned()), cmk);
    }
}

impl SecretRead {
    /// The ARN the function's role must name, and whether it needs `kms:Decrypt`.
    pub(crate) fn exact(&self) -> Option<(&str, bool)> {
        self.described
            .as_ref()
            .map(|(arn, cmk)| (arn.as_str(), *cmk))
    }

    /// What keeps the function from signing in: the reading's problem, else the role's
    /// (`policy`, the function's role's), decided with the evaluator.
    pub(crate) fn problem(&self, policy: &serde_json::Value) -> Option<WatchProblem> {
        if let Some(p) = &self.problem {
            return Some(p.clone());
        }
        let (arn, cmk) = self.exact()?;
        lambda_trust_provision::secret_readable(policy, arn, cmk)
            .err()
            .map(|why| WatchProblem::SecretNotReadable {
                name: self.name.clone(),
                why,
            })
    }
}
