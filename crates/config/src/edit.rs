//! In-place edits of `lambda-trust.toml` for `onboard` and `offboard`, preserving the user's
//! comments, ordering and formatting (toml_edit). Pure: text in, text out; the caller validates
//! the result with `config::parse_str` before anything is written.

use toml_edit::{value, ArrayOfTables, DocumentMut, Item, Table};

use crate::error::ConfigError;
use crate::model::TargetConfig;

/// What one environment overrides of the file's base, as `init --env NAME` writes it: each
/// set field becomes a dotted key of `[environments.NAME]` (docs/environments.md).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvironmentOverrides {
    /// `trust.external_id`: the environment's Genesys Cloud org ID.
    pub external_id: Option<String>,
    /// `aws.account_id`.
    pub account_id: Option<String>,
    /// `aws.profile`.
    pub profile: Option<String>,
    /// `aws.region`.
    pub region: Option<String>,
    /// `role.name`.
    pub role_name: Option<String>,
    /// `role.path`.
    pub role_path: Option<String>,
    /// `genesys.region`.
    pub genesys_region: Option<String>,
    /// `genesys.integration`.
    pub integration: Option<String>,
    /// `genesys.oauth_secret`.
    pub oauth_secret: Option<String>,
}

impl EnvironmentOverrides {
    /// The set keys, dotted (`aws.profile`), in the order they are written.
    pub fn dotted_keys(&self) -> Vec<String> {
        (self.keys().into_iter())
            .map(|(t, k, _)| format!("{t}.{k}"))
            .collect()
    }

    /// The set keys as `(table, key, value)`, in the order they are written.
    fn keys(&self) -> Vec<(&'static str, &'static str, &str)> {
        let all = [
            ("trust", "external_id", &self.external_id),
            ("aws", "profile", &self.profile),
            ("aws", "account_id", &self.account_id),
            ("aws", "region", &self.region),
            ("role", "name", &self.role_name),
            ("role", "path", &self.role_path),
            ("genesys", "region", &self.genesys_region),
            ("genesys", "integration", &self.integration),
            ("genesys", "oauth_secret", &self.oauth_secret),
        ];
        (all.into_iter())
            .filter_map(|(t, k, v)| v.as_deref().map(|v| (t, k, v)))
            .collect()
    }
}

/// The file without its `[environments]`: the base every environment is laid over.
pub fn without_environments(text: &str, path: &str) -> Result<String, ConfigError> {
    let mut doc = parse(text, path)?;
    doc.remove(crate::environments::ENVIRONMENTS);
    Ok(doc.to_string())
}

