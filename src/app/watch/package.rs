//! The watching function's package: the binary as `bootstrap` (the running one, or
//! `--package` checked against its release checksum), the config, the data actions'
//! contracts and the templates, zipped the same way each time so an unchanged package is no
//! write.

use crate::event::WatchNote;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use sha2::Digest as _;

use crate::app::settings::Settings;
use crate::error::{Error, Result};
use lambda_trust_provision::runs_on_al2023;

/// What a command does with the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PackageUse {
    Deployed,
    Compared,
    Unused,
}

/// The package the command uses, its architecture, and the note when it compares no code.
pub(super) fn package_of(
    settings: &Settings,
    loaded: &lambda_trust_config::Loaded,
    named: Option<&Path>,
    package_use: PackageUse,
) -> Result<(Vec<u8>, String, Vec<WatchNote>)> {
    let templates = settings.templates.dir.as_deref();
    packaged(named, package_use, |binary| {
        package(binary, loaded, templates)
    })
}

/// The organization watch's package: the binary alone as `bootstrap` (its function reads no
/// config: its settings are its environment).
pub(super) fn package_alone(
    named: Option<&Path>,
    package_use: PackageUse,
) -> Result<(Vec<u8>, String, Vec<WatchNote>)> {
    packaged(named, package_use, |binary| {
        zip_files(&[("bootstrap".to_owned(), 0o755, binary.to_vec())]).map_err(Error::Io)
    })
}

/// The binary read as `package_use` says, zipped by `zip`.
fn packaged(
    named: Option<&Path>,
    package_use: PackageUse,
    zip: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<(Vec<u8>, String, Vec<WatchNote>)> {
    let read = match package_use {
        PackageUse::Unused => Ok((Vec::new(), "x86_64".to_owned())),
        _ => bootstrap(named),
    };
    let out = match read {
        Ok((binary, _)) if binary.is_empty() => (Vec::new(), "x86_64".into(), Vec::new()),
        Ok((binary, arch)) => (zip(&binary)?, arch, Vec::new()),
        Err(e) if package_use == PackageUse::Compared => {
            let why = e.to_string();
            (
                Vec::new(),
                "x86_64".into(),
                vec![WatchNote::CodeNotCompared { why }],
            )
        }
        Err(e) => return Err(e),
    };
    Ok(out)
}

/// Lambda's `CodeSha256`: the package's SHA-256, base64.
pub(super) fn code_sha256(package: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(package))
}

