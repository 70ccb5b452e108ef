//! `export terraform` and `export cloudformation` (docs/export.md) on a setup applied to moto
//! and the local Genesys Cloud: two targets in the role's account (one action's template full
//! of `${…}`), a qualified one in a second account (`[aws.accounts]`), a permissions boundary.
//! The exported Terraform is read back with python-hcl2 (a parser that is not ours): every
//! managed object has exactly one import block whose ID is the live one; CloudFormation's
//! templates pass cfn-lint and audit as the live role does.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::live_genesys::{genesys_section, setup_g, G};
use crate::support::live::{config, json_of, ACCOUNT};

const WORKLOAD: &str = "222222222222";
const ROLE: &str = "GenesysLambdaInvoker";

/// The setup, applied: returns it and the workload function's ARN.
fn applied() -> (G, String) {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    let workload = g.env.moto.client().with_account(WORKLOAD);
    let arn = workload.lambda_create_function("billing", "us-east-1");
    let version = workload.publish_version(&arn);
    workload.create_alias(&arn, "live", &version);
    let boundary = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": "*"}]});
    let xml = g.env.moto.iam_query(
        "CreatePolicy",
        &[
            ("PolicyName", "cx-boundary"),
            ("PolicyDocument", &boundary.to_string()),
        ],
    );
    assert!(xml.contains("cx-boundary"), "{xml}");
    let mut text = config(
        &["lookup-customer", "lookup-order"],
        &format!("permissions_boundary = \"arn:aws:iam::{ACCOUNT}:policy/cx-boundary\"\n"),
    );
    text.push_str(&format!(
        "\n[[targets]]\nfunction = \"{arn}\"\nqualifier = \"live\"\n\n[aws.accounts.\"{WORKLOAD}\"]\nrole_arn = \"arn:aws:iam::{WORKLOAD}:role/lt-deployer\"\n"
    ));
    text = text.replace(
        "[[targets]]\nfunction = \"lookup-order\"\n",
        "[[targets]]\nfunction = \"lookup-order\"\n[targets.action]\nrequest_template = '{\"id\": \"${input.orderId}\", \"raw\": \"$${x}\"}'\n",
    );
    // A secure action (its contract required), and one that chooses its function at run time.
    std::fs::write(
        g.env.dir.path().join("customer.out.json"),
        r#"{"type":"object","properties":{"name":{"type":"string"}}}"#,
    )
    .unwrap();
    text = text.replace(
        "[[targets]]\nfunction = \"lookup-customer\"\n",
        "[[targets]]\nfunction = \"lookup-customer\"\n[targets.action]\nsecure = true\ninput_schema = \"order.in.json\"\noutput_schema = \"customer.out.json\"\n",
    );
    text.push_str(genesys_section());
    text.push_str(
        "\n[[genesys.actions]]\nname = \"Any lookup\"\nrequest_url_template = \"${input.functionArn}\"\n",
    );
    g.env.write_config(&text);
    g.expect(&["apply", "--yes"], 0);
    (g, arn)
}

/// `export FORMAT --out DIR --format json` of the live setup: the directory and the result.
fn export_live(g: &G, format: &str, dir: &str) -> (std::path::PathBuf, Value) {
    let out = g.env.dir.path().join(dir);
    let args = [
        "export",
        format,
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ];
    let v = json_of(&g.expect(&args, 0));
    (out, v)
}

