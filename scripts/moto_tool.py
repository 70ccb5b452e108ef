"""Seeds and tampers with a local moto server for `just demo`, `just demo-organization` and
`just demo-guardrail`, and for trying the guardrail by hand (docs/guardrail.md, "Try it
locally"); not used against real AWS.

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
  findings [ACCOUNT [PREFIX]]    the watch's findings as Security Hub holds them (in ACCOUNT;
                                 generator prefix PREFIX, default lambda-trust/watch/)
The organization watch's (`just demo-organization`, docs/organization.md):
  organization N                 an organization of N accounts as docs/organization.md asks:
                                 StackSets' trusted access and delegated administrator (the
                                 account security-tooling), an organization trail, Security Hub
                                 in each account, and a partner role in workload-2; as AWS makes
                                 it, OrganizationAccountAccessRole only in the N - 1 created
                                 accounts, not in the management account
  account NAME                   the ID of the organization's account named NAME
  hand-edit ACCOUNT ROLE         Alice, in ACCOUNT, drops ROLE's external-ID condition; her
                                 call's trail record is put on ACCOUNT's default event bus
  relay ACCOUNT FUNCTION         a queue in ACCOUNT catching what each of FUNCTION's rules hands
                                 it (the local AWS invokes no function): a rule beside each
  deliver ACCOUNT FUNCTION       each event the queue caught handed to FUNCTION (Invoke), again
                                 until none is left; one line per invocation
  tick ACCOUNT FUNCTION           the hourly schedule's event handed to FUNCTION (Invoke)
  tag-runtime ACCOUNT FUNCTION HOST:PORT  the local AWS's Invoke of FUNCTION handed to the local
                                 Runtime API at HOST:PORT (tests/it/support/runtime_api.py)
  session ACCOUNT ROLE           a session of ROLE, as KEY=VALUE lines of the variables Lambda
                                 sets from a function's execution role
The guardrail's (`just demo-guardrail`, docs/guardrail.md), as someone would by hand with the
management account's credentials:
  guardrail-edit ORG_ID          adds ORG_ID to the guardrail's StringNotEquals sts:ExternalId
                                 list (UpdatePolicy of the RCP
                                 lambda-trust-genesys-cloud-external-id): one line
  guardrail-detach TARGET        detaches that RCP from TARGET (a root, OU or account ID, or
                                 `root`: the organization's root; DetachPolicy): one line
"""
import io
import json
import os
import stat
import sys
import urllib.request
import uuid
import zipfile
from urllib.parse import unquote

import boto3

ENDPOINT = sys.argv[1]
ACTION = sys.argv[2]
ROLE = "GenesysLambdaInvoker"


SECRET = "lambda-trust-demo/genesys-oauth"


def client(service, region="us-east-1", account=None):
    """A client of the local AWS, signed by the management account's key; in `account` when
    given (the local AWS's `x-moto-account-id` header: its stand-in for another account's
    credentials)."""
    c = boto3.client(service, endpoint_url=ENDPOINT, region_name=region,
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    if account:
        c.meta.events.register("before-sign.*.*", lambda request, **_: request.headers
                               .__setitem__("x-moto-account-id", account))
    return c


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


def trust_policy(iam, role=ROLE):
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
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


def trail_record(name):
    """The latest call NAME in the trail: its CloudTrail record."""
    found = client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}],
        MaxResults=1)["Events"]
    if not found:
        sys.exit(f"no {name} call in the trail")
    return json.loads(found[0]["CloudTrailEvent"])


def cloudtrail_event(name):
    """The latest call NAME in the trail, as EventBridge delivers a CloudTrail record ("AWS API
    Call via CloudTrail": the record is the event's detail; EventBridge User Guide, "Events from
    AWS services delivered via AWS CloudTrail")."""
    record = trail_record(name)
    print(json.dumps({
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail",
        "source": "aws." + record["eventSource"].split(".")[0],
        "account": record["recipientAccountId"], "time": record["eventTime"],
        "region": record["awsRegion"], "resources": [], "detail": record}))


