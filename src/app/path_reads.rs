//! One account read and audited with the whole path of its partner roles (application floor),
//! common ground of `audit --organization` and the organization watch: the account's IAM read
//! and proved, then the functions of its region, their policies and the organization policies
//! over each account on the path ([`PathReads`]: read once per run, or given), judged by the
//! auditor (`lambda_trust_audit::judge_path`).

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::future::join_all;

use super::prove_roles::{prove_roles, AuditFailure};
use crate::aws::audit as read;
use crate::aws::organizations::OrgReader;
use crate::aws::sessions::CallCount;
use crate::aws::Clients;
use crate::error::shown;
use lambda_trust_audit::{AccountIam, AccountReport, AuditOptions, AuditPath, ListedFunctions};
use lambda_trust_iam::{account_of, OrgPolicies, RoleAccount};
use lambda_trust_model::PathSources;

/// The whole path's reads shared by every account of a run: the organization policies, read
/// once per account with the run's own credentials (an organization run's are the management
/// account's, which may read them; a member account's may not).
pub(crate) struct PathReads<'a> {
    org: Arc<OrgReader>,
    clients: &'a Clients,
    /// `--org-policies DIR`: one account's policies, given instead of read.
    pub(crate) given: Option<(String, OrgPolicies)>,
}

impl<'a> PathReads<'a> {
    pub(crate) fn new(clients: &'a Clients) -> PathReads<'a> {
        Self::sharing(clients, Arc::default())
    }

    /// Reads with `clients`, remembering what `org` read before (the organization watch keeps
    /// it while its execution environment lives).
    pub(crate) fn sharing(clients: &'a Clients, org: Arc<OrgReader>) -> PathReads<'a> {
        PathReads {
            org,
            clients,
            given: None,
        }
    }

    /// The organization policies over `account`: given, or read.
    async fn policies(&self, account: &str) -> OrgPolicies {
        match &self.given {
            Some((given, policies)) if given == account => policies.clone(),
            _ => self.org.policies(self.clients, account).await,
        }
    }
}

/// Reads one account and audits it; `account` is known in an organization run.
pub(crate) async fn audit_one(
    clients: &Clients,
    account: Option<String>,
    opts: &AuditOptions,
    calls: &CallCount,
) -> std::result::Result<AccountReport, AuditFailure> {
    Ok(read_and_audit(clients, account, opts, calls).await?.1)
}

async fn read_and_audit(
    clients: &Clients,
    account: Option<String>,
    opts: &AuditOptions,
    calls: &CallCount,
) -> std::result::Result<(AccountIam, AccountReport), AuditFailure> {
    let account = match account {
        Some(a) => a,
        None => read::caller_account(clients, calls).await?,
    };
    let mut iam = read::read_account(clients, &account, calls).await?;
    let missing = lambda_trust_audit::policies_to_read(&iam, opts);
    read::read_policies(clients, &missing, &mut iam, calls).await?;
    let iam = Arc::new(iam);
    let roles = prove_roles(&iam, opts).await?;
    let report = lambda_trust_audit::account_report(&iam, opts, roles, calls.get());
    let iam = Arc::try_unwrap(iam).unwrap_or_else(|shared| (*shared).clone());
    Ok((iam, report))
}

/// [`audit_one`], then the whole path of its partner roles judged and its functions scanned.
pub(crate) async fn audit_one_path(
    clients: &Clients,
    account: Option<String>,
    opts: &AuditOptions,
    calls: &CallCount,
    reads: &PathReads<'_>,
) -> std::result::Result<AccountReport, AuditFailure> {
    let (iam, report) = read_and_audit(clients, account, opts, calls).await?;
    let path = read_path(clients, &iam, &report, calls, reads).await;
    let opts = opts.clone();
    let mut report = tokio::task::spawn_blocking(move || {
        let mut report = report;
        lambda_trust_audit::judge_path(&mut report, &iam, &opts, &path);
        report
    })
    .await?;
    report.summary.calls = calls.get();
    Ok(report)
}

/// What the whole path of `report`'s roles needs: the functions of the account in the audit's
/// region (`ListFunctions`, one call a page of 50), the policy of each (and of each listed
/// invokable ARN; `GetPolicy`, one call each, paced), and — when a role is reported — the
/// organization policies of the account and of each target's account.
pub(crate) async fn read_path(
    clients: &Clients,
    iam: &AccountIam,
    report: &AccountReport,
    calls: &CallCount,
    reads: &PathReads<'_>,
) -> AuditPath {
    let region = clients.region();
    let (functions, not_listed) = match read::list_functions(clients, &region, calls).await {
        Ok(arns) => (Some(ListedFunctions { region, arns }), None),
        Err(e) => (None, Some(shown(&e))),
    };
    let invokable = report.roles.iter().flat_map(|r| &r.invokable);
    let arns = lambda_trust_audit::arns_to_read(invokable, functions.as_ref());
    let mut accounts: BTreeSet<String> = arns.iter().map(|a| account_of(a).to_owned()).collect();
    accounts.insert(iam.account_id.clone());
    let orgs = async {
        if report.roles.is_empty() {
            return Vec::new();
        }
        let read = accounts.into_iter().map(|a| async move {
            let policies = reads.policies(&a).await;
            (a, policies)
        });
        join_all(read).await
    };
    let (orgs, policies) = tokio::join!(orgs, read::function_policies(clients, &arns, calls));
    AuditPath {
        sources: PathSources {
            genesys_org: None,
            orgs: orgs.into_iter().collect(),
            function_policies: policies.into_iter().map(|t| (t.arn, t.policy)).collect(),
            ..PathSources::default()
        },
        scan: functions.iter().flat_map(|l| l.arns.clone()).collect(),
        functions,
        not_listed,
        orgs_not_given: false,
        no_function_policies: false,
        account: RoleAccount::Given,
    }
}
