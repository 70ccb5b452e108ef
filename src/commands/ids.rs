//! `lambda-trust ids`: prints one environment's Genesys Cloud IDs (`app::ids`).

use super::invocation::Invocation;
use crate::app::Events;
use crate::error::{Result, Status};
use crate::report::IdsResult;

pub(super) async fn run(inv: &Invocation, events: &dyn Events) -> Result<Status> {
    let file = inv.config.one()?;
    let ids = crate::app::ids::ids(&inv.settings, events, &file).await?;
    inv.output
        .emit(&IdsResult::new(file.env.as_deref(), &ids))?;
    Ok(Status::Ok)
}
