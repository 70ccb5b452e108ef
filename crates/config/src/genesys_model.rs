//! The Genesys Cloud side of the config as written: `[genesys]` (the integration we manage),
//! the data actions (`[targets.action]`, `[[targets.actions]]`, `[[genesys.actions]]`) and
//! their defaults. Their rules are `genesys`'.
//!
//! Part of the `config` layer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Defaults of `[targets.action]` (docs/genesys.md).
pub const DEFAULT_REQUEST_TEMPLATE: &str = "${input.rawRequest}";
/// `success_template`'s default: the function's answer as the action's output.
pub const DEFAULT_SUCCESS_TEMPLATE: &str = "${rawResult}";
/// `timeout_seconds`' default, in seconds.
pub const DEFAULT_TIMEOUT_SECONDS: i64 = 30;
/// Genesys Cloud accepts data action timeouts of 1–60 seconds; the timeout is optional
/// (`ActionConfig.timeoutSeconds` of the Platform API).
pub const TIMEOUT_RANGE: std::ops::RangeInclusive<i64> = 1..=60;
/// `timeout_seconds = 0`: the action sets no timeout (Genesys Cloud's own applies), as real
/// exports have it.
pub const NO_TIMEOUT: i64 = 0;
/// The HTTP methods a data action may use (the Terraform provider's `request_type` of
/// `genesyscloud_integration_action`); POST is Genesys's default.
pub(crate) const REQUEST_TYPES: [&str; 5] = ["GET", "PUT", "POST", "PATCH", "DELETE"];
/// `request_type`'s default (Genesys Cloud's own).
pub const DEFAULT_REQUEST_TYPE: &str = "POST";

/// `[genesys]`: the integration lambda-trust manages in Genesys Cloud.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesysConfig {
    /// AWS-style region name of the Genesys Cloud org (`us-east-1` → api.mypurecloud.com);
    /// `GENESYSCLOUD_REGION` / `GENESYSCLOUD_API_REGION` override it.
    pub region: Option<String>,
    /// The integration's name (names are not unique in Genesys Cloud: without `integration_id`
    /// two matches are an error).
    pub integration: String,
    /// The integration's ID: when set, every command finds the integration by this ID (of the
    /// `aws-lambda-data-actions` type) instead of by name, and never creates one.
    pub integration_id: Option<String>,
    /// The data actions' category; default: the integration's name.
    pub(crate) category: Option<String>,
    /// A Secrets Manager secret (ARN or name) holding `{"client_id", "client_secret",
    /// "base_url"?}`, used when the `GENESYSCLOUD_OAUTHCLIENT_*` variables are not set.
    pub oauth_secret: Option<String>,
    /// How configuration changes of existing actions are written: `publish` (default: patched
    /// and live at once) or `draft` (written to the action's draft; `apply --publish`
    /// publishes it).
    pub publish: Option<PublishMode>,
    /// `[[genesys.actions]]`: actions whose function is chosen at run time (their
    /// `request_url_template` is an expression such as `${input.functionArn}`). They grant
    /// nothing: they reach the targets the role grants whose ARNs the template can produce.
    pub actions: Option<Vec<DataActionConfig>>,
}

/// `[genesys].publish`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PublishMode {
    /// `apply` publishes every action it writes.
    Publish,
    /// `apply` leaves its changes as drafts (`apply --publish` publishes them).
    Draft,
}

/// `[targets.action]`: the data action that calls one target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataActionConfig {
    /// Default: the function's name.
    pub name: Option<String>,
    /// This action's category; default `[genesys].category`.
    pub category: Option<String>,
    /// JSON Schema files, relative to the config file; default: an open object.
    pub input_schema: Option<String>,
    /// The output contract's JSON Schema file, relative to the config file; default: an open object.
    pub output_schema: Option<String>,
    /// The request template (Velocity); default `${input.rawRequest}`.
    pub request_template: Option<String>,
    /// The success template (Velocity); default `${rawResult}`.
    pub success_template: Option<String>,
    /// 1–60 seconds, default 30; 0: none set (Genesys Cloud's own applies).
    pub timeout_seconds: Option<i64>,
    /// A JSON object: the input `verify --test-actions` runs the action with.
    pub sample_input: Option<String>,
    /// A secure action (its data kept out of logs and recordings); fixed at creation, so a
    /// change replaces the action. Needs `input_schema` and `output_schema`. Default false.
    pub secure: Option<bool>,
    /// GET, PUT, POST, PATCH or DELETE; default POST.
    pub request_type: Option<String>,
    /// Headers of the request: name → value (templates allowed).
    pub headers: Option<BTreeMap<String, String>>,
    /// Variable name → JSONPath into the function's answer, for the success template.
    pub translation_map: Option<BTreeMap<String, String>>,
    /// Variable name → the JSON value (as text, exactly as Genesys Cloud holds it: `'"none"'`,
    /// `"false"`, `"[]"`) used when its JSONPath finds nothing.
    pub translation_map_defaults: Option<BTreeMap<String, String>>,
    /// Output values `verify --test-actions` asserts, by top-level key (`expect = { valid = true }`).
    pub expect: Option<Expected>,
    /// `[[genesys.actions]]` only (required there): the request URL template, an expression
    /// that chooses the function at run time (`${input.functionArn}`,
    /// `arn:aws:lambda:us-east-1:111122223333:function:${input.name}`).
    pub request_url_template: Option<String>,
    /// The action exists in Genesys Cloud as it is, a defect in its response included
    /// (`init --from-genesys` writes it on such an action): `lint` says the defect as a
    /// warning. Without it `lint` errors on the defect, as `plan` and `apply` refuse to write
    /// an action new with one.
    pub imported: Option<bool>,
}

/// `expect = {…}`: output key → the JSON value the test run must answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Expected(pub serde_json::Map<String, Value>);

impl std::hash::Hash for Expected {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        Value::Object(self.0.clone()).to_string().hash(state);
    }
}

impl DataActionConfig {
    /// The timeout the action sets: `None` for `timeout_seconds = 0`, else the configured one or
    /// the default.
    pub fn timeout(&self) -> Option<i64> {
        match self.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS) {
            NO_TIMEOUT => None,
            s => Some(s),
        }
    }
}
