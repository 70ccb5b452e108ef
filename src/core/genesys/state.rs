//! The Genesys Cloud side's plain-data state: what should be ([`DesiredGenesys`], resolved from
//! the config and the AWS side's desired role) and what is ([`ObservedGenesys`], filled by
//! `genesys::observe`), plus the ownership [`Ledger`] lambda-trust keeps in the integration.
//!
//! Part of the pure `core` layer: tests build these values by hand.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::genesys::{
    action_name, open_schema, DEFAULT_REQUEST_TEMPLATE, DEFAULT_SUCCESS_TEMPLATE,
    DEFAULT_TIMEOUT_SECONDS,
};
use crate::config::Loaded;
use crate::core::state::Desired;
use crate::iam::arn::Arn;

/// The integration type lambda-trust manages and the credential type it binds.
pub const INTEGRATION_TYPE: &str = "aws-lambda-data-actions";
pub const CREDENTIAL_TYPE: &str = "amazonWebServicesARN";
/// The credential type's one field: the role ARN.
pub const CREDENTIAL_FIELD: &str = "ARN";
pub const ENABLED: &str = "ENABLED";

/// What Genesys Cloud should hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredGenesys {
    /// The integration's name (also the name of its current config).
    pub integration: String,
    pub category: String,
    /// The credential's name and its `ARN` field: the role the AWS side manages.
    pub credential_name: String,
    pub role_arn: String,
    pub actions: Vec<DesiredAction>,
}

/// One data action: calls exactly one target's function ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredAction {
    /// The target's position in `[[targets]]`.
    pub target: usize,
    pub name: String,
    /// `config.request.requestUrlTemplate`: the function ARN exactly as granted (qualified
    /// when the target has a qualifier; the unqualified ARN for `*`).
    pub function_arn: String,
    pub request_template: String,
    pub success_template: String,
    pub timeout_seconds: i64,
    pub input_schema: Value,
    pub output_schema: Value,
    /// The input `verify --test-actions` runs the action with (an empty object when unset).
    pub sample_input: Value,
}

impl DesiredGenesys {
    /// Resolves the Genesys side from the config (`None` without `[genesys]`). Every target
    /// gets an action; `[targets.action]` only changes its defaults.
    pub fn new(loaded: &Loaded, aws: &Desired) -> Option<DesiredGenesys> {
        let config = &loaded.config;
        let g = config.genesys.as_ref()?;
        let role_arn = Arn::iam(
            &aws.partition,
            &aws.account_id,
            &format!("role{}{}", aws.role.path, aws.role.name),
        )
        .to_string();
        let schema = |path: &Option<String>| {
            path.as_ref()
                .and_then(|p| loaded.schemas.get(p).cloned())
                .unwrap_or_else(open_schema)
        };
        let actions = aws
            .targets
            .iter()
            .map(|t| {
                let target = &config.targets[t.index];
                let a = target.action.clone().unwrap_or_default();
                let function_arn = match t.qualifier.as_deref() {
                    Some(q) if q != "*" => format!("{}:{q}", t.function_arn),
                    _ => t.function_arn.clone(),
                };
                DesiredAction {
                    target: t.index,
                    name: action_name(target),
                    function_arn,
                    request_template: a
                        .request_template
                        .unwrap_or_else(|| DEFAULT_REQUEST_TEMPLATE.into()),
                    success_template: a
                        .success_template
                        .unwrap_or_else(|| DEFAULT_SUCCESS_TEMPLATE.into()),
                    timeout_seconds: a.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS),
                    input_schema: schema(&a.input_schema),
                    output_schema: schema(&a.output_schema),
                    sample_input: a
                        .sample_input
                        .and_then(|s| serde_json::from_str(&s).ok())
                        .unwrap_or_else(|| serde_json::json!({})),
                }
            })
            .collect();
        Some(DesiredGenesys {
            integration: g.integration.clone(),
            category: config.genesys_category().unwrap_or_default(),
            credential_name: format!("{} role", g.integration),
            role_arn,
            actions,
        })
    }
}

/// What Genesys Cloud holds, as far as lambda-trust looks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObservedGenesys {
    /// The key under which the integration type binds an `amazonWebServicesARN` credential
    /// (read from `GET /api/v2/integrations/types/aws-lambda-data-actions`).
    pub credential_key: String,
    /// Every integration of our type with our name: more than one is an error, never a guess.
    pub matches: Vec<String>,
    pub integration: Option<ObservedIntegration>,
    /// The ledger's credential (or the bound one when there is no ledger), when it exists.
    pub credential: Option<ObservedCredential>,
    /// The actions whose `integrationId` is our integration's.
    pub actions: Vec<ObservedAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedIntegration {
    pub id: String,
    pub name: String,
    pub intended_state: String,
    /// The current config's version (optimistic concurrency on `PUT …/config/current`).
    pub version: i64,
    pub notes: String,
    pub properties: Value,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedCredential {
    pub id: String,
    pub name: String,
    pub type_name: String,
    /// The `ARN` field when GET returns it (Genesys Cloud redacts credential fields; then None).
    pub arn: Option<String>,
    /// From the credentials listing: every change bumps it.
    pub modified_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedAction {
    pub id: String,
    pub name: String,
    pub category: String,
    pub version: i64,
    pub secure: bool,
    pub function_arn: String,
    pub request_template: String,
    pub success_template: String,
    pub timeout_seconds: i64,
    pub input_schema: Value,
    pub output_schema: Value,
}

/// What lambda-trust owns in Genesys Cloud, kept as one line of JSON in the integration
/// config's `notes` (objects there carry no tags): the credential, when lambda-trust last
/// wrote it (its `modifiedDate`), the role ARN it wrote into it, and the actions it created.
/// A credential whose listing shows a later `modifiedDate` was edited outside lambda-trust:
/// its ARN (which Genesys Cloud does not return) may point at another role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub credential_id: String,
    pub credential_modified: String,
    pub role_arn: String,
    /// Action IDs, sorted.
    pub actions: Vec<String>,
}

/// The first line of the notes says what the second is for.
pub const LEDGER_NOTE: &str = "Managed by lambda-trust: do not edit the next line.";
const LEDGER_PREFIX: &str = "lambda-trust-ledger: ";

impl Ledger {
    pub fn parse(notes: &str) -> Option<Ledger> {
        notes
            .lines()
            .find_map(|l| l.strip_prefix(LEDGER_PREFIX))
            .and_then(|json| serde_json::from_str(json).ok())
    }

    /// The notes text that carries this ledger.
    pub fn to_notes(&self) -> String {
        format!(
            "{LEDGER_NOTE}\n{LEDGER_PREFIX}{}",
            serde_json::to_string(self).unwrap_or_default()
        )
    }
}
