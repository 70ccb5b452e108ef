//! Every claim of a verification or a proof, counted for the closing line: checks, the
//! prover's properties and the whole path's claims (organization policies included). A closing
//! line never says "all passed" while a line above it says FAIL or UNKNOWN.
//!
//! Part of the pure model.

use super::Verification;
use crate::isolation_claim::IsolationClaim;
use lambda_trust_iam::{PropertyResult, Verdict};
use lambda_trust_model::ClaimVerdict;

/// How many claims of each kind were made, and how many did not hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub(crate) checks: usize,
    checks_failed: usize,
    pub(crate) properties: usize,
    /// Counterexample or unknown.
    properties_not_proved: usize,
    pub(crate) path_claims: usize,
    path_refuted: usize,
    path_unknown: usize,
    /// Path claims that hold only on an assumption (Genesys Cloud's organization ID not read).
    path_assumed: usize,
    /// Isolation claims towards other environments (`verify --env`).
    pub(crate) isolation: usize,
    /// Counterexample or unknown.
    isolation_not_proved: usize,
}

/// A verification's checks, proofs and path claims.
impl From<&Verification> for Tally {
    fn from(v: &Verification) -> Tally {
        let mut t = Tally::default().with_properties(&v.proofs);
        t.checks = v.checks.len();
        t.checks_failed = v.checks.iter().filter(|c| !c.passed).count();
        if let Some(path) = &v.path {
            for claims in &path.targets {
                t = t.with_claim(claims.genesys_gets_through.verdict);
                t = t.with_claim(claims.nobody_else.verdict);
                t.path_assumed += usize::from(claims.genesys_gets_through.assumes.is_some());
            }
        }
        t.with_isolation(&v.isolation)
    }
}

impl Tally {
    /// The isolation claims between environments added.
    pub(crate) fn with_isolation(mut self, claims: &[IsolationClaim]) -> Tally {
        self.isolation += claims.len();
        self.isolation_not_proved += (claims.iter())
            .filter(|c| c.verdict != Verdict::Proved)
            .count();
        self
    }

    /// The prover's properties added.
    pub(crate) fn with_properties(mut self, proofs: &[PropertyResult]) -> Tally {
        self.properties += proofs.len();
        self.properties_not_proved += (proofs.iter())
            .filter(|p| p.verdict != Verdict::Proved)
            .count();
        self
    }

    /// One path (or organization) claim added.
    pub(crate) fn with_claim(mut self, verdict: ClaimVerdict) -> Tally {
        self.path_claims += 1;
        match verdict {
            ClaimVerdict::Proved => {}
            ClaimVerdict::Refuted => self.path_refuted += 1,
            ClaimVerdict::Unknown => self.path_unknown += 1,
        }
        self
    }

    fn total(&self) -> usize {
        self.checks + self.properties + self.path_claims + self.isolation
    }

    /// Claims that did not hold (failed, refuted or unknown).
    pub(crate) fn not_holding(&self) -> usize {
        self.checks_failed
            + self.properties_not_proved
            + self.path_refuted
            + self.path_unknown
            + self.isolation_not_proved
    }

    /// `n` claims of a kind that all hold: proved, but for path claims held only on an
    /// assumption, said as such.
    fn holding(&self, n: usize, what: &str, good: &str) -> String {
        match what {
            "path claims" if self.path_assumed > 0 => format!(
                "{} of {n} {what} {good}, {} holding if Genesys Cloud's organization ID is the configured one",
                n - self.path_assumed,
                self.path_assumed
            ),
            _ => format!("all {n} {what} {good}"),
        }
    }

    /// The closing line, without its mark: "all 21 checks passed, all 4 properties proved" or
    /// "3 of 27 claims do not hold: 1 of 21 checks failed, 2 of 2 path claims not proved (1
    /// refuted, 1 unknown)".
    fn line(&self) -> String {
        let kinds = [
            (
                self.checks,
                self.checks_failed,
                "checks",
                "passed",
                "failed",
            ),
            (
                self.properties,
                self.properties_not_proved,
                "properties",
                "proved",
                "not proved",
            ),
            (
                self.path_claims,
                self.path_refuted + self.path_unknown,
                "path claims",
                "proved",
                "not proved",
            ),
            (
                self.isolation,
                self.isolation_not_proved,
                "isolation claims",
                "proved",
                "not proved",
            ),
        ];
        if self.not_holding() == 0 {
            let parts: Vec<String> = (kinds.iter())
                .filter(|k| k.0 > 0)
                .map(|&(n, _, what, good, _)| self.holding(n, what, good))
                .collect();
            return parts.join(", ");
        }
        let parts: Vec<String> = (kinds.iter())
            .filter(|k| k.1 > 0)
            .map(|(n, bad, what, _, verb)| format!("{bad} of {n} {what} {verb}"))
            .collect();
        let mut line = format!(
            "{} of {} claims do not hold: {}",
            self.not_holding(),
            self.total(),
            parts.join(", ")
        );
        if self.path_refuted + self.path_unknown > 0 && self.isolation_not_proved == 0 {
            line.push_str(&format!(
                " ({} refuted, {} unknown)",
                self.path_refuted, self.path_unknown
            ));
        }
        line
    }
}

/// The closing line, without its mark: "all 21 checks passed, all 4 properties proved".
impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line())
    }
}

impl lambda_trust_verdict::Judged for Tally {
    /// Every claim holds (`Ok`), or one does not or is undecided (`Denied`: verification
    /// failed).
    fn status(&self) -> lambda_trust_verdict::Status {
        lambda_trust_verdict::Status::ok_or(
            self.not_holding() == 0,
            lambda_trust_verdict::Status::Denied,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_trust_verdict::Judged;

    #[test]
    fn a_failed_path_claim_is_counted_in_the_closing_line() {
        let mut t = Tally {
            checks: 21,
            properties: 4,
            ..Tally::default()
        };
        assert_eq!(t.line(), "all 21 checks passed, all 4 properties proved");
        t = t
            .with_claim(ClaimVerdict::Proved)
            .with_claim(ClaimVerdict::Refuted);
        t = t.with_claim(ClaimVerdict::Unknown);
        assert_eq!(t.status(), lambda_trust_verdict::Status::Denied);
        assert_eq!(
            t.line(),
            "2 of 28 claims do not hold: 2 of 3 path claims not proved (1 refuted, 1 unknown)"
        );
    }
}
