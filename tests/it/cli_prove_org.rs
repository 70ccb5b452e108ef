//! `prove --org-policies DIR` (issue 34, item 2): the organization's SCPs and RCPs as files
//! decide whether Genesys Cloud's two requests get through to each target. AWS's
//! identity-perimeter RCP without Genesys Cloud's account stops it (`org-policy-blocks`, the
//! RCP and its level named, exit 3); with the account listed, proved (exit 0); without the
//! flag the output says they were not given and claims nothing; a bad file: exit 1 naming it.

use std::path::Path;

use serde_json::{json, Value};

use crate::support::offline::{run, Out};

const PARTNER: &str = "765628985471";
const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const ACCOUNT: &str = "111122223333";
const TARGET: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer";

fn write(dir: &Path, name: &str, doc: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, doc.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

/// The organization's files, the role in `ACCOUNT` (test support).
fn org_dir(dir: &Path, listed: &[&str]) -> String {
    let org = crate::support::offline::org_policies_dir(dir, ACCOUNT, listed);
    org.to_string_lossy().into_owned()
}

fn prove(dir: &Path, format: &str, extra: &[&str]) -> Out {
    let trust = write(
        dir,
        "trust.json",
        &json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{PARTNER}:root")},
        "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": EXT}}}]}),
    );
    let invoke = write(
        dir,
        "invoke.json",
        &json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": TARGET}]}),
    );
    let role = format!("arn:aws:iam::{ACCOUNT}:role/GenesysLambdaInvoker");
    let mut args = vec![
        "prove",
        "--format",
        format,
        "--trust-policy",
        &trust,
        "--partner-account",
        PARTNER,
        "--external-id",
        EXT,
        "--policy",
        &invoke,
        "--target",
        TARGET,
        "--role-arn",
        &role,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn an_rcp_without_genesys_listed_stops_the_proof_and_listed_it_is_proved() {
    let dir = tempfile::tempdir().unwrap();
    let blocked = org_dir(dir.path(), &["444455556666"]);
    let r = prove(dir.path(), "json", &["--org-policies", &blocked]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["passed"], false);
    let claim = &v["organization"]["targets"][0]["claim"];
    assert_eq!(claim["verdict"], "refuted", "{v:#}");
    assert_eq!(claim["code"], "org-policy-blocks");
    let detail = claim["detail"].as_str().unwrap();
    assert!(
        detail.contains("RCP IdentityPerimeter (p-perimeter) at root r-root"),
        "{detail}"
    );
    assert_eq!(claim["request"]["action"], "sts:AssumeRole");
    // The properties themselves still hold: only the organization stops Genesys Cloud.
    let props = v["properties"].as_array().unwrap();
    assert!(props.iter().all(|p| p["verdict"] == "proved"), "{v:#}");
    let human = prove(dir.path(), "human", &["--org-policies", &blocked]).stdout;
    assert!(
        human.contains("FAIL     organization policies for"),
        "{human}"
    );

    let listed = org_dir(dir.path(), &["444455556666", PARTNER]);
    let r = prove(dir.path(), "json", &["--org-policies", &listed]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["organization"]["targets"][0]["claim"]["verdict"],
        "proved"
    );
}

/// Without the organization's ID, a perimeter on `aws:PrincipalOrgID` cannot be judged for
/// Genesys Cloud's request: neither blocked nor proved, the key named.
#[test]
fn a_perimeter_without_the_organization_s_id_is_unknown_not_a_block() {
    let dir = tempfile::tempdir().unwrap();
    let org = org_dir(dir.path(), &["444455556666"]);
    let rcp = Path::new(&org).join("root-rcp.json");
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(&rcp).unwrap()).unwrap();
    file.as_object_mut().unwrap().remove("organization");
    std::fs::write(&rcp, file.to_string()).unwrap();
    let r = prove(dir.path(), "json", &["--org-policies", &org]);
    assert_eq!(
        r.code, 3,
        "not proved is not passed: {}{}",
        r.stdout, r.stderr
    );
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let claim = &v["organization"]["targets"][0]["claim"];
    assert_eq!(claim["verdict"], "unknown", "{v:#}");
    assert!(
        claim["detail"]
            .as_str()
            .unwrap()
            .contains("aws:PrincipalOrgID"),
        "{v:#}"
    );
}

