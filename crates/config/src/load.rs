//! Reading a config: the file, an environment of it, the TOML, then validation.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::{
    action_key, environments,
    error::{ConfigError, TomlProblem, Warning},
    genesys,
    model::Config,
    validate::validate,
};

/// A validated configuration plus the non-fatal notices the user must still see.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The configuration.
    pub config: Config,
    /// Valid but worth saying (shown by `lint` and before `apply`).
    pub warnings: Vec<Warning>,
    /// The contract schema files `[targets.action]` names, read relative to the config file:
    /// path as written → JSON object (empty without actions).
    pub schemas: BTreeMap<String, serde_json::Value>,
    /// The file's text as parsed (a BOM stripped): `check` locates its findings in it.
    pub text: String,
    /// The environment this config is (`[environments.NAME]`), when the file has them.
    pub environment: Option<String>,
    /// What that environment overrides, as dotted keys (`aws.profile`).
    pub overrides: Vec<String>,
}

/// The file's text.
fn load_text(path: &Path) -> Result<String, ConfigError> {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ConfigError::NotFound { path: shown })
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: shown,
                source,
            })
        }
    };
    String::from_utf8(bytes).map_err(|_| ConfigError::Encoding { path: shown })
}

/// The one place `config` reads files: the config file (`load`) and the contract schema files
/// it names (relative to its folder).
fn read_file(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// Parses and validates config text of the environment `env` (`None` for a text without
/// environments, as [`ConfigFile::load`] chooses); `source` names it in messages (usually the path).
pub fn parse_str(text: &str, source: &str, env: Option<&str>) -> Result<Loaded, ConfigError> {
    parse_env(text, source, env, &read_file)
}

/// A config file, and the environment chosen in it (none: the file has no environments, or
/// none was chosen — then [`ConfigFile::load`] names them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    /// The file.
    pub path: std::path::PathBuf,
    /// The environment (`[environments.NAME]`).
    pub env: Option<String>,
}

impl ConfigFile {
    /// The file, no environment chosen.
    pub fn new(path: impl Into<std::path::PathBuf>) -> ConfigFile {
        ConfigFile {
            path: path.into(),
            env: None,
        }
    }

    /// The file's environment `env`.
    pub fn env(path: impl Into<std::path::PathBuf>, env: Option<String>) -> ConfigFile {
        ConfigFile {
            path: path.into(),
            env,
        }
    }

    /// Reads and validates it: the environment it names, when it names one.
    pub fn load(&self) -> Result<Loaded, ConfigError> {
        load_env(&self.path, self.env.as_deref())
    }
}

impl fmt::Display for ConfigFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.env {
            Some(env) => write!(f, "{} (environment {env})", self.path.display()),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// The environment `env`'s config of the file at `path` ([`environments`]); `None` for a file
/// without environments (one that has them is then an error naming them).
fn load_env(path: &Path, env: Option<&str>) -> Result<Loaded, ConfigError> {
    let text = load_text(path)?;
    parse_env(&text, &path.display().to_string(), env, &read_file)
}

/// The names of the file's environments (none: it has none). Syntax errors are left to
/// [`ConfigFile::load`], which says where they are.
pub fn environment_names(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    (toml::from_str::<toml::Table>(text).ok())
        .and_then(|t| environments::split(t).ok())
        .map(|(_, envs)| envs.into_keys().collect())
        .unwrap_or_default()
}

/// [`parse_str_reading`] of the environment `env` ([`load_env`]).
fn parse_env(
    text: &str,
    source: &str,
    env: Option<&str>,
    read: &dyn Fn(&Path) -> std::io::Result<String>,
) -> Result<Loaded, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let problem = |problem| ConfigError::Environment {
        path: source.to_string(),
        problem,
    };
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return parse_str_reading(text, source, read);
    };
    let (base, envs) = environments::split(table).map_err(problem)?;
    match (env, envs.is_empty()) {
        (None, true) => parse_str_reading(text, source, read),
        (None, false) => Err(ConfigError::EnvironmentRequired {
            path: source.to_string(),
            known: envs.into_keys().collect(),
        }),
        (Some(name), _) => {
            let merged = environments::environment(&base, &envs, name).map_err(problem)?;
            let config: Config =
                toml::Value::Table(merged)
                    .try_into()
                    .map_err(|e| ConfigError::Toml {
                        path: format!("{source} (environment {name})"),
                        line: 0,
                        column: 0,
                        message: e.message().to_string(),
                        kind: TomlProblem::WrongValue,
                    })?;
            let mut loaded = finish(config, text, source, read)?;
            loaded.environment = Some(name.to_string());
            loaded.overrides = environments::overrides(&envs, name);
            Ok(loaded)
        }
    }
}

/// [`parse_str`] with the contract schema files read by `read` (`init --from-genesys`
/// validates a config whose files it has not written yet).
pub fn parse_str_reading(
    text: &str,
    source: &str,
    read: &dyn Fn(&Path) -> std::io::Result<String>,
) -> Result<Loaded, ConfigError> {
    // Editors on Windows like to add a BOM; it is not TOML.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let config: Config = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => line_column(text, span.start),
            None => (0, 0),
        };
        let kind = TomlProblem::at(text, e.span());
        let in_action = (e.span().filter(|_| kind == TomlProblem::UnknownKey))
            .and_then(|span| action_key::at(text, &span))
            .map(Box::new);
        if let Some(unknown) = in_action {
            return ConfigError::UnknownActionKey {
                path: source.to_string(),
                line,
                column,
                unknown,
            };
        }
        ConfigError::Toml {
            path: source.to_string(),
            line,
            column,
            message: e.message().to_string(),
            kind,
        }
    })?;
    finish(config, text, source, read)
}

/// A parsed config validated, its contract schema files read.
fn finish(
    config: Config,
    text: &str,
    source: &str,
    read: &dyn Fn(&Path) -> std::io::Result<String>,
) -> Result<Loaded, ConfigError> {
    let mut warnings = validate(&config, source)?;
    // `source` is the file's path for every caller that reads a file; schema paths are
    // relative to its folder.
    let base = Path::new(source).parent().unwrap_or(Path::new(""));
    let (schemas, problems) = genesys::read_schemas(&config, base, read);
    warnings.extend(genesys::template_warnings(&config, &schemas));
    if !problems.is_empty() {
        return Err(ConfigError::Invalid {
            path: source.to_string(),
            problems,
        });
    }
    Ok(Loaded {
        config,
        warnings,
        schemas,
        text: text.to_owned(),
        environment: None,
        overrides: Vec::new(),
    })
}

/// 1-based line and column (in characters) of a byte offset; robust to offsets past the end
/// or inside a multi-byte character.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}
