//! The planner, destroy, the verification checks and the drift findings, in memory: `Desired`
//! from the example config (rendered and sharded by `crates/provision/src/prepare.rs`), `Observed` built by hand.
//! No moto, no network.
#![cfg(test)]

use std::collections::BTreeMap;

use super::support::state::*;
use crate::drift::drift_findings;
use crate::drift::verify_findings;
use crate::plan::changes as plan_changes;
use lambda_trust_config::{Config, CONFIG_TAG_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE};
use lambda_trust_iam::{minified_len, semantically_equal};
use lambda_trust_model::{
    Desired, DesiredRole, InlinePolicy, ManagedPolicy, Observed, ObservedPolicy, ObservedRole,
    RenderError, Templates,
};
use lambda_trust_provision::{
    desired_state, plan, plan_destroy, AttachmentOp, BoundaryOp, ConfigKey, Finding, FindingKind,
    Op, Plan, PlanError, PlanOptions, PolicyOp, RoleOp, TagOp, Verification, VersionOp,
};
use lambda_trust_verdict::Severity;
use serde_json::{json, Value};

const ROLE: &str = "GenesysLambdaInvoker";
const POLICY_ARN: &str = "arn:aws:iam::111122223333:policy/GenesysLambdaInvoker-invoke";
const CUSTOMER: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer";
const ORDER_LIVE: &str = "arn:aws:lambda:eu-west-1:111122223333:function:lookup-order:live";
const BOUNDARY: &str = "arn:aws:iam::111122223333:policy/Boundary";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

const OWNED: PlanOptions = PlanOptions { adopt: false };
const ADOPT: PlanOptions = PlanOptions { adopt: true };

fn ops(d: &Desired, o: &Observed) -> Vec<Op> {
    plan(d, o, OWNED).unwrap_or_else(|e| panic!("{e}")).ops
}

fn role(o: &mut Observed) -> &mut ObservedRole {
    o.role.as_mut().unwrap()
}

fn ours(o: &mut Observed) -> &mut ObservedPolicy {
    &mut o.policies[0]
}

/// The live invoke document changes everywhere `observe` reports it (the policy and the
/// role's attachment list).
fn set_invoke(o: &mut Observed, doc: Value) {
    ours(o).document = doc.clone();
    o.attached[0].document = doc;
}

fn findings(d: &Desired, o: &Observed, opts: PlanOptions) -> Vec<Finding> {
    drift_findings(d, &plan_changes(d, o, opts).unwrap())
}

/// (severity, config key, path) of each finding, for compact assertions.
/// Severity, config key and where: the finding's path, or a document's changed paths.
fn shape(f: &[Finding]) -> Vec<(Severity, &'static str, String)> {
    f.iter()
        .map(|f| {
            let paths: Vec<&str> = f.changes.iter().map(|c| c.path.as_str()).collect();
            let at = if paths.is_empty() {
                f.path.clone()
            } else {
                paths.join(", ")
            };
            (f.severity, f.config_key.into(), at)
        })
        .collect()
}

/// (expected, actual) at the finding's first place: a document's first change, else its own.
fn values(f: &Finding) -> (Option<Value>, Option<Value>) {
    match f.changes.first() {
        Some(c) => (c.expected.clone(), c.actual.clone()),
        None => (f.expected.clone(), f.actual.clone()),
    }
}

fn verification(d: &Desired, o: &Observed) -> Verification {
    lambda_trust_provision::verification(d, o)
}

fn failed(v: &Verification) -> Vec<String> {
    v.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.clone())
        .collect()
}

fn admin() -> ManagedPolicy {
    ManagedPolicy {
        arn: ADMIN.into(),
        name: "AdministratorAccess".into(),
        document: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    }
}

fn with_boundary() -> Config {
    parse(&EXAMPLE.replace(
        "# permissions_boundary = \"arn:aws:iam::111122223333:policy/Boundary\"",
        "permissions_boundary = \"arn:aws:iam::111122223333:policy/Boundary\"",
    ))
}

// ---------------------------------------------------------------------------------------------
// The example's desired state
// ---------------------------------------------------------------------------------------------

#[test]
fn example_desired_state() {
    let c = example();
    let d = desired(&c, &empty(&c));
    assert_eq!(d.account_id, ACCOUNT);
    assert_eq!(d.role.name, ROLE);
    assert_eq!(d.role.path, "/");
    assert_eq!(
        d.role.description,
        "Lets Genesys Cloud data actions invoke our Lambda functions"
    );
    assert_eq!(d.role.max_session_duration, 3600);
    assert_eq!(d.role.permissions_boundary, None);
    assert_eq!(
        d.role.tags,
        BTreeMap::from([
            (CONFIG_TAG_KEY.to_string(), c.identity_digest()),
            (MANAGED_BY_KEY.to_string(), MANAGED_BY_VALUE.to_string()),
            ("team".to_string(), "cx".to_string()),
        ])
    );
    assert_eq!(
        d.role.trust,
        json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "GenesysCloudAssumeRole",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::765628985471:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"}}
        }]})
    );
    assert_eq!(d.policies.len(), 1);
    let p = &d.policies[0];
    assert_eq!(
        (p.index, p.name.as_str(), p.path.as_str(), p.arn.as_str()),
        (1, "GenesysLambdaInvoker-invoke", "/", POLICY_ARN)
    );
    assert_eq!(p.tags, d.role.tags);
    assert_eq!(
        p.document,
        json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "GenesysCloudInvokeFunctions",
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": [ORDER_LIVE, CUSTOMER]
        }]})
    );
    assert_eq!(d.partner_principal, "arn:aws:iam::765628985471:root");
    assert_eq!(d.external_id, "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10");
}

// ---------------------------------------------------------------------------------------------
// plan
// ---------------------------------------------------------------------------------------------

#[test]
fn create_from_empty_account() {
    let c = example();
    let o = empty(&c);
    let d = desired(&c, &o);
    let p = &d.policies[0];
    assert_eq!(
        ops(&d, &o),
        vec![
            Op::Role(RoleOp::Create(DesiredRole {
                name: ROLE.into(),
                path: "/".into(),
                description: d.role.description.clone(),
                max_session_duration: 3600,
                permissions_boundary: None,
                tags: d.role.tags.clone(),
                trust: d.role.trust.clone(),
            })),
            Op::Policy(PolicyOp::Create {
                name: "GenesysLambdaInvoker-invoke".into(),
                path: "/".into(),
                document: p.document.clone(),
                tags: p.tags.clone(),
            }),
            Op::Attachment(AttachmentOp::Attach {
                role: ROLE.into(),
                arn: POLICY_ARN.into(),
            }),
        ]
    );
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![
            (Severity::Config, "role", String::new()),
            (Severity::Config, "targets", String::new()),
            (Severity::Config, "targets", String::new()),
        ]
    );
    assert_eq!(f[0].message, "the role does not exist");
    assert_eq!(f[1].message, "the invoke policy does not exist");
    assert_eq!(
        f[2].message,
        "the invoke policy is not attached to the role"
    );
    assert_eq!(values(&f[2]).0, Some(json!(POLICY_ARN)));

    let v = verification(&d, &o);
    assert!(!v.passed);
    assert_eq!(failed(&v), vec!["role exists"]);
    assert_eq!(v.checks.len(), 1);
    let vf = verify_findings(&v);
    assert_eq!(shape(&vf), vec![(Severity::Config, "role", String::new())]);
    assert_eq!(vf[0].kind, FindingKind::Verify);
}

