//! An environment's live role proved isolated from every other environment of its config
//! (`verify`, `check`): its trust and identity policies as read, against each other
//! environment's config rendered offline (`lambda_trust_provision::isolation`).

use crate::aws::prepare::Prepared;
use crate::config::{ConfigFile, Loaded};
use lambda_trust_provision::isolation::{self, IsolationClaim};

use super::settings::Settings;

/// The claims of `file`'s environment towards every other one; none without environments.
/// Another environment whose config cannot be read (or the file itself, read again here)
/// leaves its claims unknown.
pub(crate) fn live_claims(
    settings: &Settings,
    file: &ConfigFile,
    prepared: &Prepared,
) -> Vec<IsolationClaim> {
    let Some(env) = &file.env else {
        return Vec::new();
    };
    let names = match environment_names(file) {
        Ok(names) => names,
        // Without the file the other environments are not known: every claim towards them is
        // unknown, said, never an empty (and so vacuously kept) list.
        Err(why) => return isolation::not_read(env, "the other environments", &why),
    };
    let mut loaded: Vec<(String, Loaded)> = Vec::new();
    let mut claims = Vec::new();
    for name in names {
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

/// The environments `file` names, read again from it; why not, naming the file.
fn environment_names(file: &ConfigFile) -> Result<Vec<String>, String> {
    let text =
        std::fs::read_to_string(&file.path).map_err(|e| format!("{}: {e}", file.path.display()))?;
    Ok(crate::config::environment_names(&text))
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
        let claims = isolation::not_read("dev", "the other environments", &why);
        assert!(claims
            .iter()
            .all(|c| c.verdict == crate::iam::Verdict::Unknown));
    }
}
