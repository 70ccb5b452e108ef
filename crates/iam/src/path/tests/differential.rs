//! The whole-path evaluation (`path`) against the reference evaluator
//! `@cloud-copilot/iam-simulate` (npm; test-time only, installed by `npm ci` in
//! crates/iam/tests/reference, never vendored), on generated policies and requests:
//! - every hop gets the same decision from both;
//! - every counterexample the prover reports is one the reference decides the same way (a way
//!   in is allowed, a blocked request is denied), and every "proved" availability is allowed;
//! - property: security is never "proved" for a target that the reference lets a generated
//!   outside caller invoke.
//!
//! The reference applies whatever SCPs and RCPs it is given, so this test decides which apply by
//! AWS's rules (docs/aws-behaviour.md, "The whole path"): none to the management account, SCPs
//! only to our principals, RCPs only for the services that support them (STS, not Lambda).
//!
//! Setup: `npm ci --prefix crates/iam/tests/reference` (node 18 or later). Without it the test
//! fails, saying so.
#![cfg(test)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::eval::{Decision, LabeledPolicy, Request};
use crate::model::Policy;
use crate::path::hop::{evaluate_hop, Hop, KnownKeys, PrincipalSide, ResourceSide};
use crate::path::prove::{availability as path_availability, AvailabilityVerdict};
use crate::path::security::{security as path_security, SecurityVerdict};
use crate::path::vocabulary::{
    ControlPolicies, Known, Level, LevelKind, OrgLevel, OrgPolicies, OrgPolicy, Partner, PathInput,
    PolicyKind, RoleAccount, RoleSide, Target as PathTarget,
};
use crate::prove::Budget;
use serde_json::{json, Value};

const PARTNER: &str = "765628985471";
const ACCT: &str = "123456789012";
const OTHER: &str = "210987654321";
const FOREIGN: &str = "999999999999";
const ROLE: &str = "arn:aws:iam::123456789012:role/GenesysLambda";
const SESSION: &str = "arn:aws:sts::123456789012:assumed-role/GenesysLambda/lambda-trust-path";
const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";
const FN_OTHER: &str = "arn:aws:lambda:us-east-1:210987654321:function:g:live";
const EXT: &str = "00000000-0000-0000-0000-000000000001";

/// SplitMix64: deterministic cases from a seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn root(acct: &str) -> String {
    format!("arn:aws:iam::{acct}:root")
}

fn session_of(acct: &str, role: &str) -> String {
    format!("arn:aws:sts::{acct}:assumed-role/{role}/caller")
}

