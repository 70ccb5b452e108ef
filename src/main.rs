//! The `lambda-trust` binary: parses arguments, runs one command from the library, prints the
//! result (stdout) and progress/logs (stderr), and maps the outcome onto the documented exit
//! codes. All logic lives in the library; errors are printed with their whole chain.

mod cli;

use std::io::IsTerminal;
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
use lambda_trust::{apply, config, simulate, verify};

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    let loaded = config::load(&g.config)?;
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
    let loaded = config::load(&g.config)?;
    let templates = pipeline::templates(g.policies.as_deref())?;
    let ctx = RenderContext {
        account_id: loaded.config.aws.account_id.clone(),
        default_region: loaded.config.aws.region.clone(),
    };
    let rendered = render::render(&loaded.config, &ctx, &templates)?;
    let report = lint::lint(&loaded, &rendered, g.allow_weaker_policies);
    match g.format {
        Format::Human => print!("{}", lint::render_human(&report, styles.color)),
        Format::Json => println!("{}", lint::render_json(&report)),
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
        Format::Json => println!("{}", simulate::render_json(&outcome)),
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
    let templates = pipeline::templates(g.policies.as_deref())?;
    let clients = pipeline::connect(&loaded.config, &aws_flags(g)).await;
    let pb = spinner("reading the role, its policies and the target functions from AWS");
    let started = Instant::now();
    let prepared = pipeline::prepare(&clients, loaded, &templates, g.allow_weaker_policies).await;
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
        Format::Json => println!(
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
            Format::Json => println!(
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
        Format::Json => println!(
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
        Format::Json => println!(
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
            Format::Json => println!(
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
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json!({"destroyed": true, "writes": outcome.writes,
                "changes": plan.ops.iter().map(report::describe).collect::<Vec<_>>()}))?
        ),
    }
    Ok(EXIT_OK)
}
