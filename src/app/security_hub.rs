//! `audit --to-security-hub`'s workflow: each audited account's ASFF findings (built by the
//! command with `report::asff`, handed over as plain JSON) imported into Security Hub CSPM in
//! that account and the run's region — for a many-account audit, through the session the audit
//! assumed there (`app::sessions::Sessions`), or through `--assume-role` where it has none — with
//! the lifecycle `crates/model/src/security_hub.rs` decides: read what lambda-trust imported there,
//! then import what is new or changed, refresh what is close to deletion, resolve what no
//! longer fires, and write nothing else.

use std::time::Instant;

use chrono::{SecondsFormat, Utc};
use futures::stream::{self, StreamExt};
use serde_json::Value;

use super::error::AppError;
use super::events::{Event, Events};
use super::sessions::Sessions;
use super::settings::Settings;
use crate::aws::security_hub::{self as hub, Failed};
use crate::aws::sessions::{assume, CallCount, EntryRole};
use crate::aws::{AwsError, Clients};
use crate::error::Result;
use crate::event::{HubAt, Read, Said};
use lambda_trust_iam::{Arn, AwsResource};
use lambda_trust_model::{plan_import, HubCounts, ListedFinding, GENERATOR_PREFIX};

/// One audited account and today's findings there (none: every earlier one is resolved).
#[derive(Debug, Clone)]
pub(crate) struct AccountFindings {
    pub account: String,
    pub findings: Vec<Value>,
}

/// What to send where.
#[derive(Debug, Clone)]
pub(crate) struct ToSecurityHub {
    pub accounts: Vec<AccountFindings>,
    /// `--assume-role`: each account is written through this role (a many-account audit) —
    /// in the session the audit assumed when it has one.
    pub assume_role: Option<EntryRole>,
    /// Accounts written at once (`--concurrency`).
    pub concurrency: usize,
}

/// What one account's import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Sent {
    pub account: String,
    pub imported: usize,
    pub refreshed: usize,
    pub resolved: usize,
    pub unchanged: usize,
    /// `BatchImportFindings` calls.
    pub calls: usize,
    /// `GetFindings` pages read (what was held).
    pub reads: usize,
    pub failed: Vec<Failed>,
}

impl Sent {
    /// What Security Hub took: the counts the watch's record and the said line hold.
    pub(crate) fn counts(&self) -> HubCounts {
        HubCounts {
            imported: self.imported,
            resolved: self.resolved,
            refreshed: self.refreshed,
            unchanged: self.unchanged,
            refused: self.failed.len(),
        }
    }
}

/// Imports every account's findings, with the clients the audit read each account with
/// (`sessions`): the run's own, or the account's assumed session; an account it has no session
/// of (an audit through AWS Config assumes none) or whose session is too old is entered with
/// `--assume-role` once. Findings Security Hub kept refusing, and accounts that could not be
/// written, are an error naming each (exit 1) once every account was tried.
pub(crate) async fn send(
    settings: &Settings,
    events: &dyn Events,
    to: ToSecurityHub,
    sessions: Sessions,
) -> Result<Vec<Sent>> {
    let connected;
    let clients = match sessions.base() {
        Some(clients) => clients,
        None => {
            connected = Clients::connect(&settings.aws_for(None))
                .await?
                .reporting(events.retries());
            &connected
        }
    };
    let role = to.assume_role.as_ref();
    let results: Vec<_> = stream::iter(to.accounts)
        .map(|account| {
            let id = account.account.clone();
            let what = Read::Importing {
                account: id.clone(),
            };
            // The caller's own account is written with the run's own clients.
            let role = role.filter(|_| !sessions.is_own(&id));
            let session = role.and_then(|_| sessions.assumed(&id, Instant::now()));
            let work = send_one(clients, session, role, account, (GENERATOR_PREFIX, None));
            async move { (id, events.reading(what, work).await) }
        })
        .buffered(to.concurrency.max(1))
        .collect()
        .await;
    let (mut sent, mut failures) = (Vec::new(), Vec::new());
    for (id, result) in results {
        let way_out = WayOut {
            off: "; an audit can instead leave out --to-security-hub",
            denied: " (--to-security-hub: docs/audit.md \"Security Hub: import and lifecycle\")",
        };
        match result.map_err(|e| with_way_out(e, &way_out)) {
            Ok(s) => {
                events.event(Event::Said(summary(&s, &clients.region())));
                let refused = s
                    .failed
                    .iter()
                    .map(|f| format!("{}: {}: {}", f.id, f.code, f.message));
                failures.extend(refused);
                sent.push(s);
            }
            Err(e) if role.is_none() => return Err(e.into()),
            Err(e) => failures.push(format!("account {id}: {}", crate::error::shown(&e))),
        }
    }
    if failures.is_empty() {
        Ok(sent)
    } else {
        Err(AppError::SecurityHub { failures }.into())
    }
}

