//! `lambda-trust verify`: proves the live setup offline, optionally with a live probe.

use std::time::Duration;

use super::{prepare_live, spinner};
use crate::aws::probe;
use crate::cli::{Format, Global};
use crate::core::verify;
use crate::error::{Result, Status};
use crate::report::{self, Styles};

pub async fn run(
    g: &Global,
    assume_profile: Option<String>,
    wait: Duration,
    styles: Styles,
) -> Result<Status> {
    let (_clients, p) = prepare_live(g).await?;
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
    let v = verify::Verification::new(checks).with_proofs(verify::proofs(&p.desired, &p.observed));
    match g.format {
        Format::Human => print!("{}", report::verification_human(&v, styles)),
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&report::verification_json(&v))?
        ),
    }
    Ok(if v.passed { Status::Ok } else { Status::Denied })
}
