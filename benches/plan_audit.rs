//! `just bench-plan`: `audit --plan` on a generated Terraform plan of 1,000 roles — the time to
//! read the plan JSON into the model (`lambda_trust_audit::read_plan`), audit it as the command does
//! (`app::prove_roles::prove_roles`: the prover on every role, split across the cores by the
//! executor; then `lambda_trust_audit::audit_iac_proved`) and render the JSON report, in process, as the
//! command does after reading the file.
//!
//! The plan (`BENCH_PLAN_ROLES` roles, default 1,000, written to `target/bench/plan.json`) has
//! one module per 50 roles (`module.team_K`), every role assumable by Genesys Cloud, cycling
//! through four patterns: locked with an invoke policy attached by reference (its ARN unknown
//! until apply), locked with an inline invoke policy, an external ID generated at apply
//! (`random_uuid`), a second partner account with `lambda:*`. Runs `BENCH_PLAN_REPS` times
//! (default 7) after one warm-up and prints the median and the worst as markdown on stdout.

use std::collections::BTreeMap;
use std::time::Instant;

use std::sync::Arc;

use lambda_trust::audit_iac_json;
use lambda_trust::prove_roles;
use lambda_trust_audit::{account_report, audit_iac_proved, read_plan, AuditOptions, PlanInput};
use serde_json::{json, Value};

const GENESYS: &str = "arn:aws:iam::765628985471:root";
const ORG: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn trust(principals: Value, ext: &str) -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": principals}, "Condition": {"StringEquals": {"sts:ExternalId": ext}}}]})
    .to_string()
}

fn invoke(action: &str, i: usize) -> String {
    let f = format!("arn:aws:lambda:eu-west-1:111122223333:function:f-{i}");
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": f}]})
        .to_string()
}

fn resource(module: &str, kind: &str, name: &str, values: Value) -> Value {
    json!({"address": format!("{module}.{kind}.{name}"), "mode": "managed", "type": kind,
        "name": name, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
        "values": values, "sensitive_values": {}})
}

fn change(r: &Value, unknown: Value) -> Value {
    json!({"address": r["address"], "mode": "managed", "type": r["type"], "name": r["name"],
        "change": {"actions": ["create"], "before": null, "after": r["values"], "after_unknown": unknown}})
}

fn cfg(kind: &str, name: &str, expressions: Value) -> Value {
    json!({"address": format!("{kind}.{name}"), "mode": "managed", "type": kind, "name": name, "expressions": expressions})
}

/// The `i`-th role of its module: resources, changes and configuration (see the header).
fn role(module: &str, i: usize, out: &mut (Vec<Value>, Vec<Value>, Vec<Value>)) {
    let (name, r) = (format!("genesys-{i}"), format!("r{i}"));
    let role_unknown = json!({"arn": true, "id": true, "unique_id": true, "inline_policy": true, "managed_policy_arns": true});
    let mut values = json!({"name": name, "path": "/", "tags": {"team": module}});
    let mut unknown = role_unknown.clone();
    let mut expr = json!({"name": {"constant_value": name}});
    match i % 4 {
        2 => {
            unknown["assume_role_policy"] = json!(true);
            expr["assume_role_policy"] =
                json!({"references": ["random_uuid.ext.result", "random_uuid.ext"]});
        }
        3 => {
            values["assume_role_policy"] = json!(trust(
                json!([GENESYS, "arn:aws:iam::444455556666:root"]),
                ORG
            ))
        }
        _ => values["assume_role_policy"] = json!(trust(json!(GENESYS), ORG)),
    }
    if i % 4 == 1 {
        values["inline_policy"] =
            json!([{"name": "invoke", "policy": invoke("lambda:InvokeFunction", i)}]);
        expr["inline_policy"] = json!([{"name": {"constant_value": "invoke"}}]);
        unknown["inline_policy"] = json!([{}]);
    }
    let role = resource(module, "aws_iam_role", &r, values);
    out.1.push(change(&role, unknown));
    out.0.push(role);
    out.2.push(cfg("aws_iam_role", &r, expr));
    if i % 4 != 1 {
        let action = if i % 4 == 3 {
            "lambda:*"
        } else {
            "lambda:InvokeFunction"
        };
        let p = resource(
            module,
            "aws_iam_policy",
            &r,
            json!({"name_prefix": "invoke-", "path": "/", "policy": invoke(action, i)}),
        );
        out.1
            .push(change(&p, json!({"arn": true, "id": true, "name": true})));
        out.0.push(p);
        out.2.push(cfg("aws_iam_policy", &r, json!({})));
        let a = resource(
            module,
            "aws_iam_role_policy_attachment",
            &r,
            json!({"role": name}),
        );
        out.1
            .push(change(&a, json!({"id": true, "policy_arn": true})));
        out.0.push(a);
        out.2.push(cfg("aws_iam_role_policy_attachment", &r, json!({
            "role": {"references": [format!("aws_iam_role.{r}.name"), format!("aws_iam_role.{r}")]},
            "policy_arn": {"references": [format!("aws_iam_policy.{r}.arn"), format!("aws_iam_policy.{r}")]}})));
    }
}

