//! The verify checklist, human and JSON.

use serde_json::Value;

use super::Styles;
use crate::core::verify::Verification;

/// The verify checklist.
pub fn verification_human(v: &Verification, styles: Styles) -> String {
    let mut out = String::new();
    for c in &v.checks {
        let mark = if c.passed {
            styles.green("PASS")
        } else {
            styles.red("FAIL")
        };
        out.push_str(&format!("  {mark}  {}\n", c.name));
        out.push_str(&styles.dim(&format!("        {}", c.detail)));
        out.push('\n');
    }
    let failed = v.checks.iter().filter(|c| !c.passed).count();
    if failed == 0 {
        out.push_str(&styles.green(&format!("✓ all {} checks passed\n", v.checks.len())));
    } else {
        out.push_str(&styles.red(&format!("✗ {failed} of {} checks failed\n", v.checks.len())));
    }
    out
}

/// `{"passed":bool,"checks":[{"name","passed","detail"}]}`
pub fn verification_json(v: &Verification) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}
