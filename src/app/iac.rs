//! The infrastructure-as-code inputs of the offline workflows, read for the core (which reads
//! no file): a CloudFormation template or a Terraform plan (with the `.tf` files under its
//! source directory, for the findings' lines) into `crates/audit/src/iac/mod.rs`'s model, and a saved
//! `get-account-authorization-details` answer. `audit --template/--plan/--input` and
//! `check --template/--plan` read them here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::AppError;
use crate::error::{Error, Result};
use lambda_trust_audit::{read_plan, read_template, IacModel, PlanInput, TemplateInput};

/// A CloudFormation template or a Terraform plan.
#[derive(Debug, Clone)]
pub(crate) enum IacSource {
    /// `--template FILE` (`-` or none: as given) with its `--parameter KEY=VALUE`s.
    Template {
        path: PathBuf,
        parameters: BTreeMap<String, String>,
    },
    /// `--plan FILE` with `--source-dir` (default: the plan's directory).
    Plan {
        path: PathBuf,
        source_dir: Option<PathBuf>,
    },
}

/// The model of `source` and the file it was read from; `account_id` and `region` settle
/// what the code leaves to deployment (`AWS::AccountId`, `AWS::Region`).
pub(crate) fn read_model(
    source: &IacSource,
    account_id: Option<String>,
    region: Option<String>,
) -> Result<(IacModel, String)> {
    match source {
        IacSource::Plan { path, source_dir } => {
            read_plan_model(path, source_dir.as_deref(), account_id, region)
        }
        IacSource::Template { path, parameters } => {
            let hint = "give the path of a CloudFormation template (JSON or YAML)";
            let (file, text) = read_file("--template", path, hint)?;
            let input = TemplateInput {
                file: file.clone(),
                text,
                parameters: parameters.clone(),
                account_id,
                region,
            };
            let model = read_template(&input).map_err(AppError::Template)?;
            Ok((model, file))
        }
    }
}

/// The name and text of the file a flag names; a file that cannot be read is a usage error.
pub(crate) fn read_file(flag: &str, path: &Path, hint: &str) -> Result<(String, String)> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("cannot read {flag} {file}: {e}"), hint))?;
    Ok((file, text))
}

/// The plan at `path` read into the model, with the `.tf` files under `source_dir` (default:
/// the plan's directory) for the lines; and the plan file's name.
fn read_plan_model(
    path: &Path,
    source_dir: Option<&Path>,
    account_id: Option<String>,
    region: Option<String>,
) -> Result<(IacModel, String)> {
    let hint = "give the JSON of `terraform show -json PLANFILE`";
    let (file, text) = read_file("--plan", path, hint)?;
    let dir = match source_dir {
        Some(d) if !d.is_dir() => {
            return Err(Error::usage(
                format!("--source-dir {} is not a directory", d.display()),
                "give the directory of the Terraform root module (its .tf files)",
            ))
        }
        Some(d) => d.to_path_buf(),
        None => path.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    let mut sources = BTreeMap::new();
    tf_files(&dir, "", 0, &mut sources);
    let input = PlanInput {
        file: file.clone(),
        text,
        sources,
        source_dir: dir.display().to_string(),
        account_id,
        region,
    };
    let model = read_plan(&input).map_err(AppError::Plan)?;
    Ok((model, file))
}

/// The `.tf` files under `dir` (relative path → text), hidden directories (`.terraform`,
/// `.git`) left out; an unreadable file is skipped (its resources then point at the plan).
fn tf_files(dir: &Path, rel: &str, depth: usize, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if path.is_dir() && !name.starts_with('.') && depth < 16 {
            tf_files(&path, &child, depth + 1, out);
        } else if name.ends_with(".tf") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.insert(child, text);
            }
        }
    }
}
