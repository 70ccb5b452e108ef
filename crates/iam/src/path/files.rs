//! Organization policies given as files (`--org-policies DIR`: one JSON document per policy,
//! with its kind and level) instead of read from AWS Organizations: the documents in, one
//! account's [`OrgPolicies`] out.
//!
//! Part of `path`; pure — the caller reads the directory and hands over each file's name and
//! text. A file looks like this (`kind` is `SCP` or `RCP`; `level.kind` is `root`,
//! `organizational-unit` or `account`; an OU's `depth` is its distance from the root, 1 for a
//! child of the root):
//!
//! ```json
//! {"kind": "SCP", "id": "p-abcd1234", "name": "DenyOutsideRegions",
//!  "level": {"kind": "organizational-unit", "id": "ou-ab12-cdef3456", "name": "Workloads", "depth": 1},
//!  "document": {"Version": "2012-10-17", "Statement": [ … ]},
//!  "organization": "o-a1b2c3d4e5"}
//! ```
//!
//! `organization` is optional; files that give it must agree. The AWS CLI's own outputs
//! (`list-policies-for-target`, `describe-policy`) are read too (`path::cli_files`).
//!
//! The levels are those the files name, ordered root → OUs by depth → account; a level no file
//! names is not evaluated (AWS attaches at least one SCP to every level, so give every level
//! its files, `FullAWSAccess` included). A level named only by RCP files has its SCPs not
//! given: availability is then not proved, never blocked.

use serde::Deserialize;

use super::super::model::Policy;
use super::org_file::{error, kind_word, OrgPolicyFileKind};
use super::vocabulary::{Level, LevelKind, OrgLevel, OrgPolicies, OrgPolicy, PolicyKind};
use lambda_trust_verdict::Problem;

/// One organization policy file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgPolicyFile {
    /// `SCP` or `RCP`.
    pub(crate) kind: OrgPolicyFileKind,
    /// The policy's ID (`p-…`).
    pub(crate) id: String,
    /// The policy's name.
    pub(crate) name: String,
    /// Where it is attached.
    pub(crate) level: FileLevel,
    /// The policy document.
    pub(crate) document: serde_json::Value,
    /// The organization's ID (`o-…`), optional: with it, conditions on `aws:PrincipalOrgID`
    /// (an identity perimeter's) can be judged for Genesys Cloud's request, which comes from
    /// outside the organization; without it they leave the path not proved.
    #[serde(default)]
    pub(crate) organization: Option<String>,
}

/// The level a file's policy is attached at.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLevel {
    /// Root, OU or account.
    pub(crate) kind: LevelKind,
    /// `r-…`, `ou-…` or the account ID.
    pub(crate) id: String,
    /// Its name (the ID when absent).
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// An OU's distance from the root (1: a child of the root); required for OUs.
    #[serde(default)]
    depth: Option<u32>,
}

const FORMAT: &str = "each file is {\"kind\": \"SCP\"|\"RCP\", \"id\", \"name\", \"level\": {\"kind\": \"root\"|\"organizational-unit\"|\"account\", \"id\", \"name\", \"depth\" (OUs)}, \"document\", and optionally \"organization\" (o-…)}";

/// The organization policies of `account` from its files (`(name, text)` pairs); `files` must
/// hold every policy of every level from the root to the account.
pub fn org_policies_from_files(
    files: &[(String, String)],
    account: &str,
    management_account: bool,
    organization_id: Option<String>,
) -> Result<OrgPolicies, Problem> {
    let mut levels: Vec<(u32, OrgLevel)> = Vec::new();
    let mut organization_id = organization_id;
    let translated = super::cli_files::translated(files, Some(account))?;
    for (name, text) in &translated.files {
        let (file, policy) = parse_file(name, text)?;
        match (&organization_id, &file.organization) {
            (Some(known), Some(said)) if known != said => {
                return Err(error(
                    name,
                    format!("organization {said}, where another file says {known}"),
                    "give the policies of one organization",
                ))
            }
            (None, Some(said)) => organization_id = Some(said.clone()),
            _ => {}
        }
        let (rank, level) = rank(name, &file.level, account)?;
        let slot = match levels.iter().position(|(_, l)| l.level.id == level.id) {
            Some(i) => i,
            None => {
                if let Some((_, other)) = levels.iter().find(|(r, _)| *r == rank) {
                    return Err(error(
                        name,
                        format!(
                            "{} and {} are both at depth {rank}",
                            level.id, other.level.id
                        ),
                        "give only the levels on the account's own path from the root",
                    ));
                }
                levels.push((rank, empty(level)));
                levels.len() - 1
            }
        };
        let entry = OrgPolicy {
            id: file.id,
            name: file.name,
            policy,
        };
        match file.kind {
            OrgPolicyFileKind::Scp => levels[slot].1.scps.push(entry),
            OrgPolicyFileKind::Rcp => levels[slot].1.rcps.push(entry),
        }
    }
    complete_path(&mut levels, translated.root.as_ref(), account)?;
    Ok(OrgPolicies::Read {
        levels: levels.into_iter().map(|(_, l)| l).collect(),
        management_account,
        organization_id,
    })
}

