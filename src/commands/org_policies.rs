//! `lambda-trust org-policies`: binds the flags, runs `app::org_policies::export` and emits
//! what was written.

use std::path::Path;

use super::invocation::Invocation;
use crate::app::org_policies::{export, Written};
use crate::app::Events;
use crate::error::{Result, Status};
use crate::report::{OrgPoliciesResult, OrgPolicyFileWritten, SCHEMA_VERSION};

pub(super) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    account: &str,
    out: &Path,
) -> Result<Status> {
    let written = export(&inv.settings, events, account, out).await?;
    inv.output.emit(&result(&written))?;
    Ok(Status::Ok)
}

fn result(w: &Written) -> OrgPoliciesResult {
    OrgPoliciesResult {
        schema_version: SCHEMA_VERSION,
        account: w.account.clone(),
        organization: w.organization.clone(),
        directory: w.directory.display().to_string(),
        files: (w.files.iter())
            .map(|f| OrgPolicyFileWritten {
                file: f.file.clone(),
                kind: f.kind.clone(),
                id: f.id.clone(),
                name: f.name.clone(),
                level: f.level.clone(),
            })
            .collect(),
    }
}
