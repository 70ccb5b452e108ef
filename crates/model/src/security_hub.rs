//! Security Hub, where the audit and the watch meet: the lifecycle of the findings
//! lambda-trust imports (pure; the time is passed in) — today's ASFF findings of one account
//! and region against the ones imported there earlier → what to import, refresh, resolve and
//! leave alone — what a run's import came to ([`HubCounts`]), and the generator schemes that
//! keep each product's findings apart (`audit`'s, a deployment's watch's, the organization
//! watch's). `app::security_hub` reads and writes through
//! `aws::security_hub`; docs/aws-behaviour.md ("Security Hub") has the rules relied on:
//!
//! - A finding provider creates and updates its own findings with `BatchImportFindings`, and
//!   closes one by re-importing it with `RecordState: ARCHIVED`; `Workflow` is the customer's
//!   (`BatchUpdateFindings`) and an update's `Workflow` is ignored (Security Hub User Guide,
//!   "BatchImportFindings for finding providers").
//! - Security Hub deletes a finding that has not been updated for 90 days (User Guide,
//!   "Finding retention"): an unchanged finding is re-imported once it is
//!   60 days old, so a scheduled run weekly or monthly keeps it.
//! - A run where nothing changed imports nothing: each imported finding carries the digest of
//!   its content (`lambda-trust/Digest`), compared with today's.
//! - Who changed it is kept: BatchImportFindings keeps none of a provider's `ProductFields` on
//!   a re-import (only `Note`, `UserDefinedFields`, `VerificationState` and `Workflow`), so a
//!   run that names no change of its own (a re-reading, a sweep, a schedule's tick) sends the
//!   held finding's `lambda-trust/Change` and `lambda-trust/ChangedBy` again.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use sha2::Digest;

/// The `ProductFields` key holding a finding's content digest.
pub(crate) const DIGEST_FIELD: &str = "lambda-trust/Digest";
/// The watches' `ProductFields` naming the call a finding was filed after and who made it.
const ATTRIBUTION_FIELDS: [&str; 2] = ["lambda-trust/Change", "lambda-trust/ChangedBy"];
/// The prefix of every `audit` finding's `GeneratorId` (`lambda-trust/audit/CODE`).
pub const GENERATOR_PREFIX: &str = "lambda-trust/audit/";
/// The prefix of every deployment's watch's `GeneratorId`
/// (`lambda-trust/watch/ROLE/SIDE/CODE`). The names of watches deployed stay as they are:
/// renaming would orphan their findings.
pub const WATCH_GENERATOR: &str = "lambda-trust/watch/";
/// A `GeneratorId` of the organization watch, or the prefix of a family of them, in a
/// namespace of its own (`lambda-trust/organization-watch/ACCOUNT/ROLE/CODE`) which no role
/// name can reach: a role's name holds no `/`, so no deployment's watch prefix is one (IAM
/// API Reference, `CreateRole`: `RoleName` matches `[\w+=,.@-]+`). Written with `Display`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgWatchGenerator<'a> {
    /// The prefix of every finding of the organization watch.
    All,
    /// The finding `code` on role `role` of account `account`.
    Role {
        /// The account that grants the role.
        account: &'a str,
        /// The role's name.
        role: &'a str,
        /// The finding's code.
        code: &'a str,
    },
    /// The prefix of the findings one run settles: role `role` of `account` (the role it
    /// re-proved), or every role of `account` (`None`: the account re-proved). Role names
    /// hold no `/`, so one role's prefix never reaches another's.
    Settled {
        /// The account re-proved.
        account: &'a str,
        /// The role re-proved, or none for the whole account.
        role: Option<&'a str>,
    },
    /// The finding `code` about `account` itself, in the watch's own account (`not-watched`,
    /// `not-heard`); with an empty `code`, the prefix of them all, which an account's whole
    /// reading settles (a role's reading settles `not-watched` alone). Its role segment
    /// `:account` is no role's name (role names hold no `:`), so no role's prefix reaches it;
    /// the account's own prefix does, and its reading settles it.
    Account {
        /// The account the finding is about.
        account: &'a str,
        /// The finding's code, or empty for the prefix.
        code: &'a str,
    },
    /// The finding about the organization's guardrail (docs/guardrail.md), in the watch's own
    /// account: its segment `:organization` is no account's ID, so no account's reading
    /// settles it; only the guardrail's own check does.
    Guardrail,
}

