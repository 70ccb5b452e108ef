# shellcheck shell=bash disable=SC2034
# Sourced by the demos (scripts/demo.sh, scripts/demo_organization.sh): where the binaries are,
# the demo's own directory, how a step is shown and checked, and the local AWS started — the
# live tests' own: moto answering as AWS does where it departs (tests/it/support/moto_aws.py)
# behind their recording proxy, which answers CloudTrail's LookupEvents from the IAM writes it
# relayed (examples/local_aws.rs, built from tests/it/support/). DEMO_AWS_ENDPOINT: use that one
# instead (the tests that run a demo start it in-process); DEMO_BIN / DEMO_LOCAL_AWS: the
# binaries (default: cargo's debug builds); DEMO_PACKAGE: the build `watch deploy` ships
# (default: DEMO_BIN; when this machine's glibc is newer than Lambda's and the build needs it,
# `just lambda-build` makes one that fits).
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

REPO=$(pwd)
VENV="$REPO/.venv"
# Where cargo put the binary: CARGO_TARGET_DIR, a `build.target-dir` in a cargo config, or target/.
TARGET=$(cargo metadata --no-deps --format-version 1 2>/dev/null \
    | "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])') \
    || TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${DEMO_BIN:-$TARGET/debug/lambda-trust}"
LOCAL_AWS="${DEMO_LOCAL_AWS:-$TARGET/debug/examples/local_aws}"
PACKAGE="${DEMO_PACKAGE:-$BIN}"
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/lambda-trust-demo.XXXXXX")

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() {
    printf '\n\033[31mdemo failed: %s\033[0m\n' "$*"
    [ -f "$DEMO/moto.log" ] && { echo "--- last lines of the moto log:"; tail -n 20 "$DEMO/moto.log"; }
    [ -s "$DEMO/local_aws.log" ] && { echo "--- the local AWS proxy's log:"; tail -n 20 "$DEMO/local_aws.log"; }
    [ -s "$DEMO/function.log" ] && { echo "--- the watching function's log:"; tail -n 20 "$DEMO/function.log"; }
    exit 1
}

PIDS=()
stop() { # the servers and the function this script started, then its directory (a read-only task root in it)
    [ ${#PIDS[@]} -gt 0 ] && { kill "${PIDS[@]}" 2>/dev/null; wait "${PIDS[@]}" 2>/dev/null; }
    chmod -R u+w "$DEMO" 2>/dev/null
    rm -rf "$DEMO"
}
trap stop EXIT

expect() { # expect CODE -- command…
    local want=$1; shift
    "$@" </dev/null; local got=$? # no terminal to answer on: writes are given --yes
    [ "$got" = "$want" ] || fail "'$*' exited $got, expected $want"
    printf '\033[2m(exit %s, as expected)\033[0m\n' "$got"
}

listening() { # listening FILE: the address a server started in the background writes to FILE
    # ("listening on ADDRESS"), once it has (up to 20 s); empty when it has not.
    for _ in $(seq 1 100); do
        grep -q "listening on" "$1" 2>/dev/null && break
        sleep 0.2
    done
    sed -n 's/^listening on //p' "$1" | head -n 1
}

if [ -n "${DEMO_AWS_ENDPOINT:-}" ]; then
    ENDPOINT="$DEMO_AWS_ENDPOINT"
    WHERE="at $ENDPOINT"
else
    [ -x "$LOCAL_AWS" ] || fail "$LOCAL_AWS is missing: build it with \`cargo build --example local_aws\` (just demo does)"
    PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "$VENV/bin/python" "$REPO/tests/it/support/moto_aws.py" -H 127.0.0.1 -p "$PORT" >"$DEMO/moto.log" 2>&1 &
    PIDS+=($!)
    ready() { "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/moto-api/', timeout=1)" 2>/dev/null; }
    for _ in $(seq 1 100); do
        ready && break
        sleep 0.2
    done
    ready || fail "moto did not start"
    "$LOCAL_AWS" "http://127.0.0.1:$PORT" >"$DEMO/local_aws.out" 2>"$DEMO/local_aws.log" &
    PIDS+=($!)
    ENDPOINT=$(listening "$DEMO/local_aws.out")
    [ -n "$ENDPOINT" ] || fail "the local AWS proxy did not start ($(tail -n 5 "$DEMO/local_aws.log"))"
    WHERE="on port $PORT behind the tests' recording proxy at $ENDPOINT (it keeps CloudTrail's event history)"
fi

export AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent
tool() { "$VENV/bin/python" "$REPO/scripts/moto_tool.py" "$AWS_ENDPOINT_URL" "$@"; }

# runtime ARN: the local Lambda Runtime API (tests/it/support/runtime_api.py) serving the
# function ARN, in the background; sets RUNTIME_API (HOST:PORT).
runtime() {
    "$VENV/bin/python" "$REPO/tests/it/support/runtime_api.py" "$1" \
        >"$DEMO/runtime_api.out" 2>"$DEMO/runtime_api.log" &
    PIDS+=($!)
    for _ in $(seq 1 100); do
        [ -s "$DEMO/runtime_api.out" ] && break
        sleep 0.1
    done
    RUNTIME_API="127.0.0.1:$(head -n 1 "$DEMO/runtime_api.out")"
    [ "$RUNTIME_API" != "127.0.0.1:" ] || fail "the local Runtime API did not start ($(tail -n 5 "$DEMO/runtime_api.log"))"
}

# bootstrap FUNCTION [ACCOUNT [VAR=VALUE…]]: the deployed function's package unzipped into a
# read-only task root, as Lambda's is, and its bootstrap started against RUNTIME_API with only
# what Lambda sets (Developer Guide, "Defined runtime environment variables": those of the
# function's configuration, with its own variables, in function.env) and the credentials given
# (default: the local AWS's key stands in for the execution role's).
bootstrap() {
    local function=$1 account=${2:-}; shift 2 2>/dev/null || shift
    mkdir "$DEMO/task"
    tool unpack "$function" "$DEMO/task" "$DEMO/function.env" ${account:+"$account"} \
        || fail "downloading the function's package"
    chmod -R a-w "$DEMO/task"
    local vars
    mapfile -t vars <"$DEMO/function.env"
    [ $# -gt 0 ] || set -- AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
    (cd "$DEMO/task" && exec env -i AWS_LAMBDA_RUNTIME_API="$RUNTIME_API" LAMBDA_TASK_ROOT="$DEMO/task" \
        AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 "${vars[@]}" \
        AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" "$@" ./bootstrap) >/dev/null 2>"$DEMO/function.log" &
    PIDS+=($!)
    echo "  bootstrap started with AWS_LAMBDA_RUNTIME_API=$RUNTIME_API (a local Lambda Runtime API)"
}
