//! `lambda-trust init --from-genesys` / `--from-role`: the importers are `app::import` and
//! `app::init`; here are their flags bound, the questions they may need answered on a terminal
//! ([`Terminal`]), and their reports.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::invocation::Invocation;
use crate::app::import::{self, Ask, Imported as GenesysImported, Options};
use crate::app::{init as app_init, Events};
use crate::cli::InitArgs;
use crate::error::{Error, Result, Status};
use crate::report::{
    EnvironmentWritten, ImportResult, Imported, ImportedRoleResult, SCHEMA_VERSION,
};
use lambda_trust_audit::ImportedRole;

/// `init --from-genesys` (with `--from-role`, the role joins the import).
pub(super) async fn from_genesys(
    inv: &Invocation,
    events: &dyn Events,
    args: &InitArgs,
    path: PathBuf,
) -> Result<Status> {
    let options = Options {
        path,
        external_id: args.external_id.clone(),
        from_role: args.from_role.clone(),
        integration: args.integration.clone(),
        role_arn: args.role_arn.clone(),
        genesys_region: args.genesys_region.clone(),
        force: args.force,
        environment: inv.config.env_to_write()?,
    };
    let ask = Terminal {
        no_input: args.no_input,
    };
    let imported = import::from_genesys(&inv.settings, events, &ask, &options).await?;
    let mut report = genesys_report(&options.path, &imported);
    with_environment(&mut report, imported.environment.as_ref());
    inv.output.emit(&report)?;
    Ok(Status::Ok)
}

/// `init --from-role NAME` alone.
pub(super) async fn from_role(
    inv: &Invocation,
    events: &dyn Events,
    args: &InitArgs,
    name: &str,
    path: &Path,
) -> Result<Status> {
    let external_id = args.external_id.as_deref();
    let env = inv.config.env_to_write()?;
    let to = (path, args.force, env.as_deref());
    let (role, added) = app_init::from_role(&inv.settings, events, name, external_id, to).await?;
    let mut report = role_report(path, &role);
    with_environment(&mut report, added.as_ref());
    inv.output.emit(&report)?;
    Ok(Status::Ok)
}

/// The questions of `--from-genesys`, on the terminal (stdin), never under `--no-input` for
/// the role.
struct Terminal {
    no_input: bool,
}

impl Ask for Terminal {
    fn integration(&self, items: &[String]) -> Option<Result<usize>> {
        std::io::stdin()
            .is_terminal()
            .then(|| select("Which integration?", items))
    }

    fn can_pick_role(&self) -> bool {
        !self.no_input && std::io::stdin().is_terminal()
    }

    fn role(&self, items: &[String]) -> Result<usize> {
        let prompt = "Genesys Cloud redacts the credential's role ARN. Which role does it hold?";
        select(prompt, items)
    }
}

fn select(prompt: &str, items: &[String]) -> Result<usize> {
    dialoguer::Select::new()
        .with_prompt(prompt)
        .items(items)
        .default(0)
        .interact()
        .map_err(|e| {
            Error::usage(
                format!("the choice stopped: {e}; nothing was written"),
                "run init again on a terminal, or name the choice with a flag",
            )
        })
}

/// The environment added to an existing config, when one was.
fn with_environment(report: &mut Imported, added: Option<&crate::app::init_env::Added>) {
    let (Imported::Genesys(r) | Imported::Role(r)) = report;
    r.environment = added.map(|a| EnvironmentWritten {
        name: a.name.clone(),
        overrides: a.overrides.clone(),
    });
}

/// What was written, imported and left out.
fn genesys_report(path: &Path, imported: &GenesysImported) -> Imported {
    let import = &imported.import;
    Imported::Genesys(ImportResult {
        schema_version: SCHEMA_VERSION,
        written: path.display().to_string(),
        targets: (import.targets.iter())
            .map(|t| lambda_trust_iam::qualified_arn(&t.function, t.qualifier.as_deref()))
            .collect(),
        commented_out: Vec::new(),
        imported: import
            .targets
            .iter()
            .map(|t| t.actions.len())
            .sum::<usize>()
            + import.dynamic.len(),
        left_out: import.left_out.clone(),
        role: imported.role.as_ref().map(ImportedRoleResult::of),
        environment: None,
        adopt: imported.adopt,
    })
}

/// What was written: the role, its findings and where the config differs from it.
fn role_report(path: &Path, role: &ImportedRole) -> Imported {
    Imported::Role(ImportResult {
        schema_version: SCHEMA_VERSION,
        written: path.display().to_string(),
        targets: (role.targets.iter())
            .map(|(f, q)| q.as_ref().map_or_else(|| f.clone(), |q| format!("{f}:{q}")))
            .collect(),
        commented_out: Vec::new(),
        imported: 0,
        left_out: Vec::new(),
        role: Some(ImportedRoleResult::of(role)),
        environment: None,
        adopt: false,
    })
}
