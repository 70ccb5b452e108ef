//! Counterexamples a person can replay against AWS (issue "counterexamples a person can
//! replay"): every counterexample names real parts — ARNs with a known partition, a region of
//! that partition and a 12-digit account, a real action in canonical case (the checked-in list
//! `crates/iam/src/prove/actions.txt`), a resource of the action's type — and the evaluator allows it
//! with the keys AWS derives from the principal already in its own context.
//!
//! A property over generated trust and identity policies (shapes of public vendor roles:
//! account or role principals, `aws:PrincipalArn` patterns, wildcard actions and `NotAction`,
//! wildcard function names), in the `aws`, `aws-us-gov` and `aws-cn` partitions; then corpus
//! cases, one per kind of defect the issue lists.
#![cfg(test)]

use super::support::*;
use crate::prove::realize::{
    fits as resource_fits_action, real_actions, regions as partition_regions,
};
use lambda_trust_iam::{
    evaluate, prove_invoke, prove_trust, InvokeSpec, LabeledPolicy, Policy, Property,
    PropertyResult, Request, TrustSpec, Verdict,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const PARTNER: &str = "765628985471";
const ID: &str = "org-0f8c7a52";
const OWN: &str = "111122223333";

/// (partition, region) of the role.
const PLACES: [(&str, &str); 3] = [
    ("aws", "eu-west-1"),
    ("aws-us-gov", "us-gov-west-1"),
    ("aws-cn", "cn-north-1"),
];

fn role_arn(partition: &str) -> String {
    format!("arn:{partition}:iam::{OWN}:role/vendor-access")
}

/// An ARN with a known partition, a region of that partition (or none) and a 12-digit account
/// (or none, as for S3).
fn real_arn(arn: &str) -> Result<(), String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [pre, partition, _, region, account, _] = parts[..] else {
        return Err(format!("{arn} is not an ARN"));
    };
    let known = partition_regions(partition);
    if pre != "arn" || known.is_empty() {
        return Err(format!("{arn}: unknown partition"));
    }
    if !region.is_empty() && !known.contains(&region) {
        return Err(format!("{arn}: region {region} is not in {partition}"));
    }
    let twelve = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if !account.is_empty() && !twelve {
        return Err(format!("{arn}: account {account} is not 12 digits"));
    }
    Ok(())
}

fn partition_of(arn: &str) -> &str {
    arn.split(':').nth(1).unwrap_or_default()
}

/// Every principal-derived key a policy tests is in the request's context, with the value AWS
/// derives (the evaluator derives the same; explicit context wins, so the two must agree).
fn self_contained(c: &Request, policies: &[&Policy]) -> Result<(), String> {
    let derived = ["aws:principalarn", "aws:principalaccount", "aws:username"];
    for p in policies {
        for s in &p.statements {
            for cond in &s.conditions {
                let key = cond.key.to_lowercase();
                if !derived.contains(&key.as_str()) || c.principal == "*" {
                    continue;
                }
                if key == "aws:username" && !c.principal.contains(":user/") {
                    continue;
                }
                let has = c.context.keys().any(|k| k.eq_ignore_ascii_case(&cond.key));
                if !has {
                    return Err(format!("{} missing from {c:?}", cond.key));
                }
            }
        }
    }
    Ok(())
}

/// The replay contract of one result (see the module doc).
fn replayable(
    r: &PropertyResult,
    policies: &[&Policy],
    role_partition: &str,
) -> Result<(), String> {
    let Some(c) = &r.counterexample else {
        return Ok(());
    };
    if !real_actions().any(|a| a == c.action) {
        return Err(format!(
            "{}: action {} is not a real action",
            r.property, c.action
        ));
    }
    let service = c.principal.ends_with(".amazonaws.com");
    if c.principal != "*" && !service {
        real_arn(&c.principal)?;
        if partition_of(&c.principal) != role_partition {
            return Err(format!(
                "{}: principal outside the role's partition",
                c.principal
            ));
        }
    }
    if c.resource != "*" {
        real_arn(&c.resource)?;
        if partition_of(&c.resource) != role_partition {
            return Err(format!(
                "{}: resource outside the role's partition",
                c.resource
            ));
        }
    }
    if !resource_fits_action(&c.action, &c.resource) {
        return Err(format!("{} does not act on {}", c.action, c.resource));
    }
    self_contained(c, policies)
}

