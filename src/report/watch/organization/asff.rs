//! The organization watch's findings in ASFF: the audit's findings of the role (or the
//! account) it re-proved, in the shape `audit --format asff` gives them, under `Id`s and
//! generators of its own — `lambda-trust/organization-watch/ACCOUNT/…`
//! (`lambda_trust_model::OrgWatchGenerator::Role`: account, role, code), so the audit's
//! imports and the watch's never settle each other — naming the call that changed it and who
//! made it.

use serde_json::Value;

use serde_json::json;

use crate::event::Blind;
use crate::event::HubAt;
use crate::report::asff::{
    cut, each_once_in, envelope, finding, with_severity, Envelope, MAX_FIELD_VALUE,
};
use crate::report::audit_html::HtmlMeta;
use lambda_trust_audit::{AccountReport, Outcome};
use lambda_trust_model::OrgWatchGenerator;
use lambda_trust_provision::Hearing;

/// The change the findings name: CloudTrail's `eventName` and who made the call.
pub(crate) struct OrgWatchChange<'a> {
    pub event: Option<&'a str>,
    pub by: Option<&'a str>,
    /// The account's last re-proof, before `watch destroy --organization` removes the watch:
    /// each finding that still fails says so, and what proves it again.
    pub last: bool,
}

/// What a finding still active when the watch is removed says first: it still fails, is still
/// not proved, or (a fact, no control's result) is still so.
fn removed(outcome: Outcome) -> String {
    let still = match outcome {
        Outcome::Failed => "it still fails",
        Outcome::Unknown => "it is still not proved",
        Outcome::Informational => "it is still so (a fact, not a failure)",
    };
    format!(
        "[The lambda-trust organization watch that filed this was removed (`lambda-trust watch \
         destroy --organization`), and {still}: nothing settles it now but `lambda-trust audit \
         --organization --genesys-org-id UUID`, which proves it again and imports what it \
         finds.]"
    )
}

/// One account's findings, as the organization watch imports them into that account's
/// Security Hub (an empty list: nothing fires, and what fired before is resolved).
pub(crate) fn organization_watch_findings(
    report: &AccountReport,
    change: &OrgWatchChange<'_>,
    meta: &HtmlMeta,
) -> Vec<Value> {
    let region = report.region.as_deref().unwrap_or_default();
    let namespace = OrgWatchGenerator::All.to_string();
    let namespace = namespace.trim_end_matches('/');
    (each_once_in(namespace, report).into_iter())
        .map(|(role, f, id)| {
            let mut v = finding((&report.account, region, &id), role, f, meta);
            let code: &str = f.code.into();
            let (account, role) = (&report.account, &role.role);
            v["GeneratorId"] = OrgWatchGenerator::Role {
                account,
                role,
                code,
            }
            .to_string()
            .into();
            let fields = &mut v["ProductFields"];
            if let Some(event) = change.event {
                fields["lambda-trust/Change"] = cut(event, MAX_FIELD_VALUE).into();
            }
            if let Some(by) = change.by {
                fields["lambda-trust/ChangedBy"] = cut(by, MAX_FIELD_VALUE).into();
            }
            if change.last {
                let was = v["Description"].as_str().unwrap_or_default();
                v["Description"] = cut(&format!("{} {was}", removed(f.outcome)), 1024).into();
            }
            v
        })
        .collect()
}

/// The finding, in the watch's own account `home` and `region`, that `account` is not watched
/// (`why`: its reader role not assumed, a read refused, its Security Hub off, in words, and
/// the error): an account the watch cannot see is said where the watch's owners look, never
/// left silent; its cause's code is in `lambda-trust/Cause`, which `watch status` reads. Its
/// `Id` and generator are `OrgWatchGenerator::not_watched(account)`, which the account's next
/// reading settles.
pub(crate) fn organization_watch_blind_finding(
    at: HubAt<'_>,
    account: &str,
    (cause, why): (Blind, &str),
    meta: &HtmlMeta,
) -> Value {
    let about = About {
        code: "not-watched",
        title: format!("account {account} is not watched: its partner roles are not re-proved"),
        description: format!("{}: {why}", capitalized(crate::report::watch::words::blind(cause))),
        fix: "Put the organization watch's reader role in the account (its StackSet instance CURRENT), enable Security Hub there, and let no SCP deny the function's sts:AssumeRole; the account's next change re-reads it and settles this finding.",
    };
    let mut finding = account_finding(at, account, about, meta);
    let code: &'static str = cause.into();
    finding["ProductFields"][Blind::FIELD] = code.into();
    finding
}

