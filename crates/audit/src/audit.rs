//! Auditing an account: each role judged from the account's IAM, its whole path, and which
//! policies the path needs read.

use crate::{
    access,
    account::{AccountIam, AuditOptions, AuditRole},
    documents,
    findings::{Code, Finding},
    path::{self, AuditPath},
    report::{AccountPath, AccountReport, ExternalIds, IdKind, RoleReport, Summary},
    trust,
};
use lambda_trust_config::{CONFIG_TAG_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE};
use lambda_trust_verdict::SCHEMA_VERSION;

/// Audits every role of one account, one after the other. `calls` is what reading it cost, for
/// the summary. The live audit splits the roles across the machine's cores itself
/// (`app::audit`: the executor owns the parallelism, shared by the accounts audited side by
/// side) and hands the proved roles to [`account_report`].
pub fn audit_account(iam: &AccountIam, opts: &AuditOptions, calls: usize) -> AccountReport {
    let roles = (iam.roles.iter())
        .filter_map(|r| audit_role(iam, r, opts))
        .collect();
    account_report(iam, opts, roles, calls)
}

/// The account's report from its roles' reports ([`audit_role`] of each role, in any order).
pub fn account_report(
    iam: &AccountIam,
    opts: &AuditOptions,
    mut roles: Vec<RoleReport>,
    calls: usize,
) -> AccountReport {
    sort_roles(&mut roles);
    AccountReport {
        schema_version: SCHEMA_VERSION,
        account: iam.account_id.clone(),
        partners: opts.partners.clone(),
        path: None,
        summary: Summary {
            roles_scanned: iam.roles.len(),
            roles_reported: roles.len(),
            calls,
        },
        roles,
        region: opts.region.clone(),
        baseline: None,
        recorded_in: None,
        not_read: Vec::new(),
        genesys: None,
    }
}

/// Worst first, then by name: the order of the human table and of the JSON.
pub(crate) fn sort_roles(roles: &mut [RoleReport]) {
    roles.sort_by(|a, b| {
        let rank = |r: &RoleReport| r.worst().map_or(3, |s| s as u8);
        rank(a).cmp(&rank(b)).then_with(|| a.role.cmp(&b.role))
    });
}

/// The whole path judged for every reported role of `report` (over the functions it may
/// invoke) with `path` — the organization and function policies read or given —, and the
/// listed functions scanned for direct access by a partner or anyone.
pub fn judge_path(
    report: &mut AccountReport,
    iam: &AccountIam,
    opts: &AuditOptions,
    p: &AuditPath,
) {
    for r in &mut report.roles {
        let Some(role) = iam.roles.iter().find(|x| x.arn == r.arn) else {
            continue;
        };
        let partners = match opts.partners.is_empty() {
            true => r.assumable_by.clone(),
            false => opts.partners.clone(),
        };
        let found =
            path::role_findings(iam, role, &partners, opts, &r.external_ids, &r.invokable, p);
        r.findings.extend(found);
        let orgs = p.sources.orgs.get(&iam.account_id);
        r.guarded = crate::guardrail::guarded(orgs, &r.arn, &partners, &opts.genesys_org_ids);
        r.findings.sort_by_key(|f| (f.severity, f.code));
    }
    sort_roles(&mut report.roles);
    report.path = Some(account_path(iam, opts, &report.roles, p));
}

/// The account's part of the whole path: each account's organization policies (the audited
/// one's and every target's), and the scan of the listed functions.
fn account_path(
    iam: &AccountIam,
    opts: &AuditOptions,
    roles: &[RoleReport],
    p: &AuditPath,
) -> AccountPath {
    let mut accounts = vec![iam.account_id.clone()];
    accounts.extend(p.sources.orgs.keys().cloned());
    accounts.extend((roles.iter()).flat_map(|r| &r.invokable).filter_map(|a| {
        let account = lambda_trust_iam::split_arn(a)?[4];
        (!account.contains(['*', '?'])).then(|| account.to_owned())
    }));
    accounts.sort();
    accounts.dedup();
    AccountPath {
        organization: path::organization(p, &accounts),
        functions_listed: p.functions.as_ref().map(|l| l.arns.len()),
        functions_not_listed: p.not_listed.clone(),
        functions: path::open_functions(&iam.account_id, &opts.partners, p),
    }
}

