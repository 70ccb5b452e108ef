//! The lint report, human (`error[code]: message` with hints) and JSON.

use schemars::JsonSchema;
use serde::Serialize;

use super::styles::Styles;
use lambda_trust_provision::{LintFinding, LintOverrides, LintReport, LintSeverity};

/// One line per finding (`error[code]: message`), its hint indented below, then a summary.
pub(crate) fn render_human(report: &LintReport, styles: Styles) -> String {
    let mut out = String::new();
    for e in &report.environments {
        let overrides = match e.overrides.as_slice() {
            [] => "nothing: the shared config as it is".to_string(),
            keys => keys.join(", "),
        };
        out.push_str(&format!(
            "environment {} overrides {overrides}\n",
            e.environment
        ));
    }
    for f in &report.findings {
        let severity = match f.severity {
            LintSeverity::Error => styles.bold(&styles.red("error")),
            LintSeverity::Warning => styles.bold(&styles.yellow("warning")),
        };
        let code = styles.bold(&f.code.to_string());
        out.push_str(&format!("{severity}[{code}]: {}\n", indent(&f.message)));
        if let Some(hint) = &f.hint {
            let label = styles.cyan("hint");
            out.push_str(&format!("  {label}: {}\n", indent(hint)));
        }
    }
    let (e, w) = (
        report.count(LintSeverity::Error),
        report.count(LintSeverity::Warning),
    );
    if e == 0 && w == 0 {
        out.push_str("lint: no findings\n");
    } else {
        out.push_str(&format!(
            "lint: {e} error{}, {w} warning{}\n",
            plural(e),
            plural(w)
        ));
    }
    out
}

/// `{"schema_version":1,"errors":N,"warnings":N,"findings":[{"severity","code","message","hint"}]}`,
/// pretty-printed.
pub(crate) fn render_json(report: &LintReport) -> String {
    let out = LintOutput {
        schema_version: lambda_trust_verdict::SCHEMA_VERSION,
        errors: report.count(LintSeverity::Error),
        warnings: report.count(LintSeverity::Warning),
        findings: &report.findings,
        environments: &report.environments,
    };
    // Serializing plain strings and numbers cannot fail; keep a valid document regardless.
    serde_json::to_string_pretty(&out).unwrap_or_else(|_| "{}".to_string())
}

/// `lint --format json` (its schema is generated from this type: `report::schemas`).
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct LintOutput<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    schema_version: u32,
    errors: usize,
    warnings: usize,
    findings: &'a [LintFinding],
    /// A config with environments: what each one overrides of the shared base.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    environments: &'a [LintOverrides],
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Keeps continuation lines under their finding.
fn indent(s: &str) -> String {
    s.replace('\n', "\n    ")
}
