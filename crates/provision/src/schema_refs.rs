//! The JSON Schema references of the provisioner's own shapes (planned changes, verify's
//! proof and checklist, drift findings), beside the shared ones it re-exports from the model
//! (`lambda_trust_model::schema_refs`, where the common file's rules are said).

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

pub use lambda_trust_model::schema_refs::*;

use crate::describe::ChangeView;
use crate::drift::Finding;
use crate::verify::{Check, Verification};

/// A list of planned writes: the common `changes`.
pub struct Changes;

impl JsonSchema for Changes {
    fn schema_name() -> Cow<'static, str> {
        "changes".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Changes").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "array", "items": common::<ChangeView>()})
    }
}

/// AWS or Genesys Cloud changes: the common `changes`.
pub fn changes(_: &mut SchemaGenerator) -> Schema {
    common::<Changes>()
}

/// The proof of a role: the common `verification`.
pub fn verification(_: &mut SchemaGenerator) -> Schema {
    common::<Verification>()
}

/// The plan document (`plan.schema.json`), inside another output.
pub fn plan(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"$ref": "plan.schema.json"})
}

/// Verify's checklist: the common `check`.
pub(crate) fn checks(_: &mut SchemaGenerator) -> Schema {
    common_list::<Check>()
}

/// Drift findings, present only when something drifted: the common `finding`, at least one.
pub fn drift_findings(_: &mut SchemaGenerator) -> Schema {
    non_empty(common_list::<Finding>())
}

/// Check's (and verify's) drift findings: the common `finding`.
pub fn findings(_: &mut SchemaGenerator) -> Schema {
    common_list::<Finding>()
}
