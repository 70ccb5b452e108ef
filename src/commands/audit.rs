//! `lambda-trust audit`: every role of an account (or of many, or of a template, a plan or a
//! saved snapshot) that a partner can assume, proved (`app::audit` over one `AuditSource`);
//! rendered here, with the report files.

use lambda_trust_verdict::Judged;
use std::path::{Path, PathBuf};

use super::files::{sarif_and_json, write_report_files};
use super::invocation::{Invocation, Output};
use crate::app::audit::{AccountList, AuditSource, Audited};
use crate::app::audit_genesys::GenesysSource;
use crate::app::audit_run::{self, AuditDone, AuditRun};
use crate::app::iac::IacSource;
use crate::app::security_hub;
use crate::app::EntryRole;
use crate::app::Events;
use crate::cli::{AuditArgs, PartnerPreset};
use crate::error::{Error, Result, Status};
use crate::report::{self, AccountAudit, Format, OrgAudit};
use lambda_trust_audit::{
    AccountOutcome, AccountReport, AuditOptions, ConfigIdentity, IacReport, OrgReport,
};
use lambda_trust_config::Partner;
use lambda_trust_iam::Arn;

pub(super) async fn run(inv: &Invocation, events: &dyn Events, args: &AuditArgs) -> Result<Status> {
    let config = inv.config.if_given()?;
    let genesys = match args.genesys {
        true => Some(genesys_source(config.as_deref())?),
        false => None,
    };
    let run = AuditRun {
        options: options(config.as_deref(), args)?,
        source: source(args)?,
        account_id: args.account_id.clone(),
        org_policies: args.org_policies.clone(),
        keep_sessions: args.to_security_hub,
        genesys,
        findings_need_region: findings_asked(&inv.output, args),
        unused_days: args.unused_days,
        baseline: args.baseline.clone(),
        write_baseline: args.write_baseline.clone(),
    };
    let AuditDone { audited, sessions } = audit_run::run(&inv.settings, events, run).await?;
    let status = match &audited {
        Audited::Account(report) => render(&inv.output, args, report)?,
        Audited::Org(report) => render_org(&inv.output, args, report)?,
        Audited::Iac(report) => render_iac(&inv.output, args, report)?,
    };
    if args.to_security_hub {
        let to = security_hub::ToSecurityHub {
            accounts: security_hub_findings(&audited),
            assume_role: entry_role(args).filter(|_| {
                args.organization || args.accounts.is_some() || args.config_aggregator.is_some()
            }),
            concurrency: usize::from(args.concurrency),
        };
        security_hub::send(&inv.settings, events, to, sessions).await?;
    }
    Ok(status)
}

/// `--to-security-hub`: each audited account's ASFF findings (an account that could not be
/// audited has none to send, and is not touched).
fn security_hub_findings(audited: &Audited) -> Vec<security_hub::AccountFindings> {
    let meta = html_meta();
    let one = |r: &AccountReport| security_hub::AccountFindings {
        account: r.account.clone(),
        findings: report::asff::account_findings(r, &meta),
    };
    match audited {
        Audited::Account(r) => vec![one(r)],
        Audited::Org(org) => (org.accounts.iter())
            .filter_map(|a| match a {
                AccountOutcome::Report(r) => Some(one(r)),
                AccountOutcome::Error { .. } => None,
            })
            .collect(),
        Audited::Iac(_) => Vec::new(),
    }
}

/// The one source the flags name.
fn source(args: &AuditArgs) -> Result<AuditSource> {
    if let Some(path) = &args.template {
        no_html(args, "--template")?;
        let parameters = args.parameters.iter().cloned().collect();
        let path = path.clone();
        return Ok(AuditSource::Iac(IacSource::Template { path, parameters }));
    }
    if let Some(path) = &args.input {
        return Ok(AuditSource::Snapshot(path.clone()));
    }
    if let Some(path) = &args.plan {
        no_html(args, "--plan")?;
        let source_dir = args.source_dir.clone();
        let path = path.clone();
        return Ok(AuditSource::Iac(IacSource::Plan { path, source_dir }));
    }
    if let Some(name) = &args.config_aggregator {
        if args.to_security_hub && args.assume_role.is_none() {
            return Err(Error::usage(
                "--to-security-hub with --config-aggregator needs --assume-role",
                "Security Hub takes a finding only from its own account: give the role to \
                 assume in each account (as with --organization), or leave out --to-security-hub",
            ));
        }
        return Ok(AuditSource::ConfigAggregator(name.clone()));
    }
    let list = match (&args.accounts, args.organization) {
        (Some(file), _) => AccountList::File(file.clone()),
        (None, true) => AccountList::Organization(None),
        (None, false) => return Ok(AuditSource::Account),
    };
    Ok(AuditSource::Accounts {
        list,
        assume_role: entry_role(args).unwrap_or_else(|| EntryRole {
            name: String::new(),
            external_id: None,
            session_name: EntryRole::SESSION_NAME.to_owned(),
        }),
        concurrency: args.concurrency,
        way_out: "create the --assume-role role there (docs/audit.md), or leave the account \
                  out with --accounts FILE",
    })
}

