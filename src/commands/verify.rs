//! `lambda-trust verify`: proves the live setup offline, optionally with a live probe; with
//! `[genesys]`, checks the Genesys Cloud side against what was proved (and, with
//! `--test-actions`, runs every data action end to end).

use std::time::Duration;

use super::genesys_live;
use super::invocation::Invocation;
use super::live::{aws_drift, prepare_live};
use super::progress::spinner;
use crate::aws::probe;
use crate::core::change_set::Side;
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
    /// `--only`: verify one side alone.
    pub only: Option<Side>,
}

pub(super) async fn run(inv: &Invocation, options: Options) -> Result<Status> {
    let (clients, prepared) = prepare_live(inv).await?;
    genesys_live::check_only(options.only, &prepared.loaded.config)?;
    let aws = options.only != Some(Side::Genesys);
    let mut checks = Vec::new();
    if aws {
        checks = verify::checks(&prepared.desired, &prepared.observed);
    }
    if let (true, Some(profile)) = (aws, options.assume_profile) {
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
    // A Genesys Cloud failure is reported beside what AWS proved, never instead of it.
    let mut error = None;
    if options.only != Some(Side::Aws) {
        match genesys_checks_live(&clients, &prepared, inv.verbose, options.test_actions).await {
            Ok(genesys) => checks.extend(genesys),
            Err(e) => {
                error = Some(format!(
                    "the Genesys Cloud side was not verified: {}",
                    e.human()
                ))
            }
        }
    }
    let proofs = match aws {
        true => verify::proofs(&prepared.desired, &prepared.observed),
        false => Vec::new(),
    };
    let verification = verify::Verification::new(checks).with_proofs(proofs);
    // What changed on AWS, and who changed it (CloudTrail): only when something drifted.
    // A state the planner refuses is `plan`'s to explain; the verdict above stands either way.
    let drift = match aws {
        true => aws_drift(&clients, &prepared, &crate::aws::trail::pacer())
            .await
            .unwrap_or_else(|e| {
                eprintln!("warning: what changed on AWS is not listed: {e}");
                Vec::new()
            }),
        false => Vec::new(),
    };
    inv.output.emit(&VerifyResult {
        schema_version: report::SCHEMA_VERSION,
        verification: &verification,
        changes: (!drift.is_empty()).then_some(drift.as_slice()),
        error: error.as_deref(),
    })?;
    if error.is_some() {
        return Ok(Status::Invalid);
    }
    Ok(Status::ok_or(verification.passed, Status::Denied))
}

/// Signs in to Genesys Cloud and runs its checks; none without `[genesys]`.
async fn genesys_checks_live(
    clients: &crate::aws::Clients,
    prepared: &crate::aws::prepare::Prepared,
    verbose: bool,
    test_actions: bool,
) -> Result<Vec<Check>> {
    match genesys_live::prepare(clients, prepared, verbose).await? {
        Some(side) => genesys_part(&side, prepared, test_actions).await,
        None => Ok(Vec::new()),
    }
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
