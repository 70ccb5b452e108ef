//! `audit`'s workflow over one resolved [`AuditSource`]: the caller's account, many accounts
//! (an organization's, or a file's), an infrastructure-as-code file, or a saved snapshot of an
//! account's IAM. Reads through `aws::audit` (or the files), decides in `lambda_trust_audit`; the
//! command renders what it returns ([`Audited`]), and may write with the [`Sessions`] it read
//! each account with (`--to-security-hub`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use futures::stream::{self, StreamExt};

use super::error::AppError;
use super::events::{Event, Events};
use super::iac::{read_file, read_model, IacSource};
use super::path::org_policies_from_dir;
use super::path_reads::{audit_one_path, PathReads};
use super::prove_roles::{prove_roles, AuditFailure};
use super::sessions::{Assumed, Sessions};
use super::settings::Settings;
use crate::aws::audit as read;
use crate::aws::organizations::{read_tree, OrgReader, Tags};
use crate::aws::sessions::{self, CallCount, EntryRole};
use crate::aws::Clients;
use crate::error::{shown, Error, Result};
use crate::event::Read;
use lambda_trust_audit::{
    self, audit_iac_proved, parse_accounts, AccountIam, AccountOutcome, AccountReport,
    AuditOptions, AuditPath, IacReport, OrgReport, OrgTree,
};
use lambda_trust_iam::OrgPolicies;
use lambda_trust_model::FunctionPolicy;
use lambda_trust_model::PathSources;

/// What to audit, resolved once from the flags.
#[derive(Debug, Clone)]
pub(crate) enum AuditSource {
    /// The account of the caller's credentials.
    Account,
    /// Many accounts, each entered with `sts:AssumeRole` into `assume_role`, `concurrency` at a
    /// time; the caller's own account with the caller's session (the management account never
    /// holds a role Organizations or service-managed StackSets put in member accounts: AWS
    /// Organizations User Guide, "Accessing member accounts"). `way_out`: what the command
    /// says to do of an account it cannot enter.
    Accounts {
        list: AccountList,
        assume_role: EntryRole,
        concurrency: u16,
        way_out: &'static str,
    },
    /// A CloudFormation template or a Terraform plan (no AWS call).
    Iac(IacSource),
    /// A saved `get-account-authorization-details` answer (`--input`; no AWS call).
    Snapshot(PathBuf),
    /// Every account an AWS Config aggregator of the caller's account and region covers
    /// (`--config-aggregator NAME`; `app::aggregator`).
    ConfigAggregator(String),
}

/// Where the accounts of a many-account audit come from.
#[derive(Debug, Clone)]
pub(crate) enum AccountList {
    /// `--organization`: `ListAccounts`; with the organization and the caller's account when
    /// they were read already (the guardrail's), else they are read here.
    Organization(Option<ReadAlready>),
    /// `--accounts FILE`: one ID a line.
    File(PathBuf),
}

/// The organization read whole, and the caller's account, before the audit.
#[derive(Debug, Clone)]
pub(crate) struct ReadAlready {
    pub(crate) tree: Arc<OrgTree>,
    pub(crate) caller: String,
}

/// An audit's report, by source.
#[derive(Debug)]
pub(crate) enum Audited {
    /// One account, live or from a snapshot.
    Account(AccountReport),
    /// Many accounts.
    Org(OrgReport),
    /// An infrastructure-as-code file.
    Iac(IacReport),
}

