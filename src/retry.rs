//! The one backoff loop of our own: retry a call while its error is retryable and a deadline
//! (and, for backoff steps, a number of attempts) allows, sleeping `initial`, `2 × initial`, …
//! capped at `max` between attempts — or as long as the server asked (`Retry-After`). Each wait
//! is told to the caller before it starts, so a command can show progress.
//!
//! Beside every layer (like `error`): `aws` and `genesys` both use it. On the AWS side the SDK already retries throttling, server errors and dropped connections (see `client`);
//! this helper is for waiting on a *state* AWS reaches eventually: an entity created a moment
//! ago that the next call cannot see yet (IAM is eventually consistent), or a new trust policy
//! that AssumeRole does not honour yet. It is a small function rather than a crate (`backon`,
//! `tokio-retry`): three call sites, one policy, and it needs the attempt count for messages.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// Exponential backoff: the first wait, and the longest one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

/// What a retried call ended with, and how many attempts it took (the first one included).
#[derive(Debug)]
pub(crate) struct Attempted<T, E> {
    pub result: Result<T, E>,
    pub attempts: u32,
}

/// Calls `op(attempt)` (attempts are numbered from 1) until it succeeds, fails with an error
/// `is_retryable` rejects, or the next wait would end at or after `deadline`. Waits double
/// from `backoff.initial` up to `backoff.max`. Always makes at least one attempt.
pub(crate) async fn retry_until<T, E, Fut>(
    deadline: Instant,
    backoff: Backoff,
    mut is_retryable: impl FnMut(&E) -> bool,
    op: impl FnMut(u32) -> Fut,
) -> Attempted<T, E>
where
    Fut: Future<Output = Result<T, E>>,
{
    let limit = Limit {
        deadline,
        max_attempts: u32::MAX,
    };
    let classify = |e: &E| {
        if is_retryable(e) {
            Retry::Backoff
        } else {
            Retry::No
        }
    };
    retry_with(limit, backoff, classify, |_, _| {}, op).await
}

/// When to stop retrying: no wait that would end at or after `deadline`, and at most
/// `max_attempts` attempts in all when the waits are backoff steps (a server's `Retry-After`
/// is a wait it asked for, bounded by the deadline alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limit {
    pub deadline: Instant,
    pub max_attempts: u32,
}

/// The attempts per call when no `--max-attempts` is given: AWS (the SDK's standard retry mode)
/// and Genesys Cloud alike.
pub(crate) const DEFAULT_MAX_ATTEMPTS: u32 = 8;

/// The most one call may take, its retries included, when no `--timeout` is given: an endpoint
/// that never answers ends the run after this, not after every attempt's own timeout.
pub(crate) const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// One attempt's own timeout under a call's `timeout`: at most 30 s, and a third of it, so an
/// endpoint that never answers is tried again (each retry said) before the call gives up.
pub(crate) fn attempt_timeout(timeout: std::time::Duration) -> std::time::Duration {
    (timeout / 3).clamp(
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(30),
    )
}

/// Told of each wait of a retried call, so a command can show progress; network code only
/// calls it (the command layer decides how it looks: a spinner on a terminal, lines at `-v`).
pub(crate) trait Progress: Send + Sync {
    /// A call waits before its next attempt.
    fn waiting(&self, waiting: &Waiting);
    /// The call that waited has ended, answered or given up.
    fn settled(&self) {}
}

/// The cause of a [`Waiting`] told while an attempt is still unanswered.
pub(crate) const NO_ANSWER_YET: &str = "no answer yet";

/// How long an attempt may go unanswered before it is said, in every mode: a call that hangs is
/// seen at once, not only when its attempt times out (a third of `--timeout`).
pub(crate) const SLOW_ATTEMPT: Duration = Duration::from_secs(5);

/// A [`Waiting`] saying that `request`'s attempt has had no answer for [`SLOW_ATTEMPT`].
pub(crate) fn unanswered(
    service: &'static str,
    request: String,
    attempt: u32,
    max: u32,
) -> Waiting {
    Waiting {
        service,
        request,
        cause: NO_ANSWER_YET.to_owned(),
        asked: false,
        wait: Wait {
            attempt,
            max_attempts: max,
            elapsed: SLOW_ATTEMPT,
            wait: Duration::ZERO,
        },
    }
}