/// A condition block from a small pool of the keys this path meets.
fn condition(rng: &mut Rng, for_trust: bool) -> Option<Value> {
    if rng.chance(45) {
        return None;
    }
    let mut pool = vec![
        json!({"StringEquals": {"aws:SourceAccount": ACCT}}),
        json!({"StringEquals": {"aws:SourceAccount": FOREIGN}}),
        json!({"ArnLike": {"aws:SourceArn": format!("arn:aws:events:*:{ACCT}:rule/*")}}),
        json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}),
        json!({"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}),
        json!({"StringNotEquals": {"aws:PrincipalAccount": [ACCT, PARTNER]}}),
        json!({"StringEquals": {"aws:PrincipalAccount": FOREIGN}}),
        json!({"ArnLike": {"aws:PrincipalArn": format!("arn:aws:iam::{ACCT}:role/*")}}),
        json!({"Bool": {"aws:SecureTransport": "true"}}),
        json!({"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}),
        json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
        json!({"StringLike": {"aws:PrincipalArn": format!("arn:aws:iam::{FOREIGN}:role/*")}}),
    ];
    if for_trust {
        pool.extend([
            json!({"StringEquals": {"sts:ExternalId": EXT}}),
            json!({"StringEquals": {"sts:ExternalId": "other"}}),
            json!({"StringLike": {"sts:ExternalId": "*"}}),
            json!({"StringNotEquals": {"sts:ExternalId": EXT}}),
        ]);
    }
    Some(rng.pick(&pool))
}

fn with_condition(mut stmt: Value, cond: Option<Value>) -> Value {
    if let Some(c) = cond {
        stmt["Condition"] = c;
    }
    stmt
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn effect(rng: &mut Rng, deny_percent: u64) -> &'static str {
    if rng.chance(deny_percent) {
        "Deny"
    } else {
        "Allow"
    }
}

fn trust_policy(rng: &mut Rng) -> Value {
    let principals = [
        json!({"AWS": root(PARTNER)}),
        json!({"AWS": PARTNER}),
        json!({"AWS": session_of(PARTNER, "GenesysCloudRole")}),
        json!("*"),
        json!({"AWS": root(FOREIGN)}),
    ];
    let n = 1 + rng.below(2);
    let statements = (0..n)
        .map(|_| {
            let stmt = json!({"Effect": effect(rng, 20), "Principal": rng.pick(&principals),
                "Action": rng.pick(&["sts:AssumeRole", "sts:*", "*"])});
            with_condition(stmt, condition(rng, true))
        })
        .collect();
    doc(statements)
}

const ACTIONS: &[&str] = &[
    "lambda:InvokeFunction",
    "lambda:*",
    "lambda:Invoke*",
    "s3:GetObject",
    "*",
];

fn resources(target: &str) -> Vec<String> {
    vec![
        target.to_owned(),
        format!("{target}:*"),
        "arn:aws:lambda:*:*:function:*".to_owned(),
        "arn:aws:lambda:us-east-1:123456789012:function:other".to_owned(),
        "*".to_owned(),
        FN.to_owned(),
        FN_OTHER.to_owned(),
    ]
}

fn identity_doc(rng: &mut Rng, target: &str, deny_percent: u64) -> Value {
    let n = 1 + rng.below(2);
    let statements = (0..n)
        .map(|_| {
            let stmt = json!({"Effect": effect(rng, deny_percent), "Action": rng.pick(ACTIONS),
                "Resource": rng.pick(&resources(target))});
            with_condition(stmt, condition(rng, false))
        })
        .collect();
    doc(statements)
}

fn function_policy(rng: &mut Rng, target: &str) -> Value {
    let principals = [
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": ROLE}),
        json!({"AWS": SESSION}),
        json!({"AWS": ACCT}),
        json!({"AWS": root(ACCT)}),
        json!({"AWS": PARTNER}),
        json!({"AWS": root(FOREIGN)}),
        json!({"AWS": format!("arn:aws:iam::{FOREIGN}:role/Other")}),
        json!({"Service": "events.amazonaws.com"}),
    ];
    let n = 1 + rng.below(3);
    let statements = (0..n)
        .map(|i| {
            let mut stmt = json!({"Sid": format!("S{i}"), "Effect": effect(rng, 20),
                "Principal": rng.pick(&principals), "Action": rng.pick(ACTIONS),
                "Resource": rng.pick(&resources(target))});
            // NotPrincipal is left out: a function policy never has one (AddPermission writes
            // Principal), and the reference reads a Deny listing only an account differently
            // from the IAM User Guide's NotPrincipal page (docs/aws-behaviour.md).
            if rng.chance(10) {
                let a = stmt.as_object_mut().unwrap().remove("Action").unwrap();
                stmt["NotAction"] = a;
            }
            if rng.chance(10) {
                let r = stmt.as_object_mut().unwrap().remove("Resource").unwrap();
                stmt["NotResource"] = r;
            }
            with_condition(stmt, condition(rng, false))
        })
        .collect();
    doc(statements)
}

fn scp(rng: &mut Rng) -> Value {
    let stmt = json!({"Effect": effect(rng, 60),
        "Action": rng.pick(&["lambda:*", "lambda:InvokeFunction", "sts:AssumeRole", "s3:*", "*"]),
        "Resource": "*"});
    doc(vec![with_condition(stmt, condition(rng, false))])
}

fn rcp(rng: &mut Rng) -> Value {
    let stmt = json!({"Effect": "Deny", "Principal": "*",
        "Action": rng.pick(&["sts:AssumeRole", "sts:*", "s3:*"]), "Resource": "*"});
    doc(vec![with_condition(stmt, condition(rng, true))])
}

/// One level's SCP documents and RCP documents.
type LevelDocs = (Vec<Value>, Vec<Value>);

/// One generated world: the policies as JSON (for the reference) and parsed (for us).
struct Scenario {
    trust: Value,
    identity: Vec<Value>,
    boundary: Option<Value>,
    target: String,
    function_policy: Option<Value>,
    /// Per level (root, OU, account): SCP documents and RCP documents.
    levels: Vec<LevelDocs>,
    management: bool,
    external_id: String,
}

fn full_access() -> Value {
    doc(vec![
        json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    ])
}

fn rcp_full_access() -> Value {
    doc(vec![
        json!({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
    ])
}

fn scenario(rng: &mut Rng) -> Scenario {
    let target = rng.pick(&[FN, FN, FN_OTHER]).to_owned();
    let levels = (0..rng.below(4))
        .map(|_| {
            let mut scps = Vec::new();
            if rng.chance(85) {
                scps.push(full_access());
            }
            // AWS keeps at least one SCP on every level (a level without one is "not given").
            if rng.chance(50) || scps.is_empty() {
                scps.push(scp(rng));
            }
            // And RCPFullAWSAccess on every level while RCPs are enabled.
            let mut rcps = vec![rcp_full_access()];
            if rng.chance(50) {
                rcps.push(rcp(rng));
            }
            (scps, rcps)
        })
        .collect();
    Scenario {
        trust: trust_policy(rng),
        identity: (0..rng.below(3))
            .map(|_| identity_doc(rng, &target, 15))
            .collect(),
        boundary: rng.chance(30).then(|| identity_doc(rng, &target, 10)),
        function_policy: rng.chance(60).then(|| function_policy(rng, &target)),
        target,
        levels,
        management: rng.chance(15),
        external_id: rng.pick(&[EXT, EXT, EXT, "wrong"]).to_owned(),
    }
}

fn parse(v: &Value) -> Policy {
    Policy::try_from(v).unwrap_or_else(|e| panic!("generated policy {v} does not parse: {e}"))
}

fn account_of(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or_default()
}

impl Scenario {
    fn org_levels(&self) -> Vec<OrgLevel> {
        let kinds = [
            LevelKind::Root,
            LevelKind::OrganizationalUnit,
            LevelKind::Account,
        ];
        self.levels
            .iter()
            .enumerate()
            .map(|(i, (scps, rcps))| {
                let org_policy = |kind: &str, j: usize, v: &Value| OrgPolicy {
                    id: format!("p-{kind}{i}{j}"),
                    name: format!("{kind}-{i}-{j}"),
                    policy: parse(v),
                };
                OrgLevel {
                    level: Level {
                        kind: kinds[i.min(2)],
                        id: format!("level-{i}"),
                        name: format!("level {i}"),
                    },
                    scps: scps
                        .iter()
                        .enumerate()
                        .map(|(j, v)| org_policy("scp", j, v))
                        .collect(),
                    rcps: rcps
                        .iter()
                        .enumerate()
                        .map(|(j, v)| org_policy("rcp", j, v))
                        .collect(),
                }
            })
            .collect()
    }

    /// Both accounts share the generated organization (an empty list: no organization).
    fn input(&self) -> PathInput {
        let org = if self.levels.is_empty() {
            OrgPolicies::NoOrganization
        } else {
            OrgPolicies::Read {
                levels: self.org_levels(),
                management_account: self.management,
                organization_id: Some("o-abc".into()),
            }
        };
        let orgs = [ACCT, OTHER]
            .into_iter()
            .map(|a| (a.to_owned(), org.clone()))
            .collect();
        PathInput {
            partner: Partner {
                account: PARTNER.into(),
                external_id: self.external_id.clone(),
                // The callers the replays below use.
                principals: vec![root(PARTNER), session_of(PARTNER, "GenesysCloudRole")],
            },
            role: RoleSide {
                arn: ROLE.into(),
                account: RoleAccount::Given,
                trust: parse(&self.trust),
                identity: self
                    .identity
                    .iter()
                    .enumerate()
                    .map(|(i, v)| LabeledPolicy::new(format!("identity-{i}"), parse(v)))
                    .collect(),
                boundary: self
                    .boundary
                    .as_ref()
                    .map(|v| LabeledPolicy::new("boundary", parse(v))),
                tags: Known::Known(Default::default()),
            },
            targets: vec![PathTarget {
                arn: self.target.clone(),
                resource_policy: Known::Known(self.function_policy.as_ref().map(parse)),
            }],
            orgs,
        }
    }
}

/// Who makes a request, as both evaluators need to know it.
#[derive(Clone, Copy, PartialEq)]
enum Caller {
    /// The role's session: identity, boundary and SCPs apply.
    Role,
    /// A principal outside our accounts: its own side allows.
    External,
    /// An AWS service principal.
    Service,
}

/// The request with the keys AWS derives from the caller written in, as the reference does
/// not derive them.
fn request(principal: &str, action: &str, resource: &str, ctx: &[(&str, &str)]) -> Request {
    let mut req = Request::new(principal, action, resource);
    if principal.starts_with("arn:") {
        req = req.with_context("aws:PrincipalAccount", account_of(principal));
        let arn = match principal.split_once(":assumed-role/") {
            Some((head, rest)) => format!(
                "{}:role/{}",
                head.replace(":sts:", ":iam:"),
                rest.split('/').next().unwrap_or_default()
            ),
            None => principal.to_owned(),
        };
        req = req.with_context("aws:PrincipalArn", arn);
    }
    for (k, v) in ctx {
        req = req.with_context(*k, *v);
    }
    req
}

/// One request in one scenario, in both evaluators' terms.
struct Probe {
    request: Request,
    caller: Caller,
    resource_account: String,
}

fn covered(action: &str) -> bool {
    crate::path::vocabulary::rcps_cover(action)
}

impl Probe {
    fn ours(&self, s: &Scenario, input: &PathInput) -> Decision {
        let levels = match input.orgs.get(ACCT) {
            Some(OrgPolicies::Read {
                levels,
                management_account: false,
                ..
            }) => Some(levels.as_slice()),
            _ => None,
        };
        let control = |applies: bool| match (applies, levels) {
            (true, Some(l)) => ControlPolicies::Levels(l),
            _ => ControlPolicies::NotApplicable("test"),
        };
        let trust = self.request.action == "sts:AssumeRole";
        let resource_policy = if trust {
            Some(LabeledPolicy::new("trust", input.role.trust.clone()))
        } else {
            s.function_policy
                .as_ref()
                .map(|v| LabeledPolicy::new("fp", parse(v)))
        };
        let principal = match self.caller {
            Caller::Role => PrincipalSide::Internal {
                identity: &input.role.identity,
                boundary: input.role.boundary.as_ref(),
                scps: control(true),
            },
            Caller::External => PrincipalSide::External,
            Caller::Service => PrincipalSide::Service,
        };
        let hop = Hop {
            request: &self.request,
            principal,
            resource: ResourceSide {
                kind: if trust {
                    PolicyKind::Trust
                } else {
                    PolicyKind::FunctionPolicy
                },
                policy: resource_policy.as_ref(),
                account: &self.resource_account,
                rcps: control(covered(&self.request.action)),
            },
            known: KnownKeys::default(),
        };
        evaluate_hop(&hop).decision
    }

    /// The reference's `Simulation`, with the SCPs and RCPs that apply by AWS's rules.
    fn reference(&self, s: &Scenario) -> Value {
        let applies = !s.management && !s.levels.is_empty();
        let org = |pick: fn(&LevelDocs) -> &Vec<Value>| -> Vec<Value> {
            s.levels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    // The reference applies RCPFullAWSAccess itself and refuses it given.
                    json!({"orgIdentifier": format!("level-{i}"), "policies": pick(l).iter()
                        .enumerate().filter(|(_, p)| **p != rcp_full_access())
                        .map(|(j, p)| json!({"name": format!("p{i}{j}"), "policy": p}))
                        .collect::<Vec<_>>()})
                })
                .collect()
        };
        let trust = self.request.action == "sts:AssumeRole";
        let allow_all = json!([{"name": "caller", "policy": full_access()}]);
        let identity = match self.caller {
            Caller::Role => Value::Array(
                s.identity
                    .iter()
                    .enumerate()
                    .map(|(i, p)| json!({"name": format!("identity-{i}"), "policy": p}))
                    .collect(),
            ),
            Caller::External => allow_all,
            Caller::Service => json!([]),
        };
        let scps = if applies && self.caller == Caller::Role {
            org(|l| &l.0)
        } else {
            Vec::new()
        };
        let rcps = if applies && covered(&self.request.action) {
            org(|l| &l.1)
        } else {
            Vec::new()
        };
        let context: serde_json::Map<String, Value> = self
            .request
            .context
            .iter()
            .map(|(k, v)| (k.clone(), json!(v[0])))
            .collect();
        let mut sim = json!({
            "request": {"principal": self.request.principal, "action": self.request.action,
                "resource": {"resource": self.request.resource, "accountId": self.resource_account},
                "contextVariables": context},
            "identityPolicies": identity,
            "serviceControlPolicies": scps,
            "resourceControlPolicies": rcps,
        });
        let resource_policy = if trust {
            Some(&s.trust)
        } else {
            s.function_policy.as_ref()
        };
        if let Some(p) = resource_policy {
            sim["resourcePolicy"] = p.clone();
        }
        if let (Caller::Role, Some(b)) = (self.caller, &s.boundary) {
            sim["permissionBoundaryPolicies"] = json!([{"name": "boundary", "policy": b}]);
        }
        sim
    }
}

/// The requests tried in each scenario: the partner's AssumeRole, the role's invoke, and calls
/// from outside.
fn probes(rng: &mut Rng, s: &Scenario) -> Vec<Probe> {
    let target_account = account_of(&s.target).to_owned();
    let mut out = Vec::new();
    for principal in [root(PARTNER), session_of(PARTNER, "GenesysCloudRole")] {
        let ext = rng.pick(&[Some(EXT), Some("other"), None]);
        let ctx: Vec<(&str, &str)> = ext.map(|e| ("sts:ExternalId", e)).into_iter().collect();
        out.push(Probe {
            request: request(&principal, "sts:AssumeRole", ROLE, &ctx),
            caller: Caller::External,
            resource_account: ACCT.into(),
        });
    }
    let org = rng.pick(&[None, Some("o-abc")]);
    let org_ctx: Vec<(&str, &str)> = org.map(|o| ("aws:PrincipalOrgID", o)).into_iter().collect();
    out.push(Probe {
        request: request(SESSION, "lambda:InvokeFunction", &s.target, &org_ctx),
        caller: Caller::Role,
        resource_account: target_account.clone(),
    });
    let mfa = rng.pick(&[None, Some("100")]);
    let mut outside_ctx = org_ctx.clone();
    outside_ctx.extend(mfa.map(|m| ("aws:MultiFactorAuthAge", m)));
    for principal in outside_callers() {
        out.push(Probe {
            request: request(&principal, "lambda:InvokeFunction", &s.target, &outside_ctx),
            caller: Caller::External,
            resource_account: target_account.clone(),
        });
    }
    for source in [ACCT, FOREIGN] {
        let arn = format!("arn:aws:events:us-east-1:{source}:rule/r");
        let ctx = [
            ("aws:SourceAccount", source),
            ("aws:SourceArn", arn.as_str()),
        ];
        out.push(Probe {
            request: request(
                "events.amazonaws.com",
                "lambda:InvokeFunction",
                &s.target,
                &ctx,
            ),
            caller: Caller::Service,
            resource_account: target_account.clone(),
        });
    }
    out
}

fn outside_callers() -> Vec<String> {
    vec![
        session_of(PARTNER, "GenesysCloudRole"),
        session_of(FOREIGN, "Other"),
        session_of(FOREIGN, "any-role"),
    ]
}

/// A generated request that gets into the target from outside: not the role, not a principal
/// of the function's or the role's account, not a service call for our own resources.
fn violates(p: &Probe) -> bool {
    p.request.action == "lambda:InvokeFunction"
        && match p.caller {
            Caller::Role => false,
            Caller::External => true,
            Caller::Service => {
                p.request.context.get("aws:SourceAccount") == Some(&vec![FOREIGN.to_owned()])
            }
        }
}

fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference")
}

/// Runs the reference on every simulation at once.
fn run_reference(simulations: &[Value]) -> Vec<String> {
    let dir = reference_dir();
    assert!(
        dir.join("node_modules/@cloud-copilot/iam-simulate").is_dir(),
        "the reference evaluator is not installed: run `npm ci --prefix crates/iam/tests/reference` \
         (needs node 18 or later; CONTRIBUTING.md, \"The reference evaluator\")"
    );
    let mut child = Command::new("node")
        .arg("simulate.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node (needed by the reference evaluator): {e}"));
    let input = serde_json::to_vec(simulations).expect("json");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("write to node");
    let out = child.wait_with_output().expect("node output");
    assert!(out.status.success(), "the reference harness failed");
    serde_json::from_slice(&out.stdout).expect("the harness prints a JSON array")
}