/// SCPs given without any RCP are not "no RCP applies": AWS attaches `RCPFullAWSAccess` to
/// every level while RCPs are enabled, so an RCP not given may deny — unknown, never proved.
/// `aws organizations list-roots` showing RCPs not enabled settles it: proved.
#[test]
fn scps_without_rcps_are_unknown_until_list_roots_says_rcps_are_not_enabled() {
    let dir = tempfile::tempdir().unwrap();
    let org = org_dir(dir.path(), &["444455556666", PARTNER]);
    for rcp in [
        "root-rcp.json",
        "root-rcp-full.json",
        "account-rcp-full.json",
    ] {
        std::fs::remove_file(Path::new(&org).join(rcp)).unwrap();
    }
    let r = prove(dir.path(), "json", &["--org-policies", &org]);
    assert_eq!(r.code, 3, "{r}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let claim = &v["organization"]["targets"][0]["claim"];
    assert_eq!(claim["verdict"], "unknown", "{v:#}");
    let detail = claim["detail"].as_str().unwrap();
    assert!(detail.contains("no RCP given"), "{detail}");
    assert!(detail.contains("list-roots"), "{detail}");

    let roots = json!({"Roots": [{"Id": "r-root", "Name": "Root",
        "Arn": "arn:aws:organizations::999999999999:root/o-abc/r-root",
        "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}]});
    write(Path::new(&org), "roots.json", &roots);
    let r = prove(dir.path(), "json", &["--org-policies", &org]);
    assert_eq!(r.code, 0, "{r}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let claim = &v["organization"]["targets"][0]["claim"];
    assert_eq!(claim["verdict"], "proved", "{v:#}");
}

#[test]
fn without_the_files_nothing_is_claimed_about_them() {
    let dir = tempfile::tempdir().unwrap();
    let r = prove(dir.path(), "human", &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("note: organization policies not given"),
        "{}",
        r.stderr
    );
    let r = prove(dir.path(), "json", &[]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v.get("organization").is_none(), "{v:#}");
}

#[test]
fn a_bad_org_policy_file_exits_1_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("bad");
    std::fs::create_dir_all(&org).unwrap();
    write(
        &org,
        "declarative.json",
        &json!({"kind": "DECLARATIVE_POLICY", "id": "p-1", "name": "D",
        "level": {"kind": "root", "id": "r-root"}, "document": {"Version": "2012-10-17", "Statement": []}}),
    );
    let r = prove(
        dir.path(),
        "human",
        &["--org-policies", org.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("declarative.json"), "{}", r.stderr);
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);
}

/// AWS's published identity-perimeter RCP in full (its `aws:PrincipalOrgID`, account list and
/// `aws:ResourceTag/dp:exclude:identity` exclusion) over the config's role: decided both ways —
/// Genesys Cloud's account listed (or the role tagged for exclusion) gets through, not listed is
/// stopped naming the statement; never "unknown" where the config says what decides it.
#[test]
fn the_published_identity_perimeter_is_decided_over_the_configs_role() {
    let dir = tempfile::tempdir().unwrap();
    let files = |listed: &[&str]| {
        let org = dir.path().join(format!("org-{}", listed.len()));
        std::fs::create_dir_all(&org).unwrap();
        let root = json!({"kind": "root", "id": "r-root", "name": "Root"});
        let full = json!({"kind": "SCP", "id": "p-full", "name": "FullAWSAccess", "level": root,
            "organization": "o-abc123",
            "document": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]}});
        let rcp = json!({"kind": "RCP", "id": "p-idp", "name": "identity_perimeter_rcp",
            "level": root, "organization": "o-abc123",
            "document": {"Version": "2012-10-17", "Statement": [{
                "Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
                "Action": ["s3:*", "sts:AssumeRole"], "Resource": "*",
                "Condition": {
                    "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123",
                        "aws:PrincipalAccount": listed,
                        "aws:ResourceTag/dp:exclude:identity": "true"},
                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}});
        write(&org, "full.json", &full);
        write(&org, "rcp.json", &rcp);
        // The full-access policies AWS attaches to every level while each type is enabled.
        let account = json!({"kind": "account", "id": ACCOUNT});
        let allow = |principal: bool| {
            let mut s = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
            if principal {
                s["Principal"] = json!("*");
            }
            json!({"Version": "2012-10-17", "Statement": [s]})
        };
        for (name, kind, id, level) in [
            ("full-account.json", "SCP", "p-full", &account),
            ("rcp-full-root.json", "RCP", "p-RCPFullAWSAccess", &root),
            (
                "rcp-full-account.json",
                "RCP",
                "p-RCPFullAWSAccess",
                &account,
            ),
        ] {
            let document = allow(kind == "RCP");
            let file = json!({"kind": kind, "id": id, "name": id, "level": level,
                "document": document});
            write(&org, name, &file);
        }
        org.to_string_lossy().into_owned()
    };
    let config = |tags: &str| {
        let path = dir.path().join("lambda-trust.toml");
        std::fs::write(&path, format!(
            "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"{EXT}\"\n[role]\nname = \"GenesysLambdaInvoker\"\n{tags}[aws]\nregion = \"us-east-1\"\naccount_id = \"{ACCOUNT}\"\n[[targets]]\nfunction = \"{TARGET}\"\n"
        )).unwrap();
        path.to_string_lossy().into_owned()
    };
    let prove = |config: &str, org: &str| {
        run(&[
            "prove",
            "--config",
            config,
            "--org-policies",
            org,
            "--format",
            "json",
        ])
    };
    let plain = config("");
    let listed = prove(&plain, &files(&["222222222222", PARTNER]));
    assert_eq!(listed.code, 0, "{listed}");
    let blocked = prove(&plain, &files(&["222222222222"]));
    assert_eq!(blocked.code, 3, "{blocked}");
    let v: Value = serde_json::from_str(&blocked.stdout).unwrap();
    let claim = &v["organization"]["targets"][0]["claim"];
    assert_eq!(claim["verdict"], "refuted", "{v:#}");
    assert!(
        claim["detail"]
            .as_str()
            .unwrap()
            .contains("EnforceOrgIdentities"),
        "{v:#}"
    );
    let excluded = config("tags = { \"dp:exclude:identity\" = \"true\" }\n");
    let r = prove(&excluded, &files(&["222222222222"]));
    assert_eq!(r.code, 0, "{r}");
}

/// `simulate --org-policies` reads the AWS CLI's own outputs (`list-policies-for-target` saved
/// under the target's ID, or `list-targets-for-policy` under the policy's with `list-parents`
/// and `list-policies`; `describe-policy` as it prints it): Genesys Cloud's `sts:AssumeRole` is
/// stopped by the published identity-perimeter RCP without its account, naming the statement,
/// and allowed with it listed.
#[test]
fn simulate_reads_the_aws_clis_organization_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let trust = write(
        dir.path(),
        "trust.json",
        &json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{PARTNER}:root")},
        "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": EXT}}}]}),
    );
    // Placed by a listing of the root's RCPs (`list-policies-for-target`), or by the policy's
    // targets (`list-targets-for-policy`: an OU, which the account's parents place it in) with
    // the organization's list of RCPs (`list-policies`).
    let org = |listed: &[&str], by_targets: bool| {
        let org = dir
            .path()
            .join(format!("cli-{}-{by_targets}", listed.len()));
        std::fs::create_dir_all(&org).unwrap();
        let summary = identity_perimeter_rcp(&org, listed);
        let full = rcp_full_access(&org);
        if by_targets {
            write(&org, "rcps.json", &json!({"Policies": [summary, full]}));
            write(
                &org,
                "p-RCPFullAWSAccess.targets.json",
                &json!({"Targets": [
                    {"TargetId": "r-root", "Arn": "", "Name": "Root", "Type": "ROOT"},
                    {"TargetId": "ou-root-aaaaaaaa", "Arn": "", "Name": "Workloads",
                        "Type": "ORGANIZATIONAL_UNIT"},
                    {"TargetId": ACCOUNT, "Arn": "", "Name": "workload", "Type": "ACCOUNT"}]}),
            );
            write(
                &org,
                "p-idp.targets.json",
                &json!({"Targets": [{"TargetId": "ou-root-aaaaaaaa", "Arn": "",
                    "Name": "Workloads", "Type": "ORGANIZATIONAL_UNIT"}]}),
            );
            write(
                &org,
                &format!("{ACCOUNT}.parents.json"),
                &json!({"Parents": [{"Id": "ou-root-aaaaaaaa", "Type": "ORGANIZATIONAL_UNIT"}]}),
            );
            write(
                &org,
                "ou-root-aaaaaaaa.parents.json",
                &json!({"Parents": [{"Id": "r-root", "Type": "ROOT"}]}),
            );
        } else {
            write(
                &org,
                "r-root.rcps.json",
                &json!({"Policies": [summary, full]}),
            );
            let account = format!("{ACCOUNT}.rcps.json");
            write(&org, &account, &json!({"Policies": [full]}));
        }
        org.to_string_lossy().into_owned()
    };
    let role = format!("arn:aws:iam::{ACCOUNT}:role/GenesysLambdaInvoker");
    let context = format!("sts:ExternalId={EXT}");
    let simulate = |org: &str| {
        run(&[
            "simulate",
            "--trust-policy",
            &trust,
            "--principal",
            &format!("arn:aws:iam::{PARTNER}:root"),
            "--action",
            "sts:AssumeRole",
            "--resource",
            &role,
            "--context",
            &context,
            "--context",
            &format!("aws:PrincipalAccount={PARTNER}"),
            "--org-policies",
            org,
        ])
    };
    for by_targets in [false, true] {
        let stopped = simulate(&org(&["222222222222"], by_targets));
        assert_eq!(stopped.code, 3, "{stopped}");
        assert!(
            stopped.stdout.contains("ExplicitDeny")
                && stopped.stdout.contains("EnforceOrgIdentities"),
            "{stopped}"
        );
        let allowed = simulate(&org(&["222222222222", PARTNER], by_targets));
        assert_eq!(allowed.code, 0, "{allowed}");
        assert!(allowed.stdout.contains("RCPs: apply"), "{allowed}");
    }
    // Without the account's parents, whether the OU's RCP governs it is not known: an error
    // naming the command that says, never "not attached".
    let org = org(&["222222222222"], true);
    std::fs::remove_file(Path::new(&org).join(format!("{ACCOUNT}.parents.json"))).unwrap();
    let unplaced = simulate(&org);
    assert_eq!(unplaced.code, 1, "{unplaced}");
    assert!(
        unplaced
            .stderr
            .contains(&format!("list-parents --child-id {ACCOUNT}")),
        "{unplaced}"
    );
}

