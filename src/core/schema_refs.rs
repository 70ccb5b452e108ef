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

/// Verify's checklist: the common `check`.
pub fn checks(_: &mut SchemaGenerator) -> Schema {
    common_list("check")
}

/// Proofs, present only when there are some: the common `property`, at least one.
pub fn proofs(_: &mut SchemaGenerator) -> Schema {
    non_empty(common_list("property"))
}

/// Drift findings, present only when something drifted: the common `finding`, at least one.
pub fn drift_findings(_: &mut SchemaGenerator) -> Schema {
    non_empty(common_list("finding"))
}

fn non_empty(mut list: Schema) -> Schema {
    list.insert("minItems".into(), 1.into());
    list
}

/// Check's (and verify's) drift findings: the common `finding`.
pub fn findings(_: &mut SchemaGenerator) -> Schema {
    common_list("finding")
}

/// A concrete request or null: the common `request`.
pub fn request_or_null(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"oneOf": [{"type": "null"}, common("request")]})
}

/// A 12-digit AWS account ID: the common `accountId`.
pub fn account_id(_: &mut SchemaGenerator) -> Schema {
    common("accountId")
}

/// AWS account IDs: the common `accountId`.
pub fn account_ids(_: &mut SchemaGenerator) -> Schema {
    common_list("accountId")
}

/// Account names by account ID.
pub fn account_names(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "propertyNames": {"pattern": "^[0-9]{12}$"},
        "additionalProperties": {"type": "string"}
    })
}
