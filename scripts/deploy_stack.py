"""Deploys a CloudFormation template on a local moto server (`cloudformation:CreateStack`), for
the differential test of `lambda-trust audit --template` (tests/it/live_iac.rs; never used against
real AWS). Prints the stack's resources as JSON: {logical ID: physical ID}.

Usage:
  deploy_stack.py ENDPOINT STACK TEMPLATE [KEY=VALUE ...] [--attach ROLE=POLICY ...]

Where moto 5.2.5 deploys less than CloudFormation would, this script finishes the deployment
through the IAM API, each step named here, so the account the live audit reads is the one the
template describes:
- A template parameter of type `AWS::SSM::Parameter::Value<…>` (CDK's `BootstrapVersion`)
  needs its SSM parameter, which `cdk bootstrap` creates: it is created first.
- moto keeps a role's `Policies` as a Python object, not a JSON document, and then fails
  `GetAccountAuthorizationDetails` (500): each such inline policy is put again with
  `PutRolePolicy` and the same document as JSON. moto also keeps `!Ref AWS::NoValue` in a
  list as a null, where CloudFormation removes the element: those nulls are dropped.
- moto ignores an `AWS::IAM::Role`'s `ManagedPolicyArns`: `--attach ROLE=POLICY` attaches the
  managed policy (logical ID of the stack, or an ARN) to the role (logical ID), as
  CloudFormation would.
"""
import ast
import json
import sys

import boto3


def client(endpoint, service):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def main():
    endpoint, stack, template = sys.argv[1:4]
    params, attach = [], []
    rest = iter(sys.argv[4:])
    for arg in rest:
        if arg == "--attach":
            attach.append(next(rest).split("=", 1))
        else:
            key, value = arg.split("=", 1)
            params.append({"ParameterKey": key, "ParameterValue": value})
    body = open(template, encoding="utf-8").read()
    if "AWS::SSM::Parameter::Value" in body:
        client(endpoint, "ssm").put_parameter(
            Name="/cdk-bootstrap/hnb659fds/version", Value="21", Type="String", Overwrite=True)
    cfn = client(endpoint, "cloudformation")
    cfn.create_stack(StackName=stack, TemplateBody=body, Parameters=params,
                     Capabilities=["CAPABILITY_NAMED_IAM"])
    status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    if status != "CREATE_COMPLETE":
        sys.exit(f"stack {stack}: {status}")
    resources = {r["LogicalResourceId"]: (r["PhysicalResourceId"], r["ResourceType"])
                 for r in cfn.describe_stack_resources(StackName=stack)["StackResources"]
                 if "LogicalResourceId" in r}
    iam = client(endpoint, "iam")
    for physical, kind in resources.values():
        if kind == "AWS::IAM::Role":
            repair_inline(iam, physical)
    for role, policy in attach:
        arn = resources[policy][0] if policy in resources else policy
        iam.attach_role_policy(RoleName=resources[role][0], PolicyArn=arn)
    print(json.dumps({k: v[0] for k, v in resources.items()}))


def repair_inline(iam, role):
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        if isinstance(doc, str):
            # The repr of a Python dict: moto's stored object, made a JSON document again.
            doc = ast.literal_eval(doc)
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(no_value(doc)))


def no_value(v):
    if isinstance(v, list):
        return [no_value(x) for x in v if x is not None]
    if isinstance(v, dict):
        return {k: no_value(x) for k, x in v.items()}
    return v


if __name__ == "__main__":
    main()
