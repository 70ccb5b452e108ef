//! `lambda-trust render`: prints the rendered trust and invoke policies (offline).

use super::binding::load;
use super::invocation::Invocation;
use crate::app::Events;
use crate::cli::Which;
use crate::error::{Result, Status};
use crate::report::{RenderedDocuments, RenderedPolicies};
use lambda_trust_model::RenderContext;
use lambda_trust_provision::{check_rendered, LintSeverity, PlanError};

pub(super) fn run(inv: &Invocation, events: &dyn Events, which: Which) -> Result<Status> {
    let loaded = load(inv, events)?;
    let templates = inv.settings.templates.load()?;
    let ctx = RenderContext {
        account_id: loaded.config.aws.account_id.clone(),
        default_region: inv.settings.region(Some(&loaded.config)),
    };
    let rendered = lambda_trust_model::render(&loaded.config, &ctx, &templates)?;
    let allow_weaker = inv.settings.templates.allow_weaker;
    let findings = check_rendered(&loaded.config, &rendered, allow_weaker);
    let (errors, warnings): (Vec<_>, Vec<_>) = findings
        .into_iter()
        .partition(|f| f.severity == LintSeverity::Error);
    inv.output.warnings(&warnings);
    if !errors.is_empty() {
        return Err(PlanError::Invariants(errors).into());
    }
    inv.output.emit(&match which {
        Which::Trust => RenderedDocuments::One(&rendered.trust),
        Which::Invoke => RenderedDocuments::One(&rendered.invoke),
        Which::All => RenderedDocuments::Both(RenderedPolicies {
            trust: &rendered.trust,
            invoke: &rendered.invoke,
        }),
    })?;
    Ok(Status::Ok)
}
