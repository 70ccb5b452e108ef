//! `lambda-trust completions SHELL` and `lambda-trust man`: generated from the clap definition
//! (`cli.rs`), so every command and flag, including ones added later, is in them.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::invocation::Output;
use crate::cli;
use crate::error::{FileError, Result, Status};

/// Prints the completion script for `shell` on stdout.
pub(super) fn completions(shell: clap_complete::Shell) -> Result<Status> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cli::command(), "lambda-trust", &mut script);
    write_stdout(&script)
}

/// The root man page on stdout, or one page per command (`lambda-trust.1`,
/// `lambda-trust-plan.1`, …) in `out_dir`, each path listed on stderr.
pub(super) fn man(output: &Output, out_dir: Option<&Path>) -> Result<Status> {
    let mut cmd = cli::command().disable_help_subcommand(true);
    // Building propagates the global flags and the full names (`lambda-trust-plan`) to the
    // subcommands.
    cmd.build();
    let Some(dir) = out_dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut page)
            .map_err(|e| FileError::new("render", "the man page", e))?;
        return write_stdout(&page);
    };
    std::fs::create_dir_all(dir).map_err(|e| FileError::new("create", dir.display(), e))?;
    let mut written = Vec::new();
    write_pages(&cmd, dir, &mut written)
        .map_err(|e| FileError::new("write man pages to", dir.display(), e))?;
    for p in written {
        output.say(&format!("wrote {}", p.display()));
    }
    Ok(Status::Ok)
}

/// One page for `cmd` and one for each of its (nested) subcommands.
fn write_pages(cmd: &clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> std::io::Result<()> {
    written.push(clap_mangen::Man::new(cmd.clone()).generate_to(dir)?);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> Result<Status> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(FileError::new("write to", "stdout", e).into())
        }
        _ => Ok(Status::Ok),
    }
}
