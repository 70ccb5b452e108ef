//! `lambda-trust diff`: two environments' differences, overrides taken out — human and JSON.

use schemars::JsonSchema;
use serde::Serialize;

use super::output::Report;
use super::styles::Styles;
use lambda_trust_provision::Difference;

/// `diff --format json`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct DiffResult<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// The two environments compared, in the order given.
    pub environments: &'a [String; 2],
    /// No difference beyond the configured overrides.
    pub same: bool,
    /// Each difference: what, the first environment's value, the second's.
    pub differences: &'a [Difference],
}

impl<'a> DiffResult<'a> {
    pub(crate) fn new(
        environments: &'a [String; 2],
        differences: &'a [Difference],
    ) -> DiffResult<'a> {
        DiffResult {
            schema_version: lambda_trust_verdict::SCHEMA_VERSION,
            environments,
            same: differences.is_empty(),
            differences,
        }
    }
}

impl Report for DiffResult<'_> {
    fn human(&self, styles: Styles) -> String {
        let [a, b] = self.environments;
        let mut out = String::new();
        for d in self.differences {
            out.push_str(&format!("{}\n", styles.bold(&d.what)));
            out.push_str(&styles.red(&format!("  - {a}: {}\n", d.first)));
            out.push_str(&styles.green(&format!("  + {b}: {}\n", d.second)));
        }
        out.push_str(&match self.differences.len() {
            0 => format!("{a} and {b} are the same, their configured overrides taken out\n"),
            n => format!(
                "{n} difference{} between {a} and {b}, their configured overrides taken out\n",
                if n == 1 { "" } else { "s" }
            ),
        });
        out
    }

    fn json(&self) -> String {
        super::results::to_json(self)
    }
}
