//! Exit codes shared by every command. `main` maps each outcome onto exactly one of these.

/// Success, or AWS is in sync with the config.
pub const EXIT_OK: i32 = 0;
/// An error: bad input, AWS failure, refused operation.
pub const EXIT_ERROR: i32 = 1;
/// Changes pending or drift (`plan`, `check`, `destroy` without `--yes`).
pub const EXIT_CHANGES: i32 = 2;
/// Verification failed (`verify`) or the simulated request was denied (`simulate`).
pub const EXIT_DENIED: i32 = 3;
