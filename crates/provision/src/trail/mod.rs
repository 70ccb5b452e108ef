//! Who changed it: which CloudTrail event explains an AWS drift finding, and — in the same
//! typed fields ([`Trail`], [`ChangedBy`], [`Attribution`]) — which entry of Genesys Cloud's
//! audit trail explains a Genesys one (`genesys::audit` reads it; [`genesys_attribution`]).
//!
//! Part of the pure model. `aws::trail` looks the events up (`LookupEvents` by
//! `ResourceName`, in the region where the partition records IAM's global events) and hands
//! them over as plain [`TrailEvent`]s; this module says which resource each finding is looked
//! up by and which event names explain it, and picks the latest such event
//! ([`attribute`]). Events lambda-trust made itself — its user agent carries
//! `app/lambda-trust-VERSION` — are never the culprit: when one is the latest, the finding says
//! the resource was last applied by lambda-trust.
//!
//! Sources: AWS CloudTrail User Guide, "Global service events" (IAM events are recorded in
//! us-east-1 for the `aws` partition) and "CloudTrail record contents" (`userIdentity`,
//! `userAgent`, `sourceIPAddress`); CloudTrail API Reference, `LookupEvents` (90 days of
//! management events, most recent first). See docs/aws-behaviour.md.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::cloudtrail_calls::{explains, Drift};
use crate::plan::{AttachmentOp, BoundaryOp, Op, PolicyOp, RoleOp, TagOp, VersionOp};
use lambda_trust_iam::Arn;
use lambda_trust_model::{Desired, DesiredRole};

/// How far back `LookupEvents` can look (event history keeps 90 days).
pub const LOOKBACK_DAYS: u32 = 90;

/// The permission `LookupEvents` needs, named when it is refused.
pub(crate) const PERMISSION: &str = "cloudtrail:LookupEvents";

/// The SDK app name every AWS call of this tool carries in its user agent (as
/// `app/lambda-trust-VERSION`; an app name cannot hold a `/`).
pub fn app_name(version: &str) -> String {
    format!("lambda-trust-{version}")
}

/// Whether a user agent is lambda-trust's own: the SDK's `app/lambda-trust-…`, or the
/// `lambda-trust/…` product token.
pub(crate) fn is_own_user_agent(user_agent: &str) -> bool {
    user_agent.contains("app/lambda-trust-") || user_agent.contains("lambda-trust/")
}

/// What to look up for a finding: the `ResourceName` CloudTrail indexes the writes under (a
/// role's name, a managed policy's ARN) and the event names that can explain the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TrailKey {
    pub(crate) resource_name: String,
    /// The drift found: the catalogue's calls that explain it are the events looked for.
    pub(crate) drift: Drift,
}

/// One CloudTrail event, decoded from `LookupEvents` and its `CloudTrailEvent` JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailEvent {
    event_id: String,
    event_name: String,
    /// RFC 3339, UTC (`2026-11-22T14:37:52Z`).
    pub(crate) at: String,
    /// `userIdentity.arn`.
    pub(crate) arn: String,
    /// The IAM user name, or the role session name of an assumed role.
    pub(crate) name: Option<String>,
    source_ip: Option<String>,
    user_agent: String,
}

impl TrailEvent {
    /// From the fields of a `LookupEvents` event and its `CloudTrailEvent` string (the record:
    /// `userIdentity`, `sourceIPAddress`, `userAgent`). A record that does not parse keeps
    /// what the lookup itself says (`Username`).
    pub fn from_lookup(
        event_id: &str,
        event_name: &str,
        at: &str,
        username: Option<&str>,
        record: Option<&str>,
    ) -> TrailEvent {
        let record: Value = record
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or(Value::Null);
        let identity = &record["userIdentity"];
        let arn = identity["arn"].as_str().unwrap_or_default().to_string();
        let name = identity["userName"]
            .as_str()
            .map(str::to_string)
            .or_else(|| session_name(identity["type"].as_str(), &arn))
            .or_else(|| username.map(str::to_string));
        TrailEvent {
            event_id: event_id.to_string(),
            event_name: event_name.to_string(),
            at: at.to_string(),
            arn,
            name,
            source_ip: record["sourceIPAddress"].as_str().map(str::to_string),
            user_agent: record["userAgent"].as_str().unwrap_or_default().to_string(),
        }
    }

