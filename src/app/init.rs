//! `init`'s workflows beyond the questions (which stay with the command): the account's
//! functions (`--from-account`, picked by `--match` globs), and `--from-role`: an existing role
//! read (only read), proved by the audit's prover and imported (`crates/audit/src/role_import/mod.rs`). The files
//! are validated like any config and written all or nothing ([`write_all`]).

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::error::AppError;
use super::events::{Event, Events};
use super::files::write_all_or_nothing;
use super::settings::Settings;
use crate::aws::inventory;
use crate::aws::observe::observe;
use crate::aws::{AwsSettings, Clients};
use crate::error::{Error, Result};
use crate::event::{Read, Said};
use lambda_trust_audit::{import_role, role_config, AuditOptions, ImportFiles, ImportedRole};
use lambda_trust_config::InitAnswers;
use lambda_trust_model::Query;

pub(crate) use crate::aws::inventory::ListedFunction;

/// The functions of the account in `region` (ListFunctions, paginated).
pub(crate) async fn list_functions(
    settings: &Settings,
    events: &dyn Events,
    region: &str,
) -> Result<Vec<ListedFunction>> {
    let clients = Clients::connect(&AwsSettings {
        region: Some(region.to_string()),
        ..settings.aws.clone()
    })
    .await?
    .reporting(events.retries());
    let what = Read::Functions {
        region: region.to_string(),
    };
    let listed = events
        .reading(what, inventory::list_functions(&clients, region))
        .await;
    Ok(listed?)
}

/// `--match` globs, matched against function names.
pub(crate) fn globs(patterns: &[String]) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| {
            Error::usage(
                format!("--match {p}: {e}"),
                "use a glob such as 'genesys-*'",
            )
        })?);
    }
    b.build()
        .map_err(|e| Error::usage(format!("--match: {e}"), "use a glob such as 'genesys-*'"))
}

/// The account the listed functions live in.
pub(crate) fn account_of(listed: &[ListedFunction]) -> Option<String> {
    listed
        .first()
        .and_then(|f| f.arn.split(':').nth(4))
        .map(str::to_string)
}

/// `--from-account` without a terminal: the functions of `answers.region` listed, those
/// `patterns` match become targets (by ARN), the rest commented-out entries.
pub(crate) async fn from_account(
    settings: &Settings,
    events: &dyn Events,
    answers: &mut InitAnswers,
    patterns: &[String],
) -> Result<()> {
    let listed = list_functions(settings, events, &answers.region).await?;
    let set = globs(patterns)?;
    let (chosen, others): (Vec<_>, Vec<_>) = listed.iter().partition(|f| set.is_match(&f.name));
    if !patterns.is_empty() && chosen.is_empty() {
        return Err(Error::usage(
            format!(
                "no function in {} matches {} ({} listed)",
                answers.region,
                patterns.join(", "),
                listed.len()
            ),
            "check the pattern and --region; nothing was written",
        ));
    }
    if patterns.is_empty() {
        events.event(Event::Said(Said::ListedAsComments {
            functions: listed.len(),
        }));
    }
    answers.targets = chosen.iter().map(|f| f.arn.clone()).collect();
    answers.other_functions = others.iter().map(|f| f.arn.clone()).collect();
    answers.account_id = account_of(&listed);
    Ok(())
}

/// `init --from-role NAME` alone: the role read and imported, its config written at `path`
/// (refusing an existing file unless `force`). Returns the imported role, for the report.
pub(crate) async fn from_role(
    settings: &Settings,
    events: &dyn Events,
    name: &str,
    external_id: Option<&str>,
    (path, force, environment): (&Path, bool, Option<&str>),
) -> Result<(ImportedRole, Option<super::init_env::Added>)> {
    let role = read_role(settings, events, name, external_id).await?;
    if let (Some(env), true) = (environment, path.exists()) {
        let found = super::init_env::Found {
            external_id: role.external_id.clone(),
            account_id: role.account_id.clone(),
            role_name: role.name.clone(),
            role_path: role.path.clone(),
            profile: settings.aws.profile.clone(),
            functions: (role.targets.iter())
                .map(|(f, q)| super::init_env::function_key(f, q.as_deref()))
                .collect(),
            ..Default::default()
        };
        let added = super::init_env::add(events, path, env, &found, force)?;
        return Ok((role, Some(added)));
    }
    let region = role_region(settings, &role)?;
    let mut config = role_config(&role, &region);
    if let Some(env) = environment {
        config = super::init_env::first(settings, path, &config, env)?;
    }
    let files = ImportFiles {
        config,
        contracts: Default::default(),
    };
    write_all(path, &files, force, events)?;
    Ok((role, None))
}

