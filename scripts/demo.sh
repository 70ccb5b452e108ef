#!/usr/bin/env bash
# `just demo`: the whole story against the tests' local AWS, with the real binary: init writes
# the config, then plan, apply, verify, tamper, check (naming who tampered), repair; then the
# watch: deployed to the local AWS, its package run as Lambda runs it (the tests' local Runtime
# API, tests/it/support/runtime_api.py), a hand edit heard and published to Security Hub, and
# destroyed, its findings kept ACTIVE while the edit still stands.
#
# The local AWS, the binaries and the knobs (DEMO_AWS_ENDPOINT, DEMO_BIN, DEMO_LOCAL_AWS,
# DEMO_PACKAGE): scripts/local_aws.sh.
set -uo pipefail
# shellcheck source=scripts/local_aws.sh
. "$(dirname "$0")/local_aws.sh"

bold "A local AWS (moto) is running $WHERE. Creating two Lambda functions:"
tool seed || fail "seeding moto"


# From here on the demo works in its own directory: every command finds ./lambda-trust.toml.
cd "$DEMO" || fail "cannot enter $DEMO"
unset LAMBDA_TRUST_CONFIG
bold "0. lambda-trust init — write the config (from flags here; on a terminal without flags it asks)"
echo "   --from-account lists the account's functions in us-east-1 and keeps those matching 'lookup-*';"
echo "   the alias 'live' of lookup-order in eu-west-1 is added by ARN."
expect 0 "$BIN" init --external-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10 --region us-east-1 \
    --from-account --match 'lookup-*' \
    --function arn:aws:lambda:eu-west-1:123456789012:function:lookup-order:live
echo "--- lambda-trust.toml, without its comments:"
grep -v '^#' lambda-trust.toml | grep -v '^$'
bold "0b. lambda-trust lint — the written config checks clean, offline (exit 0)"
expect 0 "$BIN" lint

bold "1. lambda-trust plan — nothing exists yet, so everything is to create (exit 2)"
expect 2 "$BIN" plan
bold "2. lambda-trust apply — create the role and its invoke policy"
expect 0 "$BIN" apply --yes
bold "3. lambda-trust verify — prove who can assume the role and what it may invoke (exit 0)"
expect 0 "$BIN" verify
bold "4. lambda-trust plan — in sync now (exit 0)"
expect 0 "$BIN" plan
bold "5. Jane Doe, an IAM user with her own access key, changes things behind the tool's back:"
tool tamper || fail "tampering"
bold "6. lambda-trust verify — the proof now fails (exit 3)"
expect 3 "$BIN" verify
bold "7. lambda-trust check — the CI drift check: what drifted, how bad, and who changed it (exit 2)"
expect 2 "$BIN" check
bold "8. lambda-trust plan — shows both changes (exit 2)"
expect 2 "$BIN" plan
bold "9. lambda-trust apply — repairs them"
expect 0 "$BIN" apply --yes
bold "10. lambda-trust verify — passes again (exit 0)"
expect 0 "$BIN" verify
bold "11. lambda-trust check — clean (exit 0)"
expect 0 "$BIN" check

# ------------------------------------------------------------------ the Genesys Cloud side
# A local Genesys Cloud (tests/it/support/genesys_fake.py: the Platform API's shapes, checked
# against Genesys's Python SDK models), wired to moto so a data action test really assumes the role.
"$VENV/bin/python" "$REPO/tests/it/support/genesys_fake.py" --port 0 --client-id demo-client \
    --client-secret demo-secret --aws-endpoint "$AWS_ENDPOINT_URL" \
    --org-id 0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10 >"$DEMO/genesys.out" 2>"$DEMO/genesys.log" &
PIDS+=($!)
GENESYS_URL=$(listening "$DEMO/genesys.out")
[ -n "$GENESYS_URL" ] || fail "the Genesys Cloud fake did not start ($(tail -n 5 "$DEMO/genesys.log"))"
export GENESYSCLOUD_API_REGION="$GENESYS_URL" GENESYSCLOUD_OAUTHCLIENT_ID=demo-client
export GENESYSCLOUD_OAUTHCLIENT_SECRET=demo-secret
fake() { # fake METHOD PATH [JSON]: the fake's control API (its "admin UI")
    "$VENV/bin/python" -c 'import json,sys,urllib.request as u
r=u.Request(sys.argv[1]+sys.argv[3],method=sys.argv[2],data=(sys.argv[4].encode() if len(sys.argv)>4 else None),headers={"Content-Type":"application/json"})
print(u.urlopen(r).read().decode())' "$GENESYS_URL" "$@"
}

bold "12. The Genesys Cloud half: a local Genesys Cloud runs at $GENESYS_URL. Adding [genesys]:"
cat >>"$DEMO/lambda-trust.toml" <<'TOML'

