//! The Genesys Cloud side's plain-data state: what should be ([`DesiredGenesys`], resolved from
//! the config and the AWS side's desired role) and what is ([`ObservedGenesys`], filled by
//! `genesys::observe`), plus the ownership [`Ledger`] lambda-trust keeps in the integration.
//!
//! Part of the pure model: tests build these values by hand.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::action::{ActionConfig, ActionContract, ActionDef, RequestConfig, ResponseConfig};
use crate::render::{resolve_targets, role_arn, RenderContext};
use crate::state::Desired;
use lambda_trust_config::{
    action_name, open_schema, Loaded, DEFAULT_REQUEST_TEMPLATE, DEFAULT_REQUEST_TYPE,
    DEFAULT_SUCCESS_TEMPLATE,
};
use lambda_trust_iam::Arn;

/// The integration type lambda-trust manages and the credential type it binds.
pub const INTEGRATION_TYPE: &str = "aws-lambda-data-actions";
/// The credential type the integration binds: it holds the role ARN.
pub const CREDENTIAL_TYPE: &str = "amazonWebServicesARN";
/// An integration's `intendedState` when it is switched on.
pub const ENABLED: &str = "ENABLED";

/// What Genesys Cloud should hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredGenesys {
    /// The config's `deployment`, which the ledger carries.
    pub deployment: Option<String>,
    /// The integration's name (also the name of its current config).
    pub integration: String,
    /// `[genesys].integration_id`: the integration is found by this ID, not by name, and a
    /// plan never creates one.
    #[serde(default)]
    pub integration_id: Option<String>,
    /// The actions' default category (`[genesys].category`).
    pub category: String,
    /// The credential's name and its `ARN` field: the role the AWS side manages.
    pub credential_name: String,
    /// The ARN of the role the AWS side manages, written into the credential.
    pub role_arn: String,
    /// The data actions the config wants, one per target and action.
    pub actions: Vec<DesiredAction>,
    /// Every target's function ARN as granted (qualified like the actions' ARNs), including
    /// targets without an action (`actions = []`): an action calling one of these calls a target.
    #[serde(default)]
    pub granted: Vec<String>,
    /// The Genesys Cloud organization's region (an AWS region name), when the endpoints came
    /// from one (`[genesys].region`, `GENESYSCLOUD_REGION`); not from an API URL.
    #[serde(default)]
    pub region: Option<String>,
    /// `[genesys].publish = "draft"`: configuration changes go to the actions' drafts.
    #[serde(default)]
    pub drafts: bool,
    /// `apply --publish`: drafts that hold the configured action are published.
    #[serde(default)]
    pub publish_drafts: bool,
}

/// One data action: calls exactly one target's function ARN, or (`[[genesys.actions]]`)
/// chooses it at run time with an expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredAction {
    /// The target's position in `[[targets]]`; `usize::MAX` for `[[genesys.actions]]`.
    pub target: usize,
    /// The action as lambda-trust writes it. Its category is `category` of the action, default
    /// `[genesys].category`; its `requestUrlTemplate` is the function ARN exactly as granted
    /// (qualified when the target has a qualifier; the unqualified ARN for `*`).
    pub def: ActionDef,
    /// The input `verify --test-actions` runs the action with (an empty object when unset).
    pub sample_input: Value,
    /// `expect`: output values the test run must answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<serde_json::Map<String, Value>>,
    /// The config sets no `timeout_seconds`: the default is written into an action created
    /// new, never into one that exists without a timeout ([`DesiredAction::as_found`]).
    #[serde(skip)]
    pub default_timeout: bool,
}

impl DesiredAction {
    /// The action as it should be over `existing`, the action it is matched to: one the config
    /// gives no timeout keeps having none (Genesys Cloud's own limit applies), as imported.
    pub fn as_found(&self, existing: &ActionDef) -> std::borrow::Cow<'_, DesiredAction> {
        if !self.default_timeout || existing.config.timeout_seconds.is_some() {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut kept = self.clone();
        kept.def.config.timeout_seconds = None;
        std::borrow::Cow::Owned(kept)
    }
}

/// [`DesiredAction::target`] of an action whose function is chosen at run time.
pub const DYNAMIC: usize = usize::MAX;

/// A request URL template as a wildcard pattern of the ARNs it can produce: each `${…}` is `*`.
pub fn url_pattern(template: &str) -> String {
    let mut pattern = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        pattern.push_str(&rest[..start]);
        pattern.push('*');
        rest = rest[start..]
            .find('}')
            .map_or("", |end| &rest[start + end + 1..]);
    }
    pattern.push_str(rest);
    pattern
}

