//! Organization policies placed from where they are attached, as the AWS CLI gives it: `aws
//! organizations list-targets-for-policy --policy-id ID` saved as `ID.targets.json`, the
//! account's place from `aws organizations list-parents --child-id CHILD` saved as
//! `CHILD.parents.json` (the account's, then each OU's up to the root), and — so that nothing
//! attached on the path is missing — the organization's whole list of each kind, `aws
//! organizations list-policies --filter SERVICE_CONTROL_POLICY` (or `RESOURCE_CONTROL_POLICY`)
//! saved under any name that is not a target's (`scps.json`, `rcps.json`). AWS Organizations API
//! Reference: `ListTargetsForPolicy`, `ListParents`, `ListPolicies`.
//!
//! Part of `path::cli_files`; pure. Sound before complete: a policy attached to an OU whose
//! place relative to the account is not given, or a policy of the organization whose targets
//! are not given, is an error naming the command that gives it — never "not attached".

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::org_file::error;
use super::vocabulary::LevelKind;
use lambda_trust_verdict::Problem;

/// One entry of `list-targets-for-policy`'s `Targets`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Target {
    target_id: String,
    #[serde(rename = "Type", default)]
    kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Targets {
    pub(super) targets: Vec<Target>,
}

/// One entry of `list-parents`' `Parents`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Parent {
    id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Parents {
    parents: Vec<Parent>,
}

pub(super) const TARGETS: &str = "name each `aws organizations list-targets-for-policy --policy-id ID` output after its policy: ID.targets.json (e.g. p-ab12cd34.targets.json)";
pub(super) const PARENTS: &str = "name each `aws organizations list-parents --child-id CHILD` output after the child: CHILD.parents.json (the account ID or ou-…)";

/// The file's name up to its first `.`, without folders.
pub(super) fn base(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.split('.').next().unwrap_or(name)
}

/// The policy a `list-targets-for-policy` file names.
pub(super) fn policy_of(file: &str) -> Result<String, Problem> {
    let id = base(file);
    if id.starts_with("p-") {
        Ok(id.to_owned())
    } else {
        Err(error(
            file,
            "the file does not name the policy whose targets it lists",
            TARGETS,
        ))
    }
}

/// `list-parents` outputs by child: the child's one parent.
pub(super) fn parent_of(file: &str, parents: Parents) -> Result<(String, String), Problem> {
    let child = base(file);
    let named = child.starts_with("ou-")
        || (child.len() == 12 && child.bytes().all(|b| b.is_ascii_digit()));
    if !named {
        return Err(error(
            file,
            "the file does not name the child whose parent it gives",
            PARENTS,
        ));
    }
    match parents.parents.as_slice() {
        [one] => Ok((child.to_owned(), one.id.clone())),
        _ => Err(error(
            file,
            "an account or OU has exactly one parent",
            PARENTS,
        )),
    }
}

/// The OUs from the root down to `account`'s parent, from the `list-parents` outputs: `None`
/// when the account's is not given; an error when the chain stops before a root or loops.
pub(super) fn path_of(
    parents: &BTreeMap<String, String>,
    account: &str,
) -> Result<Option<Vec<String>>, Problem> {
    let Some(mut at) = parents.get(account) else {
        return Ok(None);
    };
    let mut ous = Vec::new();
    while !at.starts_with("r-") {
        if ous.contains(at) || ous.len() > 5 {
            let what = format!("the parents given from {account} never reach the root");
            return Err(error(&format!("{at}.parents.json"), what, PARENTS));
        }
        ous.push(at.clone());
        at = parents.get(at).ok_or_else(|| {
            let hint = format!(
                "add the output of `aws organizations list-parents --child-id {at}` as {at}.parents.json"
            );
            error(&format!("{account}.parents.json"), format!("the parent of {at} is not given"), &hint)
        })?;
    }
    ous.reverse();
    Ok(Some(ous))
}