/// The levels sorted root first, with the root and the account always there (every account
/// of an organization has both on its path: a level no file names has nothing given, which
/// leaves what it decides unknown), and the kinds `list-roots` shows not enabled standing in
/// at every level as their full-access policy. A file of a kind not enabled is an error: AWS
/// detaches a type's policies when it is disabled.
fn complete_path(
    levels: &mut Vec<(u32, OrgLevel)>,
    root: Option<&super::cli_files::RootRead>,
    account: &str,
) -> Result<(), Problem> {
    let (root_id, root_name) = match root {
        Some(r) => (r.id.clone(), r.id.clone()),
        None => ("r-".to_owned(), "the root (no file names it)".to_owned()),
    };
    let edges = [(0, LevelKind::Root, root_id, root_name)];
    let account_level = (
        u32::MAX,
        LevelKind::Account,
        account.to_owned(),
        account.to_owned(),
    );
    for (rank, kind, id, name) in edges.into_iter().chain([account_level]) {
        if !levels.iter().any(|(r, _)| *r == rank) {
            levels.push((rank, empty(Level { kind, id, name })));
        }
    }
    levels.sort_by_key(|(r, _)| *r);
    let Some(root) = root else { return Ok(()) };
    for kind in &root.not_enabled {
        for (_, level) in levels.iter_mut() {
            let (policies, path_kind) = match kind {
                OrgPolicyFileKind::Scp => (&mut level.scps, PolicyKind::Scp),
                OrgPolicyFileKind::Rcp => (&mut level.rcps, PolicyKind::Rcp),
            };
            let stand_in = OrgPolicy::not_enabled(path_kind);
            if let Some(p) = policies.iter().find(|p| p.id != stand_in.id) {
                let what = format!(
                    "{}s are not enabled at the root, yet {} ({}) is given as attached to {}",
                    kind_word(*kind).to_uppercase(),
                    p.name,
                    p.id,
                    level.level.id
                );
                let hint = "give the outputs of one moment: disabling a type detaches its policies";
                return Err(error(&root.file, what, hint));
            }
            if policies.is_empty() {
                policies.push(stand_in);
            }
        }
    }
    Ok(())
}

/// Checks every file as far as it can be without the account: each is a policy file (its
/// shape, its document, an OU's depth). Callers run it before any AWS call, so bad input is
/// refused first; [`org_policies_from_files`] then places the levels for the account.
pub fn check_org_policy_files(files: &[(String, String)]) -> Result<(), Problem> {
    for (name, text) in &super::cli_files::translated(files, None)?.files {
        let (file, _) = parse_file(name, text)?;
        if file.level.kind == LevelKind::OrganizationalUnit {
            rank(name, &file.level, "")?;
        }
    }
    Ok(())
}

/// One file: its shape, then its document.
fn parse_file(name: &str, text: &str) -> Result<(OrgPolicyFile, Policy), Problem> {
    let file: OrgPolicyFile =
        serde_json::from_str(text).map_err(|e| error(name, e.to_string(), FORMAT))?;
    let policy = Policy::try_from(&file.document).map_err(|e| {
        error(
            name,
            e.to_string(),
            "fix the policy document under \"document\"",
        )
    })?;
    Ok((file, policy))
}

fn empty(level: Level) -> OrgLevel {
    OrgLevel {
        level,
        scps: Vec::new(),
        rcps: Vec::new(),
    }
}

