//! Each retry the AWS SDK makes inside one call, told as it starts: the SDK's retry loop (its
//! standard and adaptive modes) runs inside the call, so without this a call retried for a minute
//! looks like one that hangs. An SDK interceptor (`aws_smithy_runtime_api`'s `Intercept`) sees
//! each attempt: after a failed one it keeps the cause (the HTTP status, or how the connection
//! failed); when the next begins it tells the run's [`Progress`] sink — the same one Genesys
//! Cloud's retry loop tells — the call, the attempt and its number, the cause and the time
//! since the call began, and when a retried call ends, that it settled. The sink decides how it
//! is shown: a spinner on a terminal, a line at most every few seconds without one, an event
//! under `--progress json`.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

use crate::retry::{Progress, Wait, Waiting};

/// The interceptor every AWS client of a run carries once the run has a [`Progress`] sink.
#[derive(Clone)]
pub(super) struct Attempts {
    progress: Arc<dyn Progress>,
    max_attempts: u32,
}

impl fmt::Debug for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Attempts(max {})", self.max_attempts)
    }
}

impl Attempts {
    pub(super) fn new(progress: Arc<dyn Progress>, max_attempts: u32) -> Attempts {
        Attempts {
            progress,
            max_attempts,
        }
    }
}

/// When the call began.
#[derive(Debug, Clone)]
struct Began(Instant);

/// What the last attempt ended with.
#[derive(Debug, Clone)]
struct LastFailure(String);

/// The call has been retried: its end is told.
#[derive(Debug, Clone)]
struct Retried;

/// The attempt under way has been answered (or failed): its watchdog stays silent.
#[derive(Debug, Clone)]
struct Answered(Arc<AtomicBool>);

impl Storable for Answered {
    type Storer = StoreReplace<Self>;
}

impl Storable for Began {
    type Storer = StoreReplace<Self>;
}
impl Storable for LastFailure {
    type Storer = StoreReplace<Self>;
}
impl Storable for Retried {
    type Storer = StoreReplace<Self>;
}

impl Attempts {
    /// Says, once, an attempt unanswered after [`crate::retry::SLOW_ATTEMPT`]: a call that
    /// hangs is seen at once, in every mode.
    fn watch(&self, cfg: &mut ConfigBag, request: String, attempt: u32) {
        let answered = Arc::new(AtomicBool::new(false));
        cfg.interceptor_state()
            .store_put(Answered(answered.clone()));
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (progress, max) = (self.progress.clone(), self.max_attempts);
        runtime.spawn(async move {
            tokio::time::sleep(crate::retry::SLOW_ATTEMPT).await;
            if !answered.load(Ordering::Relaxed) {
                progress.waiting(&crate::retry::unanswered("AWS", request, attempt, max));
            }
        });
    }
}

impl Intercept for Attempts {
    fn name(&self) -> &'static str {
        "lambda-trust attempts"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(Began(Instant::now()));
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let cause = match (context.response(), context.output_or_error()) {
            (Some(response), _) => response.status().as_u16().to_string(),
            (None, Some(Err(e))) if e.is_timeout_error() => "no answer in time".to_owned(),
            (None, Some(Err(_))) => "connection".to_owned(),
            _ => "no answer".to_owned(),
        };
        cfg.interceptor_state().store_put(LastFailure(cause));
        if let Some(a) = cfg.load::<Answered>() {
            a.0.store(true, Ordering::Relaxed);
        }
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        let request = cfg.load::<Metadata>().map_or_else(
            || "an AWS call".to_owned(),
            |m| format!("{}:{}", m.service().to_lowercase(), m.name()),
        );
        self.watch(cfg, request.clone(), attempt);
        if attempt < 2 {
            return Ok(());
        }
        let cause =
            (cfg.load::<LastFailure>()).map_or_else(|| "a failure".to_owned(), |l| l.0.clone());
        let elapsed = cfg
            .load::<Began>()
            .map_or(Duration::ZERO, |b| b.0.elapsed());
        self.progress.waiting(&Waiting {
            service: "AWS",
            request,
            cause,
            asked: false,
            wait: Wait {
                attempt: attempt - 1,
                max_attempts: self.max_attempts,
                elapsed,
                // The SDK's backoff is behind: this attempt is starting.
                wait: Duration::ZERO,
            },
        });
        cfg.interceptor_state().store_put(Retried);
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg.load::<Retried>().is_some() {
            self.progress.settled();
        }
        Ok(())
    }
}

/// A client of the SDK crate `$sdk` from its config builder `$conf`, carrying `$attempts`
/// (an `Option<&Attempts>`) when the run has one.
macro_rules! client {
    ($sdk:ident, $conf:expr, $attempts:expr) => {{
        let mut conf = $conf;
        if let Some(a) = $attempts {
            conf = conf.interceptor(a.clone());
        }
        $sdk::Client::from_conf(conf.build())
    }};
}
pub(crate) use client;