#[test]
fn in_sync_means_no_ops_no_findings_and_a_passing_proof() {
    let c = example();
    let (d, o) = synced(&c);
    assert_eq!(plan(&d, &o, OWNED), Ok(Plan::default()));
    assert_eq!(plan(&d, &o, ADOPT), Ok(Plan::default()));
    assert!(findings(&d, &o, OWNED).is_empty());
    let v = verification(&d, &o);
    assert!(v.passed, "{:#?}", v.checks);
    assert_eq!(v.checks.len(), 14);
    assert!(verify_findings(&v).is_empty());
    // Equivalent spellings are not drift: bare account principal, arrays, action case, key
    // order, condition key case.
    let mut o2 = o.clone();
    role(&mut o2).trust = json!({"Statement": [{
        "Condition": {"StringEquals": {"STS:EXTERNALID": ["0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"]}},
        "Action": ["STS:AssumeRole"],
        "Principal": {"AWS": ["765628985471"]},
        "Effect": "Allow",
        "Sid": "GenesysCloudAssumeRole"
    }], "Version": "2012-10-17"});
    set_invoke(
        &mut o2,
        json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "GenesysCloudInvokeFunctions",
            "Effect": "Allow",
            "Action": ["Lambda:InvokeFunction"],
            "Resource": [CUSTOMER, ORDER_LIVE, CUSTOMER]
        }]}),
    );
    assert_eq!(ops(&d, &o2), vec![]);
    assert!(verification(&d, &o2).passed);
}

#[test]
fn wrong_account_is_refused_before_anything_else() {
    let c = example();
    let (d, mut o) = synced(&c);
    o.account_id = "999999999999".into();
    o.role = None;
    let want = Err(PlanError::WrongAccount {
        expected: ACCOUNT.into(),
        actual: "999999999999".into(),
    });
    assert_eq!(plan(&d, &o, OWNED), want);
    assert_eq!(plan_changes(&d, &o, ADOPT), want);
}

#[test]
fn trust_principal_changed_is_security_drift() {
    let c = example();
    let (d, mut o) = synced(&c);
    role(&mut o).trust["Statement"][0]["Principal"]["AWS"] =
        json!("arn:aws:iam::999999999999:root");
    let live = o.role.as_ref().unwrap().trust.clone();
    assert_eq!(
        ops(&d, &o),
        vec![Op::Role(RoleOp::UpdateTrust {
            role: ROLE.into(),
            document: d.role.trust.clone(),
            previous: live,
        })]
    );
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![(
            Severity::Security,
            "trust",
            "$.Statement[0].Principal.AWS[0]".into()
        )]
    );
    assert_eq!(
        values(&f[0]).0,
        Some(json!("arn:aws:iam::765628985471:root"))
    );
    assert_eq!(
        values(&f[0]).1,
        Some(json!("arn:aws:iam::999999999999:root"))
    );
    assert_eq!(f[0].resource, "role GenesysLambdaInvoker trust policy");
    assert_eq!(f[0].kind, FindingKind::Drift);

    let v = verification(&d, &o);
    assert_eq!(
        failed(&v),
        vec![
            "trust: partner account root with the right external ID may assume the role",
            "trust: a role session in the partner account with the right external ID may assume the role",
            "trust: only the partner may assume the role, only with StringEquals sts:ExternalId",
        ]
    );
    // Someone else may assume it (security); the partner no longer can (an outage: config).
    let vf = verify_findings(&v);
    assert!(
        vf.iter().all(|f| f.config_key == ConfigKey::Trust),
        "{vf:#?}"
    );
    for f in &vf {
        let outage = f
            .message
            .contains("with the right external ID may assume the role")
            || f.message.starts_with("trust-partner-allowed");
        let want = if outage {
            Severity::Config
        } else {
            Severity::Security
        };
        assert_eq!(f.severity, want, "{}", f.message);
    }
    assert!(vf.iter().any(|f| f.severity == Severity::Security
        && f.counterexample.is_some()
        && f.message
            .starts_with("trust-only-partner-with-external-id: counterexample")));
}

#[test]
fn external_id_condition_removed_is_security_drift() {
    let c = example();
    let (d, mut o) = synced(&c);
    role(&mut o).trust["Statement"][0]
        .as_object_mut()
        .unwrap()
        .remove("Condition");
    assert!(matches!(
        ops(&d, &o).as_slice(),
        [Op::Role(RoleOp::UpdateTrust { .. })]
    ));
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![(
            Severity::Security,
            "trust",
            "$.Statement[0].Condition".into()
        )]
    );
    assert_eq!(
        values(&f[0]).0,
        Some(json!({"StringEquals": {"sts:ExternalId": ["0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"]}}))
    );
    assert_eq!(values(&f[0]).1, None);
    // The severity comes from the proof, and the finding says what the live policy admits.
    assert_eq!(
        f[0].message,
        "the document differs at $.Statement[0].Condition; it admits more: \
         arn:aws:iam::765628985471:root may sts:AssumeRole with sts:ExternalId absent — allowed \
         by trust policy statement 0 (Sid \"GenesysCloudAssumeRole\")"
    );
    let request = f[0].counterexample.as_ref().expect("the request");
    assert_eq!(request["action"], json!("sts:AssumeRole"));
    assert!(
        request["context"].get("sts:ExternalId").is_none(),
        "{request}"
    );
    let v = verification(&d, &o);
    assert_eq!(
        failed(&v),
        vec![
            "trust: the partner with a wrong external ID is denied",
            "trust: the partner without an external ID is denied",
            "trust: only the partner may assume the role, only with StringEquals sts:ExternalId",
        ]
    );
}

#[test]
fn external_id_changed_is_security_drift() {
    let c = example();
    let (d, mut o) = synced(&c);
    role(&mut o).trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] =
        json!("someone-else");
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![(
            Severity::Security,
            "trust",
            "$.Statement[0].Condition.StringEquals.sts:ExternalId[0]".into()
        )]
    );
    assert_eq!(values(&f[0]).1, Some(json!("someone-else")));
}