/// The level's place from the root (0) to the account (last) and its description.
fn rank(file: &str, l: &FileLevel, account: &str) -> Result<(u32, Level), Problem> {
    let rank = match (l.kind, l.depth) {
        (LevelKind::Root, _) => 0,
        (LevelKind::OrganizationalUnit, Some(d)) if d > 0 => d,
        (LevelKind::OrganizationalUnit, _) => {
            return Err(error(
                file,
                format!("OU {} has no depth", l.id),
                "add \"depth\": 1 for a child of the root, 2 below that, …",
            ))
        }
        (LevelKind::Account, _) if l.id != account => {
            return Err(error(
                file,
                format!("attached to account {}, not {account}", l.id),
                "give the files of this account's path only",
            ))
        }
        (LevelKind::Account, _) => u32::MAX,
    };
    let level = Level {
        kind: l.kind,
        id: l.id.clone(),
        name: l.name.clone().unwrap_or_else(|| l.id.clone()),
    };
    Ok((rank, level))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::org_file::org_policy_files;

    fn file(kind: &str, id: &str, level: &str, effect: &str) -> (String, String) {
        let text = format!(
            r#"{{"kind": "{kind}", "id": "{id}", "name": "{id}-name", "level": {level},
            "document": {{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}",
            "Action": "*", "Resource": "*"{principal}}}]}}}}"#,
            principal = if kind == "RCP" {
                r#", "Principal": "*""#
            } else {
                ""
            }
        );
        (format!("{id}.json"), text)
    }

    const ROOT: &str = r#"{"kind": "root", "id": "r-1", "name": "Root"}"#;
    const OU: &str =
        r#"{"kind": "organizational-unit", "id": "ou-1", "name": "Workloads", "depth": 1}"#;
    const ACCOUNT: &str = r#"{"kind": "account", "id": "123456789012"}"#;

    #[test]
    fn files_become_levels_from_the_root_to_the_account() {
        let files = [
            file("SCP", "p-acct", ACCOUNT, "Allow"),
            file("RCP", "p-rcp", OU, "Deny"),
            file("SCP", "p-root", ROOT, "Allow"),
            file("SCP", "p-ou", OU, "Allow"),
        ];
        let Ok(OrgPolicies::Read { levels, .. }) =
            org_policies_from_files(&files, "123456789012", false, None)
        else {
            panic!("files read");
        };
        let ids: Vec<&str> = levels.iter().map(|l| l.level.id.as_str()).collect();
        assert_eq!(ids, ["r-1", "ou-1", "123456789012"]);
        assert_eq!(levels[1].level.name, "Workloads");
        assert_eq!(levels[1].scps[0].id, "p-ou");
        assert_eq!(levels[1].rcps[0].id, "p-rcp");
        assert_eq!(levels[2].level.name, "123456789012");
    }

    /// The root and the account are on every member account's path: a level no file names
    /// is there with nothing given, so what it decides is unknown, never "none apply".
    #[test]
    fn the_root_and_the_account_are_there_when_no_file_names_them() {
        let files = [file("SCP", "p-ou", OU, "Allow")];
        let Ok(OrgPolicies::Read { levels, .. }) =
            org_policies_from_files(&files, "123456789012", false, None)
        else {
            panic!("files read");
        };
        let kinds: Vec<LevelKind> = levels.iter().map(|l| l.level.kind).collect();
        use LevelKind::*;
        assert_eq!(kinds, [Root, OrganizationalUnit, Account]);
        assert!(levels[0].scps.is_empty() && levels[2].scps.is_empty());
        assert!(levels.iter().all(|l| l.rcps.is_empty()));
    }

    /// `aws organizations list-roots` says which types are enabled: a type that is not stands
    /// in at every level as its full-access policy; a file of it contradicts the root.
    #[test]
    fn list_roots_stands_in_for_a_type_not_enabled() {
        let roots = (
            "roots.json".to_owned(),
            serde_json::json!({"Roots": [{"Id": "r-1",
            "Arn": "arn:aws:organizations::111111111111:root/o-abc/r-1", "Name": "Root",
            "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}]})
            .to_string(),
        );
        let mut files = vec![
            roots,
            file("SCP", "p-root", ROOT, "Allow"),
            file("SCP", "p-acct", ACCOUNT, "Allow"),
        ];
        let Ok(OrgPolicies::Read { levels, .. }) =
            org_policies_from_files(&files, "123456789012", false, None)
        else {
            panic!("files read");
        };
        assert_eq!(levels.len(), 2);
        for l in &levels {
            assert_eq!(l.rcps, [OrgPolicy::not_enabled(PolicyKind::Rcp)], "{l:?}");
            assert_eq!(l.scps.len(), 1, "{l:?}");
        }
        files.push(file("RCP", "p-rcp", OU, "Deny"));
        let e = org_policies_from_files(&files, "123456789012", false, None).unwrap_err();
        assert!(e.message.starts_with("roots.json: "), "{e}");
        assert!(e.message.contains("RCPs are not enabled"), "{e}");
        assert!(e.message.contains("p-rcp"), "{e}");
    }

    #[test]
    fn a_file_that_cannot_be_placed_says_what_to_fix() {
        let no_depth = r#"{"kind": "organizational-unit", "id": "ou-1"}"#;
        let e = org_policies_from_files(&[file("SCP", "p", no_depth, "Allow")], "1", false, None)
            .unwrap_err();
        assert!(
            e.hint.as_deref().unwrap_or_default().contains("depth"),
            "{e}"
        );
        let other = r#"{"kind": "account", "id": "999999999999"}"#;
        let e = org_policies_from_files(&[file("SCP", "p", other, "Allow")], "1", false, None)
            .unwrap_err();
        assert!(e.message.contains("999999999999"), "{e}");
        let twin = r#"{"kind": "organizational-unit", "id": "ou-2", "depth": 1}"#;
        let files = [
            file("SCP", "a", OU, "Allow"),
            file("SCP", "b", twin, "Allow"),
        ];
        assert!(org_policies_from_files(&files, "1", false, None).is_err());
        let bad = ("bad.json".to_owned(), r#"{"kind": "SCP"}"#.to_owned());
        let e = org_policies_from_files(std::slice::from_ref(&bad), "1", false, None).unwrap_err();
        assert!(e.message.starts_with("bad.json: "), "{e}");
        // Without the account: the shape, the document and an OU's depth.
        let e = check_org_policy_files(&[bad]).unwrap_err();
        assert!(e.message.starts_with("bad.json: "), "{e}");
        let no_depth = file(
            "SCP",
            "p",
            r#"{"kind": "organizational-unit", "id": "ou-1"}"#,
            "Allow",
        );
        assert!(check_org_policy_files(&[no_depth]).is_err());
        let ok = [
            file("SCP", "a", ACCOUNT, "Allow"),
            file("RCP", "b", OU, "Deny"),
        ];
        assert!(check_org_policy_files(&ok).is_ok());
    }

    #[test]
    fn written_files_read_back_as_the_same_levels() {
        let files = [
            file("SCP", "p-acct", ACCOUNT, "Allow"),
            file("RCP", "p-rcp", OU, "Deny"),
            file("SCP", "p-root", ROOT, "Allow"),
            file("SCP", "p-ou", OU, "Allow"),
        ];
        let read =
            org_policies_from_files(&files, "123456789012", false, Some("o-abc".into())).unwrap();
        let documents: std::collections::BTreeMap<String, serde_json::Value> = (files.iter())
            .map(|(_, text)| {
                let v: serde_json::Value = serde_json::from_str(text).unwrap();
                (v["id"].as_str().unwrap().to_owned(), v["document"].clone())
            })
            .collect();
        let written = org_policy_files(&read, &documents).unwrap();
        let names: Vec<&str> = written.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "00-root-r-1-scp-p-root.json",
                "01-ou-ou-1-scp-p-ou.json",
                "01-ou-ou-1-rcp-p-rcp.json",
                "02-account-123456789012-scp-p-acct.json"
            ]
        );
        let again = org_policies_from_files(&written, "123456789012", false, None).unwrap();
        assert_eq!(again, read, "the organization ID travels in the files");
        let none = std::collections::BTreeMap::new();
        assert!(org_policy_files(&read, &none)
            .unwrap_err()
            .contains("p-root"));
        assert!(org_policy_files(&OrgPolicies::NoOrganization, &none).is_err());
    }
}
