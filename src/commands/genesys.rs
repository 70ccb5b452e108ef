//! `lambda-trust genesys …`: Genesys Cloud helpers. `regions` prints the region table
//! (`genesys::regions`) through its renderer (offline).

use super::invocation::Output;
use crate::cli::GenesysCommand;
use crate::error::{Result, Status};
use crate::report::{RegionRow, Regions};
use lambda_trust_config::GENESYS_REGIONS;

pub(super) fn run(output: &Output, command: &GenesysCommand) -> Result<Status> {
    match command {
        GenesysCommand::Regions => regions(output),
    }
}

fn regions(output: &Output) -> Result<Status> {
    let rows: Vec<RegionRow> = GENESYS_REGIONS
        .iter()
        .map(|r| RegionRow {
            region: r.name,
            api_url: r.api_url,
            login_url: r.login_url,
        })
        .collect();
    output.emit(&Regions(&rows))?;
    Ok(Status::Ok)
}
