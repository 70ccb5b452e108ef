//! `prove` results: one line per property, human and JSON.

use lambda_trust_verdict::{Judged, Status};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::styles::Styles;
use super::verify::{closing_line, isolation_lines, mark};
use lambda_trust_iam::{PropertyResult, Verdict};
use lambda_trust_model::ClaimVerdict;
use lambda_trust_provision::{IsolationClaim, OrgProof, Proof, Tally};

/// Whether every property is proved.
pub(crate) fn prove_passed(results: &[PropertyResult]) -> bool {
    results.iter().all(|r| r.verdict == Verdict::Proved)
}

/// One line per property: the mark, then the property and its verdict (for a counterexample,
/// the request and the statements that decide it; for unknown, the reason). Then a total.
pub(crate) fn prove_human(results: &[PropertyResult], styles: Styles) -> String {
    let mut out = property_lines(results, styles);
    let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
    let (failed, unknown) = (count(Verdict::Counterexample), count(Verdict::Unknown));
    if failed + unknown == 0 {
        out.push_str(&styles.green(&format!("✓ all {} properties proved\n", results.len())));
    } else {
        out.push_str(&styles.red(&format!(
            "✗ {} of {} properties not proved ({failed} counterexample{}, {unknown} unknown)\n",
            failed + unknown,
            results.len(),
            if failed == 1 { "" } else { "s" },
        )));
    }
    out
}

/// One line per property.
fn property_lines(results: &[PropertyResult], styles: Styles) -> String {
    (results.iter())
        .map(|r| format!("  {}  {}\n", mark(r.verdict, styles), r.summary()))
        .collect()
}

/// `prove --org-policies`: the organization's lines, the properties', and a closing line that
/// counts both.
pub(super) fn prove_with_organization(p: &Proof, org: &OrgProof, styles: Styles) -> String {
    format!(
        "{}{}{}",
        organization_human(org, styles),
        property_lines(&p.results, styles),
        closing_line(&Tally::from(p), styles)
    )
}

/// `prove` of a config with environments: each environment's properties, every pair's
/// isolation claims, and a closing line that counts them all.
pub(super) fn prove_environments(p: &Proof, styles: Styles) -> String {
    let mut out = String::new();
    for (name, results) in &p.environments {
        out.push_str(&format!("environment {name}:\n"));
        out.push_str(&property_lines(results, styles));
    }
    out.push_str("isolation:\n");
    out.push_str(&isolation_lines(&p.isolation, styles));
    let count = |v: Verdict| {
        p.results.iter().filter(|r| r.verdict == v).count()
            + p.isolation.iter().filter(|c| c.verdict == v).count()
    };
    let total = p.results.len() + p.isolation.len();
    let (failed, unknown) = (count(Verdict::Counterexample), count(Verdict::Unknown));
    let line = match failed + unknown {
        0 => styles.green(&format!(
            "✓ all {total} claims proved ({} environments)\n",
            p.environments.len()
        )),
        n => styles.red(&format!(
            "✗ {n} of {total} claims not proved ({failed} counterexample{}, {unknown} unknown)\n",
            if failed == 1 { "" } else { "s" }
        )),
    };
    out.push_str(&line);
    out
}

/// `prove`'s organization lines (`--org-policies`): one per target.
fn organization_human(org: &OrgProof, styles: Styles) -> String {
    let mut out = String::new();
    for t in &org.targets {
        let verdict = match t.claim.verdict {
            ClaimVerdict::Proved => Verdict::Proved,
            ClaimVerdict::Refuted => Verdict::Counterexample,
            ClaimVerdict::Unknown => Verdict::Unknown,
        };
        // The code is for machines (JSON, SARIF); people read the detail.
        out.push_str(&format!(
            "  {}  organization policies for {}: {}\n",
            mark(verdict, styles),
            t.target,
            t.claim.detail
        ));
    }
    out
}

/// `prove --format json`: `{"schema_version": 1, "passed": bool, "properties": [{"property",
/// "verdict", "counterexample": null | {"principal", "action", "resource", "context"},
/// "statements": [{"policy", "index", "sid", "effect"}], "reason"}]}`
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ProveResult<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// Every property proved.
    pub passed: bool,
    #[schemars(schema_with = "super::schemas::list::<lambda_trust_iam::PropertyResult>")]
    pub properties: &'a [PropertyResult],
    /// With `--org-policies`: whether the organization's SCPs and RCPs let Genesys Cloud
    /// through to each target; absent without (nothing claimed about them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<&'a OrgProof>,
    /// A config with environments: each one's properties (`properties` holds them all, in
    /// this order).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<EnvironmentProof<'a>>,
    /// A config with environments: every ordered pair's isolation claims, each naming both.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    #[schemars(with = "Vec<Value>")]
    pub isolation: &'a [IsolationClaim],
}

/// One environment's properties.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct EnvironmentProof<'a> {
    /// `[environments.NAME]`.
    pub environment: &'a str,
    /// Its properties all proved.
    pub passed: bool,
    #[schemars(schema_with = "super::schemas::list::<lambda_trust_iam::PropertyResult>")]
    pub properties: &'a [PropertyResult],
}

impl ProveResult<'_> {
    /// The properties alone (the tests' shape).
    #[cfg(test)]
    pub(crate) fn new(results: &[PropertyResult]) -> ProveResult<'_> {
        ProveResult {
            schema_version: lambda_trust_verdict::SCHEMA_VERSION,
            passed: prove_passed(results),
            properties: results,
            organization: None,
            environments: Vec::new(),
            isolation: &[],
        }
    }

    /// The whole proof: passed only when the organization's claims and every isolation claim
    /// hold too.
    pub(crate) fn of(p: &Proof) -> ProveResult<'_> {
        ProveResult {
            schema_version: lambda_trust_verdict::SCHEMA_VERSION,
            passed: p.status() == Status::Ok,
            properties: &p.results,
            organization: p.org.as_ref(),
            environments: (p.environments.iter())
                .map(|(name, results)| EnvironmentProof {
                    environment: name,
                    passed: prove_passed(results),
                    properties: results,
                })
                .collect(),
            isolation: &p.isolation,
        }
    }
}

/// [`ProveResult`] as a JSON value.
#[cfg(test)]
pub(crate) fn prove_json(results: &[PropertyResult]) -> Value {
    super::results::to_value(&ProveResult::new(results))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(verdict: Verdict) -> PropertyResult {
        PropertyResult {
            property: lambda_trust_iam::Property::InvokeOnlyTargets,
            verdict,
            counterexample: None,
            statements: Vec::new(),
            reason: "because".into(),
        }
    }

    #[test]
    fn the_total_counts_counterexamples_and_unknowns() {
        let all = [result(Verdict::Proved), result(Verdict::Unknown)];
        let text = prove_human(&all, Styles::default());
        assert!(
            text.contains("UNKNOWN  invoke-only-targets: unknown — because"),
            "{text}"
        );
        assert!(text.ends_with("✗ 1 of 2 properties not proved (0 counterexamples, 1 unknown)\n"));
        assert!(!prove_passed(&all));
        assert_eq!(prove_json(&all)["properties"][1]["verdict"], "unknown");
    }

    #[test]
    fn all_proved_passes() {
        let all = [result(Verdict::Proved)];
        assert!(prove_human(&all, Styles::default()).ends_with("✓ all 1 properties proved\n"));
        assert_eq!(prove_json(&all)["passed"], true);
        assert_eq!(
            prove_json(&all)["properties"][0]["counterexample"],
            Value::Null
        );
    }
}