/// Audits `source`, with the [`Sessions`] it read the accounts with when `keep` (else none are
/// kept: an organization's sessions are dropped account by account). `opts.region` is set here,
/// by the one region rule (the live account's: its clients' region): counterexamples name a
/// function in it. `account_id`: `--account-id`; `org_policies`: `--org-policies DIR`, the
/// offline audits' organization policies.
pub(crate) async fn audit_keeping(
    settings: &Settings,
    events: &dyn Events,
    source: &AuditSource,
    mut opts: AuditOptions,
    account_id: Option<String>,
    org_policies: Option<&Path>,
    keep: bool,
) -> Result<(Audited, Sessions)> {
    opts.region = settings.region(None);
    // Bad input is refused before any call.
    super::path::check_org_policies_dir(org_policies)?;
    match source {
        AuditSource::Iac(iac) => {
            let audited = audit_iac(iac, &opts, account_id, org_policies).await?;
            return Ok((audited, Sessions::default()));
        }
        AuditSource::Snapshot(path) => {
            let audited = audit_snapshot(path, &opts, account_id, org_policies).await?;
            return Ok((audited, Sessions::default()));
        }
        AuditSource::Account | AuditSource::Accounts { .. } | AuditSource::ConfigAggregator(_) => {}
    }
    let clients = Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    // Counterexamples name a function in the audited role's account and this region.
    opts.region = Some(clients.region());
    let live = audit_live(events, &clients, source, &opts, org_policies, keep).await?;
    let sessions = match keep {
        true => Sessions::keeping(clients, live.kept, live.own),
        false => Sessions::default(),
    };
    Ok((live.audited, sessions))
}

/// A live audit's report, the sessions it kept and the caller's own account (when known).
struct Live {
    audited: Audited,
    kept: BTreeMap<String, Assumed>,
    own: Option<String>,
}

/// Audits a live `source` (the caller's account, many accounts, an aggregator's).
async fn audit_live(
    events: &dyn Events,
    clients: &Clients,
    source: &AuditSource,
    opts: &AuditOptions,
    org_policies: Option<&Path>,
    keep: bool,
) -> Result<Live> {
    let none = BTreeMap::new();
    Ok(match source {
        AuditSource::ConfigAggregator(name) => {
            // Kept for a write after it: the caller's own account is written with its own
            // credentials, the others through `--assume-role`.
            let own = match keep {
                true => Some(read::caller_account(clients, &CallCount::default()).await?),
                false => None,
            };
            let report = super::aggregator::audit_aggregator(events, clients, opts, name).await?;
            Live {
                audited: Audited::Org(report),
                kept: none,
                own,
            }
        }
        AuditSource::Accounts {
            list,
            assume_role,
            concurrency,
            way_out,
        } => {
            let many = Many {
                list,
                assume_role,
                concurrency: usize::from(*concurrency),
                keep,
                way_out,
                own: String::new(),
            };
            let (report, kept, own) = audit_many(events, clients, opts, many).await?;
            Live {
                audited: Audited::Org(report),
                kept,
                own: Some(own),
            }
        }
        // The caller's account (the offline sources returned above); with `--org-policies`,
        // its organization policies from the files (a member account may not read them).
        _ => Live {
            audited: Audited::Account(audit_caller(events, clients, opts, org_policies).await?),
            kept: none,
            own: None,
        },
    })
}

/// A template or a plan, read and proved; with `--org-policies`, its path judged.
async fn audit_iac(
    iac: &IacSource,
    opts: &AuditOptions,
    account_id: Option<String>,
    org_policies: Option<&Path>,
) -> Result<Audited> {
    let (model, file) = read_model(iac, account_id, opts.region.clone())?;
    let orgs =
        (org_policies.map(|d| org_policies_from_dir(d, &model.iam.account_id))).transpose()?;
    let report = prove_account(&model.iam, opts).await?;
    let report = audit_iac_proved(&model, opts, &file, orgs, report);
    Ok(Audited::Iac(report))
}

/// A saved `get-account-authorization-details` answer, proved; with `--org-policies`, the
/// organization's part of its path judged.
async fn audit_snapshot(
    path: &Path,
    opts: &AuditOptions,
    account_id: Option<String>,
    org_policies: Option<&Path>,
) -> Result<Audited> {
    let hint = "give the JSON file `aws iam get-account-authorization-details` wrote";
    let (file, text) = read_file("--input", path, hint)?;
    let iam = lambda_trust_audit::parse_details(&file, &text, account_id.as_deref())
        .map_err(AppError::Details)?;
    let orgs = (org_policies.map(|d| org_policies_from_dir(d, &iam.account_id))).transpose()?;
    let mut report = prove_account(&iam, opts).await?;
    if let Some(orgs) = orgs {
        let path = snapshot_path(&iam, &report, orgs);
        lambda_trust_audit::judge_path(&mut report, &iam, opts, &path);
    }
    Ok(Audited::Account(report))
}

