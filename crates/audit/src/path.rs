//! The whole path of every partner role the audit finds: the same two claims `verify` makes
//! for a configured role (the model's `path`, the `iam` crate's `path`; docs/aws-behaviour.md,
//! "The whole path") — Genesys Cloud gets through to each function the role may invoke, and
//! nobody else gets in — decided by the same prover and judged by the same `path_claims`, then
//! written as the audit's findings. Also the account's own functions whose policy lets a
//! partner account or anyone invoke them directly, whether or not a role grants them.
//!
//! Part of the pure auditor: the adapters (or `--org-policies` files, or a template's
//! Lambda permissions) hand over what they read as an [`AuditPath`]; what was not read is
//! never proved (`path-not-read`, `path-unknown`).

use std::collections::BTreeMap;

use serde_json::json;

use super::access;
use super::account::{AccountIam, AuditOptions, AuditRole};
use super::findings::{Code, Finding};
use super::report::{ExternalIds, FunctionReport, IdKind};
use super::trust::ANYONE;
use lambda_trust_config::Partner;
use lambda_trust_iam::{
    account_of, path_security, resource_match, split_arn, Known, OrgPolicies, PathInput,
    PathPartner, PathReport, PathTarget, Policy, RoleAccount, RoleSide, SecurityFinding, WayIn,
};
use lambda_trust_iam::{Arn, AwsResource};
use lambda_trust_model::{path_claims, Claim, ClaimVerdict, FunctionPolicy, PathCode, PathSources};
use lambda_trust_verdict::Outcome;

/// What the path needs beyond the account's IAM, as read (or given).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditPath {
    /// Organization policies per account; function policies per invoked ARN (qualifier
    /// included). An account or ARN absent here was not read.
    pub sources: PathSources,
    /// The functions listed in the audited account (`lambda:ListFunctions`), unqualified ARNs:
    /// what a wildcard in an invokable ARN stands for, and the functions the account-wide scan
    /// reads. `None`: not listed (a template: only its own functions are known).
    pub functions: Option<Listed>,
    /// Why the functions were not listed, when a listing was refused or failed.
    pub not_listed: Option<String>,
    /// The functions the account-wide scan judges (the listed ones; a template's permissions').
    pub scan: Vec<String>,
    /// The organization policies were not given (an offline audit without `--org-policies`):
    /// said once in the report's `path.organization`, not as a finding on every role.
    pub orgs_not_given: bool,
    /// The function policies are not known at all (a saved snapshot): only availability is
    /// judged; who else gets in is not (the report says so).
    pub no_function_policies: bool,
    /// Whether the audited account's ID is the account's, or a stand-in (code audited without
    /// `--account-id`).
    pub account: RoleAccount,
}

/// The functions of one account and region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listed {
    /// The region.
    pub region: String,
    /// Unqualified function ARNs.
    pub arns: Vec<String>,
}

/// Each target's two claims judged: the failed or unknown ones grouped by claim, and each
/// way into a function besides the role, with its own request.
fn judged(
    targets: Vec<lambda_trust_model::TargetClaims>,
    report: &PathReport,
    path: &AuditPath,
) -> (Vec<(Claim, Vec<String>)>, Vec<Finding>) {
    let mut found: Vec<(Claim, Vec<String>)> = Vec::new();
    let mut ways = Vec::new();
    for t in targets {
        // The role's own policies are the audit's trust and access findings' business (who
        // gets in, with which IDs; the invokable set is already the effective one).
        let available = t.genesys_gets_through;
        let mut nobody_else = t.nobody_else;
        // Its function policy not read, and nothing else: one unknown (who else gets in, a
        // security matter), saying Genesys Cloud's way through is not proved either.
        let one_cause = nobody_else.code == Some(PathCode::PathUnknown)
            && available.code == Some(PathCode::PathNotRead)
            && !lambda_trust_model::names_org_policies(&available.detail);
        // Told by the security unknown, when that one is judged.
        let told = one_cause && !path.no_function_policies;
        if one_cause {
            nobody_else
                .detail
                .push_str("; so whether Genesys Cloud gets through is not proved either");
        }
        // Only the organization policies are unknown on this target's path.
        let only_orgs = (report.availability.iter())
            .find(|a| a.target == t.target)
            .is_some_and(|a| a.unknown.is_empty());
        // Organization policies not given: said once (`path.organization`), not per target.
        let not_given =
            path.orgs_not_given && only_orgs && available.code == Some(PathCode::PathNotRead);
        if available.verdict != ClaimVerdict::Proved
            && available.code != Some(PathCode::RoleBlocks)
            && !not_given
            && !told
        {
            group(&mut found, available, &t.target);
        }
        match nobody_else.verdict {
            _ if path.no_function_policies => {}
            ClaimVerdict::Proved => {}
            // Each way in, with its own request.
            ClaimVerdict::Refuted => ways.extend(ways_in(report, &t.target)),
            ClaimVerdict::Unknown => group(&mut found, nobody_else, &t.target),
        }
    }
    (found, ways)
}

