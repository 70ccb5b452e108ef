//! `lambda-trust audit` against moto: an account seeded with one role per finding code and
//! clean roles (service roles, roles of the account itself, roles trusting another partner,
//! lambda-trust-managed roles), read in one paginated GetAccountAuthorizationDetails pass that
//! the proxy splits into pages (moto answers in one); the report snapshot-tested; the calls
//! counted on the wire; exit codes 0/2/1.

use crate::support;
use strum::IntoEnumIterator;

use std::collections::{BTreeMap, BTreeSet};

use lambda_trust_audit::AuditCode;
use serde_json::Value;
use support::live::*;
use support::{FaultConfig, Injection};

const GAAD: &str = "iam:GetAccountAuthorizationDetails";

/// Seeds `n` roles in the default account with `scripts/seed_audit.py`, straight to moto.
fn seed(env: &Env, n: usize) {
    support::seed_audit(&env.moto.url(), &["roles", ACCOUNT, &n.to_string()]);
}

fn paged(env: &Env, page: usize) {
    env.proxy.set_faults(FaultConfig {
        gaad_page_size: Some(page),
        ..FaultConfig::default()
    });
}

fn codes_by_role(report: &Value) -> BTreeMap<String, Vec<String>> {
    report["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let codes = r["findings"].as_array().unwrap().iter();
            let codes = codes
                .map(|f| f["code"].as_str().unwrap().to_owned())
                .collect();
            (r["role"].as_str().unwrap().to_owned(), codes)
        })
        .collect()
}