fn reference_decision(text: &str) -> Decision {
    match text {
        "Allowed" => Decision::Allow,
        "ExplicitlyDenied" => Decision::ExplicitDeny,
        "ImplicitlyDenied" => Decision::ImplicitDeny,
        other => panic!("the reference refused a generated case: {other}"),
    }
}

/// Scenarios per test; `LAMBDA_TRUST_DIFF_SCENARIOS` raises it for a longer run.
fn scenarios() -> u64 {
    std::env::var("LAMBDA_TRUST_DIFF_SCENARIOS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

#[test]
fn the_path_evaluation_agrees_with_the_reference() {
    let started = Instant::now();
    let mut rng = Rng(0x5EED_0034);
    let scenarios: Vec<Scenario> = (0..scenarios()).map(|_| scenario(&mut rng)).collect();
    let mut sims = Vec::new();
    let mut ours = Vec::new();
    let mut where_ = Vec::new();
    for (n, s) in scenarios.iter().enumerate() {
        let input = s.input();
        for p in probes(&mut rng, s) {
            sims.push(p.reference(s));
            ours.push(p.ours(s, &input));
            where_.push((n, p.request.clone()));
        }
    }
    let theirs = run_reference(&sims);
    assert_eq!(theirs.len(), sims.len());
    let mut disagreements = Vec::new();
    for (i, text) in theirs.iter().enumerate() {
        let reference = reference_decision(text);
        if reference != ours[i] {
            disagreements.push(format!(
                "scenario {}: {:?}: ours {:?}, reference {reference:?}\n  simulation: {}",
                where_[i].0, where_[i].1, ours[i], sims[i]
            ));
        }
    }
    eprintln!(
        "{} requests in {} scenarios compared in {:?}",
        sims.len(),
        scenarios.len(),
        started.elapsed()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} decisions differ:\n{}",
        disagreements.len(),
        sims.len(),
        disagreements
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn counterexamples_replay_in_the_reference_and_proofs_hold() {
    let started = Instant::now();
    let mut rng = Rng(0x5EED_0035);
    let mut sims = Vec::new();
    // What the reference must say about each simulation, and why.
    let mut expect: Vec<(bool, String)> = Vec::new();
    let mut proved_security = 0;
    let mut violations_checked = 0;
    for n in 0..scenarios() {
        let s = scenario(&mut rng);
        let input = s.input();
        let target_account = account_of(&s.target).to_owned();
        let a = &path_availability(&input)[0];
        match a.verdict {
            AvailabilityVerdict::Blocked => {
                let req = a.request.as_ref().expect("blocked has a request").clone();
                let caller = if req.action == "sts:AssumeRole" {
                    Caller::External
                } else {
                    Caller::Role
                };
                let resource_account = account_of(&req.resource).to_owned();
                let probe = Probe {
                    request: req,
                    caller,
                    resource_account: if caller == Caller::External {
                        ACCT.into()
                    } else {
                        resource_account
                    },
                };
                sims.push(probe.reference(&s));
                expect.push((false, format!("scenario {n}: blocked {:?}", a.blockers)));
            }
            // Not proved for a key the path cannot know: nothing to replay, by design.
            AvailabilityVerdict::NotProved
                if a.reason
                    .as_deref()
                    .is_some_and(|r| r.contains("condition keys")) => {}
            AvailabilityVerdict::Proved | AvailabilityVerdict::NotProved => {
                for principal in [root(PARTNER), session_of(PARTNER, "GenesysCloudRole")] {
                    let p = Probe {
                        request: request(
                            &principal,
                            "sts:AssumeRole",
                            ROLE,
                            &[
                                ("sts:ExternalId", s.external_id.as_str()),
                                ("aws:SecureTransport", "true"),
                                ("aws:ViaAWSService", "false"),
                                ("aws:PrincipalIsAWSService", "false"),
                            ],
                        ),
                        caller: Caller::External,
                        resource_account: ACCT.into(),
                    };
                    sims.push(p.reference(&s));
                    expect.push((true, format!("scenario {n}: proved assume by {principal}")));
                }
                // The prover's request carries the organization's ID when there is one.
                let mut org_ctx: Vec<(&str, &str)> = vec![
                    ("aws:ViaAWSService", "false"),
                    ("aws:PrincipalIsAWSService", "false"),
                ];
                if !s.levels.is_empty() {
                    org_ctx.push(("aws:PrincipalOrgID", "o-abc"));
                }
                let p = Probe {
                    request: request(SESSION, "lambda:InvokeFunction", &s.target, &org_ctx),
                    caller: Caller::Role,
                    resource_account: target_account.clone(),
                };
                sims.push(p.reference(&s));
                expect.push((true, format!("scenario {n}: proved invoke")));
            }
        }
        let sec = &path_security(&input, Budget::default())[0];
        for f in &sec.findings {
            let req = f.request.clone();
            let caller = if req.principal.starts_with("arn:") {
                Caller::External
            } else {
                Caller::Service
            };
            let mut req2 = request(&req.principal, &req.action, &req.resource, &[]);
            for (k, v) in &req.context {
                req2.context.insert(k.clone(), v.clone());
            }
            let p = Probe {
                request: req2,
                caller,
                resource_account: target_account.clone(),
            };
            sims.push(p.reference(&s));
            expect.push((true, format!("scenario {n}: way in {:?}", f.way)));
        }
        if sec.verdict == SecurityVerdict::Proved {
            proved_security += 1;
            // Property: no generated outside caller gets in where security is proved.
            for p in probes(&mut rng, &s).into_iter().filter(violates) {
                violations_checked += 1;
                sims.push(p.reference(&s));
                expect.push((
                    false,
                    format!("scenario {n}: proved secure, yet {:?} gets in", p.request),
                ));
            }
        }
    }
    let theirs = run_reference(&sims);
    let failures: Vec<String> = theirs
        .iter()
        .zip(&expect)
        .zip(&sims)
        .filter(|((t, (allowed, _)), _)| (reference_decision(t) == Decision::Allow) != *allowed)
        .map(|((t, (_, why)), sim)| format!("{why}: reference {t}\n  simulation: {sim}"))
        .collect();
    eprintln!(
        "{} replays ({proved_security} targets proved secure, {violations_checked} outside \
         callers checked against them) in {:?}",
        sims.len(),
        started.elapsed()
    );
    assert!(
        proved_security > 0 && violations_checked > 0,
        "the property was exercised"
    );
    assert!(
        failures.is_empty(),
        "{} of {} replays fail:\n{}",
        failures.len(),
        sims.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_generator_covers_the_interesting_cases() {
    // Guards against a generator that silently stops producing what the tests above need.
    let mut rng = Rng(0x5EED_0034);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for _ in 0..400 {
        let s = scenario(&mut rng);
        let input = s.input();
        let a = &path_availability(&input)[0];
        *kinds
            .entry(match a.verdict {
                AvailabilityVerdict::Proved => "proved",
                AvailabilityVerdict::Blocked => "blocked",
                AvailabilityVerdict::NotProved => "not-proved",
            })
            .or_default() += 1;
        let sec = &path_security(&input, Budget::default())[0];
        if sec.verdict == SecurityVerdict::Counterexample {
            *kinds.entry("way-in").or_default() += 1;
        }
        if a.blockers.iter().any(|b| b.kind == PolicyKind::Scp) {
            *kinds.entry("scp-blocks").or_default() += 1;
        }
        if a.blockers.iter().any(|b| b.kind == PolicyKind::Rcp) {
            *kinds.entry("rcp-blocks").or_default() += 1;
        }
    }
    for k in ["proved", "blocked", "way-in", "scp-blocks", "rcp-blocks"] {
        assert!(
            kinds.get(k).copied().unwrap_or(0) > 0,
            "no {k} case: {kinds:?}"
        );
    }
}