/// The path findings of one reported role, over the functions it may invoke.
pub(super) fn role_findings(
    iam: &AccountIam,
    role: &AuditRole,
    partners: &[String],
    opts: &AuditOptions,
    external_ids: &ExternalIds,
    invokable: &[String],
    path: &AuditPath,
) -> Vec<Finding> {
    let Ok(trust) = Policy::try_from(&role.trust) else {
        return Vec::new();
    };
    let (targets, unlisted) = targets(invokable, path.functions.as_ref());
    let (identity, boundary) = access::policies(iam, role);
    let input = PathInput {
        partner: PathPartner {
            account: partner_account(partners),
            external_id: external_id(external_ids),
            principals: opts.partner_principals.clone(),
        },
        role: RoleSide {
            arn: role.arn.clone(),
            account: path.account.clone(),
            trust,
            identity,
            boundary,
            // A tag a template leaves unknown before deployment: what the tags decide is not
            // known (an exclusion tag of an identity perimeter, say).
            tags: match super::unknown_marker::holds_unknown(&role.tags) {
                true => Known::Unknown {
                    reason: "the role's tags hold values unknown before deployment".into(),
                },
                false => Known::Known(role.tags.clone()),
            },
        },
        targets: (targets.iter())
            .map(|arn| path.sources.target(arn))
            .collect(),
        orgs: path.sources.orgs.clone(),
    };
    let report = PathReport::new(&input, lambda_trust_iam::Budget::default());
    let claims = path_claims(&input, &report);
    let (found, ways) = judged(claims.targets, &report, path);
    let mut out: Vec<Finding> = ways;
    out.extend(
        found
            .into_iter()
            .map(|(claim, targets)| finding(claim, &targets)),
    );
    if !unlisted.is_empty() {
        out.push(not_listed(&unlisted, path));
    }
    out
}

/// One finding per claim that reads the same for several targets (an organization not read
/// says so once), each naming its targets.
fn group(found: &mut Vec<(Claim, Vec<String>)>, claim: Claim, target: &str) {
    let same = |(c, _): &&mut (Claim, Vec<String>)| {
        c.code == claim.code && c.detail == claim.detail && c.request.is_none()
    };
    match found.iter_mut().find(same) {
        Some((_, targets)) if claim.request.is_none() => targets.push(target.to_owned()),
        _ => found.push((claim, vec![target.to_owned()])),
    }
}

/// The finding of `claim`, naming the `targets` it reads the same for.
fn finding(claim: Claim, targets: &[String]) -> Finding {
    let code = claim.code.map_or(Code::PathNotRead, Code::of_path);
    Finding {
        severity: code.severity(),
        code,
        outcome: match claim.verdict {
            ClaimVerdict::Unknown => Outcome::Unknown,
            _ => code.outcome(),
        },
        message: format!("{}: {}", targets.join(", "), claim.detail),
        counterexample: claim.request,
        admitted_by: Vec::new(),
        suppression: None,
        remedy: code.remedy().to_owned(),
    }
}

/// The security findings of one target: one per statement that lets others in, coded by
/// who gets in (a statement open to anyone is `function-policy-open`, even though the partner
/// is among them).
fn ways_in(report: &PathReport, target: &str) -> Vec<Finding> {
    let found = report.security.iter().filter(|s| s.target == target);
    let findings: Vec<&SecurityFinding> = found.flat_map(|s| &s.findings).collect();
    way_findings(
        target,
        &findings,
        |f| f.way == WayIn::PartnerDirect,
        "the role",
    )
}

