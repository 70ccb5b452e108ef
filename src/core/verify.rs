//! Verification: proves the live setup is what it must be, as plain checks over plain data.
//!
//! Part of the pure `core` layer. The proof is an offline evaluation of the **live** documents
//! (read by `aws::observe`) with the `iam` evaluator, because the IAM policy simulator does not
//! evaluate trust policies for `sts:AssumeRole` (see docs/aws-behaviour.md). The optional live
//! probe (assume the role, dry-run invoke) is `aws::probe`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::core::lint;
use crate::core::state::{Desired, Observed};
use crate::iam::arn::{self, Arn};
use crate::iam::{evaluate, Decision, EvalInput, LabeledPolicy, Policy, Request};

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    pub passed: bool,
    pub checks: Vec<Check>,
}

impl Verification {
    pub fn new(checks: Vec<Check>) -> Verification {
        Verification {
            passed: checks.iter().all(|c| c.passed),
            checks,
        }
    }
}

/// An account that is certainly not the partner's, for the "foreign account" case.
fn foreign_account(partner: &str) -> &'static str {
    if partner == "111111111111" {
        "222222222222"
    } else {
        "111111111111"
    }
}

fn account_of_principal(principal: &str) -> String {
    arn::account_of(principal).to_string()
}

fn context(external_id: Option<&str>) -> BTreeMap<String, Vec<String>> {
    external_id
        .map(|id| BTreeMap::from([("sts:ExternalId".to_string(), vec![id.to_string()])]))
        .unwrap_or_default()
}

fn decision_text(d: Decision) -> &'static str {
    d.as_str()
}

