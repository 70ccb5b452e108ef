//! `lambda-trust init`: writes a commented `lambda-trust.toml` from flags, or by asking on a
//! terminal (`init_prompt`). Optionally lists the account's functions (`--from-account`) to
//! pick targets by `--match` glob. The text comes from `config::init`; it is validated like any
//! config before it is written, and an existing file is kept unless `--force`.

use std::io::IsTerminal;

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::files::write_atomically;
use super::init_prompt;
use super::invocation::Invocation;
use super::live::config_warnings;
use crate::aws::inventory::{self, ListedFunction};
use crate::aws::{AwsSettings, Clients};
use crate::cli::InitArgs;
use crate::config;
use crate::config::init::{self as text, InitAnswers, DEFAULT_ROLE_NAME, ORG_ID_WHERE};
use crate::error::{Error, Result, Status};

/// The region from --region, else the environment the SDK reads.
pub(super) fn env_region(inv: &Invocation) -> Option<String> {
    inv.aws.region.clone().or_else(|| {
        ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    })
}

pub(super) fn run(inv: &Invocation, args: &InitArgs) -> Result<Status> {
    let path = inv.config.to_write()?;
    if args.from_genesys {
        return super::init_genesys::run(inv, args, &path);
    }
    if let Some(name) = &args.from_role {
        return super::init_role::run(inv, args, name, &path);
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
        init_prompt::ask(inv, args)?
    } else {
        from_flags(inv, args)?
    };
    let text = text::init_text(&answers);
    // The same validation as every command's: nothing invalid is ever written.
    let loaded = config::parse_str(&text, &path.display().to_string())?;
    write_atomically(&path, &text)?;
    inv.output.warnings(&config_warnings(&loaded));
    inv.output.emit(&crate::report::InitResult {
        schema_version: crate::report::SCHEMA_VERSION,
        written: path.display().to_string(),
        targets: answers.targets,
        commented_out: answers.other_functions,
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
        .filter_map(|f| crate::iam::arn::Arn::parse(f))
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
fn invalid(flag: &str, check: std::result::Result<(), String>) -> Result<()> {
    check.map_err(|e| Error::usage(format!("{flag}: {e}"), "fix the value; nothing was written"))
}

fn from_flags(inv: &Invocation, args: &InitArgs) -> Result<InitAnswers> {
    let external_id = args.external_id.clone().ok_or_else(|| {
        missing(
            "--external-id",
            &format!("your Genesys Cloud organization ID (in Genesys Cloud: {ORG_ID_WHERE})"),
        )
    })?;
    invalid("--external-id", text::check_external_id(&external_id))?;
    let region = match env_region(inv) {
        Some(r) => r,
        None => region_of_arns(&args.functions)?.ok_or_else(|| {
            missing(
                "--region",
                "the AWS region of the role's functions (or set AWS_REGION)",
            )
        })?,
    };
    invalid("--region", text::check_region(&region))?;
    let role_name = args
        .role_name
        .clone()
        .unwrap_or_else(|| DEFAULT_ROLE_NAME.into());
    invalid("--role-name", text::check_role_name(&role_name))?;
    if let Some(r) = &args.genesys_region {
        invalid("--genesys-region", check_genesys_region(r))?;
    }
    let mut answers = InitAnswers {
        external_id,
        role_name,
        region: region.clone(),
        genesys_region: args.genesys_region.clone(),
        ..InitAnswers::default()
    };
    if args.from_account {
        let listed = super::live::live(|rt| rt.block_on(list(inv, &region)))?;
        pick(&mut answers, &listed, &args.matches)?;
    }
    if let Some(acct) = &args.account_id {
        invalid("--account-id", text::check_account_id(acct))?;
        answers.account_id = Some(acct.clone());
    }
    for f in &args.functions {
        invalid("--function", text::check_function(f, &region))?;
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

/// The functions of the account in `region` (ListFunctions, paginated).
pub(super) async fn list(inv: &Invocation, region: &str) -> Result<Vec<ListedFunction>> {
    let clients = Clients::connect(&AwsSettings {
        region: Some(region.to_string()),
        ..inv.aws.clone()
    })
    .await?;
    let pb = super::progress::spinner(&format!("listing the Lambda functions in {region}"));
    let listed = inventory::list_functions(&clients, region).await;
    pb.finish_and_clear();
    Ok(listed?)
}

/// `--match` globs, matched against function names.
pub(super) fn globs(patterns: &[String]) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| {
            Error::usage(
                format!("--match {p}: {e}"),
                "use a glob such as 'genesys-*'",
            )
        })?);
    }
    Ok(b.build().map_err(anyhow::Error::from)?)
}

/// The account the listed functions live in.
pub(super) fn account_of(listed: &[ListedFunction]) -> Option<String> {
    listed
        .first()
        .and_then(|f| f.arn.split(':').nth(4))
        .map(str::to_string)
}

/// Matched functions become targets (by ARN), the rest commented-out entries.
fn pick(a: &mut InitAnswers, listed: &[ListedFunction], patterns: &[String]) -> Result<()> {
    let set = globs(patterns)?;
    let (chosen, others): (Vec<_>, Vec<_>) = listed.iter().partition(|f| set.is_match(&f.name));
    if !patterns.is_empty() && chosen.is_empty() {
        return Err(Error::usage(
            format!(
                "no function in {} matches {} ({} listed)",
                a.region,
                patterns.join(", "),
                listed.len()
            ),
            "check the pattern and --region; nothing was written",
        ));
    }
    if patterns.is_empty() {
        eprintln!(
            "no --match given: the {} function(s) listed are written as commented-out entries",
            listed.len()
        );
    }
    a.targets = chosen.iter().map(|f| f.arn.clone()).collect();
    a.other_functions = others.iter().map(|f| f.arn.clone()).collect();
    a.account_id = account_of(listed);
    Ok(())
}

/// A Genesys Cloud region name from the region table (`lambda-trust genesys regions`).
pub(super) fn check_genesys_region(v: &str) -> std::result::Result<(), String> {
    if crate::genesys::regions::by_name(v).is_some() {
        return Ok(());
    }
    let names: Vec<&str> = crate::genesys::regions::REGIONS
        .iter()
        .map(|r| r.name)
        .collect();
    Err(format!(
        "{v:?} is not a Genesys Cloud region (one of: {})",
        names.join(", ")
    ))
}
