//! `lambda-trust init`: writes a commented `lambda-trust.toml` from flags, or by asking on a
//! terminal (`init_prompt`). Optionally lists the account's functions (`--from-account`) to
//! pick targets by `--match` glob. The text comes from `crates/config/src/init.rs`; it is validated like any
//! config before it is written, and an existing file is kept unless `--force`. The importers
//! (`--from-genesys`, `--from-role`) are `app::import` and `app::init`; their questions and
//! reports are here (`init_import`).

use std::io::IsTerminal;

use super::init_prompt;
use super::invocation::Invocation;
use crate::app::files::write_atomically;
use crate::app::live::config_warnings;
use crate::app::{init as app_init, Events};
use crate::cli::InitArgs;
use crate::error::{Error, Result, Status};
use lambda_trust_config::{init_text, InitAnswers, InitValue, DEFAULT_ROLE_NAME, ORG_ID_WHERE};

pub(super) async fn run(inv: &Invocation, events: &dyn Events, args: &InitArgs) -> Result<Status> {
    let path = inv.config.to_write()?;
    let env = inv.config.env_to_write()?;
    if let (Some(name), true, false) = (&env, path.exists(), args.from_genesys) {
        if args.from_role.is_none() {
            return super::init_env::add(inv, args, &path, name);
        }
    }
    if args.from_genesys {
        return super::init_import::from_genesys(inv, events, args, path).await;
    }
    if let Some(name) = &args.from_role {
        return super::init_import::from_role(inv, events, args, name, &path).await;
    }
    if path.exists() && !args.force {
        return Err(Error::usage(
            format!(
                "{} already exists; init does not overwrite it",
                path.display()
            ),
            "pass --force to replace it, or --config OTHER.toml to write another file",
        ));
    }
    let interactive =
        !args.no_input && args.external_id.is_none() && std::io::stdin().is_terminal();
    let answers = if interactive {
        init_prompt::ask(inv, events, args).await?
    } else {
        from_flags(inv, events, args).await?
    };
    let mut text = init_text(&answers);
    // A first environment: the base is its config, and the table names its profile.
    let environment = match &env {
        Some(name) => {
            let (with, written) = super::init_env::first(inv, &path, &text, name)?;
            text = with;
            Some(written)
        }
        None => None,
    };
    // The same validation as every command's: nothing invalid is ever written.
    let source = path.display().to_string();
    let loaded = lambda_trust_config::parse_str(&text, &source, env.as_deref())?;
    write_atomically(&path, &text)?;
    inv.output.warnings(&config_warnings(&loaded));
    inv.output.emit(&crate::report::InitResult {
        schema_version: crate::report::SCHEMA_VERSION,
        written: path.display().to_string(),
        targets: answers.targets,
        commented_out: answers.other_functions,
        environment,
    })?;
    Ok(Status::Ok)
}

/// A missing flag, named.
fn missing(flag: &str, what: &str) -> Error {
    Error::usage(
        format!("{flag} is required when init does not ask (stdin is not a terminal, or --no-input): {what}"),
        format!("pass {flag} VALUE, or run init on a terminal to be asked"),
    )
}

/// The region every `--function` ARN names, when there are ARNs and they agree: every ARN names
/// its region, so `--region` is not needed then. ARNs in several regions need `--region` (the
/// region of the role's clients and of bare names), and the error names them.
fn region_of_arns(functions: &[String]) -> Result<Option<String>> {
    let mut regions: Vec<String> = functions
        .iter()
        .filter_map(|f| lambda_trust_iam::Arn::parse(f))
        .map(|a| a.region)
        .filter(|r| !r.is_empty())
        .collect();
    regions.sort();
    regions.dedup();
    match regions.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        several => Err(Error::usage(
            format!(
                "the --function ARNs name several regions ({}), so init cannot tell the role's region",
                several.join(", ")
            ),
            "pass --region REGION (the region of the role's clients and of bare function names)",
        )),
    }
}

/// A flag's value that breaks the config's rules.
fn invalid(flag: &str, value: InitValue) -> Result<()> {
    (value.check())
        .map_err(|e| Error::usage(format!("{flag}: {e}"), "fix the value; nothing was written"))
}

async fn from_flags(inv: &Invocation, events: &dyn Events, args: &InitArgs) -> Result<InitAnswers> {
    let external_id = args.external_id.clone().ok_or_else(|| {
        missing(
            "--external-id",
            &format!("your Genesys Cloud organization ID (in Genesys Cloud: {ORG_ID_WHERE})"),
        )
    })?;
    invalid("--external-id", InitValue::ExternalId(&external_id))?;
    let region = match inv.settings.region(None) {
        Some(r) => r,
        None => region_of_arns(&args.functions)?.ok_or_else(|| {
            missing(
                "--region",
                "the AWS region of the role's functions (or set AWS_REGION)",
            )
        })?,
    };
    invalid("--region", InitValue::Region(&region))?;
    let role_name = args
        .role_name
        .clone()
        .unwrap_or_else(|| DEFAULT_ROLE_NAME.into());
    invalid("--role-name", InitValue::RoleName(&role_name))?;
    if let Some(r) = &args.genesys_region {
        invalid("--genesys-region", InitValue::GenesysRegion(r))?;
    }
    let mut answers = InitAnswers {
        external_id,
        role_name,
        region: region.clone(),
        genesys_region: args.genesys_region.clone(),
        ..InitAnswers::default()
    };
    if args.from_account {
        app_init::from_account(&inv.settings, events, &mut answers, &args.matches).await?;
    }
    if let Some(acct) = &args.account_id {
        invalid("--account-id", InitValue::AccountId(acct))?;
        answers.account_id = Some(acct.clone());
    }
    for f in &args.functions {
        let function = InitValue::Function {
            function: f,
            region: &region,
        };
        invalid("--function", function)?;
        if !answers.targets.contains(f) {
            answers.targets.push(f.clone());
        }
    }
    if answers.account_id.is_none() && answers.targets.iter().any(|t| !t.starts_with("arn:")) {
        return Err(missing(
            "--account-id",
            "a bare --function name resolves in the role's account, which offline commands \
             must know (or give the function's ARN)",
        ));
    }
    Ok(answers)
}
