//! An environment's live role proved isolated from every other environment of its config
//! (`verify`, `check`): its trust and identity policies as read, against each other
//! environment's config rendered offline (`lambda_trust_provision::isolation`).

use lambda_trust_config::ConfigFile;
use lambda_trust_provision::{isolation_not_read, EnvironmentsRead, IsolationClaim, Prepared};

use super::settings::Settings;

/// Reads every environment of `file`'s config and renders each, this one in `account` (the
/// account read), the others in their configs' accounts. Another environment whose config
/// cannot be read (or the file itself, read again here) leaves its claims unknown.
pub(crate) fn read_environments(
    settings: &Settings,
    file: &ConfigFile,
    account: &str,
) -> Option<EnvironmentsRead> {
    let env = file.env.clone()?;
    let mut out = EnvironmentsRead {
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

/// The claims of `file`'s environment towards every other one, read then judged; none
/// without environments.
pub(crate) fn live_claims(
    settings: &Settings,
    file: &ConfigFile,
    prepared: &Prepared,
) -> Vec<IsolationClaim> {
    let account = &prepared.observed.account_id;
    read_environments(settings, file, account)
        .map(|e| e.claims(&prepared.observed))
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
