//! Exit codes and the top-level error. Every command ends in exactly one [`Status`] or one
//! [`Error`]; `main` turns either into the process exit code (docs/exit-codes.md).
//!
//! [`Error`] is one enum over the layers' errors (config, core, IAM policies, AWS, Genesys
//! Cloud, usage, I/O); each layer converts its own typed errors into its variant
//! ([`layer_errors!`]), so the concrete error travels to `main` whole. A layer error's message
//! is its `Display`, its causes are its `source()` chain, and what the user can do about it is
//! data: [`Hinted::hint`], never a line of its message. `main` prints all three in one place
//! ([`Error::human`], [`Error::json`]).
//!
//! This module sits below every layer (it imports none): the layers implement its traits.

use std::fmt;

use serde::Serialize;

pub(crate) use lambda_trust_verdict::Hinted;
pub(crate) use lambda_trust_verdict::{Status, EXIT_ERROR, SCHEMA_VERSION};

/// A typed error of a layer, as the top-level [`Error`] carries it.
pub(crate) trait LayerError: std::error::Error + Hinted + Send + Sync + 'static {}

impl<T: std::error::Error + Hinted + Send + Sync + 'static> LayerError for T {}

/// `layer_errors!(Config: ConfigError, EditError)`: each type converts into that variant of
/// [`Error`], kept whole. Written beside the types, in their layer.
macro_rules! layer_errors {
    ($variant:ident: $($t:ty),* $(,)?) => {
        $(impl From<$t> for $crate::error::Error {
            fn from(e: $t) -> $crate::error::Error {
                $crate::error::Error::$variant(Box::new(e))
            }
        })*
    };
}
pub(crate) use layer_errors;

/// The top-level error. Every error ends the process with [`EXIT_ERROR`] — 2 and 3 are
/// outcomes ([`Status`]), not errors, so a typo never looks like drift to a script.
#[derive(Debug)]
pub(crate) enum Error {
    /// `config/`: reading and validating the config.
    Config(Box<dyn LayerError>),
    /// `iam/`: a policy document.
    Policy(Box<dyn LayerError>),
    /// The provisioner and auditor crates: rendering, planning, onboarding, auditing inputs.
    Core(Box<dyn LayerError>),
    /// `aws/`: AWS calls and what they returned.
    Aws(Box<dyn LayerError>),
    /// `genesys/` and the Genesys Cloud planner.
    Genesys(Box<dyn LayerError>),
    /// `app/`: a workflow's own failures.
    App(Box<dyn LayerError>),
    /// A command line that cannot run as given, with what to type instead.
    Usage {
        message: String,
        hint: String,
    },
    Io(std::io::Error),
    /// Any other failure, with its context chain.
    Other(anyhow::Error),
}

impl Error {
    /// A command-line usage error, with a hint saying what to type instead.
    pub(crate) fn usage(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Usage {
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub(crate) fn exit_code(&self) -> i32 {
        EXIT_ERROR
    }

    fn layer(&self) -> Option<&dyn LayerError> {
        match self {
            Error::Config(e)
            | Error::Policy(e)
            | Error::Core(e)
            | Error::Aws(e)
            | Error::Genesys(e)
            | Error::App(e) => Some(e.as_ref()),
            Error::Usage { .. } | Error::Io(_) | Error::Other(_) => None,
        }
    }

    /// What the user can do, from the layer that failed.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            Error::Usage { hint, .. } => Some(hint.clone()),
            other => other.layer().and_then(Hinted::hint),
        }
    }

    /// The causes under the message, outermost first.
    pub(crate) fn causes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            out.push(e.to_string());
            next = e.source();
        }
        out
    }

    /// The text `main` prints after `error: `: the message, its causes after `: `, and the
    /// hint on a last line `(hint: …)`.
    pub(crate) fn human(&self) -> String {
        shown(self)
    }

    /// The error as a judgement carries one side's: the message with its causes, the hint
    /// apart ([`human`](Error::human) is the two together).
    pub(crate) fn side_error(&self) -> lambda_trust_verdict::Problem {
        lambda_trust_verdict::Problem {
            message: std::iter::once(self.to_string())
                .chain(self.causes())
                .collect::<Vec<_>>()
                .join(": "),
            hint: self.hint(),
        }
    }

    /// The error under `--format json` (docs/schemas/error.schema.json).
    pub(crate) fn json(&self) -> ErrorReport {
        ErrorReport {
            schema_version: SCHEMA_VERSION,
            error: self.to_string(),
            causes: self.causes(),
            hint: self.hint(),
            exit_code: self.exit_code(),
        }
    }
}

impl fmt::Display for Error {
    /// The message alone; [`Error::human`] adds the causes and the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage { message, .. } => f.write_str(message),
            Error::Io(e) => fmt::Display::fmt(e, f),
            Error::Other(e) => fmt::Display::fmt(e, f),
            other => other.layer().map_or(Ok(()), |e| match e.message() {
                Some(message) => f.write_str(&message),
                None => fmt::Display::fmt(e, f),
            }),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Usage { .. } => None,
            Error::Io(e) => e.source(),
            Error::Other(e) => e.source(),
            other => other.layer().and_then(|e| e.source()),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Io(e)
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Error {
        Error::Other(e)
    }
}

