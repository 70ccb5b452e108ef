//! The `lambda-trust` binary: parses arguments, runs one command from the library, prints the
//! result (stdout) and progress/logs (stderr), and maps the outcome onto the documented exit
//! codes. All logic lives in the library; errors are printed with their whole chain.

mod cli;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use cli::{Cli, ColorChoice, Command, Format, Global, Which};
use lambda_trust::aws::AwsSettings;
use lambda_trust::error::{EXIT_CHANGES, EXIT_DENIED, EXIT_ERROR, EXIT_OK};
use lambda_trust::lint::{self, Finding};
use lambda_trust::pipeline::{self, Prepared};
use lambda_trust::plan::{self, PlanOptions};
use lambda_trust::render::{self, RenderContext};
use lambda_trust::report::{self, Styles};
use lambda_trust::{apply, check, config, edit, onboard, simulate, verify};

fn main() -> ExitCode {
    // clap exits 2 on usage errors, but 2 means "changes pending" here: a typo must not look
    // like drift to a script. Usage errors exit 1; --help and --version exit 0.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_ERROR as u8
            } else {
                EXIT_OK as u8
            });
        }
    };
    let err_styles = Styles {
        color: use_color(cli.global.color, std::io::stderr().is_terminal()),
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("{} {err:#}", err_styles.red("error:"));
            ExitCode::from(EXIT_ERROR as u8)
        }
    }
}

fn use_color(choice: ColorChoice, tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    let g = &cli.global;
    if !matches!(cli.command, Command::Check) {
        simple_format(g)?;
    }
    let styles = Styles {
        color: use_color(g.color, std::io::stdout().is_terminal()),
    };
    match &cli.command {
        Command::Render { which } => cmd_render(g, *which),
        Command::Lint => cmd_lint(g, styles),
        Command::Simulate(args) => cmd_simulate(g, args, styles),
        Command::Plan { adopt } => live(|rt| rt.block_on(cmd_plan(g, *adopt, styles))),
        Command::Apply { adopt } => live(|rt| rt.block_on(cmd_apply(g, *adopt, styles))),
        Command::Verify {
            assume_profile,
            wait,
        } => live(|rt| {
            rt.block_on(cmd_verify(
                g,
                assume_profile.clone(),
                Duration::from_secs(*wait),
                styles,
            ))
        }),
        Command::Destroy { yes } => live(|rt| rt.block_on(cmd_destroy(g, *yes, styles))),
        Command::Check => live(|rt| rt.block_on(cmd_check(g, styles))),
        Command::Onboard {
            function,
            qualifier,
            all_aliases,
            dry_run,
        } => live(|rt| {
            rt.block_on(cmd_onboard(
                g,
                Edit::Add {
                    function: function.clone(),
                    qualifier: qualifier.clone(),
                    all_aliases: *all_aliases,
                },
                *dry_run,
                styles,
            ))
        }),
        Command::Offboard {
            function,
            qualifier,
            dry_run,
        } => live(|rt| {
            rt.block_on(cmd_onboard(
                g,
                Edit::Remove {
                    function: function.clone(),
                    qualifier: qualifier.clone(),
                },
                *dry_run,
                styles,
            ))
        }),
    }
}

/// The one config file of every command but `check`.
fn config_path(g: &Global) -> anyhow::Result<PathBuf> {
    match g.config.as_slice() {
        [] => Ok(PathBuf::from("lambda-trust.toml")),
        [one] => Ok(one.clone()),
        many => anyhow::bail!(
            "{} config files given; only `check` takes several\n(hint: run the command once per config)",
            many.len()
        ),
    }
}

/// Refuses --format sarif/github outside `check`.
fn simple_format(g: &Global) -> anyhow::Result<()> {
    match g.format {
        Format::Human | Format::Json => Ok(()),
        other => anyhow::bail!(
            "--format {} is only for `check`\n(hint: use --format human or --format json)",
            match other {
                Format::Sarif => "sarif",
                _ => "github",
            }
        ),
    }
}

fn live(f: impl FnOnce(&tokio::runtime::Runtime) -> anyhow::Result<i32>) -> anyhow::Result<i32> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    f(&rt)
}