/// One account's import: in `session` (the audit's, in that account), else through
/// `assume_role` with the run's `clients`, else with the run's `clients` (one account).
async fn send_one(
    clients: &Clients,
    session: Option<Clients>,
    assume_role: Option<&EntryRole>,
    account: AccountFindings,
    (generator, region): (&str, Option<&str>),
) -> std::result::Result<Sent, AwsError> {
    let assumed = match (session, assume_role) {
        (Some(session), _) => Some(session),
        (None, Some(role)) => {
            Some(assume(clients, &account.account, role, &CallCount::default()).await?)
        }
        (None, None) => None,
    };
    let clients = assumed.as_ref().unwrap_or(clients);
    let region = region.map_or_else(|| clients.region(), str::to_owned);
    let hub = AwsResource::SecurityHubProduct { region: &region };
    let product = Arn::of(clients.partition(), &account.account, hub).to_string();
    let key = (account.account.as_str(), generator);
    let (held, reads) = hub::held_paged(clients, Some(&region), &product, key).await?;
    let listed: Vec<ListedFinding> = held.iter().map(|h| h.listed.clone()).collect();
    let now = Utc::now();
    let plan = plan_import(account.findings, &listed, now);
    let failed = plan.too_large.iter().map(|t| Failed {
        id: t.id.clone(),
        code: "TooLarge".into(),
        message: t.to_string(),
    });
    let mut sent = Sent {
        account: account.account,
        imported: plan.imported,
        refreshed: plan.refreshed,
        resolved: plan.resolve.len(),
        unchanged: plan.unchanged,
        reads,
        failed: failed.collect(),
        ..Sent::default()
    };
    let mut out: Vec<hub::Outgoing> = plan.send.iter().map(hub::outgoing).collect();
    let stamp = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    out.extend(
        plan.resolve
            .iter()
            .map(|&i| hub::archived(&held[i], &stamp)),
    );
    if out.is_empty() {
        return Ok(sent);
    }
    let done = hub::import(clients, Some(&region), out).await?;
    sent.calls = done.calls;
    sent.failed.extend(done.failed);
    Ok(sent)
}

/// `watch`: `findings` imported into `account` in `region` with the clients' session,
/// settling the findings held under `generator` (what no longer fires is resolved; nothing
/// else is).
pub(crate) async fn send_to(
    clients: &Clients,
    HubAt { account, region }: HubAt<'_>,
    findings: Vec<Value>,
    generator: &str,
) -> std::result::Result<Sent, AwsError> {
    let account = AccountFindings {
        account: account.to_owned(),
        findings,
    };
    let way_out = WayOut {
        off: "; the watch re-proves the account and publishes again on its next change or \
              schedule",
        denied: "; `lambda-trust watch deploy` gives the watching function's role these \
                 (docs/watch.md)",
    };
    (send_one(clients, None, None, account, (generator, Some(region))).await)
        .map_err(|e| with_way_out(e, &way_out))
}

/// A command's own way out when Security Hub refuses it, after the hint every command shares:
/// `off` when Security Hub is not enabled, `denied` when the credentials may not.
struct WayOut {
    off: &'static str,
    denied: &'static str,
}

/// `e` with the command's way out added to its hint.
fn with_way_out(mut e: AwsError, way_out: &WayOut) -> AwsError {
    let more = match e.code.as_deref() {
        Some("InvalidAccessException") => way_out.off,
        Some("AccessDeniedException") => way_out.denied,
        _ => return e,
    };
    if let Some(hint) = e.hint.as_mut() {
        hint.push_str(more);
    }
    e
}

/// What Security Hub did with the account's findings in `region`, said on stderr.
pub(crate) fn summary(s: &Sent, region: &str) -> Said {
    Said::SecurityHub {
        account: s.account.clone(),
        region: region.to_string(),
        calls: s.calls,
        counts: s.counts(),
    }
}