#[test]
fn trust_change_that_is_not_weaker_is_config_drift() {
    let c = example();
    let (d, mut o) = synced(&c);
    role(&mut o).trust["Statement"][0]["Sid"] = json!("Renamed");
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![(Severity::Config, "trust", "$.Statement[0].Sid".into())]
    );
    assert_eq!(values(&f[0]).0, Some(json!("GenesysCloudAssumeRole")));
    assert_eq!(values(&f[0]).1, Some(json!("Renamed")));
    assert!(verification(&d, &o).passed);
}

/// Several differences of one kind on one resource are one finding listing each place.
#[test]
fn two_extra_tags_are_one_finding_with_two_changes() {
    let c = example();
    let (d, mut o) = synced(&c);
    role(&mut o).tags.insert("owner".into(), "someone".into());
    role(&mut o).tags.insert("cost".into(), "42".into());
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![(
            Severity::Config,
            "role.tags",
            "Tags.cost, Tags.owner".into()
        )]
    );
    assert_eq!(f[0].path, "");
    assert_eq!(f[0].changes[1].actual, None);
    assert!(f[0].message.contains("cost") && f[0].message.contains("owner"));
}

#[test]
fn description_max_session_and_tags_changed_are_config_drift() {
    let c = example();
    let (d, mut o) = synced(&c);
    let r = role(&mut o);
    r.description = Some("old text".into());
    r.max_session_duration = 7200;
    r.tags.insert("team".into(), "ops".into());
    r.tags.insert("owner".into(), "someone".into());
    assert_eq!(
        ops(&d, &o),
        vec![
            Op::Role(RoleOp::UpdateSettings {
                role: ROLE.into(),
                description: d.role.description.clone(),
                max_session_duration: 3600,
                previous_description: Some("old text".into()),
                previous_max_session_duration: 7200,
            }),
            Op::Tags(TagOp::TagRole {
                role: ROLE.into(),
                tags: BTreeMap::from([("team".into(), "cx".into())]),
                previous: BTreeMap::from([("team".into(), "ops".into())]),
            }),
            Op::Tags(TagOp::UntagRole {
                role: ROLE.into(),
                keys: vec!["owner".into()],
            }),
        ]
    );
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![
            (Severity::Config, "role.description", "Description".into()),
            (
                Severity::Config,
                "role.max_session_duration",
                "MaxSessionDuration".into()
            ),
            // One edit of the tags, one finding: the tag that differs and the one to remove.
            (
                Severity::Config,
                "role.tags",
                "Tags.team, Tags.owner".into()
            ),
        ]
    );
    assert_eq!(values(&f[1]).0, Some(json!(3600)));
    assert_eq!(values(&f[1]).1, Some(json!(7200)));
    assert_eq!(f[2].code.to_string(), "role-tag-differs");
    assert_eq!(f[2].changes[0].actual, Some(json!("ops")));
    assert!(verification(&d, &o).passed);

    // A role created elsewhere without a description, and a missing user tag.
    let (d, mut o) = synced(&c);
    role(&mut o).description = None;
    role(&mut o).tags.remove("team");
    assert_eq!(
        ops(&d, &o),
        vec![
            Op::Role(RoleOp::UpdateSettings {
                role: ROLE.into(),
                description: d.role.description.clone(),
                max_session_duration: 3600,
                previous_description: None,
                previous_max_session_duration: 3600,
            }),
            Op::Tags(TagOp::TagRole {
                role: ROLE.into(),
                tags: BTreeMap::from([("team".into(), "cx".into())]),
                previous: BTreeMap::new(),
            }),
        ]
    );
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![
            (Severity::Config, "role.description", "Description".into()),
            (Severity::Config, "role.tags", "Tags.team".into()),
        ]
    );
    assert_eq!(values(&f[0]).1, None);
    assert_eq!(values(&f[1]).1, None);
}

#[test]
fn narrower_invoke_document_is_config_drift() {
    let c = example();
    let (fresh, mut o) = synced(&c);
    let live = json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "GenesysCloudInvokeFunctions", "Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": [CUSTOMER]
    }]});
    set_invoke(&mut o, live.clone());
    // The stable shard assignment keeps the live grant first and adds the missing ARN.
    let d = desired(&c, &o);
    assert_eq!(
        d.policies[0].document["Statement"][0]["Resource"],
        json!([CUSTOMER, ORDER_LIVE])
    );
    assert!(semantically_equal(
        &d.policies[0].document,
        &fresh.policies[0].document
    ));
    assert_eq!(
        ops(&d, &o),
        vec![Op::Version(VersionOp::Create {
            arn: POLICY_ARN.into(),
            document: d.policies[0].document.clone(),
            previous: live,
        })]
    );
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![(
            Severity::Config,
            "targets",
            "$.Statement[0].Resource".into()
        )]
    );
    assert_eq!(values(&f[0]).0, Some(json!([ORDER_LIVE, CUSTOMER])));
    assert_eq!(values(&f[0]).1, Some(json!([CUSTOMER])));
    assert_eq!(f[0].resource, format!("managed policy {POLICY_ARN}"));
    let v = verification(&d, &o);
    assert_eq!(
        failed(&v),
        vec!["invoke: every target is invokable (2 ARN(s))"]
    );
    // Narrower access is an outage, not a security problem.
    let vf = verify_findings(&v);
    assert_eq!(
        shape(&vf),
        vec![
            (Severity::Config, "targets", String::new()),
            (Severity::Config, "targets", String::new())
        ]
    );
    assert!(vf[1]
        .message
        .starts_with("invoke-targets-allowed: counterexample"));
    assert!(
        vf[0].message.ends_with(&format!("denied on: {ORDER_LIVE}")),
        "{}",
        vf[0].message
    );
}

#[test]
fn broader_invoke_document_is_security_drift() {
    let c = example();
    let (d, mut o) = synced(&c);
    let mut live = d.policies[0].document.clone();
    live["Statement"][0]["Action"] = json!("lambda:*");
    set_invoke(&mut o, live);
    // The broad default, once replaced, would stay as latent access: it is deleted too.
    assert!(matches!(
        ops(&d, &o).as_slice(),
        [Op::Version(VersionOp::Create { .. }), Op::Version(VersionOp::DeleteLatent { version_id, .. })] if version_id == "v1"
    ));
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![
            (
                Severity::Security,
                "targets",
                "$.Statement[0].Action[0]".into()
            ),
            (Severity::Security, "targets", String::new())
        ]
    );
    assert_eq!(values(&f[0]).0, Some(json!("lambda:InvokeFunction")));
    assert_eq!(values(&f[0]).1, Some(json!("lambda:*")));
    let v = verification(&d, &o);
    assert_eq!(
        failed(&v),
        vec![
            "invoke: no other action is allowed",
            "invoke: no Allow statement grants more than lambda:InvokeFunction on the targets",
        ]
    );

    // Resource "*" is broader too.
    let (d, mut o) = synced(&c);
    let mut live = d.policies[0].document.clone();
    live["Statement"][0]["Resource"] = json!("*");
    set_invoke(&mut o, live);
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        f.len(),
        2,
        "the document, and the broad version left behind: {f:#?}"
    );
    assert!(f.iter().all(|f| f.severity == Severity::Security));
    assert!(
        f[1].message.starts_with("latent access"),
        "{}",
        f[1].message
    );
    assert!(failed(&verification(&d, &o))
        .contains(&"invoke: a function that is not a target is not invokable".to_string()));
}

