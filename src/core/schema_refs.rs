//! References into the hand-kept `docs/schemas/common.schema.json` for the result types whose
//! JSON Schemas are generated (`report::schemas`): the shapes several outputs share stay
//! defined once there.

use schemars::{json_schema, Schema, SchemaGenerator};

/// `schema_version`: the one shared definition of the hand-kept common schema.
pub fn schema_version(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"$ref": "common.schema.json#/$defs/schemaVersion"})
}

/// A definition of the hand-kept common schema.
fn common(name: &str) -> Schema {
    json_schema!({"$ref": format!("common.schema.json#/$defs/{name}")})
}

/// A list of one definition of the common schema.
fn common_list(name: &str) -> Schema {
    json_schema!({"type": "array", "items": common(name)})
}

/// `properties` of prove (and verify): the common `property`.
pub fn properties(_: &mut SchemaGenerator) -> Schema {
    common_list("property")
}

/// Statements that took part in a decision: the common `statementRef`.
pub fn statement_refs(_: &mut SchemaGenerator) -> Schema {
    common_list("statementRef")
}

/// A concrete request: the common `request`.
pub fn request(_: &mut SchemaGenerator) -> Schema {
    common("request")
}

/// AWS or Genesys Cloud changes: the common `changes`.
pub fn changes(_: &mut SchemaGenerator) -> Schema {
    common("changes")
}

/// The Genesys Cloud side of a plan or a run: the common `genesysPlan`.
pub fn genesys_plan(_: &mut SchemaGenerator) -> Schema {
    common("genesysPlan")
}

/// The proof of a role: the common `verification`.
pub fn verification(_: &mut SchemaGenerator) -> Schema {
    common("verification")
}

/// The plan document (`plan.schema.json`), inside another output.
pub fn plan(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"$ref": "plan.schema.json"})
}
