//! `audit --genesys`: which functions each Genesys Cloud data action that chooses its function
//! at run time can reach through the role its integration's credential holds.
//!
//! Part of the auditor, pure: the organization as `genesys::observe::organization` read it
//! ([`OrgRead`]) or why it could not be read, against the roles the audit proved. An action
//! whose `requestUrlTemplate` is an expression (`${input.functionArn}`, or a fixed prefix with
//! an input variable) can invoke every function the role grants whose ARN the template can
//! produce (docs/genesys.md "Functions chosen at run time"): the role's report gets a finding
//! per such action naming them — `genesys-action-reaches-many` (security) when the flow's input
//! can pick among more than one, else `genesys-dynamic-action` (info).

use super::audit::{roles_accepting, sort_roles};
use super::findings::{Code, Finding};
use super::report::{
    AccountReport, DynamicAction, GenesysIntegration, GenesysReport, InvokableKind, RoleReport,
};
use lambda_trust_config::Partner;
use lambda_trust_iam::unqualified_arn;
use lambda_trust_model::{url_pattern, OrgIntegration, OrgRead, RoleFrom};
use strum::IntoEnumIterator;

/// Adds the Genesys Cloud part to `report`: the section, and a finding on each role per
/// dynamic action judged through it. `read`: the organization, or why it was not read.
pub fn judge_genesys(report: &mut AccountReport, read: Result<OrgRead, String>) {
    let org = match read {
        Ok(org) => org,
        Err(why) => {
            report.genesys = Some(GenesysReport {
                organization: None,
                integrations: Vec::new(),
                not_read: Some(why),
            });
            return;
        }
    };
    let integrations: Vec<GenesysIntegration> = (org.integrations.iter())
        .map(|i| integration(report, &org.organization, i))
        .collect();
    for d in integrations
        .iter()
        .flat_map(|i| i.dynamic.iter().map(move |d| (i, d)))
    {
        let (i, d) = d;
        if let Some(r) = report.roles.iter_mut().find(|r| r.arn == d.role) {
            let finding = finding(i, d, r);
            r.findings.push(finding);
            r.findings.sort_by_key(|f| (f.severity, f.code));
        }
    }
    sort_roles(&mut report.roles);
    report.genesys = Some(GenesysReport {
        organization: Some(org.organization),
        integrations,
        not_read: None,
    });
}

/// One integration judged: its roles in this report, and each dynamic action through each.
fn integration(
    report: &AccountReport,
    organization: &str,
    i: &OrgIntegration,
) -> GenesysIntegration {
    let roles: Vec<&RoleReport> = match &i.role {
        Some(known) => report.roles.iter().filter(|r| r.arn == known.arn).collect(),
        None => {
            let partners: Vec<&str> = Partner::iter().map(Partner::account_id).collect();
            roles_accepting(report, &partners, organization)
        }
    };
    let dynamic = (i.actions.iter())
        .filter(|a| lambda_trust_config::is_expression(a.def.function_arn()))
        .flat_map(|a| {
            roles.iter().map(move |r| DynamicAction {
                id: a.id.clone(),
                name: a.def.name.clone(),
                template: a.def.function_arn().to_owned(),
                role: r.arn.clone(),
                targets: reach(a.def.function_arn(), &r.invokable),
            })
        })
        .collect();
    GenesysIntegration {
        id: i.id.clone(),
        name: i.name.clone(),
        role: i.role.as_ref().map(|k| k.arn.clone()),
        role_from: i.role.as_ref().map_or(RoleFrom::ExternalId, |k| k.from),
        roles: roles.iter().map(|r| r.arn.clone()).collect(),
        actions: i.actions.len(),
        dynamic,
    }
}

/// The invokable ARNs and patterns a request URL template can produce: a pattern counts when
/// some ARN matches both (each `${…}` stands for any text).
fn reach(template: &str, invokable: &[String]) -> Vec<String> {
    let produced = url_pattern(template);
    (invokable.iter())
        .filter(|granted| overlap(&produced, granted))
        .cloned()
        .collect()
}

/// Whether some text matches both `*`/`?` wildcard patterns. A superset of what IAM matches
/// (IAM's wildcards in an ARN's first five components do not cross a colon): the reach is
/// never understated.
fn overlap(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // can[i][j]: the suffixes a[i..] and b[j..] have a text in common.
    let mut can = vec![vec![false; b.len() + 1]; a.len() + 1];
    for i in (0..=a.len()).rev() {
        for j in (0..=b.len()).rev() {
            can[i][j] = match (a.get(i), b.get(j)) {
                (None, None) => true,
                (Some('*'), _) => can[i + 1][j] || (j < b.len() && can[i][j + 1]),
                (_, Some('*')) => can[i][j + 1] || (i < a.len() && can[i + 1][j]),
                (Some(x), Some(y)) => (*x == '?' || *y == '?' || x == y) && can[i + 1][j + 1],
                _ => false,
            };
        }
    }
    can[0][0]
}