    fn is_own(&self) -> bool {
        is_own_user_agent(&self.user_agent)
    }

    fn changed_by(&self) -> ChangedBy {
        ChangedBy {
            source: TrailSource::Cloudtrail,
            event: self.event_name.clone(),
            who: self.arn.clone(),
            arn: Some(self.arn.clone()),
            name: self.name.clone(),
            at: self.at.clone(),
            source_ip: self.source_ip.clone(),
            event_id: Some(self.event_id.clone()),
        }
    }
}

/// `arn:aws:sts::111122223333:assumed-role/Admin/jane` → `jane` (the role session name).
fn session_name(kind: Option<&str>, arn: &str) -> Option<String> {
    if kind != Some("AssumedRole") && !arn.contains(":assumed-role/") {
        return None;
    }
    arn.rsplit('/').next().map(str::to_string)
}

/// Where a finding's "who changed it" was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(inline))]
#[serde(rename_all = "kebab-case")]
pub enum TrailSource {
    /// AWS CloudTrail's event history.
    #[strum(to_string = "CloudTrail")]
    Cloudtrail,
    /// Genesys Cloud's audit trail (the realtime audit query).
    #[strum(to_string = "Genesys Cloud's audit trail")]
    GenesysAudit,
}

/// The write that explains a drift finding — a CloudTrail event for AWS, an entry of Genesys
/// Cloud's audit trail for Genesys: who made the change, when, from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schemars",
    schemars(rename = "changedBy", deny_unknown_fields)
)]
#[cfg_attr(feature = "schemars", schemars(extend("allOf" = [{
    "if": {"properties": {"source": {"const": "cloudtrail"}}},
    "then": {"required": ["arn", "event_id"]}
}])))]
pub struct ChangedBy {
    /// Where the write was found: CloudTrail, or Genesys Cloud's audit trail.
    pub source: TrailSource,
    /// The API call (`UpdateAssumeRolePolicy`, `CreatePolicyVersion`, …), or Genesys Cloud's
    /// audit action (`Update`, `Delete`, …).
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub event: String,
    /// Who: the caller's ARN (`userIdentity.arn`), or the Genesys Cloud user's name (else its
    /// ID, else `OAuth client ID`).
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub who: String,
    /// AWS: the caller's ARN, as `who`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub arn: Option<String>,
    /// The IAM user name or role session name, when there is one.
    pub name: Option<String>,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "schemars", schemars(extend("format" = "date-time")))]
    pub at: String,
    /// The IP address the call came from (CloudTrail's `sourceIPAddress`), when known.
    pub source_ip: Option<String>,
    /// The CloudTrail event ID or the Genesys Cloud audit entry's ID, to find the full record.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "String", length(min = 1)))]
    pub event_id: Option<String>,
}

/// What the trail (CloudTrail, or Genesys Cloud's audit trail) says about one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Attribution {
    /// The latest write that explains it was made by someone else: `changed_by` says who.
    Changed,
    /// The latest write that explains it was lambda-trust's own (the config changed since, or
    /// the culprit's event is not delivered yet: CloudTrail delivers within about 5 minutes).
    AppliedByLambdaTrust {
        /// When lambda-trust made that write (RFC 3339, UTC).
        at: String,
        /// The ARN lambda-trust made it as.
        arn: String,
        /// The CloudTrail event ID.
        event_id: String,
    },
    /// No event that explains it in the last `days` days ([`LOOKBACK_DAYS`] for CloudTrail).
    NoEvent {
        /// How many days back the lookup went.
        days: u32,
    },
    /// The lookup was refused: `cloudtrail:LookupEvents`, or `audits:audit:view`.
    NotPermitted {
        /// The permission the lookup needs.
        permission: &'static str,
    },
    /// The lookup failed otherwise.
    Failed {
        /// Why, as the lookup said.
        reason: String,
    },
}

