//! The sessions a run keeps into the organization's accounts (application floor), common ground
//! of the audit and the watch: the run's own clients and each account's assumed session, reused
//! while it is young enough, so a write after a read (`audit --to-security-hub`) never assumes a
//! role twice.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::aws::sessions::AssumedCredentials;
use crate::aws::Clients;

/// What a live audit read its accounts with, kept for a write to the same accounts after it
/// (`--to-security-hub`), so no account's role is assumed twice: the run's own clients, and
/// each account's assumed session — its credentials only, a few hundred bytes an account,
/// with when it was asked for. Opaque: never serialized, never in a report.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    base: Option<Clients>,
    assumed: BTreeMap<String, Assumed>,
    /// The caller's own account, read with the run's own clients.
    own: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Assumed {
    credentials: AssumedCredentials,
    /// Taken before `sts:AssumeRole` was sent: the session is at least this old.
    asked: Instant,
}

/// How long an assumed session is reused. `aws::sessions` asks STS for no `DurationSeconds`,
/// so a session lasts STS's default of one hour (AWS STS API Reference, AssumeRole,
/// `DurationSeconds`: "the value is set to 3600 seconds"; role chaining caps it at one hour too);
/// past 50 minutes the role is assumed again, leaving the last 10 for the write itself.
const SESSION_REUSE: Duration = Duration::from_secs(50 * 60);

impl Assumed {
    /// A session's `credentials`, asked for at `asked` (taken before `sts:AssumeRole` was sent).
    pub(crate) fn new(credentials: AssumedCredentials, asked: Instant) -> Assumed {
        Assumed { credentials, asked }
    }
}

impl Sessions {
    /// The run's own clients, each account's session, kept, and the caller's own account
    /// (read with the run's clients).
    pub(crate) fn keeping(
        base: Clients,
        assumed: BTreeMap<String, Assumed>,
        own: Option<String>,
    ) -> Sessions {
        Sessions {
            base: Some(base),
            assumed,
            own,
        }
    }

    /// Whether `account` is the caller's own, read with the run's own clients (no role is
    /// assumed there).
    pub(crate) fn is_own(&self, account: &str) -> bool {
        self.own.as_deref() == Some(account)
    }

    /// The run's own clients, if the audit connected (a live audit did).
    pub(crate) fn base(&self) -> Option<&Clients> {
        self.base.as_ref()
    }

    /// Clients acting in `account`'s assumed session, while it is young enough to reuse at
    /// `now`.
    pub(crate) fn assumed(&self, account: &str, now: Instant) -> Option<Clients> {
        let (base, session) = (self.base.as_ref()?, self.assumed.get(account)?);
        reusable(session.asked, now).then(|| session.credentials.clients(base))
    }
}

/// Whether a session asked for at `asked` may still be used at `now` ([`SESSION_REUSE`]).
fn reusable(asked: Instant, now: Instant) -> bool {
    now.saturating_duration_since(asked) < SESSION_REUSE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assumed_session_is_reused_for_50_minutes_then_assumed_again() {
        let asked = Instant::now();
        let at = |minutes: u64| asked + Duration::from_secs(minutes * 60);
        assert!(reusable(asked, asked));
        assert!(reusable(asked, at(49)));
        assert!(!reusable(asked, at(50)));
        assert!(
            !reusable(asked, at(61)),
            "STS's default session has expired"
        );
    }
}
