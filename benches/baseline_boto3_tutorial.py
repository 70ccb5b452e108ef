#!/usr/bin/env python3
# =============================================================================================
#  BASELINE — NOT PART OF lambda-trust.
#
#  The common boto3 "let Genesys Cloud invoke my Lambda functions" tutorial script, written
#  the way such scripts are usually written, so `just bench` can compare its AWS call
#  sequence and wall time with lambda-trust's against the same moto server and the same
#  30 ms latency proxy (benches/bench.rs runs it with .venv/bin/python).
#
#  Call sequence:
#    iam.create_role                     (on EntityAlreadyExists: iam.get_role)
#    per target:
#      lambda.get_function               (does the function exist?)
#      iam.create_policy                 (one policy per target; on EntityAlreadyExists:
#                                         iam.get_policy)
#      iam.attach_role_policy
#    sts.assume_role                     (the "test it" step)
#
#  First run on N targets: 3N + 2 calls (2N + 1 writes). Re-run: 4N + 3 calls (2N + 1 writes,
#  of which N + 1 fail with EntityAlreadyExists). It is sequential, never compares documents
#  (a changed external ID or a narrowed policy is not repaired), never removes anything, and
#  attaches one managed policy per target: real AWS refuses the 11th attachment (10 managed
#  policies per role by default, 20 at most) — moto does not enforce that quota.
#
#  Usage: baseline_boto3_tutorial.py --endpoint-url URL [--region R] FUNCTION...
#         (or FUNCTION names one per line on stdin with "-")
# =============================================================================================

import argparse
import json
import sys

import boto3

GENESYS_ACCOUNT = "765628985471"
EXTERNAL_ID = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"  # your Genesys Cloud organization ID
ACCOUNT_ID = "123456789012"  # your AWS account (moto's default)
ROLE_NAME = "GenesysLambdaTutorialRole"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint-url", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("functions", nargs="+")
    args = ap.parse_args()
    functions = args.functions
    if functions == ["-"]:
        functions = [line.strip() for line in sys.stdin if line.strip()]

    session = boto3.session.Session(region_name=args.region)
    iam = session.client("iam", endpoint_url=args.endpoint_url)
    lam = session.client("lambda", endpoint_url=args.endpoint_url)
    sts = session.client("sts", endpoint_url=args.endpoint_url)

    # 1. The role Genesys Cloud assumes, with the organization ID as external ID.
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{GENESYS_ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
            }
        ],
    }
    try:
        role = iam.create_role(
            RoleName=ROLE_NAME,
            AssumeRolePolicyDocument=json.dumps(trust),
            Description="Genesys Cloud Lambda data actions",
        )["Role"]
        print(f"created role {role['Arn']}")
    except iam.exceptions.EntityAlreadyExistsException:
        role = iam.get_role(RoleName=ROLE_NAME)["Role"]
        print(f"role {role['Arn']} already exists")

    # 2. One invoke policy per function, attached to the role.
    for name in functions:
        fn = lam.get_function(FunctionName=name)["Configuration"]
        policy_name = f"genesys-invoke-{name}"
        doc = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "lambda:InvokeFunction",
                    "Resource": fn["FunctionArn"],
                }
            ],
        }
        try:
            policy = iam.create_policy(
                PolicyName=policy_name, PolicyDocument=json.dumps(doc)
            )["Policy"]
        except iam.exceptions.EntityAlreadyExistsException:
            policy = iam.get_policy(
                PolicyArn=f"arn:aws:iam::{ACCOUNT_ID}:policy/{policy_name}"
            )["Policy"]
        iam.attach_role_policy(RoleName=ROLE_NAME, PolicyArn=policy["Arn"])
        print(f"granted {fn['FunctionArn']}")

    # 3. Test it: assume the role with the external ID.
    sts.assume_role(
        RoleArn=role["Arn"], RoleSessionName="genesys-test", ExternalId=EXTERNAL_ID
    )
    print(f"assumed {ROLE_NAME}")


if __name__ == "__main__":
    main()
