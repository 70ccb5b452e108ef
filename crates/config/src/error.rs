//! What a config can be told: the warnings worth seeing, the problems that refuse it, and the
//! one error naming them all.

use std::fmt;

use crate::{action_key::UnknownActionKey, environments};
use serde::Serialize;

/// Something valid but worth the user's attention (shown by `lint` and before `apply`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable kebab-case id, reused as the lint finding code.
    pub code: &'static str,
    /// What is worth attention.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

/// One broken rule: the field (`role.name`, `targets[2].function`), what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field, e.g. `role.name` or `targets[2].function`.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub(crate) hint: Option<String>,
}

impl fmt::Display for Problem {
    /// The field and what is wrong; the hint is printed by the caller.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
/// Why a config could not be loaded, or edited in place (`onboard`, `offboard`, `init --env`).
pub enum ConfigError {
    #[error("config file {path} not found")]
    /// The file does not exist.
    NotFound {
        /// The file.
        path: String,
    },
    #[error("cannot read config file {path}")]
    /// The file could not be read.
    Read {
        /// The file.
        path: String,
        #[source]
        /// The I/O error.
        source: std::io::Error,
    },
    #[error("config file {path} is not valid UTF-8")]
    /// The file is not UTF-8.
    Encoding {
        /// The file.
        path: String,
    },
    /// TOML syntax, a wrong type, a missing or an unknown key. `line`/`column` are 1-based;
    /// 0 when the parser could not say where.
    #[error("{}", display_toml_error(path, *line, *column, message))]
    Toml {
        /// The file.
        path: String,
        /// The line, 1-based (0: unknown).
        line: usize,
        /// The column, 1-based (0: unknown).
        column: usize,
        /// The TOML parser's message.
        message: String,
        /// What is wrong, decided from the document (not from the parser's message).
        kind: TomlProblem,
    },
    /// A key no data action has, inside `[targets.action]`, `[[targets.actions]]` or
    /// `[[genesys.actions]]`: the key, the action, and the keys an action has (the hint).
    #[error("{path}:{line}:{column}: {}: `{}` is not a key of the data action {:?}", unknown.field, unknown.key, unknown.action)]
    UnknownActionKey {
        /// The file.
        path: String,
        /// The key's line, 1-based.
        line: usize,
        /// The key's column, 1-based.
        column: usize,
        /// The key, the action and the keys an action has.
        unknown: Box<UnknownActionKey>,
    },
    /// Every rule the file breaks, not just the first: fixing one at a time is tedious.
    #[error("{}", display_problems(path, problems))]
    Invalid {
        /// The file.
        path: String,
        /// Each broken rule.
        problems: Vec<Problem>,
    },
    /// The file has environments and none was chosen.
    #[error("{path} has environments ({}): choose one", known.join(", "))]
    EnvironmentRequired {
        /// The file.
        path: String,
        /// Its environments.
        known: Vec<String>,
    },
    /// The file's `[environments]`, or the environment asked for, is wrong.
    #[error("{path}: {problem}")]
    Environment {
        /// The file.
        path: String,
        /// What is wrong.
        problem: environments::EnvironmentProblem,
    },
    /// An edit: the file is not TOML.
    #[error("{path}: not valid TOML: {message}")]
    EditNotToml {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// An edit: `targets` is not written as `[[targets]]` tables.
    #[error("{path}: `targets` is not an array of tables ([[targets]])")]
    TargetsShape {
        /// The file.
        path: String,
    },
    /// An edit: the environment is already in the file.
    #[error("{path} already has [environments.{name}]")]
    EnvironmentExists {
        /// The file.
        path: String,
        /// The environment.
        name: String,
    },
    /// An edit: `environments` is not a table of tables.
    #[error("{path}: `environments` is not a table of environments")]
    EnvironmentsShape {
        /// The file.
        path: String,
    },
}

impl ConfigError {
    /// The broken rules, for callers that want them one by one (empty for other variants).
    pub(crate) fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

impl ConfigError {
    /// What the user can do about it: the hint, kept out of the message (the binary prints it
    /// as a last line `(hint: …)`).
    pub(crate) fn hint(&self) -> Option<String> {
        let hint = match self {
            ConfigError::NotFound { .. } => "create one with `lambda-trust init` (or copy examples/lambda-trust.toml), or pass --config",
            ConfigError::Read { .. } => return None,
            ConfigError::Encoding { .. } => "save it as UTF-8",
            ConfigError::Toml { kind, .. } => kind.hint(),
            ConfigError::UnknownActionKey { unknown, .. } => return Some(unknown.hint()),
            ConfigError::Invalid { problems, .. } => match problems.as_slice() {
                [one] => return one.hint.clone(),
                _ => return None,
            },
            ConfigError::EnvironmentRequired { known, .. } => {
                let first = known.first().map_or("NAME", String::as_str);
                return Some(format!(
                    "pass --env {first} (or set LAMBDA_TRUST_ENV); `check`, `prove` and `lint` \
                     take every environment without it"
                ));
            }
            ConfigError::Environment { problem, .. } => match problem {
                environments::EnvironmentProblem::Unknown { .. } => {
                    "pass one of the config's environments to --env"
                }
                _ => "see docs/environments.md for the `[environments.NAME]` tables",
            },
            ConfigError::EditNotToml { .. } => "fix the file first; `lambda-trust lint` shows where",
            ConfigError::TargetsShape { .. } => "write each target as its own [[targets]] table",
            ConfigError::EnvironmentExists { .. } => {
                "pass --force to replace it, or choose another --env NAME"
            }
            ConfigError::EnvironmentsShape { .. } => {
                "write each environment as its own [environments.NAME] table"
            }
        };
        Some(hint.to_string())
    }
}

/// What a TOML error is about, decided from the parsed document at the error's place: the
/// text is not TOML, or a key there is not one the config has, or a key is missing, or a
/// value has the wrong type or spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TomlProblem {
    /// Not TOML.
    Syntax,
    /// A key the config does not have.
    UnknownKey,
    /// A key the config needs is missing.
    MissingKey,
    /// A value of the wrong type or spelling.
    WrongValue,
}

impl TomlProblem {
    /// Decides from `text` and the error's byte span: not TOML → syntax; the span is a key →
    /// unknown key; a value → wrong value; a table (or nowhere) → a key it needs is missing.
    pub(crate) fn at(text: &str, span: Option<std::ops::Range<usize>>) -> TomlProblem {
        let Ok(doc) = toml_edit::ImDocument::parse(text) else {
            return TomlProblem::Syntax;
        };
        span.and_then(|span| in_table(doc.as_table(), &span))
            .unwrap_or(TomlProblem::MissingKey)
    }