/// The role's finding for one dynamic action: security when the flow's input can pick among
/// more than one function (several functions, or a wildcard in a function's name, account or
/// region — its qualifiers alone do not count), info otherwise.
fn finding(i: &GenesysIntegration, d: &DynamicAction, r: &RoleReport) -> Finding {
    // The versions and aliases of one function are one function.
    let functions: std::collections::BTreeSet<String> =
        d.targets.iter().map(|t| unqualified_arn(t)).collect();
    let patterns = functions.iter().any(|t| t.contains(['*', '?']));
    let many = functions.len() > 1 || patterns;
    let at_least = match r.invokable_scope.kind {
        InvokableKind::Unknown => "at least ",
        _ => "",
    };
    let how = match i.role_from {
        RoleFrom::Credential => "its credential holds this role",
        RoleFrom::Ledger => "its credential holds this role (lambda-trust's ledger, the credential unchanged since)",
        RoleFrom::ExternalId => "Genesys Cloud redacts its credential's role, and this role accepts the organization's ID: the credential may hold it",
    };
    let what = format!(
        "Genesys Cloud data action {:?} ({}) of integration {:?} chooses its function at run time ({}); {how}",
        d.name, d.id, i.name, d.template
    );
    let message = match (d.targets.as_slice(), many) {
        ([], _) if !at_least.is_empty() => format!("{what}: it can reach none of the functions the role is known to grant (an identity policy was not read)"),
        ([], _) => format!("{what}: it can reach none of the functions the role grants (every call fails)"),
        (_, true) => format!(
            "{what}: it can reach {at_least}{} of the functions the role grants: {} — the flow's input picks which, so any of them can be invoked through it",
            if patterns { "every function matching".to_owned() } else { functions.len().to_string() },
            d.targets.join(", ")
        ),
        (_, false) => format!(
            "{what}: it can reach {at_least}one function the role grants: {}",
            d.targets.join(", ")
        ),
    };
    let code = match many {
        true => Code::GenesysActionReachesMany,
        false => Code::GenesysDynamicAction,
    };
    Finding::new(code, message, None)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use lambda_trust_verdict::Judged;

    use serde_json::json;

    use super::*;
    use crate::account::{AccountIam, AuditOptions, AuditRole};
    use crate::audit::audit_account;
    use lambda_trust_model::KnownRole;
    use lambda_trust_model::ObservedAction;

    const ORG: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
    const GENESYS_CLOUD_ACCOUNT: &str = Partner::GenesysCloud.account_id();
    const F: &str = "arn:aws:lambda:us-east-1:111122223333:function:";

    fn role(name: &str, resources: serde_json::Value) -> AuditRole {
        AuditRole {
            name: name.into(),
            arn: format!("arn:aws:iam::111122223333:role/{name}"),
            trust: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{GENESYS_CLOUD_ACCOUNT}:root")},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": ORG}}}]}),
            inline: vec![(
                "invoke".into(),
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Action": "lambda:InvokeFunction", "Resource": resources}]}),
            )],
            attached: Vec::new(),
            boundary: None,
            tags: BTreeMap::from([("managed-by".into(), "lambda-trust".into())]),
        }
    }

    /// Role `a` invokes two functions, role `b` every function of the account: both let
    /// Genesys Cloud in with the organization's ID.
    fn audited() -> AccountReport {
        let iam = AccountIam {
            account_id: "111122223333".into(),
            roles: vec![
                role("a", json!([format!("{F}one"), format!("{F}two")])),
                role("b", json!(format!("{F}*"))),
            ],
            ..AccountIam::default()
        };
        let opts = AuditOptions {
            partners: vec![GENESYS_CLOUD_ACCOUNT.into()],
            region: Some("us-east-1".into()),
            ..AuditOptions::default()
        };
        audit_account(&iam, &opts, 0)
    }

    fn action(name: &str, url: &str) -> ObservedAction {
        ObservedAction {
            id: format!("id-{name}"),
            version: 1,
            def: serde_json::from_value(
                json!({"name": name, "config": {"request": {"requestUrlTemplate": url}}}),
            )
            .unwrap(),
        }
    }

    fn org(role: Option<&str>) -> OrgRead {
        OrgRead {
            organization: ORG.into(),
            integrations: vec![OrgIntegration {
                id: "i".into(),
                name: "Lambda".into(),
                role: role.map(|arn| KnownRole {
                    arn: arn.into(),
                    from: RoleFrom::Ledger,
                }),
                actions: vec![
                    action("fixed", &format!("{F}one")),
                    action("any", "${input.functionArn}"),
                    action("two", &format!("{F}tw${{input.x}}")),
                ],
            }],
        }
    }

    fn genesys_codes(report: &AccountReport, role: &str) -> Vec<(Code, String)> {
        let r = report.roles.iter().find(|r| r.role == role).unwrap();
        (r.findings.iter())
            .filter(|f| f.code.is_genesys())
            .map(|f| (f.code, f.message.clone()))
            .collect()
    }

    #[test]
    fn a_redacted_role_is_judged_through_every_role_accepting_the_organization_s_id() {
        let mut report = audited();
        judge_genesys(&mut report, Ok(org(None)));
        let a = genesys_codes(&report, "a");
        assert_eq!(a.len(), 2, "{a:#?}");
        assert_eq!(a[0].0, Code::GenesysActionReachesMany);
        assert!(
            a[0].1.contains(&format!(
                "can reach 2 of the functions the role grants: {F}one, {F}two"
            )),
            "{}",
            a[0].1
        );
        assert!(a[0].1.contains("the credential may hold it"), "{}", a[0].1);
        assert_eq!(a[1].0, Code::GenesysDynamicAction);
        assert!(a[1]
            .1
            .contains(&format!("one function the role grants: {F}two")));
        // A pattern reaches every function it matches: many, whatever the template's prefix.
        let b = genesys_codes(&report, "b");
        assert!(
            b.iter().all(|(c, _)| *c == Code::GenesysActionReachesMany),
            "{b:#?}"
        );
        assert!(b[0].1.contains("every function matching"), "{}", b[0].1);
        let i = &report.genesys.as_ref().unwrap().integrations[0];
        assert_eq!(
            (i.role_from, i.roles.len(), i.actions, i.dynamic.len()),
            (RoleFrom::ExternalId, 2, 3, 4)
        );
    }

    #[test]
    fn a_known_role_is_the_only_one_judged_and_one_not_audited_none() {
        let mut report = audited();
        let a = report
            .roles
            .iter()
            .find(|r| r.role == "a")
            .unwrap()
            .arn
            .clone();
        judge_genesys(&mut report, Ok(org(Some(&a))));
        assert_eq!(genesys_codes(&report, "a").len(), 2);
        assert!(genesys_codes(&report, "b").is_empty());

        let mut report = audited();
        let before = report.roles.clone();
        judge_genesys(
            &mut report,
            Ok(org(Some("arn:aws:iam::444455556666:role/Elsewhere"))),
        );
        assert_eq!(report.roles, before);
        let i = &report.genesys.as_ref().unwrap().integrations[0];
        assert!(i.roles.is_empty() && i.dynamic.is_empty(), "{i:#?}");
    }

    #[test]
    fn an_unread_organization_is_said_and_changes_no_finding() {
        let mut report = audited();
        let (before, status) = (report.roles.clone(), report.status());
        judge_genesys(&mut report, Err("no OAuth client".into()));
        assert_eq!((report.roles.clone(), report.status()), (before, status));
        let g = report.genesys.unwrap();
        assert_eq!(
            (g.organization, g.not_read.as_deref()),
            (None, Some("no OAuth client"))
        );
    }

    #[test]
    fn a_target_s_qualifier_is_not_another_function() {
        assert_eq!(unqualified_arn(&format!("{F}pay:live")), format!("{F}pay"));
        assert_eq!(unqualified_arn(&format!("{F}pay:*")), format!("{F}pay"));
        assert_eq!(unqualified_arn(&format!("{F}pay")), format!("{F}pay"));
        assert_eq!(unqualified_arn("*"), "*");
        assert_eq!(
            unqualified_arn("arn:aws:lambda:*:111122223333:function:*"),
            "arn:aws:lambda:*:111122223333:function:*"
        );
    }

    #[test]
    fn patterns_overlap_when_one_text_matches_both() {
        let f = "arn:aws:lambda:us-east-1:111122223333:function:";
        assert!(overlap("*", &format!("{f}pay")));
        assert!(overlap(&format!("{f}*"), &format!("{f}pay")));
        assert!(!overlap(&format!("{f}lookup-*"), &format!("{f}pay")));
        assert!(overlap(&format!("{f}lookup-*"), &format!("{f}look*")));
        assert!(overlap(
            "arn:aws:lambda:*:111122223333:function:x",
            &format!("{f}*")
        ));
        assert!(!overlap(
            "arn:aws:lambda:eu-west-1:111122223333:function:*",
            &format!("{f}*")
        ));
        assert!(overlap("a?c", "*b*"));
        assert!(!overlap("abc", "abd"));
        assert!(overlap("", "*"));
        assert!(!overlap("", "?"));
    }

    #[test]
    fn a_template_reaches_the_granted_arns_it_can_produce() {
        let f = "arn:aws:lambda:us-east-1:111122223333:function:";
        let granted = vec![
            format!("{f}lookup-order"),
            format!("{f}lookup-customer:live"),
            format!("{f}pay"),
            "arn:aws:lambda:eu-west-1:111122223333:function:lookup-*".to_owned(),
        ];
        assert_eq!(reach("${input.functionArn}", &granted), granted);
        assert_eq!(
            reach(&format!("{f}lookup-${{input.kind}}"), &granted),
            granted[..2].to_vec()
        );
        assert_eq!(
            reach(&format!("{f}refund-${{input.kind}}"), &granted),
            Vec::<String>::new()
        );
    }
}