#[test]
fn two_hundred_roles_every_finding_code_paginated() {
    let env = Env::new();
    seed(&env, 200);
    env.write_config(&config(&[], ""));
    paged(&env, 50);
    env.proxy.clear();
    let r = env.run_raw(&["audit", "--partner", "genesys-cloud", "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = json_of(&r);

    // One pass: STS for the account, then the pages, following the markers; nothing else.
    let calls = env.proxy.calls();
    let gaad: Vec<_> = calls.iter().filter(|c| c.matches(GAAD)).collect();
    // 200 roles + 2 customer managed policies, 50 entries a page.
    assert_eq!(gaad.len(), 5, "{:?}", env.proxy.summary());
    assert_eq!(gaad[0].param("Marker"), None);
    for (i, c) in gaad.iter().enumerate().skip(1) {
        assert_eq!(
            c.param("Marker"),
            Some(format!("lambda-trust-proxy-page-{}", i * 50).as_str())
        );
    }
    // Then the whole path: one ListFunctions page, one GetPolicy per function invoked or
    // listed, and the organization read once (not in `summary.calls`).
    assert_eq!(iam_calls(&env), 6, "{:?}", env.proxy.summary());
    let lambda = lambda_calls(&env);
    assert_eq!(report["summary"]["calls"], 6 + lambda);
    assert_eq!(report["summary"]["roles_scanned"], 200);

    // Every finding code but config-mismatch (that one needs --config) is on its role.
    let by_role = codes_by_role(&report);
    let want = [
        ("audit-no-external-id", vec!["no-external-id", "unmanaged"]),
        ("audit-any-external-id", vec!["no-external-id"]),
        ("audit-several-ids", vec!["external-id-pattern"]),
        ("audit-id-pattern", vec!["external-id-pattern"]),
        (
            "audit-id-variable",
            vec!["external-id-unproved", "other-principals"],
        ),
        ("audit-other-principals", vec!["other-principals"]),
        ("audit-beyond-invoke", vec!["beyond-invoke"]),
        ("audit-all-functions", vec!["all-functions"]),
        ("audit-latent-version", vec!["latent-version"]),
        ("audit-unmanaged", vec!["unmanaged"]),
        ("audit-unused", vec!["unused-partner-role"]),
        ("GenesysLambdaInvoker", vec![]),
        ("audit-exact-single-valued", vec![]),
        ("audit-exact-deny-guard", vec![]),
        ("audit-exact-boundary", vec![]),
        ("audit-exact-explicit-deny", vec![]),
    ];
    for (role, codes) in want {
        assert_eq!(
            by_role.get(role),
            Some(&codes.iter().map(|s| s.to_string()).collect()),
            "{role}"
        );
    }
    // Clean roles: service, own-account and other-partner roles are not reported; the managed
    // roles locked to Genesys are, with no finding.
    for (role, codes) in &by_role {
        assert!(
            !role.starts_with("svc-") && !role.starts_with("own-") && !role.starts_with("partner-"),
            "{role}"
        );
        if role.starts_with("managed-") {
            assert!(codes.is_empty(), "{role}: {codes:?}");
        }
    }
    // 12 finding/clean roles + 4 exact ones + 46 managed roles (every 4th of the 184 fillers).
    assert_eq!(report["summary"]["roles_reported"], 62);

    let r = env.run_raw(&["audit", "--partner", "genesys-cloud"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    insta::assert_snapshot!("audit_200_roles_human", r.stdout);
    // With --config: the managed role of that name carries another config's digest; with a
    // --partner-principal no role admits, partner-refused.
    let with_config = env.expect(
        &[
            "audit",
            "--partner",
            "genesys-cloud",
            "--partner-principal",
            "arn:aws:iam::765628985471:role/NoSuchVendorRole",
            "--genesys-org-id",
            THEIRS,
            "--format",
            "json",
        ],
        2,
    );
    // With --genesys-org-id naming another organization: the roles locked to ORG_ID let that
    // one in instead, and "old-org" is no organization's ID at all.
    let by_role = codes_by_role(&json_of(&with_config));
    let several = &by_role["audit-several-ids"];
    for code in ["external-id-not-ours", "external-id-not-uuid"] {
        assert!(several.contains(&code.to_owned()), "{several:?}");
    }
    assert!(by_role["audit-exact-single-valued"].contains(&"external-id-not-ours".to_owned()));
    let all: BTreeSet<String> = by_role.into_values().flatten().collect();
    // The whole path's codes need organizations and function policies: live_audit_path.rs,
    // crates/audit/tests/core_audit_path.rs and iac_permissions.rs cover them.
    // The Genesys Cloud codes need `--genesys` and an organization: live_audit_genesys.rs.
    let every: BTreeSet<String> = (AuditCode::iter()
        .filter(|c| c.path().is_none() && !c.is_genesys()))
    .map(|c| c.to_string().to_owned())
    .collect();
    assert_eq!(
        all, every,
        "every finding code of the audit's own is covered"
    );
}

#[test]
fn json_and_sarif_shapes() {
    let env = Env::new();
    seed(&env, 11);
    let r = env.run_raw(&[
        "audit",
        "--partner-account",
        "765628985471",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = json_of(&r);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&report),
        [
            "schema_version",
            "account",
            "partners",
            "roles",
            "path",
            "summary"
        ]
    );
    assert_eq!(
        keys(&report["path"]),
        ["organization", "functions_listed", "functions"]
    );
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["account"], ACCOUNT);
    assert_eq!(report["partners"], serde_json::json!(["765628985471"]));
    let role = &report["roles"][0];
    assert_eq!(
        keys(role),
        [
            "role",
            "arn",
            "managed",
            "assumable_by",
            "external_ids",
            "invokable",
            "invokable_scope",
            "findings"
        ]
    );
    assert_eq!(keys(&role["external_ids"]), ["kind", "values"]);
    assert_eq!(keys(&role["invokable_scope"]), ["kind", "not_read"]);
    assert_eq!(
        keys(&role["findings"][0]),
        ["severity", "code", "outcome", "message", "counterexample"]
    );
    assert_eq!(
        keys(&report["summary"]),
        ["roles_scanned", "roles_reported", "calls"]
    );
    let findings: usize = report["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["findings"].as_array().unwrap().len())
        .sum();
    let findings = findings + function_findings(&report);

    let r = env.run_raw(&["audit", "--partner", "genesys-cloud", "--format", "sarif"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let sarif = json_of(&r);
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings, "one SARIF result per finding");
    assert!(results.iter().all(|r| r["ruleId"]
        .as_str()
        .unwrap()
        .starts_with("lambda-trust/audit/")));
}

#[test]
fn sarif_and_json_files_come_from_the_same_single_read() {
    let env = Env::new();
    seed(&env, 11);
    let sarif_path = env.dir.path().join("audit.sarif");
    let json_path = env.dir.path().join("audit.json");
    env.proxy.clear();
    let r = env.run_raw(&[
        "audit",
        "--partner",
        "genesys-cloud",
        "--format",
        "json",
        "--sarif",
        sarif_path.to_str().unwrap(),
        "--json",
        json_path.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // One read of the account for all three outputs: STS + one GAAD page on moto, one
    // ListFunctions.
    assert_eq!(env.proxy.count(GAAD), 1, "{:?}", env.proxy.summary());
    assert_eq!(iam_calls(&env), 2, "{:?}", env.proxy.summary());
    assert_eq!(env.proxy.count("lambda:ListFunctions"), 1);
    let file_json: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(
        file_json,
        json_of(&r),
        "the --json file is the stdout report"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    let findings: usize = file_json["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["findings"].as_array().unwrap().len())
        .sum();
    let findings = findings + function_findings(&file_json);
    assert!(findings > 0);
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        findings
    );
}

#[test]
fn calls_stay_constant_from_20_to_1000_roles() {
    let mut path_calls = Vec::new();
    for n in [20, 1000] {
        let env = Env::new();
        seed(&env, n);
        // moto's single page: STS + one GetAccountAuthorizationDetails, whatever the size.
        env.proxy.clear();
        let r = env.run_raw(&["audit", "--partner", "genesys-cloud", "--format", "json"]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert_eq!(iam_calls(&env), 2, "{n} roles: {:?}", env.proxy.summary());
        // The whole path's reads grow with the functions, not the roles.
        path_calls.push(env.proxy.summary());
        let lambda = lambda_calls(&env);
        assert_eq!(json_of(&r)["summary"]["calls"], 2 + lambda);
        assert_eq!(json_of(&r)["summary"]["roles_scanned"], n);
        // Split into pages of 100: STS + ceil((roles + 1 policy) / 100) pages, nothing else.
        paged(&env, 100);
        env.proxy.clear();
        let r = env.run_raw(&["audit", "--partner", "genesys-cloud", "--format", "json"]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        let pages = (n + 1).div_ceil(100);
        assert_eq!(env.proxy.count(GAAD), pages, "{n} roles");
        assert_eq!(
            iam_calls(&env),
            1 + pages,
            "{n} roles: {:?}",
            env.proxy.summary()
        );
    }
    assert_eq!(path_calls[0], path_calls[1]);
}

/// The calls to IAM and STS: the account's read (the whole path's Lambda and Organizations
/// reads are counted apart).
fn iam_calls(env: &Env) -> usize {
    let calls = env.proxy.calls();
    let path = calls
        .iter()
        .filter(|c| c.service == "lambda" || c.service == "organizations")
        .count();
    calls.len() - path
}

/// The calls to Lambda (ListFunctions, GetPolicy): counted in `summary.calls`.
fn lambda_calls(env: &Env) -> usize {
    (env.proxy.calls().iter())
        .filter(|c| c.service == "lambda")
        .count()
}

/// The findings of the account-wide scan of function policies.
fn function_findings(report: &Value) -> usize {
    let functions = report["path"]["functions"].as_array().unwrap();
    functions
        .iter()
        .map(|f| f["findings"].as_array().unwrap().len())
        .sum()
}

#[test]
fn exit_codes_0_2_1() {
    let env = Env::new();
    // Clean: one role locked to Genesys, managed, invoking one function; one service role.
    let trust = trust_doc(EXT, "arn:aws:iam::765628985471:root");
    env.iam(
        "CreateRole",
        &[
            ("RoleName", "locked"),
            ("AssumeRolePolicyDocument", &trust),
            ("Tags.member.1.Key", "managed-by"),
            ("Tags.member.1.Value", "lambda-trust"),
        ],
    );
    let invoke = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f"}]}"#;
    env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", "locked"),
            ("PolicyName", "invoke"),
            ("PolicyDocument", invoke),
        ],
    );
    let r = env.run_raw(&["audit", "--partner", "genesys-cloud"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("locked"), "{}", r.stdout);

    // A finding: the same role without the external ID condition.
    let open = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole"}]}"#;
    env.iam(
        "UpdateAssumeRolePolicy",
        &[("RoleName", "locked"), ("PolicyDocument", open)],
    );
    let r = env.run_raw(&["audit", "--partner", "genesys-cloud"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("no-external-id"), "{}", r.stdout);

    // An error: access denied on the one read.
    env.proxy.inject(
        Injection::new(
            GAAD,
            403,
            "AccessDenied",
            "not authorized to perform iam:GetAccountAuthorizationDetails",
        )
        .always(),
    );
    let r = env.run_raw(&["audit", "--partner", "genesys-cloud", "--format", "json"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("AccessDenied"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

/// Another organization's ID, a UUID.
const THEIRS: &str = "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f";

/// `--genesys-org-id`: a role locked to one of ours passes; the same role against another
/// organization's ID is `external-id-not-ours`, naming the value it lets in.
#[test]
fn a_role_locked_to_another_genesys_org_is_a_finding() {
    let env = Env::new();
    let trust = trust_doc(EXT, "arn:aws:iam::765628985471:root");
    env.iam(
        "CreateRole",
        &[("RoleName", "locked"), ("AssumeRolePolicyDocument", &trust)],
    );
    let ours = ["audit", "--partner", "genesys-cloud", "--format", "json"];
    let r = env.run_raw(&[&ours[..], &["--genesys-org-id", EXT]].concat());
    let codes = codes_by_role(&json_of(&r));
    assert_eq!(codes["locked"], ["unmanaged"], "{}", r.stdout);
    let r = env.run_raw(&[&ours[..], &["--genesys-org-id", THEIRS]].concat());
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let report = json_of(&r);
    let finding = (report["roles"][0]["findings"].as_array().unwrap().iter())
        .find(|f| f["code"] == "external-id-not-ours")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(finding["severity"], "security");
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains(EXT) && message.contains(THEIRS),
        "{message}"
    );
}

#[test]
fn bad_flags_are_refused_before_any_call() {
    let env = Env::new();
    env.proxy.clear();
    for (args, needle) in [
        (
            vec!["audit", "--partner-account", "76562898547"],
            "12 digits",
        ),
        (vec!["audit", "--organization"], "--assume-role"),
        (
            vec!["audit", "--genesys-org-id", "o-a1b2c3d4e5"],
            "is a UUID",
        ),
        (vec!["audit", "--format", "github"], "only for `check`"),
    ] {
        let r = env.run_raw(&args);
        assert_ne!(r.code, 0, "{args:?}");
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
    }
    assert_eq!(env.proxy.calls().len(), 0);
}

#[test]
fn aws_managed_policies_of_reported_roles_are_read_one_by_one() {
    // moto knows AWS managed policies only with this setting.
    let moto = support::MotoServer::start_with_env(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")]);
    let proxy = support::Proxy::start(&moto.url());
    let locked = trust_doc(EXT, "arn:aws:iam::765628985471:root");
    let service = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    moto.iam_query(
        "CreateRole",
        &[
            ("RoleName", "genesys"),
            ("AssumeRolePolicyDocument", &locked),
        ],
    );
    moto.iam_query(
        "CreateRole",
        &[("RoleName", "svc"), ("AssumeRolePolicyDocument", service)],
    );
    let lambda_role = "arn:aws:iam::aws:policy/service-role/AWSLambdaRole";
    moto.iam_query(
        "AttachRolePolicy",
        &[("RoleName", "genesys"), ("PolicyArn", lambda_role)],
    );
    let read_only = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    moto.iam_query(
        "AttachRolePolicy",
        &[("RoleName", "svc"), ("PolicyArn", read_only)],
    );

    let r = support::lambda_trust(
        &proxy.url(),
        &["audit", "--partner", "genesys-cloud", "--format", "json"],
        &[],
    );
    assert_eq!(r.code, Some(2), "{r}");
    let report = r.json();
    let role = &report["roles"][0];
    assert_eq!(role["role"], "genesys");
    assert_eq!(role["invokable"], serde_json::json!(["*"]));
    let codes: Vec<&str> = role["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    // `*` reaches every region's functions: only the audit's region was listed.
    assert_eq!(codes, ["all-functions", "path-not-read", "unmanaged"]);
    // Only the reported role's AWS managed policy is read, once; the service role's is not.
    let gets = proxy.calls_to("GetPolicy");
    assert_eq!(gets.len(), 1);
    assert_eq!(gets[0].param("PolicyArn"), Some(lambda_role));
    assert_eq!(proxy.count("GetPolicyVersion"), 1);
    // Then one ListFunctions (no function: no GetPolicy) and the organization's read.
    assert_eq!(
        proxy.count("lambda:ListFunctions"),
        1,
        "{:?}",
        proxy.summary()
    );
    assert_eq!(proxy.count("lambda:GetPolicy"), 0, "{:?}", proxy.summary());
    assert_eq!(report["summary"]["calls"], 5);
}

/// The patterns people really write that must not raise a false alarm: a single-valued key
/// given two values, a Deny guard on the external ID, a boundary capping `*`, an explicit Deny
/// on one function. No security finding in any format, and exact external-ID and invokable sets.
#[test]
fn no_false_alarms_on_guards_boundaries_denies_and_single_valued_keys() {
    let env = Env::new();
    seed(&env, 15);
    let exact = [
        "audit-exact-single-valued",
        "audit-exact-deny-guard",
        "audit-exact-boundary",
        "audit-exact-explicit-deny",
    ];
    let function = |name: &str| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}");

    let r = env.run_raw(&["audit", "--partner", "genesys-cloud", "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = json_of(&r);
    for name in exact {
        let role = report["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["role"] == name)
            .unwrap_or_else(|| panic!("{name} is reported"));
        assert_eq!(role["findings"], serde_json::json!([]), "{name}");
        assert_eq!(
            role["external_ids"],
            serde_json::json!({"kind": "fixed", "values": ["0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"]}),
            "{name}"
        );
        assert_eq!(
            role["invokable"],
            serde_json::json!([function("lookup-customer")]),
            "{name}"
        );
    }

    let r = env.run_raw(&["audit", "--partner", "genesys-cloud", "--format", "sarif"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let sarif = json_of(&r);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let role = result["locations"][0]["logicalLocations"][0]["name"]
            .as_str()
            .unwrap();
        assert!(!exact.contains(&role), "{result}");
    }

    let r = env.run_raw(&["audit", "--partner", "genesys-cloud"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for name in exact {
        let row = r
            .stdout
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(name))
            .unwrap_or_else(|| panic!("{name} in the table:\n{}", r.stdout));
        assert!(row.trim_start().starts_with("ok"), "{row}");
        assert!(row.contains("fixed: 0f8c7a52"), "{row}");
        assert!(
            !r.stdout
                .contains(&format!("role arn:aws:iam::{ACCOUNT}:role/{name}\n")),
            "{name} has findings:\n{}",
            r.stdout
        );
    }
}

/// Creates role `name` with `trust` and an inline invoke policy, straight to moto.
fn create_role(env: &Env, name: &str, trust: &Value) {
    let code = r#"
import boto3, json, sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
iam.create_role(RoleName=sys.argv[2], AssumeRolePolicyDocument=sys.argv[3])
iam.put_role_policy(RoleName=sys.argv[2], PolicyName="invoke", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction",
    "Resource": "arn:aws:lambda:us-east-1:%s:function:lookup" % sys.argv[4]}]}))
"#;
    let (url, trust) = (env.moto.url(), trust.to_string());
    let out = support::moto_forks::python(&["-c", code, &url, name, &trust, ACCOUNT]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `--partner-principal`: a vendor-style trust policy (the partner's root narrowed to one of
/// its roles by aws:PrincipalArn) lists that role when it is the one given, and reports
/// `partner-refused` (config, exit 0) for another; a principal outside the partner accounts is
/// refused before any call.
#[test]
fn partner_principal_is_listed_or_reported_refused() {
    let env = Env::new();
    let vendor = "arn:aws:iam::765628985471:role/VendorRole";
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::765628985471:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"},
                      "ArnEquals": {"aws:PrincipalArn": vendor}}}]});
    create_role(&env, "vendor-trust", &trust);
    let audit = |principal: &str| {
        let args = [
            "audit",
            "--partner",
            "genesys-cloud",
            "--partner-principal",
            principal,
            "--format",
            "json",
        ];
        let r = env.run_raw(&args);
        let report = json_of(&r);
        let role = report["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["role"] == "vendor-trust")
            .cloned()
            .unwrap_or_else(|| panic!("vendor-trust is reported: {report}"));
        (r.code, role)
    };
    let (code, role) = audit(vendor);
    assert_eq!(code, 0);
    assert_eq!(role["assumable_by"], serde_json::json!([vendor]));
    let codes: Vec<&str> = role["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["unmanaged"]);

    let other = "arn:aws:iam::765628985471:role/OtherRole";
    let (code, role) = audit(other);
    assert_eq!(code, 0, "partner-refused is a config finding");
    let refused: Vec<&Value> = role["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "partner-refused")
        .collect();
    assert_eq!(refused.len(), 1, "{role}");
    assert_eq!(refused[0]["severity"], "config");
    assert!(refused[0]["message"].as_str().unwrap().contains(other));
    assert_eq!(
        role["assumable_by"],
        serde_json::json!(["arn:aws:iam::765628985471:root"])
    );

    env.proxy.clear();
    let r = env.run_raw(&[
        "audit",
        "--partner",
        "genesys-cloud",
        "--partner-principal",
        "arn:aws:iam::111122223333:role/VendorRole",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("not in a partner account"),
        "{}",
        r.stderr
    );
    assert!(env.proxy.calls().is_empty(), "no AWS call on bad input");
}