    fn hint(self) -> &'static str {
        match self {
            TomlProblem::UnknownKey => {
                "check the spelling; every key is shown in examples/lambda-trust.toml"
            }
            TomlProblem::MissingKey => {
                "add the key; every key is shown in examples/lambda-trust.toml"
            }
            TomlProblem::WrongValue => {
                "check the value's type and spelling against examples/lambda-trust.toml"
            }
            TomlProblem::Syntax => "fix the TOML syntax at that position",
        }
    }
}

/// What sits at `span` in `table`: a key (unknown key) or a value (wrong value).
fn in_table(table: &toml_edit::Table, span: &std::ops::Range<usize>) -> Option<TomlProblem> {
    table.iter().find_map(|(name, item)| {
        let key = table.get_key_value(name).map(|(k, _)| k);
        if key.and_then(toml_edit::Key::span).as_ref() == Some(span) {
            return Some(TomlProblem::UnknownKey);
        }
        in_item(item, span)
    })
}

fn in_item(item: &toml_edit::Item, span: &std::ops::Range<usize>) -> Option<TomlProblem> {
    match item {
        toml_edit::Item::Table(t) => in_table(t, span),
        toml_edit::Item::ArrayOfTables(a) => a.iter().find_map(|t| in_table(t, span)),
        toml_edit::Item::Value(v) => in_value(v, span),
        toml_edit::Item::None => None,
    }
}

fn in_value(value: &toml_edit::Value, span: &std::ops::Range<usize>) -> Option<TomlProblem> {
    let nested = match value {
        toml_edit::Value::InlineTable(t) => in_table(&t.clone().into_table(), span),
        toml_edit::Value::Array(a) => a.iter().find_map(|v| in_value(v, span)),
        _ => None,
    };
    nested.or_else(|| (value.span().as_ref() == Some(span)).then_some(TomlProblem::WrongValue))
}

fn display_toml_error(path: &str, line: usize, column: usize, message: &str) -> String {
    let message = message.trim_end();
    if line == 0 {
        format!("{path}: {message}")
    } else {
        format!("{path}:{line}:{column}: {message}")
    }
}

fn display_problems(path: &str, problems: &[Problem]) -> String {
    match problems {
        [one] => format!("{path}: {one}"),
        many => {
            let mut out = format!("{path}: {} problems:", many.len());
            for p in many {
                out.push_str(&format!("\n- {}: {}", p.field, p.message));
                if let Some(hint) = &p.hint {
                    out.push_str(&format!("\n  (hint: {hint})"));
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;

    /// The hint of a TOML error is decided from the document at the error's place.
    #[test]
    fn a_toml_error_is_classified_by_what_sits_at_its_place() {
        let kind = |text: &str| match toml::from_str::<Config>(text) {
            Err(e) => TomlProblem::at(text, e.span()),
            Ok(_) => panic!("{text} parsed"),
        };
        assert_eq!(kind("[trust\npartner = 1"), TomlProblem::Syntax);
        assert_eq!(
            kind("[role]\nname = \"r\"\nnmae = 1"),
            TomlProblem::UnknownKey
        );
        assert_eq!(kind("[role]\nname = 3"), TomlProblem::WrongValue);
        assert_eq!(kind("[role]\nname = \"r\""), TomlProblem::MissingKey);
    }
}