/// `--assume-role` with its external ID and session name.
fn entry_role(args: &AuditArgs) -> Option<EntryRole> {
    Some(EntryRole {
        name: args.assume_role.clone()?,
        external_id: args.assume_role_external_id.clone(),
        session_name: args.role_session_name.clone(),
    })
}

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
            let loaded = lambda_trust_config::ConfigFile::new(path).load()?;
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
        genesys_org_ids: args.genesys_org_ids.clone(),
    })
}

/// `--genesys`: the Genesys Cloud region and OAuth secret of `--config`'s `[genesys]`, if any.
fn genesys_source(config: Option<&Path>) -> Result<GenesysSource> {
    let loaded = (config.map(|c| lambda_trust_config::ConfigFile::new(c).load())).transpose()?;
    Ok(GenesysSource::of(
        loaded.as_ref().and_then(|l| l.config.genesys.as_ref()),
    ))
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

/// `--html FILE`, `--asff FILE`, `--ocsf FILE` (`--format html|asff|ocsf` are refused with
/// the other formats an IaC audit lacks): an IaC file has no live role to report on.
fn no_html(args: &AuditArgs, flag: &str) -> Result<()> {
    let given = [
        ("the HTML report is", &args.html),
        ("the ASFF findings are", &args.asff),
        ("the OCSF findings are", &args.ocsf),
    ];
    if let Some((what, _)) = given.into_iter().find(|(_, f)| f.is_some()) {
        return Err(Error::usage(
            format!("{what} not made for {flag}"),
            format!("use --format human, json or sarif (or --json/--sarif FILE) with {flag}"),
        ));
    }
    Ok(())
}

/// Whether ASFF or OCSF findings are asked for: they name the region (the product ARN,
/// Security Hub's own region), so `app::audit_run` refuses an `--input` audit without one
/// before anything is written (the baseline included).
fn findings_asked(output: &Output, args: &AuditArgs) -> bool {
    matches!(output.format, Format::Asff | Format::Ocsf)
        || args.asff.is_some()
        || args.ocsf.is_some()
        || args.to_security_hub
}

/// Writes the report files and prints one account's report in the chosen format.
fn render(output: &Output, args: &AuditArgs, report: &AccountReport) -> Result<Status> {
    let audit = AccountAudit {
        report,
        meta: html_meta(),
    };
    write_report_files(&audit, &audit_files(args))?;
    output.emit(&audit)?;
    Ok(report.status())
}

fn render_org(output: &Output, args: &AuditArgs, report: &OrgReport) -> Result<Status> {
    let audit = OrgAudit {
        report,
        meta: html_meta(),
    };
    write_report_files(&audit, &audit_files(args))?;
    output.emit(&audit)?;
    Ok(report.status())
}

fn render_iac(output: &Output, args: &AuditArgs, report: &IacReport) -> Result<Status> {
    write_report_files(report, &sarif_and_json(&args.files))?;
    output.emit(report)?;
    Ok(report.status())
}

/// Every report file an audit may write: `--sarif`, `--json`, `--html`, `--asff`, `--ocsf`.
fn audit_files(args: &AuditArgs) -> Vec<(Format, &Option<PathBuf>)> {
    let mut files = sarif_and_json(&args.files).to_vec();
    files.extend([
        (Format::Html, &args.html),
        (Format::Asff, &args.asff),
        (Format::Ocsf, &args.ocsf),
    ]);
    files
}

/// The HTML page's header facts: now, and this build.
fn html_meta() -> report::HtmlMeta {
    report::HtmlMeta {
        generated: chrono::Utc::now(),
        version: crate::cli::VERSION.to_owned(),
    }
}
