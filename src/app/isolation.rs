//! An environment's live role proved isolated from every other environment of its config
//! (`verify`, `check`): its trust and identity policies as read, against each other
//! environment's config rendered offline (`lambda_trust_provision::isolation`).

use crate::aws::prepare::Prepared;
use lambda_trust_config::{ConfigFile, Loaded};
use lambda_trust_model::{Observed, Rendered};
use lambda_trust_provision::{
    isolation_not_read, live_isolation, IsolationClaim, IsolationEnvironment,
};

use super::settings::Settings;

/// The other environments of `file`'s config as the live claims need them: each loaded and
/// rendered (or why not), read before anything is judged; `None` without environments.
#[derive(Clone)]
pub(crate) struct Environments {
    /// This environment's name.
    env: String,
    /// Claims already unknown: the file, or an environment's config, not read.
    not_read: Vec<IsolationClaim>,
    /// Every environment read: its name, its config and its documents (or why not rendered).
    read: Vec<(String, Loaded, Result<Rendered, String>)>,
}

/// Reads every environment of `file`'s config and renders each, this one in `account` (the
/// account read), the others in their configs' accounts. Another environment whose config
/// cannot be read (or the file itself, read again here) leaves its claims unknown.
pub(crate) fn read_environments(
    settings: &Settings,
    file: &ConfigFile,
    account: &str,
) -> Option<Environments> {
    let env = file.env.clone()?;
    let mut out = Environments {
        env: env.clone(),
        not_read: Vec::new(),
        read: Vec::new(),
    };
    let names = match environment_names(file) {
        Ok(names) => names,
        // Without the file the other environments are not known: every claim towards them is
        // unknown, said, never an empty (and so vacuously kept) list.
        Err(why) => {
            out.not_read = isolation_not_read(&env, "the other environments", &why);
            return Some(out);
        }
    };
    for name in names {
        match ConfigFile::env(&file.path, Some(name.clone())).load() {
            Ok(l) => {
                let in_account = match name == env {
                    true => Some(account.to_owned()),
                    false => l.config.aws.account_id.clone(),
                };
                let rendered = super::prove::render_for(settings, &l, in_account);
                out.read.push((name, l, rendered));
            }
            Err(e) => (out.not_read).extend(isolation_not_read(&env, &name, &e.to_string())),
        }
    }
    Some(out)
}

/// The claims of the environment read towards every other one, on its live role: no call.
pub(crate) fn judge(environments: &Environments, observed: &Observed) -> Vec<IsolationClaim> {
    let mut claims = environments.not_read.clone();
    let envs: Vec<IsolationEnvironment<'_>> = (environments.read.iter())
        .map(|(name, l, r)| IsolationEnvironment {
            name,
            config: &l.config,
            rendered: r.as_ref().map_err(Clone::clone),
        })
        .collect();
    if let Some(a) = envs.iter().find(|e| e.name == environments.env) {
        claims.extend(live_isolation(a, observed, &envs));
    }
    claims
}

/// The claims of `file`'s environment towards every other one, read then judged; none
/// without environments.
pub(crate) fn live_claims(
    settings: &Settings,
    file: &ConfigFile,
    prepared: &Prepared,
) -> Vec<IsolationClaim> {
    let account = &prepared.observed.account_id;
    read_environments(settings, file, account)
        .map(|e| judge(&e, &prepared.observed))
        .unwrap_or_default()
}

/// The environments `file` names, read again from it; why not, naming the file.
fn environment_names(file: &ConfigFile) -> Result<Vec<String>, String> {
    let text =
        std::fs::read_to_string(&file.path).map_err(|e| format!("{}: {e}", file.path.display()))?;
    Ok(lambda_trust_config::environment_names(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_cannot_be_read_again_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lambda-trust.toml");
        let file = ConfigFile::env(&path, Some("dev".into()));
        let why = environment_names(&file).unwrap_err();
        assert!(why.contains("lambda-trust.toml"), "{why}");
        std::fs::write(&path, "[environments.dev]\n[environments.prod]\n").unwrap();
        assert_eq!(environment_names(&file).unwrap(), ["dev", "prod"]);
        let claims = isolation_not_read("dev", "the other environments", &why);
        assert!(claims
            .iter()
            .all(|c| c.verdict == lambda_trust_iam::Verdict::Unknown));
    }
}
