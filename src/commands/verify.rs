//! `lambda-trust verify`: proves the live setup offline, optionally with a live probe; with
//! `[genesys]`, checks the Genesys Cloud side against what was proved (and, with
//! `--test-actions`, runs every data action end to end).

use std::time::Duration;

use super::{genesys_live, prepare_live, spinner};
use crate::aws::probe;
use crate::cli::{Format, Global};
use crate::core::genesys::genesys_checks;
use crate::core::verify::{self, Check, CheckId};
use crate::error::{Result, Status};
use crate::report::{self, Styles};

pub async fn run(
    g: &Global,
    assume_profile: Option<String>,
    wait: Duration,
    test_actions: bool,
    styles: Styles,
) -> Result<Status> {
    let (clients, p) = prepare_live(g).await?;
    let gside = genesys_live::prepare(&clients, &p, g.verbose > 0).await?;
    let mut checks = verify::checks(&p.desired, &p.observed);
    if let Some(profile) = assume_profile {
        let pb = spinner("live probe");
        let settings = probe::ProbeSettings {
            profile,
            wait,
            endpoint_url: g.aws.endpoint_url.clone(),
        };
        let live = probe::probe(&settings, &p.desired, &p.observed, |m| {
            pb.set_message(m.to_string())
        })
        .await;
        pb.finish_and_clear();
        checks.extend(live);
    }
    if let Some(side) = &gside {
        checks.extend(genesys_part(side, &p, test_actions).await?);
    }
    let v = verify::Verification::new(checks).with_proofs(verify::proofs(&p.desired, &p.observed));
    // What changed on AWS, and who changed it (CloudTrail): only when something drifted.
    // A state the planner refuses is `plan`'s to explain; the verdict above stands either way.
    let drift = super::check::aws_drift(&clients, &p, &crate::aws::trail::pacer())
        .await
        .unwrap_or_else(|e| {
            eprintln!("warning: what changed on AWS is not listed: {e}");
            Vec::new()
        });
    match g.format {
        Format::Human => print!(
            "{}{}",
            report::verification_human(&v, styles),
            report::changes_human(&drift, styles)
        ),
        _ => {
            let result = report::VerifyResult {
                schema_version: report::SCHEMA_VERSION,
                verification: &v,
                changes: (!drift.is_empty()).then_some(drift.as_slice()),
            };
            println!("{}", report::to_json(&result))
        }
    }
    Ok(if v.passed { Status::Ok } else { Status::Denied })
}

/// The Genesys checks; with `test_actions`, one more per action: its end-to-end test run.
pub async fn genesys_part(
    side: &genesys_live::GenesysSide,
    p: &crate::aws::prepare::Prepared,
    test_actions: bool,
) -> Result<Vec<Check>> {
    let role = p.observed.role.as_ref().map(|r| r.arn.as_str());
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
