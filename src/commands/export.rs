//! `lambda-trust export terraform|cloudformation`: hands what lambda-trust manages to
//! infrastructure as code (`app::export`).

use super::invocation::Invocation;
use crate::app::export::{self, Options, Target};
use crate::app::Events;
use crate::cli::{ExportArgs, ExportCommand};
use crate::error::{Result, Status};
use crate::report::{ExportResult, SCHEMA_VERSION};

pub(super) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    command: &ExportCommand,
) -> Result<Status> {
    let (target, args): (Target, &ExportArgs) = match command {
        ExportCommand::Terraform(args) => (Target::Terraform, args),
        ExportCommand::Cloudformation(args) => (Target::CloudFormation, args),
    };
    let options = Options {
        config: inv.config.one()?,
        target,
        out: args.out.clone(),
        from_config: args.from_config,
        force: args.force,
    };
    let exported = export::export(&inv.settings, events, options).await?;
    inv.output.emit(&ExportResult {
        schema_version: SCHEMA_VERSION,
        format: match target {
            Target::Terraform => "terraform",
            Target::CloudFormation => "cloudformation",
        },
        files: exported
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        objects: exported.objects,
        imports: exported.imports,
        not_exported: exported.not_exported,
    })?;
    Ok(Status::Ok)
}
