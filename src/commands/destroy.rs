//! `lambda-trust destroy`: deletes what lambda-trust created, after showing it — with
//! `[genesys]`, its Genesys Cloud objects first (they call the role), then the AWS side: the
//! change set's retiring order.

use super::{genesys_live, prepare_live, write};
use crate::cli::{Format, Global};
use crate::core::change_set::{ChangeSet, Side};
use crate::core::plan;
use crate::error::{Result, Status};
use crate::report::{self, DestroyResult, PlanResult, Styles, Writes};

pub async fn run(g: &Global, yes: bool, force: bool, styles: Styles) -> Result<Status> {
    let (clients, p) = prepare_live(g).await?;
    let mut gside = genesys_live::prepare(&clients, &p, g.verbose > 0).await?;
    let (aws, notes) = plan::plan_destroy(&p.observed)?;
    let (genesys, gnotes) = match gside.as_mut() {
        Some(side) => {
            let (plan, kept) = side.plan_destroy(force).await?;
            (Some(plan), kept)
        }
        None => (None, Vec::new()),
    };
    for n in notes.iter().chain(&gnotes) {
        eprintln!("note: {n}");
    }
    let set = ChangeSet::retire(aws, genesys);
    if set.in_sync() {
        // Without --yes the answer is a plan (in sync); with it, a destroy that wrote nothing.
        match (g.format, yes) {
            (Format::Human, _) => println!("{} nothing to delete.", styles.green("✓")),
            (_, false) => println!("{}", report::to_json(&PlanResult::new(&set))),
            (_, true) => {
                let result = DestroyResult::new(&set, Writes::default());
                println!("{}", report::to_json(&result))
            }
        }
        return Ok(Status::Ok);
    }
    if !yes {
        match g.format {
            Format::Human => {
                print!("{}", what_would_go(&set, styles));
                println!("Nothing was deleted. Run again with --yes to delete the above.")
            }
            _ => println!("{}", report::to_json(&PlanResult::new(&set))),
        }
        return Ok(Status::Changes);
    }
    if g.format == Format::Human {
        print!("{}", what_would_go(&set, styles));
    }
    let writes = write::write(&clients, &set, gside.as_ref()).await?;
    match g.format {
        Format::Human => println!(
            "{} deleted ({} write call(s)).",
            styles.green("✓"),
            writes.total()
        ),
        _ => println!("{}", report::to_json(&DestroyResult::new(&set, writes))),
    }
    Ok(Status::Ok)
}

/// The deletions, in the order they are made; a side with nothing to delete is not shown.
fn what_would_go(set: &ChangeSet, styles: Styles) -> String {
    set.write_order()
        .map(|side| match (side, &set.genesys) {
            (Side::Genesys, Some(g)) => report::genesys_plan_human(g, styles),
            (Side::Genesys, None) => String::new(),
            (Side::Aws, _) => report::plan_human(&set.aws, styles),
        })
        .collect()
}
