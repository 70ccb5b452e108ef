//! The one shape of a Genesys Cloud data action: [`ActionDef`], in Genesys's own names
//! (`PostActionInput` of the Platform API less its `integrationId`: `name`, `category`,
//! `config` as an `ActionConfig`, `contract` as an `ActionContractInput`). The write body, the
//! read, the ownership ledger's digests and the plan's diffs are all derived from it, so a new
//! field is one edit here: serde writes and reads it, the digests and diffs carry it, and the
//! compiler points at the places that build one.
//!
//! Every field Genesys's models give a data action is here (the Python SDK's `PostActionInput`,
//! `RequestConfig`, `ResponseConfig`; the Terraform provider's `genesyscloud_integration_action`):
//! `secure`, `requestType`, `headers`, `translationMap`, `translationMapDefaults`. Fields at
//! Genesys's defaults (not secure, POST, no headers, no maps) are left out of the serialized
//! form the digests and diffs use, so ledgers recorded before these fields existed still
//! settle; the write body always carries them ([`ActionDef::body`]).
//!
//! Part of the pure model.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use lambda_trust_config::DEFAULT_REQUEST_TYPE;

/// A data action as lambda-trust writes and compares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionDef {
    /// The action's name.
    pub name: String,
    /// The category it is listed under.
    #[serde(default)]
    pub category: String,
    /// Input and output kept out of logs and recordings; fixed when the action is created.
    #[serde(default, skip_serializing_if = "is_false")]
    pub secure: bool,
    /// How it calls the function: the request, the response and the timeout.
    pub config: ActionConfig,
    /// Absent from the action list (only `GET …/actions/{id}?expand=contract` carries it).
    #[serde(default)]
    pub contract: ActionContract,
}

/// Genesys's `ActionConfig`: the request, the response and the timeout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionConfig {
    /// The request: the function ARN as URL template, the request template and type, the headers.
    pub request: RequestConfig,
    /// How the function's answer becomes the action's output.
    #[serde(default)]
    pub response: ResponseConfig,
    /// Optional in Genesys Cloud ("Optional 1-60 second timeout", the Platform API's
    /// `ActionConfig`): absent stays absent, in the body and the digests alike.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
}

impl ActionConfig {
    /// The longest the action waits for its function: its timeout, or at most 60 s when it
    /// sets none (Genesys Cloud never waits longer).
    pub fn timeout_limit(&self) -> i64 {
        self.timeout_seconds
            .unwrap_or(*lambda_trust_config::TIMEOUT_RANGE.end())
    }
}

/// Genesys's `RequestConfig` (its `requestTemplateUri` is the list's stand-in for the text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestConfig {
    /// The function ARN the action calls (qualified when the target is).
    pub request_url_template: String,
    /// Empty in the action list, which carries the template's URI instead of its text.
    #[serde(default)]
    pub request_template: String,
    /// GET, PUT, POST, PATCH or DELETE.
    #[serde(default = "post", skip_serializing_if = "is_post")]
    pub request_type: String,
    /// Headers sent with the request, name to value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// Genesys's `ResponseConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseConfig {
    /// Empty in the action list (see [`RequestConfig::request_template`]).
    #[serde(default)]
    pub success_template: String,
    /// Variable name → JSONPath into the function's answer, for the success template.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translation_map: BTreeMap<String, String>,
    /// Variable name → the JSON value (as text: `"\"none\""`, `"false"`) used when its JSONPath
    /// finds nothing; written and compared exactly as the config holds it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translation_map_defaults: BTreeMap<String, String>,
}

/// Genesys's `ActionContractInput`: the input and success schemas (on the wire, each in its
/// own object: `{"input": {"inputSchema": …}, "output": {"successSchema": …}}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "ContractWire", into = "ContractWire")]
pub struct ActionContract {
    /// The JSON Schema of the action's input (`input.inputSchema`).
    pub input_schema: Value,
    /// The JSON Schema of the action's successful output (`output.successSchema`).
    pub success_schema: Value,
}

/// [`ActionContract`] as Genesys Cloud writes it.
#[derive(Clone, Default, Serialize, Deserialize)]
struct ContractWire {
    input: ContractInput,
    output: ContractOutput,
}

/// `ActionContractInput.input`.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContractInput {
    input_schema: Value,
}

/// `ActionContractInput.output`.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContractOutput {
    success_schema: Value,
}

impl From<ContractWire> for ActionContract {
    fn from(w: ContractWire) -> ActionContract {
        ActionContract {
            input_schema: w.input.input_schema,
            success_schema: w.output.success_schema,
        }
    }
}

impl From<ActionContract> for ContractWire {
    fn from(c: ActionContract) -> ContractWire {
        ContractWire {
            input: ContractInput {
                input_schema: c.input_schema,
            },
            output: ContractOutput {
                success_schema: c.success_schema,
            },
        }
    }
}

impl ActionDef {
    /// The function ARN the action calls.
    pub fn function_arn(&self) -> &str {
        &self.config.request.request_url_template
    }

