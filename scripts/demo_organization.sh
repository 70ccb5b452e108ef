#!/usr/bin/env bash
# `just demo-organization`: the organization watch (docs/organization.md) against the tests'
# local AWS, with the real binary: an organization of six accounts built as the docs ask
# before the first deploy; `watch deploy --organization`; the deployed function run as Lambda
# runs it, handed every event EventBridge would hand it — the sweep's per-account events, a
# member's hand edit forwarded to the watch's bus, the re-readings the function asks for —
# through a relay (each of the function's rules has a twin putting the same events on a queue;
# the recipe invokes the function with each, since the local AWS runs no function); then the
# member's own Security Hub, `watch status --organization` and `watch destroy --organization`.
#
# The local AWS, the binaries and the knobs (DEMO_AWS_ENDPOINT, DEMO_BIN, DEMO_LOCAL_AWS,
# DEMO_PACKAGE): scripts/local_aws.sh.
set -uo pipefail
# shellcheck source=scripts/local_aws.sh
. "$(dirname "$0")/local_aws.sh"

if [ "$(uname -s)" != Linux ]; then
    bold "The organization watch's function runs a Linux build as Lambda does: skipped on $(uname -s)."
    exit 0
fi
OURS=0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10
FUNCTION=lambda-trust-org-watch
FINDINGS=lambda-trust/organization-watch/

bold "1. An organization of 6 accounts on the local AWS ($WHERE), as docs/organization.md asks before the first deploy"
tool organization 6 || fail "building the organization"
ADMIN=$(tool account security-tooling) || fail "reading the organization"
MEMBER=$(tool account workload-2) || fail "reading the organization"

cd "$DEMO" || fail "cannot enter $DEMO"
unset LAMBDA_TRUST_CONFIG
ORG=(--organization --package "$PACKAGE" --genesys-org-id "$OURS")
bold "2. lambda-trust watch status --organization — nothing deployed yet (exit 2)"
expect 2 "$BIN" watch status "${ORG[@]}"
bold "3. lambda-trust watch deploy --organization — the function in security-tooling, StackSets on the root, the management account's stack"
expect 0 "$BIN" watch deploy "${ORG[@]}" --yes
bold "4. lambda-trust watch status --organization — deployed, every account covered (exit 0)"
expect 0 "$BIN" watch status "${ORG[@]}"

bold "5. The function as Lambda runs it, in security-tooling, with its execution role's session"
runtime "arn:aws:lambda:us-east-1:$ADMIN:function:$FUNCTION"
tool tag-runtime "$ADMIN" "$FUNCTION" "$RUNTIME_API" || fail "tagging the function"
echo "  the local AWS's Invoke of $FUNCTION now runs it (tag lambda-trust-test:runtime)"
mapfile -t SESSION < <(tool session "$ADMIN" "$FUNCTION")
[ ${#SESSION[@]} -eq 3 ] || fail "assuming the function's role"
bootstrap "$FUNCTION" "$ADMIN" "${SESSION[@]}"
bold "6. The relay: a queue catching what each of the function's rules would hand it"
tool relay "$ADMIN" "$FUNCTION" || fail "making the relay"

bold "7. The hourly tick: the sweep puts one event per account on the watch's bus; each re-proves its account"
tool tick "$ADMIN" "$FUNCTION" || fail "the tick"
tool deliver "$ADMIN" "$FUNCTION" || fail "handing the sweep's events to the function"
bold "8. Alice edits workload-2's partner role by hand"
tool hand-edit "$MEMBER" vendor-lambda || fail "the hand edit"
bold "9. What EventBridge hands the function: the call, forwarded to the watch's bus; then the re-reading it asks for"
tool deliver "$ADMIN" "$FUNCTION" || fail "handing the forwarded call to the function"
bold "10. workload-2's own Security Hub: the finding names the call and Alice"
tool findings "$MEMBER" "$FINDINGS" || fail "reading Security Hub"
bold "11. lambda-trust watch status --organization — still every account watched (exit 0)"
expect 0 "$BIN" watch status "${ORG[@]}"

bold "12. lambda-trust watch destroy --organization — re-proves each account once more, removes what deploy made"
expect 0 "$BIN" watch destroy --organization --yes
bold "13. workload-2's Security Hub after destroy: Alice's edit stands, so its finding stays ACTIVE, saying the watch was removed"
tool findings "$MEMBER" "$FINDINGS" || fail "reading Security Hub"
bold "14. lambda-trust watch status --organization — not deployed (exit 2)"
expect 2 "$BIN" watch status "${ORG[@]}"
bold "Done. The local AWS, the Runtime API and the function are stopped on exit; nothing outside this machine was touched."