fn plan(roles: usize) -> String {
    let (mut modules, mut changes, mut calls) = (Vec::new(), Vec::new(), serde_json::Map::new());
    for m in 0..roles.div_ceil(50) {
        let module = format!("module.team_{m}");
        let mut out = (Vec::new(), Vec::new(), Vec::new());
        let ext = resource(&module, "random_uuid", "ext", json!({}));
        out.1
            .push(change(&ext, json!({"id": true, "result": true})));
        out.2.push(cfg("random_uuid", "ext", json!({})));
        for i in (m * 50)..((m + 1) * 50).min(roles) {
            role(&module, i, &mut out);
        }
        modules.push(json!({"address": module, "resources": out.0}));
        changes.extend(out.1);
        calls.insert(
            format!("team_{m}"),
            json!({"source": "./modules/team", "module": {"resources": out.2}}),
        );
    }
    json!({"format_version": "1.2", "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"child_modules": modules}},
        "resource_changes": changes,
        "configuration": {"root_module": {"module_calls": calls}}})
    .to_string()
}

fn main() {
    let (roles, reps) = (knob("BENCH_PLAN_ROLES", 1000), knob("BENCH_PLAN_REPS", 7));
    let text = plan(roles);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    std::fs::write(dir.join("plan.json"), &text).expect("write the plan");
    let input = PlanInput {
        file: "plan.json".into(),
        text,
        sources: BTreeMap::new(),
        source_dir: String::new(),
        account_id: Some("111122223333".into()),
        region: None,
    };
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        region: Some("eu-west-1".into()),
        ..AuditOptions::default()
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let once = || {
        let start = Instant::now();
        let model = read_plan(&input).expect("the generated plan reads");
        let read = start.elapsed();
        let iam = Arc::new(model.iam.clone());
        let roles = (runtime.block_on(prove_roles(&iam, &opts))).expect("the prover ran");
        let proved = account_report(&model.iam, &opts, roles, 0);
        let report = audit_iac_proved(&model, &opts, &input.file, None, proved);
        let json = audit_iac_json(&report);
        (start.elapsed(), read, report.report.roles.len(), json.len())
    };
    let (_, _, reported, size) = once();
    let mut runs: Vec<_> = (0..reps).map(|_| once()).collect();
    runs.sort_by_key(|r| r.0);
    let ms = |d: std::time::Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let median = runs[runs.len() / 2];
    let worst = runs[runs.len() - 1];
    println!("| roles in the plan | reported | plan JSON | runs | median (read + audit + JSON) | of which read | worst |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {roles} | {reported} | {:.1} MB | {reps} | {} | {} | {} |",
        input.text.len() as f64 / 1e6,
        ms(median.0),
        ms(median.1),
        ms(worst.0)
    );
    eprintln!("report JSON: {size} bytes");
}