/// `text` with its first letter upper-case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The finding, there too, that `account`'s IAM calls do not reach the watch (no trail logs
/// its management events where IAM's calls are announced), or may not (its trails could not be
/// read); `None` when a trail logs them. Its generator is
/// `OrgWatchGenerator::Account { account, code: "not-heard" }`; the account's next whole reading
/// settles it.
pub(crate) fn organization_watch_unheard_finding(
    at: HubAt<'_>,
    account: &str,
    hearing: &Hearing,
    meta: &HtmlMeta,
) -> Option<Value> {
    let (title, description) = match hearing {
        Hearing::Heard { .. } => return None,
        Hearing::NotHeard { region } => (
            format!("account {account}'s IAM calls do not reach the watch: no trail logs them"),
            format!("No trail logs account {account}'s management events in {region}, where IAM's calls are announced, so EventBridge announces none of them and no rule forwards them: a change to a partner role there is re-proved only by the next sweep (hourly)."),
        ),
        Hearing::Unknown { region, why } => (
            format!("account {account}'s IAM calls may not reach the watch: its trails were not read"),
            format!("Whether a trail logs account {account}'s management events in {region} is unknown: its trails could not be read ({why}). A watch deployed before its reader could read them: deploy it again."),
        ),
    };
    let about = About {
        code: "not-heard",
        title,
        description,
        fix: "Log the account's management events: an organization trail in the management account (aws cloudtrail create-trail --name org --s3-bucket-name BUCKET --is-organization-trail --is-multi-region-trail, then aws cloudtrail start-logging --name org), or a trail in the account itself; with its trails unreadable, `lambda-trust watch deploy --organization` first. The account's next sweep settles this finding.",
    };
    Some(account_finding(at, account, about, meta))
}

/// What a finding the watch files in its own account says.
pub(super) struct About {
    pub(super) code: &'static str,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) fix: &'static str,
}

/// A finding about `account` itself, in the watch's own account `home` and `region`, under the
/// generator `OrgWatchGenerator::Account { account, code }`.
fn account_finding(at: HubAt<'_>, account: &str, about: About, meta: &HtmlMeta) -> Value {
    let id = OrgWatchGenerator::Account {
        account,
        code: about.code,
    }
    .to_string();
    let subject = json!({"Type": "AwsAccount", "Id": format!("AWS::::Account:{account}")});
    let mut finding = in_the_watch_account(at, &id, &about, subject, meta);
    finding["ProductFields"]["lambda-trust/Account"] = account.into();
    finding
}