/// `RCPFullAWSAccess`, which AWS attaches to every level while RCPs are enabled, as
/// `describe-policy` prints it, in `org`: its policy summary.
fn rcp_full_access(org: &Path) -> Value {
    let content = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": "*", "Action": "*", "Resource": "*"}]});
    let arn = "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess";
    described(
        org,
        ("p-RCPFullAWSAccess", "RCPFullAWSAccess", arn),
        true,
        &content,
    )
}

/// AWS's published identity-perimeter RCP with `listed` accounts exempt, as `describe-policy`
/// prints it, in `org`: its policy summary.
fn identity_perimeter_rcp(org: &Path, listed: &[&str]) -> Value {
    let content = json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
        "Action": "sts:AssumeRole", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123",
            "aws:PrincipalAccount": listed},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]});
    let arn = "arn:aws:organizations::999999999999:policy/o-abc123/resource_control_policy/p-idp";
    described(
        org,
        ("p-idp", "identity_perimeter_rcp", arn),
        false,
        &content,
    )
}

/// An RCP's `describe-policy` output written in `org` as `ID.json`: its policy summary.
fn described(org: &Path, (id, name, arn): (&str, &str, &str), aws: bool, content: &Value) -> Value {
    let summary = json!({"Id": id, "Arn": arn, "Name": name, "Description": "",
        "Type": "RESOURCE_CONTROL_POLICY", "AwsManaged": aws});
    let file = json!({"Policy": {"PolicySummary": summary, "Content": content.to_string()}});
    write(org, &format!("{id}.json"), &file);
    summary
}

