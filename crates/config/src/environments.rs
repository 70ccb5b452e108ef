//! Environments: one file for dev, test and prod (`[environments.NAME]`), each its own Genesys
//! Cloud org and AWS account.
//!
//! An environment's config is the file's base with the environment's table laid over it: tables
//! merge key by key (`aws.profile` in `[environments.prod]` replaces only the base's
//! `[aws].profile`), any other value replaces the base's. Targets are overridden by the function
//! as the base writes it: `[environments.prod.targets."orders"]` sets that target's `function`,
//! `qualifier` or `region` in prod. Everything else is shared, so the environments cannot drift
//! apart by accident.
//!
//! Each environment is its own deployment: its `deployment` is the base's (else the role's
//! name) followed by `.NAME`, unless the environment sets its own — so nothing one environment
//! creates is ever taken for another's (docs/environments.md).

use std::collections::BTreeMap;

use toml::{Table, Value};

/// The key of the environments' tables.
pub(crate) const ENVIRONMENTS: &str = "environments";

/// An environment name: 1–32 of letters, digits, `_` and `-`, starting with a letter (it
/// becomes part of the deployment's name, and a word typed after `--env`).
pub(crate) fn is_environment_name(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && s != "all"
}

/// What is wrong with a file's `[environments]`, or with the environment asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvironmentProblem {
    /// `environments` is not a table of tables.
    NotTables,
    /// A name that cannot be an environment's.
    BadName(String),
    /// An environment asked for that the file does not have.
    Unknown {
        /// The name asked for.
        asked: String,
        /// The file's environments.
        known: Vec<String>,
    },
    /// A target override names no base target.
    UnknownTarget {
        /// The environment.
        env: String,
        /// The key, as written.
        function: String,
    },
    /// `environments` inside an environment.
    Nested(String),
}

impl std::fmt::Display for EnvironmentProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnvironmentProblem::NotTables => {
                f.write_str("`environments` must hold one table per environment")
            }
            EnvironmentProblem::BadName(n) => write!(
                f,
                "environment name {n:?}: use 1-32 letters, digits, `_` or `-`, starting with a \
                 letter (and not `all`)"
            ),
            EnvironmentProblem::Unknown { asked, known } => write!(
                f,
                "no environment {asked:?} in this config (it has: {})",
                known.join(", ")
            ),
            EnvironmentProblem::UnknownTarget { env, function } => write!(
                f,
                "[environments.{env}.targets.{function:?}] overrides no target: the key must be \
                 a target's `function` as the base writes it"
            ),
            EnvironmentProblem::Nested(env) => {
                write!(
                    f,
                    "[environments.{env}] cannot hold environments of its own"
                )
            }
        }
    }
}

/// The file's environments by name (empty: the file has none), its base without them.
pub(crate) fn split(
    mut table: Table,
) -> Result<(Table, BTreeMap<String, Table>), EnvironmentProblem> {
    let Some(envs) = table.remove(ENVIRONMENTS) else {
        return Ok((table, BTreeMap::new()));
    };
    let Value::Table(envs) = envs else {
        return Err(EnvironmentProblem::NotTables);
    };
    let mut out = BTreeMap::new();
    for (name, env) in envs {
        if !is_environment_name(&name) {
            return Err(EnvironmentProblem::BadName(name));
        }
        let Value::Table(env) = env else {
            return Err(EnvironmentProblem::NotTables);
        };
        if env.contains_key(ENVIRONMENTS) {
            return Err(EnvironmentProblem::Nested(name));
        }
        out.insert(name, env);
    }
    Ok((table, out))
}

/// The environment `name`'s config table: the base with its table laid over, its deployment
/// its own.
pub(crate) fn environment(
    base: &Table,
    envs: &BTreeMap<String, Table>,
    name: &str,
) -> Result<Table, EnvironmentProblem> {
    let Some(env) = envs.get(name) else {
        return Err(EnvironmentProblem::Unknown {
            asked: name.to_string(),
            known: envs.keys().cloned().collect(),
        });
    };
    let mut merged = base.clone();
    let mut env = env.clone();
    if let Some(Value::Table(targets)) = env.remove("targets") {
        override_targets(&mut merged, targets, name)?;
    }
    let own_deployment = env.contains_key("deployment");
    merge(&mut merged, env);
    if !own_deployment {
        let stem = (merged.get("deployment").and_then(Value::as_str))
            .or_else(|| (merged.get("role").and_then(|r| r.get("name"))).and_then(Value::as_str))
            .unwrap_or("lambda-trust")
            .to_string();
        merged.insert("deployment".into(), Value::String(format!("{stem}.{name}")));
    }
    Ok(merged)
}