#[test]
fn detached_policy_is_reattached() {
    let c = example();
    let (d, mut o) = synced(&c);
    o.attached.clear();
    ours(&mut o).attachment_count = 0;
    assert_eq!(
        ops(&d, &o),
        vec![Op::Attachment(AttachmentOp::Attach {
            role: ROLE.into(),
            arn: POLICY_ARN.into()
        })]
    );
    let f = findings(&d, &o, OWNED);
    assert_eq!(
        shape(&f),
        vec![(Severity::Config, "targets", String::new())]
    );
    assert_eq!(
        failed(&verification(&d, &o)),
        vec!["invoke: every target is invokable (2 ARN(s))"]
    );
}

#[test]
fn foreign_attached_policy_is_detached_as_security_drift() {
    let c = example();
    let (d, mut o) = synced(&c);
    o.attached.push(admin());
    assert_eq!(
        ops(&d, &o),
        vec![Op::Attachment(AttachmentOp::Detach {
            role: ROLE.into(),
            arn: ADMIN.into(),
            name: "AdministratorAccess".into(),
            document: admin().document,
        })]
    );
    let f = findings(&d, &o, OWNED);
    assert_eq!(shape(&f), vec![(Severity::Security, "role", String::new())]);
    assert_eq!(
        values(&f[0]).1,
        Some(json!({"policy_arn": ADMIN, "document": admin().document}))
    );
    assert_eq!(
        f[0].message,
        format!("managed policy {ADMIN} is attached to the role but not in the config")
    );
    assert_eq!(
        failed(&verification(&d, &o)),
        vec![
            "invoke: a function that is not a target is not invokable",
            "invoke: no other action is allowed",
            "invoke: no Allow statement grants more than lambda:InvokeFunction on the targets",
        ]
    );
}

#[test]
fn inline_policy_is_deleted_as_security_drift() {
    let c = example();
    let (d, mut o) = synced(&c);
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    o.inline.push(InlinePolicy {
        name: "debug".into(),
        document: doc.clone(),
    });
    assert_eq!(
        ops(&d, &o),
        vec![Op::Attachment(AttachmentOp::DeleteInline {
            role: ROLE.into(),
            name: "debug".into(),
            document: doc.clone(),
        })]
    );
    let f = findings(&d, &o, OWNED);
    assert_eq!(shape(&f), vec![(Severity::Security, "role", String::new())]);
    assert_eq!(
        values(&f[0]).1,
        Some(json!({"inline_policy": "debug", "document": doc}))
    );
    assert_eq!(
        failed(&verification(&d, &o)),
        vec![
            "invoke: no other action is allowed",
            "invoke: no Allow statement grants more than lambda:InvokeFunction on the targets",
        ]
    );
}

#[test]
fn permissions_boundary_removed_changed_or_undeclared() {
    let c = with_boundary();
    let (d, o) = synced(&c);
    assert_eq!(d.role.permissions_boundary.as_deref(), Some(BOUNDARY));
    assert_eq!(ops(&d, &o), vec![]);
    assert!(verification(&d, &o).passed);

    // Removed.
    let mut removed = o.clone();
    role(&mut removed).permissions_boundary = None;
    removed.boundary = None;
    assert_eq!(
        ops(&d, &removed),
        vec![Op::Boundary(BoundaryOp::Put {
            role: ROLE.into(),
            arn: BOUNDARY.into(),
            previous: None,
        })]
    );
    let f = findings(&d, &removed, OWNED);
    assert_eq!(
        shape(&f),
        vec![(
            Severity::Security,
            "role.permissions_boundary",
            String::new()
        )]
    );
    assert_eq!(f[0].message, "permissions boundary was removed");
    assert_eq!(
        (values(&f[0]).0, values(&f[0]).1),
        (Some(json!(BOUNDARY)), None)
    );

    // Changed.
    let other = "arn:aws:iam::111122223333:policy/Wide";
    let mut changed = o.clone();
    role(&mut changed).permissions_boundary = Some(other.into());
    changed.boundary = Some(boundary(other));
    assert_eq!(
        ops(&d, &changed),
        vec![Op::Boundary(BoundaryOp::Put {
            role: ROLE.into(),
            arn: BOUNDARY.into(),
            previous: Some(other.into()),
        })]
    );
    let f = findings(&d, &changed, OWNED);
    assert_eq!(f[0].severity, Severity::Security);
    assert_eq!(
        f[0].message,
        format!("permissions boundary is {other}, not {BOUNDARY}")
    );

    // On the role but not in the config.
    let plain = example();
    let (d, mut o) = synced(&plain);
    role(&mut o).permissions_boundary = Some(other.into());
    o.boundary = Some(boundary(other));
    assert_eq!(
        ops(&d, &o),
        vec![Op::Boundary(BoundaryOp::Delete {
            role: ROLE.into(),
            previous: other.into(),
        })]
    );
    let f = findings(&d, &o, OWNED);
    assert_eq!(shape(&f), vec![(Severity::Config, "role", String::new())]);
    assert_eq!(values(&f[0]).1, Some(json!(other)));
}

#[test]
fn a_boundary_that_denies_invoke_fails_the_proof() {
    let c = with_boundary();
    let (d, mut o) = synced(&c);
    o.boundary.as_mut().unwrap().document = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    ]});
    assert_eq!(
        ops(&d, &o),
        vec![],
        "the boundary's document is not ours to manage"
    );
    assert_eq!(
        failed(&verification(&d, &o)),
        vec!["invoke: every target is invokable (2 ARN(s))"]
    );
}

