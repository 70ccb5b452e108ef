//! Organization policies as the AWS CLI gives them, saved as files in `--org-policies DIR`
//! beside (or instead of) lambda-trust's own policy files: for each level on the account's
//! path, `aws organizations list-policies-for-target --target-id TARGET --filter
//! SERVICE_CONTROL_POLICY` (and `RESOURCE_CONTROL_POLICY`) saved in a file named after the
//! target (`r-ab12.scps.json`, `ou-ab12-cdef3456.json`, `111122223333.rcps.json`: its output
//! does not name the target), and for each policy listed, `aws organizations describe-policy
//! --policy-id ID` (any file name). Each pair becomes the policy file lambda-trust reads (AWS
//! Organizations API Reference: `ListPoliciesForTarget`, `DescribePolicy`).
//!
//! Part of `path::files`; pure — the caller reads the directory. OUs are placed in the order of
//! their files' names (what a level's policies decide does not depend on it).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use super::super::model::Policy;
use super::cli_targets;
use super::org_file::{error, file_json, OrgPolicyFileKind};
use super::vocabulary::{Level, LevelKind, OrgPolicy};
use lambda_trust_verdict::Problem;

/// A `PolicySummary` (`describe-policy`'s, or one of `list-policies-for-target`'s).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Summary {
    id: String,
    #[serde(default)]
    arn: String,
    #[serde(default)]
    name: String,
    #[serde(rename = "Type", default)]
    kind: String,
}

/// `describe-policy`'s output.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    policy: DescribedPolicy,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribedPolicy {
    policy_summary: Summary,
    content: String,
}

/// `list-policies-for-target`'s output.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Listed {
    policies: Vec<Summary>,
}