/// Where one policy governs `account`: the levels among its targets that are on the account's
/// path, as (kind, ID, depth). `path`: the OUs from the root (`None`: not given). `account`
/// `None` (files checked before the account is known) places nothing.
pub(super) fn levels_on_path(
    file: &str,
    targets: &[Target],
    account: Option<&str>,
    path: Option<&[String]>,
) -> Result<Vec<(LevelKind, String, usize)>, Problem> {
    let Some(account) = account else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for t in targets {
        match t.kind.as_str() {
            "ROOT" => out.push((LevelKind::Root, t.target_id.clone(), 0)),
            "ACCOUNT" if t.target_id == account => {
                out.push((LevelKind::Account, t.target_id.clone(), usize::MAX))
            }
            "ACCOUNT" => {}
            "ORGANIZATIONAL_UNIT" => {
                let path = path.ok_or_else(|| {
                    let what = format!(
                        "the policy is attached to OU {}, and whether account {account} is in it is not given",
                        t.target_id
                    );
                    let hint = format!("add the output of `aws organizations list-parents --child-id {account}` as {account}.parents.json, and the same for each OU above it up to the root");
                    error(file, what, &hint)
                })?;
                if let Some(i) = path.iter().position(|ou| *ou == t.target_id) {
                    out.push((LevelKind::OrganizationalUnit, t.target_id.clone(), i + 1));
                }
            }
            other => {
                let what = format!("target {} has type {other:?}", t.target_id);
                return Err(error(
                    file,
                    what,
                    "give the output as the AWS CLI prints it",
                ));
            }
        }
    }
    Ok(out)
}