def unpack(function, into, env_file, account=None):
    """GetFunction's Code.Location downloads the package (API Reference, FunctionCodeLocation);
    unzipped with each file's Unix mode, as Lambda unpacks it into the task root. ENV_FILE gets
    the variables Lambda sets from the function's configuration (Developer Guide, "Defined
    runtime environment variables") and the function's own, one KEY=VALUE a line."""
    deployed = client("lambda", account=account).get_function(FunctionName=function)
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


def findings(account=None, prefix="lambda-trust/watch/"):
    hub = client("securityhub", account=account)
    pages = hub.get_paginator("get_findings").paginate(Filters={"GeneratorId": [
        {"Value": prefix, "Comparison": "PREFIX"}]})
    for page in pages:
        for f in page["Findings"]:
            fields = f.get("ProductFields", {})
            who = fields.get("lambda-trust/ChangedBy", "unknown")
            call = fields.get("lambda-trust/Change")
            print(f"  {f['Severity']['Label']:<9} {f.get('RecordState', 'ACTIVE'):<9}"
                  f" {f['Title']}\n{'':<22}changed by {who}" + (f" ({call})" if call else ""))
            # What the watch's removal added to the text, when it did.
            removed = [p for p in f["Description"].split("\n") if "was removed" in p]
            for line in removed:
                print(f"{'':<22}{line[:200]}")


# ------------------------------------------------------------------ the organization watch

STACK_SETS = "member.org.stacksets.cloudformation.amazonaws.com"
OUR_ORG_ID = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"
GENESYS = "arn:aws:iam::765628985471:root"


def organization(n):
    n = int(n)
    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = lambda parent, name: org.create_organizational_unit(  # noqa: E731
        ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
    security, workloads = ou(root, "Security"), ou(root, "Workloads")
    parents = [security] + [workloads, ou(workloads, "Prod")] * n
    names = ["security-tooling"] + [f"workload-{i}" for i in range(1, n - 1)]
    for name, parent in zip(names, parents):
        made = org.create_account(AccountName=name, Email=f"{name}@example.com")
        account = made["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
        print(f"  account {account} {name}")
    # What `aws cloudformation activate-organizations-access` turns on.
    org.enable_aws_service_access(ServicePrincipal=STACK_SETS)
    org.register_delegated_administrator(AccountId=account_id("security-tooling"),
                                         ServicePrincipal=STACK_SETS)
    print("  StackSets: trusted access on; security-tooling its delegated administrator")
    client("s3").create_bucket(Bucket="lambda-trust-demo-org-trail")
    trail = client("cloudtrail")
    trail.create_trail(Name="org", S3BucketName="lambda-trust-demo-org-trail",
                       IsMultiRegionTrail=True, IsOrganizationTrail=True)
    trail.start_logging(Name="org")
    print("  CloudTrail: the organization trail 'org' logs every account's management events")
    for account in [a["Id"] for a in org.list_accounts()["Accounts"]]:
        client("securityhub", account=account).enable_security_hub()
    print(f"  Security Hub on in us-east-1 in each of the {n} accounts")
    partner_role(account_id("workload-2"), "vendor-lambda")


def account_id(name):
    accounts = client("organizations").list_accounts()["Accounts"]
    found = [a["Id"] for a in accounts if a["Name"] == name]
    if not found:
        sys.exit(f"no account named {name} in the organization")
    return found[0]


def partner_role(account, name):
    """A function and a role Genesys Cloud may assume with our org ID, invoking it."""
    iam, lam = client("iam", account=account), client("lambda", account=account)
    runner = iam.create_role(RoleName=f"{name}-runner", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    target = lam.create_function(FunctionName=f"{name}-target", Runtime="python3.12",
                                 Role=runner["Role"]["Arn"], Handler="index.handler",
                                 Code={"ZipFile": buf.getvalue()})["FunctionArn"]
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"AWS": GENESYS}, "Condition": {
                                                    "StringEquals": {"sts:ExternalId": OUR_ORG_ID}}}]}))
    iam.put_role_policy(RoleName=name, PolicyName="invoke", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                                                "Action": "lambda:InvokeFunction", "Resource": target}]}))
    print(f"  account {account}: the partner role {name}, Genesys Cloud with our org ID"
          f" {OUR_ORG_ID}, invoking {name}-target")