/// `list-roots`' output: the root's ID and the policy types enabled on it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Roots {
    roots: Vec<Root>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Root {
    id: String,
    #[serde(default)]
    policy_types: Vec<RootPolicyType>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RootPolicyType {
    #[serde(rename = "Type")]
    kind: String,
    status: String,
}

/// The organization's root as `list-roots` gives it: the file, the root's ID and the kinds
/// (SCP, RCP) not enabled on it.
#[derive(Debug, Default)]
pub(super) struct RootRead {
    pub(super) file: String,
    pub(super) id: String,
    pub(super) not_enabled: Vec<OrgPolicyFileKind>,
}

/// What the files give: lambda-trust's policy files, and the root when `list-roots` is given.
pub(super) struct Translated {
    pub(super) files: Vec<(String, String)>,
    pub(super) root: Option<RootRead>,
}

/// `files` with every AWS CLI output turned into lambda-trust's policy files; the others as
/// they are. A listed policy whose content is not given, or a listing whose file does not
/// name its target, is an error naming the file and the command that gives what is missing.
/// `account`: the account whose path the policies are placed on (`None`: the files are only
/// checked, and policies placed by their targets are left out).
pub(super) fn translated(
    files: &[(String, String)],
    account: Option<&str>,
) -> Result<Translated, Problem> {
    let mut out = outputs(files)?;
    let path = match account {
        Some(a) => cli_targets::path_of(&out.parents, a)?,
        None => None,
    };
    let mut placed = Placed::default();
    from_listings(&out, path.as_deref(), &mut placed)?;
    from_targets(&out, account, path.as_deref(), &mut placed)?;
    out.others.extend(placed.files);
    Ok(Translated {
        files: out.others,
        root: out.root,
    })
}

/// The policy files made so far, each (level, policy) once.
#[derive(Default)]
struct Placed {
    seen: BTreeSet<(String, String)>,
    files: Vec<(String, String)>,
}

impl Placed {
    /// Policy `s` at `level` (`depth` from the root), with its content from `contents`.
    fn add(
        &mut self,
        file: &str,
        s: &Summary,
        level: (LevelKind, &str, usize),
        contents: &BTreeMap<String, (Summary, Value)>,
    ) -> Result<(), Problem> {
        let Some(file_kind) = policy_kind(&s.kind) else {
            return Ok(());
        };
        let (described, document) = contents.get(&s.id).ok_or_else(|| {
            let hint = format!(
                "add the output of `aws organizations describe-policy --policy-id {}`",
                s.id
            );
            let what = format!("the content of policy {} ({}) is not given", s.name, s.id);
            error(file, what, &hint)
        })?;
        let (kind, id, depth) = level;
        if !self.seen.insert((id.to_owned(), s.id.clone())) {
            return Ok(());
        }
        let level = Level {
            kind,
            id: id.to_owned(),
            name: id.to_owned(),
        };
        let p = OrgPolicy {
            id: s.id.clone(),
            name: described.name.clone(),
            policy: Policy {
                version: None,
                id: None,
                statements: Vec::new(),
            },
        };
        let organization = organization(&described.arn);
        let json = file_json(file_kind, &p, &level, depth, document, organization);
        self.files
            .push((format!("{file}#{}", s.id), json.to_string()));
        Ok(())
    }
}

/// The policies of each `list-policies-for-target` listing at its target's level. OUs sit
/// where the account's parents put them, or, without those, in the order of their files'
/// names (what a level's policies decide does not depend on it).
fn from_listings(
    out: &Outputs,
    path: Option<&[String]>,
    placed: &mut Placed,
) -> Result<(), Problem> {
    let mut listings: Vec<&(String, Vec<Summary>)> = out.listings.iter().collect();
    listings.sort_by_key(|(name, _)| (level_of(name).map(|(k, _)| k as u8), name.clone()));
    let mut depth = 0;
    for (name, policies) in listings {
        let (kind, id) = level_of(name)
            .ok_or_else(|| error(name, "the file does not name the target it lists", LIST))?;
        if kind == LevelKind::OrganizationalUnit {
            depth = match path {
                Some(path) => {
                    1 + path.iter().position(|ou| *ou == id).ok_or_else(|| {
                        let what = format!("OU {id} is not on the account's path its parents give");
                        error(
                            name,
                            what,
                            "give only the listings of the account's own path",
                        )
                    })?
                }
                None => depth + 1,
            };
        }
        for s in policies {
            placed.add(name, s, (kind, &id, depth), &out.contents)?;
        }
    }
    Ok(())
}

/// The policies placed by their targets (`list-targets-for-policy`), once the organization's
/// lists (`list-policies`) show that every policy of their kinds has its targets given.
fn from_targets(
    out: &Outputs,
    account: Option<&str>,
    path: Option<&[String]>,
    placed: &mut Placed,
) -> Result<(), Problem> {
    let lists: Vec<(String, Vec<String>)> = (out.org_lists.iter())
        .map(|(f, ps)| (f.clone(), ps.iter().map(|s| s.id.clone()).collect()))
        .collect();
    let with_targets: BTreeSet<String> = out.targets.keys().cloned().collect();
    cli_targets::check_complete(&lists, &with_targets)?;
    for (policy, (file, targets)) in &out.targets {
        let listed = (out.org_lists.iter())
            .flat_map(|(_, ps)| ps)
            .find(|s| s.id == *policy);
        let Some(summary) = listed else {
            let what = format!("policy {policy} is in no list of the organization's policies");
            return Err(error(file, what, ORG_LIST));
        };
        for (kind, id, depth) in cli_targets::levels_on_path(file, targets, account, path)? {
            placed.add(file, summary, (kind, &id, depth), &out.contents)?;
        }
    }
    Ok(())
}

/// The files sorted by what they hold: policies' contents (`describe-policy`), listings of a
/// target's policies (`list-policies-for-target`), the organization's lists (`list-policies`),
/// policies' targets (`list-targets-for-policy`), parents (`list-parents`), and the others.
#[derive(Default)]
struct Outputs {
    contents: BTreeMap<String, (Summary, Value)>,
    listings: Vec<(String, Vec<Summary>)>,
    org_lists: Vec<(String, Vec<Summary>)>,
    targets: BTreeMap<String, (String, Vec<cli_targets::Target>)>,
    parents: BTreeMap<String, String>,
    root: Option<RootRead>,
    others: Vec<(String, String)>,
}

fn outputs(files: &[(String, String)]) -> Result<Outputs, Problem> {
    let mut out = Outputs::default();
    for (name, text) in files {
        let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        if v.get("Policy").is_some() {
            let d: Described =
                serde_json::from_value(v).map_err(|e| error(name, e.to_string(), DESCRIBE))?;
            let document: Value = serde_json::from_str(&d.policy.content)
                .map_err(|e| error(name, format!("its Content is not JSON: {e}"), DESCRIBE))?;
            let summary = d.policy.policy_summary;
            out.contents.insert(summary.id.clone(), (summary, document));
        } else if v.get("Policies").is_some() {
            let l: Listed =
                serde_json::from_value(v).map_err(|e| error(name, e.to_string(), LIST))?;
            match level_of(name) {
                Some(_) => out.listings.push((name.clone(), l.policies)),
                None => out.org_lists.push((name.clone(), l.policies)),
            }
        } else if v.get("Targets").is_some() {
            let t: cli_targets::Targets = serde_json::from_value(v)
                .map_err(|e| error(name, e.to_string(), cli_targets::TARGETS))?;
            let policy = cli_targets::policy_of(name)?;
            out.targets.insert(policy, (name.clone(), t.targets));
        } else if v.get("Roots").is_some() {
            let r: Roots =
                serde_json::from_value(v).map_err(|e| error(name, e.to_string(), ROOTS))?;
            out.root = Some(root_read(name, r)?);
        } else if v.get("Parents").is_some() {
            let p: cli_targets::Parents = serde_json::from_value(v)
                .map_err(|e| error(name, e.to_string(), cli_targets::PARENTS))?;
            let (child, parent) = cli_targets::parent_of(name, p)?;
            out.parents.insert(child, parent);
        } else {
            out.others.push((name.clone(), text.clone()));
        }
    }
    if out.targets.is_empty() {
        if let Some((name, _)) = out.org_lists.first() {
            let what =
                "the file does not name the target it lists, and no policy's targets are given";
            return Err(error(name, what, LIST));
        }
    }
    Ok(out)
}

const ROOTS: &str = "give the output of `aws organizations list-roots` as it is";

/// The one root of `list-roots`, with the kinds not enabled on it.
fn root_read(file: &str, r: Roots) -> Result<RootRead, Problem> {
    let [root] = <[Root; 1]>::try_from(r.roots)
        .map_err(|_| error(file, "an organization has exactly one root", ROOTS))?;
    let enabled =
        |kind: &str| (root.policy_types.iter()).any(|t| t.kind == kind && t.status == "ENABLED");
    let not_enabled = [
        ("SERVICE_CONTROL_POLICY", OrgPolicyFileKind::Scp),
        ("RESOURCE_CONTROL_POLICY", OrgPolicyFileKind::Rcp),
    ]
    .into_iter()
    .filter(|(kind, _)| !enabled(kind))
    .map(|(_, k)| k)
    .collect();
    Ok(RootRead {
        file: file.to_owned(),
        id: root.id,
        not_enabled,
    })
}

const DESCRIBE: &str =
    "give the output of `aws organizations describe-policy --policy-id ID` as it is";
const LIST: &str = "name each `aws organizations list-policies-for-target --target-id TARGET` output after its target: r-…, ou-…-…, or the account ID (e.g. ou-ab12-cdef3456.scps.json); the organization's whole list (`aws organizations list-policies`) goes with each policy's `list-targets-for-policy` output";
const ORG_LIST: &str = "add the output of `aws organizations list-policies --filter SERVICE_CONTROL_POLICY` (or RESOURCE_CONTROL_POLICY) as scps.json (rcps.json): without it a policy attached on the account's path could be missing";

/// The level a listing's file names: its name up to the first `.`.
fn level_of(file: &str) -> Option<(LevelKind, String)> {
    let id = cli_targets::base(file).to_owned();
    let kind = if id.starts_with("r-") {
        LevelKind::Root
    } else if id.starts_with("ou-") {
        LevelKind::OrganizationalUnit
    } else if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        LevelKind::Account
    } else {
        return None;
    };
    Some((kind, id))
}