/// Every policy of each organization-wide list (`list-policies`) has its targets given: else the
/// levels built from targets could miss a policy attached on the path.
pub(super) fn check_complete(
    lists: &[(String, Vec<String>)],
    with_targets: &BTreeSet<String>,
) -> Result<(), Problem> {
    for (file, ids) in lists {
        if let Some(missing) = ids.iter().find(|id| !with_targets.contains(*id)) {
            let what = format!("the targets of policy {missing} are not given");
            let hint = format!("add the output of `aws organizations list-targets-for-policy --policy-id {missing}` as {missing}.targets.json; if this file lists one target's policies, name it after the target (r-…, ou-…, or the account ID)");
            return Err(error(file, what, &hint));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::files::org_policies_from_files;
    use super::super::vocabulary::{LevelKind, OrgPolicies};
    use serde_json::json;

    const ACCOUNT: &str = "111122223333";

    fn described(id: &str, kind: &str, effect: &str) -> (String, String) {
        let content = json!({"Version": "2012-10-17", "Statement": [{"Effect": effect,
            "Action": "*", "Resource": "*"}]});
        let arn = format!("arn:aws:organizations::999999999999:policy/o-abc123/x/{id}");
        let text = json!({"Policy": {"PolicySummary": {"Id": id, "Arn": arn, "Name": id,
            "Type": kind, "AwsManaged": false}, "Content": content.to_string()}});
        (format!("{id}.json"), text.to_string())
    }

    fn targets(id: &str, targets: &[(&str, &str)]) -> (String, String) {
        let list: Vec<_> = (targets.iter())
            .map(|(t, kind)| json!({"TargetId": t, "Arn": "", "Name": t, "Type": kind}))
            .collect();
        (
            format!("{id}.targets.json"),
            json!({"Targets": list}).to_string(),
        )
    }

    fn parents(child: &str, parent: &str) -> (String, String) {
        let kind = if parent.starts_with("r-") {
            "ROOT"
        } else {
            "ORGANIZATIONAL_UNIT"
        };
        let text = json!({"Parents": [{"Id": parent, "Type": kind}]});
        (format!("{child}.parents.json"), text.to_string())
    }

    fn scps(ids: &[&str]) -> (String, String) {
        let list: Vec<_> = (ids.iter())
            .map(|id| json!({"Id": id, "Arn": "", "Name": id, "Type": "SERVICE_CONTROL_POLICY"}))
            .collect();
        (
            "scps.json".to_owned(),
            json!({"Policies": list}).to_string(),
        )
    }

    /// The account in ou-b, below ou-a, below the root; FullAWSAccess everywhere, a deny on ou-b
    /// and one on an OU elsewhere.
    fn organization() -> Vec<(String, String)> {
        vec![
            described("p-FullAWSAccess", "SERVICE_CONTROL_POLICY", "Allow"),
            described("p-deny", "SERVICE_CONTROL_POLICY", "Deny"),
            described("p-elsewhere", "SERVICE_CONTROL_POLICY", "Deny"),
            scps(&["p-FullAWSAccess", "p-deny", "p-elsewhere"]),
            targets(
                "p-FullAWSAccess",
                &[
                    ("r-ab12", "ROOT"),
                    ("ou-ab12-aaaaaaaa", "ORGANIZATIONAL_UNIT"),
                    ("ou-ab12-bbbbbbbb", "ORGANIZATIONAL_UNIT"),
                    ("ou-ab12-zzzzzzzz", "ORGANIZATIONAL_UNIT"),
                    (ACCOUNT, "ACCOUNT"),
                    ("444455556666", "ACCOUNT"),
                ],
            ),
            targets("p-deny", &[("ou-ab12-bbbbbbbb", "ORGANIZATIONAL_UNIT")]),
            targets(
                "p-elsewhere",
                &[
                    ("ou-ab12-zzzzzzzz", "ORGANIZATIONAL_UNIT"),
                    ("444455556666", "ACCOUNT"),
                ],
            ),
            parents(ACCOUNT, "ou-ab12-bbbbbbbb"),
            parents("ou-ab12-bbbbbbbb", "ou-ab12-aaaaaaaa"),
            parents("ou-ab12-aaaaaaaa", "r-ab12"),
        ]
    }

    #[test]
    fn policies_are_placed_on_the_accounts_path_by_their_targets_and_its_parents() {
        let OrgPolicies::Read {
            levels,
            organization_id,
            ..
        } = org_policies_from_files(&organization(), ACCOUNT, false, None).unwrap()
        else {
            panic!("read")
        };
        assert_eq!(organization_id.as_deref(), Some("o-abc123"));
        let placed: Vec<(LevelKind, &str, Vec<&str>)> = (levels.iter())
            .map(|l| {
                let ids = l.scps.iter().map(|p| p.id.as_str()).collect();
                (l.level.kind, l.level.id.as_str(), ids)
            })
            .collect();
        assert_eq!(
            placed,
            [
                (LevelKind::Root, "r-ab12", vec!["p-FullAWSAccess"]),
                (
                    LevelKind::OrganizationalUnit,
                    "ou-ab12-aaaaaaaa",
                    vec!["p-FullAWSAccess"]
                ),
                (
                    LevelKind::OrganizationalUnit,
                    "ou-ab12-bbbbbbbb",
                    vec!["p-FullAWSAccess", "p-deny"]
                ),
                (LevelKind::Account, ACCOUNT, vec!["p-FullAWSAccess"]),
            ]
        );
    }

    #[test]
    fn what_is_not_given_is_an_error_naming_the_command_never_not_attached() {
        let without = |drop: &str| {
            let files: Vec<_> = organization()
                .into_iter()
                .filter(|(n, _)| n != drop)
                .collect();
            org_policies_from_files(&files, ACCOUNT, false, None).unwrap_err()
        };
        // The account's parent: whether an OU's policy governs it is not known.
        let e = without(&format!("{ACCOUNT}.parents.json"));
        assert!(
            e.hint
                .as_deref()
                .unwrap_or_default()
                .contains(&format!("list-parents --child-id {ACCOUNT}")),
            "{e}"
        );
        // A parent above it.
        let e = without("ou-ab12-aaaaaaaa.parents.json");
        assert!(
            e.hint
                .as_deref()
                .unwrap_or_default()
                .contains("list-parents --child-id ou-ab12-aaaaaaaa"),
            "{e}"
        );
        // A policy of the organization without its targets.
        let e = without("p-deny.targets.json");
        assert!(
            e.hint
                .as_deref()
                .unwrap_or_default()
                .contains("list-targets-for-policy --policy-id p-deny"),
            "{e}"
        );
        // The organization's list: a policy attached on the path could be missing.
        let e = without("scps.json");
        assert!(
            e.hint
                .as_deref()
                .unwrap_or_default()
                .contains("list-policies --filter SERVICE_CONTROL_POLICY"),
            "{e}"
        );
        // A policy's content.
        let e = without("p-deny.json");
        assert!(
            e.hint
                .as_deref()
                .unwrap_or_default()
                .contains("describe-policy --policy-id p-deny"),
            "{e}"
        );
        // Checked without an account, the files' shapes hold.
        assert!(super::super::files::check_org_policy_files(&organization()).is_ok());
    }
}
