//! `lambda-trust watch …`: `deploy`, `status` and `destroy` the watching function
//! (`app::watch::deploy`, resolved once into a [`Lifecycle`]); `run` serves its invocations
//! (`app::watch::serve`), with the run's findings in ASFF and its record built here
//! (`report::watch_findings`).

mod lifecycle;
mod organization;

use serde_json::Value;

use super::invocation::Invocation;
use crate::app::security_hub::Sent;
use crate::app::watch::deploy::{self, DeployOptions, WatchState};
use crate::app::watch::kept::Kept;
use crate::app::watch::run::{Render, WatchRun, Watcher};
use crate::app::watch::serve::{serve, Serving};
use crate::app::watch::status::{self, ActiveFinding, ToArchive};
use crate::app::Events;
use crate::cli::WatchCommand;
use crate::error::{Result, Status};
use crate::report::{self, WatchSubject};
use lambda_trust_provision::{OrgWatchSettings, Published, WatchChange, WatchRecord, WatchVerdict};
use lifecycle::{Asked, Lifecycle, WatchRead, WatchScope};

pub(super) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    command: &WatchCommand,
) -> Result<Status> {
    let Some((asked, scope)) = Asked::of(command) else {
        let vars = |k: &str| std::env::var(k).ok();
        return match function_scope(vars) {
            WatchScope::Organization(org) => organization::run::run(inv, events, org).await,
            WatchScope::Deployment => serve_deployment(inv, events).await,
        };
    };
    match scope {
        WatchScope::Organization(org) => organization::deploy::run(inv, events, asked, org).await,
        WatchScope::Deployment => deployment(inv, events, asked).await,
    }
}

/// Which watch the function serves: the organization's when its deployment set
/// `LAMBDA_TRUST_ORGANIZATION` (`OrgWatchSettings`), else the config's.
fn function_scope(vars: impl Fn(&str) -> Option<String>) -> WatchScope<OrgWatchSettings> {
    match OrgWatchSettings::from_vars(vars) {
        Some(org) => WatchScope::Organization(org),
        None => WatchScope::Deployment,
    }
}

/// `watch run` for the config's watch: its templates those `watch deploy` packaged beside the
/// binary, when it did; its readers in other accounts those its environment names.
async fn serve_deployment(inv: &Invocation, events: &dyn Events) -> Result<Status> {
    let vars = |k: &str| std::env::var(k).ok();
    let file = inv.config.one()?;
    let mut settings = inv.settings.clone();
    settings.execution_role = true;
    settings.read_roles = lambda_trust_provision::read_roles(vars);
    let packaged = std::path::Path::new("policies");
    if settings.templates.dir.is_none() && packaged.is_dir() {
        settings.templates.dir = Some(packaged.to_path_buf());
    }
    let at = Serving {
        settings: &settings,
        events,
        render: &Asff as &dyn Render,
    };
    serve(Watcher::new(file), at).await?;
    Ok(Status::Ok)
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

    fn record(&self, run: &WatchRun, published: &Result<Sent>) -> WatchRecord {
        let verdict = run.report.as_ref().map(|r| WatchVerdict {
            status: r.watch_status(),
            findings: r.findings.iter().map(|f| f.code).collect(),
            error: r.error.clone(),
        });
        let published = match published {
            Ok(s) => Published::SecurityHub(s.counts()),
            Err(e) => Published::Error(e.human()),
        };
        WatchRecord {
            watch: crate::report::SCHEMA_VERSION,
            version: crate::cli::VERSION.to_owned(),
            change: run.change.clone(),
            reread: run.reread,
            role: run
                .role_arn
                .clone()
                .unwrap_or_else(|| run.role_name.clone()),
            verdict,
            published,
            sns: None,
            config_rule: None,
        }
    }
}

fn changed_by(change: &WatchChange) -> Option<&str> {
    match change {
        WatchChange::Role { call }
        | WatchChange::Function { call, .. }
        | WatchChange::Genesys { call } => call.by.as_deref(),
        _ => None,
    }
}

fn meta() -> report::HtmlMeta {
    report::HtmlMeta {
        generated: chrono::Utc::now(),
        version: crate::cli::VERSION.to_owned(),
    }
}