/// The managed policies that roles whose trust policy names a partner (or anyone) use,
/// attached or as a boundary, and that `iam` does not hold: the AWS managed ones, which the
/// account pass leaves out. A cheap superset of what the reported roles need (no prover).
pub fn policies_to_read(iam: &AccountIam, opts: &AuditOptions) -> Vec<String> {
    let mut out: Vec<String> = iam
        .roles
        .iter()
        .filter(|r| trust::may_concern(&iam.account_id, r, &opts.partners))
        .flat_map(|r| r.attached.iter().chain(&r.boundary))
        .filter(|arn| !iam.policies.contains_key(*arn))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The report of one role, or `None` when no partner (no outsider) can assume it.
pub fn audit_role(iam: &AccountIam, role: &AuditRole, opts: &AuditOptions) -> Option<RoleReport> {
    let trust = trust::analyse(&iam.account_id, role, opts)?;
    let access = access::analyse(iam, role, opts.region.as_deref());
    let mut findings = trust.findings;
    findings.extend(access.findings);
    findings.extend(ownership(role, opts));
    findings.sort_by_key(|f| (f.severity, f.code));
    let documents = documents::of(iam, role, &findings);
    documents::mark(&role.arn, &documents, &mut findings);
    Some(RoleReport {
        role: role.name.clone(),
        arn: role.arn.clone(),
        managed: role.is_managed(),
        assumable_by: trust.assumable_by,
        external_ids: trust.external_ids,
        invokable: access.invokable,
        invokable_scope: access.scope,
        findings,
        guarded: None,
        documents,
        usage: iam.usage.get(&role.arn).cloned(),
    })
}

/// The invokable set of one role and the witnesses of its patterns, computed as the audit does
/// or (`reference`) by the method it replaced, one proof per candidate ARN: the tests' oracle
/// and the benchmark's baseline.
#[doc(hidden)]
pub fn invokable_set(
    iam: &AccountIam,
    role: &AuditRole,
    region: Option<&str>,
    reference: bool,
) -> (Vec<String>, Vec<(String, lambda_trust_iam::Request)>) {
    access::invokable_set(iam, role, region, reference)
}

/// `unmanaged` for a role without our tag; with `--config`, `config-mismatch` for a managed
/// role of that name whose `lambda-trust:config` digest is another config's.
fn ownership(role: &AuditRole, opts: &AuditOptions) -> Option<Finding> {
    if !role.is_managed() {
        return Some(Finding::new(
            Code::Unmanaged,
            format!("not managed by lambda-trust (no tag {MANAGED_BY_KEY} = {MANAGED_BY_VALUE})"),
            None,
        ));
    }
    let want = opts.config.as_ref()?;
    if want.role_name != role.name {
        return None;
    }
    let live = role.tags.get(CONFIG_TAG_KEY).map(String::as_str);
    (live != Some(want.digest.as_str())).then(|| {
        Finding::new(
            Code::ConfigMismatch,
            format!(
                "managed by lambda-trust, but its {CONFIG_TAG_KEY} tag is {} and the given config's is {}: the trusted account, external ID, role path or policy name differ",
                live.unwrap_or("absent"),
                want.digest
            ),
            None,
        )
    })
}

/// The reported roles that one of `partners` (account IDs) can assume with `external_id`, as
/// the audit proved them: the ID is one of the accepted values, matches an accepted pattern, or
/// any ID is accepted. `init --from-genesys` offers these when Genesys Cloud redacts the role ARN.
pub fn roles_accepting<'a>(
    report: &'a AccountReport,
    partners: &[&str],
    external_id: &str,
) -> Vec<&'a RoleReport> {
    let root = |p: &str| {
        lambda_trust_iam::Arn::parse(p).is_some_and(|a| partners.contains(&a.account.as_str()))
    };
    let accepts = |ids: &ExternalIds| match ids.kind {
        IdKind::Any => true,
        IdKind::Pattern => {
            (ids.values.iter()).any(|p| lambda_trust_iam::wildcard_match(p, external_id, true))
        }
        IdKind::Fixed | IdKind::Several => ids.values.iter().any(|v| v == external_id),
    };
    (report.roles.iter())
        .filter(|r| r.assumable_by.iter().any(|p| p == "*" || root(p)))
        .filter(|r| accepts(&r.external_ids))
        .collect()
}