/// A finding the organization watch files in its own account and region `at` under the
/// generator `id`, about `subject` (an account, the guardrail's policy): MEDIUM, its compliance
/// not available, new and active — what a caller adds or changes it sets after.
pub(super) fn in_the_watch_account(
    at: HubAt<'_>,
    id: &str,
    about: &About,
    mut subject: Value,
    meta: &HtmlMeta,
) -> Value {
    let HubAt {
        account: home,
        region,
    } = at;
    let partition = lambda_trust_iam::partition_of_region(region).unwrap_or("aws");
    subject["Partition"] = partition.into();
    subject["Region"] = region.into();
    let at = HubAt {
        account: home,
        region,
    };
    let e = Envelope {
        at,
        partition,
        id,
        generator: id,
        resource: subject,
    };
    let mut finding = envelope(e, meta);
    with_severity(&mut finding, "MEDIUM", json!(about.code));
    finding.insert("Title".into(), cut(&about.title, 256).into());
    finding.insert("Description".into(), cut(&about.description, 1024).into());
    let fix = json!({"Recommendation": {"Text": cut(about.fix, 512)}});
    finding.insert("Remediation".into(), fix);
    let fields = json!({
        "lambda-trust/Code": about.code,
        "lambda-trust/ProviderName": "lambda-trust",
        "lambda-trust/ProviderVersion": cut(&meta.version, MAX_FIELD_VALUE),
    });
    finding.insert("ProductFields".into(), fields);
    finding.insert("Compliance".into(), json!({"Status": "NOT_AVAILABLE"}));
    Value::Object(finding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_trust_audit::{
        audit_account, AccountIam, AuditOptions, AuditRole, RawDocument, RoleDetail,
    };

    fn report() -> AccountReport {
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole"}]}"#;
        let role = AuditRole::from(RoleDetail {
            name: "vendor-lambda".into(),
            arn: "arn:aws:iam::222233334444:role/vendor-lambda".into(),
            trust: RawDocument::Text(trust.into()),
            inline: Vec::new(),
            attached: Vec::new(),
            boundary: None,
            tags: Vec::new(),
            usage: None,
        });
        let iam = AccountIam {
            account_id: "222233334444".into(),
            roles: vec![role],
            ..AccountIam::default()
        };
        let opts = AuditOptions {
            partners: vec!["765628985471".into()],
            region: Some("us-east-1".into()),
            ..AuditOptions::default()
        };
        audit_account(&iam, &opts, 0)
    }

    /// The audit's finding, under the organization watch's `Id` and generator, naming the
    /// change: never the audit's `Id`, which the audit's own import settles.
    #[test]
    fn a_finding_names_the_account_the_role_the_code_and_the_change() {
        let meta = HtmlMeta {
            generated: chrono::Utc::now(),
            version: "test".into(),
        };
        let change = OrgWatchChange {
            event: Some("UpdateAssumeRolePolicy"),
            by: Some("arn:aws:sts::222233334444:assumed-role/Admin/alice"),
            last: false,
        };
        let found = organization_watch_findings(&report(), &change, &meta);
        let f = (found.iter())
            .find(|f| f["ProductFields"]["lambda-trust/Code"] == "no-external-id")
            .expect("no-external-id");
        let arn = "arn:aws:iam::222233334444:role/vendor-lambda";
        assert_eq!(
            f["Id"],
            format!("lambda-trust/organization-watch/222233334444/{arn}/no-external-id")
        );
        assert_eq!(
            f["GeneratorId"],
            "lambda-trust/organization-watch/222233334444/vendor-lambda/no-external-id"
        );
        assert_eq!(f["AwsAccountId"], "222233334444");
        assert_eq!(
            f["ProductArn"],
            "arn:aws:securityhub:us-east-1:222233334444:product/222233334444/default"
        );
        assert_eq!(
            f["ProductFields"]["lambda-trust/Change"],
            "UpdateAssumeRolePolicy"
        );
        assert_eq!(
            f["ProductFields"]["lambda-trust/ChangedBy"],
            change.by.unwrap()
        );
        let audits = crate::report::asff::account_findings(&report(), &meta);
        assert!(audits
            .iter()
            .all(|a| found.iter().all(|f| f["Id"] != a["Id"])));
        assert!(!f["Description"].as_str().unwrap().contains("was removed"));
    }

    /// The last re-proof's findings, the same findings, each saying the watch was removed and
    /// whether it still fails or, a fact, is still so.
    #[test]
    fn a_finding_still_failing_at_destroy_says_the_watch_was_removed() {
        let meta = HtmlMeta {
            generated: chrono::Utc::now(),
            version: "test".into(),
        };
        let change = |last| OrgWatchChange {
            event: None,
            by: None,
            last,
        };
        let before = organization_watch_findings(&report(), &change(false), &meta);
        let last = organization_watch_findings(&report(), &change(true), &meta);
        assert_eq!(before.len(), last.len());
        for (b, l) in before.iter().zip(&last) {
            assert_eq!(b["Id"], l["Id"]);
            let text = l["Description"].as_str().unwrap();
            assert!(
                text.starts_with(
                    "[The lambda-trust organization watch that filed this was removed"
                ),
                "{text}"
            );
            assert!(text.contains("lambda-trust audit --organization"), "{text}");
            assert!(text.chars().count() <= 1024);
            let still = match l["ProductFields"]["lambda-trust/Code"].as_str() {
                Some("unmanaged") => "and it is still so (a fact, not a failure)",
                _ => "and it still fails",
            };
            assert!(text.contains(still), "{text}");
        }
        let codes = |c: &str| {
            last.iter()
                .any(|l| l["ProductFields"]["lambda-trust/Code"] == c)
        };
        assert!(codes("unmanaged") && codes("no-external-id"), "{last:#?}");
    }
}