def session(account, role, name):
    """Credentials of a session of ACCOUNT's ROLE named NAME."""
    return client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}",
                                     RoleSessionName=name)["Credentials"]


def hand_edit(account, role):
    keys = session(account, "OrganizationAccountAccessRole", "alice")
    iam = boto3.client("iam", endpoint_url=ENDPOINT, region_name="us-east-1",
                       aws_access_key_id=keys["AccessKeyId"],
                       aws_secret_access_key=keys["SecretAccessKey"],
                       aws_session_token=keys["SessionToken"])
    trust = trust_policy(iam, role)
    for st in trust["Statement"]:
        st.pop("Condition", None)
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(trust))
    print(f"  alice (OrganizationAccountAccessRole in {account}) removed {role}'s external-ID"
          " condition: any Genesys Cloud org may assume it")
    record = trail_record("UpdateAssumeRolePolicy")
    # EventBridge puts a trail's record of an IAM call on the account's default bus (User Guide,
    # "Events from AWS services delivered via AWS CloudTrail"); the local AWS does not, so it
    # is put there as EventBridge would.
    client("events", account=account).put_events(Entries=[{
        "Source": "aws.iam", "DetailType": "AWS API Call via CloudTrail",
        "Detail": json.dumps(record)}])
    print(f"  her call's trail record put on {account}'s default event bus, as EventBridge does")


RELAY = "lambda-trust-demo-relay"


def relay(account, function):
    events, sqs = client("events", account=account), client("sqs", account=account)
    url = sqs.create_queue(QueueName=RELAY)["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    queue = queue["Attributes"]["QueueArn"]
    for bus in [b["Name"] for b in events.list_event_buses()["EventBuses"]]:
        for rule in events.list_rules(EventBusName=bus)["Rules"]:
            targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]
            if not rule.get("EventPattern") or not any(
                    t["Arn"].endswith(f":function:{function}") for t in targets):
                continue
            name = f"{RELAY}-{rule['Name']}"[:64]
            events.put_rule(Name=name, EventBusName=bus, EventPattern=rule["EventPattern"])
            events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "q", "Arn": queue}])
            print(f"  relaying the rule {rule['Name']} (bus {bus}) through the queue {RELAY}")


def deliver(account, function):
    sqs = client("sqs", account=account)
    url = sqs.get_queue_url(QueueName=RELAY)["QueueUrl"]
    handed = 0
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        for message in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            invoke(account, function, json.loads(message["Body"]))
            handed += 1
    print(f"  {handed} event(s) handed to {function}; the queue is empty")


def invoke(account, function, event):
    """FUNCTION invoked with EVENT, as EventBridge invokes it; its answer in a line."""
    out = client("lambda", account=account).invoke(FunctionName=function,
                                                   Payload=json.dumps(event).encode())
    answer = json.loads(out["Payload"].read())
    print(f"  {event['detail-type']} ({event['source']}, account {event['account']}):"
          f" {said(answer, out.get('FunctionError'))}")


def tick(account, function):
    """The schedule's event (EventBridge User Guide, "Scheduled events"): the local AWS runs no
    schedule, so it is handed to the function here."""
    invoke(account, function, {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
        "source": "aws.events", "account": account, "time": "2026-11-28T12:00:00Z",
        "region": "us-east-1", "detail": {},
        "resources": [f"arn:aws:events:us-east-1:{account}:rule/{function}-tick"]})


