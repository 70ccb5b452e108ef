//! `lambda-trust diff --env A --env B`: two live environments compared (`app::diff`).

use super::invocation::Invocation;
use crate::app::Events;
use crate::error::{Result, Status};
use crate::report::DiffResult;

pub(super) async fn run(inv: &Invocation, events: &dyn Events) -> Result<Status> {
    let files = inv.config.each_env()?;
    let compared = crate::app::diff::diff(&inv.settings, events, &files).await?;
    let result = DiffResult::new(&compared.environments, &compared.differences);
    inv.output.emit(&result)?;
    Ok(Status::ok_or(result.same, Status::Changes))
}