/// A config with `targets`, and `[aws].account_id` only when `account` is given.
fn config_file(dir: &Path, account: Option<&str>, targets: &[&str]) -> String {
    let account = account.map_or(String::new(), |a| format!("account_id = \"{a}\"\n"));
    let targets: String = (targets.iter())
        .map(|t| format!("[[targets]]\nfunction = \"{t}\"\n"))
        .collect();
    let path = dir.join("lambda-trust.toml");
    std::fs::write(&path, format!(
        "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"{EXT}\"\n[role]\nname = \"GenesysLambdaInvoker\"\n[aws]\nregion = \"us-east-1\"\n{account}{targets}"
    )).unwrap();
    path.to_string_lossy().into_owned()
}

fn prove_config(config: &str, org: &str, format: &str) -> Out {
    run(&[
        "prove",
        "--config",
        config,
        "--org-policies",
        org,
        "--format",
        format,
    ])
}

/// Without `[aws].account_id`, the role is in the account all its targets share (apply's
/// role invokes them there): the organization's files are read for that account, and the
/// perimeter RCP without Genesys Cloud's account stops it — never a made-up account.
#[test]
fn without_an_account_id_the_role_is_in_the_targets_shared_account() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(dir.path(), None, &[TARGET]);
    let r = prove_config(&config, &org_dir(dir.path(), &["444455556666"]), "json");
    assert_eq!(r.code, 3, "{r}");
    assert!(!r.stdout.contains("000000000000"), "{r}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let claim = &v["organization"]["targets"][0]["claim"];
    assert_eq!(claim["verdict"], "refuted", "{v:#}");
    assert_eq!(claim["code"], "org-policy-blocks", "{v:#}");
    assert!(
        claim["detail"]
            .as_str()
            .unwrap()
            .contains("IdentityPerimeter"),
        "{v:#}"
    );
    let listed = org_dir(dir.path(), &["444455556666", PARTNER]);
    assert_eq!(prove_config(&config, &listed, "json").code, 0);
}

