//! `lambda-trust audit`: every role of an account (or of many) that a partner can assume,
//! proved. Reads through `aws::audit`, decides in `core::audit`, renders with `report`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::files::write_report_files;
use super::invocation::{Invocation, Output};
use super::progress::{accounts_bar, spinner};
use crate::aws::audit::{self as read, CallCount};
use crate::aws::{AwsError, Clients};
use crate::cli::{AuditArgs, PartnerPreset};
use crate::config::{self, Partner};
use crate::core::audit::{
    self, parse_accounts, AccountOutcome, AccountReport, AuditOptions, ConfigIdentity, OrgReport,
};
use crate::error::{Error, Result, Status};
use crate::iam::arn::Arn;
use crate::report::{self, AccountAudit, OrgAudit};

/// Partners and the optional config, from the flags.
fn options(config: Option<&Path>, args: &AuditArgs) -> Result<AuditOptions> {
    let mut partners: Vec<String> = args
        .partner
        .iter()
        .map(|p| match p {
            PartnerPreset::GenesysCloud => Partner::GenesysCloud.account_id(),
            PartnerPreset::GenesysCloudFedramp => Partner::GenesysCloudFedramp.account_id(),
        })
        .map(str::to_owned)
        .chain(args.partner_account.iter().cloned())
        .collect();
    partners.sort();
    partners.dedup();
    let config = match config {
        None => None,
        Some(path) => {
            let loaded = config::load(path)?;
            Some(ConfigIdentity {
                role_name: loaded.config.role.name.clone(),
                digest: loaded.config.identity_digest(),
            })
        }
    };
    Ok(AuditOptions {
        partner_principals: partner_principals(args, &partners)?,
        partners,
        config,
        region: None,
    })
}

/// `--partner-principal`: ARNs of a user, role or role session, each in one of the partner
/// accounts when they are given.
fn partner_principals(args: &AuditArgs, partners: &[String]) -> Result<Vec<String>> {
    for p in &args.partner_principals {
        let arn = Arn::parse(p).filter(|a| matches!(a.service.as_str(), "iam" | "sts"));
        let Some(arn) = arn.filter(|a| a.account.len() == 12) else {
            return Err(Error::usage(
                format!(
                    "--partner-principal {p:?} is not the ARN of an IAM user, role or role session"
                ),
                "for example --partner-principal arn:aws:iam::111122223333:role/VendorRole",
            ));
        };
        if !partners.is_empty() && !partners.contains(&arn.account) {
            return Err(Error::usage(
                format!(
                    "--partner-principal {p:?} is not in a partner account ({})",
                    partners.join(", ")
                ),
                format!(
                    "add --partner-account {} or give a principal of a partner account",
                    arn.account
                ),
            ));
        }
    }
    Ok(args.partner_principals.clone())
}

/// Why one account could not be audited: a read failed, or the prover's task did not finish.
#[derive(Debug, thiserror::Error)]
pub(super) enum AuditFailure {
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// The prover runs on a blocking thread; it panicked or was cancelled (a bug, not AWS).
    #[error(
        "the proof of the account's roles stopped (a bug in lambda-trust: please report it): {0}"
    )]
    Prover(#[from] tokio::task::JoinError),
}

impl From<AuditFailure> for crate::error::Error {
    fn from(failure: AuditFailure) -> Self {
        match failure {
            AuditFailure::Aws(e) => e.into(),
            prover @ AuditFailure::Prover(_) => anyhow::Error::new(prover).into(),
        }
    }
}