[genesys]
integration = "AWS Lambda (lambda-trust demo)"
category = "Lambda"
TOML
tail -n 4 "$DEMO/lambda-trust.toml"
bold "13. lambda-trust plan — AWS is in sync; Genesys Cloud needs a credential, the integration and one data action per target (exit 2)"
expect 2 "$BIN" plan
bold "14. lambda-trust apply — AWS first (nothing to do), then Genesys Cloud"
expect 0 "$BIN" apply --yes
bold "15. lambda-trust verify --test-actions — the credential holds the proved role; each action calls exactly its ARN and runs end to end"
expect 0 "$BIN" verify --test-actions
bold "16. lambda-trust apply — a second apply writes nothing on either side"
expect 0 "$BIN" apply --yes
bold "17. Jane Admin edits things in the Genesys Cloud admin UI: the credential now points at another role, and an action's timeout changes"
STATE=$(fake GET /__fake/state) || fail "reading the fake's state"
CRED=$(printf '%s' "$STATE" | "$VENV/bin/python" -c 'import json,sys; print(next(iter(json.load(sys.stdin)["credentials"])))')
ACTION=$(printf '%s' "$STATE" | "$VENV/bin/python" -c 'import json,sys; print(next(iter(json.load(sys.stdin)["actions"])))')
fake POST /__fake/tamper "{\"kind\":\"credential\",\"id\":\"$CRED\",\"fields\":{\"ARN\":\"arn:aws:iam::999999999999:role/SomeoneElse\"}}" >/dev/null || fail "tampering"
fake POST /__fake/tamper "{\"kind\":\"action\",\"id\":\"$ACTION\",\"set\":{\"config.timeoutSeconds\":5}}" >/dev/null || fail "tampering"
echo "  (done through the fake's control API, recorded in its audit trail under Jane Admin)"
bold "18. lambda-trust check — the credential change is a security finding, the timeout a config one; both name who changed them (exit 2)"
expect 2 "$BIN" check
bold "19. lambda-trust apply — rewrites the credential and restores the action (same action ID)"
expect 0 "$BIN" apply --yes
bold "20. lambda-trust check — clean on both sides (exit 0)"
expect 0 "$BIN" check

# ------------------------------------------------------------------ the watch (docs/watch.md)
# check proves the setup when someone runs it; the watch proves it again on every change, as a
# Lambda function behind EventBridge publishing to Security Hub. Here it is deployed to the local
# AWS, and its package is run as Lambda runs it: bootstrap against a local Lambda Runtime API
# (tests/it/support/runtime_api.py), handed the events EventBridge would hand it.
if [ "$(uname -s)" != Linux ]; then
    bold "Done. The watch's steps run a Linux build as Lambda does: skipped on $(uname -s). moto and the Genesys Cloud fake are stopped on exit."
    exit 0
fi
WATCH=lambda-trust-watch-GenesysLambdaInvoker
bold "21. lambda-trust watch status — nothing deployed yet; it names what the function would lack (exit 2)"
expect 2 "$BIN" watch status --package "$PACKAGE"
bold "22. What the function needs and cannot make for itself, made on the local AWS with boto3:"
tool watch-prerequisites \
    "$GENESYS_URL" demo-client demo-secret || fail "making the watch's prerequisites"
echo "  A sign-in from this shell (GENESYSCLOUD_*) does not travel to the function: [genesys] names the secret,"
echo "  so the watch reads both sides as check does (without it, deploy warns that the function cannot"
echo "  sign in to Genesys Cloud, and it reads no Genesys Cloud side)."
echo 'oauth_secret = "lambda-trust-demo/genesys-oauth"' >>"$DEMO/lambda-trust.toml"
tail -n 4 "$DEMO/lambda-trust.toml"
bold "23. lambda-trust watch deploy — the function (the binary as bootstrap, the config beside it), its read-only role and its rules"
expect 0 "$BIN" watch deploy --package "$PACKAGE" --yes
bold "24. lambda-trust watch status — deployed as the config says; it can hear, publish and sign in (exit 0)"
expect 0 "$BIN" watch status --package "$PACKAGE"

bold "25. The function as Lambda runs it: its package from GetFunction's Code.Location, unzipped, bootstrap started"
# Told the deployed function's own ARN, as Lambda tells it.
runtime "arn:aws:lambda:us-east-1:123456789012:function:$WATCH"
bootstrap "$WATCH"
invoke() { # invoke EVENT: hands the function one event; prints its answer, the run's record
    "$VENV/bin/python" -c 'import json,sys,urllib.request as u
r=u.Request("http://"+sys.argv[1]+"/test/invoke",data=sys.argv[2].encode(),headers={"Content-Type":"application/json"})
a=json.load(u.urlopen(r,timeout=150))
print(json.dumps(a["body"]))
sys.exit(a["kind"]!="response")' "$RUNTIME_API" "$1"
}
echo "--- the schedule's tick (a Scheduled Event): the first read of a new execution environment reads everything"
TICK='{"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-11-26T11:00:00Z","region":"us-east-1","resources":["arn:aws:events:us-east-1:123456789012:rule/'"$WATCH"'-tick"],"detail":{}}'
invoke "$TICK" || fail "the schedule's tick"

bold "26. Jane Doe edits the trust policy by hand; EventBridge hands the function the CloudTrail event of her call"
tool open-trust || fail "tampering"
EDIT=$(tool cloudtrail-event UpdateAssumeRolePolicy) \
    || fail "reading the trail"
echo "--- one invocation hears it, reading the role alone; its answer:"
invoke "$EDIT" || fail "the CloudTrail event"
bold "27. Security Hub holds the watch's findings (GetFindings, GeneratorId prefix lambda-trust/watch/): severity, state, title, who"
tool findings || fail "reading Security Hub"

bold "28. lambda-trust watch destroy — proves once more, removes exactly what deploy made; Jane's edit still stands, so its findings are kept ACTIVE, never archived silently"
expect 0 "$BIN" watch destroy --yes
bold "29. Security Hub after destroy: the findings of Jane's edit stay ACTIVE, their text saying the watch was removed and what settles them"
tool findings || fail "reading Security Hub"
bold "Done. moto, the Genesys Cloud fake, the Runtime API and the function are stopped on exit; nothing outside this machine was touched."
