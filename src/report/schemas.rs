//! The JSON Schemas of the `--format json` outputs that are generated from their types
//! (`schemars`, draft 2020-12, as serialized: an `Option` without `skip_serializing_if` is
//! required and may be null). `tests/it/json_schemas.rs` fails when `docs/schemas/` holds
//! anything else for these files; `just schemas` (`UPDATE_SCHEMAS=1`) rewrites them. The other
//! outputs' schemas are still kept by hand there.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{Map, Value};

pub(crate) use crate::core::schema_refs::*;

/// Each generated schema: its file name under `docs/schemas/` and the document.
pub fn generated() -> Vec<(&'static str, Value)> {
    vec![
        document::<super::lint::LintOutput>(
            "lint.schema.json",
            "lambda-trust lint --format json",
            "The findings of `lambda-trust lint` on the config and the rendered policies \
             (errors exit 1, warnings alone exit 0).",
        ),
        document::<super::version::VersionResult>(
            "version.schema.json",
            "lambda-trust --version --format json",
            "What the binary was built from, for a bug report.",
        ),
        document::<super::genesys::RegionsResult<'static>>(
            "genesys-regions.schema.json",
            "lambda-trust genesys regions --format json",
            "The Genesys Cloud region table of `lambda-trust genesys regions`: each region with \
             its Platform API URL and login (OAuth) URL.",
        ),
        document::<super::prove::ProveResult<'static>>(
            "prove.schema.json",
            "lambda-trust prove --format json",
            "The properties `lambda-trust prove` decided over every request, offline (exit 0 when \
             all are proved).",
        ),
        document::<super::simulate::SimulateResult<'static>>(
            "simulate.schema.json",
            "lambda-trust simulate --format json",
            "The decision of `lambda-trust simulate` on one request, and the statements that \
             decided it (one line of JSON).",
        ),
    ]
}

/// The root schema of `T`, with `$schema`, `$id`, `title` and `description` first.
fn document<T: JsonSchema>(
    file: &'static str,
    title: &str,
    description: &str,
) -> (&'static str, Value) {
    let generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let schema = generator.into_root_schema_for::<T>().to_value();
    let repo = env!("CARGO_PKG_REPOSITORY")
        .strip_prefix("https://github.com/")
        .unwrap_or(env!("CARGO_PKG_REPOSITORY"));
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    out.insert(
        "$id".into(),
        format!("https://raw.githubusercontent.com/{repo}/main/docs/schemas/{file}").into(),
    );
    out.insert("title".into(), title.into());
    out.insert("description".into(), description.into());
    for (k, v) in schema.as_object().into_iter().flatten() {
        if !out.contains_key(k) {
            out.insert(k.clone(), v.clone());
        }
    }
    (file, Value::Object(out))
}
