"""Seeds a local moto server with an account (or an organization) to audit, for the tests and
benchmarks of `lambda-trust audit` (never used against real AWS).

Usage:
  seed_audit.py ENDPOINT roles ACCOUNT N
      N roles in ACCOUNT: one per finding code (see finding_roles), one per pattern the audit
      must not raise a false alarm on (see exact_roles), and the rest clean ones
      cycling through: a service role, a role of the account itself, a role trusting another
      partner (444455556666) with its own external ID, a lambda-trust-managed role locked to
      Genesys Cloud.
  seed_audit.py ENDPOINT org ACCOUNTS N
      An organization of ACCOUNTS accounts (the management account and ACCOUNTS - 1 created
      ones), each seeded like `roles` with N roles. Built as AWS builds one: each created
      account holds OrganizationAccountAccessRole (Organizations makes it there) and the audit
      role lambda-trust-audit (trusting the management account), as a service-managed StackSet
      rolls it out; the management account holds neither (AWS Organizations User Guide,
      "Accessing member accounts"; CloudFormation User Guide, "Create a stack set with
      service-managed permissions": never deployed to the management account). Prints the
      account IDs, one per line, management account first.
  seed_audit.py ENDPOINT hostile ACCOUNT
      Roles whose audited data is markup, for the HTML report's tests (see hostile_roles).
  seed_audit.py ENDPOINT org ACCOUNTS N hostile
      As `org`, with the first created account named like a script and hostile roles in each.
  seed_audit.py ENDPOINT terminal ACCOUNT
      A role whose accepted external ID holds terminal escape sequences (see seed_terminal).
  seed_audit.py ENDPOINT org ACCOUNTS N terminal
      As `org`, with the first created account named with terminal escape sequences and a
      terminal role in each.
  seed_audit.py ENDPOINT aggregator NAME [ACCOUNT,...]
      An AWS Config aggregator NAME in the default account and us-east-1: over the
      organization (run `org` first), or over the comma-separated accounts given.
  seed_audit.py ENDPOINT recorder REGION GROUP [FREQUENCY]
      The default account's AWS Config recorder in REGION, started: GROUP `all` (every
      supported type), `lambda` (AWS::Lambda::Function only), `iam` (IAM roles only, no
      functions) or `no-lambda` (every type but functions); FREQUENCY `CONTINUOUS` (default)
      or `DAILY`. `stopped` as FREQUENCY puts it without starting it.
  seed_audit.py ENDPOINT dump [encoded]
      Prints what `aws iam get-account-authorization-details` writes for the default account:
      every page merged (the CLI's paginator), documents as JSON objects, dates in ISO 8601.
      With `encoded`: documents as the API's URL-encoded text instead.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
GENESYS = "765628985471"
OTHER_PARTNER = "444455556666"
ORG_ID = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"
MANAGED = [{"Key": "managed-by", "Value": "lambda-trust"}]


def client(service, account=None):
    c = boto3.client(service, endpoint_url=ENDPOINT, region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    if account:
        def pick(request, **_):
            request.headers["x-moto-account-id"] = account
        c.meta.events.register("before-sign.*.*", pick)
    return c


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(principal, condition=None):
    s = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        s["Condition"] = condition
    return s


def genesys(condition=None):
    return trust({"AWS": f"arn:aws:iam::{GENESYS}:root"}, condition)


def locked():
    return genesys({"StringEquals": {"sts:ExternalId": ORG_ID}})


def invoke(account, resource=None):
    fn = resource or f"arn:aws:lambda:us-east-1:{account}:function:lookup-customer"
    return doc({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn})


# Created long ago and not used within IAM's 400-day tracking period: the finding's message
# names no day count, so the reports stay the same whatever the day of the run.
BACKDATED = [{"Key": "lambda-trust-test:created", "Value": "2020-01-01T00:00:00Z"}]


def finding_roles(account):
    """(name, trust statements, inline policy or None, tags, attach latent policy)."""
    fn_all = f"arn:aws:lambda:us-east-1:{account}:function:*"
    return [
        ("audit-no-external-id", [genesys()], invoke(account), [], False),
        ("audit-any-external-id", [genesys({"Null": {"sts:ExternalId": "false"}})],
         invoke(account), MANAGED, False),
        ("audit-several-ids", [genesys({"StringEquals": {"sts:ExternalId": [ORG_ID, "old-org"]}})],
         invoke(account), MANAGED, False),
        ("audit-id-pattern", [genesys({"StringLike": {"sts:ExternalId": "0f8c7a52-*"}})],
         invoke(account), MANAGED, False),
        ("audit-id-variable", [genesys({"StringEquals": {"sts:ExternalId": "${aws:PrincipalTag/org}"}})],
         invoke(account), MANAGED, False),
        ("audit-other-principals",
         [locked(), trust({"AWS": f"arn:aws:iam::{OTHER_PARTNER}:root"})], invoke(account), MANAGED, False),
        ("audit-beyond-invoke", [locked()],
         doc({"Effect": "Allow", "Action": ["lambda:InvokeFunction", "lambda:UpdateFunctionCode"],
              "Resource": f"arn:aws:lambda:us-east-1:{account}:function:lookup-customer"}),
         MANAGED, False),
        ("audit-all-functions", [locked()], invoke(account, fn_all), MANAGED, False),
        ("audit-latent-version", [locked()], None, MANAGED, True),
        ("GenesysLambdaInvoker", [locked()], invoke(account),
         MANAGED + [{"Key": "lambda-trust:config", "Value": "0000000000000000"}], False),
        ("audit-unmanaged", [locked()], invoke(account), [], False),
        # unused-partner-role: created long ago and never used since, through the local AWS's
        # backdating tags (tests/it/support/moto_aws.py, "IAM (RoleLastUsed)").
        ("audit-unused", [locked()], invoke(account), MANAGED + BACKDATED, False),
    ]


def exact_roles(account):
    """Patterns the audit must judge exactly, without a security finding: (name, trust
    statements, inline policy, boundary document or None). All managed by lambda-trust."""
    fn = f"arn:aws:lambda:us-east-1:{account}:function:lookup-customer"
    retired = f"arn:aws:lambda:us-east-1:{account}:function:retired"
    return [
        # A single-valued key given two values is not a request: nobody gets in this way.
        ("audit-exact-single-valued",
         [locked(), {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
                     "Condition": {"StringEquals": {"sts:ExternalId": "a"},
                                   "StringLike": {"sts:ExternalId": "b*"}}}],
         invoke(account), None),
        # The Deny guard: the partner without a condition, everyone else's ID denied.
        ("audit-exact-deny-guard",
         [genesys(), {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
                      "Condition": {"StringNotEquals": {"sts:ExternalId": ORG_ID}}}],
         invoke(account), None),
        # A permissions boundary capping an identity policy that allows everything.
        ("audit-exact-boundary", [locked()],
         doc({"Effect": "Allow", "Action": "*", "Resource": "*"}), invoke(account)),
        # An explicit Deny on one of two functions.
        ("audit-exact-explicit-deny", [locked()],
         doc({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [fn, retired]},
             {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": retired}),
         None),
    ]


def clean_role(account, i):
    kind = i % 4
    if kind == 0:
        return (f"svc-{i:04d}", [trust({"Service": "lambda.amazonaws.com"})], None, [])
    if kind == 1:
        return (f"own-{i:04d}", [trust({"AWS": f"arn:aws:iam::{account}:root"})], None, [])
    if kind == 2:
        return (f"partner-{i:04d}",
                [trust({"AWS": f"arn:aws:iam::{OTHER_PARTNER}:root"},
                       {"StringEquals": {"sts:ExternalId": f"partner-org-{i}"}})], None, [])
    return (f"managed-{i:04d}", [locked()], invoke(account), MANAGED)


def create(iam, name, statements, inline, tags, boundary=None):
    extra = {"PermissionsBoundary": boundary} if boundary else {}
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(*statements), Tags=tags, **extra)
    if inline:
        iam.put_role_policy(RoleName=name, PolicyName="invoke", PolicyDocument=inline)


def seed_roles(account, n):
    iam = client("iam", account)
    fixed = finding_roles(account)
    for name, statements, inline, tags, latent in fixed:
        create(iam, name, statements, inline, tags)
        if latent:
            arn = iam.create_policy(PolicyName=f"{name}-invoke", PolicyDocument=doc(
                {"Effect": "Allow", "Action": "*", "Resource": "*"}))["Policy"]["Arn"]
            iam.create_policy_version(PolicyArn=arn, PolicyDocument=invoke(account),
                                      SetAsDefault=True)
            iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    exact = exact_roles(account)
    for name, statements, inline, boundary in exact:
        boundary_arn = None
        if boundary:
            boundary_arn = iam.create_policy(PolicyName=f"{name}-boundary",
                                             PolicyDocument=boundary)["Policy"]["Arn"]
        create(iam, name, statements, inline, MANAGED, boundary_arn)
    for i in range(max(0, n - len(fixed) - len(exact))):
        create(iam, *clean_role(account, i))


# Text IAM and Organizations accept in these places (condition values, role descriptions,
# account names) that is markup: a report must show it as text and run none of it.
HOSTILE_ID = "<img src=x onerror=alert(1)>"
HOSTILE_PATTERN = "</noscript></script><script>alert(2)</script>*"
HOSTILE_DESCRIPTION = "</script><script>alert(3)</script>"
HOSTILE_ACCOUNT_NAME = "</script><script>alert(4)</script>"


def seed_hostile(account):
    iam = client("iam", account)
    iam.create_role(RoleName="audit-hostile-id", Description=HOSTILE_DESCRIPTION,
                    AssumeRolePolicyDocument=doc(genesys(
                        {"StringEquals": {"sts:ExternalId": HOSTILE_ID}})))
    iam.put_role_policy(RoleName="audit-hostile-id", PolicyName="invoke",
                        PolicyDocument=invoke(account))
    iam.create_role(RoleName="audit-hostile-pattern", Description=HOSTILE_DESCRIPTION,
                    AssumeRolePolicyDocument=doc(genesys(
                        {"StringLike": {"sts:ExternalId": HOSTILE_PATTERN}})), Tags=MANAGED)


# Text that is terminal control, for the human output's tests: a window title (OSC … BEL), a
# screen clear and hidden text (CSI), the 8-bit CSI (0x9b) and a right-to-left override.
TERMINAL_ID = "id-\x1b[8mhidden\x1b[0m-\x9b31m-\u202etxet"
TERMINAL_ACCOUNT_NAME = "prod\x1b]0;owned\x07\x1b[2J\u202eteg"


def seed_terminal(account):
    iam = client("iam", account)
    iam.create_role(RoleName="audit-terminal-id",
                    AssumeRolePolicyDocument=doc(genesys(
                        {"StringEquals": {"sts:ExternalId": TERMINAL_ID}})))
    iam.put_role_policy(RoleName="audit-terminal-id", PolicyName="invoke",
                        PolicyDocument=invoke(account))


AUDIT_ROLE = "lambda-trust-audit"


def audit_role(account, management):
    """The role `audit --organization --assume-role lambda-trust-audit` enters each member
    account through (docs/audit.md): trusting the management account, reading IAM and Lambda.
    Rolled out as a service-managed StackSet would: to the member accounts only."""
    iam = client("iam", account)
    iam.create_role(RoleName=AUDIT_ROLE, AssumeRolePolicyDocument=doc(
        trust({"AWS": f"arn:aws:iam::{management}:root"})))
    iam.put_role_policy(RoleName=AUDIT_ROLE, PolicyName="read", PolicyDocument=doc({
        "Effect": "Allow", "Resource": "*",
        "Action": ["iam:Get*", "iam:List*", "lambda:Get*", "lambda:List*"]}))


def seed_org(accounts, n, hostile=False, terminal=False):
    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    ids = [org.describe_organization()["Organization"]["MasterAccountId"]]
    for k in range(1, accounts):
        name = HOSTILE_ACCOUNT_NAME if hostile and k == 1 else f"audit-{k}"
        name = TERMINAL_ACCOUNT_NAME if terminal and k == 1 else name
        status = org.create_account(Email=f"audit-{k}@example.com", AccountName=name)
        ids.append(status["CreateAccountStatus"]["AccountId"])
    for account in ids:
        if account != ids[0]:
            audit_role(account, ids[0])
        seed_roles(account, n)
        if hostile:
            seed_hostile(account)
        if terminal:
            seed_terminal(account)
    print("\n".join(ids))


def aggregator(name, accounts=None):
    source = ({"AccountAggregationSources": [{"AccountIds": accounts.split(","), "AllAwsRegions": True}]}
              if accounts else
              {"OrganizationAggregationSource": {
                  "RoleArn": "arn:aws:iam::123456789012:role/aws-config-aggregator",
                  "AllAwsRegions": True}})
    client("config").put_configuration_aggregator(ConfigurationAggregatorName=name, **source)


def recorder(region, group, frequency="CONTINUOUS"):
    groups = {
        "all": {"allSupported": True, "includeGlobalResourceTypes": False,
                "recordingStrategy": {"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}},
        "lambda": {"allSupported": False, "resourceTypes": ["AWS::Lambda::Function"],
                   "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}},
        "iam": {"allSupported": False, "resourceTypes": ["AWS::IAM::Role"],
                "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}},
        "no-lambda": {"allSupported": False,
                      "exclusionByResourceTypes": {"resourceTypes": ["AWS::Lambda::Function"]},
                      "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}},
    }
    config = boto3.client("config", endpoint_url=ENDPOINT, region_name=region,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    mode = {"recordingFrequency": "DAILY" if frequency == "DAILY" else "CONTINUOUS"}
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": "arn:aws:iam::123456789012:role/aws-config-recorder",
        "recordingGroup": groups[group], "recordingMode": mode})
    if frequency != "stopped":
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config"})
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def dump(encoded):
    from urllib.parse import quote
    pages = client("iam").get_paginator("get_account_authorization_details").paginate()
    out = pages.build_full_result()

    def text(v):
        if isinstance(v, dict) and encoded:
            return quote(json.dumps(v))
        if isinstance(v, list):
            return [text(x) for x in v]
        if isinstance(v, dict):
            return {k: text(x) for k, x in v.items()}
        return v.isoformat() if hasattr(v, "isoformat") else v

    def walk(v):
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {k: text(x) if k in DOCUMENTS else walk(x) for k, x in v.items()}
        return v.isoformat() if hasattr(v, "isoformat") else v

    print(json.dumps(walk(out), indent=4))


DOCUMENTS = {"AssumeRolePolicyDocument", "PolicyDocument", "Document"}

if sys.argv[2] == "dump":
    dump(sys.argv[3:] == ["encoded"])
elif sys.argv[2] == "roles":
    seed_roles(sys.argv[3], int(sys.argv[4]))
elif sys.argv[2] == "aggregator":
    aggregator(sys.argv[3], (sys.argv[4:] or [None])[0])
elif sys.argv[2] == "recorder":
    recorder(*sys.argv[3:6])
elif sys.argv[2] == "hostile":
    seed_hostile(sys.argv[3])
elif sys.argv[2] == "terminal":
    seed_terminal(sys.argv[3])
else:
    seed_org(int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:] == ["hostile"],
             sys.argv[5:] == ["terminal"])