/// One finding per statement of `findings`: `partner-bypasses-role` when `partner` says the
/// way is the partner's and the statement lets no one else in, else `function-policy-open`.
fn way_findings(
    target: &str,
    findings: &[&SecurityFinding],
    partner: impl Fn(&SecurityFinding) -> bool,
    without: &str,
) -> Vec<Finding> {
    let mut statements: Vec<usize> = findings.iter().map(|f| f.statement.index).collect();
    statements.sort_unstable();
    statements.dedup();
    let mut out = Vec::new();
    for index in statements {
        let of: Vec<&&SecurityFinding> = (findings.iter())
            .filter(|f| f.statement.index == index)
            .collect();
        let others = of.iter().find(|f| !partner(f));
        let (code, f) = match others {
            Some(f) => (Code::FunctionPolicyOpen, *f),
            None => (Code::PartnerBypassesRole, of[0]),
        };
        let who = match code {
            Code::PartnerBypassesRole => {
                format!("partner account {}", account_of(&f.request.principal))
            }
            _ => format!("others ({})", f.way.code()),
        };
        let sid = (f.statement.sid.as_deref())
            .map(|s| format!(" (Sid {s})"))
            .unwrap_or_default();
        out.push(Finding {
            severity: code.severity(),
            code,
            outcome: code.outcome(),
            message: format!(
                "{target}: statement {index}{sid} of its function policy lets {who} invoke it \
                 directly, without {without} and its external ID"
            ),
            counterexample: Some(json!(f.request)),
            admitted_by: Vec::new(),
            suppression: None,
            remedy: code.remedy().to_owned(),
        });
    }
    out
}

/// The functions a pattern matches were not all listed: the gap is the listing's, and so is
/// its step (never the organization policies' of `path-not-read`'s other gaps).
fn not_listed(patterns: &[String], path: &AuditPath) -> Finding {
    let patterns = patterns.join(", ");
    let (scope, step) = match (&path.functions, &path.not_listed) {
        (Some(l), _) => (
            format!("only the functions of region {} were listed", l.region),
            format!(
                "Audit again with --region REGION for each other region that {patterns} \
                 matches (each run lists its region's functions), or grant the role each \
                 function by its ARN instead of a pattern."
            ),
        ),
        (None, why) => (
            match why {
                Some(why) => format!("the functions were not listed ({why})"),
                None => "the functions were not listed".to_owned(),
            },
            "Allow the caller lambda:ListFunctions in the audited account, or grant the role \
             each function by its ARN instead of a pattern."
                .to_owned(),
        ),
    };
    let message = format!(
        "{patterns}: {scope}, so the function policies of the others it matches were not read"
    );
    Finding {
        remedy: step,
        ..Finding::new(Code::PathNotRead, message, None)
    }
}

/// Every function ARN whose policy the path of `invokable` (the reported roles' sets) and the
/// account-wide scan need: what the adapters read.
pub fn arns_to_read<'a>(
    invokable: impl Iterator<Item = &'a String>,
    listed: Option<&Listed>,
) -> Vec<String> {
    let invokable: Vec<String> = invokable.cloned().collect();
    let (mut arns, _) = targets(&invokable, listed);
    arns.extend(listed.iter().flat_map(|l| l.arns.iter().cloned()));
    arns.sort();
    arns.dedup();
    arns
}

/// The ARNs to judge: each listed invokable ARN, and each listed function a wildcard matches;
/// the wildcards that may match functions that were not listed.
fn targets(invokable: &[String], listed: Option<&Listed>) -> (Vec<String>, Vec<String>) {
    let mut arns = Vec::new();
    let mut unlisted = Vec::new();
    for entry in invokable {
        if !entry.contains(['*', '?']) {
            arns.push(entry.clone());
            continue;
        }
        let Some(l) = listed else {
            unlisted.push(entry.clone());
            continue;
        };
        arns.extend(
            (l.arns.iter())
                .filter(|f| resource_match(entry, f))
                .cloned(),
        );
        // A wildcard in the region, the account or the qualifier reaches functions (or
        // versions and aliases, each with a policy of its own) that were not listed.
        let fields = split_arn(entry);
        let outside = fields.is_none_or(|f| {
            f[3] != l.region
                || f[5]
                    .splitn(3, ':')
                    .nth(2)
                    .is_some_and(|q| q.contains(['*', '?']))
        });
        if outside {
            unlisted.push(entry.clone());
        }
    }
    arns.sort();
    arns.dedup();
    (arns, unlisted)
}

fn policy_of(sources: &PathSources, arn: &str) -> Option<Policy> {
    match sources.function_policies.get(arn) {
        Some(FunctionPolicy::Policy(p)) => Some(p.clone()),
        _ => None,
    }
}

/// The partner whose requests the path is judged for: Genesys Cloud's account when it is
/// one of the role's partners (or none is named), else the first.
fn partner_account(partners: &[String]) -> String {
    let accounts: Vec<&str> = (partners.iter())
        .map(|p| account_of(p))
        .filter(|a| *a != "*" && *a != ANYONE)
        .collect();
    let genesys = Partner::GenesysCloud.account_id();
    if accounts.is_empty() || accounts.contains(&genesys) {
        return genesys.to_owned();
    }
    accounts[0].to_owned()
}