/// The caller's account, read, proved and its whole path judged; with `--org-policies`, its
/// organization policies from the files (a member account may not read them).
async fn audit_caller(
    events: &dyn Events,
    clients: &Clients,
    opts: &AuditOptions,
    org_policies: Option<&Path>,
) -> Result<AccountReport> {
    let calls = CallCount::default();
    let mut org = PathReads::new(clients);
    let mut account = None;
    if let Some(dir) = org_policies {
        let id = read::caller_account(clients, &calls).await?;
        org.given = Some((id.clone(), org_policies_from_dir(dir, &id)?));
        account = Some(id);
    }
    let report = events
        .reading(
            Read::AccountAudit,
            audit_one_path(clients, account, opts, &calls, &org),
        )
        .await;
    Ok(report?)
}

/// A saved snapshot's path: the organization policies given, and no function policy (the
/// snapshot holds none): availability is decided against the organization's policies, and who
/// else gets into a function is not judged.
fn snapshot_path(iam: &AccountIam, report: &AccountReport, orgs: OrgPolicies) -> AuditPath {
    let not_read = || FunctionPolicy::NotRead {
        reason: "a get-account-authorization-details answer holds no function policy".into(),
    };
    let invokable = report.roles.iter().flat_map(|r| &r.invokable);
    AuditPath {
        sources: PathSources {
            genesys_org: None,
            orgs: BTreeMap::from([(iam.account_id.clone(), orgs)]),
            function_policies: (invokable.filter(|a| !a.contains(['*', '?'])))
                .map(|a| (a.clone(), not_read()))
                .collect(),
            ..PathSources::default()
        },
        not_listed: Some("a get-account-authorization-details answer lists no function".into()),
        no_function_policies: true,
        ..AuditPath::default()
    }
}

/// `lambda_trust_audit`'s report of an offline account (a template's, a plan's, a snapshot's), its
/// roles proved on every core.
async fn prove_account(iam: &AccountIam, opts: &AuditOptions) -> Result<AccountReport> {
    let shared = Arc::new(iam.clone());
    let roles = prove_roles(&shared, opts)
        .await
        .map_err(AuditFailure::from)?;
    Ok(lambda_trust_audit::account_report(iam, opts, roles, 0))
}

/// A many-account audit's source, borrowed.
struct Many<'a> {
    list: &'a AccountList,
    assume_role: &'a EntryRole,
    concurrency: usize,
    /// Keep each account's session ([`Sessions`]).
    keep: bool,
    /// What to do of an account the role cannot be assumed in.
    way_out: &'a str,
    /// The caller's own account, read with the caller's session.
    own: String,
}

/// The accounts to audit: the file's, or the organization's (with their names).
async fn accounts(
    list: &AccountList,
    clients: &Clients,
    calls: &CallCount,
) -> Result<(Vec<String>, BTreeMap<String, String>)> {
    if let AccountList::File(path) = list {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::usage(
                format!("cannot read --accounts {}: {e}", path.display()),
                "give a file with one AWS account ID per line",
            )
        })?;
        let ids = parse_accounts(&text).map_err(|bad| {
            Error::usage(
                format!("--accounts {}: {}", path.display(), bad.join("; ")),
                "one 12-digit account ID per line; `#` starts a comment",
            )
        })?;
        return Ok((ids, BTreeMap::new()));
    }
    let listed = crate::aws::organizations::list_accounts(clients, calls)
        .await
        .map_err(AppError::ListAccounts)?;
    let ids = listed.iter().map(|a| a.id.clone()).collect();
    let names = listed
        .into_iter()
        .filter(|a| !a.name.is_empty())
        .map(|a| (a.id, a.name))
        .collect();
    Ok((ids, names))
}

