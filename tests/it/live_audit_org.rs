//! `lambda-trust audit` over an organization on moto: five accounts (the management account
//! and four created ones), each seeded with 30 roles; one account refuses the audit role
//! (moto's AssumeRole never checks that the role exists, so the proxy answers AccessDenied for
//! that account's role, as AWS would). One report, the failed account beside the others.

use crate::support;

use serde_json::Value;
use support::live::*;
use support::Injection;

const ROLE: &str = "lambda-trust-audit";

/// Seeds the organization; returns its account IDs, management account first.
fn seed_org(env: &Env, accounts: usize, roles: usize) -> Vec<String> {
    let (accounts, roles) = (accounts.to_string(), roles.to_string());
    support::seed_audit(&env.moto.url(), &["org", &accounts, &roles])
}

fn refuse(env: &Env, account: &str) {
    env.proxy.inject(
        Injection::new(
            "AssumeRole",
            403,
            "AccessDenied",
            "not authorized to perform sts:AssumeRole",
        )
        .when_param("RoleArn", &format!("arn:aws:iam::{account}:role/{ROLE}"))
        .always(),
    );
}

fn outcome<'a>(report: &'a Value, account: &str) -> &'a Value {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == account)
        .unwrap_or_else(|| panic!("no entry for {account}: {report:#}"))
}