/// `call`; when it is still unanswered after [`SLOW_ATTEMPT`], `progress` is told so, once.
pub(crate) async fn told_if_slow<T>(
    progress: &dyn Progress,
    waiting: impl FnOnce() -> Waiting,
    call: impl Future<Output = T>,
) -> T {
    tokio::pin!(call);
    tokio::select! {
        out = &mut call => out,
        () = tokio::time::sleep(SLOW_ATTEMPT) => {
            progress.waiting(&waiting());
            call.await
        }
    }
}

/// No progress shown.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Quiet;

impl Progress for Quiet {
    fn waiting(&self, _: &Waiting) {}
}

/// One wait of a call to a service, as a [`Progress`] sink is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Waiting {
    /// `Genesys Cloud`.
    pub service: &'static str,
    /// `GET /api/v2/integrations` (without the query).
    pub request: String,
    /// What failed: `503`, `429`, `connection`; `rate-limit window` for a pause before sending.
    pub cause: String,
    /// The server asked for this wait (`Retry-After`, a used-up rate-limit window); else a
    /// backoff step after a failure.
    pub asked: bool,
    pub wait: Wait,
}

/// One wait between two attempts, as `retry_with` tells its `on_wait`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wait {
    /// The attempt that just failed (from 1).
    pub attempt: u32,
    /// The most attempts there will be (the [`Limit`]'s).
    pub max_attempts: u32,
    /// Since the first attempt started.
    pub elapsed: Duration,
    /// How long until the next attempt.
    pub wait: Duration,
}

/// Whether (and how long) to wait before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Give up: the error is final.
    No,
    /// The next backoff step.
    Backoff,
    /// Exactly this long (a server's `Retry-After`); the backoff does not grow.
    After(Duration),
}

