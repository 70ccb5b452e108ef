//! `lambda-trust genesys …`: Genesys Cloud helpers. `regions` prints the region table
//! (`genesys::regions`) through its renderer (offline).

use crate::cli::{Format, GenesysCommand, Global};
use crate::error::{Result, Status};
use crate::genesys::regions::REGIONS;
use crate::report::{self, RegionRow, Styles};

pub fn run(g: &Global, command: &GenesysCommand, styles: Styles) -> Result<Status> {
    match command {
        GenesysCommand::Regions => regions(g, styles),
    }
}

fn regions(g: &Global, styles: Styles) -> Result<Status> {
    let rows: Vec<RegionRow> = REGIONS
        .iter()
        .map(|r| RegionRow {
            region: r.name,
            api_url: r.api_url,
            login_url: r.login_url,
        })
        .collect();
    let out = match g.format {
        Format::Json => report::regions_json(&rows),
        _ => report::regions_human(&rows, styles),
    };
    print!("{out}");
    Ok(Status::Ok)
}
