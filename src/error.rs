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

/// The top-level error: a message with its cause chain. Every error ends the process with
/// [`EXIT_ERROR`] — 2 and 3 are outcomes ([`Status`]), not errors, so a typo never looks like
/// drift to a script. Hints travel one way, as in every typed error of the layers: a last line
/// `(hint: …)` of the message, saying what the user can do.
#[derive(Debug)]
pub struct Error {
    inner: anyhow::Error,
}

impl Error {
    /// A command-line usage error, with a hint saying what to type instead.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error {
            inner: anyhow::Error::msg(format!("{}\n(hint: {})", message.into(), hint.into())),
        }
    }

    pub fn exit_code(&self) -> i32 {
        EXIT_ERROR
    }
}

impl fmt::Display for Error {
    /// The whole chain (`{:#}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.inner)
    }
}

impl<E> From<E> for Error
where
    E: Into<anyhow::Error>,
{
    fn from(e: E) -> Error {
        Error { inner: e.into() }
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
