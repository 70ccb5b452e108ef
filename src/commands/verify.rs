//! `lambda-trust verify`: proves the live setup offline, optionally with a live probe; with
//! `[genesys]`, checks the Genesys Cloud side too (`app::verify`).

use crate::app::verify::{self, Options};
use crate::app::Events;
use crate::error::{Result, Status};
use crate::report::{self, VerifyResult};

use super::invocation::Invocation;

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