/// The zip Lambda takes: `bootstrap` (executable), `lambda-trust.toml`, the data actions'
/// contract files at the paths the config gives them, and the templates under `policies/`
/// when the run has its own. The same input makes the same bytes (fixed times and order), so
/// an unchanged package is no write.
fn package(
    binary: &[u8],
    loaded: &lambda_trust_config::Loaded,
    templates: Option<&Path>,
) -> Result<Vec<u8>> {
    let mut files = vec![
        ("bootstrap".to_owned(), 0o755, binary.to_vec()),
        (
            "lambda-trust.toml".to_owned(),
            0o644,
            loaded.text.clone().into_bytes(),
        ),
    ];
    for (path, schema) in &loaded.schemas {
        files.push((
            contract_path(path)?,
            0o644,
            serde_json::to_vec_pretty(schema).unwrap_or_default(),
        ));
    }
    if let Some(dir) = templates {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(Error::Io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        found.sort();
        for f in found {
            let name = f.file_name().unwrap_or_default().to_string_lossy();
            files.push((
                format!("policies/{name}"),
                0o644,
                std::fs::read(&f)
                    .map_err(|e| crate::error::FileError::new("read", f.display(), e))?,
            ));
        }
    }
    zip_files(&files).map_err(Error::Io)
}

/// A contract file's place in the package: its path as the config writes it, which must stay
/// beside or below the config (the function reads it relative to the config there).
fn contract_path(path: &str) -> Result<String> {
    let p = Path::new(path);
    let inside = p.is_relative()
        && p.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
    if inside {
        let parts = p.components().filter_map(|c| match c {
            std::path::Component::Normal(part) => part.to_str(),
            _ => None,
        });
        return Ok(parts.collect::<Vec<_>>().join("/"));
    }
    Err(Error::usage(
        format!("the contract file {path} is not beside or below the config, so it cannot be packaged beside it"),
        "move it next to the config (or into a folder there) and name it by that relative path",
    ))
}

fn zip_files(files: &[(String, u32, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let at = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, mode, bytes) in files {
        zip.start_file(name.as_str(), at.unix_permissions(*mode))
            .map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    let out = zip.finish().map_err(std::io::Error::other)?;
    Ok(out.into_inner())
}

/// How to get a binary `provided.al2023` runs.
const FITTING_BUILD: &str = "pass --package with lambda-trust's Linux release (musl, static), or build one for glibc 2.34: `just lambda-build` in a checkout (cargo zigbuild --release --target x86_64-unknown-linux-gnu.2.34)";

/// The binary to deploy and its architecture: `--package PATH` — the binary, or a release
/// archive (`.tar.gz`) holding it — checked against `PATH.sha256` when one is beside it, else
/// the running binary; either must be lambda-trust, built so that Lambda's `provided.al2023`
/// runs it.
fn bootstrap(package: Option<&Path>) -> Result<(Vec<u8>, String)> {
    let path = match package {
        Some(p) => p.to_path_buf(),
        None => std::env::current_exe().map_err(Error::Io)?,
    };
    let mut bytes = std::fs::read(&path).map_err(|e| {
        crate::error::FileError::new("read", path.display(), e)
            .with_hint("pass --package with the path of a lambda-trust binary or release archive")
    })?;
    if let Some(p) = package {
        verify_checksum(p, &bytes)?;
    }
    let name = path.to_string_lossy();
    if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        bytes = from_archive(&bytes).map_err(|why| {
            Error::usage(
                format!("{} is not a lambda-trust release archive: {why}", path.display()),
                "pass the Linux release archive (lambda-trust-VERSION-x86_64-unknown-linux-musl.tar.gz) or its binary",
            )
        })?;
    }
    let fit = runs_on_al2023(&bytes);
    let fit = fit.map_err(|why| {
        Error::usage(
            format!(
                "{} cannot be the function's bootstrap: {why}",
                path.display()
            ),
            FITTING_BUILD,
        )
    })?;
    Ok((bytes, fit.architecture.into()))
}

/// The `lambda-trust` binary inside a release archive (`NAME/lambda-trust`, as
/// scripts/release.sh packs it).
fn from_archive(archive: &[u8]) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read as _;
    let gz = flate2::read::GzDecoder::new(archive);
    let mut tar = tar::Archive::new(gz);
    let entries = tar.entries().map_err(|e| e.to_string())?;
    for entry in entries {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path().map_err(|e| e.to_string())?.into_owned();
        if path.file_name().is_some_and(|n| n == "lambda-trust") {
            let mut binary = Vec::new();
            entry.read_to_end(&mut binary).map_err(|e| e.to_string())?;
            return Ok(binary);
        }
    }
    Err("it holds no lambda-trust binary".into())
}

fn verify_checksum(path: &Path, bytes: &[u8]) -> Result<()> {
    let sums = PathBuf::from(format!("{}.sha256", path.display()));
    let Ok(text) = std::fs::read_to_string(&sums) else {
        return Ok(());
    };
    let want = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let have: String = sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if want == have {
        return Ok(());
    }
    Err(Error::usage(
        format!(
            "{} does not match its checksum in {}",
            path.display(),
            sums.display()
        ),
        "download the release again; nothing was written",
    ))
}

#[cfg(test)]
mod tests {
    use super::{contract_path, zip_files};

    #[test]
    fn a_contract_is_packaged_at_its_path_beside_the_config_and_nothing_outside_is() {
        assert_eq!(
            contract_path("contracts/lookup.out.json").unwrap(),
            "contracts/lookup.out.json"
        );
        assert_eq!(contract_path("./in.json").unwrap(), "in.json");
        assert!(contract_path("../contracts/in.json").is_err());
        assert!(contract_path("/etc/in.json").is_err());
    }

    #[test]
    fn the_same_files_make_the_same_package_so_an_unchanged_deploy_writes_nothing() {
        let files = vec![
            ("bootstrap".to_owned(), 0o755, vec![1, 2, 3]),
            ("lambda-trust.toml".to_owned(), 0o644, b"[role]".to_vec()),
        ];
        let first = zip_files(&files).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(first, zip_files(&files).unwrap());
        let mut changed = files.clone();
        changed[1].2 = b"[role]\n".to_vec();
        assert_ne!(first, zip_files(&changed).unwrap());
    }
}
