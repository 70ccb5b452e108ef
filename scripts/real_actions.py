#!/usr/bin/env python3
"""Writes crates/iam/src/prove/actions.txt: the real IAM action names of STS and Lambda, in canonical
case, one per line, from the AWS SDK's service models (botocore's `service-2.json`).

Usage: python3 scripts/real_actions.py > crates/iam/src/prove/actions.txt
(run with a Python that has botocore, e.g. `.venv/bin/python` after `just setup`).

An SDK operation is an IAM action of the same name, with the exceptions the Service
Authorization Reference lists (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html,
https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html):
lambda's `Invoke` and `InvokeWithResponseStream` are authorised as `lambda:InvokeFunction`,
`GetLayerVersionByArn` as `lambda:GetLayerVersion`; and some actions have no SDK operation
(`sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`, `lambda:InvokeFunctionUrl`).
Well-known actions of the services that common wildcards admit (`ec2:*`, `s3:*`, a `NotAction`
beyond STS and Lambda) close the list, so a counterexample outside STS and Lambda names a real
action too: each is an SDK operation of the same name in that service's model (checked here),
except the actions the Service Authorization Reference lists without one
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html:
`s3:ListBucket` authorises ListObjects, `s3:ListAllMyBuckets` ListBuckets;
https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html:
`iam:PassRole`). Their resource
types are in crates/iam/src/prove/realize.rs (`shape`).
"""
import glob
import json
import os

import botocore

RENAMED = {
    ("lambda", "Invoke"): "InvokeFunction",
    ("lambda", "InvokeWithResponseStream"): "InvokeFunction",
    ("lambda", "GetLayerVersionByArn"): "GetLayerVersion",
}
AUTHORIZATION_ONLY = {
    "sts": ["TagSession", "SetSourceIdentity", "SetContext"],
    "lambda": ["InvokeFunctionUrl"],
}
OTHERS = {
    "ec2": ["DescribeInstances", "StartInstances", "StopInstances", "TerminateInstances"],
    "s3": ["GetObject", "PutObject", "DeleteObject"],
    "iam": ["GetRole", "ListRoles"],
    "ssm": ["SendCommand", "GetParameter", "PutParameter", "DescribeParameters"],
    "logs": ["CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups"],
    "kms": ["Decrypt", "Encrypt", "ListKeys"],
    "dynamodb": ["GetItem", "PutItem", "DeleteItem", "ListTables"],
    "secretsmanager": ["GetSecretValue", "PutSecretValue", "ListSecrets"],
    # Actions that are not resource-level, of services a broad NotAction admits.
    "sns": ["ListTopics"],
    "sqs": ["ListQueues"],
    "rds": ["DescribeAccountAttributes"],
    "ecr": ["GetAuthorizationToken"],
    "cloudwatch": ["PutMetricData"],
}
OTHERS_AUTHORIZATION_ONLY = ["s3:ListBucket", "s3:ListAllMyBuckets", "iam:PassRole"]


def operations(service):
    data = os.path.join(os.path.dirname(botocore.__file__), "data", service)
    newest = sorted(glob.glob(os.path.join(data, "*", "service-2.json*")))[-1]
    if newest.endswith(".gz"):
        import gzip

        with gzip.open(newest) as f:
            return json.load(f)["operations"].keys()
    with open(newest) as f:
        return json.load(f)["operations"].keys()


def main():
    names = set(OTHERS_AUTHORIZATION_ONLY)
    for service, actions in OTHERS.items():
        ops = set(operations(service))
        missing = [a for a in actions if a not in ops]
        if missing:
            raise SystemExit(f"not operations of {service} in botocore: {missing}")
        names.update(f"{service}:{a}" for a in actions)
    for service in ("sts", "lambda"):
        for op in operations(service):
            names.add(f"{service}:{RENAMED.get((service, op), op)}")
        names.update(f"{service}:{a}" for a in AUTHORIZATION_ONLY[service])
    print(f"# Real IAM action names (botocore {botocore.__version__}); scripts/real_actions.py")
    for n in sorted(names, key=str.lower):
        print(n)


if __name__ == "__main__":
    main()
