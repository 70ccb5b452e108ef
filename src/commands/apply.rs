//! `lambda-trust apply`: creates or repairs the role and its policies, then (with `[genesys]`)
//! the Genesys Cloud credential, integration and data actions, in the order the change set
//! gives (AWS first). Both sides are read and planned before anything is written.

use std::time::Instant;

use super::{genesys_live, prepare_live, write};
use crate::cli::{Format, Global};
use crate::core::change_set::ChangeSet;
use crate::core::plan::{self, PlanOptions};
use crate::error::{Result, Status};
use crate::report::{self, ApplyResult, Styles};

pub async fn run(g: &Global, adopt: bool, force: bool, styles: Styles) -> Result<Status> {
    let (clients, p) = prepare_live(g).await?;
    let mut gside = genesys_live::prepare(&clients, &p, g.verbose > 0).await?;
    let aws = plan::plan(&p.desired, &p.observed, PlanOptions { adopt })?;
    let genesys = match gside.as_mut() {
        Some(side) => Some(side.plan(adopt, force).await?),
        None => None,
    };
    let set = ChangeSet::converge(aws, genesys);
    if g.format == Format::Human {
        print!("{}", report::change_set_human(&set, styles));
    }
    let started = Instant::now();
    let writes = write::write(&clients, &set, gside.as_ref()).await?;
    match g.format {
        Format::Human if set.in_sync() => {}
        Format::Human => println!(
            "{} {} change(s) applied in {:.2}s. Run `lambda-trust verify` to prove the result.",
            styles.green("✓ applied:"),
            writes.total(),
            started.elapsed().as_secs_f64()
        ),
        _ => println!("{}", report::to_json(&ApplyResult::new(&set, writes))),
    }
    Ok(Status::Ok)
}
