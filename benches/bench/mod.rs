//! The pieces of `benches/bench.rs`:
//!
//! - [`settings`]: the `BENCH_*` knobs.
//! - [`model`]: scenarios, samples, recorded calls, traces, the results of a run.
//! - [`fixture`]: moto behind the latency proxy, fresh seeded state per round, the config, the
//!   hermetic AWS environment of every measured process.
//! - [`measure`]: one timed (optionally traced) run through the proxy; [`cpu`]: CPU times
//!   from `/proc`; [`trace`]: per-call timestamps and the round-trip depth.
//! - [`tool`] and [`baseline`]: the two scenario groups (lambda-trust's commands, the boto3
//!   tutorial script); [`audit`]: `lambda-trust audit` on 1,000 roles and on 20 accounts;
//!   [`org_scale`]: a whole organization, account by account and through AWS Config.
//!   [`org_tree`]: the organization read once a run: `audit --organization` and the guardrail.
//! - [`stats`]: call counts and medians; [`machine`]: the machine the run is on.
//! - [`raw`]: `target/bench/raw.json` (save, and load for `BENCH_FROM`).
//! - [`report`]: the markdown; [`benchmarks_md`]: its block in BENCHMARKS.md.

pub mod audit;
pub mod baseline;
pub mod benchmarks_md;
pub mod cpu;
pub mod fixture;
pub mod machine;
pub mod measure;
pub mod model;
pub mod org_scale;
pub mod org_tree;
pub mod raw;
pub mod report;
pub mod settings;
pub mod stats;
pub mod tool;
pub mod trace;

/// Region of every call, the config and the seeded functions.
pub const REGION: &str = crate::support::moto::DEFAULT_REGION;
/// The (N+1)-th function: seeded with the others, added by `onboard`.
pub const EXTRA: &str = "bench-extra";
