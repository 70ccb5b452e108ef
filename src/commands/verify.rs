//! `lambda-trust verify`: proves the live setup offline, optionally with a live probe; with
//! `[genesys]`, checks the Genesys Cloud side against what was proved (and, with
//! `--test-actions`, runs every data action end to end).

use std::time::Duration;

use super::genesys_live;
use super::invocation::Invocation;
use super::live::{aws_drift, prepare_live};
use super::progress::spinner;
use crate::aws::probe;
use crate::core::genesys::genesys_checks;
use crate::core::verify::{self, Check, CheckId};
use crate::error::{Result, Status};
use crate::genesys::Session;
use crate::report::{self, VerifyResult};

/// What `verify` does beyond the offline proof.
pub(super) struct Options {
    /// `--assume-profile`: assume the role with this profile and dry-run invoke every target.
    pub assume_profile: Option<String>,
    /// `--wait`: how long the live probe retries while IAM propagates.
    pub wait: Duration,
    /// `--test-actions`: run every data action end to end in Genesys Cloud.
    pub test_actions: bool,
}

pub(super) async fn run(inv: &Invocation, options: Options) -> Result<Status> {
    let (clients, prepared) = prepare_live(inv).await?;
    let genesys = genesys_live::prepare(&clients, &prepared, inv.verbose).await?;
    let mut checks = verify::checks(&prepared.desired, &prepared.observed);
    if let Some(profile) = options.assume_profile {
        let pb = spinner("live probe");
        let settings = probe::ProbeSettings {
            profile,
            wait: options.wait,
            endpoint_url: inv.aws.endpoint_url.clone(),
        };
        let live = probe::probe(&settings, &prepared.desired, &prepared.observed, |m| {
            pb.set_message(m.to_string())
        })
        .await;
        pb.finish_and_clear();
        checks.extend(live);
    }
    if let Some(side) = &genesys {
        checks.extend(genesys_part(side, &prepared, options.test_actions).await?);
    }
    let proofs = verify::proofs(&prepared.desired, &prepared.observed);
    let verification = verify::Verification::new(checks).with_proofs(proofs);
    // What changed on AWS, and who changed it (CloudTrail): only when something drifted.
    // A state the planner refuses is `plan`'s to explain; the verdict above stands either way.
    let drift = aws_drift(&clients, &prepared, &crate::aws::trail::pacer())
        .await
        .unwrap_or_else(|e| {
            eprintln!("warning: what changed on AWS is not listed: {e}");
            Vec::new()
        });
    inv.output.emit(&VerifyResult {
        schema_version: report::SCHEMA_VERSION,
        verification: &verification,
        changes: (!drift.is_empty()).then_some(drift.as_slice()),
    })?;
    Ok(Status::ok_or(verification.passed, Status::Denied))
}

/// The Genesys checks; with `test_actions`, one more per action: its end-to-end test run.
pub(super) async fn genesys_part(
    side: &Session,
    prepared: &crate::aws::prepare::Prepared,
    test_actions: bool,
) -> Result<Vec<Check>> {
    let role = prepared.observed.role.as_ref().map(|r| r.arn.as_str());
    let mut checks = genesys_checks(&side.desired, &side.observed, role);
    if test_actions {
        for d in &side.desired.actions {
            let action = side
                .observed
                .actions
                .iter()
                .find(|a| a.def.name == d.def.name);
            let (passed, detail) = match action {
                Some(a) => {
                    crate::genesys::test_run::test_action(&side.client, &a.id, &d.sample_input)
                        .await?
                }
                None => (false, "the action does not exist".to_string()),
            };
            checks.push(Check {
                code: CheckId::GenesysTestRun,
                name: format!("genesys: test run of action {:?}", d.def.name),
                passed,
                detail,
            });
        }
    }
    Ok(checks)
}