def said(answer, error):
    """One invocation's answer in a line: each account re-proved and its roles' codes."""
    if error:
        return f"failed: {answer.get('errorType')}"
    parts = []
    for a in answer.get("accounts", []):
        roles = a.get("roles") or {}
        codes = sorted({c for r in roles.values() for c in (r if isinstance(r, list) else [])})
        found = ", ".join(codes) if codes else "no finding"
        parts.append(f"{a['account']} re-proved ({found})")
    swept = answer.get("swept")
    if swept:
        why = (answer.get("change") or {}).get("why")
        parts.append(f"swept ({why}): {swept.get('put', 0)} account event(s) put on the bus")
    return "; ".join(parts) or "nothing to re-prove"


def tag_runtime(account, function, address):
    lam = client("lambda", account=account)
    arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"lambda-trust-test:runtime": address})


def role_session(account, role):
    keys = session(account, role, "lambda-trust-demo")
    print(f"AWS_ACCESS_KEY_ID={keys['AccessKeyId']}")
    print(f"AWS_SECRET_ACCESS_KEY={keys['SecretAccessKey']}")
    print(f"AWS_SESSION_TOKEN={keys['SessionToken']}")


def print_account_id(name):
    print(account_id(name))


# ------------------------------------------------------------------ the guardrail

GUARDRAIL = "lambda-trust-genesys-cloud-external-id"


def guardrail_policy():
    """The guardrail's RCP (AWS Organizations API Reference, ListPolicies); its summary."""
    pages = client("organizations").get_paginator("list_policies").paginate(
        Filter="RESOURCE_CONTROL_POLICY")
    found = [p for page in pages for p in page["Policies"] if p["Name"] == GUARDRAIL]
    if not found:
        sys.exit(f"no resource control policy named {GUARDRAIL}: apply the guardrail first")
    return found[0]


def guardrail_edit(org_id):
    """ORG_ID added by hand to each statement's StringNotEquals sts:ExternalId list, as someone
    editing the policy in the console would (API Reference, UpdatePolicy)."""
    org, policy = client("organizations"), guardrail_policy()
    document = json.loads(org.describe_policy(PolicyId=policy["Id"])["Policy"]["Content"])
    statements = document["Statement"]
    for statement in statements if isinstance(statements, list) else [statements]:
        condition = statement.get("Condition", {}).get("StringNotEquals", {})
        if "sts:ExternalId" in condition:
            ids = condition["sts:ExternalId"]
            ids = ids if isinstance(ids, list) else [ids]
            condition["sts:ExternalId"] = ids + [org_id]
    org.update_policy(PolicyId=policy["Id"], Content=json.dumps(document))
    print(f"  UpdatePolicy {policy['Id']} ({GUARDRAIL}): its StringNotEquals sts:ExternalId"
          f" now also lets in {org_id}")


def guardrail_detach(target):
    """The guardrail detached from TARGET by hand (API Reference, DetachPolicy); `root` names
    the organization's root (ListRoots)."""
    org, policy = client("organizations"), guardrail_policy()
    if target == "root":
        target = org.list_roots()["Roots"][0]["Id"]
    org.detach_policy(PolicyId=policy["Id"], TargetId=target)
    print(f"  DetachPolicy {policy['Id']} ({GUARDRAIL}) from {target}")


ACTIONS = {"seed": seed, "tamper": tamper, "watch-prerequisites": watch_prerequisites,
           "open-trust": open_trust, "cloudtrail-event": cloudtrail_event, "unpack": unpack,
           "findings": findings, "organization": organization, "account": print_account_id,
           "hand-edit": hand_edit, "relay": relay, "deliver": deliver,
           "tick": tick, "tag-runtime": tag_runtime, "session": role_session,
           "guardrail-edit": guardrail_edit, "guardrail-detach": guardrail_detach}
ACTIONS[ACTION](*sys.argv[3:])
