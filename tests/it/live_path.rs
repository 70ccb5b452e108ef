//! `verify` and `check` over the whole path against the local AWS: the organization policies
//! given as files (`--org-policies DIR`) and the functions' own policies read with
//! `lambda:GetPolicy`. "Proved" means Genesys Cloud gets through and nobody else gets in.

use std::path::Path;

use crate::support;

use serde_json::{json, Value};
use support::live::*;

const GENESYS: &str = "765628985471";

fn claims(v: &Value) -> Vec<Value> {
    v["path"]["targets"].as_array().cloned().unwrap_or_default()
}

/// A plain setup in an account outside any organization, with no function policy: proved
/// end to end; the reads are one GetPolicy per target and the organization's own, no write.
/// The organization's files, the role in `ACCOUNT` (test support).
fn org_dir(dir: &Path, listed: &[&str]) -> std::path::PathBuf {
    support::offline::org_policies_dir(dir, ACCOUNT, listed)
}

#[test]
fn a_plain_setup_is_proved_end_to_end() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    env.proxy.clear();
    let (r, writes) = env.writes_of(&["verify", "--format", "json"], 0);
    assert_eq!(writes, 0);
    let v = json_of(&r);
    let c = claims(&v);
    assert_eq!(c.len(), 1, "{v:#}");
    assert_eq!(c[0]["genesys_gets_through"]["verdict"], "proved", "{v:#}");
    assert_eq!(c[0]["nobody_else"]["verdict"], "proved", "{v:#}");
    assert_eq!(env.proxy.count("lambda:GetPolicy"), 1);
    assert_eq!(v["guarded"], false, "no organization, no guardrail: {v:#}");
}

/// The guardrail (docs/guardrail.md) among the organization's RCPs: verify says the role is
/// guarded — its own checks stand either way — and without it, that it is not.
#[test]
fn verify_says_whether_a_guardrail_holds_genesys_cloud_to_your_org_id() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let org = org_dir(env.dir.path(), &["444455556666", GENESYS]);
    let v = json_of(&env.expect(
        &[
            "verify",
            "--org-policies",
            org.to_str().unwrap(),
            "--format",
            "json",
        ],
        0,
    ));
    assert_eq!(
        v["guarded"], false,
        "the perimeter lets Genesys Cloud in with any ID: {v:#}"
    );
    let guardrail = json!({"kind": "RCP", "id": "p-guardrail", "name": "lambda-trust-genesys-cloud-external-id",
        "level": {"kind": "root", "id": "r-root", "name": "r-root"},
        "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
            "Action": "sts:AssumeRole", "Resource": "*", "Condition": {
                "StringEquals": {"aws:PrincipalAccount": [GENESYS]},
                "StringNotEquals": {"sts:ExternalId": [EXT]}}}]}});
    std::fs::write(org.join("root-guardrail.json"), guardrail.to_string()).unwrap();
    let org = org.to_str().unwrap();
    let v = json_of(&env.expect(&["verify", "--org-policies", org, "--format", "json"], 0));
    assert_eq!(v["guarded"], true, "{v:#}");
    let human = env.expect(&["verify", "--org-policies", org], 0).stdout;
    assert!(
        human.contains("guardrail: the organization's RCPs admit Genesys Cloud only with"),
        "{human}"
    );
}

/// AWS's identity-perimeter RCP without Genesys Cloud's account: every data action would
/// fail. verify names the RCP and its level (exit 3), check reports org-policy-blocks (exit
/// 2); listed, it is proved.
#[test]
fn an_rcp_without_genesys_listed_is_reported_not_proved() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let org = org_dir(env.dir.path(), &["444455556666"]);
    let org = org.to_str().unwrap();
    let r = env.expect(&["verify", "--org-policies", org, "--format", "json"], 3);
    let v = json_of(&r);
    let c = &claims(&v)[0];
    assert_eq!(
        c["genesys_gets_through"]["code"], "org-policy-blocks",
        "{v:#}"
    );
    let detail = c["genesys_gets_through"]["detail"].as_str().unwrap();
    assert!(
        detail.contains("RCP IdentityPerimeter (p-perimeter) at root r-root"),
        "{detail}"
    );
    assert_eq!(
        c["genesys_gets_through"]["request"]["action"],
        "sts:AssumeRole"
    );
    let r = env.expect(&["check", "--org-policies", org, "--format", "json"], 2);
    let f = check_findings(&json_of(&r));
    assert!(
        f.iter()
            .any(|f| f["code"] == "org-policy-blocks" && f["severity"] == "config"),
        "{f:#?}"
    );
    let human = env.expect(&["verify", "--org-policies", org], 3).stdout;
    assert!(
        human.contains("path: Genesys Cloud gets through to"),
        "{human}"
    );

    let org = org_dir(env.dir.path(), &["444455556666", GENESYS]);
    env.expect(&["verify", "--org-policies", org.to_str().unwrap()], 0);
}

