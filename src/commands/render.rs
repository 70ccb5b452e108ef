//! `lambda-trust render`: prints the rendered trust and invoke policies (offline).

use super::{load, print_warnings, templates};
use crate::cli::{Global, Which};
use crate::core::lint;
use crate::core::prepare::PrepareError;
use crate::core::render::{self, RenderContext};
use crate::error::{Result, Status};

pub fn run(g: &Global, which: Which) -> Result<Status> {
    let loaded = load(g)?;
    let templates = templates(g)?;
    let ctx = RenderContext {
        account_id: loaded.config.aws.account_id.clone(),
        default_region: loaded.config.aws.region.clone(),
    };
    let rendered = render::render(&loaded.config, &ctx, &templates)?;
    let findings = lint::check_rendered(&loaded.config, &rendered, g.allow_weaker_policies);
    let (errors, warnings): (Vec<_>, Vec<_>) = findings
        .into_iter()
        .partition(|f| f.severity == lint::Severity::Error);
    print_warnings(g, &warnings);
    if !errors.is_empty() {
        return Err(PrepareError::Invariants(errors).into());
    }
    let out = match which {
        Which::Trust => crate::report::to_json(&rendered.trust),
        Which::Invoke => crate::report::to_json(&rendered.invoke),
        Which::All => crate::report::to_json(&crate::report::RenderedPolicies {
            trust: &rendered.trust,
            invoke: &rendered.invoke,
        }),
    };
    println!("{out}");
    Ok(Status::Ok)
}