/// An SCP or an RCP; any other policy type (tag, backup, …) governs no request.
fn policy_kind(kind: &str) -> Option<OrgPolicyFileKind> {
    match kind {
        "SERVICE_CONTROL_POLICY" => Some(OrgPolicyFileKind::Scp),
        "RESOURCE_CONTROL_POLICY" => Some(OrgPolicyFileKind::Rcp),
        _ => None,
    }
}

/// The organization a policy's ARN names (`arn:aws:organizations::MGMT:policy/o-…/…`); none
/// for an AWS managed policy (`…::aws:policy/service_control_policy/p-FullAWSAccess`).
fn organization(arn: &str) -> Option<&str> {
    arn.split_once(":policy/")
        .and_then(|(_, rest)| rest.split('/').next())
        .filter(|o| o.starts_with("o-"))
}

#[cfg(test)]
mod tests {
    use super::super::files::org_policies_from_files;
    use super::super::vocabulary::{LevelKind, OrgPolicies};
    use serde_json::json;

    fn described(
        id: &str,
        name: &str,
        kind: &str,
        arn: &str,
        content: serde_json::Value,
    ) -> String {
        json!({"Policy": {"PolicySummary": {"Id": id, "Arn": arn, "Name": name,
            "Description": "", "Type": kind, "AwsManaged": false},
            "Content": content.to_string()}})
        .to_string()
    }

