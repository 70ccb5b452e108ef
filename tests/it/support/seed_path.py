"""Seeds the tests' local AWS (moto_aws.py) with the whole path of issue 34's tests: an
organization root -> OU -> member account, SCPs and RCPs, function policies, and a target in a
second account (tests/it/live_path_read.rs). Never used against real AWS.

Usage: seed_path.py ENDPOINT   -> prints one JSON object with the IDs it created.

The management account (moto's default, 123456789012) creates the organization and enables
SCPs and RCPs. Built as AWS builds one: OrganizationAccountAccessRole is in A and B, which
CreateAccount makes, and not in the management account (AWS Organizations User Guide,
"Accessing member accounts"). Then:
- OU "Workloads" with account A ("workloads"): SCP DenyRetiredFunction (an explicit Deny of
  one target), RCP IdentityPerimeter listing Genesys Cloud's account 765628985471 among the
  allowed outside accounts.
- OU "Locked" with account B ("locked"): SCP DenyOutsideUsEast1 (AWS's region-deny example),
  RCP IdentityPerimeterWithoutGenesys (the identity perimeter without Genesys's account).
- In A (us-east-1): functions plain (no policy; its alias live has a policy of its own: open
  to "*"), retired, open (AddPermission Principal "*"), partner (Principal 765628985471); in
  eu-west-1: eu.
- In B: function shared, whose policy lets account A invoke it (the cross-account target).
"""
import io
import json
import sys
import zipfile

import boto3

ENDPOINT = sys.argv[1]
GENESYS = "765628985471"


def client(service, creds=None, region="us-east-1"):
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    if creds:
        keys = {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        }
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=region, **keys)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def perimeter(org_id, accounts):
    return doc({
        "Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*",
        "Action": ["sts:AssumeRole", "s3:*"], "Resource": "*",
        "Condition": {
            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id,
                                        "aws:PrincipalAccount": accounts},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}})


def policy(org, name, kind, content, target):
    p = org.create_policy(Name=name, Description=name, Type=kind, Content=content)
    pid = p["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=pid, TargetId=target)
    return pid


def account(org, root, name, ou):
    acct = org.create_account(AccountName=name, Email=f"{name}@example.com")
    aid = acct["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=aid, SourceParentId=root, DestinationParentId=ou)
    creds = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{aid}:role/OrganizationAccountAccessRole",
        RoleSessionName="seed-path")["Credentials"]
    return aid, creds


def functions(creds, names, region="us-east-1"):
    iam = client("iam", creds)
    role = iam.create_role(RoleName="lambda-exec", AssumeRolePolicyDocument=doc({
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}))["Role"]["Arn"] if region == "us-east-1" else \
        iam.get_role(RoleName="lambda-exec")["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    lam = client("lambda", creds, region)
    arns = {}
    for name in names:
        arns[name] = lam.create_function(
            FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler",
            Code={"ZipFile": buf.getvalue()})["FunctionArn"]
    return lam, arns


def main():
    org = client("organizations")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = org.list_roots()["Roots"][0]["Id"]
    for kind in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
        org.enable_policy_type(RootId=root, PolicyType=kind)
    # Enabling is asynchronous (AWS Organizations User Guide, "Enabling a policy type"): wait
    # until ListRoots says ENABLED.
    for _ in range(10):
        if all(t["Status"] == "ENABLED" for t in org.list_roots()["Roots"][0]["PolicyTypes"]):
            break
    workloads = org.create_organizational_unit(ParentId=root, Name="Workloads")
    workloads = workloads["OrganizationalUnit"]["Id"]
    locked = org.create_organizational_unit(ParentId=root, Name="Locked")["OrganizationalUnit"]["Id"]
    # Organizations makes OrganizationAccountAccessRole only in the accounts it creates (AWS
    # Organizations User Guide, "Accessing member accounts"): A and B hold it, the management
    # account does not, and its own roles are read with its own credentials.
    a, a_creds = account(org, root, "workloads", workloads)
    b, b_creds = account(org, root, "locked", locked)

    lam, arns = functions(a_creds, ["plain", "retired", "open", "partner"])
    _, eu = functions(a_creds, ["eu"], "eu-west-1")
    arns.update(eu)
    version = lam.publish_version(FunctionName="plain")["Version"]
    lam.create_alias(FunctionName="plain", Name="live", FunctionVersion=version)
    lam.add_permission(FunctionName="plain", Qualifier="live", StatementId="anyone",
                       Action="lambda:InvokeFunction", Principal="*")
    lam.add_permission(FunctionName="open", StatementId="anyone",
                       Action="lambda:InvokeFunction", Principal="*")
    lam.add_permission(FunctionName="partner", StatementId="genesys",
                       Action="lambda:InvokeFunction", Principal=GENESYS)
    b_lam, b_arns = functions(b_creds, ["shared"])
    b_lam.add_permission(FunctionName="shared", StatementId="workloads",
                         Action="lambda:InvokeFunction", Principal=a)

    ids = {
        "organization": org_id, "root": root, "workloads_ou": workloads, "locked_ou": locked,
        "a": a, "b": b, "functions": arns, "shared": b_arns["shared"],
        "policies": {
            "region_deny": policy(org, "DenyOutsideUsEast1", "SERVICE_CONTROL_POLICY", doc({
                "Sid": "DenyAllOutsideUsEast1", "Effect": "Deny",
                "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}}),
                locked),
            "retired": policy(org, "DenyRetiredFunction", "SERVICE_CONTROL_POLICY", doc({
                "Sid": "Retired", "Effect": "Deny", "Action": "lambda:InvokeFunction",
                "Resource": arns["retired"]}), workloads),
            "perimeter": policy(org, "IdentityPerimeter", "RESOURCE_CONTROL_POLICY",
                                perimeter(org_id, [GENESYS]), workloads),
            "perimeter_without": policy(org, "IdentityPerimeterWithoutGenesys",
                                        "RESOURCE_CONTROL_POLICY", perimeter(org_id, [b]),
                                        locked),
        },
    }
    print(json.dumps(ids))


main()
