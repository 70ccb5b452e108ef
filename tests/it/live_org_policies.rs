//! `lambda-trust org-policies` (issue 43, item 2): run with the management account's
//! credentials, it writes a member account's SCPs and RCPs, root to account, as the files
//! `--org-policies DIR` reads; read back, they are the levels AWS Organizations answers, the
//! organization's ID included. A directory already holding files, or an account the files
//! would say nothing about (the management account), is refused — the former before any call.

use lambda_trust_iam::{org_policies_from_files, OrgPolicies};

use crate::support::live::{json_of, Env};

fn files_in(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_member_account_s_policies_are_written_as_the_files_org_policies_reads() {
    let env = Env::new();
    let ids = env.moto.seed_path();
    let (a, org) = (
        ids["a"].as_str().unwrap(),
        ids["organization"].as_str().unwrap(),
    );
    let out = env.dir.path().join("org");
    let r = env.expect(
        &[
            "org-policies",
            "--account-id",
            a,
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ],
        0,
    );
    let v = json_of(&r);
    assert_eq!(v["organization"], org, "{v:#}");
    let files = files_in(&out);
    assert_eq!(v["files"].as_array().unwrap().len(), files.len());
    let read = org_policies_from_files(&files, a, false, None).unwrap();
    let OrgPolicies::Read {
        levels,
        organization_id,
        ..
    } = &read
    else {
        panic!("{read:?}");
    };
    assert_eq!(
        organization_id.as_deref(),
        Some(org),
        "the ID travels in the files"
    );
    let path: Vec<&str> = levels.iter().map(|l| l.level.id.as_str()).collect();
    let (root, ou) = (
        ids["root"].as_str().unwrap(),
        ids["workloads_ou"].as_str().unwrap(),
    );
    assert_eq!(path, [root, ou, a]);
    assert_eq!(levels[1].level.name, "Workloads");
    let rcps: Vec<&str> = levels[1].rcps.iter().map(|p| p.name.as_str()).collect();
    assert!(rcps.contains(&"IdentityPerimeter"), "{rcps:?}");
    let scps: Vec<&str> = levels[1].scps.iter().map(|p| p.name.as_str()).collect();
    assert!(scps.contains(&"DenyRetiredFunction"), "{scps:?}");
    // Human output names each file and what to do next.
    let again = env.dir.path().join("again");
    let r = env.expect(
        &[
            "org-policies",
            "--account-id",
            a,
            "--out",
            again.to_str().unwrap(),
        ],
        0,
    );
    assert!(
        r.stdout.contains("IdentityPerimeter") && r.stdout.contains("--org-policies"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_used_directory_or_the_management_account_is_refused() {
    let env = Env::new();
    let ids = env.moto.seed_path();
    let a = ids["a"].as_str().unwrap();
    let used = env.dir.path().join("used");
    std::fs::create_dir_all(&used).unwrap();
    std::fs::write(used.join("other.json"), "{}").unwrap();
    env.proxy.clear();
    let r = env.expect(
        &[
            "org-policies",
            "--account-id",
            a,
            "--out",
            used.to_str().unwrap(),
        ],
        1,
    );
    assert!(r.stderr.contains("other.json"), "{}", r.stderr);
    assert_eq!(
        env.proxy.summary().len(),
        0,
        "refused before any call: {:?}",
        env.proxy.summary()
    );
    // The management account (moto's own): SCPs and RCPs do not apply to it.
    let fresh = env.dir.path().join("fresh");
    let r = env.expect(
        &[
            "org-policies",
            "--account-id",
            "123456789012",
            "--out",
            fresh.to_str().unwrap(),
        ],
        1,
    );
    assert!(r.stderr.contains("management account"), "{}", r.stderr);
    assert!(!fresh.exists() || files_in(&fresh).is_empty());
}
