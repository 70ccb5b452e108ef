//! The `lambda-trust` binary: parses arguments, runs one command, and maps the outcome onto the
//! documented exit codes (README "Exit codes"). All logic lives in the library; errors are
//! printed with their whole chain and hint.

use std::process::ExitCode;

use lambda_trust::cli::VersionRequest;
use lambda_trust::commands::{self, Invocation};
use lambda_trust::error::{EXIT_ERROR, EXIT_OK};
use lambda_trust::report::{to_json, VersionResult};

fn main() -> ExitCode {
    // clap exits 2 on usage errors, but 2 means "changes pending" here: a typo must not look
    // like drift to a script. Usage errors exit 1; --help and --version exit 0.
    let cli = match lambda_trust::cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayVersion => {
            let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
            let asked = VersionRequest::from_args(&args);
            let build = VersionResult::this_build();
            if asked.json {
                println!("{}", to_json(&build));
            } else {
                print!("{}", build.human(asked.verbose));
            }
            return ExitCode::from(EXIT_OK as u8);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_OK } as u8);
        }
    };
    let invocation = Invocation::resolve(&cli.global);
    match commands::run(&cli.command, &invocation) {
        Ok(status) => ExitCode::from(status.exit_code() as u8),
        Err(err) => {
            eprintln!("{} {err}", invocation.output.stderr.red("error:"));
            ExitCode::from(err.exit_code() as u8)
        }
    }
}