/// A function policy that lets Genesys Cloud's account invoke the target directly bypasses
/// the role and its external ID: a security finding with the request that gets in.
#[test]
fn a_function_policy_trusting_genesys_directly_is_a_security_finding() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let grant = json!({"StatementId": "genesys-direct", "Action": "lambda:InvokeFunction",
        "Principal": GENESYS});
    let r = env
        .moto
        .client()
        .add_permission("lookup-customer", None, &grant);
    assert_eq!(r.status, 201, "{}", r.text());
    let r = env.expect(&["check", "--format", "json"], 2);
    let f = check_findings(&json_of(&r));
    let bypass = f
        .iter()
        .find(|f| f["code"] == "partner-bypasses-role")
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!(bypass["severity"], "security");
    assert!(
        bypass["counterexample"]["principal"]
            .as_str()
            .unwrap()
            .contains(GENESYS),
        "{bypass:#}"
    );
    env.expect(&["verify"], 3);
}

/// A file that is not an organization policy: exit 1 naming the file, nothing written.
#[test]
fn a_bad_org_policies_file_is_an_error_naming_it() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let org = env.dir.path().join("org");
    std::fs::create_dir_all(&org).unwrap();
    std::fs::write(org.join("oops.json"), r#"{"kind": "TAG", "id": "p-1"}"#).unwrap();
    let (r, writes) = env.writes_of(&["verify", "--org-policies", org.to_str().unwrap()], 1);
    assert_eq!(writes, 0);
    assert!(r.stderr.contains("oops.json"), "{}", r.stderr);
    assert!(r.stderr.contains("hint"), "{}", r.stderr);
}

/// Issue 43, item 2: a file that is not a policy is refused before any AWS call — `verify`,
/// `check` and the live `audit` alike (it used to fail only after the role's ~15 reads).
#[test]
fn a_bad_org_policies_file_is_refused_before_any_aws_call() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let org = env.dir.path().join("org");
    std::fs::create_dir_all(&org).unwrap();
    std::fs::write(org.join("oops.json"), r#"{"kind": "TAG", "id": "p-1"}"#).unwrap();
    let dir = org.to_str().unwrap();
    let mut made = Vec::new();
    for args in [
        &["verify", "--org-policies", dir][..],
        &["check", "--org-policies", dir],
        &["audit", "--partner", "genesys-cloud", "--org-policies", dir],
    ] {
        env.proxy.clear();
        let r = env.expect(args, 1);
        let said = format!("{}{}", r.stdout, r.stderr);
        assert!(said.contains("oops.json"), "{args:?}: {said}");
        let calls: Vec<String> = (env.proxy.calls().iter())
            .map(|c| format!("{c:?}"))
            .collect();
        if !calls.is_empty() {
            made.push(format!("{args:?}: {} call(s): {calls:#?}", calls.len()));
        }
    }
    assert!(made.is_empty(), "{}", made.join("\n"));
}

/// verify and check say which role, account and region they describe, first (human) and as
/// `subject` (JSON).
#[test]
fn verify_and_check_name_the_role_account_and_region() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let role = format!("arn:aws:iam::{ACCOUNT}:role/GenesysLambdaInvoker");
    let line = format!("role {role} · account {ACCOUNT} · region us-east-1");
    let human = env.expect(&["verify"], 0).stdout;
    assert!(human.starts_with(&format!("verify: {line}\n")), "{human}");
    let human = env.expect(&["check"], 0).stdout;
    assert!(
        human.lines().nth(1) == Some(format!("  {line}").as_str()),
        "{human}"
    );
    let v = json_of(&env.expect(&["verify", "--format", "json"], 0));
    assert_eq!(v["subject"]["role"], role.as_str());
    let v = json_of(&env.expect(&["check", "--format", "json"], 0));
    assert_eq!(v["configs"][0]["subject"]["account"], ACCOUNT);
}