#[test]
fn missing_function_refuses_plan_but_is_a_finding_for_check() {
    let c = example();
    let (d, mut o) = synced(&c);
    let problem = "lookup-order (qualifier live) in eu-west-1: not found";
    o.functions[1].problem = Some(problem.into());
    o.functions[1].arn = None;
    let e = plan(&d, &o, OWNED).unwrap_err();
    assert_eq!(
        e,
        PlanError::MissingFunctions {
            problems: vec![problem.into()]
        }
    );
    assert!(
        e.to_string().contains("  - lookup-order (qualifier live)"),
        "{e}"
    );
    assert_eq!(plan_changes(&d, &o, OWNED), Ok(Plan::default()));
    let v = verification(&d, &o);
    assert_eq!(failed(&v), vec!["functions: every target exists (2)"]);
    assert_eq!(v.checks.last().unwrap().detail, problem);
    let vf = verify_findings(&v);
    assert_eq!(
        shape(&vf),
        vec![(Severity::Config, "targets", String::new())]
    );
    assert_eq!(
        vf[0].message,
        format!("functions: every target exists (2): {problem}")
    );
}

#[test]
fn five_versions_prune_the_oldest_non_default_first() {
    let c = example();
    let (d, base) = synced(&c);
    let stale = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [CUSTOMER]
    }]});
    let new_version = Op::Version(VersionOp::Create {
        arn: POLICY_ARN.into(),
        document: d.policies[0].document.clone(),
        previous: stale.clone(),
    });
    let prune = |v: &str| {
        Op::Version(VersionOp::Delete {
            arn: POLICY_ARN.into(),
            version_id: v.into(),
        })
    };
    let with_versions = |count: usize, default: usize| {
        let mut o = base.clone();
        set_invoke(&mut o, stale.clone());
        ours(&mut o).versions = versions(count, default);
        ours(&mut o).default_version_id = format!("v{default}");
        o
    };
    // Default is the oldest: the next one goes.
    assert_eq!(
        ops(&d, &with_versions(5, 1)),
        vec![prune("v2"), new_version.clone()]
    );
    // Default is the newest: the oldest goes.
    assert_eq!(
        ops(&d, &with_versions(5, 5)),
        vec![prune("v1"), new_version.clone()]
    );
    assert_eq!(
        ops(&d, &with_versions(5, 3)),
        vec![prune("v1"), new_version.clone()]
    );
    // Under the limit: nothing to prune.
    assert_eq!(ops(&d, &with_versions(4, 4)), vec![new_version.clone()]);
    // In sync at the limit: nothing at all.
    let mut full = base.clone();
    ours(&mut full).versions = versions(5, 5);
    assert_eq!(ops(&d, &full), vec![]);

    // And AWS accepts it: the pruned policy gets a sixth, default version.
    let o = with_versions(5, 1);
    let after = observed_after(&o, &plan(&d, &o, OWNED).unwrap()).unwrap();
    let ids: Vec<(&str, bool)> = after.policies[0]
        .versions
        .iter()
        .map(|v| (v.version_id.as_str(), v.is_default))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("v1", false),
            ("v3", false),
            ("v4", false),
            ("v5", false),
            ("v6", true)
        ]
    );
    assert_eq!(ops(&d, &after), vec![]);
}

#[test]
fn foreign_role_is_refused_unless_adopted() {
    let c = example();
    let (d, mut o) = synced(&c);
    role(&mut o).tags.remove(MANAGED_BY_KEY);
    let e = plan(&d, &o, OWNED).unwrap_err();
    assert_eq!(e, PlanError::ForeignRole { name: ROLE.into() });
    assert!(
        lambda_trust_verdict::shown(&e).contains("lambda-trust apply --adopt"),
        "{e}"
    );
    assert_eq!(plan_changes(&d, &o, OWNED).unwrap_err(), e);
    assert_eq!(
        plan(&d, &o, ADOPT).unwrap().ops,
        vec![Op::Tags(TagOp::TagRole {
            role: ROLE.into(),
            tags: BTreeMap::from([(MANAGED_BY_KEY.into(), MANAGED_BY_VALUE.into())]),
            previous: BTreeMap::new(),
        })]
    );

    // A role made by hand: neither tag, its own description and tags.
    let (d, mut o) = synced(&c);
    let r = role(&mut o);
    r.tags = BTreeMap::from([
        ("team".into(), "cx".into()),
        ("made-by".into(), "hand".into()),
    ]);
    assert!(matches!(
        plan(&d, &o, OWNED),
        Err(PlanError::ForeignRole { .. })
    ));
    assert_eq!(
        plan(&d, &o, ADOPT).unwrap().ops,
        vec![
            Op::Tags(TagOp::TagRole {
                role: ROLE.into(),
                tags: BTreeMap::from([
                    (CONFIG_TAG_KEY.into(), c.identity_digest()),
                    (MANAGED_BY_KEY.into(), MANAGED_BY_VALUE.into()),
                ]),
                previous: BTreeMap::new(),
            }),
            Op::Tags(TagOp::UntagRole {
                role: ROLE.into(),
                keys: vec!["made-by".into()],
            }),
        ]
    );
}

#[test]
fn foreign_policy_is_refused_unless_adopted() {
    let c = example();
    let (d, mut o) = synced(&c);
    ours(&mut o).tags.clear();
    let e = plan(&d, &o, OWNED).unwrap_err();
    assert_eq!(
        e,
        PlanError::ForeignPolicy {
            arn: POLICY_ARN.into()
        }
    );
    assert!(lambda_trust_verdict::shown(&e).contains("--adopt"), "{e}");
    let adopt = plan(&d, &o, ADOPT).unwrap();
    assert_eq!(
        adopt.ops,
        vec![Op::Tags(TagOp::TagPolicy {
            arn: POLICY_ARN.into(),
            tags: BTreeMap::from([(MANAGED_BY_KEY.into(), MANAGED_BY_VALUE.into())]),
        })]
    );
    let f = drift_findings(&d, &adopt);
    // A lost ownership tag means someone changed it outside lambda-trust: security.
    assert_eq!(
        shape(&f),
        vec![(Severity::Security, "policy", String::new())]
    );
    assert!(
        f[0].message.starts_with("ownership lost"),
        "{}",
        f[0].message
    );
}

