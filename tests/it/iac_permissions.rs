//! `audit --template` and `audit --plan` read the Lambda permissions the code declares
//! (`AWS::Lambda::Permission`, `aws_lambda_permission`) into the functions' policies and judge
//! each role's whole path with them, before anything is deployed (issue 34, item 5): a
//! permission open to `*` is `function-policy-open`, one naming Genesys Cloud's account is
//! `partner-bypasses-role` (on the role's target, and in the account-wide `path.functions`
//! even when no role grants it), a service scoped by its source is clean; a permission whose
//! function is unknown before deployment leaves every target not read (never clean);
//! `--org-policies DIR` decides the organization's part (an RCP without Genesys Cloud's
//! account: `org-policy-blocks`); a bad file there is refused naming it, nothing written.

use std::path::Path;

use serde_json::{json, Value};

use crate::support;

const GENESYS: &str = "765628985471";
const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";

fn function(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
}

fn trust() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{GENESYS}:root")},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXT}}}]})
}

fn lambda(name: &str) -> Value {
    json!({"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": name,
        "Runtime": "python3.12", "Handler": "index.handler", "Role": "arn:aws:iam::111122223333:role/exec",
        "Code": {"ZipFile": "def handler(e, c): return e"}}})
}

/// A role invoking `open`, `partner` and `scoped`; each function's permission; `lonely`,
/// granted to no role, open to Genesys Cloud's account. `extra`: more resources.
fn template(extra: Value) -> Value {
    let mut resources = json!({
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "genesys",
            "AssumeRolePolicyDocument": trust(),
            "Policies": [{"PolicyName": "invoke", "PolicyDocument": {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [
                    {"Fn::GetAtt": ["Open", "Arn"]}, {"Fn::GetAtt": ["Partner", "Arn"]},
                    {"Fn::GetAtt": ["Scoped", "Arn"]}]}]}}]}},
        "Open": lambda("open"), "Partner": lambda("partner"), "Scoped": lambda("scoped"),
        "Lonely": lambda("lonely"),
        "OpenToAnyone": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Ref": "Open"}, "Action": "lambda:InvokeFunction", "Principal": "*"}},
        "GenesysDirect": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Fn::GetAtt": ["Partner", "Arn"]}, "Action": "lambda:InvokeFunction",
            "Principal": GENESYS}},
        "FromBucket": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Ref": "Scoped"}, "Action": "lambda:InvokeFunction",
            "Principal": "s3.amazonaws.com", "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": "arn:aws:s3:::uploads"}},
        "LonelyDirect": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": "lonely", "Action": "lambda:InvokeFunction", "Principal": GENESYS}},
    });
    for (k, v) in extra.as_object().into_iter().flatten() {
        resources[k] = v.clone();
    }
    json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})
}

fn run(dir: &Path, args: &[&str]) -> support::RunOutput {
    let mut all = vec![
        "audit",
        "--partner",
        "genesys-cloud",
        "--account-id",
        ACCOUNT,
    ];
    all.extend_from_slice(&["--region", REGION, "--format", "json"]);
    all.extend_from_slice(args);
    support::lambda_trust_cmd("http://127.0.0.1:9")
        .args(all)
        .current_dir(dir)
        .run()
}

