//! The `commands` layer: binding only. Each command takes the resolved [`Invocation`], turns
//! its flags into a workflow's options, calls the workflow (`app`), and emits the result
//! (stdout, through `report`'s one printer); what the workflow says while it runs goes to the
//! terminal's sink of its events (`progress::Terminal`, stderr). Questions asked on a terminal
//! are here too. No command calls another, and none calls `aws` or `genesys` (`app` does).
//!
//! Shared here, one idea per file: `invocation` (the arguments resolved once: config source,
//! output, the workflows' `Settings`), `discover` (which config), `files` (report files),
//! `progress` (the events' sink: spinners, bars, lines), `binding` (what several commands bind
//! the same way).
//!
//! # Modules
//!
//! binding only: one file per command, flags → options → `app::…` → `inv.output.emit(…)` (each
//! command's flags one `cli::*Args` struct where there are several; `commands::run` is `async` and
//! matches each command once); no command calls another, none calls `aws` or `genesys` (`init` +
//! `init_prompt` for the terminal questions + `init_import` for `--from-genesys`/`--from-role` —
//! their `app::import::Ask` on the terminal and their reports; `completions` for completions and
//! man pages, generated from `cli::command()`); `invocation` (the flags resolved once before any
//! command runs: `ConfigSource`, whose methods are the rules of which config a command reads —
//! `one`, `many` for `check`, `if_given` for `audit`, `to_write` for `init`; `Output`: the format,
//! the colour of stdout and of stderr from one rule — `--color`, else a terminal without `NO_COLOR`
//! — and `emit`; `say`, `note`, `warning`: the lines the commands write on stderr, the events'
//! sink's included; the workflows' `app::Settings`); `confirm` (the one question before writes:
//! asked whenever stdin is a terminal, answered by the line `yes`); `discover` (`--config` >
//! `LAMBDA_TRUST_CONFIG` > `./lambda-trust.toml` > the git root's; `check`'s directories and
//! globs); `files` (report files: `--sarif`, `--json`, and `audit`'s `--html`, `--asff`, `--ocsf`,
//! each rendered by `report::render` in its format — the one printer, never a renderer called by
//! name); `progress` (`Terminal`, the one sink of `app::Event`s: a spinner or the accounts bar on a
//! terminal, a spinner over a retried call's wait; every line through `Output::event`, which
//! `--progress json` turns into JSON lines). `Command::formats` (`cli/tree.rs`) gives each command's
//! formats from its result's `Report::FORMATS`, read off one table (`Command::table_of_results`);
//! any other `--format` is refused before anything is read; `cli::command()` (`cli/help.rs`) is what clap parses and `--help`, completions and man
//! show: each command's own flags first, then the globals it uses, `--format` offering only
//! `Command::formats_named` (the same `Report::FORMATS`); `-h` the short forms (a flag's first
//! sentence, one line each, and the examples of `--help`), `--help` the prose, written unwrapped
//! for clap to wrap (`tests/it/help_width.rs` renders every help at 80 columns)

mod apply;
mod audit;
mod binding;
mod check;
mod completions;
mod confirm;
mod destroy;
mod diff;
pub(crate) mod discover;
pub(crate) mod entry;
mod export;
mod files;
mod genesys;
mod guardrail;
mod ids;
mod init;
mod init_env;
mod init_import;
mod init_prompt;
mod invocation;
mod lint;
mod onboard;
mod org_policies;
mod plan;
mod progress;
mod prove;
mod render;
mod simulate;
mod verify;
mod watch;

pub(crate) use invocation::Invocation;

use crate::app::Events;
use crate::cli::Command;
use crate::error::{Result, Status};

/// Runs one command with the resolved invocation. A `--format` the command does not have is
/// refused first, before anything is read.
pub(crate) async fn run(command: &Command, inv: &Invocation) -> Result<Status> {
    crate::report::accepts(command.formats(), inv.output.format).map_err(invocation::refused)?;
    let out = &inv.output;
    let terminal = progress::Terminal::new(inv.output, inv.settings.verbose);
    let events: &dyn Events = &terminal;
    match command {
        Command::Init(args) => init::run(inv, events, args).await,
        Command::Render { which } => render::run(inv, events, *which),
        Command::Lint {
            trust_policy,
            policies,
        } => lint::run(inv, trust_policy.as_deref(), policies),
        Command::Simulate(args) => simulate::run(out, args),
        Command::Prove(args) => prove::run(inv, events, args),
        Command::Plan { adopt, force, only } => {
            plan::run(inv, events, *adopt, *force, only.side()).await
        }
        Command::Apply(args) => apply::run(inv, events, apply::options(args)).await,
        Command::Verify(args) => verify::run(inv, events, verify::options(inv, args)?).await,
        Command::Destroy { yes, force } => destroy::run(inv, events, *yes, *force).await,
        Command::OrgPolicies { account_id, out } => {
            org_policies::run(inv, events, account_id, out).await
        }
        Command::Genesys { command } => genesys::run(out, command),
        Command::Watch { command } => watch::run(inv, events, command).await,
        Command::Guardrail { command } => guardrail::run(inv, events, command).await,
        Command::Ids => ids::run(inv, events).await,
        Command::Export { command } => export::run(inv, events, command).await,
        Command::Diff => diff::run(inv, events).await,
        Command::Audit(args) => audit::run(inv, events, args).await,
        Command::Check { files, iac, .. } if iac.template.is_some() || iac.plan.is_some() => {
            check::run_template(inv, files, iac)
        }
        Command::Check {
            files,
            only,
            org,
            function_policies,
            test_actions,
            ..
        } => {
            let path = crate::app::path::PathAsk {
                org_policies: org.org_policies.as_deref(),
                function_policies: binding::policy_source(*function_policies),
            };
            check::run(inv, events, files, only.side(), path, *test_actions).await
        }
        Command::Onboard(args) => {
            let (dry_run, yes) = (args.dry_run, args.yes);
            onboard::run(inv, events, onboard::adding(inv, args), dry_run, yes).await
        }
        Command::Offboard(args) => {
            let (dry_run, yes) = (args.dry_run, args.yes);
            onboard::run(inv, events, onboard::removing(inv, args), dry_run, yes).await
        }
        Command::Completions { shell } => completions::completions(*shell),
        Command::Man { out_dir } => completions::man(out, out_dir.as_deref()),
    }
}
