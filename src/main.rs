//! The `lambda-trust` binary: everything, the error printing included, is the library's
//! (`lambda_trust::main`, in `src/commands/entry.rs`).

fn main() -> std::process::ExitCode {
    lambda_trust::main()
}