fn role_findings(report: &Value) -> Vec<(String, String)> {
    let roles = report["roles"].as_array().unwrap();
    let role = roles.iter().find(|r| r["role"] == "genesys").unwrap();
    (role["findings"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn on(findings: &[(String, String)], code: &str, arn: &str) -> bool {
    findings
        .iter()
        .any(|(c, m)| c == code && m.contains(&format!("{arn}:")))
}

/// The organization's files: FullAWSAccess SCPs, and the identity-perimeter RCP at the root
/// exempting `listed` accounts (AWS's data-perimeter example).
fn org_dir(dir: &Path, listed: &[&str]) -> String {
    org_dir_of(dir, ACCOUNT, listed)
}

fn org_dir_of(dir: &Path, account: &str, listed: &[&str]) -> String {
    let org = support::offline::org_policies_dir(dir, account, listed);
    org.display().to_string()
}

#[test]
fn a_template_s_lambda_permissions_are_judged_on_each_role_s_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.json");
    std::fs::write(&file, template(json!({})).to_string()).unwrap();
    let r = run(dir.path(), &["--template", file.to_str().unwrap()]);
    assert_eq!(r.code, Some(2), "{r}");
    let report = r.json();
    let found = role_findings(&report);
    assert!(
        on(&found, "function-policy-open", &function("open")),
        "{found:#?}"
    );
    assert!(
        on(&found, "partner-bypasses-role", &function("partner")),
        "{found:#?}"
    );
    let scoped: Vec<_> = found
        .iter()
        .filter(|(_, m)| m.contains(&function("scoped")))
        .collect();
    assert!(
        scoped.is_empty(),
        "a service scoped by its source is no way in: {scoped:#?}"
    );
    // The request that gets in: Genesys Cloud's account, no external ID.
    let roles = report["roles"].as_array().unwrap();
    let bypass = (roles[0]["findings"].as_array().unwrap().iter())
        .find(|f| f["code"] == "partner-bypasses-role")
        .unwrap();
    assert!(bypass["counterexample"]["principal"]
        .as_str()
        .unwrap()
        .contains(GENESYS));
    assert_eq!(bypass["counterexample"]["resource"], function("partner"));
    // Without --org-policies: said once, not a finding per target.
    assert!(
        !found.iter().any(|(c, _)| c == "path-not-read"),
        "{found:#?}"
    );
    let source = report["path"]["organization"][ACCOUNT].as_str().unwrap();
    assert!(source.contains("not given"), "{source}");
    // The account-wide part: `lonely` is granted to no role and still open to Genesys.
    let functions = report["path"]["functions"].as_array().unwrap();
    let lonely = functions
        .iter()
        .find(|f| f["function"] == function("lonely"));
    let lonely = lonely.unwrap_or_else(|| panic!("{functions:#?}"));
    assert_eq!(lonely["findings"][0]["code"], "partner-bypasses-role");
    // SARIF: the role's findings at the role, the scan's at the function.
    let r = support::lambda_trust_cmd("http://127.0.0.1:9")
        .args([
            "audit",
            "--partner",
            "genesys-cloud",
            "--account-id",
            ACCOUNT,
            "--region",
            REGION,
        ])
        .args(["--format", "sarif", "--template", file.to_str().unwrap()])
        .run();
    let sarif = r.json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let at_lonely = results.iter().any(|r| {
        r["ruleId"] == "lambda-trust/audit/partner-bypasses-role"
            && r["locations"][0]["logicalLocations"][0]["name"] == function("lonely")
    });
    assert!(at_lonely, "{results:#?}");

    // The identity-perimeter RCP without Genesys Cloud's account stops sts:AssumeRole.
    let org = org_dir(dir.path(), &["444455556666"]);
    let r = run(
        dir.path(),
        &["--template", file.to_str().unwrap(), "--org-policies", &org],
    );
    let found = role_findings(&r.json());
    assert!(
        on(&found, "org-policy-blocks", &function("scoped")),
        "{found:#?}"
    );
    let (_, message) = found
        .iter()
        .find(|(c, _)| c == "org-policy-blocks")
        .unwrap();
    assert!(
        message.contains("RCP IdentityPerimeter (p-perimeter) at root r-root"),
        "{message}"
    );
    // Listed, Genesys gets through: no availability finding.
    let org = org_dir(dir.path(), &["444455556666", GENESYS]);
    let r = run(
        dir.path(),
        &["--template", file.to_str().unwrap(), "--org-policies", &org],
    );
    let found = role_findings(&r.json());
    let blocked = [
        "org-policy-blocks",
        "path-not-read",
        "function-policy-blocks",
    ];
    assert!(
        !found.iter().any(|(c, _)| blocked.contains(&c.as_str())),
        "{found:#?}"
    );
}

/// A permission whose function is only known once deployed may be on any function: no
/// function's policy is known, so who else gets in is not proved (`path-unknown`), never clean.
#[test]
fn a_permission_on_an_unknown_function_leaves_every_target_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let generated = json!({"Generated": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler", "Role": "arn:aws:iam::111122223333:role/exec",
            "Code": {"ZipFile": "def handler(e, c): return e"}}},
        "GeneratedOpen": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Fn::GetAtt": ["Generated", "Arn"]}, "Action": "lambda:InvokeFunction",
            "Principal": "*"}}});
    let file = dir.path().join("template.json");
    std::fs::write(&file, template(generated).to_string()).unwrap();
    let r = run(dir.path(), &["--template", file.to_str().unwrap()]);
    assert_eq!(r.code, Some(2), "{r}");
    let found = role_findings(&r.json());
    let unknown: Vec<_> = found.iter().filter(|(c, _)| c == "path-unknown").collect();
    assert_eq!(unknown.len(), 1, "{found:#?}");
    assert!(unknown[0].1.contains("GeneratedOpen"), "{unknown:#?}");
    for name in ["open", "partner", "scoped"] {
        assert!(
            unknown[0].1.contains(&function(name)),
            "{name}: {unknown:#?}"
        );
    }
}