#[test]
fn five_accounts_one_without_the_audit_role() {
    let env = Env::new();
    let ids = seed_org(&env, 5, 30);
    assert_eq!(ids.len(), 5);
    let missing = ids[4].clone();
    refuse(&env, &missing);
    env.proxy.clear();
    let r = env.run_raw(&[
        "audit",
        "--partner",
        "genesys-cloud",
        "--organization",
        "--assume-role",
        ROLE,
        "--concurrency",
        "2",
        "--format",
        "json",
    ]);
    // An account that could not be audited makes the run exit 1, and hides nothing.
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let report = json_of(&r);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["accounts"].as_array().unwrap().len(), 5);
    for (i, id) in ids[..4].iter().enumerate() {
        let a = outcome(&report, id);
        // The audit role in each member account (none in the management account, read with
        // the caller's own credentials); the local AWS gives every created account its
        // OrganizationAccountAccessRole, as AWS does.
        let own = if i == 0 { 30 } else { 32 };
        assert_eq!(a["summary"]["roles_scanned"], own, "{id}");
        // The roles are that account's: the assumed credentials selected it.
        let arn = a["roles"][0]["arn"].as_str().unwrap();
        assert!(
            arn.starts_with(&format!("arn:aws:iam::{id}:role/")),
            "{arn}"
        );
        let codes: Vec<&str> = a["roles"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["findings"].as_array().unwrap())
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"no-external-id"), "{id}: {codes:?}");
    }
    let failed = outcome(&report, &missing);
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains("AccessDenied") && error.contains("create the --assume-role role"),
        "{failed}"
    );
    assert_eq!(report["summary"]["accounts"], 5);
    assert_eq!(report["summary"]["accounts_failed"], 1);
    assert_eq!(report["summary"]["roles_scanned"], 30 + 3 * 32);

    // On the wire: one ListAccounts page, one GetCallerIdentity (the caller's own account is
    // read with its own credentials), one AssumeRole per other account, one read per audited
    // account.
    assert_eq!(env.proxy.count("ListAccounts"), 1);
    assert_eq!(env.proxy.count("AssumeRole"), 4);
    assert_eq!(env.proxy.count("GetAccountAuthorizationDetails"), 4);
    assert_eq!(env.proxy.count("GetCallerIdentity"), 1);
    let into_own = (env.proxy.calls_to("AssumeRole").into_iter())
        .filter(|c| c.param("RoleArn").is_some_and(|a| a.contains(&ids[0])))
        .count();
    assert_eq!(into_own, 0, "no role assumed in the caller's own account");
    // Then the whole path per audited account: one ListFunctions (and a GetPolicy per
    // function invoked or listed); the organization's policies once per account, with the
    // management account's credentials (not in `summary.calls`).
    let calls = env.proxy.calls();
    let lambda = calls.iter().filter(|c| c.service == "lambda").count();
    let org = (calls.iter())
        .filter(|c| c.service == "organizations" && c.operation != "ListAccounts")
        .count();
    assert_eq!(calls.len() - lambda - org, 10, "{:?}", env.proxy.summary());
    assert_eq!(env.proxy.count("lambda:ListFunctions"), 4);
    assert_eq!(report["summary"]["calls"], 10 + lambda);

    // Human: every account, the failed one included, and the summary line.
    let r = env.run_raw(&[
        "audit",
        "--partner",
        "genesys-cloud",
        "--organization",
        "--assume-role",
        ROLE,
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(&format!("✗ account {missing}")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("5 account(s), 1 failed; 126 role(s) scanned"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_accounts_file_and_its_errors() {
    let env = Env::new();
    let ids = seed_org(&env, 3, 12);
    let file = env.dir.path().join("accounts.txt");
    std::fs::write(
        &file,
        format!(
            "# audited accounts\n{}\n\n{}  # the second\n{}\n",
            ids[1], ids[2], ids[1]
        ),
    )
    .unwrap();
    env.proxy.clear();
    let r = env.run_raw(&[
        "audit",
        "--partner",
        "genesys-cloud",
        "--accounts",
        file.to_str().unwrap(),
        "--assume-role",
        ROLE,
        "--format",
        "sarif",
    ]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(env.proxy.count("AssumeRole"), 2, "duplicates are dropped");
    assert_eq!(env.proxy.count("ListAccounts"), 0);
    let sarif = json_of(&r);
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());

    std::fs::write(&file, "123456789012\n12345\nnot-an-account # x\n").unwrap();
    env.proxy.clear();
    let r = env.run_raw(&[
        "audit",
        "--accounts",
        file.to_str().unwrap(),
        "--assume-role",
        ROLE,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("line 2: \"12345\""), "{}", r.stderr);
    assert!(
        r.stderr.contains("line 3: \"not-an-account\""),
        "{}",
        r.stderr
    );
    assert_eq!(
        env.proxy.calls().len(),
        0,
        "nothing is read before the file is valid"
    );
}

/// An audit role whose trust policy requires an external ID (common for security tooling, as
/// Prowler's `--external-id`) is assumed with it, under the session name given; a value STS
/// would refuse is refused before any call.
#[test]
fn the_audit_role_is_assumed_with_its_external_id_and_session_name() {
    let env = Env::new();
    seed_org(&env, 2, 12);
    env.proxy.clear();
    let r = env.run_raw(&[
        "audit",
        "--partner",
        "genesys-cloud",
        "--organization",
        "--assume-role",
        ROLE,
        "--assume-role-external-id",
        "sec-audit-7f3a",
        "--role-session-name",
        "security-team",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    // The member account's role; the caller's own account is read with its credentials.
    let assumed = env.proxy.calls_to("AssumeRole");
    assert_eq!(assumed.len(), 1);
    for call in &assumed {
        assert_eq!(call.param("ExternalId"), Some("sec-audit-7f3a"), "{call:?}");
        assert_eq!(
            call.param("RoleSessionName"),
            Some("security-team"),
            "{call:?}"
        );
    }
    // Without the flags: no external ID, the default session name.
    env.proxy.clear();
    let r = env.run_raw(&["audit", "--organization", "--assume-role", ROLE]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for call in env.proxy.calls_to("AssumeRole") {
        assert_eq!(call.param("ExternalId"), None, "{call:?}");
        assert_eq!(call.param("RoleSessionName"), Some("lambda-trust-audit"));
    }
    env.proxy.clear();
    for bad in [
        ["--assume-role-external-id", "x"],
        ["--role-session-name", "has space"],
    ] {
        let mut args = vec!["audit", "--organization", "--assume-role", ROLE];
        args.extend(bad);
        let r = env.run_raw(&args);
        assert_ne!(r.code, 0, "{bad:?}");
        assert!(r.stderr.contains(bad[0]), "{bad:?}: {}", r.stderr);
    }
    assert_eq!(env.proxy.calls().len(), 0, "refused before any call");
}
