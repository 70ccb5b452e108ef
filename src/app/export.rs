//! `export`'s workflow: what lambda-trust manages, read live (both sides, with their IDs) or
//! taken from the config alone (`--from-config`, no call), written as Terraform or
//! CloudFormation files into a directory (`crates/provision/src/export/mod.rs`).

use lambda_trust_config::ManagedBy;
use std::path::PathBuf;

use super::events::{Event, Events};
use super::genesys as genesys_live;
use super::live::{load, prepare_live};
use super::settings::Settings;
use crate::error::{Error, FileError, Result};
use crate::event::Note;
use lambda_trust_model::RenderContext;
use lambda_trust_provision::{
    aws_from_live, export_counts, export_files, export_from_config, genesys_export, Export,
    ExportFile, Origin,
};

/// Which code to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Terraform,
    CloudFormation,
}

/// `export`'s flags.
pub(crate) struct Options {
    pub config: lambda_trust_config::ConfigFile,
    pub target: Target,
    /// `--out DIR`.
    pub out: PathBuf,
    /// `--from-config`: what the config would create, without any call.
    pub from_config: bool,
    /// `--force`: replace files already in DIR.
    pub force: bool,
}

/// What was written.
pub(crate) struct Exported {
    pub files: Vec<PathBuf>,
    /// Managed objects exported, and how many carry an import of a live ID.
    pub objects: usize,
    pub imports: usize,
    /// What was not exported, and why.
    pub not_exported: Vec<String>,
}

pub(crate) async fn export(
    settings: &Settings,
    events: &dyn Events,
    options: Options,
) -> Result<Exported> {
    let (model, mut not_exported) = match options.from_config {
        true => (from_config(settings, events, &options)?, Vec::new()),
        false => from_live(settings, events, &options).await?,
    };
    let files = match options.target {
        Target::Terraform => export_files(&model, ManagedBy::Terraform),
        Target::CloudFormation => {
            if model.genesys.is_some() {
                not_exported.push("the Genesys Cloud integration, credential and data actions: CloudFormation has no resource type for them (export terraform writes them for the genesyscloud provider)".to_string());
            }
            export_files(&model, ManagedBy::Cloudformation)
        }
    };
    let written = write(&options, &files)?;
    for n in &not_exported {
        events.event(Event::Note(Note::NotExported { what: n.clone() }));
    }
    let (objects, imports) = export_counts(&files);
    Ok(Exported {
        files: written,
        objects,
        imports,
        not_exported,
    })
}

fn origin(options: &Options, live: bool) -> Origin {
    Origin {
        version: env!("CARGO_PKG_VERSION").to_string(),
        config: options.config.path.display().to_string(),
        environment: options.config.env.clone(),
        live,
    }
}

/// The config alone: its account and region must be known without a call.
fn from_config(settings: &Settings, events: &dyn Events, options: &Options) -> Result<Export> {
    let loaded = load(&options.config, events)?;
    let config = &loaded.config;
    let account = config.aws.account_id.clone().ok_or_else(|| {
        Error::usage(
            "export --from-config needs the role's account",
            "set [aws].account_id in the config (or export what is live, without --from-config)",
        )
    })?;
    let ctx = RenderContext {
        account_id: Some(account),
        default_region: settings.region(Some(config)),
    };
    let templates = settings.templates.load()?;
    let allow_weaker = settings.templates.allow_weaker;
    let origin = origin(options, false);
    Ok(export_from_config(
        origin,
        &loaded,
        &ctx,
        &templates,
        allow_weaker,
    )?)
}

/// What is live: AWS as read, and with `[genesys]` the org as read.
async fn from_live(
    settings: &Settings,
    events: &dyn Events,
    options: &Options,
) -> Result<(Export, Vec<String>)> {
    let (clients, prepared) = prepare_live(settings, events, &options.config).await?;
    let region = clients.region();
    let origin = origin(options, true);
    let mut model = aws_from_live(origin, &prepared.desired, &prepared.observed, &region)
        .ok_or_else(|| {
            Error::usage(
                format!(
                    "the role {} does not exist, so there is nothing live to export",
                    prepared.desired.role.name
                ),
                "run `lambda-trust apply` first, or export what the config would create with --from-config",
            )
        })?;
    let mut others = Vec::new();
    if let Some(session) =
        genesys_live::prepare(&clients, &prepared, settings.verbose, false, events).await?
    {
        let region = (session.desired.region.clone())
            .or_else(|| {
                prepared
                    .loaded
                    .config
                    .genesys
                    .as_ref()
                    .and_then(|g| g.region.clone())
            })
            .unwrap_or_default();
        let (g, foreign) = genesys_export(&session.desired, Some(&session.observed), &region);
        others.extend(foreign.into_iter().map(|name| {
            format!("the data action {name:?}: it is in the integration but not lambda-trust's")
        }));
        model.genesys = Some(g);
    }
    Ok((model, others))
}

/// Each file into `--out`, refusing to replace one unless `--force` (nothing written then).
fn write(options: &Options, files: &[ExportFile]) -> Result<Vec<PathBuf>> {
    let paths: Vec<PathBuf> = files.iter().map(|f| options.out.join(&f.name)).collect();
    if !options.force {
        if let Some(there) = paths.iter().find(|p| p.exists()) {
            return Err(Error::usage(
                format!("{} already exists; export does not replace it", there.display()),
                "pass --force to replace the exported files, or --out ANOTHER-DIR; nothing was written",
            ));
        }
    }
    std::fs::create_dir_all(&options.out)
        .map_err(|e| FileError::new("create", options.out.display(), e))?;
    let pairs: Vec<(&std::path::Path, &str)> = (paths.iter().zip(files))
        .map(|(p, f)| (p.as_path(), f.text.as_str()))
        .collect();
    super::files::write_all_or_nothing(&pairs)?;
    Ok(paths)
}
