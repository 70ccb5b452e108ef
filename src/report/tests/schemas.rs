//! The schemas generated from the result types (`report::schemas`) are the committed ones in
//! `docs/schemas/`: `UPDATE_SCHEMAS=1` (`just schemas`) writes them instead. What the committed
//! schemas accept and refuse is tested in `tests/it/json_schemas.rs`.
#![cfg(test)]

use std::path::Path;

use crate::report::generated_schemas::{common_schema, generated};

const SCHEMA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/schemas");

#[test]
fn generated_schemas_are_the_committed_ones() {
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (name, schema) in generated() {
        let path = Path::new(SCHEMA_DIR).join(name);
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if update {
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "docs/schemas/ {stale:?} differ from the types' schemas: run `just schemas`"
    );
}

#[test]
fn the_common_schema_is_generated_with_the_others() {
    let (common, _) = common_schema();
    assert_eq!(common, "common.schema.json");
    assert!(
        generated().iter().any(|(name, _)| *name == common),
        "{common} is not among the generated schemas"
    );
}
