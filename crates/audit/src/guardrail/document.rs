//! The guardrail's document: one resource control policy that denies `sts:AssumeRole` to the
//! partner accounts unless the request carries one of your Genesys Cloud org IDs, and the
//! syntax and quota checks any RCP stored in its place must pass.
//!
//! Part of `guardrail`. The rules are the AWS Organizations User Guide's ("RCP syntax",
//! <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html>;
//! "Quotas and service limits",
//! <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html>):
//! an RCP statement denies (`Effect` `Deny`), to `Principal` `"*"`, with no `NotPrincipal` nor
//! `NotAction`, each action naming its service; the document is at most 5,120 characters.
//! `StringNotEquals` is case-sensitive (IAM User Guide, "IAM JSON policy elements: Condition
//! operators"): an org ID is refused unless it is a lowercase UUID, the form Genesys Cloud
//! sends, so that a typo cannot lock Genesys Cloud out while a proof fed the same typo passes.

use serde_json::{json, Value};

use lambda_trust_config::is_uuid;
use lambda_trust_iam::{minified_len, ActionClause, Effect, Policy, PrincipalClause, Principals};

use super::model::GuardrailSpec;

/// The guardrail's name in AWS Organizations (with `managed-by = lambda-trust` as its tag).
pub(crate) const NAME: &str = "lambda-trust-genesys-cloud-external-id";
/// The statement's `Sid`.
pub(crate) const SID: &str = "GenesysCloudOnlyWithYourOrgIds";
/// The most characters an RCP may hold, white space included.
pub(crate) const MAX_CHARACTERS: usize = 5120;
/// The most RCPs attached to one root, OU or account, `RCPFullAWSAccess` included.
pub(crate) const MAX_ATTACHED: usize = 5;
/// The AWS managed RCP attached everywhere, which cannot be detached.
pub(crate) const FULL_ACCESS: &str = "RCPFullAWSAccess";

/// The guardrail for `spec`, minified, or why it cannot be written.
pub(crate) fn guardrail_document(spec: &GuardrailSpec) -> Result<Value, String> {
    refuse_bad_spec(spec)?;
    let mut statement = json!({"Sid": SID, "Effect": "Deny", "Principal": "*",
        "Action": "sts:AssumeRole"});
    let fields = statement.as_object_mut().expect("an object");
    if spec.exempt.is_empty() {
        fields.insert("Resource".into(), json!("*"));
    } else {
        fields.insert("NotResource".into(), json!(spec.exempt));
    }
    fields.insert(
        "Condition".into(),
        json!({
            "StringEquals": {"aws:PrincipalAccount": spec.partners},
            "StringNotEquals": {"sts:ExternalId": spec.org_ids},
        }),
    );
    let document = json!({"Version": "2012-10-17", "Statement": [statement]});
    let size = minified_len(&document);
    if size > MAX_CHARACTERS {
        return Err(format!(
            "the guardrail would be {size} characters, over the {MAX_CHARACTERS} an RCP may \
             hold ({} org IDs, {} exempted roles): give fewer org IDs or exemptions",
            spec.org_ids.len(),
            spec.exempt.len()
        ));
    }
    Ok(document)
}

/// Why `spec` cannot be written, before any document is.
fn refuse_bad_spec(spec: &GuardrailSpec) -> Result<(), String> {
    if spec.org_ids.is_empty() {
        return Err("no Genesys Cloud org ID: give --genesys-org-id (or a config)".into());
    }
    if let Some(bad) = spec.org_ids.iter().find(|id| !is_lower_uuid(id)) {
        return Err(format!(
            "org ID {bad:?} is not a lowercase UUID: StringNotEquals compares case-sensitively, \
             and Genesys Cloud sends its org ID in lowercase"
        ));
    }
    if spec.partners.is_empty() {
        return Err("no partner account: give --partner-account".into());
    }
    if let Some(bad) = spec.partners.iter().find(|a| !is_account(a)) {
        return Err(format!(
            "partner account {bad:?} is not a 12-digit account ID"
        ));
    }
    if let Some(bad) = spec.exempt.iter().find(|a| !is_role_arn(a)) {
        return Err(format!(
            "--exempt-role {bad:?} is not a role ARN without wildcards \
             (arn:aws:iam::123456789012:role/NAME)"
        ));
    }
    Ok(())
}

pub(crate) fn is_lower_uuid(id: &str) -> bool {
    is_uuid(id) && !id.bytes().any(|b| b.is_ascii_uppercase())
}

pub(crate) use lambda_trust_iam::is_account_id as is_account;

fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "iam"
        && parts[3].is_empty()
        && is_account(parts[4])
        && parts[5].starts_with("role/")
        && parts[5].len() > "role/".len()
        && !arn.contains(['*', '?'])
}

/// Why `document` could not be stored as a customer RCP, or `None`: the syntax and size rules
/// above, checked on the parsed document as Organizations checks the text.
pub(crate) fn rcp_problem(document: &Value) -> Option<String> {
    let size = minified_len(document);
    if size > MAX_CHARACTERS {
        return Some(format!("{size} characters, over {MAX_CHARACTERS}"));
    }
    let policy = match Policy::try_from(document) {
        Ok(p) => p,
        Err(e) => return Some(format!("not a policy document: {e}")),
    };
    policy.statements.iter().enumerate().find_map(|(i, s)| {
        let why = if s.effect != Effect::Deny {
            "Effect is not Deny"
        } else if !matches!(
            s.principal,
            Some(PrincipalClause::Principal(Principals::Any))
        ) {
            "Principal is not \"*\""
        } else if let ActionClause::Action(actions) = &s.action {
            match actions.iter().find(|a| !a.contains(':')) {
                Some(_) => "an action does not name its service",
                None => return None,
            }
        } else {
            "NotAction is not allowed in an RCP"
        };
        Some(format!("statement {}: {why}", i + 1))
    })
}
