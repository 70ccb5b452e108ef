//! `lambda-trust init` on a terminal: asks for each value (prompts on stderr), with defaults
//! from the flags and the environment, checked as the user types by the config's own rules
//! (`config::init::check_*`). The Genesys Cloud organization ID is explained before it is asked.

use dialoguer::{Confirm, Input, MultiSelect};

use super::invocation::Invocation;
use crate::app::init::{account_of, globs, list_functions};
use crate::app::Events;
use crate::cli::InitArgs;
use crate::error::Result;
use crate::report;
use lambda_trust_config::{InitAnswers, InitValue, DEFAULT_ROLE_NAME, ORG_ID_WHERE};

/// A prompt that failed (the terminal went away, Ctrl-C): nothing is written.
fn io(e: dialoguer::Error) -> crate::error::Error {
    crate::error::Error::usage(
        format!("init stopped: {e}; nothing was written"),
        "run init again on a terminal, or give the answers as flags with --no-input",
    )
}

/// What dialoguer's plain theme writes before a check's message.
const ERROR_MARK: &str = "error: ";

/// A check's `message` fitted, behind dialoguer's [`ERROR_MARK`], to stderr's terminal when
/// its `width` is known: broken at spaces, never mid-word, as every other line for people.
fn fitted(message: String, width: Option<usize>) -> String {
    let Some(width) = width else {
        return message;
    };
    let shown = report::fit(&format!("{ERROR_MARK}{message}"), width);
    match shown.strip_prefix(ERROR_MARK) {
        Some(fitted) => fitted.to_owned(),
        None => message,
    }
}

/// One answer typed on a line, checked by `check` as it is typed (its message shown fitted to
/// the terminal's `width`); `default` is offered, and an empty one makes the answer optional.
fn ask_text(
    width: Option<usize>,
    prompt: &str,
    default: Option<String>,
    check: impl Fn(&str) -> std::result::Result<(), String>,
) -> Result<String> {
    let mut input = Input::<String>::new().with_prompt(prompt);
    match default {
        // An empty default means the answer is optional: Enter accepts nothing.
        Some(d) if d.is_empty() => input = input.allow_empty(true),
        Some(d) => input = input.default(d),
        None => {}
    }
    input
        .validate_with(|v: &String| check(v.trim()).map_err(|e| fitted(e, width)))
        .interact_text()
        .map(|v| v.trim().to_string())
        .map_err(io)
}

pub(super) async fn ask(
    inv: &Invocation,
    events: &dyn Events,
    args: &InitArgs,
) -> Result<InitAnswers> {
    inv.output.say_prose(&format!(
        "lambda-trust init: a few questions, then a commented lambda-trust.toml (Ctrl-C to stop).\n\n\
         The role may be assumed only with your Genesys Cloud organization ID as sts:ExternalId, \
         so no other Genesys Cloud organization can use it. It is a UUID; find it in Genesys Cloud \
         under {ORG_ID_WHERE}.\n"
    ));
    let mut answers = ask_identity(inv, args)?;
    let from_account = args.from_account || {
        inv.output.say_prose(&format!(
            "lambda-trust can list the Lambda functions in {} for you to tick (one read-only \
             ListFunctions call).",
            answers.region
        ));
        // `y` then Enter, as every other answer here: without waiting for the newline the
        // Enter would answer the next prompt (and write a config with no targets).
        Confirm::new()
            .with_prompt("List them?")
            .default(false)
            .wait_for_newline(true)
            .interact()
            .map_err(io)?
    };
    if from_account {
        choose_listed(inv, events, args, &mut answers).await?;
    } else {
        answers.targets = ask_functions(inv, &answers.region, &args.functions)?;
    }
    if answers.account_id.is_none() && answers.targets.iter().any(|t| !t.starts_with("arn:")) {
        inv.output
            .say_prose("The role's AWS account: 12 digits; function names without an ARN are its.");
        answers.account_id = Some(ask_text(
            inv.output.err_width,
            "AWS account ID of the role",
            args.account_id.clone(),
            |v| InitValue::AccountId(v).check(),
        )?);
    }
    Ok(answers)
}