/// What the environment `name` overrides, as dotted keys (`aws.profile`,
/// `targets."orders".qualifier`), `lint` says them; `deployment` when it sets its own.
pub(crate) fn overrides(envs: &BTreeMap<String, Table>, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(env) = envs.get(name) {
        leaves(env, "", &mut out);
    }
    out
}

fn leaves(table: &Table, prefix: &str, out: &mut Vec<String>) {
    for (key, value) in table {
        let key = match key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            true => key.clone(),
            false => format!("{key:?}"),
        };
        let path = format!("{prefix}{key}");
        match value {
            Value::Table(t) => leaves(t, &format!("{path}."), out),
            _ => out.push(path),
        }
    }
}

/// Tables merge key by key; any other value replaces the base's.
fn merge(base: &mut Table, over: Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// `[environments.NAME.targets."FUNCTION"]`: each laid over the base target whose `function`
/// is written so.
fn override_targets(base: &mut Table, over: Table, env: &str) -> Result<(), EnvironmentProblem> {
    let targets = base.get_mut("targets").and_then(Value::as_array_mut);
    let mut targets = targets
        .map(|t| t.iter_mut().collect::<Vec<_>>())
        .unwrap_or_default();
    for (function, value) in over {
        let unknown = || EnvironmentProblem::UnknownTarget {
            env: env.to_string(),
            function: function.clone(),
        };
        let Value::Table(value) = value else {
            return Err(unknown());
        };
        let target = (targets.iter_mut())
            .find(|t| t.get("function").and_then(Value::as_str) == Some(function.as_str()))
            .and_then(|t| t.as_table_mut())
            .ok_or_else(unknown)?;
        merge(target, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        toml::from_str(text).unwrap()
    }

    const FILE: &str = r#"
deployment = "cc"
[trust]
external_id = "base"
[role]
name = "genesys"
[aws]
region = "eu-west-1"
profile = "dev"
[[targets]]
function = "orders"
qualifier = "dev"
[environments.prod]
trust.external_id = "prod-org"
aws.profile = "prod"
[environments.prod.targets."orders"]
qualifier = "live"
[environments.dev.trust]
external_id = "dev-org"
"#;

    #[test]
    fn an_environment_overrides_only_what_it_names() {
        let (base, envs) = split(table(FILE)).unwrap();
        assert_eq!(envs.keys().collect::<Vec<_>>(), ["dev", "prod"]);
        let prod = environment(&base, &envs, "prod").unwrap();
        assert_eq!(prod["trust"]["external_id"].as_str(), Some("prod-org"));
        assert_eq!(prod["aws"]["profile"].as_str(), Some("prod"));
        assert_eq!(prod["aws"]["region"].as_str(), Some("eu-west-1"));
        assert_eq!(prod["targets"][0]["qualifier"].as_str(), Some("live"));
        assert_eq!(prod["deployment"].as_str(), Some("cc.prod"));
        let dev = environment(&base, &envs, "dev").unwrap();
        assert_eq!(dev["targets"][0]["qualifier"].as_str(), Some("dev"));
        assert_eq!(dev["deployment"].as_str(), Some("cc.dev"));
        assert_eq!(
            overrides(&envs, "prod"),
            [
                "aws.profile",
                "targets.orders.qualifier",
                "trust.external_id"
            ]
        );
    }

    #[test]
    fn without_a_deployment_the_roles_name_is_the_stem() {
        let text = "[role]\nname = \"r\"\n[environments.dev]\n";
        let (base, envs) = split(table(text)).unwrap();
        let dev = environment(&base, &envs, "dev").unwrap();
        assert_eq!(dev["deployment"].as_str(), Some("r.dev"));
    }

    #[test]
    fn unknown_environments_and_targets_are_named() {
        let (base, envs) = split(table(FILE)).unwrap();
        let e = environment(&base, &envs, "test").unwrap_err();
        assert_eq!(
            e.to_string(),
            "no environment \"test\" in this config (it has: dev, prod)"
        );
        let text = "[environments.dev.targets.\"nope\"]\nqualifier = \"x\"\n";
        let (base, envs) = split(table(text)).unwrap();
        let e = environment(&base, &envs, "dev").unwrap_err();
        assert!(e.to_string().contains("overrides no target"), "{e}");
        let bad = split(table("[environments.all]\n")).unwrap_err();
        assert!(matches!(bad, EnvironmentProblem::BadName(_)));
    }
}
