#!/usr/bin/env bash
# `just demo-guardrail`: the guardrail (docs/guardrail.md) against the tests' local AWS, with the
# real binary: an organization of 22 member accounts in nested OUs, one of them invited, built as
# AWS builds one (scripts/seed_guardrail.py); `guardrail plan` (what it covers, stops and cannot
# cover, proved), `apply` and a second apply writing nothing, `check`, a hand edit admitting
# another org's ID (scripts/moto_tool.py guardrail-edit) that `check` fails with the request it
# admits, `apply` repairing it, then `destroy`. The local AWS stores and validates
# RCPs as AWS Organizations does but, like moto, does not enforce them on sts:AssumeRole: the
# proofs are lambda-trust's evaluator's.
#
# The local AWS, the binaries and the knobs (DEMO_AWS_ENDPOINT, DEMO_BIN, DEMO_LOCAL_AWS):
# scripts/local_aws.sh.
set -uo pipefail
# shellcheck source=scripts/local_aws.sh
. "$(dirname "$0")/local_aws.sh"

OURS=0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10

bold "1. An organization of 22 member accounts in nested OUs, one invited, on the local AWS ($WHERE)"
SEED=$("$VENV/bin/python" "$REPO/scripts/seed_guardrail.py" "$AWS_ENDPOINT_URL") || fail "seeding the organization"
LEX=$(echo "$SEED" | "$VENV/bin/python" -c 'import json,sys; print("arn:aws:iam::%s:role/genesys-lex" % json.load(sys.stdin)["first"]["Sandbox"])')
LEXV2=$(echo "$SEED" | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["integration"]["lexv2"])')
S3=$(echo "$SEED" | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["integration"]["s3"])')
OTHER=$(echo "$SEED" | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["other_org_id"])')
echo "$SEED" | "$VENV/bin/python" -c 'import json,sys; s=json.load(sys.stdin); print("management account", s["management"]); [print("account", a, "in", h, "(invited)" if a == s["invited"] else "") for a, h in s["accounts"].items()]'

cd "$DEMO" || fail "cannot enter $DEMO"
unset LAMBDA_TRUST_CONFIG
# The roles are read through the audit role a service-managed StackSet put in every member
# account; the management account, which holds none, is read with these credentials.
READ=(--assume-role lambda-trust-audit)
FLAGS=(--genesys-org-id "$OURS" --exempt-role "$LEX" --exempt-role "$LEXV2" --exempt-role "$S3" "${READ[@]}")
bold "2. lambda-trust guardrail plan — the policy, what it covers, the roles it stops and cannot cover, proved (exit 2)"
expect 2 "$BIN" guardrail plan "${FLAGS[@]}"
bold "3. lambda-trust guardrail apply — RCPs enabled (waiting for ENABLED), the policy created and attached"
expect 0 "$BIN" guardrail apply "${FLAGS[@]}" --yes
bold "4. lambda-trust guardrail apply again — in sync, nothing written"
expect 0 "$BIN" guardrail apply "${FLAGS[@]}" --yes
bold "5. lambda-trust guardrail check — what apply attached (remembered: no flags), proved again (exit 0)"
expect 0 "$BIN" guardrail check "${READ[@]}"

bold "6. Someone adds another org's ID to the policy by hand"
tool guardrail-edit "$OTHER" || fail "editing the policy"
bold "7. lambda-trust guardrail check — exclusivity fails, with the request it now admits (exit 3)"
expect 3 "$BIN" guardrail check "${READ[@]}"
bold "8. lambda-trust guardrail apply — the policy updated in place"
expect 0 "$BIN" guardrail apply "${FLAGS[@]}" --yes
bold "9. lambda-trust guardrail export --format terraform — the guardrail as code, adopting what exists"
expect 0 "$BIN" guardrail export --format terraform "${READ[@]}"
bold "10. lambda-trust guardrail destroy — detached and deleted; RCPs stay enabled"
expect 0 "$BIN" guardrail destroy --yes
bold "Done."