/// The first answers: the organization ID, the role's name, the functions' AWS region and the
/// Genesys Cloud region.
fn ask_identity(inv: &Invocation, args: &InitArgs) -> Result<InitAnswers> {
    let external_id = ask_text(
        inv.output.err_width,
        "Genesys Cloud organization ID",
        None,
        |v| InitValue::ExternalId(v).check(),
    )?;
    let role_name = ask_text(
        inv.output.err_width,
        "IAM role name",
        Some(
            args.role_name
                .clone()
                .unwrap_or_else(|| DEFAULT_ROLE_NAME.into()),
        ),
        |v| InitValue::RoleName(v).check(),
    )?;
    let region = ask_text(
        inv.output.err_width,
        "AWS region of the functions",
        Some(
            inv.settings
                .region(None)
                .unwrap_or_else(|| "us-east-1".into()),
        ),
        |v| InitValue::Region(v).check(),
    )?;
    inv.output.say_prose(
        "Genesys Cloud's region, as the AWS region it runs in (us-east-1 for mypurecloud.com); \
         empty to skip.",
    );
    let genesys_region = ask_text(
        inv.output.err_width,
        "Genesys Cloud region",
        Some(args.genesys_region.clone().unwrap_or_default()),
        |v| {
            if v.is_empty() {
                Ok(())
            } else {
                InitValue::GenesysRegion(v).check()
            }
        },
    )?;
    Ok(InitAnswers {
        external_id,
        role_name,
        region,
        genesys_region: (!genesys_region.is_empty()).then_some(genesys_region),
        ..InitAnswers::default()
    })
}

/// Targets typed as a comma-separated list.
fn ask_functions(inv: &Invocation, region: &str, given: &[String]) -> Result<Vec<String>> {
    let region = region.to_string();
    inv.output
        .say_prose("The functions Genesys Cloud may invoke: names or ARNs, comma-separated; empty for none yet.");
    let typed = ask_text(
        inv.output.err_width,
        "Functions",
        Some(given.join(", ")),
        move |v| {
            split(v).try_for_each(|f| {
                InitValue::Function {
                    function: f,
                    region: &region,
                }
                .check()
                .map_err(|e| format!("{f}: {e}"))
            })
        },
    )?;
    Ok(split(&typed).map(str::to_string).collect())
}

fn split(v: &str) -> impl Iterator<Item = &str> {
    v.split(',').map(str::trim).filter(|f| !f.is_empty())
}

/// Targets ticked in the account's function list (`--match` globs pre-tick).
async fn choose_listed(
    inv: &Invocation,
    events: &dyn Events,
    args: &InitArgs,
    a: &mut InitAnswers,
) -> Result<()> {
    let listed = list_functions(&inv.settings, events, &a.region).await?;
    if listed.is_empty() {
        inv.output
            .say(&format!("no Lambda function in {}", a.region));
        a.targets = ask_functions(inv, &a.region, &args.functions)?;
        return Ok(());
    }
    let set = globs(&args.matches)?;
    let ticked: Vec<bool> = listed.iter().map(|f| set.is_match(&f.name)).collect();
    inv.output
        .say_prose("Tick the functions Genesys Cloud may invoke: Space ticks one, Enter accepts.");
    let chosen = MultiSelect::new()
        .with_prompt("Functions")
        .items(listed.iter().map(|f| f.name.as_str()))
        .defaults(&ticked)
        .interact()
        .map_err(io)?;
    for (i, f) in listed.iter().enumerate() {
        if chosen.contains(&i) {
            a.targets.push(f.arn.clone());
        } else {
            a.other_functions.push(f.arn.clone());
        }
    }
    a.account_id = account_of(&listed);
    Ok(())
}