impl OrgWatchGenerator<'_> {
    /// The finding that `account` is not watched (its reader role not assumed, a read
    /// refused, its Security Hub off).
    pub const fn not_watched(account: &str) -> OrgWatchGenerator<'_> {
        OrgWatchGenerator::Account {
            account,
            code: "not-watched",
        }
    }
}

impl std::fmt::Display for OrgWatchGenerator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("lambda-trust/organization-watch/")?;
        match self {
            OrgWatchGenerator::All => Ok(()),
            OrgWatchGenerator::Role {
                account,
                role,
                code,
            } => write!(f, "{account}/{role}/{code}"),
            OrgWatchGenerator::Settled {
                account,
                role: Some(role),
            } => write!(f, "{account}/{role}/"),
            OrgWatchGenerator::Settled {
                account,
                role: None,
            } => write!(f, "{account}/"),
            OrgWatchGenerator::Account { account, code } => write!(f, "{account}/:account/{code}"),
            OrgWatchGenerator::Guardrail => f.write_str(":organization/guardrail"),
        }
    }
}

/// What Security Hub took of one run's findings.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct HubCounts {
    /// Findings new or changed.
    pub imported: usize,
    /// Earlier findings this run's reading settled.
    pub resolved: usize,
    /// Findings sent again to keep them from expiring.
    pub refreshed: usize,
    /// Findings as Security Hub holds them already (not sent).
    pub unchanged: usize,
    /// Findings Security Hub refused after the retries.
    pub refused: usize,
}
/// An unchanged active finding this many days after its last update is re-imported: Security
/// Hub deletes findings not updated for 90 days; 30 days of margin cover a monthly schedule.
pub(crate) const REFRESH_AFTER_DAYS: i64 = 60;
/// Each finding's JSON must stay under 240 KB (User Guide, "BatchImportFindings").
pub(crate) const MAX_FINDING_BYTES: usize = 240 * 1024;

/// A lambda-trust finding Security Hub holds, as `GetFindings` (active ones only) answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The finding's ID in Security Hub.
    pub id: String,
    /// Its `ProductFields` as held: its `lambda-trust/Digest` (none when it was imported without
    /// one, by another tool or an older lambda-trust: then it counts as changed), and who
    /// changed it, carried to a re-import that names no change.
    pub fields: std::collections::BTreeMap<String, String>,
    /// Its `UpdatedAt`, unreadable as none (then it is refreshed).
    pub updated_at: Option<DateTime<Utc>>,
    /// Its `CreatedAt`, kept when the finding is imported again.
    pub created_at: Option<String>,
}

/// What one account's run writes; nothing when all three lists are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Lifecycle {
    /// Today's findings to import (by index into today's list): new, changed, or firing again.
    pub(crate) import: Vec<usize>,
    /// Today's findings unchanged but close to deletion: re-imported as they are.
    pub(crate) refresh: Vec<usize>,
    /// Listed findings (by index) that no longer fire: re-imported with `RecordState ARCHIVED`.
    pub(crate) resolve: Vec<usize>,
    /// Today's findings Security Hub already holds as they are.
    pub(crate) unchanged: usize,
}

impl Lifecycle {
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.import.is_empty() && self.refresh.is_empty() && self.resolve.is_empty()
    }
}

/// One account's import, decided ([`plan_import`]): what to send, what Security Hub would refuse
/// as too large, and which held findings to resolve.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    /// Findings to import as they go to `BatchImportFindings`: the new, changed or firing-again
    /// ones, then the unchanged ones close to deletion; each stamped with its digest and keeping
    /// the `CreatedAt` Security Hub holds.
    pub send: Vec<Value>,
    /// Findings not sent: over the 240 KB Security Hub takes of one finding.
    pub too_large: Vec<TooLarge>,
    /// Listed findings (by index) that no longer fire: re-imported with `RecordState ARCHIVED`.
    pub resolve: Vec<usize>,
    /// How many of today's findings are new, changed or firing again.
    pub imported: usize,
    /// How many are unchanged but close to deletion, so re-imported as they are.
    pub refreshed: usize,
    /// How many Security Hub already holds as they are.
    pub unchanged: usize,
}

