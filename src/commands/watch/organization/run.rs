//! `watch run` in the organization watch's function (its deployment sets
//! `LAMBDA_TRUST_ORGANIZATION`): serves its invocations (`app::watch::serve`),
//! with each account's findings in ASFF (`report::organization_watch_findings`) and the run's
//! record built here.

use serde_json::Value;

use crate::app::watch::organization::run::OrgWatcher;
use crate::app::watch::organization::run::{AccountRun, OrgRender, OrgRun};
use crate::app::watch::serve::{serve, Serving};
use crate::app::Events;
use crate::commands::invocation::Invocation;
use crate::error::{Result, Status};
use crate::event::Blind;
use crate::event::HubAt;
use crate::report::{self, OrgWatchChange};
use lambda_trust_audit::{AccountReport, GuardrailPlan};
use lambda_trust_provision::{
    Hearing, OrgAccountRecord, OrgChange, OrgWatchRecord, OrgWatchSettings, Published,
};

/// Serves the organization watch's invocations until Lambda stops the environment.
pub(in crate::commands) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    org: OrgWatchSettings,
) -> Result<Status> {
    let mut settings = inv.settings.clone();
    settings.execution_role = true;
    let at = Serving {
        settings: &settings,
        events,
        render: &Asff as &dyn OrgRender,
    };
    serve(OrgWatcher::new(org)?, at).await?;
    Ok(Status::Ok)
}

/// The findings as Security Hub takes them, and the run's record.
struct Asff;

impl OrgRender for Asff {
    fn findings(&self, report: &AccountReport, change: &OrgChange) -> Vec<Value> {
        report::organization_watch_findings(report, &changed(change), &meta())
    }

    fn not_watched(&self, at: HubAt<'_>, account: &str, why: (Blind, &str)) -> Value {
        report::organization_watch_blind_finding(at, account, why, &meta())
    }

    fn not_heard(&self, at: HubAt<'_>, account: &str, hearing: &Hearing) -> Option<Value> {
        report::organization_watch_unheard_finding(at, account, hearing, &meta())
    }

    fn guardrail(&self, at: HubAt<'_>, plan: &GuardrailPlan, change: &OrgChange) -> Option<Value> {
        report::organization_watch_guardrail_finding(at, plan, &changed(change), &meta())
    }

    fn record(&self, run: &OrgRun) -> OrgWatchRecord {
        OrgWatchRecord {
            org_watch: crate::report::SCHEMA_VERSION,
            version: crate::cli::VERSION.to_owned(),
            change: run.change.clone(),
            accounts: run.accounts.iter().map(account).collect(),
            swept: run.swept.clone(),
            guardrail: run.guardrail.clone(),
            spared: run.spared.clone(),
        }
    }
}

fn meta() -> report::HtmlMeta {
    report::HtmlMeta {
        generated: chrono::Utc::now(),
        version: crate::cli::VERSION.to_owned(),
    }
}

fn account(a: &AccountRun) -> OrgAccountRecord {
    let roles = a.report.as_ref().map(|r| &r.roles).into_iter().flatten();
    OrgAccountRecord {
        account: a.account.clone(),
        role: a.role.clone(),
        roles: roles
            .map(|r| {
                let codes = r.findings.iter().map(|f| f.code.to_string());
                (r.arn.clone(), codes.collect())
            })
            .collect(),
        error: a.report.as_ref().err().cloned(),
        published: a.published.as_ref().map(published),
        calls: a.calls,
        watch_account: a.watch_account.as_ref().map(published),
        heard: a.heard.clone(),
        again: a.again.clone(),
        ledger: a.ledger.clone(),
    }
}

fn published(p: &std::result::Result<crate::app::security_hub::Sent, String>) -> Published {
    match p {
        Ok(sent) => Published::SecurityHub(sent.counts()),
        Err(e) => Published::Error(e.clone()),
    }
}

/// The change a finding names: the call and who made it.
fn changed(change: &OrgChange) -> OrgWatchChange<'_> {
    let call = match change {
        OrgChange::Role { call, .. }
        | OrgChange::Policy { call, .. }
        | OrgChange::Function { call, .. }
        | OrgChange::Organization { call, .. } => Some(call),
        OrgChange::Account { .. }
        | OrgChange::Again { .. }
        | OrgChange::Retire { .. }
        | OrgChange::Sweep { .. }
        | OrgChange::Nothing { .. } => None,
    };
    OrgWatchChange {
        event: call.map(|c| c.event.as_str()),
        by: call.and_then(|c| c.by.as_deref()),
        last: matches!(change, OrgChange::Retire { .. }),
    }
}
