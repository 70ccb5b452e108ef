//! The organization watch's function: each forwarded event re-proves what it can have changed
//! (`lambda_trust_provision::classify_org_event`) in the account it came from, through that
//! account's reader role, with the auditor's own judgement (`audit --genesys-org-id`'s), and
//! imports the findings into **that account's** Security Hub: `BatchImportFindings` takes a
//! finding only from the account it names
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchimportfindings.html>).
//!
//! - An IAM call on role R: R alone is read (`aws::audit_role`); a role no partner can assume
//!   costs its `GetRole` and the one `GetFindings` that tells whether an earlier finding is
//!   there to resolve.
//! - A managed policy's call: each role it is attached to (`ListEntitiesForPolicy`), as a
//!   role's call is.
//! - A function policy's call: the function's account is read and proved again, as `audit`
//!   reads one account (the partner roles that target it are not known from the event).
//! - Organizations' calls, its membership events and the schedule ask for the whole
//!   organization: the sweep puts one event per account on the watch's bus (`sweep`), and
//!   each comes back as an account to re-prove, read as a function's call's account is. A
//!   call that can change the guardrail (a policy attached, detached, updated or deleted, a
//!   policy type disabled, an account moved) also checks it in this invocation (`guardrail`).
//! - `watch destroy --organization` hands it each account once more (`lambda:Invoke`), read
//!   as a sweep's account is: what still fails stays active, its text saying the watch was
//!   removed.
//!
//! The organization's SCPs and RCPs are read with the function's own credentials (the
//! delegated administrator's), once per warm execution environment and sweep (an
//! Organizations call in between drops what was read), never through a member's reader: for a
//! sweep's account, the organization whole (`OrgReader::reading_whole`), which then answers
//! each account of the sweep this environment re-proves without a call; for one change, the
//! walk up from its account.

use std::sync::Arc;

use serde_json::Value;

use super::guardrail::{changes_no_path, guardrail_call};
use crate::app::events::{Event, Events};
use crate::app::path_reads::{read_path, PathReads};
use crate::app::prove_roles::prove_roles;
use crate::app::security_hub::{self as hub, Sent};
use crate::app::settings::Settings;
use crate::app::watch::serve::{Serving, Watch};
use crate::aws::audit_role::{read_role, read_role_policies, read_used_policies, roles_of_policy};
use crate::aws::organizations::OrgReader;
use crate::aws::sessions::{assume, CallCount, EntryRole};
use crate::aws::watch::organization::ledger;
use crate::aws::watch::runtime::Invocation;
use crate::aws::{AwsError, Clients, InRegion};
use crate::error::{Error, Result};
use crate::event::{Blind, HubAt, Said};
use lambda_trust_audit::{
    AccountIam, AccountReport, AuditOptions, AuditRole, Baseline, GuardrailPlan,
};
use lambda_trust_model::OrgWatchGenerator;
use lambda_trust_provision::{
    again_event, classify_org_event, GuardrailWatched, Hearing, Held, LedgerWrite, OrgChange,
    OrgWatchRecord, OrgWatchSettings, ReRead, SweptRecord, WatchOutcome,
};

/// The function's state between invocations: its settings, its clients once connected, and
/// the organization's policies once read.
pub(crate) struct OrgWatcher {
    settings: OrgWatchSettings,
    clients: Option<Clients>,
    org: Arc<OrgReader>,
    /// The sweep the organization's policies were last read again for.
    read_for: Option<String>,
    /// The findings accepted (`--baseline`): marked suppressed, as `audit --baseline` does.
    baseline: Option<Baseline>,
}

/// What one part of a run re-proves: `role` of `account` (none: the whole account), through the
/// account's reader `session`.
#[derive(Clone, Copy)]
struct Reached<'a> {
    session: &'a Clients,
    account: &'a str,
    role: Option<&'a str>,
}