#[test]
fn role_of_another_config_is_a_conflict() {
    let c = example();
    let (d, mut o) = synced(&c);
    role(&mut o)
        .tags
        .insert(CONFIG_TAG_KEY.into(), "deadbeefdeadbeef".into());
    let e = plan(&d, &o, OWNED).unwrap_err();
    assert_eq!(
        e,
        PlanError::ConfigConflict {
            name: ROLE.into(),
            live: "deadbeefdeadbeef".into(),
            want: c.identity_digest(),
        }
    );
    assert!(
        lambda_trust_verdict::shown(&e).contains("two configs must not manage one role"),
        "{e}"
    );
    assert_eq!(
        plan(&d, &o, ADOPT).unwrap().ops,
        vec![Op::Tags(TagOp::TagRole {
            role: ROLE.into(),
            tags: BTreeMap::from([(CONFIG_TAG_KEY.into(), c.identity_digest())]),
            previous: BTreeMap::from([(CONFIG_TAG_KEY.into(), "deadbeefdeadbeef".into())]),
        })]
    );

    // The realistic way: a second config (another external ID) naming the same role.
    let other = parse(&EXAMPLE.replace(
        "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10",
        "11111111-2222-3333-4444-555555555555",
    ));
    let (_, applied) = synced(&c);
    let d2 = desired(&other, &applied);
    assert!(matches!(
        plan(&d2, &applied, OWNED),
        Err(PlanError::ConfigConflict { .. })
    ));
    // Targets are not part of the identity: onboarding is not a conflict.
    let more = parse(&format!(
        "{EXAMPLE}\n[[targets]]\nfunction = \"arn:aws:lambda:us-east-1:111122223333:function:new\"\n"
    ));
    let d3 = desired(&more, &applied);
    assert!(matches!(
        ops(&d3, &applied).as_slice(),
        [Op::Version(VersionOp::Create { .. })]
    ));
    // A role without the config tag (applied by an older version) is no conflict.
    let (d, mut o) = synced(&c);
    role(&mut o).tags.remove(CONFIG_TAG_KEY);
    assert_eq!(
        ops(&d, &o),
        vec![Op::Tags(TagOp::TagRole {
            role: ROLE.into(),
            tags: BTreeMap::from([(CONFIG_TAG_KEY.into(), c.identity_digest())]),
            previous: BTreeMap::new(),
        })]
    );
}

#[test]
fn every_kind_of_drift_at_once_is_planned_in_apply_order() {
    let c = with_boundary();
    let (d, mut o) = synced(&c);
    let r = role(&mut o);
    r.trust["Statement"][0]
        .as_object_mut()
        .unwrap()
        .remove("Condition");
    r.permissions_boundary = None;
    r.description = None;
    r.tags.insert("extra".into(), "x".into());
    o.boundary = None;
    o.attached.insert(0, admin());
    o.inline.push(InlinePolicy {
        name: "debug".into(),
        document: admin().document,
    });
    let mut broad = d.policies[0].document.clone();
    broad["Statement"][0]["Action"] = json!("lambda:*");
    set_invoke(&mut o, broad);
    o.attached.retain(|a| a.arn != POLICY_ARN);
    ours(&mut o).attachment_count = 0;
    ours(&mut o).versions = versions(5, 2);
    ours(&mut o).default_version_id = "v2".into();
    let kinds: Vec<&str> = ops(&d, &o)
        .iter()
        .map(|op| match op {
            Op::Role(RoleOp::UpdateTrust { .. }) => "trust",
            Op::Attachment(AttachmentOp::Detach { .. }) => "detach",
            Op::Attachment(AttachmentOp::DeleteInline { .. }) => "inline",
            Op::Boundary(BoundaryOp::Put { .. }) => "boundary",
            Op::Role(RoleOp::UpdateSettings { .. }) => "role",
            Op::Tags(TagOp::UntagRole { .. }) => "untag",
            Op::Version(VersionOp::Delete { .. }) => "prune",
            Op::Version(VersionOp::Create { .. }) => "version",
            Op::Version(VersionOp::DeleteLatent { .. }) => "latent",
            Op::Attachment(AttachmentOp::Attach { .. }) => "attach",
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "trust", "detach", "inline", "boundary", "role", "untag", "prune", "version", "latent",
            "attach"
        ]
    );
    let sev: Vec<Severity> = findings(&d, &o, OWNED).iter().map(|f| f.severity).collect();
    assert_eq!(
        sev,
        vec![
            Severity::Security, // trust condition
            Severity::Security, // foreign attachment
            Severity::Security, // inline
            Severity::Security, // boundary removed
            Severity::Config,   // description
            Severity::Config,   // extra tag
            Severity::Security, // invoke broader
            Severity::Security, // the broad version, latent once replaced
            Severity::Config,   // not attached
        ]
    );
    let after = observed_after(&o, &plan(&d, &o, OWNED).unwrap()).unwrap();
    assert_eq!(ops(&d, &after), vec![]);
    assert!(verification(&d, &after).passed);
}

// ---------------------------------------------------------------------------------------------
// Shards
// ---------------------------------------------------------------------------------------------

/// `n` targets with qualifier `*` (two ARNs each) and long names: several shards.
fn many_targets(n: usize) -> String {
    let mut text = EXAMPLE.split("\n[[targets]]").next().unwrap().to_string();
    text.push('\n');
    for i in 0..n {
        text.push_str(&format!(
            "[[targets]]\nfunction = \"genesys-data-action-handler-number-{i:04}\"\nqualifier = \"*\"\n"
        ));
    }
    text
}