/// A finding too large for Security Hub; its `Display` says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge {
    /// The finding's `Id`.
    pub id: String,
    /// Its size as it would be sent, in bytes.
    pub size: usize,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (size, limit) = (self.size, MAX_FINDING_BYTES);
        write!(f, "{size} bytes, over the {limit} a finding may have")
    }
}

/// Today's findings of one account against the ones Security Hub holds (`listed`), at `now`:
/// each stamped (`lambda-trust/Digest`), the lifecycle decided, and what is sent made ready.
pub fn plan_import(mut today: Vec<Value>, listed: &[Listed], now: DateTime<Utc>) -> ImportPlan {
    for finding in &mut today {
        carry_attribution(finding, listed);
        stamp(finding);
    }
    let lifecycle = decide(&today, listed, now);
    let mut plan = ImportPlan {
        imported: lifecycle.import.len(),
        refreshed: lifecycle.refresh.len(),
        unchanged: lifecycle.unchanged,
        ..ImportPlan::default()
    };
    for &i in lifecycle.import.iter().chain(&lifecycle.refresh) {
        let mut finding = today[i].clone();
        keep_created(&mut finding, listed);
        match too_large(&finding) {
            Some(size) => plan.too_large.push(TooLarge {
                id: finding_id(&finding).to_owned(),
                size,
            }),
            None => plan.send.push(finding),
        }
    }
    plan.resolve = lifecycle.resolve;
    plan
}

/// Today's findings (each stamped by [`stamp`]) against the listed ones, at `now`.
pub(crate) fn decide(today: &[Value], listed: &[Listed], now: DateTime<Utc>) -> Lifecycle {
    let mut plan = Lifecycle::default();
    let stale = now - Duration::days(REFRESH_AFTER_DAYS);
    for (i, finding) in today.iter().enumerate() {
        let id = finding_id(finding);
        match listed.iter().find(|l| l.id == id) {
            None => plan.import.push(i),
            Some(l) if l.fields.get(DIGEST_FIELD).map(String::as_str) != digest_of(finding) => {
                plan.import.push(i)
            }
            Some(l) if l.updated_at.is_none_or(|t| t <= stale) => plan.refresh.push(i),
            Some(_) => plan.unchanged += 1,
        }
    }
    let firing: Vec<&str> = today.iter().map(finding_id).collect();
    plan.resolve = (listed.iter().enumerate())
        .filter(|(_, l)| !firing.contains(&l.id.as_str()))
        .map(|(i, _)| i)
        .collect();
    plan
}

/// Adds the content digest to the finding's `ProductFields`.
pub(crate) fn stamp(finding: &mut Value) {
    let digest = digest(finding);
    if let Some(fields) = finding
        .get_mut("ProductFields")
        .and_then(Value::as_object_mut)
    {
        fields.insert(DIGEST_FIELD.to_owned(), digest.into());
    }
}

/// A finding that names no change of its own (a re-reading, a sweep) names the one its held
/// namesake names, both fields as a pair: a run that names its own call never mixes in another.
pub(crate) fn carry_attribution(finding: &mut Value, listed: &[Listed]) {
    let Some(held) = listed.iter().find(|l| l.id == finding_id(finding)) else {
        return;
    };
    let Some(fields) = (finding.get_mut("ProductFields")).and_then(Value::as_object_mut) else {
        return;
    };
    if ATTRIBUTION_FIELDS.iter().any(|k| fields.contains_key(*k)) {
        return;
    }
    for key in ATTRIBUTION_FIELDS {
        if let Some(value) = held.fields.get(key) {
            fields.insert(key.to_owned(), value.clone().into());
        }
    }
}

/// A re-import of a finding Security Hub already holds keeps its `CreatedAt`.
pub(crate) fn keep_created(finding: &mut Value, listed: &[Listed]) {
    let id = finding_id(finding).to_owned();
    let created = listed
        .iter()
        .find(|l| l.id == id)
        .and_then(|l| l.created_at.clone());
    if let (Some(created), Some(obj)) = (created, finding.as_object_mut()) {
        obj.insert("CreatedAt".to_owned(), created.into());
    }
}

/// The finding's size as sent, when over [`MAX_FINDING_BYTES`].
pub(crate) fn too_large(finding: &Value) -> Option<usize> {
    let size = finding.to_string().len();
    (size > MAX_FINDING_BYTES).then_some(size)
}

