//! The `commands` layer: one file per command, each thin — read the inputs, call the layers
//! below, print the result (stdout) and progress (stderr), return a [`Status`].
//!
//! Shared here: config discovery, warnings, the spinner, and the live-command preparation.

mod apply;
mod audit;
mod check;
mod completions;
mod destroy;
pub mod discover;
mod genesys;
mod genesys_live;
mod iac;
mod init;
mod init_genesys;
mod init_prompt;
mod init_role;
mod lint;
mod onboard;
mod plan;
mod prove;
mod render;
mod simulate;
mod verify;
mod write;

use crate::core::render::{RenderError, Template, Templates};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::aws::prepare::{self, Prepared};
use crate::aws::{AwsSettings, Clients};
use crate::cli::{Cli, ColorChoice, Command, Format, Global, ReportFiles};
use crate::config;
use crate::core::lint::{self as lint_core, Finding};
use crate::error::{Error, Result, Status};
use crate::report::Styles;

/// Whether to colour a stream: `--color`, else a terminal without `NO_COLOR`.
pub fn use_color(choice: ColorChoice, tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Runs the parsed command line.
pub fn run(cli: &Cli) -> Result<Status> {
    let g = &cli.global;
    if g.format == Format::Html && !matches!(cli.command, Command::Audit(_)) {
        return Err(Error::usage(
            "--format html is only for `audit`",
            "use --format human or --format json",
        ));
    }
    if !matches!(cli.command, Command::Check { .. } | Command::Audit(_)) {
        simple_format(g)?;
    }
    if matches!(
        cli.command,
        Command::Completions { .. } | Command::Man { .. }
    ) {
        text_only(g)?;
    }
    let styles = Styles {
        color: use_color(g.color, std::io::stdout().is_terminal()),
    };
    match &cli.command {
        Command::Init(args) => init::run(g, args),
        Command::Render { which } => render::run(g, *which),
        Command::Lint {
            trust_policy,
            policies,
        } => lint::run(g, trust_policy.as_deref(), policies, styles),
        Command::Simulate(args) => simulate::run(g, args, styles),
        Command::Prove(args) => prove::run(g, args, styles),
        Command::Plan { adopt, force } => {
            live(|rt| rt.block_on(plan::run(g, *adopt, *force, styles)))
        }
        Command::Apply { adopt, force } => {
            live(|rt| rt.block_on(apply::run(g, *adopt, *force, styles)))
        }
        Command::Verify {
            assume_profile,
            wait,
            test_actions,
        } => live(|rt| {
            rt.block_on(verify::run(
                g,
                assume_profile.clone(),
                Duration::from_secs(*wait),
                *test_actions,
                styles,
            ))
        }),
        Command::Destroy { yes, force } => {
            live(|rt| rt.block_on(destroy::run(g, *yes, *force, styles)))
        }
        Command::Genesys { command } => genesys::run(g, command, styles),
        Command::Audit(args) => live(|rt| rt.block_on(audit::run(g, args, styles))),
        Command::Check { files, iac } if iac.template.is_some() || iac.plan.is_some() => {
            check::run_template(g, files, iac, styles)
        }
        Command::Check { files, .. } => live(|rt| rt.block_on(check::run(g, files, styles))),
        Command::Onboard {
            function,
            qualifier,
            all_aliases,
            dry_run,
        } => live(|rt| {
            rt.block_on(onboard::run(
                g,
                onboard::Edit::Add {
                    function: function.clone(),
                    qualifier: qualifier.clone(),
                    all_aliases: *all_aliases,
                },
                *dry_run,
                styles,
            ))
        }),
        Command::Completions { shell } => completions::completions(*shell),
        Command::Man { out_dir } => completions::man(out_dir.as_deref()),
        Command::Offboard {
            function,
            qualifier,
            dry_run,
            force,
        } => live(|rt| {
            rt.block_on(onboard::run(
                g,
                onboard::Edit::Remove {
                    function: function.clone(),
                    qualifier: qualifier.clone(),
                    force: *force,
                },
                *dry_run,
                styles,
            ))
        }),
    }
}

/// The one config file of every command but `check`: given, or discovered
/// ([`discover`]).
fn config_path(g: &Global) -> Result<PathBuf> {
    discover::config_file(&g.config, g.verbose)
}

/// Refuses --format sarif/github outside `check`.
fn simple_format(g: &Global) -> Result<()> {
    match g.format {
        Format::Human | Format::Json => Ok(()),
        other => Err(Error::usage(
            format!(
                "--format {} is only for `check` (and sarif for `audit`)",
                match other {
                    Format::Sarif => "sarif",
                    _ => "github",
                }
            ),
            "use --format human or --format json",
        )),
    }
}

/// Completions and man pages are text for a shell or `man`: refused under `--format json`
/// rather than printed where JSON is expected.
fn text_only(g: &Global) -> Result<()> {
    match g.format {
        Format::Json => Err(Error::usage(
            "--format json does not apply: completions and man pages are text",
            "drop --format json",
        )),
        _ => Ok(()),
    }
}

fn live<T>(f: impl FnOnce(&tokio::runtime::Runtime) -> Result<T>) -> Result<T> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    f(&rt)
}

