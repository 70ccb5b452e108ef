//! The report files the commands write beside their output (`--sarif FILE`, `--json FILE`).

use crate::cli::ReportFiles;
use crate::error::{FileError, Result};

/// `--sarif FILE` / `--json FILE`: the same report in more formats, from the same read of AWS;
/// each format is rendered only when its file is asked for.
pub(super) fn write_report_files(
    files: &ReportFiles,
    sarif: impl FnOnce() -> String,
    json: impl FnOnce() -> String,
) -> Result<()> {
    let write = |path: &std::path::Path, text: String| {
        std::fs::write(path, format!("{text}\n"))
            .map_err(|e| FileError::new("write", path.display(), e))
    };
    if let Some(path) = &files.sarif {
        write(path, sarif())?;
    }
    if let Some(path) = &files.json {
        write(path, json())?;
    }
    Ok(())
}