#[test]
fn many_targets_are_sharded_and_created_in_order() {
    let c = parse(&many_targets(200));
    let o = empty(&c);
    let d = desired(&c, &o);
    let k = d.policies.len();
    assert!(k >= 3, "{k} shard(s)");
    let indices: Vec<usize> = d.policies.iter().map(|p| p.index).collect();
    assert_eq!(indices, (1..=k).collect::<Vec<_>>());
    for p in &d.policies {
        let want = if p.index == 1 {
            "GenesysLambdaInvoker-invoke".to_string()
        } else {
            format!("GenesysLambdaInvoker-invoke-{}", p.index)
        };
        assert_eq!(p.name, want);
        assert_eq!(p.arn, format!("arn:aws:iam::{ACCOUNT}:policy/{want}"));
        assert!(minified_len(&p.document) <= IAM_POLICY_MAX_CHARS);
    }
    // Every granted ARN in exactly one shard.
    let mut granted: Vec<String> = d
        .policies
        .iter()
        .flat_map(|p| {
            p.document["Statement"][0]["Resource"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
        })
        .collect();
    let total = granted.len();
    granted.sort();
    granted.dedup();
    assert_eq!(total, 400);
    assert_eq!(granted.len(), 400);

    let got = ops(&d, &o);
    assert!(matches!(got[0], Op::Role(RoleOp::Create(_))));
    let creates: Vec<String> = got[1..=k]
        .iter()
        .map(|op| match op {
            Op::Policy(PolicyOp::Create { name, .. }) => name.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        creates,
        d.policies
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
    );
    let attaches: Vec<Op> = d
        .policies
        .iter()
        .map(|p| {
            Op::Attachment(AttachmentOp::Attach {
                role: ROLE.into(),
                arn: p.arn.clone(),
            })
        })
        .collect();
    assert_eq!(got[k + 1..].to_vec(), attaches);
    assert_eq!(got.len(), 1 + 2 * k);

    // Applied, it is in sync and proven.
    let after = observed_after(&o, &plan(&d, &o, OWNED).unwrap()).unwrap();
    assert_eq!(desired(&c, &after), d);
    assert_eq!(ops(&d, &after), vec![]);
    let v = verification(&d, &after);
    assert!(v.passed, "{:?}", failed(&v));
    assert_eq!(
        v.checks[8].name,
        "invoke: every target is invokable (400 ARN(s))"
    );
}

#[test]
fn onboarding_one_target_rewrites_one_shard() {
    let c = parse(&many_targets(200));
    let (d, o) = synced(&c);
    let more = parse(&format!(
        "{}[[targets]]\nfunction = \"aaa-new-function\"\n",
        many_targets(200)
    ));
    let d2 = desired(&more, &o);
    assert_eq!(d2.policies.len(), d.policies.len());
    let got = ops(&d2, &o);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(matches!(&got[0], Op::Version(VersionOp::Create { .. })));
}

#[test]
fn offboarding_a_whole_shard_detaches_and_deletes_it() {
    let c = parse(&many_targets(200));
    let (d, mut o) = synced(&c);
    let last = d.policies.last().unwrap().clone();
    // The last shard has two old versions besides its default.
    let shard = o.policies.iter_mut().find(|p| p.arn == last.arn).unwrap();
    shard.versions = versions(3, 3);
    shard.default_version_id = "v3".into();
    // Keep only the targets the other shards grant.
    let gone: Vec<String> = last.document["Statement"][0]["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let mut text = many_targets(0);
    for i in 0..200 {
        let name = format!("genesys-data-action-handler-number-{i:04}");
        if !gone.iter().any(|a| a.contains(&name)) {
            text.push_str(&format!(
                "[[targets]]\nfunction = \"{name}\"\nqualifier = \"*\"\n"
            ));
        }
    }
    let fewer = parse(&text);
    let d2 = desired(&fewer, &o);
    assert_eq!(d2.policies.len(), d.policies.len() - 1);
    let got = ops(&d2, &o);
    assert_eq!(
        got,
        vec![
            Op::Attachment(AttachmentOp::Detach {
                role: ROLE.into(),
                arn: last.arn.clone(),
                name: last.name.clone(),
                document: last.document.clone(),
            }),
            Op::Version(VersionOp::Delete {
                arn: last.arn.clone(),
                version_id: "v1".into()
            }),
            Op::Version(VersionOp::Delete {
                arn: last.arn.clone(),
                version_id: "v2".into()
            }),
            Op::Policy(PolicyOp::Delete {
                arn: last.arn.clone(),
                document: last.document.clone(),
            }),
        ]
    );
    // Our obsolete shard still grants invoke on functions no longer in the config.
    let f = drift_findings(&d2, &Plan { ops: got.clone() });
    assert_eq!(shape(&f), vec![(Severity::Security, "role", String::new())]);
    let after = observed_after(&o, &Plan { ops: got }).unwrap();
    assert_eq!(ops(&d2, &after), vec![]);

    // Still attached to something else: detached here, kept.
    let mut shared = o.clone();
    shared
        .policies
        .iter_mut()
        .find(|p| p.arn == last.arn)
        .unwrap()
        .attachment_count = 2;
    assert_eq!(
        ops(&d2, &shared),
        vec![Op::Attachment(AttachmentOp::Detach {
            role: ROLE.into(),
            arn: last.arn.clone(),
            name: last.name.clone(),
            document: last.document.clone(),
        })]
    );
}

#[test]
fn too_many_targets_are_refused_before_planning() {
    let c = parse(&many_targets(800));
    let e = desired_state(&c, &ctx(&c), &Templates::builtin(), &empty(&c), false).unwrap_err();
    assert!(
        matches!(
            e,
            PlanError::Render(RenderError::TooManyTargets {
                targets: 1600,
                max_shards: 10,
                ..
            })
        ),
        "{e}"
    );
}

#[test]
fn no_targets_means_no_invoke_policy() {
    let c = parse(&many_targets(0));
    let o = empty(&c);
    let d = desired(&c, &o);
    assert!(d.policies.is_empty());
    assert!(matches!(
        ops(&d, &o).as_slice(),
        [Op::Role(RoleOp::Create(_))]
    ));
    // Offboarding the last target removes the invoke policy.
    let (_, applied) = synced(&example());
    assert_eq!(
        ops(&d, &applied),
        vec![
            Op::Attachment(AttachmentOp::Detach {
                role: ROLE.into(),
                arn: POLICY_ARN.into(),
                name: "GenesysLambdaInvoker-invoke".into(),
                document: applied.policies[0].document.clone(),
            }),
            Op::Policy(PolicyOp::Delete {
                arn: POLICY_ARN.into(),
                document: applied.policies[0].document.clone(),
            }),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// destroy
// ---------------------------------------------------------------------------------------------

#[test]
fn destroy_removes_everything_ours_in_a_valid_order() {
    let c = example();
    let (_, mut o) = synced(&c);
    o.attached.push(admin());
    o.inline.push(InlinePolicy {
        name: "debug".into(),
        document: admin().document,
    });
    ours(&mut o).versions = versions(3, 2);
    ours(&mut o).default_version_id = "v2".into();
    let doc = o.policies[0].document.clone();
    let trust = o.role.as_ref().unwrap().trust.clone();
    let (p, notes) = plan_destroy(&o).unwrap();
    assert!(notes.is_empty());
    assert_eq!(
        p.ops,
        vec![
            Op::Attachment(AttachmentOp::Detach {
                role: ROLE.into(),
                arn: POLICY_ARN.into(),
                name: "GenesysLambdaInvoker-invoke".into(),
                document: doc.clone(),
            }),
            Op::Attachment(AttachmentOp::Detach {
                role: ROLE.into(),
                arn: ADMIN.into(),
                name: "AdministratorAccess".into(),
                document: admin().document,
            }),
            Op::Attachment(AttachmentOp::DeleteInline {
                role: ROLE.into(),
                name: "debug".into(),
                document: admin().document,
            }),
            Op::Version(VersionOp::Delete {
                arn: POLICY_ARN.into(),
                version_id: "v1".into()
            }),
            Op::Version(VersionOp::Delete {
                arn: POLICY_ARN.into(),
                version_id: "v3".into()
            }),
            Op::Policy(PolicyOp::Delete {
                arn: POLICY_ARN.into(),
                document: doc,
            }),
            Op::Role(RoleOp::Delete {
                name: ROLE.into(),
                trust,
            }),
        ]
    );
    let after = observed_after(&o, &p).unwrap();
    assert_eq!(after.role, None);
    assert!(after.policies.is_empty() && after.attached.is_empty() && after.inline.is_empty());
    assert_eq!(plan_destroy(&after).unwrap(), (Plan::default(), vec![]));
    // What is left is an empty account: apply would start from scratch.
    let d = desired(&c, &after);
    assert_eq!(ops(&d, &after).len(), 3);
}

#[test]
fn destroy_keeps_a_policy_still_used_elsewhere() {
    let c = example();
    let (_, mut o) = synced(&c);
    ours(&mut o).attachment_count = 3;
    let (p, notes) = plan_destroy(&o).unwrap();
    assert_eq!(
        notes,
        vec![format!(
            "managed policy {POLICY_ARN} is kept: it is still attached to 2 other entit(y/ies)"
        )]
    );
    assert!(matches!(
        p.ops.as_slice(),
        [
            Op::Attachment(AttachmentOp::Detach { .. }),
            Op::Role(RoleOp::Delete { .. })
        ]
    ));
    let after = observed_after(&o, &p).unwrap();
    assert_eq!(after.policies[0].attachment_count, 2);
    assert_eq!(plan_destroy(&after).unwrap().0, Plan::default());
}

#[test]
fn destroy_refuses_what_is_not_ours() {
    let c = example();
    let (_, mut o) = synced(&c);
    role(&mut o).tags.remove(MANAGED_BY_KEY);
    let e = plan_destroy(&o).unwrap_err();
    assert_eq!(e, PlanError::RoleNotOursToDelete { name: ROLE.into() });
    assert!(e.to_string().contains("refusing to delete"), "{e}");

    let (_, mut o) = synced(&c);
    ours(&mut o).tags.clear();
    assert_eq!(
        plan_destroy(&o).unwrap_err(),
        PlanError::PolicyNotOursToDelete {
            arn: POLICY_ARN.into()
        }
    );
}

#[test]
fn destroy_of_nothing_or_of_a_half_destroyed_setup() {
    let c = example();
    assert_eq!(plan_destroy(&empty(&c)).unwrap(), (Plan::default(), vec![]));
    // A previous destroy stopped after the role: only the policy is left.
    let (_, mut o) = synced(&c);
    o.role = None;
    o.attached.clear();
    ours(&mut o).attachment_count = 0;
    let doc = o.policies[0].document.clone();
    assert_eq!(
        plan_destroy(&o).unwrap().0.ops,
        vec![Op::Policy(PolicyOp::Delete {
            arn: POLICY_ARN.into(),
            document: doc
        })]
    );
}

// ---------------------------------------------------------------------------------------------
// The AWS model itself refuses what AWS refuses (so the property tests mean something)
// ---------------------------------------------------------------------------------------------

#[test]
fn model_refuses_invalid_calls() {
    let c = example();
    let (_, o) = synced(&c);
    let one = |op: Op| observed_after(&o, &Plan { ops: vec![op] });
    let e = one(Op::Version(VersionOp::Delete {
        arn: POLICY_ARN.into(),
        version_id: "v1".into(),
    }))
    .unwrap_err();
    assert!(e.contains("DeleteConflict"), "{e}");
    let e = one(Op::Policy(PolicyOp::Delete {
        arn: POLICY_ARN.into(),
        document: json!({}),
    }))
    .unwrap_err();
    assert!(e.contains("DeleteConflict"), "{e}");
    let e = one(Op::Role(RoleOp::Delete {
        name: ROLE.into(),
        trust: json!({}),
    }))
    .unwrap_err();
    assert!(e.contains("DeleteConflict"), "{e}");
    let e = one(Op::Role(RoleOp::Create(DesiredRole {
        name: ROLE.into(),
        path: "/".into(),
        description: String::new(),
        max_session_duration: 3600,
        permissions_boundary: None,
        tags: BTreeMap::new(),
        trust: json!({}),
    })))
    .unwrap_err();
    assert!(e.contains("EntityAlreadyExists"), "{e}");
    let mut full = o.clone();
    ours(&mut full).versions = versions(5, 5);
    let e = observed_after(
        &full,
        &Plan {
            ops: vec![Op::Version(VersionOp::Create {
                arn: POLICY_ARN.into(),
                document: json!({}),
                previous: json!({}),
            })],
        },
    )
    .unwrap_err();
    assert!(e.contains("LimitExceeded"), "{e}");
    let e = observed_after(
        &empty(&c),
        &Plan {
            ops: vec![Op::Attachment(AttachmentOp::Attach {
                role: ROLE.into(),
                arn: POLICY_ARN.into(),
            })],
        },
    )
    .unwrap_err();
    assert!(e.contains("NoSuchEntity"), "{e}");
}

/// A role cannot be moved to another path (UpdateRole has no path), so a live role whose path
/// differs from `role.path` is refused with a hint, adopted or not — never reported in sync.
#[test]
fn role_at_another_path_is_not_silently_in_sync() {
    let c = parse(&EXAMPLE.replace("path = \"/\"  ", "path = \"/genesys/\""));
    let (d, _) = synced(&c);
    assert_eq!(d.role.path, "/genesys/");
    // The same role applied earlier with the default path (and tagged by this config).
    let (_, mut o) = synced(&c);
    let r = role(&mut o);
    r.path = "/".into();
    r.arn = role_arn("/", ROLE);
    for opts in [ADOPT, PlanOptions { adopt: false }] {
        let err = plan_changes(&d, &o, opts).unwrap_err();
        assert!(
            matches!(&err, PlanError::RolePath { live, want, .. } if live == "/" && want == "/genesys/"),
            "{err:?}"
        );
        assert!(
            lambda_trust_verdict::shown(&err).contains("(hint: "),
            "{err}"
        );
    }
}

/// Another principal published a broader invoke-policy version v2 as the default: v1 (ours) is
/// the non-default version now. The latent-access finding names v2 as the default and v1 as the
/// non-default one, never "non-default version v2".
#[test]
fn a_broader_default_published_elsewhere_names_the_non_default_version() {
    let c = example();
    let (d, mut o) = synced(&c);
    let mine = d.policies[0].document.clone();
    let mut broad = mine.clone();
    broad["Statement"][0]["Resource"] = json!("*");
    set_invoke(&mut o, broad);
    let mut vs = versions(2, 2);
    vs[0].document = Some(mine);
    ours(&mut o).versions = vs;
    ours(&mut o).default_version_id = "v2".into();
    let f = findings(&d, &o, OWNED);
    let latent: Vec<&Finding> = f
        .iter()
        .filter(|f| f.message.starts_with("latent access"))
        .collect();
    assert_eq!(latent.len(), 1, "{f:#?}");
    let m = &latent[0].message;
    assert!(
        m.contains("version v2 is the default (non-default version v1)"),
        "{m}"
    );
    assert!(!m.contains("non-default version v2"), "{m}");
    assert_eq!(latent[0].severity, Severity::Security);
}

/// IAM's limit on a customer managed policy, whitespace not counted (IAM User Guide, "IAM and
/// AWS STS quotas").
const IAM_POLICY_MAX_CHARS: usize = 6_144;