impl DesiredGenesys {
    /// Resolves the Genesys side from the config (`None` without `[genesys]`). Every target
    /// gets an action; `[targets.action]` only changes its defaults.
    pub fn new(loaded: &Loaded, aws: &Desired) -> Option<DesiredGenesys> {
        let role_arn = Arn::iam(
            &aws.partition,
            &aws.account_id,
            &format!("role{}{}", aws.role.path, aws.role.name),
        )
        .to_string();
        DesiredGenesys::of(loaded, role_arn, &aws.targets)
    }

    /// What the config and `ctx` (the account, the clients' region) give before AWS is read
    /// (`check` reads the org meanwhile): `None` while they do not name the role and its
    /// targets yet (then the Genesys side is read after AWS); `Some(None)` without
    /// `[genesys]`.
    pub fn before_aws(loaded: &Loaded, ctx: &RenderContext) -> Option<Option<DesiredGenesys>> {
        let targets = resolve_targets(&loaded.config, ctx).ok()?;
        let role = role_arn(&loaded.config, ctx, &targets)?;
        Some(DesiredGenesys::of(loaded, role, &targets))
    }

    /// [`DesiredGenesys::new`] from the role's ARN and the resolved targets alone.
    pub(crate) fn of(
        loaded: &Loaded,
        role_arn: String,
        targets: &[crate::render::ResolvedTarget],
    ) -> Option<DesiredGenesys> {
        let config = &loaded.config;
        let g = config.genesys.as_ref()?;
        let schema = |path: &Option<String>| {
            path.as_ref()
                .and_then(|p| loaded.schemas.get(p).cloned())
                .unwrap_or_else(open_schema)
        };
        let default_category = config.genesys_category().unwrap_or_default();
        let granted: Vec<String> = targets.iter().map(granted_arn).collect();
        let mut actions: Vec<DesiredAction> = targets
            .iter()
            .zip(&granted)
            .flat_map(|(t, function_arn)| {
                let target = &config.targets[t.index];
                target
                    .action_configs()
                    .into_iter()
                    .map(|a| {
                        let name = action_name(target, &a);
                        desired_action(
                            t.index,
                            name,
                            function_arn.clone(),
                            a,
                            &default_category,
                            &schema,
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        // `[[genesys.actions]]`: the actions whose function is chosen at run time.
        for a in (config.genesys.iter())
            .flat_map(|g| g.actions.iter().flatten())
            .cloned()
        {
            let url = a.request_url_template.clone().unwrap_or_default();
            actions.push(desired_action(
                DYNAMIC,
                a.name.clone().unwrap_or_default(),
                url,
                a,
                &default_category,
                &schema,
            ));
        }
        Some(DesiredGenesys {
            deployment: config.deployment.clone(),
            integration: g.integration.clone(),
            integration_id: g.integration_id.clone(),
            category: default_category,
            credential_name: format!("{} role", g.integration),
            role_arn,
            actions,
            granted,
            region: g.region.clone(),
            drafts: g.publish == Some(lambda_trust_config::PublishMode::Draft),
            publish_drafts: false,
        })
    }
}

/// The ARN a target is granted as: with its qualifier, unless that is `*` or none.
fn granted_arn(t: &crate::render::ResolvedTarget) -> String {
    let qualifier = t.qualifier.as_deref().filter(|q| *q != "*");
    lambda_trust_iam::qualified_arn(&t.function_arn, qualifier)
}

/// One configured action: `url` is the function ARN as granted, or (`[[genesys.actions]]`) the
/// expression; every other field from `a`, defaults filled.
fn desired_action(
    target: usize,
    name: String,
    url: String,
    a: lambda_trust_config::DataActionConfig,
    default_category: &str,
    schema: &dyn Fn(&Option<String>) -> Value,
) -> DesiredAction {
    let timeout_seconds = a.timeout();
    let default_timeout = a.timeout_seconds.is_none();
    DesiredAction {
        target,
        default_timeout,
        def: ActionDef {
            name,
            category: a.category.unwrap_or_else(|| default_category.to_string()),
            secure: a.secure.unwrap_or(false),
            config: ActionConfig {
                request: RequestConfig {
                    request_url_template: url,
                    request_template: a
                        .request_template
                        .unwrap_or_else(|| DEFAULT_REQUEST_TEMPLATE.into()),
                    request_type: a
                        .request_type
                        .unwrap_or_else(|| DEFAULT_REQUEST_TYPE.into()),
                    headers: a.headers.unwrap_or_default(),
                },
                response: ResponseConfig {
                    success_template: a
                        .success_template
                        .unwrap_or_else(|| DEFAULT_SUCCESS_TEMPLATE.into()),
                    translation_map: a.translation_map.unwrap_or_default(),
                    translation_map_defaults: a.translation_map_defaults.unwrap_or_default(),
                },
                timeout_seconds,
            },
            contract: ActionContract {
                input_schema: schema(&a.input_schema),
                success_schema: schema(&a.output_schema),
            },
        },
        expect: a.expect.map(|e| e.0),
        sample_input: a
            .sample_input
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_else(|| serde_json::json!({})),
    }
}

/// What Genesys Cloud holds, as far as lambda-trust looks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObservedGenesys {
    /// The key under which the integration type binds an `amazonWebServicesARN` credential
    /// (read from `GET /api/v2/integrations/types/aws-lambda-data-actions`).
    pub credential_key: String,
    /// Every integration of our type with our name: more than one is an error, never a guess.
    /// With a pinned ID: that ID, when the integration exists and is of our type.
    pub matches: Vec<String>,
    /// With a pinned ID that is not an integration of our type: the type it has (`None`: no
    /// integration has that ID).
    #[serde(default)]
    pub pinned_type: Option<String>,
    /// Our integration, when it exists.
    pub integration: Option<ObservedIntegration>,
    /// The ledger's credential (or the bound one when there is no ledger), when it exists.
    pub credential: Option<ObservedCredential>,
    /// The actions whose `integrationId` is our integration's.
    pub actions: Vec<ObservedAction>,
    /// The flows that call an action (Architect dependency tracking, published flows), for
    /// the actions a plan would delete or replace and the superseded ones; an action absent
    /// here was not looked up (and is treated as in use).
    #[serde(default)]
    pub consumers: std::collections::BTreeMap<String, Vec<Flow>>,
    /// IDs of the credentials listed with the desired credential's name: a create whose answer
    /// was lost is recognised as the one listed afterwards that is not among these.
    #[serde(default)]
    pub credentials_named: Vec<String>,
    /// The drafts of our actions, by action ID (read only when drafts are used): `version` is
    /// the draft's, the contract the published action's (a draft never changes it).
    #[serde(default)]
    pub drafts: std::collections::BTreeMap<String, ObservedAction>,
    /// The signed-in organization's ID (`GET /api/v2/organizations/me`): the external ID
    /// Genesys Cloud sends when it assumes the role. `None`: not read.
    #[serde(default)]
    pub organization_id: Option<String>,
}

/// An Architect flow that calls a data action (a `Dependency` of dependency tracking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schemars",
    schemars(
        rename = "flow",
        deny_unknown_fields,
        description = "A published Architect flow that calls a data action."
    )
)]
pub struct Flow {
    /// The flow's ID.
    pub id: String,
    /// The flow's name.
    pub name: String,
    /// `INBOUNDCALLFLOW`, `WORKFLOW`, …
    #[serde(rename = "type")]
    pub flow_type: String,
    /// The flow's published version.
    pub version: String,
}

impl std::fmt::Display for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} ({}, version {}, {})",
            self.name, self.flow_type, self.version, self.id
        )
    }
}