fn trust_spec() -> TrustSpec {
    TrustSpec {
        partner_account: PARTNER.to_owned(),
        external_id: ID.to_owned(),
        partner_principals: Vec::new(),
    }
}

// Generators ---------------------------------------------------------------------------------

fn trust_statement(partition: &'static str) -> impl Strategy<Value = Value> {
    let principals = prop::sample::select(vec![
        json!({"AWS": format!("arn:{partition}:iam::{PARTNER}:root")}),
        json!({"AWS": PARTNER}),
        json!({"AWS": format!("arn:{partition}:iam::{PARTNER}:role/VendorRole")}),
        json!({"AWS": "444455556666"}),
        json!({"AWS": "*"}),
        json!({"AWS": format!("arn:aws:iam::{PARTNER}:root")}),
        json!("*"),
    ]);
    let actions = prop::sample::select(vec![
        json!({"Action": "sts:AssumeRole"}),
        json!({"Action": ["sts:AssumeRole", "sts:TagSession"]}),
        json!({"Action": "sts:*"}),
        json!({"Action": "*"}),
        json!({"NotAction": "iam:*"}),
    ]);
    let conditions = prop::sample::select(vec![
        json!({}),
        json!({"StringEquals": {"sts:ExternalId": ID}}),
        json!({"StringLike": {"sts:ExternalId": "org-*"}}),
        json!({"ArnLike": {"aws:PrincipalArn": format!("arn:{partition}:iam::*:role/cs-*")}}),
        json!({"StringEquals": {"aws:PrincipalAccount": PARTNER}}),
        json!({"StringEquals": {"sts:ExternalId": ID},
               "ArnEquals": {"aws:PrincipalArn": format!("arn:{partition}:iam::{PARTNER}:role/VendorRole")}}),
    ]);
    (principals, actions, conditions, prop::bool::weighted(0.2)).prop_map(
        |(principal, action, condition, deny)| {
            let mut s = json!({"Effect": if deny { "Deny" } else { "Allow" },
                               "Principal": principal, "Condition": condition});
            for (k, v) in action.as_object().unwrap() {
                s[k] = v.clone();
            }
            s
        },
    )
}

fn invoke_statement(partition: &'static str, region: &'static str) -> impl Strategy<Value = Value> {
    let actions = prop::sample::select(vec![
        json!({"Action": "lambda:InvokeFunction"}),
        json!({"Action": "lambda:*"}),
        json!({"Action": "lambda:Invoke*"}),
        json!({"Action": ["lambda:InvokeFunction", "lambda:GetFunction"]}),
        json!({"Action": "*"}),
        json!({"Action": ["sts:AssumeRole", "lambda:InvokeFunction"]}),
        json!({"NotAction": "iam:*"}),
        // Wildcards of other services, and a NotAction beyond STS and Lambda: their
        // counterexamples name real actions of those services too.
        json!({"Action": "ec2:*"}),
        json!({"Action": ["s3:*", "dynamodb:*"]}),
        json!({"Action": ["kms:*", "logs:*", "ssm:*", "secretsmanager:*"]}),
        json!({"NotAction": ["sts:*", "lambda:*"]}),
    ]);
    let resources = prop::sample::select(vec![
        json!(format!(
            "arn:{partition}:lambda:{region}:{OWN}:function:lookup"
        )),
        json!(format!("arn:{partition}:lambda:*:*:function:cs-*")),
        json!(format!("arn:{partition}:lambda:{region}:{OWN}:function:*")),
        json!("*"),
        json!(format!("arn:{partition}:iam::*:role/*")),
        json!(format!(
            "arn:{partition}:lambda:{region}:{OWN}:function:lookup:*"
        )),
        json!(format!("arn:{partition}:s3:::example-bucket/*")),
        json!(format!("arn:{partition}:dynamodb:{region}:{OWN}:table/*")),
        json!(format!("arn:{partition}:ec2:{region}:{OWN}:instance/*")),
    ]);
    (actions, resources, prop::bool::weighted(0.15)).prop_map(|(action, resource, deny)| {
        let mut s = json!({"Effect": if deny { "Deny" } else { "Allow" }, "Resource": resource});
        for (k, v) in action.as_object().unwrap() {
            s[k] = v.clone();
        }
        s
    })
}

