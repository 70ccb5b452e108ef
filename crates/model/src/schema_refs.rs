//! References into `docs/schemas/common.schema.json` for the result types whose JSON Schemas
//! are generated (`report::schemas`): the shapes several outputs share stay defined once there.
//! That file is generated too, from the same types (`report::schemas::common`): a reference is
//! `common.schema.json#/$defs/NAME` with NAME the type's own schema name, so the two cannot
//! disagree. Here also the shared shapes that have no type of their own: [`SchemaVersion`],
//! [`AccountId`], [`Document`].

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

/// The file the shared definitions are in, under `docs/schemas/`.
pub(crate) const COMMON_FILE: &str = "common.schema.json";

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

/// `T`'s definition in the common schema, as a field's `schema_with` names it
/// (`schema_refs::one::<AccountId>`).
pub fn one<T: JsonSchema>(_: &mut SchemaGenerator) -> Schema {
    common::<T>()
}

/// A list of `T`'s common definition, as a field's `schema_with` names it.
pub fn list<T: JsonSchema>(_: &mut SchemaGenerator) -> Schema {
    common_list::<T>()
}

/// A list of at least one `T` (a field present only when there are some).
pub fn non_empty_list<T: JsonSchema>(_: &mut SchemaGenerator) -> Schema {
    non_empty(common_list::<T>())
}

/// `T`'s common definition, or null.
pub fn or_null<T: JsonSchema>(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"oneOf": [{"type": "null"}, common::<T>()]})
}

/// `T`'s definition in the common schema.
pub(crate) fn common<T: JsonSchema>() -> Schema {
    json_schema!({"$ref": format!("{COMMON_FILE}#/$defs/{}", T::schema_name())})
}

/// A list of `T`'s common definition.
fn common_list<T: JsonSchema>() -> Schema {
    json_schema!({"type": "array", "items": common::<T>()})
}

/// `schema_version`: the common `schemaVersion`.
pub fn schema_version(_: &mut SchemaGenerator) -> Schema {
    common::<SchemaVersion>()
}

/// `list` with at least one item.
fn non_empty(mut list: Schema) -> Schema {
    list.insert("minItems".into(), 1.into());
    list
}
