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

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::super::model::Policy;
use super::files::{error, file_json, OrgFileError, OrgPolicyFileKind};
use super::{Level, LevelKind, OrgPolicy};

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

/// `files` with every AWS CLI output turned into lambda-trust's policy files; the others as
/// they are. A listed policy whose content is not given, or a listing whose file does not
/// name its target, is an error naming the file and the command that gives what is missing.
pub(super) fn translated(
    files: &[(String, String)],
) -> Result<Vec<(String, String)>, OrgFileError> {
    let Outputs {
        contents,
        mut listings,
        mut others,
    } = outputs(files)?;
    listings.sort_by_key(|(name, _)| (level_of(name).map(|(k, _)| k as u8), name.clone()));
    let mut depth = 0;
    for (name, policies) in &listings {
        let (kind, id) = level_of(name)
            .ok_or_else(|| error(name, "the file does not name the target it lists", LIST))?;
        if kind == LevelKind::OrganizationalUnit {
            depth += 1;
        }
        let level = Level {
            kind,
            id: id.clone(),
            name: id,
        };
        for s in policies {
            let Some(file_kind) = policy_kind(&s.kind) else {
                continue;
            };
            let (described, document) = contents.get(&s.id).ok_or_else(|| {
                let hint = format!(
                    "add the output of `aws organizations describe-policy --policy-id {}`",
                    s.id
                );
                let what = format!("the content of policy {} ({}) is not given", s.name, s.id);
                error(name, what, &hint)
            })?;
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
            let file = file_json(file_kind, &p, &level, depth, document, organization);
            others.push((format!("{name}#{}", s.id), file.to_string()));
        }
    }
    Ok(others)
}

/// The files sorted by what they hold: policies' contents (`describe-policy`), listings of a
/// target's policies (`list-policies-for-target`), and the others.
struct Outputs {
    contents: BTreeMap<String, (Summary, Value)>,
    listings: Vec<(String, Vec<Summary>)>,
    others: Vec<(String, String)>,
}

fn outputs(files: &[(String, String)]) -> Result<Outputs, OrgFileError> {
    let mut out = Outputs {
        contents: BTreeMap::new(),
        listings: Vec::new(),
        others: Vec::new(),
    };
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
            out.listings.push((name.clone(), l.policies));
        } else {
            out.others.push((name.clone(), text.clone()));
        }
    }
    Ok(out)
}

const DESCRIBE: &str =
    "give the output of `aws organizations describe-policy --policy-id ID` as it is";
const LIST: &str = "name each `aws organizations list-policies-for-target --target-id TARGET` output after its target: r-…, ou-…-…, or the account ID (e.g. ou-ab12-cdef3456.scps.json)";

/// The level a listing's file names: its name up to the first `.`.
fn level_of(file: &str) -> Option<(LevelKind, String)> {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let id = base.split('.').next().unwrap_or(base).to_owned();
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
    use super::super::{org_policies_from_files, LevelKind, OrgPolicies};
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
        assert!(e.hint.contains("describe-policy --policy-id p-rcp1"), "{e}");
        let mut unnamed = files.clone();
        unnamed[2].0 = "scps.json".to_owned();
        let e = org_policies_from_files(&unnamed, "111122223333", false, None).unwrap_err();
        assert!(e.hint.contains("list-policies-for-target"), "{e}");
    }
}
