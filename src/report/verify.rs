//! The verify checklist, human and JSON.

use serde_json::Value;

use super::Styles;
use crate::core::verify::Verification;
use crate::iam::{PropertyResult, Verdict};

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
    out.push_str(&proof_lines(&v.proofs, styles));
    let failed = v.checks.iter().filter(|c| !c.passed).count();
    let unproved = v
        .proofs
        .iter()
        .filter(|p| p.verdict != Verdict::Proved)
        .count();
    let proved = match v.proofs.len() {
        0 => String::new(),
        n if unproved == 0 => format!(", all {n} properties proved"),
        n => format!(", {unproved} of {n} properties not proved"),
    };
    if failed == 0 && unproved == 0 {
        let line = format!("✓ all {} checks passed{proved}\n", v.checks.len());
        out.push_str(&styles.green(&line));
    } else {
        let line = format!("✗ {failed} of {} checks failed{proved}\n", v.checks.len());
        out.push_str(&styles.red(&line));
    }
    out
}

/// One line per property the prover decided: the verdict, the property, and for a
/// counterexample the request and the statement that lets it in (or why it is unknown).
pub fn proof_lines(proofs: &[PropertyResult], styles: Styles) -> String {
    let mut out = String::new();
    for p in proofs {
        let mark = super::prove::mark(p.verdict, styles);
        out.push_str(&format!("  {mark}  proof: {}\n", p.property));
        let detail = match p.verdict {
            Verdict::Proved => p.reason.clone(),
            _ => p.summary(),
        };
        out.push_str(&styles.dim(&format!("        {detail}")));
        out.push('\n');
    }
    out
}

/// `{"passed":bool,"checks":[{"name","passed","detail"}],"proofs":[{"property","verdict",
/// "counterexample","statements","reason"}]}` (`proofs` absent when the role does not exist).
pub fn verification_json(v: &Verification) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}
