//! The JSON Schemas of the `--format json` outputs that are generated from their types
//! (`schemars`, draft 2020-12, as serialized: an `Option` without `skip_serializing_if` is
//! required and may be null): what the types' `schema_with` attributes name. The documents are
//! built in `generated_schemas.rs`; `report::tests::schemas` fails when `docs/schemas/` holds
//! anything else for these files; `just schemas` (`UPDATE_SCHEMAS=1`) rewrites them. Kept by hand
//! there: `render.schema.json` (the output is AWS's policy grammar, not a type of ours).
//! `common.schema.json` holds the shapes several outputs share, generated from their types too;
//! the others reference them through the model's `schema_one`, `schema_list`, …. Rules between fields are
//! `#[schemars(extend(...))]` on the type; a field's own rule an attribute on it.

use schemars::{Schema, SchemaGenerator};

pub(crate) use lambda_trust_model::{
    schema_list as list, schema_non_empty_list as non_empty_list, schema_one as one, schema_version,
};
pub(crate) use lambda_trust_provision::{schema_plan as plan, SchemaChanges as Changes};

use super::results::GenesysChanges;

/// The Genesys Cloud side of a plan or a run: the common `genesysPlan`.
pub(crate) fn genesys_plan(g: &mut SchemaGenerator) -> Schema {
    one::<GenesysChanges>(g)
}
