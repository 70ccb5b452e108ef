//! An environment's live role proved isolated from every other environment of its config
//! (`verify`, `check`): its trust and identity policies as read, against each other
//! environment's config rendered offline (`lambda_trust_provision::isolation`).

use crate::aws::prepare::Prepared;
use crate::config::{ConfigFile, Loaded};
use lambda_trust_provision::isolation::{self, IsolationClaim};

use super::settings::Settings;

/// The claims of `file`'s environment towards every other one; none without environments.
/// Another environment whose config cannot be read leaves its claims unknown.
pub(crate) fn live_claims(
    settings: &Settings,
    file: &ConfigFile,
    prepared: &Prepared,
) -> Vec<IsolationClaim> {
    let Some(env) = &file.env else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(&file.path).unwrap_or_default();
    let mut loaded: Vec<(String, Loaded)> = Vec::new();
    let mut claims = Vec::new();
    for name in crate::config::environment_names(&text) {
        match ConfigFile::env(&file.path, Some(name.clone())).load() {
            Ok(l) => loaded.push((name, l)),
            Err(e) => claims.extend(isolation::not_read(env, &name, &e.to_string())),
        }
    }
    // This environment's account is the one read; the others' as their configs give them.
    let account = |name: &str, l: &Loaded| match name == env {
        true => Some(prepared.observed.account_id.clone()),
        false => l.config.aws.account_id.clone(),
    };
    let rendered: Vec<_> = (loaded.iter())
        .map(|(name, l)| super::prove::render_for(settings, l, account(name, l)))
        .collect();
    let envs: Vec<isolation::Environment<'_>> = (loaded.iter().zip(&rendered))
        .map(|((name, l), r)| isolation::Environment {
            name,
            config: &l.config,
            rendered: r.as_ref().map_err(Clone::clone),
        })
        .collect();
    if let Some(a) = envs.iter().find(|e| e.name == env) {
        claims.extend(isolation::live_isolation(a, &prepared.observed, &envs));
    }
    claims
}
