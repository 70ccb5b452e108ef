//! `audit`'s workflow over one resolved [`AuditSource`]: the caller's account, many accounts
//! (an organization's, or a file's), an infrastructure-as-code file, or a saved snapshot of an
//! account's IAM. Reads through `aws::audit` (or the files), decides in `core::audit`; the
//! command renders what it returns ([`Audited`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use futures::stream::{self, StreamExt};

use super::error::AppError;
use super::events::{Event, Events};
use super::iac::{read_file, read_model, IacSource};
use super::settings::Settings;
use crate::aws::audit::{self as read, CallCount};
use crate::aws::{AwsError, Clients};
use crate::core::audit::{
    self, parse_accounts, AccountOutcome, AccountReport, AuditOptions, OrgReport,
};
use crate::core::iac::{self as core_iac, IacReport};
use crate::error::{shown, Error, Hinted, Result};

/// What to audit, resolved once from the flags.
#[derive(Debug, Clone)]
pub enum AuditSource {
    /// The account of the caller's credentials.
    Account,
    /// Many accounts, each entered with `sts:AssumeRole` into `assume_role`, `concurrency` at a
    /// time.
    Accounts {
        list: AccountList,
        assume_role: String,
        concurrency: u16,
    },
    /// A CloudFormation template or a Terraform plan (no AWS call).
    Iac(IacSource),
    /// A saved `get-account-authorization-details` answer (`--input`; no AWS call).
    Snapshot(PathBuf),
}

/// Where the accounts of a many-account audit come from.
#[derive(Debug, Clone)]
pub enum AccountList {
    /// `--organization`: `ListAccounts`.
    Organization,
    /// `--accounts FILE`: one ID a line.
    File(PathBuf),
}

/// An audit's report, by source.
#[derive(Debug)]
pub enum Audited {
    /// One account, live or from a snapshot.
    Account(AccountReport),
    /// Many accounts.
    Org(OrgReport),
    /// An infrastructure-as-code file.
    Iac(IacReport),
}

/// Audits `source`. `opts.region` is set here, by the one region rule (the live account's: its
/// clients' region): counterexamples name a function in it. `account_id`: `--account-id`.
pub async fn audit(
    settings: &Settings,
    events: &dyn Events,
    source: &AuditSource,
    mut opts: AuditOptions,
    account_id: Option<String>,
) -> Result<Audited> {
    opts.region = settings.region(None);
    match source {
        AuditSource::Iac(iac) => {
            let (model, file) = read_model(iac, account_id, opts.region.clone())?;
            return Ok(Audited::Iac(core_iac::audit(&model, &opts, &file)));
        }
        AuditSource::Snapshot(path) => {
            let hint = "give the JSON file `aws iam get-account-authorization-details` wrote";
            let (file, text) = read_file("--input", path, hint)?;
            let iam = audit::parse_details(&file, &text, account_id.as_deref())
                .map_err(AppError::Details)?;
            return Ok(Audited::Account(audit::audit_account(&iam, &opts, 0)));
        }
        AuditSource::Account | AuditSource::Accounts { .. } => {}
    }
    let clients = Clients::connect(&settings.aws_for(None)).await?;
    // Counterexamples name a function in the audited role's account and this region.
    opts.region = Some(clients.region());
    if let AuditSource::Accounts {
        list,
        assume_role,
        concurrency,
    } = source
    {
        let many = Many {
            list,
            assume_role,
            concurrency: usize::from(*concurrency),
        };
        return Ok(Audited::Org(
            audit_many(events, &clients, &opts, many).await?,
        ));
    }
    let calls = CallCount::default();
    let what = "reading the account's IAM and proving each role";
    let report = events
        .reading(what, audit_one(&clients, None, &opts, &calls))
        .await;
    Ok(Audited::Account(report?))
}

/// Why one account could not be audited: a read failed, or the prover's task did not finish.
#[derive(Debug, thiserror::Error)]
pub enum AuditFailure {
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// The prover runs on a blocking thread; it panicked or was cancelled (a bug, not AWS).
    #[error(
        "the proof of the account's roles stopped (a bug in lambda-trust: please report it): {0}"
    )]
    Prover(#[from] tokio::task::JoinError),
}

impl Hinted for AuditFailure {
    fn hint(&self) -> Option<String> {
        match self {
            AuditFailure::Aws(e) => e.hint(),
            AuditFailure::Prover(_) => None,
        }
    }
}

impl From<AuditFailure> for Error {
    fn from(failure: AuditFailure) -> Self {
        match failure {
            AuditFailure::Aws(e) => e.into(),
            AuditFailure::Prover(e) => AppError::Prover(e).into(),
        }
    }
}

/// Reads one account and audits it; `account` is known in an organization run.
pub async fn audit_one(
    clients: &Clients,
    account: Option<String>,
    opts: &AuditOptions,
    calls: &CallCount,
) -> std::result::Result<AccountReport, AuditFailure> {
    let account = match account {
        Some(a) => a,
        None => read::caller_account(clients, calls).await?,
    };
    let mut iam = read::read_account(clients, &account, calls).await?;
    let missing = audit::policies_to_read(&iam, opts);
    read::read_policies(clients, &missing, &mut iam, calls).await?;
    let (opts, count) = (opts.clone(), calls.get());
    // The prover is CPU work: keep it off the async workers that drive other accounts' reads.
    Ok(tokio::task::spawn_blocking(move || audit::audit_account(&iam, &opts, count)).await?)
}

/// A many-account audit's source, borrowed.
struct Many<'a> {
    list: &'a AccountList,
    assume_role: &'a str,
    concurrency: usize,
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
    let listed = read::list_accounts(clients, calls)
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

async fn audit_many(
    events: &dyn Events,
    clients: &Clients,
    opts: &AuditOptions,
    many: Many<'_>,
) -> Result<OrgReport> {
    let org_calls = CallCount::default();
    let (ids, names) = accounts(many.list, clients, &org_calls).await?;
    events.event(Event::Counting { total: ids.len() });
    let outcomes: Vec<AccountOutcome> = stream::iter(ids)
        .map(|account| async move {
            let calls = CallCount::default();
            let result = match read::assume(clients, &account, many.assume_role, &calls).await {
                Ok(assumed) => audit_one(&assumed, Some(account.clone()), opts, &calls).await,
                Err(e) => Err(AuditFailure::Aws(e)),
            };
            events.event(Event::Counted);
            match result {
                Ok(r) => AccountOutcome::Report(r),
                Err(e) => AccountOutcome::Error {
                    account,
                    // The account's error as people read it: the message and its hint.
                    error: shown(&e),
                    calls: calls.get(),
                },
            }
        })
        .buffer_unordered(many.concurrency)
        .collect()
        .await;
    events.event(Event::ReadDone);
    Ok(OrgReport::new(outcomes, org_calls.get()).with_names(names))
}