/// The JSON Schema of an [`Attribution`] as the CloudTrail lookup makes it (a shape, never a
/// value: the lookback is [`LOOKBACK_DAYS`], the permission [`PERMISSION`]).
#[cfg(feature = "schemars")]
#[derive(schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(
    feature = "schemars",
    schemars(
        rename = "cloudtrail",
        description = "What the CloudTrail lookup said about an AWS drift finding."
    )
)]
#[allow(dead_code)]
enum CloudTrailShape {
    Changed,
    AppliedByLambdaTrust {
        #[cfg_attr(feature = "schemars", schemars(extend("format" = "date-time")))]
        at: String,
        arn: String,
        #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
        event_id: String,
    },
    NoEvent {
        #[cfg_attr(feature = "schemars", schemars(extend("const" = LOOKBACK_DAYS)))]
        days: u32,
    },
    NotPermitted {
        #[cfg_attr(feature = "schemars", schemars(extend("const" = PERMISSION)))]
        permission: String,
    },
    Failed {
        reason: String,
    },
}

/// The JSON Schema of an [`Attribution`] as Genesys Cloud's audit-trail lookup makes it (a
/// shape, never a value: never `applied_by_lambda_trust`, the permission
/// [`GENESYS_AUDIT_PERMISSION`]).
#[cfg(feature = "schemars")]
#[derive(schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(
    feature = "schemars",
    schemars(
        rename = "genesysAudit",
        description = "What Genesys Cloud's audit trail (the realtime audit query) said about a \
                   Genesys drift finding."
    )
)]
#[allow(dead_code)]
enum GenesysAuditShape {
    Changed,
    NoEvent {
        #[cfg_attr(feature = "schemars", schemars(range(min = 1)))]
        days: u32,
    },
    NotPermitted {
        #[cfg_attr(feature = "schemars", schemars(extend("const" = GENESYS_AUDIT_PERMISSION)))]
        permission: String,
    },
    Failed {
        reason: String,
    },
}

/// A finding's attribution fields, flattened into it: `changed_by` (the culprit's write) and
/// what the lookup found — `cloudtrail` for an AWS finding, `genesys_audit` for a Genesys one;
/// all absent when nothing was looked up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Trail {
    /// The write that explains the finding, when the trail names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "ChangedBy"))]
    pub changed_by: Option<ChangedBy>,
    /// What the CloudTrail lookup said, for an AWS finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "CloudTrailShape"))]
    pub cloudtrail: Option<Attribution>,
    /// What Genesys Cloud's audit trail said, for a Genesys finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "GenesysAuditShape"))]
    pub genesys_audit: Option<Attribution>,
    /// What to look up (not serialized); `None` for findings CloudTrail cannot explain.
    #[serde(skip)]
    pub(crate) key: Option<TrailKey>,
}

impl Trail {
    pub(crate) fn key(resource_name: impl Into<String>, drift: Drift) -> Trail {
        Trail {
            key: Some(TrailKey {
                resource_name: resource_name.into(),
                drift,
            }),
            ..Trail::default()
        }
    }
}

/// What one resource's lookup gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The events, most recent first (as `LookupEvents` returns them).
    Events(Vec<TrailEvent>),
    /// The lookup was refused (`cloudtrail:LookupEvents` is not granted).
    NotPermitted,
    /// The lookup failed otherwise (why).
    Failed(String),
}

/// The distinct resource names to look up, in first-seen order: only findings that carry a key
/// (an in-sync config has none, so it makes no lookup).
pub fn resources_to_look_up<'a>(keys: impl IntoIterator<Item = &'a Trail>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in keys.into_iter().filter_map(|t| t.key.as_ref()) {
        if !out.contains(&k.resource_name) {
            out.push(k.resource_name.clone());
        }
    }
    out
}

/// Whether the events seen so far answer every key on `resource`: each has an event of its
/// names (the latest of those comes first), so further pages cannot change the answer.
pub fn answered<'a>(
    resource: &str,
    keys: impl IntoIterator<Item = &'a Trail>,
    events: &[TrailEvent],
) -> bool {
    keys.into_iter()
        .filter_map(|t| t.key.as_ref())
        .filter(|k| k.resource_name == resource)
        .all(|k| events.iter().any(|e| explains(&e.event_name, k.drift)))
}