fn print_warnings(warnings: &[Finding]) {
    let styles = Styles {
        color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    for w in warnings {
        eprintln!("{} {}", styles.yellow("warning:"), w.message);
        if let Some(h) = &w.hint {
            eprintln!("  (hint: {h})");
        }
    }
}

fn load(g: &Global) -> anyhow::Result<config::Loaded> {
    let loaded = config::load(&config_path(g)?)?;
    let warnings: Vec<Finding> = loaded
        .warnings
        .iter()
        .map(|w| Finding {
            severity: lint::Severity::Warning,
            code: w.code,
            message: w.message.clone(),
            hint: w.hint.clone(),
        })
        .collect();
    print_warnings(&warnings);
    Ok(loaded)
}

fn cmd_render(g: &Global, which: Which) -> anyhow::Result<i32> {
    let loaded = load(g)?;
    let templates = pipeline::templates(g.policies.as_deref())?;
    let ctx = RenderContext {
        account_id: loaded.config.aws.account_id.clone(),
        default_region: loaded.config.aws.region.clone(),
    };
    let rendered = render::render(&loaded.config, &ctx, &templates)?;
    let findings = lint::check_rendered(&loaded.config, &rendered, g.allow_weaker_policies);
    let (errors, warnings): (Vec<_>, Vec<_>) = findings
        .into_iter()
        .partition(|f| f.severity == lint::Severity::Error);
    print_warnings(&warnings);
    if !errors.is_empty() {
        return Err(pipeline::PipelineError::Invariants(errors).into());
    }
    let out = match which {
        Which::Trust => rendered.trust.clone(),
        Which::Invoke => rendered.invoke.clone(),
        Which::All => json!({"trust": rendered.trust, "invoke": rendered.invoke}),
    };
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(EXIT_OK)
}

fn cmd_lint(g: &Global, styles: Styles) -> anyhow::Result<i32> {
    let loaded = config::load(&config_path(g)?)?;
    let templates = pipeline::templates(g.policies.as_deref())?;
    let ctx = RenderContext {
        account_id: loaded.config.aws.account_id.clone(),
        default_region: loaded.config.aws.region.clone(),
    };
    let rendered = render::render(&loaded.config, &ctx, &templates)?;
    let report = lint::lint(&loaded, &rendered, g.allow_weaker_policies);
    match g.format {
        Format::Human => print!("{}", lint::render_human(&report, styles.color)),
        _ => println!("{}", lint::render_json(&report)),
    }
    Ok(if report.has_errors() {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

fn cmd_simulate(g: &Global, args: &cli::SimulateArgs, styles: Styles) -> anyhow::Result<i32> {
    let input = simulate::SimulateInput {
        policies: args.policies.clone(),
        trust_policy: args.trust_policy.clone(),
        boundary: args.boundary.clone(),
        principal: args.principal.clone(),
        action: args.action.clone(),
        resource: args.resource.clone(),
        context: args.context.clone(),
    };
    let outcome = simulate::run(&input)?;
    match g.format {
        Format::Human => print!("{}", simulate::render_human(&outcome, styles.color)),
        _ => println!("{}", simulate::render_json(&outcome)),
    }
    Ok(if outcome.allowed() {
        EXIT_OK
    } else {
        EXIT_DENIED
    })
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

async fn prepare(g: &Global) -> anyhow::Result<(lambda_trust::aws::Clients, Prepared)> {
    let loaded = load(g)?;
    let clients = pipeline::connect(&loaded.config, &aws_flags(g)).await;
    prepare_loaded(g, clients, loaded, pipeline::Scope::default()).await
}

async fn prepare_loaded(
    g: &Global,
    clients: lambda_trust::aws::Clients,
    loaded: config::Loaded,
    scope: pipeline::Scope,
) -> anyhow::Result<(lambda_trust::aws::Clients, Prepared)> {
    let templates = pipeline::templates(g.policies.as_deref())?;
    let pb = spinner("reading the role, its policies and the target functions from AWS");
    let started = Instant::now();
    let prepared =
        pipeline::prepare_scoped(&clients, loaded, &templates, g.allow_weaker_policies, scope)
            .await;
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
    print_warnings(&prepared.warnings);
    Ok((clients, prepared))
}

async fn cmd_plan(g: &Global, adopt: bool, styles: Styles) -> anyhow::Result<i32> {
    let (_clients, p) = prepare(g).await?;
    let plan = plan::plan(&p.desired, &p.observed, PlanOptions { adopt })?;
    match g.format {
        Format::Human => print!("{}", report::plan_human(&plan, styles)),
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&report::plan_json(&plan))?
        ),
    }
    Ok(if plan.is_empty() {
        EXIT_OK
    } else {
        EXIT_CHANGES
    })
}

async fn cmd_apply(g: &Global, adopt: bool, styles: Styles) -> anyhow::Result<i32> {
    let (clients, p) = prepare(g).await?;
    let plan = plan::plan(&p.desired, &p.observed, PlanOptions { adopt })?;
    if plan.is_empty() {
        match g.format {
            Format::Human => print!("{}", report::plan_human(&plan, styles)),
            _ => println!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"applied": true, "writes": 0, "changes": []})
                )?
            ),
        }
        return Ok(EXIT_OK);
    }
    if g.format == Format::Human {
        print!("{}", report::plan_human(&plan, styles));
    }
    let total = plan.ops.len();
    let started = Instant::now();
    let outcome = apply::apply(&clients, &plan, |i, op| {
        let v = report::describe(op);
        eprintln!(
            "[{}/{total}] {} {}",
            i + 1,
            match v.action {
                report::Action::Create => "creating",
                report::Action::Update => "updating",
                report::Action::Delete => "removing",
            },
            v.resource
        );
    })
    .await?;
    match g.format {
        Format::Human => println!(
            "{} {} change(s) applied in {:.2}s. Run `lambda-trust verify` to prove the result.",
            styles.green("✓ applied:"),
            outcome.writes,
            started.elapsed().as_secs_f64()
        ),
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "applied": true,
                "writes": outcome.writes,
                "changes": plan.ops.iter().map(report::describe).collect::<Vec<_>>(),
            }))?
        ),
    }
    Ok(EXIT_OK)
}