/// python-hcl2's reading of the directory (tests/it/support/tf_blocks.py), once each of its
/// files is as `terraform fmt` leaves it (`support::hcl_fmt`).
fn tf_blocks(dir: &Path) -> Value {
    for file in std::fs::read_dir(dir).unwrap() {
        let path = file.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str());
        if matches!(ext, Some("tf" | "tfvars")) {
            let text = std::fs::read_to_string(&path).unwrap();
            let problems = crate::support::hcl_fmt::fmt_problems(&text);
            assert!(
                problems.is_empty(),
                "{}: {problems:#?}\n{text}",
                path.display()
            );
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/tf_blocks.py");
    let out = std::process::Command::new(crate::support::genesys::python())
        .arg(&script)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The live IDs each Terraform address must import.
fn live_ids(g: &G, function: &str) -> BTreeMap<String, String> {
    let policy = format!("arn:aws:iam::{ACCOUNT}:policy/{ROLE}-invoke");
    let policy_xml = g.env.moto.iam_query("ListPolicies", &[("Scope", "Local")]);
    assert!(policy_xml.contains(&policy), "{policy_xml}");
    let state = g.fake.state();
    let only = |kind: &str| {
        state[kind]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone()
    };
    let statements = g
        .env
        .moto
        .client()
        .with_account(WORKLOAD)
        .get_policy(function, Some("live"));
    let policy_doc: Value =
        serde_json::from_str(statements.json()["Policy"].as_str().unwrap()).unwrap();
    let sid = (policy_doc["Statement"].as_array().unwrap().iter())
        .find_map(|s| s["Sid"].as_str().filter(|s| s.starts_with("lambda-trust-")))
        .unwrap()
        .to_string();
    let mut ids = BTreeMap::from([
        ("aws_iam_role.role".to_string(), ROLE.to_string()),
        // The code owns the role's inline policies and attachments: imported by the role's name.
        (
            "aws_iam_role_policies_exclusive.role".to_string(),
            ROLE.to_string(),
        ),
        (
            "aws_iam_role_policy_attachments_exclusive.role".to_string(),
            ROLE.to_string(),
        ),
        (
            "aws_iam_policy.genesyslambdainvoker-invoke".to_string(),
            policy.clone(),
        ),
        (
            "aws_iam_role_policy_attachment.genesyslambdainvoker-invoke".to_string(),
            format!("{ROLE}/{policy}"),
        ),
        (
            "aws_lambda_permission.billing_live".to_string(),
            format!("{function}:live/{sid}"),
        ),
        (
            "genesyscloud_integration.lambda".to_string(),
            only("integrations"),
        ),
        (
            "genesyscloud_integration_credential.role".to_string(),
            only("credentials"),
        ),
    ]);
    for a in state["actions"].as_object().unwrap().values() {
        let label = a["name"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .replace([' ', '(', ')', ':'], "_");
        ids.insert(
            format!("genesyscloud_integration_action.{label}"),
            a["id"].as_str().unwrap().to_string(),
        );
    }
    ids
}

#[test]
fn terraform_imports_every_live_object_once_with_its_id() {
    let (g, function) = applied();
    let (out, v) = export_live(&g, "terraform", "tf");
    assert_eq!(v["format"], "terraform");
    let blocks = tf_blocks(&out);
    let resources: Vec<&String> = blocks["resources"].as_object().unwrap().keys().collect();
    let mut imported: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in blocks["imports"].as_array().unwrap() {
        let to = i["to"].as_str().unwrap().to_string();
        imported
            .entry(to)
            .or_default()
            .push(i["id"].as_str().unwrap().to_string());
    }
    let expected = live_ids(&g, &function);
    let addresses: Vec<&String> = expected.keys().collect();
    let mut sorted: Vec<&String> = resources.clone();
    sorted.sort();
    assert_eq!(sorted, addresses, "{blocks}");
    for (address, id) in &expected {
        assert_eq!(
            imported.get(address),
            Some(&vec![id.clone()]),
            "{address}: {blocks}"
        );
    }
    assert_eq!(v["objects"], expected.len(), "{v}");
    assert_eq!(v["imports"], expected.len(), "{v}");

    // The role as it is live; what differs per environment as variables with their values.
    let role = &blocks["resources"]["aws_iam_role.role"];
    assert_eq!(
        role["permissions_boundary"],
        format!("arn:aws:iam::{ACCOUNT}:policy/cx-boundary")
    );
    assert!(
        role["assume_role_policy"]
            .as_str()
            .unwrap()
            .contains("var.org_id"),
        "{role}"
    );
    assert_eq!(role["tags"]["managed-by"], "lambda-trust", "{role}");
    assert_eq!(blocks["tfvars"]["account_id"], ACCOUNT);
    assert_eq!(blocks["tfvars"]["org_id"], crate::support::live::EXT);
    // A template's `${…}` stays literal (`$${…}`).
    let order = &blocks["resources"]["genesyscloud_integration_action.lookup-order"];
    let template = order["config_request"][0]["request_template"]
        .as_str()
        .unwrap();
    assert!(
        template.contains("$${input.orderId}") && template.contains("$$${x}"),
        "{template}"
    );
    let customer = &blocks["resources"]["genesyscloud_integration_action.lookup-customer"];
    assert_eq!(customer["secure"], true, "{customer}");
    assert!(
        customer["contract_output"]
            .as_str()
            .unwrap()
            .contains("\"name\""),
        "{customer}"
    );
    let any = &blocks["resources"]["genesyscloud_integration_action.any_lookup"];
    assert_eq!(
        any["config_request"][0]["request_url_template"], "$${input.functionArn}",
        "{any}"
    );
    // Never a secret's value.
    for f in std::fs::read_dir(&out).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(!text.contains(g.fake.client_secret()), "{text}");
        assert!(text.starts_with("# exported by lambda-trust "), "{text}");
    }

    // From the config alone: the same objects, no import, no call.
    let text = std::fs::read_to_string(g.env.config_path()).unwrap();
    let with_account = g.env.dir.path().join("with-account.toml");
    let text = text.replace("[aws]\n", &format!("[aws]\naccount_id = \"{ACCOUNT}\"\n"));
    std::fs::write(&with_account, text).unwrap();
    let from_config = g.env.dir.path().join("tf-config");
    g.env.proxy.clear();
    g.fake.reset_calls();
    let out_dir = from_config.to_str().unwrap();
    let args = [
        "export",
        "terraform",
        "--from-config",
        "--out",
        out_dir,
        "--format",
        "json",
    ];
    let r = g.run_config(&with_account, &args);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let calls = (g.env.proxy.calls().len(), g.fake.calls().len());
    assert_eq!(calls, (0, 0), "no call");
    let v = json_of(&r);
    assert_eq!(v["imports"], 0, "{v}");
    let offline = tf_blocks(&from_config);
    let mut offline_resources: Vec<&String> =
        offline["resources"].as_object().unwrap().keys().collect();
    offline_resources.sort();
    assert_eq!(offline_resources, sorted, "{offline}");
    assert!(
        offline["imports"].as_array().unwrap().is_empty(),
        "{offline}"
    );
}

/// No cap on the actions (CX as Code's exporter stops at 250): 260 targets, each its action.
#[test]
fn two_hundred_and_sixty_actions_are_exported() {
    let env = crate::support::live::Env::new();
    let names: Vec<String> = (0..260).map(|i| format!("fn-{i:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let account = format!("[aws]\naccount_id = \"{ACCOUNT}\"\n");
    let mut text = config(&refs, "").replace("[aws]\n", &account);
    text.push_str(genesys_section());
    env.write_config(&text);
    let out = env.dir.path().join("tf");
    let out_dir = out.to_str().unwrap();
    let r = env.run(&[
        "export",
        "terraform",
        "--from-config",
        "--out",
        out_dir,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let blocks = tf_blocks(&out);
    let actions = (blocks["resources"].as_object().unwrap().keys())
        .filter(|k| k.starts_with("genesyscloud_integration_action."))
        .count();
    assert_eq!(actions, 260);
}

#[test]
fn cloudformation_templates_lint_and_audit_as_the_live_role() {
    let (g, _) = applied();
    let (out, v) = export_live(&g, "cloudformation", "cfn");
    let names: Vec<String> = (v["files"].as_array().unwrap().iter())
        .map(|f| {
            Path::new(f.as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "lambda-trust.template.json",
            "lambda-trust.import.json",
            &format!("lambda-trust-{WORKLOAD}.template.json"),
            &format!("lambda-trust-{WORKLOAD}.import.json")
        ],
    );
    assert!(
        v["not_exported"][0]
            .as_str()
            .unwrap()
            .contains("Genesys Cloud"),
        "{v}"
    );
    let lint = std::process::Command::new(
        crate::support::genesys::python()
            .parent()
            .unwrap()
            .join("cfn-lint"),
    )
    .args([
        out.join("lambda-trust.template.json"),
        out.join(format!("lambda-trust-{WORKLOAD}.template.json")),
    ])
    .output()
    .unwrap();
    assert!(
        lint.status.success(),
        "cfn-lint:\n{}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
    let imports: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("lambda-trust.import.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(imports[0]["ResourceIdentifier"]["RoleName"], ROLE);

    // The template audits as the live role does: the same findings, but for the function in
    // the other account, whose statement is in that account's template (an audit reads one
    // template, and takes a function no permission of it names as having none).
    let template = out.join("lambda-trust.template.json");
    let args = [
        "audit",
        "--template",
        template.to_str().unwrap(),
        "--account-id",
        ACCOUNT,
        "--format",
        "json",
    ];
    let of_template = json_of(&g.run(&args));
    let live = json_of(&g.run(&["audit", "--format", "json"]));
    let role_findings = |report: &Value| -> Vec<(String, String)> {
        (report["roles"].as_array().unwrap().iter())
            .filter(|r| r["role"] == ROLE)
            .flat_map(|r| r["findings"].as_array().unwrap().iter())
            .filter(|f| !f["message"].as_str().unwrap().contains(WORKLOAD))
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["outcome"].to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        role_findings(&of_template),
        role_findings(&live),
        "template:\n{of_template}\nlive:\n{live}"
    );
}

/// CloudFormation creates the stack's resources from the exported templates (`--from-config`:
/// nothing of it existed before); with `managed_by = "cloudformation"`, `check` of the config
/// reports in sync though the policies carry no ownership tag and CloudFormation picked the
/// statement's ID, `apply` writes the Genesys Cloud half and nothing in AWS, and a change made
/// outside is a finding whose fix is the stack's — never `apply`, which still writes nothing.
#[test]
fn cloudformation_deployed_stack_checks_in_sync_and_is_never_written() {
    let g = setup_g(&["lookup-customer", "lookup-order"]);
    let workload = g.env.moto.client().with_account(WORKLOAD);
    let billing = workload.lambda_create_function("billing", "us-east-1");
    let mut text = config(&["lookup-customer", "lookup-order"], "")
        .replace("[aws]\n", &format!("[aws]\naccount_id = \"{ACCOUNT}\"\n"));
    text.push_str(&format!(
        "\n[[targets]]\nfunction = \"{billing}\"\n\n[aws.accounts.\"{WORKLOAD}\"]\nrole_arn = \"arn:aws:iam::{WORKLOAD}:role/lt-deployer\"\n"
    ));
    text.push_str(genesys_section());
    g.env.write_config(&text);
    let out = g.env.dir.path().join("cfn");
    let out_dir = out.to_str().unwrap();
    g.expect(
        &[
            "export",
            "cloudformation",
            "--from-config",
            "--out",
            out_dir,
        ],
        0,
    );
    let stack = |account: &str, file: &str| {
        let body = std::fs::read_to_string(out.join(file)).unwrap();
        let r = g.env.moto.client().with_account(account).query(
            "cloudformation",
            "2010-05-15",
            "CreateStack",
            &[("StackName", "genesys-lambda"), ("TemplateBody", &body)],
        );
        assert!((200..300).contains(&r.status), "{file}: {}", r.text());
    };
    stack(ACCOUNT, "lambda-trust.template.json");
    stack(WORKLOAD, &format!("lambda-trust-{WORKLOAD}.template.json"));

    // Handed over: in sync, and the Genesys Cloud half (not CloudFormation's) is written.
    g.env
        .write_config(&format!("managed_by = \"cloudformation\"\n{text}"));
    g.env.proxy.clear();
    let r = g.expect(&["apply", "--yes"], 0);
    assert_eq!(g.env.proxy.count_writes(), 0, "{}", r.stderr);
    assert!(
        g.fake.writes() > 0,
        "the integration, credential and actions"
    );
    let r = g.expect(&["check", "--format", "json"], 0);
    assert_eq!(json_of(&r)["configs"][0]["status"], "ok", "{}", r.stdout);
    g.expect(&["verify"], 0);
    g.fake.reset_calls();
    g.env.proxy.clear();
    g.expect(&["apply", "--yes"], 0);
    assert_eq!((g.env.proxy.count_writes(), g.fake.writes()), (0, 0));

    // A change made outside CloudFormation: the stack's to repair, and apply writes nothing.
    let broader = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": "*"}]});
    let policy = format!("arn:aws:iam::{ACCOUNT}:policy/{ROLE}-invoke");
    g.env.moto.iam_query(
        "CreatePolicyVersion",
        &[
            ("PolicyArn", &policy),
            ("PolicyDocument", &broader.to_string()),
            ("SetAsDefault", "true"),
        ],
    );
    let r = g.expect(&["check", "--format", "json"], 2);
    let findings = crate::support::live::check_findings(&json_of(&r));
    let broader = (findings.iter())
        .find(|f| f["code"] == "invoke-broader")
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert_eq!(broader["remedy"]["by"], "outside", "{broader}");
    let step = broader["remedy"]["step"].as_str().unwrap();
    assert!(step.contains("update the stack"), "{step}");
    g.env.proxy.clear();
    let r = g.expect(&["apply", "--yes"], 2);
    assert_eq!(g.env.proxy.count_writes(), 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("CloudFormation manages it"),
        "{}",
        r.stderr
    );
    // plan says what the stack must change, never "in sync".
    let r = g.expect(&["plan"], 2);
    assert!(
        r.stdout.contains("left to CloudFormation") && !r.stdout.contains("AWS matches"),
        "{}",
        r.stdout
    );
    let plan = json_of(&g.expect(&["plan", "--format", "json"], 2));
    assert_eq!(plan["in_sync"], false, "{plan}");
    assert_eq!(plan["handed_over"][0]["tool"], "CloudFormation", "{plan}");
    assert_eq!(plan["handed_over"][0]["side"], "aws", "{plan}");
    let schema = &crate::json_schemas::validators()["plan.schema.json"];
    assert!(schema.is_valid(&plan), "{plan}");

    // Handed to Terraform, both halves are: destroy deletes nothing on either side.
    g.env
        .write_config(&format!("managed_by = \"terraform\"\n{text}"));
    g.fake.reset_calls();
    g.env.proxy.clear();
    let r = g.expect(&["destroy", "--yes"], 2);
    assert_eq!((g.env.proxy.count_writes(), g.fake.writes()), (0, 0));
    assert!(r.stderr.contains("terraform apply"), "{}", r.stderr);
    // An inline policy added by hand: the exported code already owns the role's policies
    // (aws_iam_role_policies_exclusive), so the fix is Terraform's apply, not a code change.
    let inline = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    g.env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", ROLE),
            ("PolicyName", "by-hand"),
            ("PolicyDocument", inline),
        ],
    );
    let v = json_of(&g.expect(&["check", "--format", "json"], 2));
    let hand = (crate::support::live::check_findings(&v).iter())
        .find(|f| f["code"] == "foreign-inline-policy")
        .cloned()
        .unwrap_or_else(|| panic!("{v:#}"));
    let step = hand["remedy"]["step"].as_str().unwrap_or_default();
    assert!(
        step.starts_with("run `terraform apply`") && !step.contains("change the Terraform code"),
        "{hand:#}"
    );
    g.env.iam(
        "DeleteRolePolicy",
        &[("RoleName", ROLE), ("PolicyName", "by-hand")],
    );
    // The trust policy edited by hand: the code still holds the config's, so `terraform apply`
    // puts it back — said as such, and the difference titled for it, never for `apply`.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"99999999-9999-4999-8999-999999999999"}}}]}"#;
    g.env.iam(
        "UpdateAssumeRolePolicy",
        &[("RoleName", ROLE), ("PolicyDocument", trust)],
    );
    let v = json_of(&g.expect(&["check", "--format", "json"], 2));
    let edited = (crate::support::live::check_findings(&v).iter())
        .find(|f| f["code"] == "trust-broader" || f["code"] == "trust-differs")
        .cloned()
        .unwrap_or_else(|| panic!("{v:#}"));
    let step = edited["remedy"]["step"].as_str().unwrap_or_default();
    assert!(
        step.starts_with("run `terraform apply`") && !step.starts_with("change the Terraform code"),
        "{edited:#}"
    );
    let human = g.expect(&["check"], 2).stdout;
    assert!(
        human.contains("what `terraform apply` puts back"),
        "{human}"
    );
    assert!(!human.contains("what apply writes"), "{human}");

    // Without the hand-over, the same stack reads as lambda-trust's objects gone astray.
    g.env.write_config(&text);
    let r = g.expect(&["check", "--format", "json"], 2);
    let codes: Vec<Value> = (crate::support::live::check_findings(&json_of(&r)).iter())
        .map(|f| f["code"].clone())
        .collect();
    assert!(
        codes.contains(&"policy-ownership-lost".into())
            && codes.contains(&"function-permission-missing".into()),
        "{codes:?}"
    );
}

/// The templates exported from the config are what the config wants: `check --template` of
/// them is in sync, with no call (a qualified target in another account included).
#[test]
fn exported_template_checks_in_sync_against_its_config() {
    let env = crate::support::live::Env::new();
    let account = format!("[aws]\naccount_id = \"{ACCOUNT}\"\n");
    let mut text = config(&["lookup-order"], "").replace("[aws]\n", &account);
    text.push_str(&format!(
        "\n[[targets]]\nfunction = \"arn:aws:lambda:us-east-1:{WORKLOAD}:function:billing\"\nqualifier = \"live\"\n"
    ));
    env.write_config(&text);
    let out = env.dir.path().join("cfn");
    let out_dir = out.to_str().unwrap();
    let args = [
        "export",
        "cloudformation",
        "--from-config",
        "--out",
        out_dir,
    ];
    assert_eq!(env.run(&args).code, 0);
    let template = out.join("lambda-trust.template.json");
    env.proxy.clear();
    let r = env.run(&["check", "--template", template.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("in sync"), "{}", r.stdout);
    assert_eq!(env.proxy.calls().len(), 0, "no call");
}
