//! The files the workflows read and write for the layers below (which touch no file): policy
//! templates, policy files, and the config written whole or not at all.

use std::path::Path;

use crate::error::{FileError, Result};
use lambda_trust_model::{RenderError, Template, Templates};

/// Writes `path` whole or not at all: a temporary file beside it, then renamed over it
/// (`tempfile`'s `persist`), so the config is never left half-written.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let tmp = staged(path, text)?;
    tmp.persist(path)
        .map_err(|e| FileError::new("replace", path.display(), e.error))?;
    Ok(())
}

/// `text` in a temporary file beside `path` (its directory made if missing), written and
/// synced, not yet in place.
fn staged(path: &Path, text: &str) -> Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| FileError::new("create", dir.display(), e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| FileError::new("write beside", path.display(), e))?;
    // The temporary file is private (0600 on Unix); a file replaced keeps its mode, a new one is
    // readable as a plainly written file would be.
    let mode = std::fs::metadata(path).map(|m| m.permissions()).ok();
    tmp.write_all(text.as_bytes())
        .and_then(|()| match mode {
            Some(m) => tmp.as_file().set_permissions(m),
            None => new_file_mode(tmp.as_file()),
        })
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| FileError::new("write", tmp.path().display(), e))?;
    Ok(tmp)
}

/// Writes every file, or none: each is first staged beside its place (a failure there leaves
/// nothing: the staged files are removed), then each is renamed into place; should a rename
/// fail, the files already put in place get their old text back (or are removed, if new).
pub(crate) fn write_all_or_nothing(files: &[(&Path, &str)]) -> Result<()> {
    let mut staged_files = Vec::with_capacity(files.len());
    for (path, text) in files {
        staged_files.push((*path, staged(path, text)?));
    }
    let mut placed: Vec<(&Path, Option<String>)> = Vec::new();
    for (path, tmp) in staged_files {
        let before = std::fs::read_to_string(path).ok();
        if let Err(e) = tmp.persist(path) {
            for (done, old) in placed.into_iter().rev() {
                // Best effort: the error below is the one the user needs.
                let _ = match old {
                    Some(text) => write_atomically(done, &text),
                    None => std::fs::remove_file(done).map_err(Into::into),
                };
            }
            let what = format!("{} (nothing was written)", path.display());
            return Err(FileError::new("replace", what, e.error).into());
        }
        placed.push((path, before));
    }
    Ok(())
}

#[cfg(unix)]
fn new_file_mode(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_mode(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Reads a file for the pure layers (policy files of `simulate` and `prove`).
pub(crate) fn read_file(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// `--policies DIR`: reads `trust.json` and `invoke.json` (here: the core reads no files) and
/// checks them (JSON, known and required placeholders), so a broken template fails before
/// anything else happens.
pub(crate) fn read_templates(dir: &Path) -> std::result::Result<Templates, RenderError> {
    let read = |name: &str| -> std::result::Result<Template, RenderError> {
        let path = dir.join(name);
        let file = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) if text.starts_with('\u{feff}') => Err(RenderError::TemplateBom { file }),
            Ok(text) => Ok(Template { file, text }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(RenderError::TemplateNotFound { file })
            }
            Err(e) => Err(RenderError::TemplateRead {
                file,
                reason: e.to_string(),
            }),
        }
    };
    Templates::custom(read("trust.json")?, read("invoke.json")?)
}

#[cfg(test)]
mod tests {
    //! Custom templates read from a folder (`--policies DIR`): each missing or broken file
    //! named, and a folder holding the built-in templates renders as they do. The renderer
    //! itself is tested in its crate (crates/model/tests/render_templates.rs).

    use super::read_templates;
    use lambda_trust_config::Config;
    use lambda_trust_model::{RenderContext, RenderError, Templates};

    const EXAMPLE: &str = include_str!("../../examples/lambda-trust.toml");
    const TRUST: &str = include_str!("../../policies/trust.json");
    const INVOKE: &str = include_str!("../../policies/invoke.json");

    fn example() -> Config {
        lambda_trust_config::parse_str(EXAMPLE, "examples/lambda-trust.toml", None)
            .unwrap()
            .config
    }

    #[test]
    fn templates_from_dir() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_templates(dir.path()).unwrap_err();
        assert!(matches!(err, RenderError::TemplateNotFound { .. }));
        assert!(err.to_string().contains("trust.json"), "{err}");

        std::fs::write(dir.path().join("trust.json"), TRUST).unwrap();
        let err = read_templates(dir.path()).unwrap_err();
        assert!(err.to_string().contains("invoke.json"), "{err}");

        std::fs::write(dir.path().join("invoke.json"), "[").unwrap();
        let err = read_templates(dir.path()).unwrap_err();
        assert!(
            matches!(err, RenderError::TemplateJson { line: 1, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("invoke.json:1:"), "{err}");

        std::fs::write(dir.path().join("invoke.json"), INVOKE).unwrap();
        let t = read_templates(dir.path()).unwrap();
        assert!(!t.builtin);
        let custom = lambda_trust_model::render(&example(), &RenderContext::default(), &t).unwrap();
        let builtin = lambda_trust_model::render(
            &example(),
            &RenderContext::default(),
            &Templates::builtin(),
        )
        .unwrap();
        assert_eq!(custom.trust, builtin.trust);
        assert_eq!(custom.invoke, builtin.invoke);
    }
}
