//! `watch run`, whichever the watch's scope: serves the function's invocations until Lambda
//! stops the execution environment, each event handed to the watch ([`Watch::run`]), kept
//! between invocations, and its record the invocation's answer. The record is said on stderr
//! (the function's log) before the invocation is answered; a run that leaves anything unseen
//! or unpublished ([`WatchOutcome`], read off the record) answers an error after it, so Lambda
//! counts it and retries: it is never answered healthy.

use serde::Serialize;
use tokio::sync::Mutex;

use crate::app::events::{Event, Events};
use crate::app::settings::Settings;
use crate::aws::watch::runtime::{Failure, FailureKind, Invocation};
use crate::error::Result;
use lambda_trust_provision::WatchOutcome;

/// A watch's function: what it keeps between invocations, and one invocation's event handled
/// into its record. A deployment's watch (`run.rs`) and the organization's
/// (`organization/run.rs`) differ only here.
pub(crate) trait Watch {
    /// The invocation's answer, and its one line in the function's log.
    type Record: Serialize + Clone;
    /// What the command makes of a run: its findings in ASFF and its record (`report` builds
    /// them; the workflow never imports it).
    type Render: ?Sized;

    /// Handles one invocation's event: re-proved, published, recorded. `Err`: the watch could
    /// not start (its config or its connection failed first).
    async fn run(
        &mut self,
        at: &Serving<'_, Self::Render>,
        invocation: Invocation,
    ) -> Result<Self::Record>;

    /// How the run ended, read off its record.
    fn outcome(record: &Self::Record) -> WatchOutcome;

    /// The record, as the event said on stderr.
    fn said(record: Self::Record) -> Event;
}

/// What every invocation is served with: the run's settings, its events' sink and the
/// command's renderer.
pub(crate) struct Serving<'a, R: ?Sized> {
    pub settings: &'a Settings,
    pub events: &'a dyn Events,
    pub render: &'a R,
}

/// Serves `watch`'s invocations until Lambda stops the environment, each by [`handle`].
pub(crate) async fn serve<W: Watch>(watch: W, at: Serving<'_, W::Render>) -> Result<()> {
    let watch = Mutex::new(watch);
    crate::aws::watch::runtime::serve(|invocation| handle(&watch, &at, invocation)).await?;
    Ok(())
}

/// One invocation: the watch's record, said, then answered — as the answer when the run saw
/// everything, else as the message of the failure its outcome names.
async fn handle<W: Watch>(
    watch: &Mutex<W>,
    at: &Serving<'_, W::Render>,
    invocation: Invocation,
) -> std::result::Result<W::Record, Failure> {
    let mut watch = watch.lock().await;
    let record = watch.run(at, invocation).await.map_err(|e| Failure {
        kind: FailureKind::WatchNotStarted,
        message: e.human(),
    })?;
    at.events.event(W::said(record.clone()));
    let kind = match W::outcome(&record) {
        WatchOutcome::Seen => return Ok(record),
        WatchOutcome::NotPublished => FailureKind::NotPublished,
        WatchOutcome::NotReproved => FailureKind::NotReproved,
    };
    Err(Failure {
        kind,
        message: serde_json::to_value(&record)
            .unwrap_or_default()
            .to_string(),
    })
}