fn place() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop::sample::select(PLACES.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn trust_counterexamples_replay(
        (partition, stmts) in place().prop_flat_map(|(p, _)| {
            (Just(p), prop::collection::vec(trust_statement(p), 1..4))
        })
    ) {
        let policy = doc(stmts);
        let role = role_arn(partition);
        for r in prove_trust(&policy, &role, &trust_spec(), BUDGET) {
            prop_assert!(r.verdict != Verdict::Unknown || !r.reason.contains("internal"), "{r:?}");
            if let Some(c) = &r.counterexample {
                if r.property == Property::TrustOnlyPartnerWithExternalId {
                    let req = request(c);
                    prop_assert!(evaluate(&trust_input(&policy), &req).allowed(), "{r:?}");
                }
            }
            // Every counterexample replays; a trust policy that lets callers in only to
            // actions that never act on a role (`Action: *` with `sts:*` denied) is `unknown`.
            if let Err(e) = replayable(&r, &[&policy], partition) {
                prop_assert!(false, "{e}\n{r:?}\n{policy:?}");
            }
        }
    }

    #[test]
    fn invoke_counterexamples_replay(
        ((partition, region), stmts) in place().prop_flat_map(|(p, reg)| {
            (Just((p, reg)), prop::collection::vec(invoke_statement(p, reg), 1..4))
        })
    ) {
        let policy = doc(stmts);
        let identity = vec![LabeledPolicy::new("invoke", policy.clone())];
        let target = format!("arn:{partition}:lambda:{region}:{OWN}:function:lookup");
        let spec = InvokeSpec { targets: vec![target], role_arn: Some(role_arn(partition)), region: Some(region.to_owned()) };
        for r in prove_invoke(&identity, None, &spec, BUDGET) {
            prop_assert!(r.verdict != Verdict::Unknown || !r.reason.contains("internal"), "{r:?}");
            if let (Some(c), Property::InvokeOnlyTargets) = (&r.counterexample, r.property) {
                prop_assert!(evaluate(&invoke_input(&identity, None), &request(c)).allowed(), "{r:?}");
            }
            if let Err(e) = replayable(&r, &[&policy], partition) {
                prop_assert!(false, "{e}\n{r:?}\n{policy:?}");
            }
        }
    }
}

// Corpus -------------------------------------------------------------------------------------

fn only(results: &[PropertyResult], property: &str) -> PropertyResult {
    results
        .iter()
        .find(|r| r.property.to_string() == property)
        .unwrap()
        .clone()
}

fn invoke(statements: Vec<Value>, partition: &str, region: &str) -> (Vec<PropertyResult>, Policy) {
    let policy = doc(statements);
    let identity = vec![LabeledPolicy::new("invoke", policy.clone())];
    let target = format!("arn:{partition}:lambda:{region}:{OWN}:function:lookup");
    let spec = InvokeSpec {
        targets: vec![target],
        role_arn: Some(role_arn(partition)),
        region: Some(region.to_owned()),
    };
    (prove_invoke(&identity, None, &spec, BUDGET), policy)
}

/// Wildcard function names, as in the AWS example policies that grant
/// `arn:aws:lambda:*:*:function:my-function*`
/// (https://docs.aws.amazon.com/lambda/latest/dg/permissions-user-function.html): the name
/// escapes through the pattern (`cs-example`), region and account are the role's.
#[test]
fn a_wildcard_name_gives_a_name_of_the_pattern_in_the_roles_place() {
    let (r, policy) = invoke(
        vec![json!({"Effect": "Allow", "Action": "lambda:InvokeFunction",
                    "Resource": "arn:aws:lambda:*:*:function:cs-*"})],
        "aws",
        "eu-west-1",
    );
    let r = only(&r, "invoke-only-targets");
    assert_eq!(r.verdict, Verdict::Counterexample);
    let c = r.counterexample.as_ref().unwrap();
    assert_eq!(c.action, "lambda:InvokeFunction");
    assert_eq!(
        c.resource,
        "arn:aws:lambda:eu-west-1:111122223333:function:cs-example"
    );
    replayable(&r, &[&policy], "aws").unwrap();
}