/// Every account of `many`, each through its own assumed session (the caller's own with the
/// caller's); with `many.keep`, the sessions of the accounts audited, by account ID; and the
/// caller's account.
async fn audit_many(
    events: &dyn Events,
    clients: &Clients,
    opts: &AuditOptions,
    many: Many<'_>,
) -> Result<(OrgReport, BTreeMap<String, Assumed>, String)> {
    let org_calls = CallCount::default();
    let (ids, names, own, org) = listed(many.list, clients, &org_calls).await?;
    let many = Many { own, ..many };
    events.event(Event::Counting { total: ids.len() });
    let reads = &PathReads::sharing(clients, Arc::new(org));
    let many = &many;
    let done: Vec<(AccountOutcome, Option<Assumed>)> = stream::iter(ids)
        .map(|account| async move {
            let done = audit_member(clients, opts, many, account, reads).await;
            events.event(Event::Counted);
            done
        })
        .buffer_unordered(many.concurrency)
        .collect()
        .await;
    events.event(Event::ReadDone);
    let mut sessions = BTreeMap::new();
    let mut outcomes = Vec::with_capacity(done.len());
    for (outcome, session) in done {
        if let (AccountOutcome::Report(r), Some(session)) = (&outcome, session) {
            sessions.insert(r.account.clone(), session);
        }
        outcomes.push(outcome);
    }
    let mut report = OrgReport::new(outcomes, org_calls.get());
    report.names = names;
    Ok((report, sessions, many.own.clone()))
}

/// The accounts of `list` with their names, the caller's account, and the reader of their
/// organization policies. A file is checked before any call. The organization's list, the
/// caller's account and the organization read whole (unless given: the guardrail's) are read
/// at once; each member's levels then come from the tree, without a call of the member's. A
/// tree that cannot be read leaves each account's levels to a walk up from it, which says
/// what it could not read.
async fn listed(
    list: &AccountList,
    clients: &Clients,
    calls: &CallCount,
) -> Result<(Vec<String>, BTreeMap<String, String>, String, OrgReader)> {
    let AccountList::Organization(given) = list else {
        let (ids, names) = accounts(list, clients, calls).await?;
        let own = read::caller_account(clients, calls).await?;
        return Ok((ids, names, own, OrgReader::default()));
    };
    if let Some(read) = given {
        let (ids, names) = accounts(list, clients, calls).await?;
        let org = OrgReader::over(read.tree.clone());
        return Ok((ids, names, read.caller.clone(), org));
    }
    let (listed, own, tree) = tokio::join!(
        accounts(list, clients, calls),
        read::caller_account(clients, calls),
        read_tree(clients, Tags::Skipped)
    );
    let (ids, names) = listed?;
    let org = tree
        .ok()
        .map_or_else(OrgReader::default, |t| OrgReader::over(Arc::new(t)));
    Ok((ids, names, own?, org))
}

/// One account of a many-account audit, entered with `sts:AssumeRole`; its session, when
/// `many.keep`.
async fn audit_member(
    clients: &Clients,
    opts: &AuditOptions,
    many: &Many<'_>,
    account: String,
    reads: &PathReads<'_>,
) -> (AccountOutcome, Option<Assumed>) {
    let calls = CallCount::default();
    if account == many.own {
        // The caller's own account: its own session, no sts:AssumeRole.
        let r = audit_one_path(clients, Some(account.clone()), opts, &calls, reads).await;
        return (outcome(account, r, &calls), None);
    }
    let asked = Instant::now();
    let assumed = sessions::assume_keeping(clients, &account, many.assume_role, &calls).await;
    let (result, session) = match assumed {
        Ok((assumed, credentials)) => {
            let r = audit_one_path(&assumed, Some(account.clone()), opts, &calls, reads).await;
            let keep = many.keep.then_some(Assumed::new(credentials, asked));
            (r, keep)
        }
        Err(mut e) => {
            if let (true, Some(hint)) = (e.code.as_deref() == Some("AccessDenied"), e.hint.as_mut())
            {
                hint.push_str(": ");
                hint.push_str(many.way_out);
            }
            (Err(AuditFailure::Aws(e)), None)
        }
    };
    (outcome(account, result, &calls), session)
}

/// One account's outcome: its report, or its error as people read it (message and hint).
fn outcome(
    account: String,
    result: std::result::Result<AccountReport, AuditFailure>,
    calls: &CallCount,
) -> AccountOutcome {
    match result {
        Ok(r) => AccountOutcome::Report(r),
        Err(e) => AccountOutcome::Error {
            account,
            error: shown(&e),
            calls: calls.get(),
        },
    }
}