/// An SCP on the targets' account denying `lambda:InvokeFunction` stops the path whether the
/// account is configured or taken from the targets.
#[test]
fn an_scp_on_the_targets_account_stops_the_path_without_an_account_id() {
    let dir = tempfile::tempdir().unwrap();
    let org = org_dir(dir.path(), &["444455556666", PARTNER]);
    let deny = json!({"kind": "SCP", "id": "p-noinvoke", "name": "NoInvoke",
        "level": {"kind": "account", "id": ACCOUNT, "name": ACCOUNT},
        "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
            "Action": "lambda:InvokeFunction", "Resource": "*"}]}});
    write(Path::new(&org), "account-noinvoke.json", &deny);
    for account in [Some(ACCOUNT), None] {
        let config = config_file(dir.path(), account, &[TARGET]);
        let r = prove_config(&config, &org, "human");
        assert_eq!(r.code, 3, "{account:?}: {r}");
        assert!(r.stdout.contains("NoInvoke"), "{account:?}: {r}");
        assert!(!r.stdout.contains("path claims proved"), "{account:?}: {r}");
    }
}

/// Targets in two accounts and no `[aws].account_id`: the role's account cannot be known, so
/// every path claim is unknown and says to set it (exit 3); a target in another account than
/// the role's is unknown too (its RCPs and function policy are not given).
#[test]
fn an_unknown_role_account_leaves_the_path_unknown_and_says_to_set_it() {
    let dir = tempfile::tempdir().unwrap();
    let other = "arn:aws:lambda:us-east-1:222222222222:function:lookup-order";
    let org = org_dir(dir.path(), &["444455556666", PARTNER]);
    let config = config_file(dir.path(), None, &[TARGET, other]);
    let r = prove_config(&config, &org, "json");
    assert_eq!(r.code, 3, "{r}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let targets = v["organization"]["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2, "{v:#}");
    for t in targets {
        assert_eq!(t["claim"]["verdict"], "unknown", "{v:#}");
        let detail = t["claim"]["detail"].as_str().unwrap();
        assert!(detail.contains("[aws].account_id"), "{detail}");
    }
    let human = prove_config(&config, &org, "human");
    assert_eq!(human.code, 3, "{human}");
    assert!(!human.stdout.contains("path claims proved"), "{human}");

    let config = config_file(dir.path(), Some(ACCOUNT), &[TARGET, other]);
    let r = prove_config(&config, &org, "json");
    assert_eq!(r.code, 3, "{r}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let claims: Vec<&str> = (v["organization"]["targets"].as_array().unwrap().iter())
        .map(|t| t["claim"]["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(claims, ["proved", "unknown"], "{v:#}");
}

/// The AWS CLI's per-target files (`list-policies-for-target` saved under the account's ID)
/// are read for the targets' account when the config names none.
#[test]
fn the_aws_clis_files_are_read_for_the_targets_account() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("cli");
    std::fs::create_dir_all(&org).unwrap();
    let full = rcp_full_access(&org);
    let perimeter = identity_perimeter_rcp(&org, &["444455556666"]);
    write(
        &org,
        "r-root.rcps.json",
        &json!({"Policies": [full.clone(), perimeter]}),
    );
    write(
        &org,
        &format!("{ACCOUNT}.rcps.json"),
        &json!({"Policies": [full]}),
    );
    let config = config_file(dir.path(), None, &[TARGET]);
    let r = prove_config(&config, org.to_str().unwrap(), "json");
    assert!(!r.stderr.contains("000000000000"), "{r}");
    assert_eq!(r.code, 3, "{r}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let claim = &v["organization"]["targets"][0]["claim"];
    assert_ne!(claim["verdict"], "proved", "{v:#}");
}

/// With environments, the note that the organization's policies were not given is said once.
#[test]
fn prove_says_its_note_once_with_environments() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(dir.path(), Some(ACCOUNT), &[TARGET]);
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[environments.dev]\n[environments.prod]\nrole.name = \"ProdInvoker\"\n");
    std::fs::write(&config, text).unwrap();
    let r = run(&["prove", "--config", &config]);
    assert_eq!(
        r.stderr.matches("organization policies not given").count(),
        1,
        "{r}"
    );
}

/// One rule for an ID that cannot be Genesys Cloud's organization ID: `init` refuses it from a
/// flag and writes nothing; a config holding it is refused by `lint`, `plan` and `prove` alike
/// (exit 1, the same words) — never proved.
#[test]
fn a_non_uuid_org_id_is_refused_by_every_command() {
    use crate::support::offline::run_in;
    let dir = tempfile::tempdir().unwrap();
    let init = run_in(
        dir.path(),
        &[
            "init",
            "--no-input",
            "--external-id",
            "my-org",
            "--region",
            "us-east-1",
            "--function",
            TARGET,
        ],
        &[],
    );
    assert_eq!(init.code, 1, "{init}");
    assert!(
        init.stderr
            .contains("is not a Genesys Cloud organization ID"),
        "{init}"
    );
    assert!(!dir.path().join("lambda-trust.toml").exists(), "{init}");
    let config = config_file(dir.path(), Some(ACCOUNT), &[TARGET]);
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(EXT, "my-org");
    std::fs::write(&config, text).unwrap();
    for command in ["lint", "plan", "prove"] {
        let r = run_in(dir.path(), &[command, "--config", &config], &[]);
        assert_eq!(r.code, 1, "{command}: {r}");
        assert!(
            r.stderr.contains("is not a Genesys Cloud organization ID"),
            "{command}: {r}"
        );
    }
}

/// `--org-policies DIR` holds one account's policies: with several environments it is refused
/// (exit 1, naming `--env`), never dropped without a word.
#[test]
fn org_policies_with_several_environments_asks_for_one() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(dir.path(), Some(ACCOUNT), &[TARGET]);
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[environments.dev]\n[environments.prod]\nrole.name = \"ProdInvoker\"\n");
    std::fs::write(&config, text).unwrap();
    let org = org_dir(dir.path(), &["444455556666", PARTNER]);
    let r = run(&["prove", "--config", &config, "--org-policies", &org]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("--env NAME"), "{r}");
    let one = run(&[
        "prove",
        "--config",
        &config,
        "--env",
        "prod",
        "--org-policies",
        &org,
    ]);
    assert_eq!(one.code, 0, "{one}");
}
