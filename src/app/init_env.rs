//! An environment added to an existing config from what an importer read (`init
//! --from-genesys --env NAME`, `init --from-role NAME --env NAME`): the org's ID, the role's
//! account and name, the integration and Genesys Cloud region, each written as an override of
//! `[environments.NAME]` only where it differs from the file's base. Targets are shared by
//! every environment, so the functions the import found are compared with the config's
//! targets and the differences said, never written (docs/environments.md).

use std::path::Path;

use super::events::{Event, Events};
use super::files::write_atomically;
use crate::error::{Error, FileError, Result};
use crate::event::Note;
use lambda_trust_config::{
    add_environment, parse_function, without_environments, Config, EnvironmentOverrides,
    FunctionRef,
};

/// What an importer found of one environment.
#[derive(Debug, Clone, Default)]
pub(crate) struct Found {
    pub external_id: String,
    pub account_id: String,
    pub role_name: String,
    pub role_path: String,
    /// The integration, for `--from-genesys`.
    pub integration: Option<String>,
    pub genesys_region: Option<String>,
    /// `--profile`: how the environment's account is reached.
    pub profile: Option<String>,
    /// The functions its actions call or its role grants: `name` or `name:qualifier`.
    pub functions: Vec<String>,
}

/// The environment written: its name and the keys it overrides (dotted); how its functions
/// differ from the config's targets is said as notes.
#[derive(Debug, Clone)]
pub(crate) struct Added {
    pub name: String,
    pub overrides: Vec<String>,
}

/// Adds `[environments.NAME]` to the config at `path` from what was found; an environment
/// already there is refused unless `force`. Validated in that environment before writing.
pub(crate) fn add(
    events: &dyn Events,
    path: &Path,
    name: &str,
    found: &Found,
    force: bool,
) -> Result<Added> {
    let before =
        std::fs::read_to_string(path).map_err(|e| FileError::new("read", path.display(), e))?;
    let source = path.display().to_string();
    let base_text = without_environments(&before, &source)?;
    let base = lambda_trust_config::parse_str(&base_text, &source, None)?.config;
    let overrides = overrides(&base, found);
    let after = add_environment(&before, &source, name, &overrides, force)?;
    let loaded = lambda_trust_config::parse_str(&after, &source, Some(name))?;
    if loaded.config.trust.external_id == base.trust.external_id
        && found.external_id == base.trust.external_id
    {
        return Err(Error::usage(
            format!("{name}'s org ID {} is the config's base org ID: the environments would share one org", found.external_id),
            "sign in to the environment's own Genesys Cloud org (its OAuth client), or pass --external-id; nothing was written",
        ));
    }
    events.all(differences(name, &base, &found.functions).map(Event::Note));
    write_atomically(path, &after)?;
    Ok(Added {
        name: name.to_string(),
        overrides: overrides.dotted_keys(),
    })
}

/// A new config's first environment: the imported config is the base, so the table holds only
/// the profile it is reached with (`--profile`), when one is given.
pub(crate) fn first(
    settings: &super::settings::Settings,
    path: &Path,
    text: &str,
    name: &str,
) -> Result<String> {
    let overrides = EnvironmentOverrides {
        profile: settings.aws.profile.clone(),
        ..EnvironmentOverrides::default()
    };
    let source = path.display().to_string();
    Ok(add_environment(text, &source, name, &overrides, false)?)
}

/// A function as the comparison names it: `name`, or `name:qualifier`.
pub(crate) fn function_key(function: &str, qualifier: Option<&str>) -> String {
    let name = match parse_function(function) {
        Ok(FunctionRef::Arn(arn)) => arn.name,
        _ => function.to_string(),
    };
    match qualifier {
        Some(q) => format!("{name}:{q}"),
        None => name,
    }
}

/// Each value found that the base does not already have.
fn overrides(base: &Config, found: &Found) -> EnvironmentOverrides {
    let differs =
        |base: Option<&str>, found: &str| (base != Some(found)).then(|| found.to_string());
    let genesys = base.genesys.as_ref();
    EnvironmentOverrides {
        external_id: differs(Some(&base.trust.external_id), &found.external_id),
        account_id: differs(base.aws.account_id.as_deref(), &found.account_id),
        profile: found.profile.clone(),
        role_name: differs(Some(&base.role.name), &found.role_name),
        role_path: differs(Some(&base.role_path()), &found.role_path),
        integration: (found.integration.as_deref())
            .and_then(|i| differs(genesys.map(|g| g.integration.as_str()), i)),
        genesys_region: (found.genesys_region.as_deref())
            .and_then(|r| differs(genesys.and_then(|g| g.region.as_deref()), r)),
        ..EnvironmentOverrides::default()
    }
}

/// The functions found that no target names, and the targets nothing found calls: targets are
/// shared, so these are said for a person to settle.
fn differences(name: &str, base: &Config, found: &[String]) -> impl Iterator<Item = Note> {
    let targets: Vec<String> = (base.targets.iter())
        .map(|t| function_key(&t.function, t.qualifier.as_deref()))
        .collect();
    let functions: Vec<String> = (found.iter())
        .filter(|f| !targets.contains(f))
        .cloned()
        .collect();
    let missing: Vec<String> = (targets.iter())
        .filter(|t| !found.contains(t))
        .cloned()
        .collect();
    let env = name.to_string();
    let extra = (!functions.is_empty()).then_some(Note::UntargetedFunctions {
        env: env.clone(),
        functions,
    });
    let missing = (!missing.is_empty()).then_some(Note::TargetsMissing {
        env,
        targets: missing,
    });
    extra.into_iter().chain(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"11111111-1111-4111-8111-111111111111\"\n[role]\nname = \"R\"\n[aws]\nregion = \"us-east-1\"\naccount_id = \"111111111111\"\n[[targets]]\nfunction = \"lookup\"\n[[targets]]\nfunction = \"orders\"\nqualifier = \"live\"\n";

    #[test]
    fn only_what_differs_is_an_override_and_the_functions_are_compared() {
        let base = lambda_trust_config::parse_str(BASE, "c.toml", None)
            .unwrap()
            .config;
        let found = Found {
            external_id: "22222222-2222-4222-8222-222222222222".into(),
            account_id: "222222222222".into(),
            role_name: "R".into(),
            role_path: "/".into(),
            functions: vec!["lookup".into(), "refunds".into()],
            ..Found::default()
        };
        let o = overrides(&base, &found);
        assert_eq!(o.dotted_keys(), ["trust.external_id", "aws.account_id"]);
        let notes: Vec<Note> = differences("prod", &base, &found.functions).collect();
        assert_eq!(
            notes,
            [
                Note::UntargetedFunctions {
                    env: "prod".into(),
                    functions: vec!["refunds".into()],
                },
                Note::TargetsMissing {
                    env: "prod".into(),
                    targets: vec!["orders:live".into()],
                },
            ]
        );
    }
}