/// [`retry_until`] with a per-error choice of the wait ([`Retry`]), the [`Limit`] of attempts,
/// and `on_wait` told of each wait before it starts (progress: the caller renders it).
pub(crate) async fn retry_with<T, E, Fut>(
    limit: Limit,
    backoff: Backoff,
    mut classify: impl FnMut(&E) -> Retry,
    mut on_wait: impl FnMut(&E, Wait),
    mut op: impl FnMut(u32) -> Fut,
) -> Attempted<T, E>
where
    Fut: Future<Output = Result<T, E>>,
{
    let start = Instant::now();
    let mut delay = backoff.initial;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let result = op(attempts).await;
        let wait = match &result {
            Err(e) => match classify(e) {
                Retry::No => None,
                Retry::Backoff if attempts >= limit.max_attempts => None,
                Retry::Backoff => Some((e, delay, true)),
                Retry::After(d) => Some((e, d, false)),
            },
            Ok(_) => None,
        };
        match wait {
            Some((e, wait, grows)) if Instant::now() + wait < limit.deadline => {
                on_wait(
                    e,
                    Wait {
                        attempt: attempts,
                        max_attempts: limit.max_attempts,
                        elapsed: start.elapsed(),
                        wait,
                    },
                );
                tokio::time::sleep(wait).await;
                if grows {
                    delay = (delay * 2).min(backoff.max);
                }
            }
            _ => return Attempted { result, attempts },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    const BACKOFF: Backoff = Backoff {
        initial: Duration::from_millis(250),
        max: Duration::from_secs(4),
    };

    /// Runs `retry_until` against an op that fails `failures` times with a retryable error,
    /// returning the result, the attempt count and the instants (from start) of each attempt.
    async fn run(failures: u32, wait: Duration) -> (Result<u32, &'static str>, u32, Vec<u64>) {
        let start = Instant::now();
        let seen = RefCell::new(Vec::new());
        let out = retry_until(
            start + wait,
            BACKOFF,
            |e: &&str| *e == "retry",
            |attempt| {
                seen.borrow_mut().push(start.elapsed().as_millis() as u64);
                async move {
                    if attempt <= failures {
                        Err("retry")
                    } else {
                        Ok(attempt)
                    }
                }
            },
        )
        .await;
        (out.result, out.attempts, seen.into_inner())
    }

    #[tokio::test(start_paused = true)]
    async fn first_success_makes_one_attempt() {
        let (result, attempts, at) = run(0, Duration::from_secs(30)).await;
        assert_eq!((result, attempts, at), (Ok(1), 1, vec![0]));
    }

    #[tokio::test(start_paused = true)]
    async fn waits_double_up_to_the_cap() {
        let (result, attempts, at) = run(7, Duration::from_secs(60)).await;
        assert_eq!(result, Ok(8));
        assert_eq!(attempts, 8);
        // Waits: 250, 500, 1000, 2000, 4000, 4000, 4000 ms.
        assert_eq!(at, vec![0, 250, 750, 1750, 3750, 7750, 11750, 15750]);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_when_the_next_wait_would_pass_the_deadline() {
        // Attempts at 0, 250, 750, 1750; the next wait (2000 ms) would end at 3750 ≥ 3000.
        let (result, attempts, at) = run(u32::MAX, Duration::from_secs(3)).await;
        assert_eq!(result, Err("retry"));
        assert_eq!(attempts, 4);
        assert_eq!(at, vec![0, 250, 750, 1750]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_non_retryable_error_ends_at_once() {
        let out: Attempted<(), &str> = retry_until(
            Instant::now() + Duration::from_secs(30),
            BACKOFF,
            |_| false,
            |_| async { Err("fatal") },
        )
        .await;
        assert_eq!((out.result, out.attempts), (Err("fatal"), 1));
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_honoured_and_does_not_grow_the_backoff() {
        let start = Instant::now();
        let seen = RefCell::new(Vec::new());
        let limit = Limit {
            deadline: start + Duration::from_secs(60),
            max_attempts: u32::MAX,
        };
        let out = retry_with(
            limit,
            BACKOFF,
            |e: &&str| match *e {
                "slow-down" => Retry::After(Duration::from_secs(3)),
                "busy" => Retry::Backoff,
                _ => Retry::No,
            },
            |_, _| {},
            |attempt| {
                seen.borrow_mut().push(start.elapsed().as_millis() as u64);
                async move {
                    match attempt {
                        1 | 3 => Err("slow-down"),
                        2 | 4 => Err("busy"),
                        _ => Ok(attempt),
                    }
                }
            },
        )
        .await;
        assert_eq!((out.result, out.attempts), (Ok(5), 5));
        // 3 s (Retry-After), 250 ms, 3 s, 500 ms.
        assert_eq!(seen.into_inner(), vec![0, 3000, 3250, 6250, 6750]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_deadline_already_passed_still_makes_one_attempt() {
        let (result, attempts, _) = run(u32::MAX, Duration::ZERO).await;
        assert_eq!((result, attempts), (Err("retry"), 1));
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_stops_at_max_attempts_and_each_wait_is_told() {
        let start = Instant::now();
        let told = RefCell::new(Vec::new());
        let limit = Limit {
            deadline: start + Duration::from_secs(600),
            max_attempts: 4,
        };
        let out: Attempted<(), &str> = retry_with(
            limit,
            BACKOFF,
            |e: &&str| match *e {
                "slow-down" => Retry::After(Duration::from_secs(1)),
                _ => Retry::Backoff,
            },
            |_, w| told.borrow_mut().push(w),
            |attempt| async move {
                if attempt == 1 {
                    Err("slow-down")
                } else {
                    Err("busy")
                }
            },
        )
        .await;
        // A Retry-After wait is never capped; backoff stops once 4 attempts were made.
        assert_eq!((out.result, out.attempts), (Err("busy"), 4));
        let told = told.into_inner();
        let at: Vec<(u32, u64, u64)> = told
            .iter()
            .map(|w| {
                (
                    w.attempt,
                    w.elapsed.as_millis() as u64,
                    w.wait.as_millis() as u64,
                )
            })
            .collect();
        assert_eq!(at, vec![(1, 0, 1000), (2, 1000, 250), (3, 1250, 500)]);
        assert!(told.iter().all(|w| w.max_attempts == 4));
    }
}