/// Fills in each keyed finding's attribution from the lookups: the latest event whose name
/// explains it; someone else's is the culprit (`changed_by`), lambda-trust's own is reported as
/// such and never blamed.
pub fn attribute(trail: &mut Trail, lookups: &BTreeMap<String, Lookup>) {
    let Some(key) = &trail.key else {
        return;
    };
    let attribution = match lookups.get(&key.resource_name) {
        None => return,
        Some(Lookup::NotPermitted) => Attribution::NotPermitted {
            permission: PERMISSION,
        },
        Some(Lookup::Failed(reason)) => Attribution::Failed {
            reason: reason.clone(),
        },
        Some(Lookup::Events(events)) => {
            let latest = events.iter().find(|e| explains(&e.event_name, key.drift));
            match latest {
                None => Attribution::NoEvent {
                    days: LOOKBACK_DAYS,
                },
                Some(e) if e.is_own() => Attribution::AppliedByLambdaTrust {
                    at: e.at.clone(),
                    arn: e.arn.clone(),
                    event_id: e.event_id.clone(),
                },
                Some(e) => {
                    trail.changed_by = Some(e.changed_by());
                    Attribution::Changed
                }
            }
        }
    };
    trail.cloudtrail = Some(attribution);
}

/// The resource CloudTrail indexes the writes behind `op`'s drift under (the role's name, the
/// policy's ARN), and the event names that can explain it.
pub(crate) fn trail_of(desired: &Desired, op: &Op) -> Trail {
    let policy = |name: &str, path: &str| {
        Arn::iam(
            &desired.partition,
            &desired.account_id,
            &format!("policy{path}{name}"),
        )
        .to_string()
    };
    match op {
        Op::Role(RoleOp::UpdateTrust { role, .. }) => Trail::key(role, Drift::Trust),
        Op::Role(RoleOp::UpdateSettings { role, .. }) => Trail::key(role, Drift::RoleSettings),
        Op::Tags(TagOp::TagRole { role, .. }) | Op::Tags(TagOp::UntagRole { role, .. }) => {
            Trail::key(role, Drift::RoleTags)
        }
        // Attachments are looked up by the policy's ARN: the role's own history holds every
        // other attachment too.
        Op::Attachment(AttachmentOp::Detach { arn, .. }) => Trail::key(arn, Drift::Attach),
        Op::Attachment(AttachmentOp::Attach { arn, .. }) => Trail::key(arn, Drift::Detach),
        Op::Attachment(AttachmentOp::DeleteInline { role, .. }) => Trail::key(role, Drift::Inline),
        Op::Boundary(BoundaryOp::Put { role, .. })
        | Op::Boundary(BoundaryOp::Delete { role, .. }) => Trail::key(role, Drift::Boundary),
        Op::Role(RoleOp::Create(DesiredRole { name, .. })) => Trail::key(name, Drift::RoleGone),
        Op::Policy(PolicyOp::Create { name, path, .. }) => {
            Trail::key(policy(name, path), Drift::PolicyGone)
        }
        Op::Version(VersionOp::Create { arn, .. }) => Trail::key(arn, Drift::PolicyDocument),
        Op::Version(VersionOp::DeleteLatent { arn, .. }) => Trail::key(arn, Drift::PolicyVersions),
        Op::Tags(TagOp::TagPolicy { arn, .. }) => Trail::key(arn, Drift::PolicyTags),
        // Lambda writes are in the function's account's CloudTrail, which `check` does not
        // read (its LookupEvents is the role's account's).
        Op::Permission(_)
        | Op::Version(VersionOp::Delete { .. })
        | Op::Policy(PolicyOp::Delete { .. })
        | Op::Role(RoleOp::Delete { .. }) => Trail::default(),
    }
}

mod genesys;
use genesys::GENESYS_AUDIT_PERMISSION;
pub use genesys::{genesys_attribution, GenesysLookup};

#[cfg(test)]
mod tests;