/// `lambda:*` on the function, the shape of many blueprint roles that grant the whole service:
/// the counterexample is a real action in canonical case (`lambda:GetFunction`), not an
/// invented one; `NotAction` picks a real action too.
#[test]
fn a_wildcard_action_gives_a_real_action() {
    let (r, _) = invoke(
        vec![json!({"Effect": "Allow", "Action": "lambda:*",
                    "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:lookup"})],
        "aws",
        "eu-west-1",
    );
    let c = only(&r, "invoke-only-targets").counterexample.unwrap();
    assert_eq!(
        (c.action.as_str(), c.resource.as_str()),
        (
            "lambda:GetFunction",
            "arn:aws:lambda:eu-west-1:111122223333:function:lookup"
        )
    );
    let (r, policy) = invoke(
        vec![json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
        "aws",
        "eu-west-1",
    );
    let r = only(&r, "invoke-only-targets");
    replayable(&r, &[&policy], "aws").unwrap();
    assert!(real_actions().any(|a| a == r.counterexample.as_ref().unwrap().action));
}

/// Wildcards of other services (`ec2:*`, `s3:*`, …) and a `NotAction` beyond STS and Lambda: the
/// counterexample names a real action of the service, on a resource of its type.
#[test]
fn other_services_wildcards_give_their_real_actions() {
    let fn_arn = "arn:aws:lambda:eu-west-1:111122223333:function:lookup";
    for (action, resource, service) in [
        (json!("ec2:*"), json!("*"), "ec2:"),
        (
            json!("ec2:*"),
            json!("arn:aws:ec2:eu-west-1:111122223333:instance/*"),
            "ec2:",
        ),
        (json!("s3:*"), json!("arn:aws:s3:::example-bucket/*"), "s3:"),
        (json!("s3:*"), json!("*"), "s3:"),
        (json!("iam:*"), json!("*"), "iam:"),
        (json!("ssm:*"), json!("*"), "ssm:"),
        (json!("logs:*"), json!("*"), "logs:"),
        (json!("kms:*"), json!("*"), "kms:"),
        (
            json!("dynamodb:*"),
            json!("arn:aws:dynamodb:eu-west-1:111122223333:table/*"),
            "dynamodb:",
        ),
        (json!("secretsmanager:Get*"), json!("*"), "secretsmanager:"),
    ] {
        let (r, policy) = invoke(
            vec![
                json!({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn_arn}),
                json!({"Effect": "Allow", "Action": action, "Resource": resource}),
            ],
            "aws",
            "eu-west-1",
        );
        let r = only(&r, "invoke-only-targets");
        let c = r
            .counterexample
            .as_ref()
            .unwrap_or_else(|| panic!("{action}: {r:?}"));
        assert!(c.action.starts_with(service), "{action}: {}", c.action);
        replayable(&r, &[&policy], "aws").unwrap_or_else(|e| panic!("{action} on {resource}: {e}"));
    }
    let (r, policy) = invoke(
        vec![json!({"Effect": "Allow", "NotAction": ["sts:*", "lambda:*"], "Resource": "*"})],
        "aws",
        "eu-west-1",
    );
    let r = only(&r, "invoke-only-targets");
    replayable(&r, &[&policy], "aws").unwrap();
    let action = &r.counterexample.as_ref().unwrap().action;
    assert!(
        !action.starts_with("sts:") && !action.starts_with("lambda:"),
        "{action}"
    );
}

/// `sts:AssumeRole` granted beside invoke on `*` (role chaining in vendor blueprints): the
/// counterexample pairs `sts:AssumeRole` with a role ARN, never with a function ARN.
#[test]
fn an_action_gets_a_resource_of_its_type() {
    let (r, policy) = invoke(
        vec![
            json!({"Effect": "Allow", "Action": ["sts:AssumeRole", "lambda:InvokeFunction"],
                    "Resource": ["arn:aws:lambda:eu-west-1:111122223333:function:lookup",
                                 "arn:aws:iam::*:role/*"]}),
        ],
        "aws",
        "eu-west-1",
    );
    let r = only(&r, "invoke-only-targets");
    let c = r.counterexample.as_ref().unwrap();
    assert_eq!(c.action, "sts:AssumeRole");
    assert_eq!(c.resource, "arn:aws:iam::111122223333:role/example");
    replayable(&r, &[&policy], "aws").unwrap();
}

/// A vendor trust policy that admits the vendor's account but tests `aws:PrincipalArn` (the
/// shape of many SaaS cross-account roles) and forgets the external ID on one statement: the
/// counterexample carries `aws:PrincipalArn` itself.
#[test]
fn principal_keys_are_in_the_counterexamples_context() {
    let policy = doc(vec![json!({
        "Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": "sts:AssumeRole",
        "Condition": {"ArnLike": {"aws:PrincipalArn": format!("arn:aws:iam::{PARTNER}:role/cs-*")}}
    })]);
    let results = prove_trust(&policy, &role_arn("aws"), &trust_spec(), BUDGET);
    let r = only(&results, "trust-only-partner-with-external-id");
    let c = r
        .counterexample
        .as_ref()
        .expect("no external ID: a counterexample");
    let arn = c
        .context
        .get("aws:PrincipalArn")
        .expect("aws:PrincipalArn in the context");
    assert!(
        arn[0].starts_with(&format!("arn:aws:iam::{PARTNER}:role/cs-")),
        "{c:?}"
    );
    replayable(&r, &[&policy], "aws").unwrap();
    // The context alone decides: the evaluator, given it, allows the request.
    let req = Request {
        context: c.context.clone(),
        ..request(c)
    };
    assert!(evaluate(&trust_input(&policy), &req).allowed());
}

/// Roles deployed with `${AWS::Partition}` (CloudFormation templates for GovCloud and China):
/// the partner is tried in the role's partition, and a principal of another partition never
/// gets in.
#[test]
fn govcloud_and_china_roles_are_judged_in_their_partition() {
    for (partition, _) in &PLACES[1..] {
        let role = role_arn(partition);
        let policy = doc(vec![json!({
            "Effect": "Allow", "Principal": {"AWS": format!("arn:{partition}:iam::{PARTNER}:root")},
            "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": ID}}
        })]);
        let results = prove_trust(&policy, &role, &trust_spec(), BUDGET);
        assert!(
            results.iter().all(|r| r.verdict == Verdict::Proved),
            "{results:?}"
        );

        // Written for the commercial partition: nobody in the role's partition gets in.
        let foreign = doc(vec![json!({
            "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{PARTNER}:root")},
            "Action": "sts:AssumeRole"
        })]);
        let results = prove_trust(&foreign, &role, &trust_spec(), BUDGET);
        let only_partner = only(&results, "trust-only-partner-with-external-id");
        assert_eq!(only_partner.verdict, Verdict::Proved, "{only_partner:?}");
        let allowed = only(&results, "trust-partner-allowed");
        assert_eq!(allowed.verdict, Verdict::Counterexample);
        let c = allowed.counterexample.unwrap();
        assert_eq!(c.principal, format!("arn:{partition}:iam::{PARTNER}:root"));
        let req = Request::new(
            format!("arn:aws:iam::{PARTNER}:root"),
            "sts:AssumeRole",
            &role,
        );
        assert!(!evaluate(&trust_input(&foreign), &req).allowed());

        // Without the external ID, a counterexample in the role's partition.
        let open = doc(vec![json!({
            "Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": "sts:*"
        })]);
        let results = prove_trust(&open, &role, &trust_spec(), BUDGET);
        let r = only(&results, "trust-only-partner-with-external-id");
        assert_eq!(r.verdict, Verdict::Counterexample);
        replayable(&r, &[&open], partition).unwrap();
        let (_, region) = PLACES.iter().find(|(p, _)| p == partition).unwrap();
        let (r, policy) = invoke(
            vec![json!({"Effect": "Allow", "Action": "lambda:*", "Resource": "*"})],
            partition,
            region,
        );
        let r = only(&r, "invoke-only-targets");
        replayable(&r, &[&policy], partition).unwrap();
        assert!(r.counterexample.unwrap().resource.contains(region));
    }
}

