//! References into `docs/schemas/common.schema.json` for the result types whose JSON Schemas
//! are generated (`report::schemas`): the shapes several outputs share stay defined once there.
//! That file is generated too, from the same types (`report::schemas::common`): a reference is
//! `common.schema.json#/$defs/NAME` with NAME the type's own schema name, so the two cannot
//! disagree. Here also the shared shapes that have no type of their own: [`SchemaVersion`],
//! [`AccountId`], [`Document`].

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use lambda_trust_iam::{Counterexample, PropertyResult, StatementRef};

/// The file the shared definitions are in, under `docs/schemas/`.
pub const COMMON_FILE: &str = "common.schema.json";

/// Declares a shape that is no Rust type of its own (the field is a `u32`, a `String`, a
/// `serde_json::Value`): its name in the common schema and its schema.
macro_rules! shape {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $schema:expr) => {
        $(#[$doc])*
        pub struct $ty;

        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }

            fn schema_id() -> Cow<'static, str> {
                concat!(module_path!(), "::", stringify!($ty)).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

shape!(
    /// `schema_version`: [`lambda_trust_verdict::SCHEMA_VERSION`].
    SchemaVersion,
    "schemaVersion",
    json_schema!({
        "description": "Version of a versioned shape: a field is only ever added within a version.",
        "const": lambda_trust_verdict::SCHEMA_VERSION,
    })
);

shape!(
    /// A 12-digit AWS account ID.
    AccountId,
    "accountId",
    json_schema!({
        "description": "An AWS account ID.",
        "type": "string",
        "pattern": "^[0-9]{12}$",
    })
);

shape!(
    /// A policy or data action document, as JSON.
    Document,
    "document",
    json_schema!({
        "description": "A policy document (IAM) or a data action document (Genesys Cloud), as \
                        JSON; its shape is AWS's or Genesys Cloud's, not lambda-trust's.",
        "type": "object",
    })
);

/// `T`'s definition in the common schema.
pub fn common<T: JsonSchema>() -> Schema {
    json_schema!({"$ref": format!("{COMMON_FILE}#/$defs/{}", T::schema_name())})
}

/// A list of `T`'s common definition.
pub fn common_list<T: JsonSchema>() -> Schema {
    json_schema!({"type": "array", "items": common::<T>()})
}

/// `schema_version`: the common `schemaVersion`.
pub fn schema_version(_: &mut SchemaGenerator) -> Schema {
    common::<SchemaVersion>()
}

/// `properties` of prove (and verify): the common `property`.
pub fn properties(_: &mut SchemaGenerator) -> Schema {
    common_list::<PropertyResult>()
}

/// Statements that took part in a decision: the common `statementRef`.
pub fn statement_refs(_: &mut SchemaGenerator) -> Schema {
    common_list::<StatementRef>()
}

/// A concrete request: the common `request`.
pub fn request(_: &mut SchemaGenerator) -> Schema {
    common::<Counterexample>()
}

/// Proofs, present only when there are some: the common `property`, at least one.
pub fn proofs(_: &mut SchemaGenerator) -> Schema {
    non_empty(common_list::<PropertyResult>())
}

/// `list` with at least one item.
pub fn non_empty(mut list: Schema) -> Schema {
    list.insert("minItems".into(), 1.into());
    list
}

/// A concrete request or null: the common `request`.
pub fn request_or_null(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"oneOf": [{"type": "null"}, common::<Counterexample>()]})
}

/// A 12-digit AWS account ID: the common `accountId`.
pub fn account_id(_: &mut SchemaGenerator) -> Schema {
    common::<AccountId>()
}

/// AWS account IDs: the common `accountId`.
pub fn account_ids(_: &mut SchemaGenerator) -> Schema {
    common_list::<AccountId>()
}

/// Account names by account ID.
pub fn account_names(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "propertyNames": {"pattern": "^[0-9]{12}$"},
        "additionalProperties": {"type": "string"}
    })
}