async fn cmd_verify(
    g: &Global,
    assume_profile: Option<String>,
    wait: Duration,
    styles: Styles,
) -> anyhow::Result<i32> {
    let (_clients, p) = prepare(g).await?;
    let mut checks = verify::checks(&p.desired, &p.observed);
    if let Some(profile) = assume_profile {
        let pb = spinner("live probe");
        let settings = verify::ProbeSettings {
            profile,
            wait,
            endpoint_url: g.aws.endpoint_url.clone(),
        };
        let live = verify::probe(&settings, &p.desired, &p.observed, |m| {
            pb.set_message(m.to_string())
        })
        .await;
        pb.finish_and_clear();
        checks.extend(live);
    }
    let v = verify::Verification::new(checks);
    match g.format {
        Format::Human => print!("{}", report::verification_human(&v, styles)),
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&report::verification_json(&v))?
        ),
    }
    Ok(if v.passed { EXIT_OK } else { EXIT_DENIED })
}

async fn cmd_destroy(g: &Global, yes: bool, styles: Styles) -> anyhow::Result<i32> {
    let (clients, p) = prepare(g).await?;
    let (plan, notes) = plan::plan_destroy(&p.observed)?;
    for n in &notes {
        eprintln!("note: {n}");
    }
    if plan.is_empty() {
        println!("{} nothing to delete.", styles.green("✓"));
        return Ok(EXIT_OK);
    }
    if g.format == Format::Human {
        print!("{}", report::plan_human(&plan, styles));
    }
    if !yes {
        match g.format {
            Format::Human => {
                println!("Nothing was deleted. Run again with --yes to delete the above.")
            }
            _ => println!(
                "{}",
                serde_json::to_string_pretty(&report::plan_json(&plan))?
            ),
        }
        return Ok(EXIT_CHANGES);
    }
    let total = plan.ops.len();
    let outcome = apply::apply(&clients, &plan, |i, op| {
        eprintln!(
            "[{}/{total}] removing {}",
            i + 1,
            report::describe(op).resource
        );
    })
    .await?;
    match g.format {
        Format::Human => println!(
            "{} deleted ({} write call(s)).",
            styles.green("✓"),
            outcome.writes
        ),
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&json!({"destroyed": true, "writes": outcome.writes,
                "changes": plan.ops.iter().map(report::describe).collect::<Vec<_>>()}))?
        ),
    }
    Ok(EXIT_OK)
}

