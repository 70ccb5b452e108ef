//! `lambda-trust lint`: validates the config and the rendered policies (offline).

use super::{config_path, templates};
use crate::cli::{Format, Global};
use crate::config;
use crate::core::lint;
use crate::core::render::{self, RenderContext};
use crate::error::{Result, Status};
use crate::report::{self, Styles};

pub fn run(g: &Global, styles: Styles) -> Result<Status> {
    let loaded = config::load(&config_path(g)?)?;
    let templates = templates(g)?;
    let ctx = RenderContext {
        account_id: loaded.config.aws.account_id.clone(),
        default_region: loaded.config.aws.region.clone(),
    };
    let rendered = render::render(&loaded.config, &ctx, &templates)?;
    let report = lint::lint(&loaded, &rendered, g.allow_weaker_policies);
    match g.format {
        Format::Human => print!("{}", report::lint_human(&report, styles.color)),
        _ => println!("{}", report::lint_json(&report)),
    }
    Ok(if report.has_errors() {
        Status::Invalid
    } else {
        Status::Ok
    })
}