/// A Terraform plan's `aws_lambda_permission`s, the same way.
#[test]
fn a_plan_s_lambda_permissions_are_judged_on_each_role_s_path() {
    let dir = tempfile::tempdir().unwrap();
    let invoke = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction",
        "Resource": [function("open"), function("partner"), function("scoped")]}]});
    let permission = |name: &str, principal: &str, extra: Value| {
        let mut values = json!({"function_name": name, "action": "lambda:InvokeFunction",
            "principal": principal, "statement_id": format!("{name}-grant"), "qualifier": null,
            "source_account": null, "source_arn": null, "principal_org_id": null,
            "function_url_auth_type": null, "event_source_token": null});
        for (k, v) in extra.as_object().into_iter().flatten() {
            values[k] = v.clone();
        }
        (
            format!("aws_lambda_permission.{name}"),
            "aws_lambda_permission",
            values,
        )
    };
    let resources = [
        (
            "aws_iam_role.genesys".to_owned(),
            "aws_iam_role",
            json!({"name": "genesys",
            "path": "/", "assume_role_policy": trust().to_string(), "description": null,
            "max_session_duration": 3600, "permissions_boundary": null, "tags": null, "tags_all": {}}),
        ),
        (
            "aws_iam_role_policy.invoke".to_owned(),
            "aws_iam_role_policy",
            json!({"name": "invoke", "role": "genesys", "policy": invoke.to_string()}),
        ),
        permission("open", "*", json!({})),
        permission("partner", GENESYS, json!({})),
        permission(
            "scoped",
            "s3.amazonaws.com",
            json!({"source_account": ACCOUNT, "source_arn": "arn:aws:s3:::uploads"}),
        ),
    ];
    let plan = plan_of(&resources);
    let file = dir.path().join("plan.json");
    std::fs::write(&file, plan.to_string()).unwrap();
    let r = run(dir.path(), &["--plan", file.to_str().unwrap()]);
    assert_eq!(r.code, Some(2), "{r}");
    let found = role_findings(&r.json());
    assert!(
        on(&found, "function-policy-open", &function("open")),
        "{found:#?}"
    );
    assert!(
        on(&found, "partner-bypasses-role", &function("partner")),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|(_, m)| m.contains(&function("scoped"))),
        "{found:#?}"
    );
}

/// A `terraform show -json` plan creating `resources` (address, type, values).
fn plan_of(resources: &[(String, &str, Value)]) -> Value {
    let planned: Vec<Value> = (resources.iter())
        .map(|(address, kind, values)| {
            let name = address.split('.').nth(1).unwrap();
            json!({"address": address, "mode": "managed", "type": kind, "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                "values": values, "sensitive_values": {}})
        })
        .collect();
    let changes: Vec<Value> = (resources.iter())
        .map(|(address, kind, values)| {
            let name = address.split('.').nth(1).unwrap();
            json!({"address": address, "mode": "managed", "type": kind, "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": null, "after": values,
                    "after_unknown": {}, "before_sensitive": false, "after_sensitive": {}}})
        })
        .collect();
    json!({"format_version": "1.2", "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": []}}})
}

/// `--org-policies` with a file that is not an organization policy, or of an unknown kind:
/// exit 1 naming the file, no report and no report file written.
#[test]
fn bad_org_policy_files_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.json");
    std::fs::write(&file, template(json!({})).to_string()).unwrap();
    let cases = [
        ("not-a-policy.json", json!({"hello": "world"})),
        (
            "unknown-kind.json",
            json!({"kind": "TAG_POLICY", "id": "p-1", "name": "Tags",
            "level": {"kind": "root", "id": "r-root"}, "document": {"Version": "2012-10-17", "Statement": []}}),
        ),
    ];
    for (name, doc) in cases {
        let org = dir.path().join(format!("bad-{name}"));
        std::fs::create_dir_all(&org).unwrap();
        std::fs::write(org.join(name), doc.to_string()).unwrap();
        let out = dir.path().join("report.json");
        let r = run(
            dir.path(),
            &[
                "--template",
                file.to_str().unwrap(),
                "--org-policies",
                org.to_str().unwrap(),
                "--json",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, Some(1), "{name}: {r}");
        assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
        assert!(r.stdout.trim().is_empty(), "{name}: {}", r.stdout);
        assert!(!out.exists(), "{name}: nothing written");
    }
}

