"""Seeds a local moto server with an organization for `lambda-trust guardrail` (docs/guardrail.md,
"Try it locally"; the tests' organization too). Never used against real AWS.

Usage:
  seed_guardrail.py ENDPOINT [MEMBERS]
      An organization of MEMBERS member accounts (default 21) and the management account, in
      nested OUs: Workloads (Prod and Dev inside it) and Sandbox; two accounts stay at the root.
      RCPs are not enabled. Every account has the audit role lambda-trust-audit (trusting the
      management account) and the role genesys-right (Genesys Cloud with ORG_ID). Besides:
        Prod's first account    genesys-open       Genesys Cloud, no external ID
        Dev's first account     genesys-other-org  Genesys Cloud, another org's ID
        Sandbox's first account genesys-lex        Genesys Cloud, no external ID (to exempt)
        the first root account  vendor-reader      another vendor (444455556666), no external ID
        the management account  genesys-open       Genesys Cloud, no external ID
      Prints one JSON object: the management account, the root, each OU's ID by name and each
      account's OU, and the org IDs.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
MEMBERS = int(sys.argv[2]) if len(sys.argv) > 2 else 21
GENESYS = "765628985471"
VENDOR = "444455556666"
ORG_ID = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"
OTHER_ORG_ID = "5d2a9c41-7e3b-4f60-8a15-c0ffee123456"
AUDIT_ROLE = "lambda-trust-audit"


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


def trust(account, external_id=None):
    s = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "sts:AssumeRole"}
    if external_id:
        s["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return s


def role(account, name, statement):
    client("iam", account).create_role(RoleName=name, AssumeRolePolicyDocument=doc(statement))


def audit_role(account, management):
    iam = client("iam", account)
    iam.create_role(RoleName=AUDIT_ROLE, AssumeRolePolicyDocument=doc(trust(management)))
    iam.put_role_policy(RoleName=AUDIT_ROLE, PolicyName="read", PolicyDocument=doc({
        "Effect": "Allow", "Resource": "*",
        "Action": ["iam:Get*", "iam:List*", "lambda:Get*", "lambda:List*"]}))


def main():
    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    management = org.describe_organization()["Organization"]["MasterAccountId"]
    root = org.list_roots()["Roots"][0]["Id"]
    ou = {}
    ou["Workloads"] = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    ou["Sandbox"] = org.create_organizational_unit(ParentId=root, Name="Sandbox")["OrganizationalUnit"]["Id"]
    for name in ("Prod", "Dev"):
        ou[name] = org.create_organizational_unit(ParentId=ou["Workloads"], Name=name)["OrganizationalUnit"]["Id"]
    homes = ["Prod"] * 8 + ["Dev"] * 6 + ["Sandbox"] * 5 + ["root"] * 2
    homes = (homes * (MEMBERS // len(homes) + 1))[:MEMBERS]
    accounts = {}
    for k, home in enumerate(homes):
        made = org.create_account(Email=f"guardrail-{k}@example.com", AccountName=f"{home.lower()}-{k}")
        account = made["CreateAccountStatus"]["AccountId"]
        if home != "root":
            org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou[home])
        accounts[account] = home
    for account in [management, *accounts]:
        audit_role(account, management)
    for account in accounts:
        role(account, "genesys-right", trust(GENESYS, ORG_ID))
    first = {home: next(a for a, h in accounts.items() if h == home) for home in set(homes)}
    role(first["Prod"], "genesys-open", trust(GENESYS))
    role(first["Dev"], "genesys-other-org", trust(GENESYS, OTHER_ORG_ID))
    role(first["Sandbox"], "genesys-lex", trust(GENESYS))
    role(first["root"], "vendor-reader", trust(VENDOR))
    role(management, "genesys-open", trust(GENESYS))
    print(json.dumps({"management": management, "root": root, "ous": ou, "accounts": accounts,
                      "first": first, "org_id": ORG_ID, "other_org_id": OTHER_ORG_ID}))


main()