/// Reads the role and its policies and imports it (`external_id` wins over the role's ID).
pub(crate) async fn read_role(
    settings: &Settings,
    events: &dyn Events,
    name: &str,
    external_id: Option<&str>,
) -> Result<ImportedRole> {
    let clients = Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let query = Query {
        partition: clients.partition().to_string(),
        role_name: name.to_string(),
        policy_name: format!("{name}-invoke"),
        policy_path: "/".into(),
        probe_shards: 1,
        functions: Vec::new(),
        account_hint: None,
        known_identity: None,
    };
    let what = Read::Role {
        name: name.to_string(),
    };
    let observed = events.reading(what, observe(&clients, &query)).await;
    let observed = observed.map_err(AppError::ReadRole)?;
    if observed.role.is_none() {
        return Err(Error::usage(
            format!(
                "role {name} does not exist in account {}",
                observed.account_id
            ),
            "give the role's name (not its ARN), in the account your AWS credentials are for",
        ));
    }
    let opts = AuditOptions {
        region: settings.region(None),
        ..AuditOptions::default()
    };
    import_role(&observed, &opts, external_id).map_err(|e| {
        Error::usage(
            format!("{e}: lambda-trust needs the Genesys Cloud organization ID to require"),
            "pass --external-id ORG-ID; the config is written with the role's findings as comments",
        )
    })
}

/// `[aws].region`: the one rule's (`--region`, the environment), else the first granted
/// function's.
fn role_region(settings: &Settings, role: &ImportedRole) -> Result<String> {
    let first = role
        .targets
        .iter()
        .find_map(|(f, _)| lambda_trust_iam::Arn::parse(f).map(|a| a.region));
    settings.region(None).or(first).ok_or_else(|| {
        Error::usage(
            "the role grants no function to tell the AWS region from",
            "pass --region REGION",
        )
    })
}

/// Validates the config (with its contract files) and writes everything, or nothing; what is
/// valid but defective (an imported action's latent defect) is said as a warning.
pub(crate) fn write_all(
    path: &Path,
    files: &ImportFiles,
    force: bool,
    events: &dyn Events,
) -> Result<()> {
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let all: Vec<PathBuf> = std::iter::once(path.to_path_buf())
        .chain(files.contracts.keys().map(|p| base.join(p)))
        .collect();
    if !force {
        if let Some(p) = all.iter().find(|p| p.exists()) {
            return Err(Error::usage(
                format!("{} already exists; init does not overwrite it", p.display()),
                "pass --force to replace it, or --config OTHER/lambda-trust.toml to write elsewhere",
            ));
        }
    }
    let schemas = |p: &Path| {
        let rel = p
            .strip_prefix(&base)
            .unwrap_or(p)
            .to_string_lossy()
            .to_string();
        files
            .contracts
            .get(&rel)
            .cloned()
            .ok_or_else(|| std::io::Error::other("not written"))
    };
    let loaded = lambda_trust_config::parse_str_reading(
        &files.config,
        &path.display().to_string(),
        &schemas,
    )?;
    events.all(Event::warnings(&super::live::config_warnings(&loaded)));
    // The contracts first, the config last: all of them, or none.
    let contracts: Vec<(PathBuf, &str)> = (files.contracts.iter())
        .map(|(rel, text)| (base.join(rel), text.as_str()))
        .collect();
    let mut writes: Vec<(&Path, &str)> = (contracts.iter())
        .map(|(p, text)| (p.as_path(), *text))
        .collect();
    writes.push((path, &files.config));
    write_all_or_nothing(&writes)
}