    fn listed(policies: &[(&str, &str, &str)]) -> String {
        let list: Vec<_> = (policies.iter())
            .map(|(id, name, kind)| json!({"Id": id, "Arn": "", "Name": name, "Type": kind}))
            .collect();
        json!({"Policies": list}).to_string()
    }

    #[test]
    fn the_aws_clis_outputs_read_as_the_levels_from_the_root() {
        let allow = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "*", "Resource": "*"}]});
        let rcp = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
            "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}]});
        let files = vec![
            ("p-full.json".to_owned(), described("p-FullAWSAccess", "FullAWSAccess",
                "SERVICE_CONTROL_POLICY",
                "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
                allow)),
            ("p-rcp.json".to_owned(), described("p-rcp1", "Perimeter", "RESOURCE_CONTROL_POLICY",
                "arn:aws:organizations::999999999999:policy/o-abc123/resource_control_policy/p-rcp1",
                rcp)),
            ("r-ab12.scps.json".to_owned(),
                listed(&[("p-FullAWSAccess", "FullAWSAccess", "SERVICE_CONTROL_POLICY")])),
            ("r-ab12.rcps.json".to_owned(),
                listed(&[("p-rcp1", "Perimeter", "RESOURCE_CONTROL_POLICY")])),
            ("ou-ab12-11111111.json".to_owned(),
                listed(&[("p-FullAWSAccess", "FullAWSAccess", "SERVICE_CONTROL_POLICY")])),
            ("111122223333.json".to_owned(),
                listed(&[("p-FullAWSAccess", "FullAWSAccess", "SERVICE_CONTROL_POLICY")])),
        ];
        let OrgPolicies::Read {
            levels,
            organization_id,
            ..
        } = org_policies_from_files(&files, "111122223333", false, None).unwrap()
        else {
            panic!("read")
        };
        assert_eq!(organization_id.as_deref(), Some("o-abc123"));
        let kinds: Vec<LevelKind> = levels.iter().map(|l| l.level.kind).collect();
        assert_eq!(
            kinds,
            [
                LevelKind::Root,
                LevelKind::OrganizationalUnit,
                LevelKind::Account
            ]
        );
        assert_eq!(levels[0].rcps[0].name, "Perimeter");
        assert_eq!(levels[0].scps[0].name, "FullAWSAccess");
        // A listed policy without its content, a listing not named after its target: errors
        // naming the command that gives what is missing.
        let e = org_policies_from_files(&files[2..], "111122223333", false, None).unwrap_err();
        assert!(
            e.hint
                .as_deref()
                .unwrap_or_default()
                .contains("describe-policy --policy-id p-rcp1"),
            "{e}"
        );
        let mut unnamed = files.clone();
        unnamed[2].0 = "scps.json".to_owned();
        let e = org_policies_from_files(&unnamed, "111122223333", false, None).unwrap_err();
        assert!(
            e.hint
                .as_deref()
                .unwrap_or_default()
                .contains("list-policies-for-target"),
            "{e}"
        );
    }
}