/// Adds `[environments.NAME]` with `overrides` as dotted keys (`trust.external_id = "…"`);
/// an environment already in the file is an error unless `replace`.
pub fn add_environment(
    text: &str,
    path: &str,
    name: &str,
    overrides: &EnvironmentOverrides,
    replace: bool,
) -> Result<String, ConfigError> {
    let mut doc = parse(text, path)?;
    let shape = || ConfigError::EnvironmentsShape {
        path: path.to_string(),
    };
    let envs = doc
        .entry(crate::environments::ENVIRONMENTS)
        .or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(shape)?;
    if envs.contains_key(name) && !replace {
        return Err(ConfigError::EnvironmentExists {
            path: path.to_string(),
            name: name.to_string(),
        });
    }
    let mut env = Table::new();
    for (table, key, v) in overrides.keys() {
        let sub = env.entry(table).or_insert_with(|| {
            let mut t = Table::new();
            t.set_dotted(true);
            Item::Table(t)
        });
        if let Some(sub) = sub.as_table_mut() {
            sub.insert(key, value(v));
        }
    }
    envs.insert(name, Item::Table(env));
    let mut out = doc.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

fn parse(text: &str, path: &str) -> Result<DocumentMut, ConfigError> {
    text.parse::<DocumentMut>()
        .map_err(|e| ConfigError::EditNotToml {
            path: path.to_string(),
            message: e.to_string(),
        })
}

/// Appends a `[[targets]]` table.
pub fn add_target(text: &str, path: &str, target: &TargetConfig) -> Result<String, ConfigError> {
    let mut doc = parse(text, path)?;
    let mut table = Table::new();
    table.insert("function", value(target.function.clone()));
    if let Some(r) = &target.region {
        table.insert("region", value(r.clone()));
    }
    if let Some(q) = &target.qualifier {
        table.insert("qualifier", value(q.clone()));
    }
    if let Some(name) = target.action.as_ref().and_then(|a| a.name.as_ref()) {
        let mut action = Table::new();
        action.insert("name", value(name.clone()));
        table.insert("action", Item::Table(action));
    }
    match doc.get_mut("targets") {
        None => {
            let mut arr = ArrayOfTables::new();
            arr.push(table);
            doc.insert("targets", Item::ArrayOfTables(arr));
        }
        Some(item) => match item.as_array_of_tables_mut() {
            Some(arr) => arr.push(table),
            None => {
                return Err(ConfigError::TargetsShape {
                    path: path.to_string(),
                })
            }
        },
    }
    let mut out = doc.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Removes every `[[targets]]` table for which `matches(index)` is true, where `index` is the
/// table's position (as in `Config::targets`). Returns the new text and how many were removed.
pub fn remove_targets(
    text: &str,
    path: &str,
    matches: impl Fn(usize) -> bool,
) -> Result<(String, usize), ConfigError> {
    let mut doc = parse(text, path)?;
    let Some(item) = doc.get_mut("targets") else {
        return Ok((text.to_string(), 0));
    };
    let Some(arr) = item.as_array_of_tables_mut() else {
        return Err(ConfigError::TargetsShape {
            path: path.to_string(),
        });
    };
    let before = arr.len();
    let mut i = 0;
    arr.retain(|_| {
        let keep = !matches(i);
        i += 1;
        keep
    });
    let removed = before - arr.len();
    if arr.is_empty() {
        doc.remove("targets");
    }
    Ok((doc.to_string(), removed))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# my config\n[trust]\npartner = \"genesys-cloud\" # the preset\nexternal_id = \"x\"\n\n[role]\nname = \"R\"\n\n# first target\n[[targets]]\nfunction = \"a\"   # keep me\n\n[[targets]]\nfunction = \"b\"\n";

    fn target(f: &str, q: Option<&str>) -> TargetConfig {
        TargetConfig {
            function: f.into(),
            region: None,
            qualifier: q.map(Into::into),
            action: None,
            actions: None,
            shared: false,
        }
    }

    #[test]
    fn add_keeps_comments_and_appends() {
        let out = add_target(TEXT, "c.toml", &target("c", Some("live"))).unwrap();
        assert!(out.starts_with(TEXT.trim_end()), "{out}");
        assert!(
            out.contains("# first target")
                && out.contains("# keep me")
                && out.contains("# the preset")
        );
        assert!(
            out.ends_with("[[targets]]\nfunction = \"c\"\nqualifier = \"live\"\n"),
            "{out}"
        );
    }

    #[test]
    fn add_to_a_config_without_targets() {
        let out = add_target("[role]\nname = \"R\"\n", "c.toml", &target("a", None)).unwrap();
        assert_eq!(
            out,
            "[role]\nname = \"R\"\n\n[[targets]]\nfunction = \"a\"\n"
        );
    }

    #[test]
    fn remove_keeps_the_rest() {
        let (out, n) = remove_targets(TEXT, "c.toml", |i| i == 1).unwrap();
        assert_eq!(n, 1);
        assert!(
            out.contains("# keep me") && !out.contains("function = \"b\""),
            "{out}"
        );
    }

    #[test]
    fn remove_last_drops_the_key() {
        let (out, n) = remove_targets(TEXT, "c.toml", |_| true).unwrap();
        assert_eq!(n, 2);
        assert!(!out.contains("[[targets]]"), "{out}");
        assert!(out.contains("# the preset"));
    }

    #[test]
    fn an_environment_is_added_with_dotted_keys_and_kept_unless_replaced() {
        let prod = EnvironmentOverrides {
            external_id: Some("22222222-2222-4222-8222-222222222222".into()),
            profile: Some("prod".into()),
            account_id: Some("222222222222".into()),
            ..EnvironmentOverrides::default()
        };
        let out = add_environment(TEXT, "c.toml", "prod", &prod, false).unwrap();
        assert!(out.starts_with(TEXT.trim_end()), "{out}");
        assert!(
            out.ends_with(
                "[environments.prod]\ntrust.external_id = \"22222222-2222-4222-8222-222222222222\"\naws.profile = \"prod\"\naws.account_id = \"222222222222\"\n"
            ),
            "{out}"
        );
        let again = add_environment(&out, "c.toml", "prod", &prod, false).unwrap_err();
        assert!(matches!(again, ConfigError::EnvironmentExists { .. }));
        let dev = EnvironmentOverrides::default();
        let both = add_environment(&out, "c.toml", "dev", &dev, false).unwrap();
        assert!(both.ends_with("[environments.dev]\n"), "{both}");
        let replaced = add_environment(&out, "c.toml", "prod", &dev, true).unwrap();
        assert!(!replaced.contains("aws.profile"), "{replaced}");
    }

    #[test]
    fn wrong_shape_is_an_error() {
        let e = add_target("targets = 3\n", "c.toml", &target("a", None)).unwrap_err();
        assert!(e.to_string().contains("[[targets]]"));
    }
}
