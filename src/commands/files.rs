//! The report files the commands write beside their output (`--sarif FILE`, `--json FILE`,
//! `audit`'s `--html`, `--asff` and `--ocsf`): the same result, each file through the one
//! printer (`report::render`) in its format.

use std::path::PathBuf;

use super::invocation::refused;
use crate::cli::ReportFiles;
use crate::error::{FileError, Result};
use crate::report::{self, Format, Report, Styles};

/// Writes `result` into each file asked for, in that file's format, from the same read; each
/// format is rendered only when its file is asked for.
pub(super) fn write_report_files<R: Report>(
    result: &R,
    files: &[(Format, &Option<PathBuf>)],
) -> Result<()> {
    for (format, path) in files {
        let Some(path) = path else {
            continue;
        };
        let text = report::render(result, *format, Styles { color: false }).map_err(refused)?;
        std::fs::write(path, text).map_err(|e| FileError::new("write", path.display(), e))?;
    }
    Ok(())
}

/// `--sarif FILE` and `--json FILE`.
pub(super) fn sarif_and_json(files: &ReportFiles) -> [(Format, &Option<PathBuf>); 2] {
    [(Format::Sarif, &files.sarif), (Format::Json, &files.json)]
}
