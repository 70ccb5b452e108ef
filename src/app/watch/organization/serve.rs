//! `watch run` in the organization's function: serves its invocations until Lambda stops the
//! environment, each event classified (`lambda_trust_provision::classify_org_event`), re-proved
//! and published ([`OrgWatcher::on_change`]); the record is the invocation's answer. A run that
//! leaves something unseen — an account not read, findings not published, a sweep that did
//! not reach every account — answers an error after its record is said on stderr (the function's log), so
//! Lambda counts it and retries; it is never answered healthy.

use super::run::{OrgRender, OrgRun, OrgWatcher};
use crate::app::events::{Event, Events};
use crate::app::settings::Settings;
use crate::aws::watch::runtime::{Failure, FailureKind, Invocation};
use crate::error::Result;
use lambda_trust_provision::{
    classify_org_event, OrgAccountRecord, OrgWatchRecord, OrgWatchSettings, Published, ReRead,
};

/// What the command makes of a run: its findings in ASFF ([`OrgRender`]) and its record.
pub(crate) trait OrgRecord: OrgRender {
    /// The run's record: the event, each account re-proved, where it was published.
    fn record(&self, run: &OrgRun) -> OrgWatchRecord;
}

/// Serves the function's invocations, each by [`handle`].
pub(crate) async fn serve(
    settings: &Settings,
    events: &dyn Events,
    org: OrgWatchSettings,
    render: &dyn OrgRecord,
) -> Result<()> {
    let watcher = tokio::sync::Mutex::new(OrgWatcher::new(org)?);
    let handler = Handler {
        watcher: &watcher,
        settings,
        events,
        render,
    };
    crate::aws::watch::runtime::serve(|invocation| handle(&handler, invocation)).await?;
    Ok(())
}

struct Handler<'a> {
    watcher: &'a tokio::sync::Mutex<OrgWatcher>,
    settings: &'a Settings,
    events: &'a dyn Events,
    render: &'a dyn OrgRecord,
}

async fn handle(
    h: &Handler<'_>,
    invocation: Invocation,
) -> std::result::Result<OrgWatchRecord, Failure> {
    let mut watcher = h.watcher.lock().await;
    let home = lambda_trust_iam::Arn::parse(&invocation.function_arn).map(|a| a.account);
    let change = classify_org_event(&invocation.event, home.as_deref());
    let run = watcher.on_change(h.settings, h.events, (change, home), h.render);
    let run = run.await.map_err(|e| Failure {
        kind: FailureKind::WatchNotStarted,
        message: e.human(),
    })?;
    let record = h.render.record(&run);
    h.events.event(Event::OrgWatchRun(Box::new(record.clone())));
    if !blind(&record) {
        return Ok(record);
    }
    Err(Failure {
        kind: FailureKind::NotReproved,
        message: serde_json::to_value(&record)
            .unwrap_or_default()
            .to_string(),
    })
}

/// Whether the run leaves something unseen: an account not read, findings not published, or
/// a sweep that did not reach every account. Such an invocation fails, so Lambda counts it and
/// retries.
fn blind(record: &OrgWatchRecord) -> bool {
    let unseen = |a: &OrgAccountRecord| {
        a.error.is_some()
            || matches!(a.published, Some(Published::Error(_)) | None)
            || matches!(a.again, Some(ReRead::Failed { .. }))
    };
    let unswept =
        (record.swept.as_ref()).is_some_and(|s| s.error.is_some() || !s.failed.is_empty());
    unswept || record.accounts.iter().any(unseen)
}
