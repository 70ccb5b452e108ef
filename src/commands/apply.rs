//! `lambda-trust apply`: creates or repairs the role and its policies.

use std::time::Instant;

use serde_json::json;

use super::prepare_live;
use crate::aws::apply;
use crate::cli::{Format, Global};
use crate::core::describe::{describe, Action};
use crate::core::plan::{self, PlanOptions};
use crate::error::{Result, Status};
use crate::report::{self, Styles};

pub async fn run(g: &Global, adopt: bool, styles: Styles) -> Result<Status> {
    let (clients, p) = prepare_live(g).await?;
    let plan = plan::plan(&p.desired, &p.observed, PlanOptions { adopt })?;
    if plan.is_empty() {
        match g.format {
            Format::Human => print!("{}", report::plan_human(&plan, styles)),
            _ => println!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"applied": true, "writes": 0, "changes": []})
                )?
            ),
        }
        return Ok(Status::Ok);
    }
    if g.format == Format::Human {
        print!("{}", report::plan_human(&plan, styles));
    }
    let total = plan.ops.len();
    let started = Instant::now();
    let outcome = apply::apply(&clients, &plan, |i, op| {
        let v = describe(op);
        eprintln!(
            "[{}/{total}] {} {}",
            i + 1,
            match v.action {
                Action::Create => "creating",
                Action::Update => "updating",
                Action::Delete => "removing",
            },
            v.resource
        );
    })
    .await?;
    match g.format {
        Format::Human => println!(
            "{} {} change(s) applied in {:.2}s. Run `lambda-trust verify` to prove the result.",
            styles.green("✓ applied:"),
            outcome.writes,
            started.elapsed().as_secs_f64()
        ),
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "applied": true,
                "writes": outcome.writes,
                "changes": plan.ops.iter().map(describe).collect::<Vec<_>>(),
            }))?
        ),
    }
    Ok(Status::Ok)
}
