#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): one `lambda-trust check` over the configs,
# annotations (or another --format) on stdout, SARIF and JSON written by the same run, and the
# outputs `in_sync`, `findings`, `exit-code`, `sarif-file` appended to $GITHUB_OUTPUT.
#
# Inputs (environment, as action.yml passes them):
#   INPUT_BINARY        the lambda-trust binary (default: the one action.yml installed into
#                       ~/.lambda-trust, else lambda-trust on the PATH)
#   INPUT_CONFIGS       config files, directories or quoted globs, separated by newlines or spaces
#                       (default: empty = lambda-trust's own discovery)
#   INPUT_ENVIRONMENTS  environments of configs with [environments.NAME] tables, separated by
#                       newlines, spaces or commas, or "all" (default: empty = every one)
#   INPUT_FORMAT        stdout format: github (default), human, json, sarif
#   INPUT_SARIF_FILE    where to write SARIF (default: lambda-trust.sarif)
#   INPUT_FAIL_ON_DRIFT true (default): exit 2 on drift; false: report it and exit 0
#   GITHUB_OUTPUT       the step's output file (required)
# Exit: 0 in sync (or drift with fail-on-drift false), 2 drift, 1 error (lambda-trust's codes).
set -uo pipefail

bin=${INPUT_BINARY:-}
if [ -z "$bin" ]; then
    bin=lambda-trust
    [ -x "$HOME/.lambda-trust/bin/lambda-trust" ] && bin="$HOME/.lambda-trust/bin/lambda-trust"
fi
format=${INPUT_FORMAT:-github}
sarif=${INPUT_SARIF_FILE:-lambda-trust.sarif}
fail_on_drift=${INPUT_FAIL_ON_DRIFT:-true}

die() { echo "::error title=lambda-trust action::$*" >&2; exit 1; }
[ -n "${GITHUB_OUTPUT:-}" ] || die "GITHUB_OUTPUT is not set (run this script from action.yml)"
command -v "$bin" >/dev/null 2>&1 || die "lambda-trust binary not found: $bin"
command -v jq >/dev/null 2>&1 || die "jq is required (preinstalled on GitHub-hosted runners)"

args=(check --format "$format" --sarif "$sarif")
# Globs stay quoted: lambda-trust expands them itself (docs/check.md).
set -f
for c in ${INPUT_CONFIGS:-}; do args+=(--config "$c"); done
set +f
envs=${INPUT_ENVIRONMENTS:-}
for e in ${envs//,/ }; do args+=(--env "$e"); done

rm -f "$sarif"
json=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/lambda-trust.XXXXXX.json")
trap 'rm -f "$json"' EXIT
"$bin" "${args[@]}" --json "$json"
code=$?

in_sync=false
findings=
if [ "$code" = 0 ] || [ "$code" = 2 ]; then
    in_sync=$(jq -r '.in_sync' "$json") || die "unreadable JSON report"
    findings=$(jq '[.configs[].findings | length] | add // 0' "$json") || die "unreadable JSON report"
fi
{
    echo "in_sync=$in_sync"
    echo "findings=$findings"
    echo "exit-code=$code"
    # Empty when lambda-trust stopped before reporting (a usage error): nothing to upload.
    if [ -f "$sarif" ]; then echo "sarif-file=$sarif"; else echo "sarif-file="; fi
} >>"$GITHUB_OUTPUT"

if [ "$code" = 2 ] && [ "$fail_on_drift" != true ]; then
    echo "lambda-trust: drift ($findings finding(s)); fail-on-drift is $fail_on_drift, so the step passes" >&2
    exit 0
fi
exit "$code"
