//! `lambda-trust watch …`: `run` serves the watching function's invocations
//! (`app::watch::serve`), with the run's findings in ASFF and its record built here
//! (`report::watch_findings`).

use serde_json::{json, Value};

use super::invocation::Invocation;
use crate::app::security_hub::Sent;
use crate::app::watch::{Render, Reread, WatchRun};
use crate::app::Events;
use crate::cli::WatchCommand;
use crate::error::{Result, Status};
use crate::report::{self, WatchSubject};
use lambda_trust_provision::watch::Change;

pub(super) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    command: &WatchCommand,
) -> Result<Status> {
    match command {
        WatchCommand::Run => {
            let file = inv.config.one()?;
            crate::app::watch::serve(&inv.settings, events, file, &Asff).await?;
            Ok(Status::Ok)
        }
    }
}

/// The findings as Security Hub takes them, and the run's one JSON line.
struct Asff;

impl Render for Asff {
    fn findings(&self, run: &WatchRun) -> Vec<Value> {
        let (Some(report), Some(account)) = (&run.report, &run.account) else {
            return Vec::new();
        };
        let subject = WatchSubject {
            account,
            partition: &run.partition,
            region: &run.region,
            role_name: &run.role_name,
            role_arn: run.role_arn.as_deref(),
            changed_by: changed_by(&run.change),
        };
        report::watch_findings(report, &subject, &meta())
    }

    fn record(&self, run: &WatchRun, published: &Result<Sent>) -> Value {
        let verdict = run.report.as_ref().map(|r| {
            let codes: Vec<String> = r.findings.iter().map(|f| f.code.to_string()).collect();
            json!({"status": r.status, "findings": codes, "error": r.error})
        });
        let published = match published {
            Ok(s) => json!({"security_hub": {"imported": s.imported, "resolved": s.resolved,
                "refreshed": s.refreshed, "unchanged": s.unchanged, "refused": s.failed.len()}}),
            Err(e) => json!({"error": e.human()}),
        };
        json!({
            "watch": crate::report::SCHEMA_VERSION,
            "version": crate::cli::VERSION,
            "change": run.change,
            "reread": reread(run.reread),
            "role": run.role_arn.as_deref().unwrap_or(&run.role_name),
            "verdict": verdict,
            "published": published,
        })
    }
}

fn reread(r: Reread) -> &'static str {
    match r {
        Reread::Everything => "everything",
        Reread::Role => "role",
        Reread::Function => "role-and-function",
        Reread::Nothing => "nothing",
    }
}

fn changed_by(change: &Change) -> Option<&str> {
    match change {
        Change::Role { call } | Change::Function { call, .. } => call.by.as_deref(),
        _ => None,
    }
}

fn meta() -> report::HtmlMeta {
    report::HtmlMeta {
        generated: chrono::Utc::now(),
        version: crate::cli::VERSION.to_owned(),
    }
}