/// Reads one account and audits it; `account` is known in an organization run.
pub(super) async fn audit_one(
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

pub(super) async fn run(inv: &Invocation, args: &AuditArgs) -> Result<Status> {
    let mut opts = options(inv.config.if_given()?.as_deref(), args)?;
    if let Some(path) = &args.template {
        return super::iac::run_template(inv, args, path, opts);
    }
    if let Some(path) = &args.input {
        return super::iac::run_input(inv, args, path, opts);
    }
    if let Some(path) = &args.plan {
        return super::iac::run_plan(inv, args, path, opts);
    }
    let clients = Clients::connect(&inv.aws).await?;
    // Counterexamples name a function in the audited role's account and this region.
    opts.region = Some(clients.region());
    if args.organization || args.accounts.is_some() {
        return run_many(&inv.output, args, &clients, &opts).await;
    }
    let pb = spinner("reading the account's IAM and proving each role");
    let calls = CallCount::default();
    let report = audit_one(&clients, None, &opts, &calls).await;
    pb.finish_and_clear();
    render(&inv.output, args, &report?)
}

/// Writes the report files and prints one account's report in the chosen format.
pub(super) fn render(output: &Output, args: &AuditArgs, report: &AccountReport) -> Result<Status> {
    write_report_files(
        &args.files,
        || report::audit_sarif(report),
        || report::audit_json(report),
    )?;
    let audit = AccountAudit {
        report,
        meta: html_meta(),
    };
    write_html(args, || report::audit_html(report, &audit.meta))?;
    output.emit(&audit)?;
    Ok(report.status())
}

/// The accounts to audit: the file's, or the organization's (with their names).
async fn accounts(
    args: &AuditArgs,
    clients: &Clients,
    calls: &CallCount,
) -> Result<(Vec<String>, BTreeMap<String, String>)> {
    if let Some(path) = &args.accounts {
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
        .map_err(|e| Error::from(anyhow::Error::new(e)))?;
    let ids = listed.iter().map(|a| a.id.clone()).collect();
    let names = listed
        .into_iter()
        .filter(|a| !a.name.is_empty())
        .map(|a| (a.id, a.name))
        .collect();
    Ok((ids, names))
}

async fn run_many(
    output: &Output,
    args: &AuditArgs,
    clients: &Clients,
    opts: &AuditOptions,
) -> Result<Status> {
    let role = args.assume_role.clone().unwrap_or_default();
    let org_calls = CallCount::default();
    let (ids, names) = accounts(args, clients, &org_calls).await?;
    let pb = accounts_bar(ids.len());
    let pb_ref = Arc::new(pb);
    let outcomes: Vec<AccountOutcome> = stream::iter(ids)
        .map(|account| {
            let (pb, role) = (pb_ref.clone(), role.clone());
            async move {
                let calls = CallCount::default();
                let result = match read::assume(clients, &account, &role, &calls).await {
                    Ok(assumed) => audit_one(&assumed, Some(account.clone()), opts, &calls).await,
                    Err(e) => Err(AuditFailure::Aws(e)),
                };
                pb.inc(1);
                match result {
                    Ok(r) => AccountOutcome::Report(r),
                    Err(e) => AccountOutcome::Error {
                        account,
                        error: e.to_string(),
                        calls: calls.get(),
                    },
                }
            }
        })
        .buffer_unordered(usize::from(args.concurrency))
        .collect()
        .await;
    pb_ref.finish_and_clear();
    let report = OrgReport::new(outcomes, org_calls.get()).with_names(names);
    write_report_files(
        &args.files,
        || report::audit_org_sarif(&report),
        || report::audit_org_json(&report),
    )?;
    let audit = OrgAudit {
        report: &report,
        meta: html_meta(),
    };
    write_html(args, || report::audit_org_html(&report, &audit.meta))?;
    output.emit(&audit)?;
    Ok(report.status())
}

/// The HTML page's header facts: now, and this build.
fn html_meta() -> report::HtmlMeta {
    report::HtmlMeta {
        generated: chrono::Utc::now(),
        version: crate::cli::VERSION.to_owned(),
    }
}

/// `--html FILE`: the page of the same report, beside `--json`/`--sarif`.
fn write_html(args: &AuditArgs, html: impl FnOnce() -> String) -> Result<()> {
    if let Some(path) = &args.html {
        std::fs::write(path, html())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
