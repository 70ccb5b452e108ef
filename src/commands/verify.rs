//! `lambda-trust verify`: proves the live setup offline, optionally with a live probe; with
//! `[genesys]`, checks the Genesys Cloud side too (`app::verify`). A config with environments
//! is verified in each one asked for (every one when none is), concurrently.

use crate::app::verify::{self, Options, Verified};
use std::time::Duration;

use crate::app::Events;
use crate::cli::VerifyArgs;
use crate::error::{Result, Status};
use crate::report::{self, VerifyEnvironmentsResult, VerifyResult};
use lambda_trust_config::ConfigFile;

use super::invocation::Invocation;

/// The flags as the workflow's options, one per environment verified (the config is resolved
/// here: `--config`, `--env` and the rest).
pub(super) fn options(inv: &Invocation, args: &VerifyArgs) -> Result<Vec<Options>> {
    let options = |config: ConfigFile| Options {
        config,
        assume_profile: args.assume_profile.clone(),
        wait: Duration::from_secs(args.wait),
        test_actions: args.test_actions,
        only: args.only.side(),
        org_policies: args.org.org_policies.clone(),
        function_policies: super::binding::policy_source(args.function_policies),
    };
    Ok(inv.config.each_env()?.into_iter().map(options).collect())
}

pub(super) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    mut options: Vec<Options>,
) -> Result<Status> {
    if options.len() == 1 {
        let one = options.remove(0);
        let verified = verify::verify(&inv.settings, events, one).await?;
        inv.output.emit(&result(&verified))?;
        return Ok(status(&verified));
    }
    let all = options
        .into_iter()
        .map(|one| verify::verify(&inv.settings, events, one));
    let verified: Vec<Verified> = (futures::future::join_all(all).await)
        .into_iter()
        .collect::<Result<_>>()?;
    let environments: Vec<VerifyResult<'_>> = verified.iter().map(result).collect();
    let statuses: Vec<Status> = verified.iter().map(status).collect();
    inv.output.emit(&VerifyEnvironmentsResult {
        schema_version: report::SCHEMA_VERSION,
        passed: statuses.iter().all(|s| *s == Status::Ok),
        environments,
    })?;
    Ok(worst(&statuses))
}

/// One environment's (or the config's) result.
fn result(verified: &Verified) -> VerifyResult<'_> {
    let drift = &verified.drift;
    VerifyResult {
        schema_version: report::SCHEMA_VERSION,
        environment: verified.environment.as_deref(),
        subject: Some(&verified.subject),
        verification: &verified.verification,
        changes: (!drift.is_empty()).then_some(drift.as_slice()),
        error: verified.error.as_deref(),
        guarded: verified.guarded,
    }
}

/// Exit 1 when a side was not verified, 3 when something did not pass.
fn status(verified: &Verified) -> Status {
    if verified.error.is_some() {
        return Status::Invalid;
    }
    Status::ok_or(verified.verification.passed, Status::Denied)
}

/// Several environments: a side not verified anywhere first (as for one), then a failure.
fn worst(statuses: &[Status]) -> Status {
    [Status::Invalid, Status::Denied]
        .into_iter()
        .find(|s| statuses.contains(s))
        .unwrap_or(Status::Ok)
}