/// Our integration as read, with its current config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedIntegration {
    /// The integration's ID.
    pub id: String,
    /// The integration's name.
    pub name: String,
    /// Its `intendedState` (`ENABLED`, `DISABLED`).
    pub intended_state: String,
    /// The current config's version (optimistic concurrency on `PUT …/config/current`).
    pub version: i64,
    /// The config's notes, where lambda-trust keeps its [`Ledger`].
    pub notes: String,
    /// The config's `properties`.
    pub properties: Value,
    /// The config's `advanced` settings.
    pub advanced: Value,
    /// The credential ID bound under `credential_key`, if any.
    pub bound_credential: Option<String>,
}

impl ObservedIntegration {
    /// The ownership ledger in the notes, when lambda-trust wrote one.
    pub fn ledger(&self) -> Option<Ledger> {
        Ledger::parse(&self.notes)
    }
}

/// A credential as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedCredential {
    /// The credential's ID.
    pub id: String,
    /// The credential's name.
    pub name: String,
    /// Its type's name (`amazonWebServicesARN` for ours).
    pub type_name: String,
    /// The `ARN` field when GET returns it (Genesys Cloud redacts credential fields; then None).
    pub arn: Option<String>,
    /// From the credentials listing: every change bumps it.
    pub modified_date: Option<String>,
    /// Whether it changed since lambda-trust last wrote it (the ledger's credential only).
    #[serde(default)]
    pub since_ledger: SinceLedger,
}

