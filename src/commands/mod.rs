//! The `commands` layer: one file per command, each thin — take the resolved
//! [`Invocation`], call the layers below, emit the result (stdout, through `report`'s one
//! printer) and progress (stderr), return a [`Status`].
//!
//! Shared here, one idea per file: `invocation` (the arguments resolved once: config source,
//! output, AWS settings, templates), `discover` (which config), `live` (the runtime and the
//! read → plan prologue of the live commands), `genesys_live` (the Genesys Cloud side),
//! `write` (a change set's writes), `files` (templates, atomic writes, report files),
//! `progress` (spinners and bars).

mod apply;
mod audit;
mod check;
mod completions;
mod destroy;
pub mod discover;
mod files;
mod genesys;
mod genesys_live;
mod iac;
mod init;
mod init_genesys;
mod init_prompt;
mod init_role;
mod invocation;
mod lint;
mod live;
mod onboard;
mod plan;
mod progress;
mod prove;
mod render;
mod simulate;
mod verify;
mod write;

use std::time::Duration;

pub use files::read_templates;
pub use invocation::{ConfigSource, Invocation, Output, TemplateSource};

use crate::cli::Command;
use crate::error::{Result, Status};
use live::live;

/// Runs one command with the resolved invocation. A `--format` the command does not have is
/// refused first, before anything is read.
pub fn run(command: &Command, inv: &Invocation) -> Result<Status> {
    crate::report::accepts(command.formats(), inv.output.format).map_err(invocation::refused)?;
    let out = &inv.output;
    match command {
        Command::Init(args) => init::run(inv, args),
        Command::Render { which } => render::run(inv, *which),
        Command::Lint {
            trust_policy,
            policies,
        } => lint::run(inv, trust_policy.as_deref(), policies),
        Command::Simulate(args) => simulate::run(out, args),
        Command::Prove(args) => prove::run(inv, args),
        Command::Plan { adopt, force, only } => {
            live(|rt| rt.block_on(plan::run(inv, *adopt, *force, only.side())))
        }
        Command::Apply {
            adopt,
            force,
            yes,
            only,
        } => {
            let options = apply::Options {
                adopt: *adopt,
                force: *force,
                yes: *yes,
                only: only.side(),
            };
            live(|rt| rt.block_on(apply::run(inv, options)))
        }
        Command::Verify {
            assume_profile,
            wait,
            test_actions,
            only,
        } => {
            let options = verify::Options {
                assume_profile: assume_profile.clone(),
                wait: Duration::from_secs(*wait),
                test_actions: *test_actions,
                only: only.side(),
            };
            live(|rt| rt.block_on(verify::run(inv, options)))
        }
        Command::Destroy { yes, force } => live(|rt| rt.block_on(destroy::run(inv, *yes, *force))),
        Command::Genesys { command } => genesys::run(out, command),
        Command::Audit(args) => live(|rt| rt.block_on(audit::run(inv, args))),
        Command::Check { files, iac, .. } if iac.template.is_some() || iac.plan.is_some() => {
            check::run_template(inv, files, iac)
        }
        Command::Check { files, only, .. } => {
            live(|rt| rt.block_on(check::run(inv, files, only.side())))
        }
        Command::Onboard {
            function,
            qualifier,
            all_aliases,
            action_name,
            dry_run,
        } => {
            let edit = onboard::Edit::Add {
                function: function.clone(),
                qualifier: qualifier.clone(),
                all_aliases: *all_aliases,
                action_name: action_name.clone(),
            };
            live(|rt| rt.block_on(onboard::run(inv, edit, *dry_run)))
        }
        Command::Offboard {
            function,
            qualifier,
            dry_run,
            force,
        } => {
            let edit = onboard::Edit::Remove {
                function: function.clone(),
                qualifier: qualifier.clone(),
                force: *force,
            };
            live(|rt| rt.block_on(onboard::run(inv, edit, *dry_run)))
        }
        Command::Completions { shell } => completions::completions(*shell),
        Command::Man { out_dir } => completions::man(out_dir.as_deref()),
    }
}
