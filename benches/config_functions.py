"""Calls and wall time of `lambda-trust audit --config-aggregator` over an organization whose
accounts hold Lambda functions, on the tests' local AWS (tests/it/support/moto_aws.py, no
latency added): BENCHMARKS.md, "Function policies from AWS Config".

Usage (from the repository root, with the venv's Python):
  .venv/bin/python benches/config_functions.py BINARY ACCOUNTS FUNCTIONS [RUNS]

Seeds ACCOUNTS accounts of 20 roles each (scripts/seed_audit.py `org`) and FUNCTIONS functions
in each (the first, lookup-customer, the seeded partner roles' target, open to "*"), an
aggregator over the organization, then runs BINARY's audit RUNS times (3 by default) and prints
the Config calls of the report's summary and each run's wall time with their median.
"""
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import zipfile

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(endpoint, service, account=None):
    c = boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    if account:
        c.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.__setitem__(
            "x-moto-account-id", account))
    return c


def seed_functions(endpoint, account, n):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(e, c):\n    return e\n")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    role = client(endpoint, "iam", account).create_role(
        RoleName="bench-exec", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    lam = client(endpoint, "lambda", account)
    for i in range(n):
        name = "lookup-customer" if i == 0 else f"fn-{i:04d}"
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role,
                            Handler="index.handler", Code={"ZipFile": buf.getvalue()})
    lam.add_permission(FunctionName="lookup-customer", StatementId="anyone",
                       Action="lambda:InvokeFunction", Principal="*")


def main(binary, accounts, functions, runs):
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([PYTHON, os.path.join(ROOT, "tests/it/support/moto_aws.py"),
                               "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)
        seed = os.path.join(ROOT, "scripts/seed_audit.py")
        ids = subprocess.run([PYTHON, seed, endpoint, "org", str(accounts), "20"], check=True,
                             capture_output=True, text=True).stdout.split()
        for account in ids:
            seed_functions(endpoint, account, functions)
        subprocess.run([PYTHON, seed, endpoint, "aggregator", "org"], check=True)
        env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing",
                   AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1",
                   AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/nonexistent",
                   AWS_SHARED_CREDENTIALS_FILE="/nonexistent", NO_COLOR="1")
        env.pop("AWS_PROFILE", None)
        times, calls, open_found = [], None, None
        for _ in range(runs):
            start = time.monotonic()
            out = subprocess.run([binary, "audit", "--partner", "genesys-cloud",
                                  "--config-aggregator", "org", "--format", "json"],
                                 env=env, capture_output=True, text=True)
            times.append(time.monotonic() - start)
            report = json.loads(out.stdout)
            calls = report["summary"]["calls"]
            open_found = sum(f["code"] == "function-policy-open"
                             for a in report["accounts"] for r in a["roles"] for f in r["findings"])
        print(json.dumps({"accounts": accounts, "functions_per_account": functions,
                          "calls": calls, "function_policy_open_findings": open_found,
                          "wall_s": [round(t, 2) for t in times],
                          "median_s": round(statistics.median(times), 2)}))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int((sys.argv[4:] or ["3"])[0]))