/// A credential since lambda-trust's write, as far as Genesys Cloud tells: the listed date,
/// and — when that shows only the write's second — the audit trail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SinceLedger {
    /// Not changed since lambda-trust wrote it.
    Unchanged,
    /// Changed outside lambda-trust (or not the ledger's credential): its role ARN, which
    /// Genesys Cloud does not return, may point at another role.
    #[default]
    Changed,
    /// Listed in the second of lambda-trust's write and the audit trail could not say (why):
    /// neither unchanged nor changed.
    Unknown(String),
}

/// An action of our integration as read: in full, or as the action list shows it (a
/// [`ObservedAction`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedAction {
    /// The action's ID.
    pub id: String,
    /// The action's version (every edit or publish bumps it).
    pub version: i64,
    /// The action: name, category, contract and configuration.
    pub def: ActionDef,
}

/// The action in full without reading its contract and templates, when the ledger proves it
/// is as configured: it is listed at the version lambda-trust recorded when it last published
/// it (every edit or publish bumps the version; a published contract never changes), the
/// recorded digests are the configured action's, and the listed fields agree. `None`: read it.
pub fn settled_by_ledger(
    desired: &DesiredGenesys,
    ledger: &Ledger,
    a: &ObservedAction,
) -> Option<ObservedAction> {
    let record = ledger.record(&a.id)?;
    let d = desired.actions.iter().find(|d| d.def.name == a.def.name)?;
    let d = d.as_found(&a.def);
    let same = record.version == Some(a.version)
        && record.contract == d.def.contract_digest()
        && record.config == d.def.config_digest()
        && a.def == d.def.as_listed();
    same.then(|| ObservedAction {
        def: d.def.clone(),
        ..a.clone()
    })
}

/// What lambda-trust owns in Genesys Cloud, kept as one line of JSON in the integration
/// config's `notes` (objects there carry no tags): the credential, when lambda-trust last
/// wrote it (its `modifiedDate`), the role ARN it wrote into it, the actions it created (each
/// with the version and the digests of what it last published), and the superseded actions it
/// keeps because a flow still calls them.
/// A credential whose listing shows a later `modifiedDate` was edited outside lambda-trust:
/// its ARN (which Genesys Cloud does not return) may point at another role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// The ID of the credential lambda-trust wrote.
    pub credential_id: String,
    /// The credential's `modifiedDate` from lambda-trust's last write.
    pub credential_modified: String,
    /// The role ARN lambda-trust wrote into the credential.
    pub role_arn: String,
    /// Sorted by ID. Ledgers written before records existed list bare IDs: those read as
    /// records without a version (so the action is read in full once).
    #[serde(deserialize_with = "records")]
    pub actions: Vec<ActionRecord>,
    /// Actions replaced after a contract change that a published flow still called when
    /// lambda-trust replaced them: kept, renamed, deleted by a later apply once unused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<String>,
    /// The deployment this integration belongs to (the config's `deployment`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
}

/// One owned action as lambda-trust last published it. A published action's contract never
/// changes and every edit or publish bumps its `version` (which the action list carries), so
/// an action listed at the recorded version is exactly as lambda-trust left it: only the
/// digests need comparing with the config, not the action's contract and templates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRecord {
    /// The action's ID.
    pub id: String,
    /// The version lambda-trust last published (`None` in ledgers written before records existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// [`ActionDef::contract_digest`] of what was published.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contract: String,
    /// [`ActionDef::config_digest`] of what was published.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub config: String,
}

fn records<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ActionRecord>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Entry {
        Id(String),
        Record(ActionRecord),
    }
    let entries: Vec<Entry> = Vec::deserialize(d)?;
    Ok(entries
        .into_iter()
        .map(|e| match e {
            Entry::Id(id) => ActionRecord {
                id,
                ..ActionRecord::default()
            },
            Entry::Record(r) => r,
        })
        .collect())
}

/// The integration's notes without the ledger's two lines: the people's text, kept.
pub fn notes_beside_ledger(notes: &str) -> String {
    let kept: Vec<&str> = notes
        .lines()
        .filter(|l| *l != LEDGER_NOTE && !l.starts_with(LEDGER_PREFIX))
        .collect();
    kept.join("\n").trim_end().to_string()
}

