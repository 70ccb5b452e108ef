#!/usr/bin/env python3
"""Writes src/iam/prove/actions.txt: the real IAM action names of STS and Lambda, in canonical
case, one per line, from the AWS SDK's service models (botocore's `service-2.json`).

Usage: python3 scripts/real_actions.py > src/iam/prove/actions.txt
(run with a Python that has botocore, e.g. `.venv/bin/python` after `just setup`).

An SDK operation is an IAM action of the same name, with the exceptions the Service
Authorization Reference lists (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html,
https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html):
lambda's `Invoke` and `InvokeWithResponseStream` are authorised as `lambda:InvokeFunction`,
`GetLayerVersionByArn` as `lambda:GetLayerVersion`; and some actions have no SDK operation
(`sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`, `lambda:InvokeFunctionUrl`).
A few well-known actions of other services close the list, for requests outside STS and
Lambda (`s3:GetObject`, `iam:PassRole`, `ssm:SendCommand`).
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
OTHERS = ["iam:PassRole", "s3:GetObject", "ssm:SendCommand"]


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
    names = set(OTHERS)
    for service in ("sts", "lambda"):
        for op in operations(service):
            names.add(f"{service}:{RENAMED.get((service, op), op)}")
        names.update(f"{service}:{a}" for a in AUTHORIZATION_ONLY[service])
    print(f"# Real IAM action names (botocore {botocore.__version__}); scripts/real_actions.py")
    for n in sorted(names, key=str.lower):
        print(n)


if __name__ == "__main__":
    main()
