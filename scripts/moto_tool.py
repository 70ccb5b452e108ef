"""Seeds and tampers with a local moto server for `just demo` (not used against real AWS).

Usage: moto_tool.py ENDPOINT seed | tamper
"""
import io
import json
import sys
import zipfile

import boto3

ENDPOINT = sys.argv[1]
ACTION = sys.argv[2]
ROLE = "GenesysLambdaInvoker"


def client(service, region="us-east-1"):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def seed():
    iam = client("iam")
    exec_role = iam.create_role(
        RoleName="demo-lambda-exec",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return {'ok': True}\n")
    for name, region in [("lookup-customer", "us-east-1"), ("lookup-order", "eu-west-1")]:
        lam = client("lambda", region)
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=exec_role,
                            Handler="index.handler", Code={"ZipFile": buf.getvalue()})
        if name == "lookup-order":
            version = lam.publish_version(FunctionName=name)["Version"]
            lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
        print(f"  created function {name} in {region}")


def as_jane():
    """An IAM user with her own access key: through the local AWS's recording proxy, her writes
    are CloudTrail events under her name (tests/it/support/cloudtrail.rs)."""
    admin = client("iam")
    admin.create_user(UserName="jane.doe")
    key = admin.create_access_key(UserName="jane.doe")["AccessKey"]
    return boto3.client("iam", endpoint_url=ENDPOINT, region_name="us-east-1",
                        aws_access_key_id=key["AccessKeyId"],
                        aws_secret_access_key=key["SecretAccessKey"])


def tamper():
    iam = as_jane()
    broad = iam.create_policy(PolicyName="TooBroad", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]}))
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=broad["Policy"]["Arn"])
    print("  attached an extra policy TooBroad (lambda:* on *)")
    trust = iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        from urllib.parse import unquote
        trust = json.loads(unquote(trust))
    for st in trust["Statement"]:
        st["Condition"] = {"StringEquals": {"sts:ExternalId": "someone-elses-org-id"}}
    iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=json.dumps(trust))
    print("  changed the trust policy's external ID to someone-elses-org-id")


{"seed": seed, "tamper": tamper}[ACTION]()