/// An external ID the role accepts, for the availability requests: the accepted value, a
/// pattern with its wildcards filled in, or (any accepted) a UUID-shaped stand-in.
fn external_id(ids: &ExternalIds) -> String {
    match (ids.kind, ids.values.first()) {
        (IdKind::Fixed | IdKind::Several, Some(v)) => v.clone(),
        (IdKind::Pattern, Some(v)) => v.replace(['*', '?'], "0"),
        _ => "00000000-0000-0000-0000-000000000000".to_owned(),
    }
}

/// The account-wide scan: each listed function whose policy lets one of `partners` (account
/// IDs; Genesys Cloud's when empty) or anyone invoke it directly.
pub(super) fn open_functions(
    account: &str,
    partners: &[String],
    path: &AuditPath,
) -> Vec<FunctionReport> {
    let partners: Vec<&str> = match partners.is_empty() {
        true => vec![Partner::GenesysCloud.account_id()],
        false => partners.iter().map(String::as_str).collect(),
    };
    (path.scan.iter())
        .filter_map(|arn| {
            let policy = policy_of(&path.sources, arn)?;
            let findings = open_function(account, &partners, arn, policy, path);
            (!findings.is_empty()).then(|| FunctionReport {
                function: arn.clone(),
                findings,
            })
        })
        .collect()
}

fn open_function(
    account: &str,
    partners: &[&str],
    arn: &str,
    policy: Policy,
    path: &AuditPath,
) -> Vec<Finding> {
    let partition = split_arn(arn).map_or("aws", |f| f[1]);
    // No role: a name no role can have (IAM role names are 1-64 of [\w+=,.@-]).
    let input = PathInput {
        partner: PathPartner {
            account: partners[0].to_owned(),
            external_id: String::new(),
            principals: Vec::new(),
        },
        role: RoleSide {
            arn: Arn::of(partition, account, AwsResource::Role(" no role")).to_string(),
            account: path.account.clone(),
            trust: Policy {
                version: None,
                id: None,
                statements: Vec::new(),
            },
            identity: Vec::new(),
            boundary: None,
            tags: Known::Known(BTreeMap::new()),
        },
        targets: vec![PathTarget {
            arn: arn.to_owned(),
            resource_policy: Known::Known(Some(policy)),
        }],
        orgs: path.sources.orgs.clone(),
    };
    let found = path_security(&input, lambda_trust_iam::Budget::default());
    let ways = [WayIn::Anyone, WayIn::PartnerDirect];
    let findings: Vec<&SecurityFinding> = (found.iter())
        .flat_map(|s| &s.findings)
        .filter(|f| ways.contains(&f.way) || partners.contains(&account_of(&f.request.principal)))
        .collect();
    let partner = |f: &SecurityFinding| partners.contains(&account_of(&f.request.principal));
    way_findings(arn, &findings, partner, "a role")
}

/// Where each account's organization policies came from, in a word or a line.
pub(super) fn organization(path: &AuditPath, accounts: &[String]) -> BTreeMap<String, String> {
    (accounts.iter())
        .map(|a| {
            let source = match path.sources.orgs.get(a) {
                None => "not read".to_owned(),
                Some(OrgPolicies::NoOrganization) => "no organization".to_owned(),
                Some(OrgPolicies::Read { .. }) => "read".to_owned(),
                Some(OrgPolicies::NotRead { reason }) => format!("not read: {reason}"),
            };
            (a.clone(), source)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern whose functions were listed in one region only: the step is the listing's
    /// (audit the other regions), never `path-not-read`'s organization policies.
    #[test]
    fn a_region_listing_gap_says_its_own_step() {
        let patterns = ["arn:aws:lambda:*:111122223333:function:orders-*".to_owned()];
        let listed = AuditPath {
            functions: Some(Listed {
                region: "eu-west-1".into(),
                arns: Vec::new(),
            }),
            ..AuditPath::default()
        };
        let f = not_listed(&patterns, &listed);
        assert_eq!(f.code, Code::PathNotRead);
        assert!(f.remedy.contains("--region"), "{}", f.remedy);
        assert!(!f.remedy.contains("org-policies"), "{}", f.remedy);
        let refused = AuditPath {
            not_listed: Some("AccessDenied".into()),
            ..AuditPath::default()
        };
        let f = not_listed(&patterns, &refused);
        assert!(f.remedy.contains("lambda:ListFunctions"), "{}", f.remedy);
        assert_eq!(
            Finding::new(Code::PathNotRead, "x".into(), None).remedy,
            Code::PathNotRead.remedy()
        );
    }
}
