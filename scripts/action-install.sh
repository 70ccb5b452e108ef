#!/usr/bin/env bash
# The GitHub Action's install step (action.yml): lambda-trust for the ref the Action is pinned
# to, into ~/.lambda-trust/bin (where scripts/action-check.sh looks), and on $GITHUB_PATH.
#
# A release tag (vX.Y.Z) installs that release's prebuilt archive for the runner with
# install.sh, verified against the release's SHA256SUMS; a checksum mismatch or a broken
# download fails the step. Only a ref without a release (a branch, a commit, a tag that was
# never released) builds from the Action's own checkout with `cargo install --locked`.
#
# Inputs (environment, as action.yml passes them):
#   ACTION_REF            github.action_ref (the tag, branch or SHA in `uses: …@REF`)
#   GITHUB_ACTION_PATH    the Action's checkout
#   LAMBDA_TRUST_REPO     github.action_repository (the OWNER/NAME in `uses:`): install.sh's
#                         repository
#   LAMBDA_TRUST_DOWNLOAD_URL  optional mirror of the releases (see install.sh)
set -euo pipefail

root="$HOME/.lambda-trust"
ref=${ACTION_REF:-}
action=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set (run this script from action.yml)}

installed=false
if [[ "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+ ]]; then
    rc=0
    sh "$action/install.sh" --version "$ref" --to "$root/bin" || rc=$?
    case "$rc" in
    0) installed=true ;;
    4) echo "lambda-trust action: no prebuilt release for $ref on this runner; building it" >&2 ;;
    *) echo "::error title=lambda-trust action::installing release $ref failed (see above)" >&2; exit 1 ;;
    esac
else
    echo "lambda-trust action: ref '${ref:-unknown}' is not a release tag; building it" >&2
fi
if [ "$installed" = false ]; then
    cargo install --locked --path "$action" --root "$root"
fi
[ -z "${GITHUB_PATH:-}" ] || echo "$root/bin" >>"$GITHUB_PATH"
"$root/bin/lambda-trust" --version
