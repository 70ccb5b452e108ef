//! `audit`'s whole run, in order: bad input refused before any call (the baseline file, the
//! organization policies), the audit of the one source ([`super::audit`]), each Genesys Cloud
//! action's reach (`--genesys`), the region ASFF and OCSF findings need, unused partner roles,
//! then the baseline applied and `--write-baseline`'s file written. The command renders what
//! this returns, and sends it to Security Hub with the sessions it keeps.

use std::path::PathBuf;

use super::audit::{audit_keeping, AuditSource, Audited};
use super::audit_genesys::{add_reach, GenesysSource};
use super::baseline;
use super::events::{Event, Events};
use super::sessions::Sessions;
use super::settings::Settings;
use crate::error::{Error, Result};
use crate::event::Said;
use lambda_trust_audit::AuditOptions;

/// What the flags ask of one audit run.
pub(crate) struct AuditRun {
    /// The one source: the account, many accounts, a template or plan, a snapshot, Config.
    pub source: AuditSource,
    /// Partners, partner principals, the config's identity.
    pub options: AuditOptions,
    /// `--account-id`: the account a template, plan or snapshot stands for.
    pub account_id: Option<String>,
    /// `--org-policies DIR`.
    pub org_policies: Option<PathBuf>,
    /// Keep the sessions each account was read with (`--to-security-hub`).
    pub keep_sessions: bool,
    /// `--genesys`: where to sign in to Genesys Cloud.
    pub genesys: Option<GenesysSource>,
    /// ASFF or OCSF findings are asked for (a format, a file or `--to-security-hub`): they
    /// name a region, so a run without one is refused before anything is written.
    pub findings_need_region: bool,
    /// `--unused-days`.
    pub unused_days: u32,
    /// `--baseline FILE`.
    pub baseline: Option<PathBuf>,
    /// `--write-baseline FILE`.
    pub write_baseline: Option<PathBuf>,
}

/// The audit, judged and baselined, with the sessions kept for Security Hub.
pub(crate) struct AuditDone {
    /// What was audited.
    pub audited: Audited,
    /// The sessions each account was read with (none unless asked).
    pub sessions: Sessions,
}

/// Runs the audit `run` asks for.
pub(crate) async fn run(
    settings: &Settings,
    events: &dyn Events,
    run: AuditRun,
) -> Result<AuditDone> {
    // A bad baseline is refused before AWS is read.
    let accepted = run.baseline.as_deref().map(baseline::read).transpose()?;
    let (source, options, org) = (&run.source, run.options, run.org_policies.as_deref());
    let keep = run.keep_sessions;
    let read = audit_keeping(settings, events, source, options, run.account_id, org, keep);
    let (mut audited, sessions) = read.await?;
    if let (Some(genesys), Audited::Account(report)) = (&run.genesys, &mut audited) {
        add_reach(settings, events, genesys, report).await;
    }
    if let Audited::Account(report) = &audited {
        if run.findings_need_region && report.region.is_none() {
            return Err(Error::usage(
                "ASFF and OCSF findings name the region their Security Hub is in, and none is set",
                "give --region (or set AWS_REGION)",
            ));
        }
    }
    let now = chrono::Utc::now();
    let today = now.date_naive();
    baseline::mark_unused(&mut audited, now, run.unused_days);
    if let Some(accepted) = &accepted {
        baseline::apply(&mut audited, accepted, today);
    }
    if let Some(path) = &run.write_baseline {
        let n = baseline::write(&audited, path, today)?;
        events.event(Event::Said(Said::BaselineWritten {
            path: path.clone(),
            entries: n,
        }));
    }
    Ok(AuditDone { audited, sessions })
}