/// A vendor that assumes from one role of theirs, not from its account root (often with
/// `aws:PrincipalArn`): by default `trust-partner-allowed` reports the root refused; with the
/// vendor's role as the partner principal it is proved.
#[test]
fn partner_principals_say_who_must_get_in() {
    let vendor = format!("arn:aws:iam::{PARTNER}:role/VendorRole");
    let policy = doc(vec![json!({
        "Effect": "Allow", "Principal": {"AWS": vendor}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": ID}}
    })]);
    let role = role_arn("aws");
    let r = only(
        &prove_trust(&policy, &role, &trust_spec(), BUDGET),
        "trust-partner-allowed",
    );
    assert_eq!(r.verdict, Verdict::Counterexample);
    let spec = TrustSpec {
        partner_principals: vec![format!("arn:aws:sts::{PARTNER}:assumed-role/VendorRole/s")],
        ..trust_spec()
    };
    let r = only(
        &prove_trust(&policy, &role, &spec, BUDGET),
        "trust-partner-allowed",
    );
    assert_eq!(r.verdict, Verdict::Proved, "{r:?}");
    let only_partner = only(
        &prove_trust(&policy, &role, &spec, BUDGET),
        "trust-only-partner-with-external-id",
    );
    assert_eq!(only_partner.verdict, Verdict::Proved);
}

