//! Exit codes and the top-level error. Every command ends in exactly one [`Status`] or one
//! [`Error`]; `main` turns either into the process exit code (README "Exit codes").
//!
//! Beside every layer: anything may return an [`Error`]; typed errors of the layers (config,
//! render, plan, AWS…) convert into it, keeping their message and chain.

use std::fmt;

/// Success, or AWS is in sync with the config.
pub const EXIT_OK: i32 = 0;
/// An error: bad input, AWS failure, refused operation.
pub const EXIT_ERROR: i32 = 1;
/// Changes pending or drift (`plan`, `check`, `destroy` without `--yes`).
pub const EXIT_CHANGES: i32 = 2;
/// Verification failed (`verify`) or the simulated request was denied (`simulate`).
pub const EXIT_DENIED: i32 = 3;

/// How a command that ran to the end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Done, in sync, proved, allowed.
    Ok,
    /// Changes pending or drift found.
    Changes,
    /// Verification failed or the request was denied.
    Denied,
    /// The command ran, but what it checked is invalid (lint errors).
    Invalid,
}

impl Status {
    pub fn exit_code(self) -> i32 {
        match self {
            Status::Ok => EXIT_OK,
            Status::Changes => EXIT_CHANGES,
            Status::Denied => EXIT_DENIED,
            Status::Invalid => EXIT_ERROR,
        }
    }

    /// `Ok` when `ok`, else `otherwise`.
    pub fn ok_or(ok: bool, otherwise: Status) -> Status {
        if ok {
            Status::Ok
        } else {
            otherwise
        }
    }
}

/// Why a command could not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command line does not make sense (conflicting or misplaced flags).
    Usage,
    /// Anything else: bad config or templates, AWS failures, refused operations.
    Failed,
}

/// The top-level error: a message with its cause chain, an optional hint the user can act on,
/// and the exit code it ends with.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    inner: anyhow::Error,
    hint: Option<String>,
}

impl Error {
    /// A command-line usage error, with a hint saying what to type instead.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Usage,
            inner: anyhow::Error::msg(message.into()),
            hint: Some(hint.into()),
        }
    }

    /// Adds (or replaces) the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// Every error ends the process with [`EXIT_ERROR`]: 2 and 3 are outcomes, not errors, so a
    /// typo never looks like drift to a script.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Usage | ErrorKind::Failed => EXIT_ERROR,
        }
    }
}

impl fmt::Display for Error {
    /// The whole chain (`{:#}`), then the hint on its own line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.inner)?;
        if let Some(h) = &self.hint {
            write!(f, "\n(hint: {h})")?;
        }
        Ok(())
    }
}

impl<E> From<E> for Error
where
    E: Into<anyhow::Error>,
{
    fn from(e: E) -> Error {
        Error {
            kind: ErrorKind::Failed,
            inner: e.into(),
            hint: None,
        }
    }
}

/// What every command returns.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_print_their_hint_and_exit_1() {
        let e = Error::usage("--format sarif is only for `check`", "use --format json");
        assert_eq!(e.exit_code(), EXIT_ERROR);
        assert_eq!(
            e.to_string(),
            "--format sarif is only for `check`\n(hint: use --format json)"
        );
    }

    #[test]
    fn statuses_map_to_the_documented_codes() {
        assert_eq!(Status::Ok.exit_code(), 0);
        assert_eq!(Status::Changes.exit_code(), 2);
        assert_eq!(Status::Denied.exit_code(), 3);
        assert_eq!(Status::Invalid.exit_code(), 1);
    }
}
