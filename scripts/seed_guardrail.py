"""Seeds a local moto server with an organization for `lambda-trust guardrail`, built as AWS
builds one (docs/guardrail.md, "Try it locally"; the tests' organization too). Never used against
real AWS.

Usage:
  seed_guardrail.py ENDPOINT [MEMBERS]
      An organization of the management account, MEMBERS member accounts made by CreateAccount
      (default 21) and one invited account, in nested OUs: Workloads (Prod and Dev inside it)
      and Sandbox; two created accounts stay at the root, and the invited account, which joins
      at the root, is moved to Sandbox. RCPs are not enabled. As AWS builds it:
      - OrganizationAccountAccessRole is only in the created accounts (Organizations makes it
        there), never in the management account nor in the invited one (AWS Organizations User
        Guide, "Accessing member accounts"; API Reference, InviteAccountToOrganization,
        AcceptHandshake);
      - the audit role lambda-trust-audit (trusting the management account, reading IAM and
        Lambda) is in every member account, the invited one included, as a service-managed
        StackSet rolls it out, and not in the management account, where such a StackSet never
        deploys (CloudFormation User Guide, "Create a stack set with service-managed
        permissions").
      Every member account has the role genesys-right (Genesys Cloud with ORG_ID, invoking the
      account's functions). Besides, the roles Genesys Cloud's account assumes for its other
      integrations, with the permissions Genesys documents for them:
        Prod's first account     genesys-open           Genesys Cloud, no external ID
        Prod's second account    genesys-s3-recordings  S3 recording export, no external ID
        Dev's first account      genesys-other-org      Genesys Cloud, another org's ID
        Sandbox's first account  genesys-lex            Lex (V1), no external ID (to exempt)
        Sandbox's second account genesys-lexv2          Lex V2, no external ID
        the first root account   vendor-reader          another vendor (444455556666), no ID
        the management account   genesys-open           Genesys Cloud, no external ID
      Each created account is named after its OU and its number (prod-0 … root-20), the
      invited one sandbox-invited (its IAM account alias).
      Prints one JSON object: management (its ID), root, ous (each OU's ID by name), accounts
      (each member account's OU, the invited one's included), first (each OU's first created
      account), invited (the invited account's ID), integration ({"lexv2": ARN, "s3": ARN}),
      org_id and other_org_id.
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
# A standalone account, invited into the organization.
INVITED = "555566667777"


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


def allow(actions, resource="*"):
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def role(account, name, statement, permissions=None):
    """The role `name` in `account` trusting with `statement`; `permissions` (a statement) its
    inline policy when given. Its ARN."""
    iam = client("iam", account)
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(statement))["Role"]["Arn"]
    if permissions:
        iam.put_role_policy(RoleName=name, PolicyName="permissions",
                            PolicyDocument=doc(permissions))
    return arn


def audit_role(account, management):
    iam = client("iam", account)
    iam.create_role(RoleName=AUDIT_ROLE, AssumeRolePolicyDocument=doc(trust(management)))
    iam.put_role_policy(RoleName=AUDIT_ROLE, PolicyName="read", PolicyDocument=doc(allow(
        ["iam:Get*", "iam:List*", "lambda:Get*", "lambda:List*"])))


# Genesys Cloud's own integrations besides Lambda data actions, each a role of yours its account
# assumes, an external ID only "recommended" (Genesys Cloud Resource Center, "Configure IAM role
# with permissions for Amazon Lex app" and "… for the Amazon Lex V2 app": the AWS managed
# policies AmazonLexReadOnly and AmazonLexRunBotsOnly, whose Lex V1 and Lex V2 actions are
# written inline here; "Create IAM resources for AWS S3 bucket", the AWS S3 recording bulk
# actions integration: s3:PutObject on the bucket).
LEX_V1 = ["lex:PostText", "lex:PostContent", "lex:GetSession", "lex:PutSession",
          "lex:DeleteSession", "lex:GetBot", "lex:GetBots", "lex:GetBotAlias",
          "lex:GetBotAliases", "lex:GetBotVersions", "lex:GetIntent", "lex:GetIntents"]
LEX_V2 = ["lex:RecognizeText", "lex:RecognizeUtterance", "lex:StartConversation",
          "lex:GetSession", "lex:PutSession", "lex:DeleteSession", "lex:DescribeBot",
          "lex:DescribeBotAlias", "lex:DescribeBotLocale", "lex:ListBots", "lex:ListBotAliases",
          "lex:ListBotLocales"]


def recordings_role(account):
    bucket = f"genesys-recordings-{account}"
    client("s3", account).create_bucket(Bucket=bucket)
    return role(account, "genesys-s3-recordings", trust(GENESYS),
                allow("s3:PutObject", f"arn:aws:s3:::{bucket}/*"))


def invite(org, account, ou, root):
    """`account` invited into the organization, accepting, then moved under `ou`; named by its
    IAM account alias. Organizations creates no role in it."""
    client("iam", account).create_account_alias(AccountAlias="sandbox-invited")
    handshake = org.invite_account_to_organization(Target={"Type": "ACCOUNT", "Id": account})
    client("organizations", account).accept_handshake(HandshakeId=handshake["Handshake"]["Id"])
    org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)


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
    created = {home: [a for a, h in accounts.items() if h == home] for home in set(homes)}
    first = {home: made[0] for home, made in created.items()}
    invite(org, INVITED, ou["Sandbox"], root)
    accounts[INVITED] = "Sandbox"
    for account in accounts:
        audit_role(account, management)
        role(account, "genesys-right", trust(GENESYS, ORG_ID), allow(
            "lambda:InvokeFunction", f"arn:aws:lambda:*:{account}:function:*"))
    role(first["Prod"], "genesys-open", trust(GENESYS))
    role(first["Dev"], "genesys-other-org", trust(GENESYS, OTHER_ORG_ID))
    role(first["Sandbox"], "genesys-lex", trust(GENESYS), allow(LEX_V1))
    lexv2 = role(created["Sandbox"][1], "genesys-lexv2", trust(GENESYS), allow(LEX_V2))
    s3 = recordings_role(created["Prod"][1])
    role(first["root"], "vendor-reader", trust(VENDOR))
    role(management, "genesys-open", trust(GENESYS))
    print(json.dumps({"management": management, "root": root, "ous": ou, "accounts": accounts,
                      "first": first, "invited": INVITED,
                      "integration": {"lexv2": lexv2, "s3": s3},
                      "org_id": ORG_ID, "other_org_id": OTHER_ORG_ID}))


main()
