//! Differential test of `audit --plan` against deployment: each Terraform fixture's roles,
//! policies and attachments are created on moto through the IAM API from the plan's known
//! values (what apply would settle is filled in below, by hand, as Terraform would: the
//! generated external ID, the ARNs and IDs the references name), then the live `audit` runs
//! and must report the same roles with the same codes and external-ID sets. Where the plan
//! audit says a value is unknown the live audit may be more precise, never the other way round.

use crate::support;
use strum::IntoEnumIterator;

use std::collections::BTreeMap;
use std::path::Path;

use lambda_trust_model::PathCode;
use serde_json::Value;

const ACCOUNT: &str = "123456789012";

/// What apply settles for an attribute the plan leaves unknown.
enum Fill {
    /// A concrete value (a generated external ID's document).
    Value(String),
    /// The resource the attribute's reference names (its name for a role, its ARN for a policy).
    Ref(&'static str),
}

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/terraform")
        .join(name)
        .join("plan.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every resource of `planned_values`, child modules included.
fn resources(module: &Value, out: &mut Vec<Value>) {
    for r in module["resources"].as_array().into_iter().flatten() {
        out.push(r.clone());
    }
    for m in module["child_modules"].as_array().into_iter().flatten() {
        resources(m, out);
    }
}

struct Apply<'a> {
    moto: &'a support::MotoServer,
    fills: &'a [(&'static str, &'static str, Fill)],
    /// Address → role name or policy ARN.
    made: BTreeMap<String, String>,
}

impl Apply<'_> {
    fn value(&self, r: &Value, key: &str) -> Option<String> {
        let address = r["address"].as_str().unwrap();
        if let Some(s) = r["values"][key].as_str() {
            return Some(s.to_owned());
        }
        self.fills
            .iter()
            .find(|(a, k, _)| *a == address && *k == key)
            .map(|(_, _, f)| match f {
                Fill::Value(v) => v.clone(),
                Fill::Ref(to) => self.made[*to].clone(),
            })
    }

    fn iam(&self, action: &str, params: &[(&str, &str)]) -> String {
        self.moto.iam_query(action, params)
    }

    fn run(&mut self, plan: &Value) {
        let mut all = Vec::new();
        resources(&plan["planned_values"]["root_module"], &mut all);
        let of = |t: &'static str| all.iter().filter(move |r| r["type"] == t);
        for p in of("aws_iam_policy") {
            let name = p["values"]["name"].as_str().map_or_else(
                || format!("{}1", p["values"]["name_prefix"].as_str().unwrap()),
                str::to_owned,
            );
            let policy = self.value(p, "policy").unwrap();
            let xml = self.iam(
                "CreatePolicy",
                &[("PolicyName", &name), ("PolicyDocument", &policy)],
            );
            let arn = support::http::xml_first(&xml, "Arn").unwrap();
            self.made.insert(p["address"].as_str().unwrap().into(), arn);
        }
        for r in of("aws_iam_role") {
            let name = r["values"]["name"].as_str().unwrap().to_owned();
            let trust = self.value(r, "assume_role_policy").unwrap();
            self.iam(
                "CreateRole",
                &[("RoleName", &name), ("AssumeRolePolicyDocument", &trust)],
            );
            for b in r["values"]["inline_policy"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let (n, d) = (b["name"].as_str().unwrap(), b["policy"].as_str().unwrap());
                self.iam(
                    "PutRolePolicy",
                    &[
                        ("RoleName", &name),
                        ("PolicyName", n),
                        ("PolicyDocument", d),
                    ],
                );
            }
            for arn in r["values"]["managed_policy_arns"]
                .as_array()
                .into_iter()
                .flatten()
            {
                self.iam(
                    "AttachRolePolicy",
                    &[("RoleName", &name), ("PolicyArn", arn.as_str().unwrap())],
                );
            }
            self.made
                .insert(r["address"].as_str().unwrap().into(), name);
        }
        for p in of("aws_iam_role_policy") {
            let (role, doc) = (
                self.value(p, "role").unwrap(),
                self.value(p, "policy").unwrap(),
            );
            let name = p["values"]["name"].as_str().unwrap();
            self.iam(
                "PutRolePolicy",
                &[
                    ("RoleName", &role),
                    ("PolicyName", name),
                    ("PolicyDocument", &doc),
                ],
            );
        }
        for a in of("aws_iam_role_policy_attachment") {
            let (role, arn) = (
                self.value(a, "role").unwrap(),
                self.value(a, "policy_arn").unwrap(),
            );
            self.iam(
                "AttachRolePolicy",
                &[("RoleName", &role), ("PolicyArn", &arn)],
            );
        }
        for a in of("aws_iam_policy_attachment") {
            let arn = self.value(a, "policy_arn").unwrap();
            for role in a["values"]["roles"].as_array().unwrap() {
                self.iam(
                    "AttachRolePolicy",
                    &[("RoleName", role.as_str().unwrap()), ("PolicyArn", &arn)],
                );
            }
        }
    }
}

