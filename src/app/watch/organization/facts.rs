//! Which of an account's findings, as the function's record lists their codes by role, are
//! facts (informational: no control failed nor passed), by the auditor's judgement of each code.

use serde_json::Value;

/// How many of `account`'s findings (its record's `roles`: codes by role) are facts.
pub(crate) fn facts_in(account: &Value) -> usize {
    let codes = (account["roles"].as_object().into_iter().flatten())
        .flat_map(|(_, codes)| codes.as_array().into_iter().flatten());
    codes
        .filter_map(|c| serde_json::from_value::<lambda_trust_audit::AuditCode>(c.clone()).ok())
        .filter(|c| c.outcome() == lambda_trust_audit::Outcome::Informational)
        .count()
}
