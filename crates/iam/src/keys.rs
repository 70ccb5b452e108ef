//! Which condition context keys are single-valued: at most one value in a request.
//!
//! Part of the `iam` layer, used by the evaluator (a request giving a single-valued key several
//! values is malformed: refused, never evaluated), by the prover's value search (a witness for a
//! single-valued key is one value) and by the prover's counterexample confirmation (through the
//! evaluator).
//!
//! The classification is AWS's: the IAM User Guide, "Single-valued vs. multivalued context
//! keys" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>)
//! — a request comes from at most one VPC endpoint, a tag key has one value — and the value
//! types of "AWS global condition context keys"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>);
//! for the services that matter here, the condition-key tables of the Service Authorization
//! Reference, where a multivalued key's type starts with `ArrayOf`
//! (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html>,
//! …/list_awslambda.html, …/list_awsidentityandaccessmanagementiam.html). A key not listed
//! here is treated as possibly multivalued: the weaker assumption, which can only make the
//! prover report more, never prove more.

/// Single-valued keys, lowercase (keys are case-insensitive).
const SINGLE_VALUED: &[&str] = &[
    // Global keys (IAM User Guide, "AWS global condition context keys": value type "Single-valued").
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:currenttime",
    "aws:epochtime",
    "aws:federatedprovider",
    "aws:multifactorauthage",
    "aws:multifactorauthpresent",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalisawsservice",
    "aws:principalorgid",
    "aws:principalservicename",
    "aws:principaltype",
    "aws:referer",
    "aws:requestedregion",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:securetransport",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceidentity",
    "aws:sourceip",
    "aws:sourceorgid",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:tokenissuetime",
    "aws:useragent",
    "aws:userid",
    "aws:username",
    "aws:viaawsservice",
    "aws:vpcsourceip",
    // AWS STS (Service Authorization Reference, "AWS Security Token Service": String/Numeric).
    "sts:externalid",
    "sts:rolesessionname",
    "sts:sourceidentity",
    "sts:durationseconds",
    // AWS Lambda ("AWS Lambda": ARN/String; lambda:Layer, SecurityGroupIds, SubnetIds are ArrayOf).
    "lambda:functionarn",
    "lambda:sourcefunctionarn",
    "lambda:codesigningconfigarn",
    "lambda:functionurlauthtype",
    "lambda:principal",
    "lambda:eventsourcetoken",
    "lambda:vpcids",
    // IAM ("AWS Identity and Access Management (IAM)": ARN/String).
    "iam:passedtoservice",
    "iam:permissionsboundary",
    "iam:policyarn",
    "iam:awsservicename",
    "iam:organizationspolicyid",
    "iam:associatedresourcearn",
];

/// Tag keys: one value per tag key (IAM User Guide, "Single-valued vs. multivalued context
/// keys": "each tag-key can have only one value").
const SINGLE_VALUED_PREFIXES: &[&str] = &[
    "aws:principaltag/",
    "aws:requesttag/",
    "aws:resourcetag/",
    "iam:resourcetag/",
];

/// Whether `key` (any case) is single-valued in AWS.
pub(crate) fn is_single_valued(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SINGLE_VALUED.contains(&key.as_str())
        || SINGLE_VALUED_PREFIXES
            .iter()
            .any(|p| key.len() > p.len() && key.starts_with(p))
}

/// Why a request context is malformed, or `None`: a single-valued key given several values
/// (a request AWS never receives). Keys are compared case-insensitively, so `sts:ExternalId`
/// and `sts:externalid` together count as one key.
pub(crate) fn malformed_context<'a>(
    context: impl IntoIterator<Item = (&'a String, &'a Vec<String>)>,
) -> Option<String> {
    let mut counts: std::collections::BTreeMap<String, (String, usize)> = Default::default();
    for (k, vs) in context {
        let e = counts
            .entry(k.to_ascii_lowercase())
            .or_insert_with(|| (k.clone(), 0));
        e.1 += vs.len();
    }
    counts
        .into_iter()
        .find(|(lower, (_, n))| *n > 1 && is_single_valued(lower))
        .map(|(_, (key, n))| {
            format!("{key} is a single-valued context key, but the request gives it {n} values")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for k in [
            "sts:ExternalId",
            "aws:SourceIp",
            "aws:PrincipalAccount",
            "aws:PrincipalArn",
            "aws:CurrentTime",
            "aws:SecureTransport",
            "aws:userid",
            "aws:username",
            "aws:SourceAccount",
            "aws:SourceArn",
            "sts:RoleSessionName",
            "sts:SourceIdentity",
            "lambda:FunctionArn",
            "aws:PrincipalTag/team",
            "aws:ResourceTag/env",
        ] {
            assert!(is_single_valued(k), "{k}");
        }
        for k in [
            "aws:TagKeys",
            "aws:CalledVia",
            "aws:PrincipalOrgPaths",
            "aws:PrincipalServiceNamesList",
            "sts:TransitiveTagKeys",
            "lambda:Layer",
            "k:v",
            "aws:PrincipalTag/",
        ] {
            assert!(!is_single_valued(k), "{k}");
        }
    }

    #[test]
    fn malformed() {
        let ctx = [
            ("sts:ExternalId".to_owned(), vec!["a".to_owned()]),
            ("sts:externalid".to_owned(), vec!["b".to_owned()]),
        ];
        let m = malformed_context(ctx.iter().map(|(k, v)| (k, v))).unwrap();
        assert!(m.contains("2 values"), "{m}");
        let ok = [("aws:TagKeys".to_owned(), vec!["a".into(), "b".into()])];
        assert_eq!(malformed_context(ok.iter().map(|(k, v)| (k, v))), None);
    }
}