/// `audit --input` holds no function policy: with `--org-policies` only the organization's part
/// is decided (the perimeter RCP without Genesys: `org-policy-blocks` on every role that may
/// invoke something), and nothing is said about who else gets in; without it, no `path`.
#[test]
fn a_saved_answer_with_org_policies_decides_the_organization_s_part() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/audit-input/moto-gaad.json"
    );
    let dir = tempfile::tempdir().unwrap();
    let org = org_dir_of(dir.path(), "123456789012", &["444455556666"]);
    let args = [
        "audit",
        "--partner",
        "genesys-cloud",
        "--format",
        "json",
        "--input",
        fixture,
    ];
    let r = support::lambda_trust_cmd("http://127.0.0.1:9")
        .args(args)
        .args(["--org-policies", &org])
        .run();
    let report = r.json();
    assert_eq!(
        report["path"]["organization"]["123456789012"], "read",
        "{report:#}"
    );
    let codes: Vec<&str> = (report["roles"].as_array().unwrap().iter())
        .flat_map(|r| r["findings"].as_array().unwrap())
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"org-policy-blocks"), "{codes:?}");
    for never in [
        "function-policy-open",
        "partner-bypasses-role",
        "path-unknown",
    ] {
        assert!(!codes.contains(&never), "{never}: {codes:?}");
    }
    let r = support::lambda_trust_cmd("http://127.0.0.1:9")
        .args(args)
        .run();
    assert!(r.json().get("path").is_none());
}

/// Issue 43, item 2: `--org-policies DIR` with no SCP file (only the RCPs) does not say "no SCP
/// allows": the SCPs were not given, so availability is not proved — never `org-policy-blocks`.
#[test]
fn org_policies_without_an_scp_file_leave_the_scps_unknown_not_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.json");
    std::fs::write(&file, template(json!({})).to_string()).unwrap();
    let org = org_dir(dir.path(), &["444455556666", GENESYS]);
    for scp in ["root-scp.json", "account-scp.json"] {
        std::fs::remove_file(Path::new(&org).join(scp)).unwrap();
    }
    let r = run(
        dir.path(),
        &["--template", file.to_str().unwrap(), "--org-policies", &org],
    );
    let found = role_findings(&r.json());
    assert!(
        !found
            .iter()
            .any(|(c, m)| c == "org-policy-blocks" || m.contains("no statement allows")),
        "an SCP not given is not a denial: {found:#?}"
    );
    let scopes = ["open", "partner", "scoped"];
    for name in scopes {
        assert!(
            found.iter().any(|(c, m)| c == "path-not-read"
                && m.contains(&function(name))
                && m.contains("SCPs")),
            "{name}: {found:#?}"
        );
    }
}

