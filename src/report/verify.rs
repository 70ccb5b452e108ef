//! The verify checklist, human and JSON.

use super::styles::Styles;
use super::text::printable;
use lambda_trust_iam::{PropertyResult, Verdict};
use lambda_trust_provision::{Finding, IsolationClaim, Tally, Verification};
use lambda_trust_verdict::{Judged, Status};

/// The verify checklist.
pub(crate) fn verification_human(v: &Verification, styles: Styles) -> String {
    let mut out = String::new();
    for c in &v.checks {
        let mark = if c.passed {
            styles.green("PASS")
        } else {
            styles.red("FAIL")
        };
        out.push_str(&format!("  {mark}  {}\n", c.name));
        out.push_str(&styles.dim(&format!("        {}", printable(&c.detail))));
        out.push('\n');
    }
    out.push_str(&proof_lines(&v.proofs, styles));
    if let Some(path) = &v.path {
        out.push_str(&path_lines(path, styles));
    }
    out.push_str(&isolation_lines(&v.isolation, styles));
    out.push_str(&closing_line(&Tally::from(v), styles));
    out
}

/// One line per isolation claim (`dev → prod (trust)`), with the request of a counterexample.
pub(super) fn isolation_lines(claims: &[IsolationClaim], styles: Styles) -> String {
    let mut out = String::new();
    for c in claims {
        out.push_str(&format!(
            "  {}  {}: {}\n",
            mark(c.verdict, styles),
            claim_name(c),
            printable(&c.detail)
        ));
        if let Some(request) = &c.counterexample {
            let shown: Vec<String> = request.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push_str(&format!(
                "        request: {}\n",
                printable(&shown.join(" "))
            ));
        }
    }
    out
}

/// `isolation dev → prod (trust)`.
fn claim_name(c: &IsolationClaim) -> String {
    let kind = serde_json::to_value(c.claim).unwrap_or_default();
    format!(
        "{} → {} ({})",
        c.environment,
        c.other,
        kind.as_str().unwrap_or_default()
    )
}

/// The verdict's mark, the same in `prove` and `verify` output.
pub(super) fn mark(verdict: Verdict, styles: Styles) -> String {
    match verdict {
        Verdict::Proved => styles.green("PASS   "),
        Verdict::Counterexample => styles.red("FAIL   "),
        Verdict::Unknown => styles.yellow("UNKNOWN"),
    }
}

/// The last line of `verify`, `onboard` and `prove`: every claim above it counted.
pub(super) fn closing_line(tally: &Tally, styles: Styles) -> String {
    if tally.status() == Status::Ok {
        styles.green(&format!("✓ {}\n", tally))
    } else {
        styles.red(&format!("✗ {}\n", tally))
    }
}

/// The whole path: per target, whether Genesys Cloud gets through and whether anyone else
/// gets in, with what stops or lets in.
fn path_lines(path: &lambda_trust_model::PathClaims, styles: Styles) -> String {
    use lambda_trust_model::ClaimVerdict;
    let mut out = String::new();
    for (account, source) in &path.organization {
        let line = format!("        organization policies of {account}: {source}");
        out.push_str(&styles.dim(&printable(&line)));
        out.push('\n');
    }
    for note in &path.function_policies {
        let line = format!("        function policies in {note}");
        out.push_str(&styles.dim(&printable(&line)));
        out.push('\n');
    }
    for t in &path.targets {
        let claims = [
            ("Genesys Cloud gets through to", &t.genesys_gets_through),
            ("nobody else can invoke", &t.nobody_else),
        ];
        for (what, claim) in claims {
            let mark = match claim.verdict {
                ClaimVerdict::Proved => styles.green("PASS   "),
                ClaimVerdict::Refuted => styles.red("FAIL   "),
                ClaimVerdict::Unknown => styles.yellow("UNKNOWN"),
            };
            // Held only on an assumption: said as such, never as proved.
            let (mark, assuming) = match &claim.assumes {
                Some(a) => (styles.yellow("ASSUMED"), format!("; assuming {a}")),
                None => (mark, String::new()),
            };
            out.push_str(&format!(
                "  {mark}  path: {what} {}\n",
                printable(&t.target)
            ));
            let detail = format!("        {}{assuming}", claim.detail);
            out.push_str(&styles.dim(&printable(&detail)));
            out.push('\n');
        }
    }
    out
}

/// One line per property the prover decided: the verdict, the property, and for a
/// counterexample the request and the statement that lets it in (or why it is unknown).
pub(super) fn proof_lines(proofs: &[PropertyResult], styles: Styles) -> String {
    let mut out = String::new();
    for p in proofs {
        let mark = mark(p.verdict, styles);
        out.push_str(&format!("  {mark}  proof: {}\n", p.property));
        let detail = match p.verdict {
            Verdict::Proved => p.reason.clone(),
            _ => p.summary(),
        };
        out.push_str(&styles.dim(&format!("        {}", printable(&detail))));
        out.push('\n');
    }
    out
}

/// The AWS changes behind a failed verification, each with who made it (CloudTrail): one
/// line per drift finding, after the checklist. Empty when nothing drifted.
pub(crate) fn changes_human(drift: &[Finding], styles: Styles) -> String {
    if drift.is_empty() {
        return String::new();
    }
    let mut out = String::from("  what changed on AWS:\n");
    let mut said = super::attribution::LookupsSaid::default();
    for f in drift {
        let line = format!(
            "{}: {}{}",
            f.resource,
            f.message,
            super::attribution::suffix(&f.trail, &mut said)
        );
        let line = printable(&line);
        out.push_str(&format!("  {}  {line}\n", styles.yellow("DRIFT")));
        if let Some(c) = &f.trail.changed_by {
            let detail = super::check::changed_by_detail(c);
            out.push_str(&styles.dim(&format!("         {}", printable(&detail))));
            out.push('\n');
        }
    }
    out
}