/// `watch deploy|status|destroy`.
async fn deployment(inv: &Invocation, events: &dyn Events, asked: Asked<'_>) -> Result<Status> {
    let Asked {
        lifecycle, package, ..
    } = asked;
    let file = inv.config.one()?;
    let options = DeployOptions {
        package: package.package.clone(),
        package_use: lifecycle.package_use(package.package.is_some()),
        env: file.env.clone(),
    };
    let state = deploy::read(&inv.settings, events, &file, &options).await?;
    let ops = match lifecycle {
        Lifecycle::Destroy => deploy::destroy_ops(&state),
        Lifecycle::Deploy | Lifecycle::Status => deploy::deploy_ops(&state)?,
    };
    let lines: Vec<String> = ops.iter().map(|o| o.to_string()).collect();
    let mut result = result_of(lifecycle, &state, lines);
    let archive = match lifecycle {
        Lifecycle::Status => {
            let published = status::published(&inv.settings, events, &file, &state).await;
            result
                .notes
                .extend(published.note.as_ref().map(report::watch_note));
            result
                .problems
                .extend(published.problem.as_ref().map(report::watch_problem));
            result.active_findings =
                (published.findings.as_ref()).map(|f| f.iter().map(finding).collect());
            return lifecycle::said_status(inv, &result, ops.is_empty());
        }
        Lifecycle::Deploy => {
            // Where its findings would go: said before asking, with what else it would lack.
            let published = status::published(&inv.settings, events, &file, &state).await;
            result
                .problems
                .extend(published.problem.as_ref().map(report::watch_problem));
            None
        }
        Lifecycle::Destroy => Some(settled(inv, events, &file, &state).await),
    };
    let writes = Writes {
        ops,
        archive,
        asked,
    };
    make(inv, events, &file, &state, writes, result).await
}

/// `destroy`: the watch's findings, proved once more: what no longer holds to archive, what
/// still fails kept.
async fn settled(
    inv: &Invocation,
    events: &dyn Events,
    file: &lambda_trust_config::ConfigFile,
    state: &WatchState,
) -> ToArchive {
    let held = status::to_archive(&inv.settings, events, file, state).await;
    crate::app::watch::destroy::reprove(&inv.settings, events, file, held, &Asff).await
}

/// What `deploy` or `destroy` writes: the changes and, for `destroy`, the findings to archive.
struct Writes<'a> {
    ops: Vec<lambda_trust_provision::WatchOp>,
    archive: Option<ToArchive>,
    asked: Asked<'a>,
}

/// Asks, then makes the writes; a watch `destroy` removed says no notes of it.
async fn make(
    inv: &Invocation,
    events: &dyn Events,
    file: &lambda_trust_config::ConfigFile,
    state: &WatchState,
    writes: Writes<'_>,
    mut result: report::WatchResult,
) -> Result<Status> {
    let Writes {
        ops,
        archive,
        asked,
    } = writes;
    let lifecycle = asked.lifecycle;
    let lines = with_archive(&mut result, archive.as_ref());
    let unread = archive
        .as_ref()
        .and_then(|a| a.note.as_ref().map(report::watch_note));
    let write = async |result: &mut report::WatchResult| -> Result<()> {
        if !ops.is_empty() {
            result.writes = Some(deploy::write(&inv.settings, events, file, state, &ops).await?);
            result.deployed = lifecycle == Lifecycle::Deploy;
            if result.deployed {
                result.deployed_code = result.package_code.clone();
            }
        }
        if let Some(archive) = archive {
            let kept = archive.kept.len();
            let written = status::archive(events, archive).await?;
            result.archived_findings = Some(written.saturating_sub(kept));
            if written > 0 {
                result.writes = Some(result.writes.unwrap_or(0) + written);
            }
            // The watch is gone: nothing is said of what it would hear or lack.
            result.deployed = false;
            result.notes = unread.into_iter().collect();
            result.problems.clear();
        }
        Ok(())
    };
    lifecycle::asked_then_written(inv, asked, None, lines, result, write).await
}

/// The changes with, for `destroy`, the findings archived and those kept ACTIVE; the result
/// says them, and why the findings were not read when they were not.
fn with_archive(result: &mut report::WatchResult, archive: Option<&ToArchive>) -> Vec<String> {
    let mut lines = result.changes.clone();
    let archiving = archive.map_or(0, ToArchive::len);
    if archiving > 0 {
        lines.push(format!(
            "archive {archiving} Security Hub finding(s) of this watch that no longer hold"
        ));
    }
    let kept = archive.map_or(&[][..], |a| &a.kept[..]);
    result.kept_findings = kept.iter().map(|k| k.title().to_owned()).collect();
    lines.extend(kept.iter().map(Kept::line));
    result.notes.extend(
        archive
            .and_then(|a| a.note.as_ref())
            .map(report::watch_note),
    );
    result.changes.clone_from(&lines);
    lines
}

fn result_of(
    lifecycle: Lifecycle,
    state: &WatchState,
    changes: Vec<String>,
) -> report::WatchResult {
    let read = WatchRead {
        want: &state.want,
        seen: &state.seen,
        package: &state.package,
        notes: &state.notes,
        problems: &state.problems,
    };
    let mut result = lifecycle::result_of(lifecycle, read, changes);
    result.role.clone_from(&state.role);
    result
}

fn finding(f: &ActiveFinding) -> report::WatchFinding {
    report::WatchFinding {
        title: f.title.clone(),
        severity: f.severity.clone(),
        updated_at: f.updated_at.clone(),
        created_at: f.created_at.clone(),
    }
}