/// A policy written whole (`AWS::Lambda::ResourcePolicy`, `aws_lambda_resource_policy`) is the
/// function's policy: read, never skipped as clean — open to anyone, it is reported; a `Deny`
/// of the role stops Genesys Cloud even in the role's own account.
#[test]
fn whole_function_policies_in_code_are_read_and_judged() {
    let dir = tempfile::tempdir().unwrap();
    let open = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Anyone", "Effect": "Allow",
        "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": function("scoped")}]});
    let deny = json!({"Version": "2012-10-17", "Statement": [{"Sid": "NotTheRole",
        "Effect": "Deny", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "*"}]});
    let whole = template(json!({
        "ScopedWhole": {"Type": "AWS::Lambda::ResourcePolicy", "Properties": {
            "ResourceArn": {"Fn::GetAtt": ["Scoped", "Arn"]}, "PolicyDocument": open}},
        "OpenWhole": {"Type": "AWS::Lambda::ResourcePolicy", "Properties": {
            "ResourceArn": function("open"), "PolicyDocument": deny.to_string()}}}));
    let file = dir.path().join("template.json");
    std::fs::write(&file, whole.to_string()).unwrap();
    let r = run(dir.path(), &["--template", file.to_str().unwrap()]);
    let found = role_findings(&r.json());
    assert!(
        on(&found, "function-policy-open", &function("scoped")),
        "{found:#?}"
    );
    assert!(
        on(&found, "function-policy-blocks", &function("open")),
        "the Deny stops the role: {found:#?}"
    );

    let resources = [
        (
            "aws_iam_role.genesys".to_owned(),
            "aws_iam_role",
            json!({"name": "genesys", "path": "/", "assume_role_policy": trust().to_string(),
            "description": null, "max_session_duration": 3600, "permissions_boundary": null,
            "tags": null, "tags_all": {}}),
        ),
        (
            "aws_iam_role_policy.invoke".to_owned(),
            "aws_iam_role_policy",
            json!({"name": "invoke", "role": "genesys", "policy": json!({"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction",
                "Resource": [function("scoped")]}]}).to_string()}),
        ),
        (
            "aws_lambda_resource_policy.scoped".to_owned(),
            "aws_lambda_resource_policy",
            json!({"resource_arn": function("scoped"), "policy": open.to_string()}),
        ),
    ];
    let file = dir.path().join("plan.json");
    std::fs::write(&file, plan_of(&resources).to_string()).unwrap();
    let r = run(dir.path(), &["--plan", file.to_str().unwrap()]);
    assert_eq!(r.code, Some(2), "{r}");
    let found = role_findings(&r.json());
    assert!(
        on(&found, "function-policy-open", &function("scoped")),
        "{found:#?}"
    );
}

/// An unknown is carried as one in every format of `audit --template`: `path-unknown` (a
/// permission on a function known only after deployment) is `outcome: unknown` in JSON, SARIF
/// `kind: open` at level `none`, "(unknown)" for people (ASFF and OCSF: `audit_findings`) —
/// while `unmanaged`, a fact shown by what was read, is a failure everywhere.
#[test]
fn an_unknown_is_an_unknown_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.json");
    // A permission on a function known only after deployment: who else invokes the targets is
    // not known (path-unknown).
    let generated = json!({"Generated": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler", "Role": "arn:aws:iam::111122223333:role/exec",
            "Code": {"ZipFile": "def handler(e, c): return e"}}},
        "GeneratedOpen": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Fn::GetAtt": ["Generated", "Arn"]}, "Action": "lambda:InvokeFunction",
            "Principal": "*"}}});
    std::fs::write(&file, template(generated).to_string()).unwrap();
    let audit = |format: &str| {
        support::lambda_trust_cmd("http://127.0.0.1:9")
            .args([
                "audit",
                "--partner",
                "genesys-cloud",
                "--account-id",
                ACCOUNT,
                "--region",
                REGION,
                "--template",
                file.to_str().unwrap(),
                "--format",
                format,
            ])
            .current_dir(dir.path())
            .run()
    };
    let json = audit("json").json();
    let roles = json["roles"].as_array().unwrap();
    let findings = &roles.iter().find(|r| r["role"] == "genesys").unwrap()["findings"];
    let outcome_of = |code: &str| {
        (findings.as_array().unwrap().iter())
            .find(|f| f["code"] == code)
            .map(|f| f["outcome"].clone())
    };
    assert_eq!(
        outcome_of("path-unknown"),
        Some(json!("unknown")),
        "{json:#}"
    );
    // A fact is neither a failure nor an unknown.
    assert_eq!(
        outcome_of("unmanaged"),
        Some(json!("informational")),
        "{json:#}"
    );

    let sarif = audit("sarif").json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let result_of = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == format!("lambda-trust/audit/{rule}"))
            .cloned()
            .unwrap()
    };
    let unknown = result_of("path-unknown");
    assert_eq!(
        (&unknown["kind"], &unknown["level"]),
        (&json!("open"), &json!("none"))
    );
    let fact = result_of("unmanaged");
    assert_eq!(
        (&fact["kind"], &fact["level"]),
        (&json!("informational"), &json!("none"))
    );

    let human = audit("human").stdout;
    assert!(human.contains("path-unknown (unknown):"), "{human}");
    assert!(!human.contains("unmanaged (unknown)"), "{human}");
}
