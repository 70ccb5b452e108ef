//! The planner's defining property, over random configs and random live states: applying a
//! plan converges — `plan(desired, observed_after(observed, plan))` is empty, the desired state
//! recomputed from the result is the same, and the offline proof passes. Also: the planner
//! refuses exactly the states it must (foreign role or policy, another config's role), and
//! destroy converges to nothing.
//!
//! `observed_after` (tests/support_state) models each `Op` as `aws::apply::run_op` calls AWS,
//! and refuses what AWS refuses (deleting a default version, a sixth version, deleting an
//! attached policy, a role with policies…), so an inapplicable plan fails the property too.
#![cfg(test)]

use std::collections::BTreeMap;

use super::support::state::*;
use lambda_trust_config::{Config, CONFIG_TAG_KEY, MANAGED_BY_KEY};
use lambda_trust_model::{
    Desired, InlinePolicy, ManagedPolicy, Observed, ObservedPolicy, ObservedRole,
};
use lambda_trust_provision::{
    aws_query, plan, plan_destroy, Plan, PlanError, PlanOptions, Verification,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Random configs
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct TargetSpec {
    /// 0: bare name in the default region, 1: bare name with its own region, 2: an ARN.
    form: u8,
    region: &'static str,
    qualifier: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct ConfigSpec {
    partner: u8,
    external_id: String,
    role_name: String,
    path: Option<&'static str>,
    description: Option<String>,
    max_session: Option<i64>,
    boundary: bool,
    tags: BTreeMap<String, String>,
    policy_name: Option<String>,
    targets: Vec<TargetSpec>,
}

impl ConfigSpec {
    fn toml(&self) -> String {
        let mut t = String::from("[trust]\n");
        match self.partner {
            0 => t.push_str("partner = \"genesys-cloud\"\n"),
            1 => t.push_str("partner = \"genesys-cloud-fedramp\"\n"),
            _ => t.push_str("account_id = \"123456789012\"\n"),
        }
        t.push_str(&format!("external_id = \"{}\"\n", self.external_id));
        t.push_str(&format!("[role]\nname = \"{}\"\n", self.role_name));
        if let Some(p) = self.path {
            t.push_str(&format!("path = \"{p}\"\n"));
        }
        if let Some(d) = &self.description {
            t.push_str(&format!("description = \"{d}\"\n"));
        }
        if let Some(m) = self.max_session {
            t.push_str(&format!("max_session_duration = {m}\n"));
        }
        if self.boundary {
            t.push_str(&format!("permissions_boundary = \"{BOUNDARY}\"\n"));
        }
        let tags: Vec<String> = self
            .tags
            .iter()
            .map(|(k, v)| format!("{k} = \"{v}\""))
            .collect();
        t.push_str(&format!("tags = {{ {} }}\n", tags.join(", ")));
        if let Some(p) = &self.policy_name {
            t.push_str(&format!("[policy]\nname = \"{p}\"\n"));
        }
        t.push_str(&format!(
            "[aws]\nregion = \"{REGION}\"\naccount_id = \"{ACCOUNT}\"\n"
        ));
        for (i, target) in self.targets.iter().enumerate() {
            let name = format!("genesys-action-{i:04}");
            match target.form {
                0 => t.push_str(&format!("[[targets]]\nfunction = \"{name}\"\n")),
                1 => t.push_str(&format!(
                    "[[targets]]\nfunction = \"{name}\"\nregion = \"{}\"\n",
                    target.region
                )),
                _ => t.push_str(&format!(
                    "[[targets]]\nfunction = \"arn:aws:lambda:{}:{ACCOUNT}:function:{name}\"\n",
                    target.region
                )),
            }
            if let Some(q) = target.qualifier {
                t.push_str(&format!("qualifier = \"{q}\"\n"));
            }
        }
        t
    }
}

const BOUNDARY: &str = "arn:aws:iam::111122223333:policy/Boundary";
const OTHER_BOUNDARY: &str = "arn:aws:iam::111122223333:policy/WideBoundary";

fn target() -> impl Strategy<Value = TargetSpec> {
    (
        0u8..3,
        prop::sample::select(vec!["us-east-1", "eu-west-1", "ap-southeast-2"]),
        prop::sample::select(vec![None, Some("live"), Some("*"), Some("7")]),
    )
        .prop_map(|(form, region, qualifier)| TargetSpec {
            form,
            region,
            qualifier,
        })
}

/// Mostly a handful of targets; sometimes enough (qualifier `*`: two ARNs each) for several
/// invoke policy shards.
fn targets() -> impl Strategy<Value = Vec<TargetSpec>> {
    prop_oneof![
        8 => prop::collection::vec(target(), 0..8),
        1 => (60usize..130).prop_map(|n| {
            (0..n)
                .map(|i| TargetSpec {
                    form: (i % 3) as u8,
                    region: "ap-southeast-2",
                    qualifier: Some("*"),
                })
                .collect()
        }),
    ]
}

fn config_spec() -> impl Strategy<Value = ConfigSpec> {
    (
        (
            0u8..3,
            "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
            "[A-Z][A-Za-z0-9]{2,20}",
            prop::option::of(prop::sample::select(vec!["/", "/genesys/", "/a/b/"])),
            prop::option::of("[A-Za-z0-9 .,()-]{0,60}"),
            prop::option::of(prop::sample::select(vec![3600i64, 7200, 43200])),
            any::<bool>(),
        ),
        (
            prop::collection::btree_map("[a-z]{1,8}", "[a-z0-9 ]{0,8}", 0..4),
            prop::option::of("[a-z][a-z-]{2,20}[a-z]"),
            targets(),
        ),
    )
        .prop_map(
            |(
                (partner, external_id, role_name, path, description, max_session, boundary),
                (tags, policy_name, targets),
            )| ConfigSpec {
                partner,
                external_id,
                role_name,
                path,
                description,
                max_session,
                boundary,
                tags,
                policy_name,
                targets,
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Random live states, relative to the config's fresh desired state
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct RoleSpec {
    present: bool,
    /// 0 exact, 1 ExternalId condition removed, 2 other ExternalId, 3 other principal,
    /// 4 an extra statement, 5 another Sid, 6 an equivalent spelling.
    trust: u8,
    /// 0 as configured, 1 other text, 2 none.
    description: u8,
    max_session_differs: bool,
    /// 0 as configured, 1 none, 2 another boundary.
    boundary: u8,
    managed_by: bool,
    /// 0 ours, 1 absent (older version), 2 another config's.
    config_tag: u8,
    /// 0 as configured, 1 a value changed, 2 one missing.
    user_tags: u8,
    extra_tag: bool,
}

#[derive(Debug, Clone)]
struct PolicySpec {
    present: bool,
    /// 0 exact, 1 a target missing, 2 broader action, 3 a stale ARN, 4 another shard's grants.
    document: u8,
    attached: bool,
    elsewhere: i64,
    versions: usize,
    default_seed: usize,
    owned: bool,
}

#[derive(Debug, Clone)]
struct StateSpec {
    role: RoleSpec,
    /// For shard indices 1..=len (beyond the desired shards: obsolete ones).
    policies: Vec<PolicySpec>,
    foreign_attached: usize,
    inline: usize,
    adopt: bool,
}

fn role_spec() -> impl Strategy<Value = RoleSpec> {
    (
        prop::bool::weighted(0.85),
        0u8..7,
        0u8..3,
        any::<bool>(),
        0u8..3,
        prop::bool::weighted(0.8),
        prop::sample::select(vec![0u8, 0, 0, 1, 2]),
        0u8..3,
        any::<bool>(),
    )
        .prop_map(
            |(
                present,
                trust,
                description,
                max_session_differs,
                boundary,
                managed_by,
                config_tag,
                user_tags,
                extra_tag,
            )| RoleSpec {
                present,
                trust,
                description,
                max_session_differs,
                boundary,
                managed_by,
                config_tag,
                user_tags,
                extra_tag,
            },
        )
}

fn policy_spec() -> impl Strategy<Value = PolicySpec> {
    (
        prop::bool::weighted(0.8),
        0u8..5,
        prop::bool::weighted(0.7),
        prop::sample::select(vec![0i64, 0, 0, 1]),
        1usize..=5,
        any::<usize>(),
        prop::bool::weighted(0.85),
    )
        .prop_map(
            |(present, document, attached, elsewhere, versions, default_seed, owned)| PolicySpec {
                present,
                document,
                attached,
                elsewhere,
                versions,
                default_seed,
                owned,
            },
        )
}

fn state_spec() -> impl Strategy<Value = StateSpec> {
    (
        role_spec(),
        prop::collection::vec(policy_spec(), 0..5),
        0usize..4,
        0usize..3,
        any::<bool>(),
    )
        .prop_map(
            |(role, policies, foreign_attached, inline, adopt)| StateSpec {
                role,
                policies,
                foreign_attached,
                inline,
                adopt,
            },
        )
}

fn resources(doc: &Value) -> Vec<Value> {
    match &doc["Statement"][0]["Resource"] {
        Value::Array(a) => a.clone(),
        Value::String(s) => vec![json!(s)],
        _ => vec![],
    }
}

fn invoke_doc(resources: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "GenesysCloudInvokeFunctions", "Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": resources
    }]})
}

fn trust_variant(want: &Value, variant: u8) -> Value {
    let mut t = want.clone();
    let st = &mut t["Statement"][0];
    match variant {
        1 => {
            st.as_object_mut().unwrap().remove("Condition");
        }
        2 => st["Condition"]["StringEquals"]["sts:ExternalId"] = json!("another-organization"),
        3 => st["Principal"]["AWS"] = json!("arn:aws:iam::999988887777:root"),
        4 => {
            let extra = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"});
            t["Statement"].as_array_mut().unwrap().push(extra);
        }
        5 => st["Sid"] = json!("Renamed"),
        6 => {
            // Equivalent: arrays for scalars and upper-case action.
            st["Action"] = json!(["STS:AssumeRole"]);
            let p = st["Principal"]["AWS"].clone();
            st["Principal"]["AWS"] = json!([p]);
        }
        _ => {}
    }
    t
}

/// The live state `spec` describes, built against the config's fresh desired state.
fn observed(c: &Config, fresh: &Desired, spec: &StateSpec) -> Observed {
    let mut o = empty(c);
    let r = &spec.role;
    if r.present {
        let want = &fresh.role;
        let mut tags = want.tags.clone();
        if !r.managed_by {
            tags.remove(MANAGED_BY_KEY);
        }
        match r.config_tag {
            1 => {
                tags.remove(CONFIG_TAG_KEY);
            }
            2 => {
                tags.insert(CONFIG_TAG_KEY.into(), "0000000000000000".into());
            }
            _ => {}
        }
        let user: Vec<String> = c.role.tags.keys().cloned().collect();
        match (r.user_tags, user.first()) {
            (1, Some(k)) => {
                tags.insert(k.clone(), "changed".into());
            }
            (2, Some(k)) => {
                tags.remove(k);
            }
            _ => {}
        }
        if r.extra_tag {
            tags.insert("zz-extra".into(), "1".into());
        }
        let boundary_arn = match (r.boundary, &want.permissions_boundary) {
            (0, b) => b.clone(),
            (1, _) => None,
            _ => Some(OTHER_BOUNDARY.to_string()),
        };
        o.role = Some(ObservedRole {
            arn: role_arn(&want.path, &want.name),
            name: want.name.clone(),
            path: want.path.clone(),
            description: match r.description {
                0 => Some(want.description.clone()),
                1 => Some("edited in the console".into()),
                _ => None,
            },
            max_session_duration: if r.max_session_differs {
                want.max_session_duration + 3600
            } else {
                want.max_session_duration
            },
            permissions_boundary: boundary_arn.clone(),
            tags,
            trust: trust_variant(&want.trust, r.trust),
            created_epoch: None,
        });
        o.boundary = boundary_arn.as_deref().map(boundary);
    }
    let base = c.policy_name();
    for (i, p) in spec.policies.iter().enumerate() {
        let index = i + 1;
        if !p.present {
            continue;
        }
        let shard = fresh.policies.iter().find(|d| d.index == index);
        let stale = json!(format!(
            "arn:aws:lambda:us-east-1:{ACCOUNT}:function:stale-{index}"
        ));
        let document = match (shard, p.document) {
            (Some(s), 0) => s.document.clone(),
            (Some(s), 1) => invoke_doc(resources(&s.document).into_iter().step_by(2).collect()),
            (Some(s), 2) => {
                let mut d = s.document.clone();
                d["Statement"][0]["Action"] = json!("lambda:*");
                d
            }
            (Some(s), 3) => {
                let mut r = resources(&s.document);
                r.push(stale);
                invoke_doc(r)
            }
            (Some(_), _) if !fresh.policies.is_empty() => {
                let other = &fresh.policies[index % fresh.policies.len()];
                other.document.clone()
            }
            _ => invoke_doc(vec![stale]),
        };
        let name = if index == 1 {
            base.clone()
        } else {
            format!("{base}-{index}")
        };
        let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
        let attached = p.attached && o.role.is_some();
        let default = 1 + p.default_seed % p.versions;
        if attached {
            o.attached.push(ManagedPolicy {
                arn: arn.clone(),
                name: name.clone(),
                document: document.clone(),
            });
        }
        o.policies.push(ObservedPolicy {
            index,
            arn,
            name,
            default_version_id: format!("v{default}"),
            document,
            versions: versions(p.versions, default),
            tags: if p.owned {
                fresh.role.tags.clone()
            } else {
                BTreeMap::from([("owner".to_string(), "someone-else".to_string())])
            },
            attachment_count: i64::from(attached) + p.elsewhere,
        });
    }
    if o.role.is_some() {
        for i in 0..spec.foreign_attached {
            let arn = format!("arn:aws:iam::{ACCOUNT}:policy/Extra{i}");
            o.attached.insert(
                i.min(o.attached.len()),
                ManagedPolicy {
                    arn,
                    name: format!("Extra{i}"),
                    document: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
                },
            );
        }
        for i in 0..spec.inline {
            o.inline.push(InlinePolicy {
                name: format!("inline-{i}"),
                document: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]}),
            });
        }
    }
    o
}

