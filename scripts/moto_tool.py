"""Seeds and tampers with a local moto server for `just demo` (not used against real AWS).

Usage: moto_tool.py ENDPOINT ACTION [ARGS]
  seed                           the two Lambda functions the demo's config targets
  tamper                         Jane Doe attaches a broad policy and changes the external ID
  watch-prerequisites URL ID SECRET  what the watching function needs (docs/watch.md, "Before
                                 you deploy"): Security Hub, a multi-region trail logging, and the
                                 Genesys Cloud OAuth client (at URL) in Secrets Manager
  open-trust                     Jane Doe drops the trust policy's external-ID condition
  cloudtrail-event NAME          the trail's latest NAME call as EventBridge delivers it
  unpack FUNCTION DIR ENV        the deployed function's package, unzipped into DIR; ENV gets
                                 what Lambda sets from its configuration and its own variables
  findings                       the watch's findings as Security Hub holds them
"""
import io
import json
import os
import stat
import sys
import urllib.request
import uuid
import zipfile

import boto3

ENDPOINT = sys.argv[1]
ACTION = sys.argv[2]
ROLE = "GenesysLambdaInvoker"


SECRET = "lambda-trust-demo/genesys-oauth"


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
    try:
        admin.create_user(UserName="jane.doe")
    except admin.exceptions.EntityAlreadyExistsException:
        pass
    # IAM allows two access keys per user (IAM User Guide, "IAM and AWS STS quotas"): the
    # oldest goes first, so she can tamper as often as the recipe runs.
    keys = admin.list_access_keys(UserName="jane.doe")["AccessKeyMetadata"]
    for old in sorted(keys, key=lambda k: k["CreateDate"])[:max(0, len(keys) - 1)]:
        admin.delete_access_key(UserName="jane.doe", AccessKeyId=old["AccessKeyId"])
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
    trust = trust_policy(iam)
    for st in trust["Statement"]:
        st["Condition"] = {"StringEquals": {"sts:ExternalId": "someone-elses-org-id"}}
    iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=json.dumps(trust))
    print("  changed the trust policy's external ID to someone-elses-org-id")


def trust_policy(iam):
    trust = iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        from urllib.parse import unquote
        trust = json.loads(unquote(trust))
    return trust


def watch_prerequisites(genesys_url, client_id, client_secret):
    client("securityhub").enable_security_hub()
    print("  Security Hub enabled in us-east-1 (the watch's findings go there)")
    # A trail takes a bucket its logs go to (CloudTrail User Guide, "Creating a trail").
    client("s3").create_bucket(Bucket="lambda-trust-demo-trail")
    trail = client("cloudtrail")
    trail.create_trail(Name="everywhere", S3BucketName="lambda-trust-demo-trail",
                       IsMultiRegionTrail=True)
    trail.start_logging(Name="everywhere")
    print("  CloudTrail trail 'everywhere': multi-region, logging management events"
          " (EventBridge gets IAM's calls only while a trail logs them)")
    client("secretsmanager").create_secret(Name=SECRET, SecretString=json.dumps(
        {"client_id": client_id, "client_secret": client_secret, "base_url": genesys_url}))
    print(f"  Secrets Manager secret {SECRET}: the Genesys Cloud OAuth client, for the function")


def open_trust():
    iam = as_jane()
    trust = trust_policy(iam)
    for st in trust["Statement"]:
        st.pop("Condition", None)
    iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=json.dumps(trust))
    print("  removed the trust policy's external-ID condition: any Genesys Cloud org may assume the role")


def cloudtrail_event(name):
    """The latest call NAME in the trail, as EventBridge delivers a CloudTrail record ("AWS API
    Call via CloudTrail": the record is the event's detail; EventBridge User Guide, "Events from
    AWS services delivered via AWS CloudTrail")."""
    found = client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}],
        MaxResults=1)["Events"]
    if not found:
        sys.exit(f"no {name} call in the trail")
    record = json.loads(found[0]["CloudTrailEvent"])
    print(json.dumps({
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail",
        "source": "aws." + record["eventSource"].split(".")[0],
        "account": record["recipientAccountId"], "time": record["eventTime"],
        "region": record["awsRegion"], "resources": [], "detail": record}))


def unpack(function, into, env_file):
    """GetFunction's Code.Location downloads the package (API Reference, FunctionCodeLocation);
    unzipped with each file's Unix mode, as Lambda unpacks it into the task root. ENV_FILE gets
    the variables Lambda sets from the function's configuration (Developer Guide, "Defined
    runtime environment variables") and the function's own, one KEY=VALUE a line."""
    deployed = client("lambda").get_function(FunctionName=function)
    config = deployed["Configuration"]
    with urllib.request.urlopen(deployed["Code"]["Location"]) as r:
        package = zipfile.ZipFile(io.BytesIO(r.read()))
    print(f"  {function}: {config['Runtime']}, {config['Architectures'][0]},"
          f" {config['MemorySize']} MB, {config['Timeout']} s; its package:")
    for info in package.infolist():
        mode = (info.external_attr >> 16) & 0o777
        os.chmod(package.extract(info, into), mode)
        print(f"    {stat.filemode(0o100000 | mode)}  {info.file_size:>11,} bytes  {info.filename}")
    env = {"_HANDLER": config["Handler"], "AWS_LAMBDA_FUNCTION_NAME": config["FunctionName"],
           "AWS_LAMBDA_FUNCTION_VERSION": config["Version"],
           "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config["MemorySize"]),
           **config.get("Environment", {}).get("Variables", {})}
    with open(env_file, "w") as out:
        out.writelines(f"{key}={value}\n" for key, value in env.items())


def findings():
    hub = client("securityhub")
    pages = hub.get_paginator("get_findings").paginate(Filters={"GeneratorId": [
        {"Value": "lambda-trust/watch/", "Comparison": "PREFIX"}]})
    for page in pages:
        for f in page["Findings"]:
            who = f.get("ProductFields", {}).get("lambda-trust/ChangedBy", "unknown")
            print(f"  {f['Severity']['Label']:<9} {f.get('RecordState', 'ACTIVE'):<9}"
                  f" {f['Title']}\n{'':<22}changed by {who}")


ACTIONS = {"seed": seed, "tamper": tamper, "watch-prerequisites": watch_prerequisites,
           "open-trust": open_trust, "cloudtrail-event": cloudtrail_event, "unpack": unpack,
           "findings": findings}
ACTIONS[ACTION](*sys.argv[3:])
