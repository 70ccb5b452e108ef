//! Command-line arguments. "Low" parsing only: validates what the user typed; anything that
//! touches files or AWS happens in `main` after parsing.
//!
//! `tree` is the command tree (the global flags, each command, the one table of `--format`s),
//! `args` each command's flags (`watch` the watch's), `help` what clap parses and
//! `--help`, completions and man show.

mod args;
mod guardrail;
mod help;
mod tree;
mod watch;

pub(crate) use args::*;
pub(crate) use guardrail::*;
pub use help::command;
pub(crate) use help::try_parse;
pub(crate) use tree::VERSION;
pub(crate) use tree::{ColorChoice, Command, Global, ProgressChoice, VersionRequest};
pub(crate) use watch::*;
