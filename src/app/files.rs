//! The files the workflows read and write for the layers below (which touch no file): policy
//! templates, policy files, and the config written whole or not at all.

use std::path::Path;

use anyhow::Context;

use crate::core::render::{RenderError, Template, Templates};
use crate::error::Result;

/// Writes `path` whole or not at all: a temporary file beside it, then renamed over it
/// (`tempfile`'s `persist`), so the config is never left half-written.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write beside {}", path.display()))?;
    // The temporary file is private (0600 on Unix); the config keeps its mode, a new one is
    // readable as a plainly written file would be.
    let mode = std::fs::metadata(path).map(|m| m.permissions()).ok();
    tmp.write_all(text.as_bytes())
        .and_then(|()| match mode {
            Some(m) => tmp.as_file().set_permissions(m),
            None => new_file_mode(tmp.as_file()),
        })
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
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
pub fn read_file(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// `--policies DIR`: reads `trust.json` and `invoke.json` (here: the core reads no files) and
/// checks them (JSON, known and required placeholders), so a broken template fails before
/// anything else happens.
pub fn read_templates(dir: &Path) -> std::result::Result<Templates, RenderError> {
    let read = |name: &str| -> std::result::Result<Template, RenderError> {
        let path = dir.join(name);
        let file = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) if text.starts_with('\u{feff}') => Err(RenderError::TemplateBom { file }),
            Ok(text) => Ok(Template { file, text }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(RenderError::TemplateNotFound { file })
            }
            Err(source) => Err(RenderError::TemplateRead { file, source }),
        }
    };
    Templates::custom(read("trust.json")?, read("invoke.json")?)
}
