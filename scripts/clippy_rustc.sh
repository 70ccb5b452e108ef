#!/usr/bin/env bash
# lambda-trust's own crates compiled by clippy-driver in `just test`: the tests' build is also
# clippy's pass (`-D warnings`, the lints of Cargo.toml's [workspace.lints]), so the dependencies
# are compiled once, not checked for clippy first and then built again (BENCHMARKS.md, "Clippy in
# the tests' build"). Cargo runs it as RUSTC_WORKSPACE_WRAPPER: for the workspace's crates only,
# given rustc's path and arguments, as `cargo clippy` runs clippy-driver.
set -euo pipefail
if ! command -v clippy-driver >/dev/null 2>&1; then
    echo "clippy-driver not found: install clippy (rustup component add clippy)" >&2
    exit 1
fi
exec clippy-driver "$@" -D warnings