/// Why the planner must refuse `o` without `--adopt`, if it must.
fn must_refuse(d: &Desired, o: &Observed) -> Option<&'static str> {
    if let Some(r) = &o.role {
        if !lambda_trust_config::is_ours(&r.tags) {
            return Some("foreign role");
        }
        if let (Some(live), Some(want)) =
            (r.tags.get(CONFIG_TAG_KEY), d.role.tags.get(CONFIG_TAG_KEY))
        {
            if live != want {
                return Some("another config");
            }
        }
    }
    let foreign_policy = d.policies.iter().any(|want| {
        o.policies
            .iter()
            .any(|live| live.arn == want.arn && !lambda_trust_config::is_ours(&live.tags))
    });
    foreign_policy.then_some("foreign policy")
}

fn verification(d: &Desired, o: &Observed) -> Verification {
    lambda_trust_provision::verification(d, o)
}

fn fail(msg: String) -> TestCaseError {
    TestCaseError::fail(msg)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn replanning_after_apply_changes_nothing(cs in config_spec(), spec in state_spec()) {
        let text = cs.toml();
        let c = parse(&text);
        let fresh = desired(&c, &empty(&c));
        // `observe` looks shards up by name up to this estimate (attached ones beyond it are
        // found through the role): it must cover every shard of a packing from scratch, or an
        // existing but detached shard would be missed and created again (EntityAlreadyExists).
        let probe = aws_query(&c, REGION).probe_shards;
        prop_assert!(probe >= fresh.policies.len(), "probe_shards {probe} < {} shards", fresh.policies.len());
        let o = observed(&c, &fresh, &spec);
        // What the pipeline plans against: shard assignments kept stable against `o`.
        let d = desired(&c, &o);

        let refuse = must_refuse(&d, &o);
        let p: Plan = match plan(&d, &o, PlanOptions { adopt: spec.adopt }) {
            Ok(p) => {
                prop_assert!(spec.adopt || refuse.is_none(), "planned over a {refuse:?} without --adopt");
                p
            }
            Err(e) => {
                prop_assert!(!spec.adopt, "refused with --adopt: {e}");
                let want = match e {
                    PlanError::ForeignRole { .. } => "foreign role",
                    PlanError::ConfigConflict { .. } => "another config",
                    PlanError::ForeignPolicy { .. } => "foreign policy",
                    other => return Err(fail(format!("unexpected refusal: {other}"))),
                };
                prop_assert_eq!(refuse, Some(want));
                plan(&d, &o, PlanOptions { adopt: true }).map_err(|e| fail(e.to_string()))?
            }
        };
        let after = observed_after(&o, &p).map_err(fail)?;

        // Re-reading and re-planning (without --adopt: it is ours now) finds nothing to do.
        let d2 = desired(&c, &after);
        prop_assert_eq!(&d2, &d, "the desired state moved after apply");
        let again = plan(&d2, &after, PlanOptions::default()).map_err(|e| fail(e.to_string()))?;
        prop_assert!(again.ops.is_empty(), "not converged; first plan {:#?}\nsecond plan {:#?}", p.ops, again.ops);
        prop_assert_eq!(observed_after(&after, &again).map_err(fail)?, after.clone());

        // And the result is proven.
        let v = verification(&d2, &after);
        let failed: Vec<_> = v.checks.iter().filter(|c| !c.passed).collect();
        prop_assert!(v.passed, "verification fails after apply: {failed:#?}");
    }

    #[test]
    fn destroy_converges_to_nothing(cs in config_spec(), spec in state_spec()) {
        let c = parse(&cs.toml());
        let fresh = desired(&c, &empty(&c));
        let o = observed(&c, &fresh, &spec);
        let (p, notes) = match plan_destroy(&o) {
            Ok(x) => x,
            Err(PlanError::RoleNotOursToDelete { .. }) => {
                prop_assert!(o.role.as_ref().is_some_and(|r| !lambda_trust_config::is_ours(&r.tags)));
                return Ok(());
            }
            Err(PlanError::PolicyNotOursToDelete { arn }) => {
                prop_assert!(o.policies.iter().any(|p| p.arn == arn && !lambda_trust_config::is_ours(&p.tags)));
                return Ok(());
            }
            Err(other) => return Err(fail(format!("destroy refuses only what is not ours: {other}"))),
        };
        let after = observed_after(&o, &p).map_err(fail)?;
        prop_assert!(after.role.is_none());
        prop_assert!(after.attached.is_empty() && after.inline.is_empty());
        // What is left is still used elsewhere, and each of those was noted.
        prop_assert_eq!(after.policies.len(), notes.len());
        for kept in &after.policies {
            prop_assert!(kept.attachment_count > 0);
        }
        let (again, _) = plan_destroy(&after).map_err(|e| fail(e.to_string()))?;
        prop_assert!(again.ops.is_empty(), "{:#?}", again.ops);
    }
}