/// A trust policy that lets anyone in, but only to actions that never act on a role (`Action:
/// *` with `sts:*` denied): no request AWS evaluates against a trust policy shows it, so the
/// answer is `unknown` (never `proved`, never a request that does not replay).
#[test]
fn a_trust_policy_open_only_off_role_is_unknown() {
    let policy = doc(vec![
        json!({"Effect": "Allow", "Principal": "*", "Action": "*"}),
        json!({"Effect": "Deny", "Principal": "*", "Action": "sts:*"}),
    ]);
    let r = prove_trust(&policy, &role_arn("aws"), &trust_spec(), BUDGET);
    let result = only(&r, "trust-only-partner-with-external-id");
    assert_eq!(result.verdict, Verdict::Unknown, "{result:?}");
    assert!(
        result.reason.contains("never act on a role"),
        "{}",
        result.reason
    );
    assert!(result.counterexample.is_none());
    // With sts:TagSession left open, a replayable request exists again.
    let policy = doc(vec![
        json!({"Effect": "Allow", "Principal": "*", "Action": "*"}),
        json!({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}),
    ]);
    let r = prove_trust(&policy, &role_arn("aws"), &trust_spec(), BUDGET);
    let result = only(&r, "trust-only-partner-with-external-id");
    assert_eq!(result.verdict, Verdict::Counterexample, "{result:?}");
    replayable(&result, &[&policy], "aws").unwrap();
}

/// A service actions.txt does not list (`glue:*`): the counterexample names an action of the
/// pattern marked as made up (`glue:Example`), on `*`, never an empty or shortest string; a
/// `NotAction` beyond every listed service still gets a real action.
#[test]
fn an_unlisted_service_gets_a_marked_name_of_its_pattern() {
    let fn_arn = "arn:aws:lambda:eu-west-1:111122223333:function:lookup";
    let grant = json!({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn_arn});
    for (action, want) in [("glue:*", "glue:Example"), ("glue:Get*", "glue:GetExample")] {
        let (r, policy) = invoke(
            vec![
                grant.clone(),
                json!({"Effect": "Allow", "Action": action, "Resource": "*"}),
            ],
            "aws",
            "eu-west-1",
        );
        let r = only(&r, "invoke-only-targets");
        let c = r.counterexample.as_ref().unwrap();
        assert_eq!((c.action.as_str(), c.resource.as_str()), (want, "*"));
        let identity = [LabeledPolicy::new("invoke", policy.clone())];
        assert!(evaluate(&invoke_input(&identity, None), &request(c)).allowed());
    }
    let (r, policy) = invoke(
        vec![
            grant,
            json!({"Effect": "Allow", "Resource": "*", "NotAction": [
            "sts:*", "lambda:*", "ec2:*", "s3:*", "iam:*", "ssm:*", "logs:*", "kms:*",
            "dynamodb:*", "secretsmanager:*"]}),
        ],
        "aws",
        "eu-west-1",
    );
    let r = only(&r, "invoke-only-targets");
    replayable(&r, &[&policy], "aws").unwrap();
}

/// An action actions.txt does not list keeps AWS's case, as the policy writes it
/// (`ec2:AcceptVpcPeeringConnection`, never `ec2:Acceptvpcpeeringconnection`); of several
/// spellings, the one with capitals; the service prefix in lower case.
#[test]
fn an_unlisted_action_keeps_its_canonical_case() {
    let fn_arn = "arn:aws:lambda:eu-west-1:111122223333:function:lookup";
    let grant = json!({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn_arn});
    let canonical = "ec2:AcceptVpcPeeringConnection";
    for written in [
        vec![canonical],
        vec!["ec2:acceptvpcpeeringconnection", canonical],
        vec!["EC2:AcceptVpcPeeringConnection"],
    ] {
        let mut statements = vec![grant.clone()];
        statements.extend(
            written
                .iter()
                .map(|a| json!({"Effect": "Allow", "Action": a, "Resource": "*"})),
        );
        let (r, policy) = invoke(statements, "aws", "eu-west-1");
        let r = only(&r, "invoke-only-targets");
        let c = r.counterexample.as_ref().unwrap();
        assert_eq!(c.action, canonical, "written {written:?}");
        let identity = [LabeledPolicy::new("invoke", policy.clone())];
        assert!(evaluate(&invoke_input(&identity, None), &request(c)).allowed());
    }
}