/// Role → (codes, external-ID kind, values, invokable, whether the plan held unknowns for it).
fn roles(report: &Value) -> BTreeMap<String, (Vec<String>, Value, Value, bool)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    report["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let findings = r["findings"].as_array().unwrap();
            // The whole path's codes depend on what each side reads (the plan's Lambda
            // permissions, the account's functions and organization): live_audit_path.rs,
            // iac_permissions.rs.
            let codes = (findings.iter().map(|f| text(&f["code"])))
                .filter(|c| !PathCode::iter().any(|p| p.to_string() == *c))
                .collect();
            let unknown = findings.iter().any(|f| {
                let m = text(&f["message"]);
                m.contains("unknown before deployment")
            });
            (
                text(&r["role"]),
                (
                    codes,
                    r["external_ids"].clone(),
                    r["invokable"].clone(),
                    unknown,
                ),
            )
        })
        .collect()
}

fn differential(name: &str, fills: &[(&'static str, &'static str, Fill)]) {
    let moto = support::MotoServer::start_with_env(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")]);
    let plan = fixture(name);
    Apply {
        moto: &moto,
        fills,
        made: BTreeMap::new(),
    }
    .run(&plan);

    let file = format!(
        "{}/tests/fixtures/terraform/{name}/plan.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let partner = ["--partner", "genesys-cloud", "--format", "json"];
    let offline = support::lambda_trust(
        "http://127.0.0.1:9",
        &[
            &["audit", "--plan", &file, "--account-id", ACCOUNT][..],
            &partner,
        ]
        .concat(),
        &[],
    );
    let live = support::lambda_trust(&moto.url(), &[&["audit"][..], &partner].concat(), &[]);
    let (planned, deployed) = (roles(&offline.json()), roles(&live.json()));
    // Exit 2 for the plan and 0 once deployed only when the plan held unknown values.
    let weaker = planned.values().any(|r| r.3) && offline.code == Some(2);
    assert!(
        offline.code == live.code || weaker,
        "{name}: exit codes\nplan: {offline}\nlive: {live}"
    );
    assert_eq!(
        planned.keys().collect::<Vec<_>>(),
        deployed.keys().collect::<Vec<_>>(),
        "{name}: the same roles"
    );
    for (role, (codes, ids, invokable, unknown)) in &planned {
        let (live_codes, live_ids, live_invokable, _) = &deployed[role];
        if !unknown {
            assert_eq!(
                (codes, ids, invokable),
                (live_codes, live_ids, live_invokable),
                "{name}: {role}"
            );
            continue;
        }
        // The plan's claim is the weaker one: every live finding is in it, and its
        // external IDs are `any` or the live ones.
        for c in live_codes {
            assert!(
                codes.contains(c),
                "{name}: {role}: live {c} not in the plan's {codes:?}"
            );
        }
        assert!(
            ids["kind"] == "any" || ids == live_ids,
            "{name}: {role}: {ids} vs {live_ids}"
        );
    }
}

#[test]
fn module_tree_agrees_with_its_deployment() {
    differential(
        "module-tree",
        &[(
            "module.cx.aws_iam_role_policy_attachment.invoke",
            "policy_arn",
            Fill::Ref("module.cx.module.policies.aws_iam_policy.invoke"),
        )],
    );
}

#[test]
fn a_generated_external_id_is_unknown_in_the_plan_and_fixed_once_deployed() {
    let trust = r#"{"Statement":[{"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"3b241101-e2bb-4255-8caf-4136c566a962"}},"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"}}],"Version":"2012-10-17"}"#;
    differential(
        "unknown-external-id",
        &[
            (
                "aws_iam_role.genesys",
                "assume_role_policy",
                Fill::Value(trust.into()),
            ),
            (
                "aws_iam_role_policy.invoke",
                "role",
                Fill::Ref("aws_iam_role.genesys"),
            ),
        ],
    );
}

#[test]
fn findings_agree_with_their_deployment() {
    differential(
        "findings",
        &[(
            "aws_iam_policy_attachment.lambda_all",
            "policy_arn",
            Fill::Ref("aws_iam_policy.lambda_all"),
        )],
    );
}
