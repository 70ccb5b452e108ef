//! Every organization the tests, demos and scripts build is built as AWS builds one:
//! `OrganizationAccountAccessRole` only in the member accounts `CreateAccount` made, never in the
//! management account nor in an invited account (AWS Organizations User Guide, "Accessing member
//! accounts"); a role rolled out to every account as a service-managed StackSet rolls it out is
//! absent from the management account, where such a StackSet never deploys (CloudFormation User
//! Guide, "Create a stack set with service-managed permissions"). And the local AWS invites an
//! account as Organizations does (`tests/it/support/moto_aws.py`, "Handshakes"; API Reference:
//! InviteAccountToOrganization, AcceptHandshake, Handshake), which moto 5.2.5 cannot.

use crate::support;

use serde_json::Value;
use support::MotoServer;

/// `client(service, account=None)`: a client of the local AWS (`sys.argv[1]`) in us-east-1,
/// acting in `account` when given (`x-moto-account-id`), and `code_of(call)`: the error code a
/// call answers (None when it succeeds).
const CLIENT: &str = r#"
import boto3, json, sys
from botocore.exceptions import ClientError
def client(service, account=None):
    c = boto3.client(service, endpoint_url=sys.argv[1], region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    if account:
        c.meta.events.register("before-sign.*.*",
            lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c
def code_of(call, **params):
    try:
        call(**params)
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None
"#;

/// The organization on the local AWS, read as its management account reads it: each account's
/// roles against how it joined. `sys.argv[2]`: the role the builder rolls out to every member
/// account ("" for none); `sys.argv[3]`: the accounts it invited (a JSON list). Prints the
/// number of accounts.
const AS_AWS_BUILDS_IT: &str = r#"
ACCESS = "OrganizationAccountAccessRole"
rolled_out, invited = sys.argv[2], set(json.loads(sys.argv[3]))
org = client("organizations")
management = org.describe_organization()["Organization"]["MasterAccountId"]
joined = {a["Id"]: a["JoinedMethod"] for page in org.get_paginator("list_accounts").paginate()
          for a in page["Accounts"]}
assert management in joined, joined
assert {a for a, how in joined.items() if how == "INVITED"} == invited, joined
def roles(account):
    pages = client("iam", account).get_paginator("list_roles").paginate()
    return {r["RoleName"] for page in pages for r in page["Roles"]}
for account, how in joined.items():
    held = roles(account)
    if account == management:
        assert ACCESS not in held, f"the management account {account} holds {ACCESS}"
        assert not rolled_out or rolled_out not in held, \
            f"the management account {account} holds {rolled_out}, which no StackSet puts there"
        continue
    assert (ACCESS in held) == (how == "CREATED"), \
        f"{account} ({how}) holds {sorted(held)}: {ACCESS} is only in accounts CreateAccount made"
    assert not rolled_out or rolled_out in held, f"member {account} lacks {rolled_out}"
print(len(joined))
"#;

/// `code` (after [`CLIENT`]) run with the local AWS's URL and `args`; its stdout. It must succeed.
fn python(moto: &MotoServer, code: &str, args: &[&str]) -> String {
    let code = format!("{CLIENT}{code}");
    let url = moto.url();
    let out = support::moto_forks::python(&[&["-c", code.as_str(), url.as_str()], args].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `file` (a script's path in the repository) run with the local AWS's URL and `args`; its
/// stdout. It must succeed.
fn script(moto: &MotoServer, file: &str, args: &[&str]) -> String {
    let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
    let url = moto.url();
    let out = support::moto_forks::python(&[&[path.as_str(), url.as_str()], args].concat());
    assert!(
        out.status.success(),
        "{file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The organization on `moto` is built as AWS builds one ([`AS_AWS_BUILDS_IT`]), with
/// `rolled_out` in every member account and `invited` the invited accounts; its accounts.
fn built_as_aws_builds_it(moto: &MotoServer, rolled_out: &str, invited: &[&str]) -> usize {
    let invited = serde_json::to_string(invited).unwrap();
    let out = python(moto, AS_AWS_BUILDS_IT, &[rolled_out, &invited]);
    out.trim().parse().expect("the number of accounts")
}

/// An invited account joins as AWS Organizations lets it (API Reference,
/// InviteAccountToOrganization, AcceptHandshake, Handshake): only the management account
/// invites, by account ID, answered an OPEN INVITE handshake naming the organization and the
/// account; only that account accepts; it is then a member at the root with JoinedMethod
/// INVITED in ListAccounts, ListAccountsForParent and DescribeAccount, moves between OUs, gets
/// an automatic StackSet's instance — and holds no `OrganizationAccountAccessRole`, so the
/// management account cannot enter it through one (User Guide, "Accessing member accounts").
/// Refused as documented: a second open invitation (DuplicateHandshakeException), an account
/// already in an organization (HandshakeConstraintViolationException,
/// ALREADY_IN_AN_ORGANIZATION), a second acceptance (HandshakeAlreadyInStateException).
#[test]
fn an_invited_account_joins_at_the_root_with_no_access_role() {
    let moto = MotoServer::start();
    let code = r#"
import re
MANAGEMENT, INVITED, STRANGER = "123456789012", "555566667777", "333344445555"
org = client("organizations", MANAGEMENT)
assert code_of(org.invite_account_to_organization,
               Target={"Type": "ACCOUNT", "Id": INVITED}) == "AWSOrganizationsNotInUseException"
org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
root = org.list_roots()["Roots"][0]["Id"]
sandbox = org.create_organizational_unit(ParentId=root, Name="Sandbox")["OrganizationalUnit"]["Id"]
created = org.create_account(AccountName="made", Email="made@example.com")
created = created["CreateAccountStatus"]["AccountId"]
org.enable_aws_service_access(ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")
cfn = client("cloudformation", MANAGEMENT)
reader = {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "reader",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"}, "Action": "sts:AssumeRole"}]}}}
cfn.create_stack_set(StackSetName="reader", PermissionModel="SERVICE_MANAGED",
    TemplateBody=json.dumps({"Resources": {"R": reader}}), Capabilities=["CAPABILITY_NAMED_IAM"],
    AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False})
cfn.create_stack_instances(StackSetName="reader", Regions=["us-east-1"],
    DeploymentTargets={"OrganizationalUnitIds": [root]})

target = {"Type": "ACCOUNT", "Id": INVITED}
assert code_of(client("organizations", created).invite_account_to_organization,
               Target=target) == "AccessDeniedException"
for member in (created, MANAGEMENT):
    assert code_of(org.invite_account_to_organization, Target={"Type": "ACCOUNT", "Id": member}) \
        == "HandshakeConstraintViolationException"
handshake = org.invite_account_to_organization(Target=target, Notes="join us")["Handshake"]
assert re.fullmatch(r"h-[0-9a-z]{10,32}", handshake["Id"]), handshake
assert (handshake["State"], handshake["Action"]) == ("OPEN", "INVITE"), handshake
assert handshake["Parties"] == [{"Id": org_id, "Type": "ORGANIZATION"},
                                {"Id": INVITED, "Type": "ACCOUNT"}], handshake
assert handshake["Arn"] == \
    f"arn:aws:organizations::{MANAGEMENT}:handshake/{org_id}/invite/{handshake['Id']}", handshake
days = (handshake["ExpirationTimestamp"] - handshake["RequestedTimestamp"]).total_seconds() / 86400
assert round(days) == 15, handshake
assert {"Type": "ACCOUNT", "Value": INVITED} in handshake["Resources"], handshake
assert code_of(org.invite_account_to_organization, Target=target) == "DuplicateHandshakeException"
listed = org.list_handshakes_for_organization()["Handshakes"]
assert [h["Id"] for h in listed] == [handshake["Id"]], listed

assert code_of(client("organizations", STRANGER).accept_handshake,
               HandshakeId=handshake["Id"]) == "HandshakeNotFoundException"
invited = client("organizations", INVITED)
received = invited.list_handshakes_for_account()["Handshakes"]
assert [h["Id"] for h in received] == [handshake["Id"]], received
assert invited.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "ACCEPTED"
assert code_of(invited.accept_handshake, HandshakeId=handshake["Id"]) \
    == "HandshakeAlreadyInStateException"

account = org.describe_account(AccountId=INVITED)["Account"]
assert (account["JoinedMethod"], account["Status"]) == ("INVITED", "ACTIVE"), account
everyone = {a["Id"]: a["JoinedMethod"] for a in org.list_accounts()["Accounts"]}
assert everyone == {MANAGEMENT: "CREATED", created: "CREATED", INVITED: "INVITED"}, everyone
at_root = [a["Id"] for a in org.list_accounts_for_parent(ParentId=root)["Accounts"]]
assert INVITED in at_root, at_root
assert org.list_parents(ChildId=INVITED)["Parents"] == [{"Id": root, "Type": "ROOT"}]
org.move_account(AccountId=INVITED, SourceParentId=root, DestinationParentId=sandbox)
moved = org.list_accounts_for_parent(ParentId=sandbox)["Accounts"]
assert [(a["Id"], a["JoinedMethod"]) for a in moved] == [(INVITED, "INVITED")], moved
assert invited.describe_organization()["Organization"]["Id"] == org_id

held = [r["RoleName"] for r in client("iam", INVITED).list_roles()["Roles"]]
assert held == ["reader"], f"the invited account holds {held}: the StackSet's reader alone"
assert code_of(client("sts", MANAGEMENT).assume_role,
               RoleArn=f"arn:aws:iam::{INVITED}:role/OrganizationAccountAccessRole",
               RoleSessionName="admin") == "AccessDenied"
"#;
    python(&moto, code, &[]);
    assert_eq!(
        built_as_aws_builds_it(&moto, "reader", &["555566667777"]),
        3
    );
}

/// `scripts/seed_guardrail.py` (the guardrail's tests, demo and docs): 21 created member
/// accounts and one invited, the audit role `lambda-trust-audit` in each member — the invited
/// one included, which has no `OrganizationAccountAccessRole` — and not in the management
/// account; the invited account in Sandbox; Genesys Cloud's Lex V2 and S3 integration roles
/// trusting its account with no external ID (Genesys Cloud Resource Center, "Configure IAM role
/// with permissions for the Amazon Lex V2 app", "Create IAM resources for AWS S3 bucket").
#[test]
fn seed_guardrail_builds_its_organization_as_aws_does() {
    let moto = MotoServer::start();
    let seed: Value = serde_json::from_str(&script(&moto, "scripts/seed_guardrail.py", &[]))
        .expect("the seed's JSON");
    let invited = seed["invited"].as_str().unwrap();
    assert_eq!(seed["accounts"][invited], "Sandbox", "{seed:#}");
    assert_eq!(
        built_as_aws_builds_it(&moto, "lambda-trust-audit", &[invited]),
        23
    );
    let code = r#"
seed = json.loads(sys.argv[2])
org = client("organizations")
parents = org.list_parents(ChildId=seed["invited"])["Parents"]
assert parents == [{"Id": seed["ous"]["Sandbox"], "Type": "ORGANIZATIONAL_UNIT"}], parents
def role(arn):
    account, name = arn.split(":")[4], arn.split("/")[-1]
    iam = client("iam", account)
    trust = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    inline = [iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
              for p in iam.list_role_policies(RoleName=name)["PolicyNames"]]
    actions = {a for d in inline for s in d["Statement"]
               for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    return trust["Statement"], actions
genesys = {"AWS": "arn:aws:iam::765628985471:root"}
for kind, action in (("lexv2", "lex:RecognizeText"), ("s3", "s3:PutObject")):
    trust, actions = role(seed["integration"][kind])
    assert [s["Principal"] for s in trust] == [genesys] and "Condition" not in trust[0], trust
    assert action in actions, (kind, actions)
for account in seed["accounts"]:
    trust, actions = role(f"arn:aws:iam::{account}:role/genesys-right")
    assert trust[0]["Condition"]["StringEquals"]["sts:ExternalId"] == seed["org_id"], trust
    assert actions == {"lambda:InvokeFunction"}, actions
"#;
    python(&moto, code, &[&seed.to_string()]);
}

/// `scripts/seed_audit.py ENDPOINT org` (the audit's organization tests): the audit role in
/// each created member account, not in the management account.
#[test]
fn seed_audit_builds_its_organization_as_aws_does() {
    let moto = MotoServer::start();
    let ids = support::seed_audit(&moto.url(), &["org", "4", "3"]);
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert_eq!(built_as_aws_builds_it(&moto, "lambda-trust-audit", &[]), 4);
}

/// `scripts/moto_tool.py ENDPOINT organization N` (`just demo-organization`): N accounts, the
/// access role in the created ones alone.
#[test]
fn moto_tools_organization_is_built_as_aws_builds_one() {
    let moto = MotoServer::start();
    script(&moto, "scripts/moto_tool.py", &["organization", "4"]);
    assert_eq!(built_as_aws_builds_it(&moto, "", &[]), 4);
}

/// `tests/it/support/seed_path.py` (the whole path's tests): the access role in its two
/// created accounts, none made by hand in the management account.
#[test]
fn seed_path_builds_its_organization_as_aws_does() {
    let moto = MotoServer::start();
    let ids = moto.seed_path();
    assert!(ids["a"].is_string() && ids["b"].is_string(), "{ids:#}");
    assert_eq!(built_as_aws_builds_it(&moto, "", &[]), 3);
}
