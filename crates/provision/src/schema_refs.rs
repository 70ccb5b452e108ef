//! The JSON Schema references of the provisioner's own shapes (planned changes, verify's
//! proof and checklist, drift findings), beside the shared ones it re-exports from the model
//! (`lambda_trust_model::schema_refs`, where the common file's rules are said).

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

pub(crate) use lambda_trust_model::{
    schema_list as list, schema_non_empty_list as non_empty_list, schema_one as one,
    SchemaDocument as Document,
};

use crate::describe::ChangeView;

/// A list of planned writes: the common `changes`.
pub struct Changes;

impl JsonSchema for Changes {
    fn schema_name() -> Cow<'static, str> {
        "changes".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Changes").into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "array", "items": one::<ChangeView>(g)})
    }
}

/// The plan document (`plan.schema.json`), inside another output.
pub fn plan(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"$ref": "plan.schema.json"})
}
