//! `lambda-trust verify`: proves the live setup offline, optionally with a live probe; with
//! `[genesys]`, checks the Genesys Cloud side too (`app::verify`).

use crate::app::verify::{self, Options};
use std::time::Duration;

use crate::app::Events;
use crate::cli::VerifyArgs;
use crate::error::{Result, Status};
use crate::report::{self, VerifyResult};

use super::invocation::Invocation;

/// The flags as the workflow's options (the config is resolved here: `--config` and the rest).
pub(super) fn options(inv: &Invocation, args: &VerifyArgs) -> Result<Options> {
    Ok(Options {
        config: inv.config.one()?,
        assume_profile: args.assume_profile.clone(),
        wait: Duration::from_secs(args.wait),
        test_actions: args.test_actions,
        only: args.only.side(),
        org_policies: args.org.org_policies.clone(),
    })
}

pub(super) async fn run(inv: &Invocation, events: &dyn Events, options: Options) -> Result<Status> {
    let verified = verify::verify(&inv.settings, events, options).await?;
    let drift = &verified.drift;
    inv.output.emit(&VerifyResult {
        schema_version: report::SCHEMA_VERSION,
        subject: Some(&verified.subject),
        verification: &verified.verification,
        changes: (!drift.is_empty()).then_some(drift.as_slice()),
        error: verified.error.as_deref(),
    })?;
    if verified.error.is_some() {
        return Ok(Status::Invalid);
    }
    Ok(Status::ok_or(verified.verification.passed, Status::Denied))
}