    /// The action as the list shows it: the config without the template texts, no contract.
    pub(crate) fn as_listed(&self) -> ActionDef {
        let mut listed = self.clone();
        listed.config.request.request_template.clear();
        listed.config.response.success_template.clear();
        listed.contract = ActionContract::default();
        listed
    }

    /// `PostActionInput` less `integrationId`: every field, defaults written out.
    pub fn body(&self) -> Value {
        let empty = || Value::Object(Map::new());
        let mut body = serde_json::json!({
            "secure": false,
            "config": {
                "request": {"requestType": DEFAULT_REQUEST_TYPE, "headers": empty()},
                "response": {"translationMap": empty(), "translationMapDefaults": empty()},
            },
        });
        merge(&mut body, to_value(self));
        body
    }

    /// The action as one flat document for diffs: name, category, then the config's and the
    /// contract's fields by their API names (`requestUrlTemplate`, …, `successSchema`).
    pub fn doc(&self) -> Value {
        Value::Object(lift(to_value(self), 2))
    }

    /// The contract fields (`inputSchema`, `successSchema`) whose values differ from `other`'s.
    pub(crate) fn contract_differences(&self, other: &ActionDef) -> Vec<String> {
        let (a, b) = (
            lift(to_value(&self.contract), 1),
            lift(to_value(&other.contract), 1),
        );
        a.iter()
            .filter(|(k, v)| b.get(*k) != Some(v))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The contract fields and `secure` whose values differ from `other`'s: what Genesys
    /// Cloud never changes on a published action (a difference is a replacement).
    pub fn fixed_differences(&self, other: &ActionDef) -> Vec<String> {
        let mut out = self.contract_differences(other);
        if self.secure != other.secure {
            out.push("secure".into());
        }
        out
    }

    /// The digest of the published contract: its fields and `secure` (the parts Genesys
    /// Cloud never lets change after publishing).
    pub fn contract_digest(&self) -> String {
        let mut flat = lift(to_value(&self.contract), 1);
        flat.insert("secure".into(), Value::Bool(self.secure));
        digest(&Value::Object(flat))
    }

    /// The digest of the config as written: every field of [`ActionConfig`], by its API name.
    pub fn config_digest(&self) -> String {
        digest(&Value::Object(lift(to_value(&self.config), 1)))
    }
}

fn post() -> String {
    DEFAULT_REQUEST_TYPE.into()
}

fn is_post(s: &str) -> bool {
    s == DEFAULT_REQUEST_TYPE
}

fn is_false(b: &bool) -> bool {
    !b
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// `v`'s fields, with the fields of nested objects lifted into it `levels` deep (in order):
/// `{"request": {"requestUrlTemplate": …}, "timeoutSeconds": 8}` lifted once is
/// `{"requestUrlTemplate": …, "timeoutSeconds": 8}`. Schemas sit below the lifted levels and
/// stay whole. The digests are of these flat forms, the form ledgers have always recorded.
fn lift(v: Value, levels: usize) -> Map<String, Value> {
    let Value::Object(fields) = v else {
        return Map::new();
    };
    let mut out = Map::new();
    for (k, v) in fields {
        match v {
            Value::Object(_) if levels > 0 => out.extend(lift(v, levels - 1)),
            v => {
                out.insert(k, v);
            }
        }
    }
    out
}

/// `over`'s fields written into `base`, objects merged field by field.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, o) => *b = o,
    }
}

