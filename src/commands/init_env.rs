//! `lambda-trust init --env NAME`: an environment written as `[environments.NAME]` — added to
//! an existing config with what differs in it (its org ID, account, profile, role, Genesys
//! Cloud region), or, in a new config, the first environment, the base being its config
//! (docs/environments.md). The file is edited in place, comments kept, and validated in that
//! environment before it is written.

use std::path::Path;

use super::invocation::Invocation;
use crate::app::files::write_atomically;
use crate::app::live::config_warnings;
use crate::cli::InitArgs;
use crate::error::{Error, FileError, Result, Status};
use crate::report::{EnvironmentWritten, InitResult, SCHEMA_VERSION};
use lambda_trust_config::{add_environment, EnvironmentOverrides, InitValue, ORG_ID_WHERE};

/// Adds `[environments.NAME]` to the config at `path` from the flags (`--external-id` needed;
/// `--account-id`, `--profile`, `--region`, `--role-name`, `--genesys-region` when given).
pub(super) fn add(inv: &Invocation, args: &InitArgs, path: &Path, name: &str) -> Result<Status> {
    let external_id = args.external_id.clone().ok_or_else(|| {
        Error::usage(
            format!("init --env {name} adds an environment to {}: its Genesys Cloud organization ID is needed", path.display()),
            format!("pass --external-id ORG-ID (the org of {name}; in Genesys Cloud: {})", ORG_ID_WHERE),
        )
    })?;
    let overrides = EnvironmentOverrides {
        external_id: Some(external_id),
        account_id: args.account_id.clone(),
        profile: inv.settings.aws.profile.clone(),
        region: inv.settings.aws.region.clone(),
        role_name: args.role_name.clone(),
        genesys_region: args.genesys_region.clone(),
        ..EnvironmentOverrides::default()
    };
    check_flags(&overrides)?;
    let before =
        std::fs::read_to_string(path).map_err(|e| FileError::new("read", path.display(), e))?;
    let source = path.display().to_string();
    let after = add_environment(&before, &source, name, &overrides, args.force)?;
    // The environment as every command will load it: nothing invalid is written.
    let loaded = lambda_trust_config::parse_str(&after, &source, Some(name))?;
    write_atomically(path, &after)?;
    inv.output.warnings(&config_warnings(&loaded));
    inv.output.emit(&InitResult {
        schema_version: SCHEMA_VERSION,
        written: source,
        targets: (loaded.config.targets.iter())
            .map(|t| t.function.clone())
            .collect(),
        commented_out: Vec::new(),
        environment: Some(written(name, &overrides)),
    })?;
    Ok(Status::Ok)
}

/// A new config's first environment (`app::init_env::first`), and what its table overrides.
pub(super) fn first(
    inv: &Invocation,
    path: &Path,
    text: &str,
    name: &str,
) -> Result<(String, EnvironmentWritten)> {
    let text = crate::app::init_env::first(&inv.settings, path, text, name)?;
    let overrides = EnvironmentOverrides {
        profile: inv.settings.aws.profile.clone(),
        ..EnvironmentOverrides::default()
    };
    Ok((text, written(name, &overrides)))
}

/// The values init checks before any config is written.
fn check_flags(o: &EnvironmentOverrides) -> Result<()> {
    let checks = [
        (
            "--external-id",
            o.external_id
                .as_deref()
                .map(|v| InitValue::ExternalId(v).check()),
        ),
        (
            "--account-id",
            o.account_id
                .as_deref()
                .map(|v| InitValue::AccountId(v).check()),
        ),
        (
            "--region",
            o.region.as_deref().map(|v| InitValue::Region(v).check()),
        ),
        (
            "--role-name",
            o.role_name
                .as_deref()
                .map(|v| InitValue::RoleName(v).check()),
        ),
        (
            "--genesys-region",
            o.genesys_region
                .as_deref()
                .map(|v| InitValue::GenesysRegion(v).check()),
        ),
    ];
    for (flag, check) in checks {
        if let Some(Err(e)) = check {
            return Err(Error::usage(
                format!("{flag}: {e}"),
                "fix the value; nothing was written",
            ));
        }
    }
    Ok(())
}

/// What the environment's table overrides, as dotted keys.
fn written(name: &str, o: &EnvironmentOverrides) -> EnvironmentWritten {
    EnvironmentWritten {
        name: name.to_string(),
        overrides: o.dotted_keys(),
    }
}