/// Warnings to stderr, coloured as `--color` says for stderr (one rule: [`use_color`]).
fn print_warnings(g: &Global, warnings: &[Finding]) {
    let styles = Styles {
        color: use_color(g.color, std::io::stderr().is_terminal()),
    };
    for w in warnings {
        eprintln!("{} {}", styles.yellow("warning:"), w.message);
        if let Some(h) = &w.hint {
            eprintln!("  (hint: {h})");
        }
    }
}

fn load(g: &Global) -> Result<config::Loaded> {
    let loaded = config::load(&config_path(g)?)?;
    print_warnings(g, &config_warnings(&loaded));
    Ok(loaded)
}

/// A loaded config's warnings, as lint findings.
fn config_warnings(loaded: &config::Loaded) -> Vec<Finding> {
    loaded
        .warnings
        .iter()
        .map(|w| Finding {
            severity: lint_core::Severity::Warning,
            code: lint_core::LintCode::Config(w.code),
            message: w.message.clone(),
            hint: w.hint.clone(),
        })
        .collect()
}

fn spinner(msg: &str) -> ProgressBar {
    // indicatif draws only when stderr is a terminal, so logs and CI output stay clean.
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(Duration::from_millis(100));
    pb
}

fn aws_flags(g: &Global) -> AwsSettings {
    AwsSettings {
        profile: g.aws.profile.clone(),
        region: g.aws.region.clone(),
        endpoint_url: g.aws.endpoint_url.clone(),
        max_attempts: g.aws.max_attempts,
    }
}

async fn prepare_live(g: &Global) -> Result<(Clients, Prepared)> {
    let loaded = load(g)?;
    let clients = prepare::connect(&loaded.config, &aws_flags(g)).await;
    prepare_loaded(g, clients, loaded, prepare::Scope::default()).await
}

async fn prepare_loaded(
    g: &Global,
    clients: Clients,
    loaded: config::Loaded,
    scope: prepare::Scope,
) -> Result<(Clients, Prepared)> {
    let templates = templates(g)?;
    let pb = spinner("reading the role, its policies and the target functions from AWS");
    let started = Instant::now();
    let prepared =
        prepare::prepare_scoped(&clients, loaded, &templates, g.allow_weaker_policies, scope).await;
    pb.finish_and_clear();
    let prepared = prepared?;
    if g.verbose > 0 {
        eprintln!(
            "read AWS state in {:.2}s (account {}, caller {})",
            started.elapsed().as_secs_f64(),
            prepared.observed.account_id,
            prepared.observed.caller_arn
        );
    }
    print_warnings(g, &prepared.warnings);
    Ok((clients, prepared))
}

/// Write to a sibling temp file, then rename: the config is never left half-written.
/// Writes `path` whole or not at all: a temporary file beside it, then renamed over it.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write beside {}", path.display()))?;
    // The temporary file is private (0600 on Unix); the config keeps its mode, a new one is
    // readable as a plainly written file would be.
    let mode = std::fs::metadata(path).map(|m| m.permissions()).ok();
    tmp.write_all(text.as_bytes())
        .and_then(|()| match mode {
            Some(m) => tmp.as_file().set_permissions(m),
            None => new_file_mode(tmp.as_file()),
        })
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[cfg(unix)]
fn new_file_mode(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_mode(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Reads a file for the pure layers (policy files of `simulate` and `prove`).
pub(crate) fn read_file(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// Templates from `--policies DIR`, or the built-in ones.
fn templates(g: &Global) -> Result<Templates> {
    Ok(match g.policies.as_deref() {
        Some(dir) => read_templates(dir)?,
        None => Templates::builtin(),
    })
}

/// `--policies DIR`: reads `trust.json` and `invoke.json` (here: the core reads no files) and
/// checks them (JSON, known and required placeholders), so a broken template fails before
/// anything else happens.
pub fn read_templates(dir: &Path) -> std::result::Result<Templates, RenderError> {
    let read = |name: &str| -> std::result::Result<Template, RenderError> {
        let path = dir.join(name);
        let file = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) if text.starts_with('\u{feff}') => Err(RenderError::TemplateBom { file }),
            Ok(text) => Ok(Template { file, text }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(RenderError::TemplateNotFound { file })
            }
            Err(source) => Err(RenderError::TemplateRead { file, source }),
        }
    };
    Templates::custom(read("trust.json")?, read("invoke.json")?)
}

/// `--sarif FILE` / `--json FILE`: the same report in more formats, from the same read of AWS;
/// each format is rendered only when its file is asked for.
pub(crate) fn write_files(
    files: &ReportFiles,
    sarif: impl FnOnce() -> String,
    json: impl FnOnce() -> String,
) -> Result<()> {
    let write = |path: &std::path::Path, text: String| {
        std::fs::write(path, format!("{text}\n"))
            .with_context(|| format!("cannot write {}", path.display()))
    };
    if let Some(path) = &files.sarif {
        write(path, sarif())?;
    }
    if let Some(path) = &files.json {
        write(path, json())?;
    }
    Ok(())
}