/// The first 16 hex digits of the SHA-256 of `v`'s canonical JSON (object keys sorted), so
/// equal documents written with their keys in another order have the same digest.
fn digest(v: &Value) -> String {
    let mut sorted = v.clone();
    sorted.sort_all_objects();
    let text = serde_json::to_string(&sorted).unwrap_or_default();
    crate::digest::short_digest(&text, 8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def() -> ActionDef {
        ActionDef {
            name: "Lookup order".into(),
            category: "Lambda".into(),
            secure: false,
            config: ActionConfig {
                request: RequestConfig {
                    request_url_template: "arn:aws:lambda:us-east-1:111122223333:function:f:live"
                        .into(),
                    request_template: "${input.rawRequest}".into(),
                    request_type: post(),
                    headers: BTreeMap::new(),
                },
                response: ResponseConfig {
                    success_template: "${rawResult}".into(),
                    ..ResponseConfig::default()
                },
                timeout_seconds: Some(12),
            },
            contract: ActionContract {
                input_schema: json!({"type": "object", "properties": {"id": {"type": "string"}}}),
                success_schema: json!({"type": "object"}),
            },
        }
    }

    /// Ledgers already written keep settling actions: the digests are byte for byte those the
    /// previous version recorded, which spelled the documents out by hand.
    #[test]
    fn the_digests_are_those_ledgers_already_recorded() {
        let d = def();
        let (c, k) = (&d.config, &d.contract);
        let config = digest(&json!({
            "requestUrlTemplate": c.request.request_url_template,
            "requestTemplate": c.request.request_template,
            "successTemplate": c.response.success_template,
            "timeoutSeconds": c.timeout_seconds,
        }));
        let contract = |secure| {
            digest(&json!({
                "inputSchema": k.input_schema,
                "successSchema": k.success_schema,
                "secure": secure,
            }))
        };
        assert_eq!(d.config_digest(), config);
        assert_eq!(d.contract_digest(), contract(false));
        let secure = ActionDef {
            secure: true,
            ..d.clone()
        };
        assert_eq!(secure.contract_digest(), contract(true));
        // Pinned (the SHA-256 of the sorted compact JSON, computed apart from this code), so a
        // change of the digest's form shows here and not as a fleet of re-reads.
        assert_eq!(d.config_digest(), "e1c30c1027b698c6");
        // Every config field is digested: a change of any of them changes the digest.
        let mut other = d.clone();
        other.config.timeout_seconds = Some(13);
        assert_ne!(other.config_digest(), d.config_digest());
    }

    /// The body is the one the previous version wrote by hand (`PostActionInput`).
    #[test]
    fn the_body_is_post_action_input() {
        let d = def();
        let c = &d.config;
        let previous = json!({
            "name": d.name,
            "category": d.category,
            "secure": false,
            "config": {
                "request": {
                    "requestUrlTemplate": c.request.request_url_template,
                    "requestType": "POST",
                    "headers": {},
                    "requestTemplate": c.request.request_template,
                },
                "response": {
                    "translationMap": {},
                    "translationMapDefaults": {},
                    "successTemplate": c.response.success_template,
                },
                "timeoutSeconds": c.timeout_seconds,
            },
            "contract": {
                "input": {"inputSchema": d.contract.input_schema},
                "output": {"successSchema": d.contract.success_schema},
            },
        });
        assert_eq!(d.body(), previous);
    }

    /// The diff document keeps its fields and their order.
    #[test]
    fn the_doc_is_flat_in_the_api_names() {
        let doc = def().doc();
        let keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "name",
                "category",
                "requestUrlTemplate",
                "requestTemplate",
                "successTemplate",
                "timeoutSeconds",
                "inputSchema",
                "successSchema"
            ]
        );
        assert_eq!(doc["inputSchema"], def().contract.input_schema);
    }

    #[test]
    fn a_read_action_carries_every_field() {
        let read = json!({"name": "n", "secure": true, "config": {
            "request": {"requestUrlTemplate": "arn", "requestType": "GET", "headers": {"a": "b"},
                        "requestTemplateUri": "/t"},
            "response": {"translationMap": {"x": "$.x"}, "translationMapDefaults": {},
                         "successTemplateUri": "/s"}}});
        let def: ActionDef = serde_json::from_value(read).unwrap();
        assert_eq!(def.function_arn(), "arn");
        assert_eq!(def.config.request.request_template, "");
        assert!(def.secure);
        assert_eq!(def.config.request.request_type, "GET");
        assert_eq!(def.config.request.headers["a"], "b");
        assert_eq!(def.config.response.translation_map["x"], "$.x");
        // Every field reaches the body, the digests and the diff document.
        let body = def.body();
        assert_eq!(body["secure"], true);
        assert_eq!(body["config"]["request"]["requestType"], "GET");
        assert_eq!(body["config"]["request"]["headers"], json!({"a": "b"}));
        assert_eq!(
            body["config"]["response"]["translationMap"],
            json!({"x": "$.x"})
        );
        assert_eq!(
            body["config"]["response"]["translationMapDefaults"],
            json!({})
        );
        let doc = def.doc();
        for key in ["secure", "requestType", "headers", "translationMap"] {
            assert!(doc.get(key).is_some(), "{key} missing from {doc}");
        }
        let mut other = def.clone();
        other.config.request.headers.insert("c".into(), "d".into());
        assert_ne!(other.config_digest(), def.config_digest());
        other = def.clone();
        other
            .config
            .response
            .translation_map_defaults
            .insert("x".into(), "0".into());
        assert_ne!(other.config_digest(), def.config_digest());
        other = def.clone();
        other.secure = false;
        assert_ne!(other.contract_digest(), def.contract_digest());
        assert_eq!(other.fixed_differences(&def), ["secure"]);
    }

    /// An action without a timeout (real exports) is read, written and digested without one.
    #[test]
    fn absent_timeout_stays_absent() {
        let mut d = def();
        d.config.timeout_seconds = None;
        assert!(
            d.body()["config"].get("timeoutSeconds").is_none(),
            "{}",
            d.body()
        );
        let read: ActionDef = serde_json::from_value(d.body()).unwrap();
        assert_eq!(read.config.timeout_seconds, None);
        assert_ne!(d.config_digest(), def().config_digest());
        assert_eq!(d.config.timeout_limit(), 60);
    }

    #[test]
    fn contract_differences_name_the_fields() {
        let mut other = def();
        other.contract.success_schema = json!({"type": "string"});
        assert_eq!(def().contract_differences(&other), ["successSchema"]);
        assert!(def().contract_differences(&def()).is_empty());
    }
}