impl<'a> Reached<'a> {
    fn new(session: &'a Clients, account: &'a str, role: Option<&'a str>) -> Reached<'a> {
        Reached {
            session,
            account,
            role,
        }
    }
}

/// What one account's part of a run re-proved, and where it went.
pub(crate) struct AccountRun {
    pub account: String,
    /// The role re-proved; `None`: the account.
    pub role: Option<String>,
    /// The report (no role in it: the role is gone, or no partner can assume it), or why the
    /// account could not be read: its reader not assumed, a read refused.
    pub report: std::result::Result<AccountReport, String>,
    /// The findings imported into the account's Security Hub; `None` when nothing was read.
    pub published: Option<std::result::Result<Sent, String>>,
    /// Why it is not watched, when the report or the publishing failed.
    pub blind: Option<Blind>,
    /// The calls the account's part made (the assume, the reads, Security Hub's).
    pub calls: usize,
    /// In the watch's own Security Hub: the finding that the account is not watched, imported
    /// (it could not be read or published to) or settled (it was); `None`: not touched.
    pub watch_account: Option<std::result::Result<Sent, String>>,
    /// Whether the account's IAM calls reach the watch, read on a whole account's reading.
    pub heard: Option<Hearing>,
    /// The same reading asked once more, after this part changed what the hub holds.
    pub again: Option<ReRead>,
    /// The watch's ledger of what the account holds, after a whole reading published there.
    pub ledger: Option<LedgerWrite>,
}

impl AccountRun {
    /// `role` of `account` (`None`: the account) as read, before anything is published.
    fn read(
        account: &str,
        role: Option<String>,
        report: std::result::Result<AccountReport, String>,
    ) -> AccountRun {
        AccountRun {
            account: account.to_owned(),
            role,
            report,
            published: None,
            blind: None,
            calls: 0,
            watch_account: None,
            heard: None,
            again: None,
            ledger: None,
        }
    }
}

/// What a change reaches in its account.
enum Reach {
    /// One role, by name.
    Role(String),
    /// The roles a managed policy (its ARN) is attached to.
    Policy(String),
    /// Every role of the account.
    Account,
}

/// One invocation's result.
pub(crate) struct OrgRun {
    pub change: OrgChange,
    pub accounts: Vec<AccountRun>,
    /// The whole organization asked for: the sweep fanned out.
    pub swept: Option<SweptRecord>,
    /// An Organizations call that can change the guardrail: it checked again.
    pub guardrail: Option<GuardrailWatched>,
    /// Why an Organizations call swept no account: it changed no account's policies, or only
    /// the guardrail, checked here.
    pub spared: Option<String>,
}

/// What the command makes of a run: its findings in ASFF (`report` builds them; the workflow
/// never imports it).
pub(crate) trait OrgRender {
    /// The findings of `report` (one account's), in ASFF, naming the change.
    fn findings(&self, report: &AccountReport, change: &OrgChange) -> Vec<Value>;
    /// The finding, in the watch's account `home` and `region`, that `account` is not
    /// watched, and why.
    fn not_watched(&self, at: HubAt<'_>, account: &str, why: (Blind, &str)) -> Value;
    /// The finding, there too, that `account`'s IAM calls do not reach the watch (or may not:
    /// its trails not read); `None` when they do.
    fn not_heard(&self, at: HubAt<'_>, account: &str, hearing: &Hearing) -> Option<Value>;
    /// The guardrail's finding, there too, when what is attached fails a claim; `None` when
    /// it holds.
    fn guardrail(&self, at: HubAt<'_>, plan: &GuardrailPlan, change: &OrgChange) -> Option<Value>;
    /// The run's record: the event, each account re-proved, where it was published.
    fn record(&self, run: &OrgRun) -> OrgWatchRecord;
}

impl OrgWatcher {
    /// The watcher of `settings`; an error when its baseline cannot be read (deploy checked
    /// it, so the variable was changed by hand).
    pub(crate) fn new(settings: OrgWatchSettings) -> Result<OrgWatcher> {
        let baseline = (settings.baseline.as_deref())
            .map(|text| lambda_trust_audit::parse_baseline(text, true))
            .transpose()
            .map_err(|e| {
                Error::usage(
                    format!("the function's baseline (LAMBDA_TRUST_BASELINE) is not one: {e}"),
                    "deploy it again with `lambda-trust watch deploy --organization --baseline FILE`",
                )
            })?;
        Ok(OrgWatcher {
            settings,
            clients: None,
            org: Arc::default(),
            read_for: None,
            baseline,
        })
    }

    /// Re-proves what `change` can have changed, and publishes it; `home` is the function's
    /// own account, whose Security Hub is told of an account it cannot watch.
    pub(crate) async fn on_change(
        &mut self,
        settings: &Settings,
        events: &dyn Events,
        change: OrgChange,
        home: Option<String>,
        render: &dyn OrgRender,
    ) -> Result<OrgRun> {
        let clients = match self.clients.take() {
            Some(c) => c,
            None => Clients::connect(&settings.aws_for(None))
                .await?
                .reporting(events.retries()),
        };
        if matches!(change, OrgChange::Organization { .. }) {
            self.org = Arc::default();
        }
        let mut run = OrgRun {
            swept: None,
            spared: changes_no_path(&change),
            change,
            accounts: Vec::new(),
            guardrail: None,
        };
        if let (Some(_), Some(home)) = (guardrail_call(&run.change), home.as_deref()) {
            let region = clients.region();
            let change = &run.change;
            let finding = |plan: &GuardrailPlan| {
                render.guardrail(
                    HubAt {
                        account: home,
                        region: &region,
                    },
                    plan,
                    change,
                )
            };
            let checked = super::guardrail::check(&clients, &self.settings, home, change, &finding);
            let (watched, spared) = checked.await;
            run.guardrail = Some(watched);
            run.spared = run.spared.or(spared);
        }
        if run.spared.is_none() {
            run.swept = self
                .swept(&clients, events, &run.change, home.as_deref())
                .await;
        }
        if let Some((account, reach)) = self.scope(&run.change) {
            let parts = self.account(&clients, events, &account, reach, &run.change, render);
            run.accounts = parts.await;
            self.ask_again(&clients, &mut run).await;
            for one in run.accounts.iter_mut() {
                if let Some(home) = &home {
                    tell_the_watch(&clients, home, one, render).await;
                }
            }
        }
        self.clients = Some(clients);
        Ok(run)
    }

    /// After a part changed what its account's Security Hub holds, the same reading asked
    /// once more on the watch's bus (`again_event`): of two runs about one role whose writes
    /// cross — the older reading written last —, the last change is then followed by a reading
    /// made after it, which writes the role's answer as it is. A run that changed nothing asks
    /// nothing, so the chain ends; destroy's last re-proof asks nothing (the bus goes with it).
    async fn ask_again(&self, clients: &Clients, run: &mut OrgRun) {
        let round = match &run.change {
            OrgChange::Again { round, .. } => round + 1,
            OrgChange::Retire { .. } => return,
            _ => 1,
        };
        for one in &mut run.accounts {
            let changed = matches!(&one.published, Some(Ok(s)) if s.imported + s.resolved > 0);
            if !changed {
                continue;
            }
            let Some(bus) = self.settings.bus.as_deref() else {
                one.again = Some(ReRead::NoBus);
                continue;
            };
            let Some(event) = again_event(&one.account, one.role.as_deref(), round, "re-read")
            else {
                one.again = Some(ReRead::LastRound { rounds: round - 1 });
                continue;
            };
            let calls = CallCount::default();
            let failed =
                crate::aws::watch::organization::sweep::put_sweep(clients, bus, &[event], &calls)
                    .await;
            one.calls += calls.get();
            one.again = Some(match failed.into_values().next() {
                Some(why) => ReRead::Failed { why },
                None => ReRead::Asked { round },
            });
        }
    }

    /// The account `change` reaches, and what of it. A sweep's account reads the
    /// organization's policies again, once per sweep in this environment.
    fn scope(&mut self, change: &OrgChange) -> Option<(String, Reach)> {
        match change {
            OrgChange::Role { account, name, .. } => {
                Some((account.clone(), Reach::Role(name.clone())))
            }
            OrgChange::Policy { account, arn, .. } => {
                Some((account.clone(), Reach::Policy(arn.clone())))
            }
            OrgChange::Function { arn, .. } => {
                lambda_trust_iam::Arn::parse(arn).map(|a| (a.account, Reach::Account))
            }
            OrgChange::Again { account, role, .. } => {
                let reach = role.clone().map_or(Reach::Account, Reach::Role);
                Some((account.clone(), reach))
            }
            OrgChange::Account { account, sweep, .. }
            | OrgChange::Retire {
                account,
                run: sweep,
            } => {
                if self.read_for.as_ref() != Some(sweep) {
                    // The sweep asks for every account: the organization is read whole once.
                    self.org = Arc::new(OrgReader::reading_whole());
                    self.read_for = Some(sweep.clone());
                }
                Some((account.clone(), Reach::Account))
            }
            OrgChange::Organization { .. }
            | OrgChange::Sweep { .. }
            | OrgChange::Nothing { .. } => None,
        }
    }

    /// The whole organization asked for: the sweep fanned out, one event per account; an
    /// Organizations call drops the policies this environment read.
    async fn swept(
        &mut self,
        clients: &Clients,
        events: &dyn Events,
        change: &OrgChange,
        home: Option<&str>,
    ) -> Option<SweptRecord> {
        let why = match change {
            OrgChange::Organization { call, .. } => format!("{} in the organization", call.event),
            OrgChange::Sweep { why } => why.clone(),
            _ => return None,
        };
        let opts = self.options(clients);
        let to = super::sweep::Fanning {
            bus: self.settings.bus.as_deref(),
            aggregator: (self.settings.aggregator.as_deref()).zip(home),
            opts: &opts,
        };
        let swept = super::sweep::fan_out(clients, &to, &why).await;
        events.event(Event::Said(Said::Swept {
            sweep: swept.sweep.clone(),
            put: swept.put,
            accounts: swept.accounts,
        }));
        Some(swept)
    }

    /// One account's part: its reader assumed, what the change reaches re-proved — a role, the
    /// roles a policy is attached to (each its own part), or the account —, each part's
    /// findings imported into its Security Hub under the role's (or the account's) generator
    /// prefix, which settles only what that reading covers.
    async fn account(
        &self,
        clients: &Clients,
        events: &dyn Events,
        account: &str,
        reach: Reach,
        change: &OrgChange,
        render: &dyn OrgRender,
    ) -> Vec<AccountRun> {
        let calls = CallCount::default();
        let failed = |(blind, why): (Blind, String), calls: &CallCount| AccountRun {
            calls: calls.get(),
            blind: Some(blind),
            ..AccountRun::read(account, None, Err(why))
        };
        let session = match self.session(clients, account, &calls).await {
            Ok(session) => session,
            Err(why) => return vec![failed((Blind::ReaderNotAssumed, why), &calls)],
        };
        let heard = match reach {
            Reach::Account => Some(hearing(&session, &calls).await),
            Reach::Role(_) | Reach::Policy(_) => None,
        };
        let roles = match reached(&session, reach, &calls).await {
            Ok(roles) => roles,
            Err(why) => return vec![failed((Blind::ReadRefused, why), &calls)],
        };
        let mut parts = Vec::new();
        for role in roles {
            let reached = Reached::new(&session, account, role.as_deref());
            let report = self.reproved(clients, reached, &calls);
            let report = report.await;
            let (mut published, mut ledger) = (None, None);
            let mut blind = report.is_err().then_some(Blind::ReadRefused);
            if let Ok(report) = &report {
                let findings = render.findings(report, change);
                let held = keeps_ledger(change, role.as_deref()).then(|| held(account, &findings));
                let sent = publish(reached, &clients.region(), findings, events).await;
                if let (Some(held), Ok(_)) = (held, &sent) {
                    ledger = Some(keep_ledger(clients, account, &held, &calls).await);
                }
                blind = sent.as_ref().err().map(|(cause, _)| *cause);
                published = Some(sent.map_err(|(_, why)| why));
            }
            // Each part counts its own calls; the first, the reader assumed and the listing too.
            let calls = calls.take() + published_calls(&published);
            parts.push(AccountRun {
                published,
                blind,
                calls,
                heard: heard.clone(),
                ledger,
                ..AccountRun::read(account, role, report)
            });
        }
        parts
    }

    /// The account's reader session.
    async fn session(
        &self,
        clients: &Clients,
        account: &str,
        calls: &CallCount,
    ) -> std::result::Result<Clients, String> {
        let reader = EntryRole {
            name: self.settings.reader.clone(),
            external_id: None,
            session_name: self.settings.session.clone(),
        };
        let session = assume(clients, account, &reader, calls).await;
        session.map_err(|mut e| {
            if let (true, Some(hint)) = (e.code.as_deref() == Some("AccessDenied"), e.hint.as_mut())
            {
                hint.push_str(
                    ": the watch's reader role is made in each member by its StackSet; \
                     `lambda-trust watch status --organization` names an account whose \
                     instance is not CURRENT, and `watch deploy --organization` makes it",
                );
            }
            crate::error::shown(&e)
        })
    }

    /// What was `reached` proved over the whole path, read through its session, its findings
    /// the baseline accepts marked suppressed.
    async fn reproved(
        &self,
        clients: &Clients,
        reached: Reached<'_>,
        calls: &CallCount,
    ) -> std::result::Result<AccountReport, String> {
        let Reached {
            session,
            account,
            role,
        } = reached;
        let opts = self.options(clients);
        let reads = PathReads::sharing(clients, self.org.clone());
        let mut report = match role {
            Some(name) => one_role(session, account, name, &opts, calls, &reads).await,
            None => {
                let known = Some(account.to_owned());
                let read =
                    crate::app::path_reads::audit_one_path(session, known, &opts, calls, &reads);
                read.await.map_err(|e| Error::from(e).human())
            }
        };
        if let (Ok(report), Some(baseline)) = (&mut report, &self.baseline) {
            let today = chrono::Utc::now().date_naive();
            let outcome = lambda_trust_audit::apply_baseline(baseline, [&mut *report], today);
            report.baseline = Some(outcome);
        }
        report
    }

    fn options(&self, clients: &Clients) -> AuditOptions {
        AuditOptions {
            partners: self.settings.partners.clone(),
            region: Some(clients.region()),
            genesys_org_ids: self.settings.genesys_org_ids.clone(),
            ..AuditOptions::default()
        }
    }
}

/// The roles a change reaches in its account: one by name, the account's (`None`), or those a
/// managed policy is attached to; why not, when they could not be listed.
async fn reached(
    session: &Clients,
    reach: Reach,
    calls: &CallCount,
) -> std::result::Result<Vec<Option<String>>, String> {
    Ok(match reach {
        Reach::Role(name) => vec![Some(name)],
        Reach::Account => vec![None],
        Reach::Policy(arn) => (roles_of_policy(session, &arn, calls).await)
            .map_err(|e| crate::error::shown(&e))?
            .into_iter()
            .map(Some)
            .collect(),
    })
}

/// Role `name` of `account` proved over the whole path: `GetRole` first, and its policies and
/// path only when a partner can assume it (a role that is gone, or that no partner can
/// assume, is a report without roles: what was found about it before is resolved).
async fn one_role(
    session: &Clients,
    account: &str,
    name: &str,
    opts: &AuditOptions,
    calls: &CallCount,
    reads: &PathReads<'_>,
) -> std::result::Result<AccountReport, String> {
    let shown = |e: AwsError| crate::error::shown(&e);
    let mut iam = AccountIam {
        account_id: account.to_owned(),
        ..AccountIam::default()
    };
    let Some(mut detail) = read_role(session, name, calls).await.map_err(shown)? else {
        return Ok(lambda_trust_audit::account_report(
            &iam,
            opts,
            Vec::new(),
            calls.get(),
        ));
    };
    let trust_only = AuditRole::from(detail.clone());
    if lambda_trust_audit::audit_role(&iam, &trust_only, opts).is_none() {
        iam.roles.push(trust_only);
        return Ok(lambda_trust_audit::account_report(
            &iam,
            opts,
            Vec::new(),
            calls.get(),
        ));
    }
    read_role_policies(session, &mut detail, calls)
        .await
        .map_err(shown)?;
    if let Some(usage) = detail.usage.take() {
        iam.usage.insert(detail.arn.clone(), usage);
    }
    iam.roles.push(AuditRole::from(detail));
    read_used_policies(session, &mut iam, calls)
        .await
        .map_err(shown)?;
    let iam = Arc::new(iam);
    let roles = prove_roles(&iam, opts).await.map_err(|e| e.to_string())?;
    let mut report = lambda_trust_audit::account_report(&iam, opts, roles, calls.get());
    let path = read_path(session, &iam, &report, calls, reads).await;
    lambda_trust_audit::judge_path(&mut report, &iam, opts, &path);
    report.summary.calls = calls.get();
    Ok(report)
}

/// Tells the watch's own Security Hub whether `one`'s account is watched: a finding naming it
/// when it could not be read or published to, so no account goes blind in silence; when a
/// partner role of it was read and published, what such a finding said before is settled —
/// by the re-reading when this run asked for one. A role no partner can assume settles nothing
/// (its event stays at three calls): the account's next partner role or reading does.
async fn tell_the_watch(
    clients: &Clients,
    home: &str,
    one: &mut AccountRun,
    render: &dyn OrgRender,
) {
    let why = match (&one.report, &one.published) {
        (Err(why), _) | (_, Some(Err(why))) => Some(why.clone()),
        (Ok(report), _) if report.roles.is_empty() && one.heard.is_none() => return,
        _ => None,
    };
    let region = clients.region();
    let at = HubAt {
        account: home,
        region: region.as_str(),
    };
    let blind = one.blind.unwrap_or(Blind::ReadRefused);
    let findings: Vec<Value> = (why.iter())
        .map(|why| render.not_watched(at, &one.account, (blind, why)))
        .chain((one.heard.iter()).filter_map(|h| render.not_heard(at, &one.account, h)))
        .collect();
    // Only settling, after asking for the same reading again: that reading, which follows,
    // settles it (so an event that changed a finding stays within its bound of calls).
    if findings.is_empty() && matches!(one.again, Some(ReRead::Asked { .. })) {
        return;
    }
    // A whole account's reading read its trails too, so it settles what was said of both.
    let prefix = match one.heard {
        Some(_) => OrgWatchGenerator::Account {
            account: &one.account,
            code: "",
        },
        None => OrgWatchGenerator::not_watched(&one.account),
    }
    .to_string();
    let sent = hub::send_to(
        clients,
        HubAt {
            account: home,
            region: &region,
        },
        findings,
        &prefix,
    )
    .await;
    let sent = sent.map_err(|e| crate::error::shown(&e));
    one.calls += published_calls(&Some(sent.clone()));
    one.watch_account = Some(sent);
}

/// `findings` imported into the Security Hub of the account `reached` (through its reader
/// session) under the prefix of what was read — the role, or the whole account —, which settles
/// the rest.
async fn publish(
    Reached {
        session,
        account,
        role,
    }: Reached<'_>,
    region: &str,
    findings: Vec<Value>,
    events: &dyn Events,
) -> std::result::Result<Sent, (Blind, String)> {
    let prefix = OrgWatchGenerator::Settled { account, role }.to_string();
    let sent = hub::send_to(session, HubAt { account, region }, findings, &prefix).await;
    let sent = sent.map_err(|e| match e.is_code("InvalidAccessException") {
        true => (Blind::HubOff, crate::error::shown(&e)),
        false => (Blind::HubRefused, crate::error::shown(&e)),
    });
    if let Ok(s) = &sent {
        events.event(Event::Said(hub::summary(s, region)));
    }
    sent
}

/// Whether a part's reading keeps the ledger: a whole account's, but destroy's last one (the
/// ledger goes with the watch).
fn keeps_ledger(change: &OrgChange, role: Option<&str>) -> bool {
    role.is_none() && !matches!(change, OrgChange::Retire { .. })
}

/// What the account holds once `findings` (today's, all active) are imported.
fn held(account: &str, findings: &[Value]) -> Held {
    let generators = findings.iter().filter_map(|f| f["GeneratorId"].as_str());
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Held::of(account, generators, &at)
}

/// The ledger told what `account` holds, in the watch's own account: read, and written only
/// when it holds something else.
async fn keep_ledger(
    clients: &Clients,
    account: &str,
    held: &Held,
    calls: &CallCount,
) -> LedgerWrite {
    let failed = |e: AwsError| LedgerWrite::Failed {
        why: crate::error::shown(&e),
    };
    let region = clients.region();
    let at = InRegion {
        clients,
        region: &region,
    };
    match ledger::read_held(at, account, calls).await {
        Ok(Some(was)) if was.same_as(held) => LedgerWrite::Kept,
        Ok(_) => match ledger::write_held(at, account, held, calls).await {
            Ok(()) => LedgerWrite::Written,
            Err(e) => failed(e),
        },
        Err(e) => failed(e),
    }
}

/// Whether the account's IAM calls reach EventBridge, and so the watch's rules: a trail (its
/// own, or the organization's) logging its management events where IAM's calls are announced
/// (`iam_events_region`), read through its reader.
async fn hearing(session: &Clients, calls: &CallCount) -> Hearing {
    let partition = session.partition();
    let region = lambda_trust_iam::iam_events_region(partition);
    match crate::aws::watch::trail::logging_trail(session, region, calls).await {
        Ok(Some(trail)) => Hearing::Heard { trail },
        Ok(None) => Hearing::NotHeard {
            region: region.to_owned(),
        },
        Err(e) => Hearing::Unknown {
            region: region.to_owned(),
            why: crate::error::shown(&e),
        },
    }
}

fn published_calls(published: &Option<std::result::Result<Sent, String>>) -> usize {
    match published {
        // The `GetFindings` pages that read what is held, and the imports.
        Some(Ok(sent)) => sent.reads + sent.calls,
        Some(Err(_)) | None => 0,
    }
}

impl Watch for OrgWatcher {
    type Record = OrgWatchRecord;
    type Render = dyn OrgRender;

    /// The event classified (`lambda_trust_provision::classify_org_event`), re-proved and
    /// published ([`OrgWatcher::on_change`]), and recorded.
    async fn run(
        &mut self,
        at: &Serving<'_, dyn OrgRender>,
        invocation: Invocation,
    ) -> Result<OrgWatchRecord> {
        let home = lambda_trust_iam::Arn::parse(&invocation.function_arn).map(|a| a.account);
        let change = classify_org_event(&invocation.event, home.as_deref());
        let run = self.on_change(at.settings, at.events, change, home, at.render);
        Ok(at.render.record(&run.await?))
    }

    fn outcome(record: &OrgWatchRecord) -> WatchOutcome {
        WatchOutcome::from(record)
    }

    fn said(record: OrgWatchRecord) -> Event {
        Event::OrgWatchRun(Box::new(record))
    }
}