// ---------------------------------------------------------------------------------------------
// check

/// `--config` values expanded: a directory means its `*.toml` files, a pattern with `*`/`?` is
/// matched against the file names of its directory.
fn expand_configs(args: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    if args.is_empty() {
        return Ok(vec![PathBuf::from("lambda-trust.toml")]);
    }
    let mut out = Vec::new();
    for a in args {
        let text = a.to_string_lossy();
        if a.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(a)
                .with_context(|| format!("cannot read directory {}", a.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            anyhow::ensure!(!found.is_empty(), "no *.toml files in {}", a.display());
            out.extend(found);
        } else if text.contains('*') || text.contains('?') {
            let dir = a
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let pattern = a
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
                .with_context(|| format!("cannot read directory {}", dir.display()))?
                .filter_map(|e| e.ok())
                .filter(|e| glob_match(&pattern, &e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect();
            found.sort();
            anyhow::ensure!(
                !found.is_empty(),
                "no file matches {text}\n(hint: quote the pattern, or list the files)"
            );
            out.extend(found);
        } else {
            out.push(a.clone());
        }
    }
    out.dedup();
    Ok(out)
}

/// `*` and `?` over a file name.
fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

async fn check_one(g: &Global, path: &Path) -> check::ConfigReport {
    let name = path.display().to_string();
    let result: anyhow::Result<check::ConfigReport> = async {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let loaded = config::load(path)?;
        let templates = pipeline::templates(g.policies.as_deref())?;
        let clients = pipeline::connect(&loaded.config, &aws_flags(g)).await;
        let p = pipeline::prepare(&clients, loaded, &templates, g.allow_weaker_policies).await?;
        let plan = plan::changes(&p.desired, &p.observed, PlanOptions { adopt: false })?;
        let v = verify::Verification::new(verify::checks(&p.desired, &p.observed));
        let mut findings = check::drift_findings(&p.desired, &plan);
        findings.extend(check::verify_findings(&v));
        Ok(check::ConfigReport {
            config: name.clone(),
            status: if findings.is_empty() { "ok" } else { "drift" },
            findings,
            error: None,
            lines: check::config_lines(&text),
        })
    }
    .await;
    result.unwrap_or_else(|e| check::ConfigReport::error(&name, format!("{e:#}")))
}

async fn cmd_check(g: &Global, styles: Styles) -> anyhow::Result<i32> {
    let paths = expand_configs(&g.config)?;
    let pb = spinner(&format!("checking {} config(s) against AWS", paths.len()));
    let reports = futures::future::join_all(paths.iter().map(|p| check_one(g, p))).await;
    pb.finish_and_clear();
    let report = check::CheckReport::new(reports);
    match g.format {
        Format::Human => print!("{}", check::render_human(&report, styles)),
        Format::Json => println!("{}", check::render_json(&report)),
        Format::Sarif => println!("{}", check::render_sarif(&report)),
        Format::Github => print!("{}", check::render_github(&report)),
    }
    Ok(report.exit_code())
}

// ---------------------------------------------------------------------------------------------
// onboard / offboard

enum Edit {
    Add {
        function: String,
        qualifier: Option<String>,
        all_aliases: bool,
    },
    Remove {
        function: String,
        qualifier: Option<String>,
    },
}

async fn cmd_onboard(g: &Global, edit: Edit, dry_run: bool, styles: Styles) -> anyhow::Result<i32> {
    let path = config_path(g)?;
    let shown = path.display().to_string();
    let old_text = std::fs::read_to_string(&path).with_context(|| {
        format!("cannot read {shown}\n(hint: create it first, see examples/lambda-trust.toml)")
    })?;
    let old = config::parse_str(&old_text, &shown)?;
    let clients = pipeline::connect(&old.config, &aws_flags(g)).await;
    // Bare names resolve in the role's account; the identity read here is reused below.
    let identity = lambda_trust::observe::caller_identity(&clients).await?;
    let ctx = RenderContext {
        account_id: Some(
            old.config
                .aws
                .account_id
                .clone()
                .unwrap_or_else(|| identity.0.clone()),
        ),
        default_region: Some(pipeline::default_region(&old.config, &clients)),
    };
    let existing = render::resolve_targets(&old.config, &ctx)?;
    let (new_text, summary) = match &edit {
        Edit::Add {
            function,
            qualifier,
            all_aliases,
        } => {
            let target = onboard::target_from_args(
                function,
                qualifier.as_deref(),
                g.aws.region.as_deref(),
                *all_aliases,
            )?;
            let resolved = onboard::resolve_one(&old.config, &ctx, &target)?;
            if let Some(i) = onboard::already_present(&existing, &resolved) {
                println!(
                    "{} {} is already a target (targets[{i}] in {shown}); nothing to do.",
                    styles.green("✓"),
                    resolved.granted_arns.join(" and ")
                );
                return Ok(EXIT_OK);
            }
            if *all_aliases {
                eprintln!(
                    "{} --all-aliases grants every version and alias of {}: {}",
                    styles.yellow("warning:"),
                    resolved.function_name,
                    resolved.granted_arns.join(", ")
                );
            }
            let text = edit::add_target(&old_text, &shown, &target)?;
            (
                text,
                format!("onboarded {}", resolved.granted_arns.join(" and ")),
            )
        }
        Edit::Remove {
            function,
            qualifier,
        } => {
            let target = onboard::target_from_args(
                function,
                qualifier.as_deref(),
                g.aws.region.as_deref(),
                false,
            )?;
            let wanted = onboard::resolve_one(&old.config, &ctx, &target)?;
            let hits = onboard::matching(&existing, &wanted, &shown)?;
            let (text, n) = edit::remove_targets(&old_text, &shown, |i| hits.contains(&i))?;
            (
                text,
                format!(
                    "offboarded {} target entr{}",
                    n,
                    if n == 1 { "y" } else { "ies" }
                ),
            )
        }
    };
    // The edited file must be a valid config before anything is written anywhere.
    let new = config::parse_str(&new_text, &shown)?;
    if new.config.targets.is_empty() {
        eprintln!("note: no targets remain: the invoke policy will be detached and deleted; the role stays and can invoke nothing.");
    }
    // Only the new function is looked up (offboard: none); the others were confirmed before.
    let scope = pipeline::Scope {
        functions: Some(match &edit {
            Edit::Add { .. } => vec![new.config.targets.len() - 1],
            Edit::Remove { .. } => vec![],
        }),
        identity: Some(identity),
    };
    let (clients, p) = prepare_loaded(g, clients, new, scope).await?;
    let plan = plan::plan(&p.desired, &p.observed, PlanOptions { adopt: false })?;
    if g.format == Format::Human {
        println!("{}", styles.bold(&format!("Config change ({shown}):")));
        print!("{}", edit::text_diff(&shown, &old_text, &new_text));
        println!("{}", styles.bold("AWS changes:"));
        print!("{}", report::plan_human(&plan, styles));
    }
    if dry_run {
        if g.format == Format::Json {
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "dry_run": true,
                    "config_diff": edit::text_diff(&shown, &old_text, &new_text),
                    "plan": report::plan_json(&plan),
                }))?
            );
        } else {
            println!("Dry run: nothing was changed.");
        }
        return Ok(EXIT_CHANGES);
    }
    write_atomically(&path, &new_text)?;
    eprintln!("updated {shown}");
    let total = plan.ops.len();
    let outcome = apply::apply(&clients, &plan, |i, op| {
        eprintln!("[{}/{total}] {}", i + 1, report::describe(op).resource);
    })
    .await?;
    // Prove the result: re-read IAM (the functions were just read and did not change).
    let observed = pipeline::reobserve_iam(&clients, &p).await?;
    let v = verify::Verification::new(verify::checks(&p.desired, &observed));
    match g.format {
        Format::Human => {
            println!(
                "{} {summary} ({} write call(s)).",
                styles.green("✓"),
                outcome.writes
            );
            print!("{}", report::verification_human(&v, styles));
        }
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "summary": summary,
                "writes": outcome.writes,
                "changes": plan.ops.iter().map(report::describe).collect::<Vec<_>>(),
                "verification": report::verification_json(&v),
            }))?
        ),
    }
    Ok(if v.passed { EXIT_OK } else { EXIT_DENIED })
}

/// Write to a sibling temp file, then rename: the config is never left half-written.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("toml.lambda-trust-tmp");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}
