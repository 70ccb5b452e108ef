//! The whole run of the `lambda-trust` binary: parses the arguments, runs one command on the one
//! async runtime, and maps the outcome onto the documented exit codes (docs/exit-codes.md).
//! Errors are printed here, in one place, with their whole chain and hint ([`print_error`]).
//! `src/main.rs` only calls [`main`].

use std::process::ExitCode;

use super::invocation::Invocation;
use crate::cli::VersionRequest;
use crate::error::{Error, EXIT_ERROR};
use crate::report::{fit, printable, to_json, Format, Styles, VersionResult};

/// Runs `lambda-trust` with the process's arguments and returns its exit code.
/// What this binary is, in the ELF section `watch deploy` reads to tell lambda-trust from any
/// other executable.
#[used]
#[link_section = ".lambda_trust"]
static PACKAGE_MARK: [u8; MARK.len()] = {
    let (text, mut out, mut i) = (MARK.as_bytes(), [0u8; MARK.len()], 0);
    while i < text.len() {
        out[i] = text[i];
        i += 1;
    }
    out
};
const MARK: &str = concat!("lambda-trust ", env!("CARGO_PKG_VERSION"));

pub fn main() -> ExitCode {
    // Kept in the binary, however it is linked and stripped.
    std::hint::black_box(&PACKAGE_MARK);
    // clap exits 2 on usage errors, but 2 means "changes pending" here: a typo must not look
    // like drift to a script. Usage errors exit 1; --help and --version exit 0.
    let cli = match crate::cli::try_parse() {
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
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let _ = e.print();
            return match e.use_stderr() {
                true => ExitCode::from(EXIT_ERROR as u8),
                false => ExitCode::SUCCESS,
            };
        }
    };
    let invocation = Invocation::resolve(&cli.global);
    // The one async runtime: every workflow is `async` and runs on it (the AWS and Genesys
    // Cloud calls; the prover's chunks on its blocking threads).
    let ran = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(STACK)
        .build()
        .map_err(Error::Io)
        .and_then(|rt| on_a_deep_stack(|| rt.block_on(super::run(&cli.command, &invocation))));
    match ran {
        Ok(status) => ExitCode::from(status.exit_code() as u8),
        Err(err) => {
            let output = &invocation.output;
            // Under `--progress json` every stderr line is JSON, the error's too.
            let json = output.format == Format::Json || output.json_progress;
            print_error(&err, output.stderr.color, json, output.err_width);
            ExitCode::from(err.exit_code() as u8)
        }
    }
}

/// The stack of the thread the run is driven on and of the runtime's workers: the AWS SDK's
/// futures are large, and larger still in a test build, where the SDK's crates are not
/// optimised (Cargo.toml, `[profile.dev.package.aws-sdk-…]`); the main thread's 8 MiB is not
/// always enough for them there. Reserved, not used: a page is only touched when reached.
const STACK: usize = 64 << 20;

/// Runs `drive` on a thread of its own with a [`STACK`]-byte stack and waits for it; a panic
/// there goes on here.
fn on_a_deep_stack<T: Send>(drive: impl FnOnce() -> Result<T, Error> + Send) -> Result<T, Error> {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("lambda-trust".into())
            .stack_size(STACK)
            .spawn_scoped(scope, drive)
            .map_err(Error::Io)?;
        thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The one printer of a failed run, on stderr (stdout stays empty): `error: ` with the
/// message and its causes, then `(hint: …)`; coloured when `color`, fitted to stderr's
/// terminal when it has a `width` (broken at spaces, never mid-word). Under `--format json`
/// (or `--progress json`), one JSON object on one line instead, never broken
/// (docs/schemas/error.schema.json).
fn print_error(err: &Error, color: bool, json: bool, width: Option<usize>) {
    if json {
        let doc = serde_json::to_string(&err.json()).unwrap_or_else(|_| "{}".into());
        eprintln!("{doc}");
        return;
    }
    let styles = Styles { color };
    // Error messages quote what servers answered: shown as `report::printable` shows them.
    let text = format!("{} {}", styles.red("error:"), printable(&err.human()));
    match width {
        Some(width) => eprintln!("{}", fit(&text, width)),
        None => eprintln!("{text}"),
    }
}