/// The offline proof over the live documents.
pub fn checks(desired: &Desired, observed: &Observed) -> Vec<Check> {
    let mut out = Vec::new();
    let Some(role) = &observed.role else {
        out.push(Check {
            name: "role exists".into(),
            passed: false,
            detail: format!(
                "role {} does not exist; run `lambda-trust apply`",
                desired.role.name
            ),
        });
        return out;
    };
    let role_arn = role.arn.clone();
    let partner_account = account_of_principal(&desired.partner_principal);

    // --- trust side -------------------------------------------------------------------
    match Policy::parse(&role.trust) {
        Err(e) => out.push(Check {
            name: "trust policy parses".into(),
            passed: false,
            detail: e.to_string(),
        }),
        Ok(trust) => {
            let input = EvalInput {
                identity_policies: Vec::new(),
                resource_policy: Some(LabeledPolicy::new("trust policy", trust)),
                resource_policy_is_trust: true,
                boundary: None,
            };
            let ext = desired.external_id.as_str();
            let wrong = format!("{ext}-wrong");
            let session =
                format!("arn:aws:sts::{partner_account}:assumed-role/GenesysCloud/session");
            let foreign = format!("arn:aws:iam::{}:root", foreign_account(&partner_account));
            let cases: Vec<(String, String, Option<&str>, bool)> = vec![
                ("trust: partner account root with the right external ID may assume the role".to_string(), format!("arn:aws:iam::{partner_account}:root"), Some(ext), true),
                ("trust: a role session in the partner account with the right external ID may assume the role".to_string(), session.clone(), Some(ext), true),
                ("trust: the partner with a wrong external ID is denied".to_string(), session.clone(), Some(wrong.as_str()), false),
                ("trust: the partner without an external ID is denied".to_string(), session.clone(), None, false),
                ("trust: another account with the right external ID is denied".to_string(), foreign, Some(ext), false),
                ("trust: an anonymous caller is denied".to_string(), "*".to_string(), Some(ext), false),
            ];
            for (name, principal, ext_id, want_allow) in cases {
                let eval = evaluate(
                    &input,
                    &Request {
                        principal: principal.clone(),
                        action: "sts:AssumeRole".into(),
                        resource: role_arn.clone(),
                        context: context(ext_id),
                    },
                );
                let allowed = eval.decision == Decision::Allow;
                out.push(Check {
                    name,
                    passed: allowed == want_allow,
                    detail: format!(
                        "sts:AssumeRole by {principal}{} → {}",
                        ext_id
                            .map(|e| format!(" with sts:ExternalId={e}"))
                            .unwrap_or_else(|| " with no sts:ExternalId".into()),
                        decision_text(eval.decision)
                    ),
                });
            }
        }
    }
    let trust_findings = lint::trust_findings(
        &role.trust,
        &desired.partner_principal,
        &desired.external_id,
    );
    out.push(findings_check(
        "trust: only the partner may assume the role, only with StringEquals sts:ExternalId",
        &trust_findings,
    ));

    // --- invoke side --------------------------------------------------------------------
    let mut identity = Vec::new();
    let mut parse_problems = Vec::new();
    let docs: Vec<(String, &Value)> = observed
        .attached
        .iter()
        .map(|p| (format!("managed policy {}", p.name), &p.document))
        .chain(
            observed
                .inline
                .iter()
                .map(|p| (format!("inline policy {}", p.name), &p.document)),
        )
        .collect();
    for (label, d) in &docs {
        match Policy::parse(d) {
            Ok(p) => identity.push(LabeledPolicy::new(label.clone(), p)),
            Err(e) => parse_problems.push(format!("{label}: {e}")),
        }
    }
    let boundary = match &observed.boundary {
        Some(b) => match Policy::parse(&b.document) {
            Ok(p) => Some(LabeledPolicy::new(
                format!("permissions boundary {}", b.name),
                p,
            )),
            Err(e) => {
                parse_problems.push(format!("boundary {}: {e}", b.name));
                None
            }
        },
        None => None,
    };
    if !parse_problems.is_empty() {
        out.push(Check {
            name: "invoke: every attached and inline policy parses".into(),
            passed: false,
            detail: parse_problems.join("; "),
        });
    }
    let input = EvalInput {
        identity_policies: identity,
        resource_policy: None,
        resource_policy_is_trust: false,
        boundary,
    };
    // The role's own side lives in the role's partition; only the Genesys principal is `aws`.
    let p = desired.partition.as_str();
    let session = Arn {
        service: "sts".into(),
        ..Arn::iam(
            p,
            &observed.account_id,
            &format!("assumed-role/{}/genesys-cloud", role.name),
        )
    }
    .to_string();
    let ask = |action: &str, resource: &str| {
        evaluate(
            &input,
            &Request {
                principal: session.clone(),
                action: action.into(),
                resource: resource.into(),
                context: BTreeMap::new(),
            },
        )
        .decision
    };
    let granted: Vec<String> = desired
        .targets
        .iter()
        .flat_map(|t| t.granted_arns.iter().cloned())
        .collect();
    let denied_targets: Vec<String> = granted
        .iter()
        .filter(|arn| ask("lambda:InvokeFunction", arn) != Decision::Allow)
        .cloned()
        .collect();
    out.push(Check {
        name: format!(
            "invoke: every target is invokable ({} ARN(s))",
            granted.len()
        ),
        passed: denied_targets.is_empty(),
        detail: if denied_targets.is_empty() {
            "lambda:InvokeFunction → Allow on every granted ARN".into()
        } else {
            format!(
                "lambda:InvokeFunction is denied on: {}",
                denied_targets.join(", ")
            )
        },
    });
    let region = desired
        .targets
        .first()
        .map(|t| t.region.clone())
        .unwrap_or_else(|| "us-east-1".into());
    let outsider = Arn::function(
        p,
        &region,
        &observed.account_id,
        "lambda-trust-not-a-target",
        None,
    )
    .to_string();
    let d = ask("lambda:InvokeFunction", &outsider);
    out.push(Check {
        name: "invoke: a function that is not a target is not invokable".into(),
        passed: d != Decision::Allow,
        detail: format!("lambda:InvokeFunction on {outsider} → {}", decision_text(d)),
    });
    let any_target = granted.first().cloned().unwrap_or(outsider.clone());
    let others = [
        ("lambda:UpdateFunctionCode", any_target.clone()),
        ("lambda:InvokeAsync", any_target.clone()),
        (
            "iam:PassRole",
            Arn::iam(p, &observed.account_id, &format!("role/{}", role.name)).to_string(),
        ),
        ("s3:GetObject", format!("arn:{p}:s3:::any-bucket/any-key")),
        (
            "sts:AssumeRole",
            Arn::iam(p, &observed.account_id, "role/any-role").to_string(),
        ),
    ];
    let allowed_others: Vec<String> = others
        .iter()
        .filter(|(a, r)| ask(a, r) == Decision::Allow)
        .map(|(a, r)| format!("{a} on {r}"))
        .collect();
    out.push(Check {
        name: "invoke: no other action is allowed".into(),
        passed: allowed_others.is_empty(),
        detail: if allowed_others.is_empty() {
            others
                .iter()
                .map(|(a, _)| *a)
                .collect::<Vec<_>>()
                .join(", ")
                + " → denied"
        } else {
            format!("allowed: {}", allowed_others.join("; "))
        },
    });
    let all_docs: Vec<Value> = docs.iter().map(|(_, d)| (*d).clone()).collect();
    let invoke_findings = lint::invoke_findings(&all_docs, &granted);
    out.push(findings_check(
        "invoke: no Allow statement grants more than lambda:InvokeFunction on the targets",
        &invoke_findings,
    ));

    // --- the functions themselves ---------------------------------------------------------
    let missing: Vec<String> = observed
        .functions
        .iter()
        .filter_map(|f| f.problem.clone())
        .collect();
    out.push(Check {
        name: format!(
            "functions: every target exists ({})",
            observed.functions.len()
        ),
        passed: missing.is_empty(),
        detail: if missing.is_empty() {
            "GetFunction succeeded for every target (with its qualifier)".into()
        } else {
            missing.join("; ")
        },
    });
    out
}

fn findings_check(name: &str, findings: &[lint::Finding]) -> Check {
    let errors: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == lint::Severity::Error)
        .map(|f| f.message.clone())
        .collect();
    Check {
        name: name.into(),
        passed: errors.is_empty(),
        detail: if errors.is_empty() {
            "structural check passed".into()
        } else {
            errors.join("; ")
        },
    }
}