/// The first line of the notes says what the second is for.
pub(crate) const LEDGER_NOTE: &str = "Managed by lambda-trust: do not edit the next line.";
const LEDGER_PREFIX: &str = "lambda-trust-ledger: ";

impl Ledger {
    /// The ledger in an integration's notes, when lambda-trust wrote one.
    pub(crate) fn parse(notes: &str) -> Option<Ledger> {
        notes
            .lines()
            .find_map(|l| l.strip_prefix(LEDGER_PREFIX))
            .and_then(|json| serde_json::from_str(json).ok())
    }

    /// The notes text that carries this ledger, after `kept` (the integration's own notes, the
    /// ledger's lines taken out).
    pub fn to_notes(&self, kept: &str) -> String {
        let ledger = format!(
            "{LEDGER_NOTE}\n{LEDGER_PREFIX}{}",
            serde_json::to_string(self).unwrap_or_default()
        );
        if kept.is_empty() {
            ledger
        } else {
            format!("{kept}\n{ledger}")
        }
    }

    /// Whether lambda-trust owns the action: created by it, or superseded and kept.
    pub fn owns(&self, id: &str) -> bool {
        self.record(id).is_some() || self.superseded.iter().any(|s| s == id)
    }

    /// The ledger's record of action `id`, when it has one.
    pub fn record(&self, id: &str) -> Option<&ActionRecord> {
        self.actions.iter().find(|r| r.id == id)
    }
}

/// How a credential's listed `modifiedDate` stands to the date lambda-trust recorded in its
/// ledger. The listings give the date to the second and the single-credential read gives none
/// (the SDK's `CredentialInfo` and `Credential` models), while a write's answer has
/// milliseconds: an edit by someone else in the second of lambda-trust's write lists the same
/// date, so that second alone cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// The same date, at the recorded precision.
    Unchanged,
    /// Another date: changed since lambda-trust's write.
    Changed,
    /// The listing shows only the second of lambda-trust's write (recorded to the
    /// millisecond): unchanged, or edited in that same second — the audit trail decides.
    SameSecond,
}

/// Compares Genesys Cloud dates (`yyyy-MM-ddTHH:mm:ss[.SSS]Z`); dates that do not parse are
/// compared as text.
pub fn compare_listed_dates(listed: &str, recorded: &str) -> Listed {
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    let (Some(x), Some(y)) = (parse(listed), parse(recorded)) else {
        return if listed == recorded {
            Listed::Unchanged
        } else {
            Listed::Changed
        };
    };
    let (coarse, fine) = (digits(listed), digits(recorded));
    let unit = 10_i64.pow(9 - coarse.min(fine).min(9) as u32);
    let trunc = |t: chrono::DateTime<chrono::FixedOffset>| {
        let nanos = i64::from(t.timestamp_subsec_nanos());
        (t.timestamp(), nanos - nanos % unit)
    };
    match (trunc(x) == trunc(y), coarse < fine) {
        (false, _) => Listed::Changed,
        (true, false) => Listed::Unchanged,
        (true, true) => Listed::SameSecond,
    }
}

/// The digits after a date's seconds.
fn digits(s: &str) -> usize {
    s.split_once('.')
        .map(|(_, f)| f.chars().take_while(char::is_ascii_digit).count())
        .unwrap_or(0)
}

/// A date to the whole second, in the listings' form (`yyyy-MM-ddTHH:mm:ssZ`): what
/// lambda-trust records once the second of its write is over and the audit trail shows no one
/// else's change in it, so later runs compare listings exactly, without asking the trail.
pub fn whole_second(date: &str) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(date).ok()?;
    Some(
        t.with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_round_trips_through_the_notes_beside_the_peoples_text() {
        let ledger = Ledger {
            credential_id: "c1".into(),
            credential_modified: "2026-01-01T00:00:00.123Z".into(),
            role_arn: "arn:aws:iam::111122223333:role/GenesysLambdaInvoker".into(),
            actions: vec![ActionRecord {
                id: "a1".into(),
                version: Some(1),
                ..ActionRecord::default()
            }],
            superseded: vec!["a0".into()],
            deployment: Some("prod".into()),
        };
        let notes = ledger.to_notes("Owned by the contact-center team.");
        assert_eq!(Ledger::parse(&notes), Some(ledger.clone()));
        assert_eq!(
            notes_beside_ledger(&notes),
            "Owned by the contact-center team."
        );
        assert_eq!(Ledger::parse(&ledger.to_notes("")), Some(ledger));
        assert_eq!(Ledger::parse("hand-written notes"), None);
    }
}