/// The finding's `Id`.
pub(crate) fn finding_id(finding: &Value) -> &str {
    finding["Id"].as_str().unwrap_or_default()
}

fn digest_of(finding: &Value) -> Option<&str> {
    finding["ProductFields"][DIGEST_FIELD].as_str()
}

/// SHA-256 of what the finding says: its JSON without the times, the `Workflow` (the
/// customer's once imported) and the digest itself.
fn digest(finding: &Value) -> String {
    let mut content = finding.clone();
    if let Some(obj) = content.as_object_mut() {
        for key in [
            "CreatedAt",
            "UpdatedAt",
            "FirstObservedAt",
            "LastObservedAt",
            "Workflow",
        ] {
            obj.remove(key);
        }
        if let Some(fields) = obj.get_mut("ProductFields").and_then(Value::as_object_mut) {
            fields.remove(DIGEST_FIELD);
            // Order-free: a carried field is appended wherever the run first put it.
            fields.sort_keys();
        }
    }
    let hash = sha2::Sha256::digest(content.to_string().as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No deployment's watch can settle the organization watch's findings, whatever its role
    /// is named: IAM's role names hold no `/` (IAM API Reference, `CreateRole`'s `RoleName`
    /// pattern `[\w+=,.@-]+`), so every watch prefix `lambda-trust/watch/ROLE/` stops short of
    /// the organization's namespace, and the audit's is apart from both.
    #[test]
    fn the_organization_watch_has_a_namespace_no_role_name_reaches() {
        let (account, role, code) = ("111122223333", "GenesysInvoker", "trust");
        let generator = OrgWatchGenerator::Role {
            account,
            role,
            code,
        }
        .to_string();
        assert_eq!(
            generator,
            "lambda-trust/organization-watch/111122223333/GenesysInvoker/trust"
        );
        for role in ["organization-watch", "org", "GenesysInvoker", "a.b@c-d"] {
            let prefix = format!("{WATCH_GENERATOR}{role}/");
            assert!(!generator.starts_with(&prefix), "{role}");
        }
        assert!(!generator.starts_with(GENERATOR_PREFIX));
        assert!(!generator.starts_with(WATCH_GENERATOR));
    }
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2026-06-01T00:00:00Z".parse().unwrap()
    }

    fn finding(id: &str, message: &str) -> Value {
        let mut f = json!({
            "Id": id, "Description": message, "CreatedAt": "2026-06-01T00:00:00.000Z",
            "UpdatedAt": "2026-06-01T00:00:00.000Z", "Workflow": {"Status": "NEW"},
            "ProductFields": {"lambda-trust/Code": "x"},
        });
        stamp(&mut f);
        f
    }

    fn listed(f: &Value, days_ago: i64) -> Listed {
        Listed {
            id: finding_id(f).to_owned(),
            fields: (f["ProductFields"].as_object().into_iter().flatten())
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect(),
            updated_at: Some(now() - Duration::days(days_ago)),
            created_at: Some("2026-01-01T00:00:00.000Z".into()),
        }
    }

    #[test]
    fn a_run_with_nothing_changed_writes_nothing() {
        let today = vec![finding("a", "m"), finding("b", "m")];
        let held: Vec<Listed> = today.iter().map(|f| listed(f, 1)).collect();
        let plan = decide(&today, &held, now());
        assert!(plan.is_empty(), "{plan:?}");
        assert_eq!(plan.unchanged, 2);
    }

    #[test]
    fn new_changed_and_gone_findings_are_imported_and_resolved() {
        let yesterday = [
            finding("a", "old"),
            finding("gone", "m"),
            finding("same", "m"),
        ];
        let held: Vec<Listed> = yesterday.iter().map(|f| listed(f, 1)).collect();
        let today = vec![
            finding("a", "new"),
            finding("same", "m"),
            finding("fresh", "m"),
        ];
        let plan = decide(&today, &held, now());
        assert_eq!(plan.import, vec![0, 2]);
        assert_eq!(plan.resolve, vec![1]);
        assert_eq!((plan.unchanged, plan.refresh.len()), (1, 0));
    }

    #[test]
    fn only_the_times_and_the_workflow_leave_the_digest_alone() {
        let a = finding("a", "m");
        let mut b = a.clone();
        b["UpdatedAt"] = json!("2027-01-01T00:00:00.000Z");
        b["Workflow"] = json!({"Status": "SUPPRESSED"});
        stamp(&mut b);
        assert_eq!(digest_of(&a), digest_of(&b));
        b["ProductFields"]["lambda-trust/Baseline"] = json!("accepted");
        stamp(&mut b);
        assert_ne!(digest_of(&a), digest_of(&b));
    }

    #[test]
    fn unchanged_findings_close_to_deletion_are_refreshed() {
        let today = vec![finding("old", "m"), finding("recent", "m")];
        let held = vec![listed(&today[0], REFRESH_AFTER_DAYS), listed(&today[1], 59)];
        let plan = decide(&today, &held, now());
        assert_eq!(plan.refresh, vec![0]);
        assert_eq!((plan.import.len(), plan.unchanged), (0, 1));
    }

    #[test]
    fn a_finding_imported_without_a_digest_counts_as_changed() {
        let today = vec![finding("a", "m")];
        let mut held = listed(&today[0], 1);
        held.fields.remove(DIGEST_FIELD);
        assert_eq!(decide(&today, &[held], now()).import, vec![0]);
    }

    /// The edit's run named the call and the editor; the re-reading that follows names none:
    /// the held pair is sent again, so nothing changed and nothing is sent. A changed finding
    /// carries it too; one naming its own call keeps its own, never half of the held pair.
    #[test]
    fn a_re_reading_keeps_the_change_and_who_made_it() {
        let mut edited = finding("a", "m");
        let fields = edited["ProductFields"].as_object_mut().unwrap();
        fields.insert("lambda-trust/ChangedBy".into(), "alice".into());
        fields.insert(
            "lambda-trust/Change".into(),
            "UpdateAssumeRolePolicy".into(),
        );
        stamp(&mut edited);
        let held = [listed(&edited, 1)];
        let plan = plan_import(vec![finding("a", "m")], &held, now());
        assert_eq!((plan.send.len(), plan.unchanged), (0, 1), "{plan:?}");
        let plan = plan_import(vec![finding("a", "changed")], &held, now());
        let sent = &plan.send[0]["ProductFields"];
        assert_eq!(sent["lambda-trust/ChangedBy"], "alice");
        assert_eq!(sent["lambda-trust/Change"], "UpdateAssumeRolePolicy");
        let mut own = finding("a", "m");
        own["ProductFields"]["lambda-trust/Change"] = "DeleteRolePolicy".into();
        let plan = plan_import(vec![own], &held, now());
        let sent = &plan.send[0]["ProductFields"];
        assert_eq!(sent["lambda-trust/Change"], "DeleteRolePolicy");
        assert!(sent.get("lambda-trust/ChangedBy").is_none(), "{sent}");
    }

    #[test]
    fn a_re_import_keeps_the_first_created_at() {
        let mut f = finding("a", "m");
        let held = [listed(&f, 1)];
        keep_created(&mut f, &held);
        assert_eq!(f["CreatedAt"], "2026-01-01T00:00:00.000Z");
    }

    #[test]
    fn an_import_plan_stamps_keeps_created_and_sets_aside_what_is_too_large() {
        let gone = finding("gone", "m");
        let held = [listed(&finding("a", "old"), 1), listed(&gone, 1)];
        let mut big = finding("big", "m");
        big["Description"] = json!("x".repeat(MAX_FINDING_BYTES));
        let mut fresh = finding("a", "new");
        fresh["ProductFields"] = json!({"lambda-trust/Code": "x"});
        let plan = plan_import(vec![fresh, big], &held, now());
        assert_eq!((plan.imported, plan.refreshed, plan.unchanged), (2, 0, 0));
        assert_eq!(plan.send.len(), 1);
        assert_eq!(plan.send[0]["CreatedAt"], "2026-01-01T00:00:00.000Z");
        assert!(digest_of(&plan.send[0]).is_some(), "stamped");
        assert_eq!(plan.too_large.len(), 1);
        assert_eq!(plan.too_large[0].id, "big");
        assert!(plan.too_large[0]
            .to_string()
            .ends_with("over the 245760 a finding may have"));
        assert_eq!(plan.resolve, vec![1]);
    }
}
