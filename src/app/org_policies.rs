//! `lambda-trust org-policies`: one account's SCPs and RCPs, read from AWS Organizations with
//! the credentials that may read them (the management account's or a delegated
//! administrator's), written as the files `--org-policies DIR` reads — for whoever runs
//! `verify`, `check`, `prove` or `audit` with credentials that cannot. The same reader as the
//! whole path's (`aws::organizations`), the same file format (`iam::path::org_policy_files`,
//! whose files read back as the levels read), the organization's ID in each file.

use std::path::{Path, PathBuf};

use super::events::Events;
use super::settings::Settings;
use crate::aws::organizations::read_org_policies;
use crate::aws::Clients;
use crate::error::{Error, Result};
use crate::event::Read;
use lambda_trust_iam::{org_policy_files, OrgPolicies};

/// What was written.
#[derive(Debug, Clone)]
pub(crate) struct Written {
    pub account: String,
    /// The organization's ID, as each file carries it.
    pub organization: Option<String>,
    pub directory: PathBuf,
    /// The files, in path order (root, OUs, account), each with what it holds.
    pub files: Vec<WrittenFile>,
}

/// One file written.
#[derive(Debug, Clone)]
pub(crate) struct WrittenFile {
    pub file: String,
    /// `SCP` or `RCP`.
    pub kind: String,
    pub id: String,
    pub name: String,
    /// The level, as the Organizations console names it (`OU Workloads (ou-…)`).
    pub level: String,
}

/// Reads `account`'s organization policies and writes them into `out` (made if missing),
/// all files or none. `out` must hold no `.json` file yet: `--org-policies` reads every one
/// (another account's path would be read too); checked before any call.
pub(crate) async fn export(
    settings: &Settings,
    events: &dyn Events,
    account: &str,
    out: &Path,
) -> Result<Written> {
    refuse_used(out)?;
    let clients = Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let what = Read::OrgPolicies {
        account: account.to_string(),
    };
    let walked = events
        .reading(what, read_org_policies(&clients, account))
        .await;
    let org = walked.policies;
    if let OrgPolicies::NotRead { reason } = &org {
        return Err(Error::usage(
            format!("the organization policies over account {account} could not be read: {reason}"),
            "run it with the organization's management account's credentials, or a delegated administrator's (--profile)",
        ));
    }
    let files = org_policy_files(&org, &walked.documents).map_err(|why| {
        Error::usage(
            format!("nothing to write for account {account}: {why}"),
            "give a member account of the organization (the account whose role `verify` judges)",
        )
    })?;
    let paths: Vec<PathBuf> = files.iter().map(|(name, _)| out.join(name)).collect();
    let pairs: Vec<(&Path, &str)> = (paths.iter().map(PathBuf::as_path))
        .zip(files.iter().map(|(_, text)| text.as_str()))
        .collect();
    super::files::write_all_or_nothing(&pairs)?;
    Ok(written(account, out, &org, &files))
}

/// `out` exists and already holds `.json` files: refused, naming one.
fn refuse_used(out: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    let taken = entries
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"));
    match taken {
        None => Ok(()),
        Some(p) => Err(Error::usage(
            format!("{} already holds {}", out.display(), p.display()),
            "give an empty or new directory: --org-policies reads every .json file in it",
        )),
    }
}

fn written(account: &str, out: &Path, org: &OrgPolicies, files: &[(String, String)]) -> Written {
    let (levels, organization) = match org {
        OrgPolicies::Read {
            levels,
            organization_id,
            ..
        } => (levels.as_slice(), organization_id.clone()),
        _ => (&[][..], None),
    };
    // The order `org_policy_files` writes in: each level's SCPs, then its RCPs.
    let policies = levels.iter().flat_map(|l| {
        let scps = l.scps.iter().map(move |p| ("SCP", p, &l.level));
        scps.chain(l.rcps.iter().map(move |p| ("RCP", p, &l.level)))
    });
    let files = (files.iter().zip(policies))
        .map(|((file, _), (kind, p, level))| WrittenFile {
            file: file.clone(),
            kind: kind.to_owned(),
            id: p.id.clone(),
            name: p.name.clone(),
            level: level.to_string(),
        })
        .collect();
    Written {
        account: account.to_owned(),
        organization,
        directory: out.to_path_buf(),
        files,
    }
}
