//! How a command that ran to the end came out, and its exit code.

/// Success, or AWS is in sync with the config.
pub(crate) const EXIT_OK: i32 = 0;
/// An error: bad input, AWS failure, refused operation.
pub const EXIT_ERROR: i32 = 1;
/// Changes pending or drift (`plan`, `check`, `destroy` without `--yes`).
pub(crate) const EXIT_CHANGES: i32 = 2;
/// Verification failed (`verify`) or the simulated request was denied (`simulate`).
pub(crate) const EXIT_DENIED: i32 = 3;

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
    /// The process exit code of this outcome.
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

/// A result that decides how its run came out: each report a command prints (a check, an
/// audit, a change set) says its [`Status`], and the exit code follows from it.
pub trait Judged {
    /// How the run that produced it came out.
    fn status(&self) -> Status;
}
