//! What a role a partner account can assume may do, of what Genesys Cloud's integrations use:
//! Lambda data actions invoke functions; the Lex, Lex V2 and Polly integrations call those
//! services; the S3 integration writes objects. Genesys Cloud's account assumes roles for
//! each, and Genesys only recommends an external ID for Lex, Lex V2 and Polly ("Configure an
//! IAM role for Amazon Lex / Lex V2 / Polly" in the Genesys Cloud Resource Center), so a
//! guardrail may stop an integration role: saying what each role may do tells a data action's
//! role from one to exempt.
//!
//! Part of `guardrail`. Read from the role's identity policies' Allow statements (an action or
//! a pattern matching one of the integration's, or a `NotAction` leaving it): what they allow,
//! not a proof that a request succeeds (a Deny, a boundary or an SCP may still refuse it).

use serde_json::Value;

use lambda_trust_iam::{wildcard_match, ActionClause, Effect, Policy};

/// Each integration, and the actions that show a role serves it.
const INTEGRATIONS: [(&str, &[&str]); 5] = [
    ("lambda:InvokeFunction", &["lambda:InvokeFunction"]),
    ("Lex", &["lex:PostText", "lex:PostContent"]),
    ("Lex V2", &["lex:RecognizeText", "lex:RecognizeUtterance"]),
    ("Polly", &["polly:SynthesizeSpeech"]),
    ("s3:PutObject", &["s3:PutObject"]),
];

/// What the identity policies `identity` allow of Genesys Cloud's integrations, in the order
/// of [`INTEGRATIONS`].
pub(crate) fn capabilities(identity: &[Value]) -> Vec<String> {
    let policies: Vec<Policy> = (identity.iter())
        .filter_map(|d| Policy::try_from(d).ok())
        .collect();
    let allows = |action: &str| {
        (policies.iter().flat_map(|p| &p.statements))
            .filter(|s| s.effect == Effect::Allow)
            .any(|s| match &s.action {
                ActionClause::Action(a) => a.iter().any(|p| wildcard_match(p, action, true)),
                ActionClause::NotAction(a) => !a.iter().any(|p| wildcard_match(p, action, true)),
            })
    };
    (INTEGRATIONS.iter())
        .filter(|(_, actions)| actions.iter().any(|a| allows(a)))
        .map(|(name, _)| (*name).to_owned())
        .collect()
}

/// Whether `can` shows an integration other than Lambda data actions.
pub(crate) fn an_integration(can: &[String]) -> bool {
    can.iter().any(|c| c != INTEGRATIONS[0].0)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn allow(actions: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": "*"}]})
    }

    #[test]
    fn each_integration_is_told_by_its_actions() {
        assert_eq!(
            capabilities(&[allow(json!("lambda:InvokeFunction"))]),
            ["lambda:InvokeFunction"]
        );
        assert_eq!(capabilities(&[allow(json!(["lex:*"]))]), ["Lex", "Lex V2"]);
        assert_eq!(
            capabilities(&[allow(json!("lex:RecognizeText"))]),
            ["Lex V2"]
        );
        assert_eq!(
            capabilities(&[allow(json!("polly:SynthesizeSpeech"))]),
            ["Polly"]
        );
        assert_eq!(
            capabilities(&[allow(json!(["s3:PutObject", "s3:GetObject"]))]),
            ["s3:PutObject"]
        );
        assert_eq!(capabilities(&[allow(json!("*"))]).len(), 5);
        assert!(capabilities(&[allow(json!("iam:Get*"))]).is_empty());
        let deny = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "lex:*", "Resource": "*"}]});
        assert!(capabilities(&[deny]).is_empty(), "a Deny allows nothing");
        let not = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "NotAction": "lambda:*", "Resource": "*"}]});
        assert!(!capabilities(&[not]).contains(&"lambda:InvokeFunction".to_owned()));
    }

    #[test]
    fn a_data_action_role_is_not_an_integration_role() {
        assert!(!an_integration(&["lambda:InvokeFunction".into()]));
        assert!(an_integration(&["Lex V2".into()]));
        assert!(!an_integration(&[]));
    }
}