/// A file, directory or stream that could not be read or written: what was done to which,
/// the operating system's reason as the cause, and what to do when there is more to say.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {what}")]
pub(crate) struct FileError {
    /// `read`, `write`, `create`, `replace`, `write beside`, `render`.
    pub action: &'static str,
    /// The path (or `stdout`, `the man page`).
    pub what: String,
    /// Why.
    #[source]
    pub source: std::io::Error,
    /// What to do, when the message alone does not say.
    pub hint: Option<&'static str>,
}

impl FileError {
    /// `action` on `what` failed with `source`.
    pub(crate) fn new(
        action: &'static str,
        what: impl fmt::Display,
        source: std::io::Error,
    ) -> Self {
        let what = what.to_string();
        FileError {
            action,
            what,
            source,
            hint: None,
        }
    }

    /// The same, with what to do.
    pub(crate) fn with_hint(self, hint: &'static str) -> Self {
        FileError {
            hint: Some(hint),
            ..self
        }
    }
}

impl Hinted for FileError {
    fn hint(&self) -> Option<String> {
        self.hint.map(str::to_owned)
    }
}

crate::error::layer_errors!(App: FileError);

/// Errors of other crates: kept whole (message and chain) under [`Error::Other`].
macro_rules! other_errors {
    ($($t:ty),* $(,)?) => {
        $(impl From<$t> for Error {
            fn from(e: $t) -> Error {
                Error::Other(anyhow::Error::new(e))
            }
        })*
    };
}

other_errors!(serde_json::Error, tokio::task::JoinError);

pub(crate) use lambda_trust_verdict::shown;

/// The top-level error says what to do as every layer's does ([`Error::hint`]).
impl Hinted for Error {
    fn hint(&self) -> Option<String> {
        Error::hint(self)
    }
}

/// A failed run under `--format json`: one object on stderr (stdout stays empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ErrorReport {
    #[schemars(schema_with = "schema_version")]
    pub schema_version: u32,
    /// The message, as after `error: ` in the human output.
    #[schemars(length(min = 1))]
    pub error: String,
    /// The causes under the message, outermost first.
    pub causes: Vec<String>,
    /// What the user can do, when known (the human output's `(hint: …)` line).
    pub hint: Option<String>,
    /// Every error exits 1: 2 and 3 are outcomes, not errors.
    #[schemars(extend("const" = 1))]
    pub exit_code: i32,
}

/// The common schema's `schemaVersion` (`lambda_trust_model::schema_version`, which this layer does not use;
/// `json_schemas::the_common_schema_is_generated_and_defines_every_reference_into_it` checks
/// the name).
fn schema_version(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"$ref": "common.schema.json#/$defs/schemaVersion"})
}

/// What every command returns.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
impl Error {
    /// The layer's typed error, when it is a `T` (the tests' way to tell which one failed).
    pub(crate) fn downcast_ref<T: std::error::Error + 'static>(&self) -> Option<&T> {
        let e: &(dyn std::error::Error + 'static) = self.layer()?;
        e.downcast_ref::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_print_their_hint_and_exit_1() {
        let e = Error::usage("--format sarif is only for `check`", "use --format json");
        assert_eq!(e.exit_code(), EXIT_ERROR);
        assert_eq!(e.to_string(), "--format sarif is only for `check`");
        assert_eq!(e.hint().as_deref(), Some("use --format json"));
        assert_eq!(
            e.human(),
            "--format sarif is only for `check`\n(hint: use --format json)"
        );
    }

    #[derive(Debug, thiserror::Error)]
    #[error("config file {0} not found")]
    struct Missing(String, #[source] std::io::Error);

    impl Hinted for Missing {
        fn hint(&self) -> Option<String> {
            Some("create it".into())
        }
    }

    layer_errors!(Config: Missing);

    #[test]
    fn a_layer_error_keeps_its_type_chain_and_hint() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = Error::from(Missing("x.toml".into(), io));
        assert!(e.downcast_ref::<Missing>().is_some());
        assert_eq!(e.to_string(), "config file x.toml not found");
        assert_eq!(e.causes(), ["no such file"]);
        assert_eq!(
            e.human(),
            "config file x.toml not found: no such file\n(hint: create it)"
        );
        let json = serde_json::to_value(e.json()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"schema_version": SCHEMA_VERSION,
                "error": "config file x.toml not found", "causes": ["no such file"],
                "hint": "create it", "exit_code": 1})
        );
    }

    #[test]
    fn other_errors_print_their_whole_chain() {
        let e = Error::from(anyhow::anyhow!("root").context("outer"));
        assert_eq!(e.human(), "outer: root");
        assert_eq!(e.hint(), None);
    }

    #[test]
    fn statuses_map_to_the_documented_codes() {
        assert_eq!(Status::Ok.exit_code(), 0);
        assert_eq!(Status::Changes.exit_code(), 2);
        assert_eq!(Status::Denied.exit_code(), 3);
        assert_eq!(Status::Invalid.exit_code(), 1);
    }
}
