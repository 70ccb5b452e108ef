//! `lambda-trust init --from-role NAME`: reads (only reads) an existing IAM role, proves who can
//! assume it and what it can invoke with the audit's prover, and writes a config that
//! describes it (`core::role_import`). With `--from-genesys` the role's sections and grants join
//! the imported integration's (`init_genesys`).

use std::path::Path;

use super::init::env_region;
use super::invocation::Invocation;
use crate::aws::observe::observe;
use crate::aws::Clients;
use crate::cli::InitArgs;
use crate::core::audit::{audit_role, AuditOptions};
use crate::core::genesys::import_text::ImportFiles;
use crate::core::role_import::{account_iam, import_role, role_config, ImportedRole};
use crate::core::state::Query;
use crate::error::{Error, Result, Status};
use crate::report::{ImportResult, Imported};

/// `init --from-role NAME` alone.
pub(super) fn run(inv: &Invocation, args: &InitArgs, name: &str, path: &Path) -> Result<Status> {
    let role = read(inv, name, args.external_id.as_deref())?;
    let region = region(inv, &role)?;
    let text = role_config(&role, &region);
    let files = ImportFiles {
        config: text,
        contracts: Default::default(),
    };
    super::init_genesys::write_all(path, &files, args.force)?;
    inv.output.emit(&report(path, &role))?;
    Ok(Status::Ok)
}

/// Reads the role and its policies and imports it (`external_id` wins over the role's ID).
pub(super) fn read(
    inv: &Invocation,
    name: &str,
    external_id: Option<&str>,
) -> Result<ImportedRole> {
    let observed = super::live::live(|rt| {
        rt.block_on(async {
            let clients = Clients::connect(&inv.aws).await?;
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
            let pb = super::progress::spinner(&format!("reading the role {name} and its policies"));
            let observed = observe(&clients, &query).await;
            pb.finish_and_clear();
            observed.map_err(|e| Error::from(anyhow::Error::new(e)))
        })
    })?;
    if observed.role.is_none() {
        return Err(Error::usage(
            format!(
                "role {name} does not exist in account {}",
                observed.account_id
            ),
            "give the role's name (not its ARN), in the account your AWS credentials are for",
        ));
    }
    let iam = account_iam(&observed).ok_or_else(|| anyhow::anyhow!("role {name} vanished"))?;
    let opts = AuditOptions {
        region: env_region(inv),
        ..AuditOptions::default()
    };
    let report = audit_role(&iam, &iam.roles[0], &opts);
    import_role(&observed, report.as_ref(), external_id).map_err(|e| {
        Error::usage(
            format!("{e}: lambda-trust needs the Genesys Cloud organization ID to require"),
            "pass --external-id ORG-ID; the config is written with the role's findings as comments",
        )
    })
}

/// `[aws].region`: --region / the environment, else the first granted function's.
fn region(inv: &Invocation, role: &ImportedRole) -> Result<String> {
    let first = role
        .targets
        .iter()
        .find_map(|(f, _)| crate::iam::arn::Arn::parse(f).map(|a| a.region));
    env_region(inv).or(first).ok_or_else(|| {
        Error::usage(
            "the role grants no function to tell the AWS region from",
            "pass --region REGION",
        )
    })
}

/// What was written: the role, its findings and where the config differs from it.
fn report(path: &Path, role: &ImportedRole) -> Imported {
    Imported::Role(ImportResult {
        schema_version: crate::report::SCHEMA_VERSION,
        written: path.display().to_string(),
        targets: (role.targets.iter())
            .map(|(f, q)| q.as_ref().map_or_else(|| f.clone(), |q| format!("{f}:{q}")))
            .collect(),
        commented_out: Vec::new(),
        imported: 0,
        left_out: Vec::new(),
        role: Some(crate::report::ImportedRoleResult::of(role)),
    })
}
