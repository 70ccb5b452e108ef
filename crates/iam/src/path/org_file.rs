//! One organization policy file as lambda-trust writes and reads it (`--org-policies DIR`,
//! `org-policies --out DIR`): its kinds, its JSON, the error that names a file and what to fix,
//! and the writer of one account's files. Part of `path`; pure. The readers are `path::files`
//! (lambda-trust's files) and `path::cli_files` (the AWS CLI's outputs), both below this one.

use lambda_trust_verdict::Problem;
use serde::Deserialize;

use super::vocabulary::{Level, LevelKind, OrgPolicies, OrgPolicy};

/// The kind of an organization policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(super) enum OrgPolicyFileKind {
    /// A service control policy.
    #[serde(rename = "SCP")]
    Scp,
    /// A resource control policy.
    #[serde(rename = "RCP")]
    Rcp,
}

/// A file that cannot be used, with what to fix: the message names the file.
pub(super) fn error(file: &str, message: impl Into<String>, hint: &str) -> Problem {
    Problem {
        message: format!("{file}: {}", message.into()),
        hint: Some(hint.to_owned()),
    }
}

/// The files [`org_policies_from_files`](super::files::org_policies_from_files) reads back as `org` (one account's levels, read from
/// AWS Organizations): one `(name, JSON text)` per policy and level, named
/// `DEPTH-LEVEL-KIND-POLICY.json` so a listing shows the path in order. `documents` holds each
/// policy's document by policy ID, as AWS stores it; a policy without one is an error naming
/// it. `Err` also when `org` holds no levels to write (no organization, the management account,
/// not read), saying why.
pub fn org_policy_files(
    org: &OrgPolicies,
    documents: &std::collections::BTreeMap<String, serde_json::Value>,
) -> Result<Vec<(String, String)>, String> {
    let (levels, organization) = match org {
        OrgPolicies::Read {
            management_account: true,
            ..
        } => return Err("it is the organization's management account, which SCPs and RCPs do not restrict: there is nothing to write".into()),
        OrgPolicies::Read {
            levels,
            organization_id,
            ..
        } => (levels, organization_id),
        OrgPolicies::NoOrganization => {
            return Err("it is in no organization: no SCP or RCP applies".into())
        }
        OrgPolicies::NotRead { reason } => return Err(format!("its policies were not read: {reason}")),
    };
    let mut out = Vec::new();
    for (depth, level) in levels.iter().enumerate() {
        let kinds = [
            (OrgPolicyFileKind::Scp, &level.scps),
            (OrgPolicyFileKind::Rcp, &level.rcps),
        ];
        for (kind, policies) in kinds {
            for p in policies {
                let stand_in = super::not_enabled::stand_in_document(&p.id);
                let document = (documents.get(&p.id).or(stand_in.as_ref()))
                    .ok_or_else(|| format!("the document of {} ({}) was not read", p.name, p.id))?;
                let file = file_json(
                    kind,
                    p,
                    &level.level,
                    depth,
                    document,
                    organization.as_deref(),
                );
                let name = format!(
                    "{depth:02}-{}-{}-{}-{}.json",
                    level_word(level.level.kind),
                    level.level.id,
                    kind_word(kind),
                    p.id
                );
                out.push((name, format!("{file:#}\n")));
            }
        }
    }
    Ok(out)
}

pub(super) fn file_json(
    kind: OrgPolicyFileKind,
    p: &OrgPolicy,
    level: &Level,
    depth: usize,
    document: &serde_json::Value,
    organization: Option<&str>,
) -> serde_json::Value {
    let mut at = serde_json::json!({"kind": level.kind, "id": level.id, "name": level.name});
    if level.kind == LevelKind::OrganizationalUnit {
        at["depth"] = serde_json::json!(depth);
    }
    let mut file = serde_json::json!({"kind": kind_word(kind).to_uppercase(), "id": p.id,
        "name": p.name, "level": at, "document": document});
    if let Some(o) = organization {
        file["organization"] = serde_json::json!(o);
    }
    file
}

pub(super) fn kind_word(kind: OrgPolicyFileKind) -> &'static str {
    match kind {
        OrgPolicyFileKind::Scp => "scp",
        OrgPolicyFileKind::Rcp => "rcp",
    }
}

fn level_word(kind: LevelKind) -> &'static str {
    match kind {
        LevelKind::Root => "root",
        LevelKind::OrganizationalUnit => "ou",
        LevelKind::Account => "account",
    }
}
