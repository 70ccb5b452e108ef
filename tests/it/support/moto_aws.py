"""moto_server, answering as AWS does where moto 5.2.5 departs from it on the whole path.

The tests' local AWS (tests/it/support/moto.rs) and the demo (examples/local_aws.rs) start this
script with the venv's Python instead of the bare `moto_server`: it patches moto's backends, then
serves exactly as `moto_server ARGS` would (or, given `--fork-server SOCKET`, forks one such
server per test: moto_forks.py). A kinder or narrower server than AWS is a defect
(CONTRIBUTING.md); each departure fixed here has a test in tests/it/harness_selftest.rs, and
docs/aws-behaviour.md ("The local AWS") says which of them lambda-trust relies on.

AWS Organizations (API Reference: ListParents, ListPoliciesForTarget, DescribePolicy, ListRoots,
EnablePolicyType, AttachPolicy; User Guide, "Enabling and disabling policy types"):
- Only the management account (or a delegated administrator) may read the organization's
  structure and policies: a member account gets AccessDeniedException (moto: the member's own
  empty backend answers AccountNotFoundException / PolicyNotFoundException).
- An account in no organization gets AWSOrganizationsNotInUseException (moto:
  AccountNotFoundException).
- A new organization has no policy type enabled; EnablePolicyType attaches the type's
  full-access policy (FullAWSAccess, RCPFullAWSAccess) to the root, every OU and every account,
  DisablePolicyType detaches every policy of the type, AttachPolicy of a type not enabled is
  PolicyTypeNotEnabledException (moto: both attached from the start while the root lists no
  enabled type). Enabling is asynchronous, and RCPs are checked as Organizations checks them:
  moto_rcps.py.
- An account joins by invitation as AWS Organizations lets it (API Reference:
  InviteAccountToOrganization, AcceptHandshake, DeclineHandshake, CancelHandshake,
  DescribeHandshake, ListHandshakesForOrganization, ListHandshakesForAccount, Handshake; User
  Guide, "Inviting an AWS account to join your organization", "Accessing member accounts")
  (moto: none of them): the management account invites an account by its ID; the invited
  account's AcceptHandshake makes it a member at the root, JoinedMethod INVITED, with no role
  created in it (OrganizationAccountAccessRole is only in accounts CreateAccount makes).
  Details below, at "Handshakes".

AWS Lambda (API Reference: AddPermission, GetPolicy, RemovePermission, GetAccountSettings;
Developer Guide, "Working with resource-based IAM policies in Lambda", "Lambda quotas"):
- One policy per function and qualifier (the unqualified function, each version, each alias;
  moto: one shared policy).
- Principals as AWS stores them: an account ID becomes {"AWS": "arn:aws:iam::ID:root"}, an ARN
  {"AWS": ARN}, a service {"Service": …}, "*" stays "*" (moto: bare strings).
- A statement ID already in the policy is 409 ResourceConflictException (moto: appended);
  AddPermission answers 201 (moto: 200).
- DeleteFunction deletes the function's resource policy with it (API Reference,
  DeleteFunction: the function and its versions; moto here: the policy outlived it, so a
  function made again under the name refused its first AddPermission).
- A function ARN of another account is that account's function: without a resource-based
  policy granting the caller lambda:GetPolicy (GetPolicy) or lambda:GetFunction (GetFunction)
  the answer is 403 AccessDeniedException (moto: looks the name up in the caller's own
  account).
- RemovePermission removes the statement from the policy of the Qualifier it is given and
  checks its RevisionId (moto: the unqualified function's policy, and a revision compared as a
  list, so any RevisionId fails).
- GetFunction's Code.Location downloads the package (a presigned URL in AWS; moto: an S3 URL
  nothing serves): here a URL of this server, /moto-api/lambda-code/TOKEN.
- GetAccountSettings answers the account's limits (AccountLimit: the default quotas, less the
  reserved concurrency) and its usage in the region (AccountUsage: FunctionCount, the region's
  functions of that account, and TotalCodeSize, their packages' and layers' bytes) (moto: no
  such route, a 404).
- PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy (2026) act on that same policy:
  a put replaces every statement, AddPermission's included, takes a complete ARN (no wildcard),
  a policy of at most 20,480 characters and checks its RevisionId (moto: none of them).
- A stack's AWS::Lambda::Permission (CloudFormation User Guide, AWS::Lambda::Permission) is a
  statement in that same policy, its Sid the physical ID CloudFormation generates (moto: a
  second store GetPolicy does not read, the principal a bare string).

AWS CloudTrail (API Reference: CreateTrail, UpdateTrail, DescribeTrails; User Guide, "Creating a
trail for an organization"):
- An organization trail is in every account of the organization: a member's DescribeTrails
  lists it (the management account's ARN), GetTrailStatus and GetEventSelectors answer for it
  by that ARN (moto: it is in the management account alone).

Security Hub CSPM (API Reference: BatchImportFindings, GetFindings, AwsSecurityFindingFilters,
Workflow; User Guide, "BatchImportFindings for finding providers"):
- Findings are taken only while Security Hub is enabled in the account and region:
  InvalidAccessException (moto: taken anyway).
- At most 100 findings a call (InvalidInputException); each finding under 240 KB, from its own
  account (AwsAccountId) under the account's own product ARN, else a FailedFindings entry
  (moto: no limit, any account, any product).
- A re-import of an existing finding keeps its Workflow, Note, UserDefinedFields and
  VerificationState (the customer's, through BatchUpdateFindings; moto: overwritten), and a
  RecordState going from ARCHIVED to ACTIVE resets a NOTIFIED or RESOLVED workflow to NEW.
- GetFindings honours the Filters the tool sends (Id, ProductArn, AwsAccountId, GeneratorId,
  RecordState; EQUALS, NOT_EQUALS, PREFIX) and answers at most 100 a page (moto: ignores every
  filter).
- An administrator account's GetFindings answers its associated members' findings in the
  region too (User Guide, "Administrator and member accounts": the administrator views its
  members' findings; moto: only its own).
- Fault injection for the tests: the findings of a role tagged `lambda-trust-test:import-fails`
  = N (its Resources[0].Id) come back as a FailedFindings entry the first N times they are sent.

AWS Config aggregators (API Reference: ListAggregateDiscoveredResources,
BatchGetAggregateResourceConfig, PutConfigurationAggregator; Developer Guide, "Multi-Account
Multi-Region Data Aggregation"), for AWS::IAM::Role, AWS::IAM::Policy and AWS::Lambda::Function
(moto: none of them aggregated):
- An aggregator covers the accounts of its source: the listed AccountIds, or every account of
  the organization, which only its management account may aggregate
  (OrganizationAccessDeniedException at PutConfigurationAggregator; moto: lists only the
  caller's own account, and an organization source answers 500).
- IAM is global: each role and customer managed policy is listed once per account, under the
  one region that records global resources — here the aggregator's own region when the source
  covers it, else the first covered region (moto: once per aggregated region).
- Items as Config records them: the role's ARN with its path, resourceId the role's or the
  policy's ID, documents URL-encoded, permissionsBoundary an object, roleLastUsed from IAM
  (moto: paths dropped, resourceId the name, roleLastUsed always null, AWS managed policies
  listed).
- A Lambda function is listed once, in its own region (each region the source covers; all
  regions: every region the account has functions in), its name as resource ID and name; its
  item's `configuration` is the function as Lambda describes it, camel-cased, and its
  resource-based policy is `supplementaryConfiguration.Policy`, the policy's JSON text as
  GetPolicy's `Policy` holds it (none without a policy). A version's or alias's own policy is
  in no item (AWS Config records AWS::Lambda::Function, not its versions or aliases).
- At most 100 identifiers a page (InvalidLimitException), 1 to 100 a batch (ValidationException);
  unknown next tokens are InvalidNextTokenException; a resource that is not there is left out
  of the answer.
- Fault injection for the tests: a role tagged `lambda-trust-test:config-unprocessed` = N comes
  back in UnprocessedResourceIdentifiers the first N times it is asked for; a role, policy or
  function tagged `lambda-trust-test:config-not-recorded` comes back as a recorder that leaves
  its type out records it: status ResourceNotRecorded, no configuration.

An account's own AWS Config (API Reference: PutConfigurationRecorder,
DescribeConfigurationRecorders, BatchGetResourceConfig; RecordingMode):
- A recorder keeps its recordingMode (recordingFrequency CONTINUOUS or DAILY, with overrides per
  resource type; CONTINUOUS when not given) and answers it, with its recordingScope PAID and
  its ARN (moto: drops recordingMode).
- BatchGetResourceConfig answers AWS::Lambda::Function items of the region's functions by
  name, as the aggregator does, only while the region's recorder records the type and is
  recording; NoAvailableConfigurationRecorderException without a recorder; 1 to 100 keys
  (ValidationException); a function that is not there is left out (moto: no Lambda items).
- Fault injection for the tests: a function tagged `lambda-trust-test:config-captured` = epoch
  seconds is an item captured then; `lambda-trust-test:config-unprocessed` = N comes back in
  unprocessedResourceKeys the first N times.

An AWS Config custom rule's evaluations (API Reference: PutEvaluations, Evaluation):
- PutEvaluations outside test mode takes the evaluations the rule's function answers with
  (moto: NotImplementedError, a 500): 1 to 100 evaluations, each with a ComplianceType of
  COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE or INSUFFICIENT_DATA, a ComplianceResourceType of 1
  to 256 and a ComplianceResourceId of 1 to 768 characters, an Annotation of at most 256 and an
  OrderingTimestamp (ValidationException otherwise), and a ResultToken
  (InvalidResultTokenException without one). The result token is AWS's opaque token of the
  invocation; any given one is taken here (the tests hand the function the events).

Amazon EventBridge (API Reference: PutRule, ListRules, CreateEventBus; User Guide, "Amazon
EventBridge quotas", "Receiving events from a SaaS partner"):
- A partner event bus (`aws.partner/genesys.com/cloud/ORG/SUFFIX`) is named by its whole name
  or its ARN in EventBusName (moto: the name's last `/` segment, so no partner bus is found).
- An event pattern longer than the account's "Event pattern size" quota, 2,048 characters by
  default, is refused with a 400 (moto: any length). The model allows 4,096 (a
  ValidationException beyond); the quota's error code is not documented: InvalidEventPatternException
  here, its message naming the quota.

- Fault injection for the tests: the entries put on a bus tagged `lambda-trust-test:put-fails`
  = N fail with ErrorCode InternalFailure, the first N of them (API Reference, PutEvents).
- A rule's target without Input, InputPath or InputTransformer gets the entire event, its
  `account` included (API Reference, PutTargets; moto: the event without its `account`).
- PutPermission with a Policy replaces the bus's whole resource policy (API Reference,
  PutPermission: "Policy … instead of" the single-statement parameters; moto: merged into the
  statements of other principals).
- A rule's target that is an event bus of another account delivers only what that bus's
  resource policy admits (User Guide, "Permissions for event buses", "Sending and receiving
  events between AWS accounts"): the sender is the target's RoleArn — a role of the rule's
  account that events.amazonaws.com may assume for that rule (its trust's conditions held to
  aws:SourceAccount, the rule's account, and aws:SourceArn, the rule's ARN: User Guide,
  "Cross-service confused deputy prevention"; moto: no trust read) and whose policies allow
  events:PutEvents on the bus; a bus of the rule's own account in another region takes it the
  same way, with no bus policy — or, without one, the rule's account; the bus policy must allow events:PutEvents
  to it on that bus (a Principal of "*", the account or its root, or the role's ARN; the
  conditions aws:PrincipalArn, aws:PrincipalAccount and aws:PrincipalOrgID — the sender's
  organization — with StringEquals, StringLike, ArnEquals or ArnLike; any other condition
  admits nothing), and no statement denies it (moto: delivered to any bus of any account). A
  refused delivery is dropped, as EventBridge counts it a failed invocation. What is delivered
  is the event as it was, its `account` the sender's (User Guide, "Sending and receiving
  events between AWS accounts"; moto: put again as the receiving account's). A rule's
  Lambda function target is not invoked (moto: a 500 to the PutEvents that matched it): the
  tests hand the function its events through the local Runtime API.

AWS Lambda (API Reference, Invoke): a synchronous Invoke runs the function and answers its
response; an error the function answers is its payload ({"errorType", "errorMessage"}) with
X-Amz-Function-Error "Unhandled" (moto runs a function only in Docker). A function tagged
`lambda-trust-test:runtime` = HOST:PORT runs as Lambda runs a custom runtime: the event is
handed to the local Runtime API there (tests/it/support/runtime_api.py), told the function's
own ARN, where the package's `bootstrap` serves it, and its answer is Invoke's.

IAM (API Reference, RoleDetail, RoleLastUsed; CloudFormation, AWS::IAM::Role Policies):
- A role CloudFormation creates with inline `Policies` holds each as the JSON document IAM
  stores (moto: the template's object, and GetAccountAuthorizationDetails answers 500).
- A role's CreateDate and RoleLastUsed can be in the past (moto: always now, or never): the
  `lambda-trust-test:created` / `:last-used` / `:last-used-region` tags set them at creation.

AWS STS (API Reference: AssumeRole): an assumed role's credentials act in the role's account
(moto: in MOTO_ACCOUNT_ID's when the server runs with it, as the docs' examples' does); a role
that does not exist is not assumed: AccessDenied, "User: … is not authorized to perform:
sts:AssumeRole on resource: …", as STS answers it (moto: any ARN is assumed, the role need not
exist). Its trust policy is not evaluated here.
"""
import copy
import json
import re
import hashlib
import sys
import uuid
from urllib.parse import unquote

from moto.core.exceptions import JsonRESTError
from moto.organizations import models as org_models
from moto.organizations import utils as org_utils
from moto.organizations.exceptions import PolicyTypeNotEnabledException
from moto.awslambda import models as lambda_models
from moto.awslambda import responses as lambda_responses
from moto.awslambda.exceptions import GenericResourcNotFound, PreconditionFailedException

# ------------------------------------------------------------------ Organizations

OrgBackend = org_models.OrganizationsBackend
backends = org_models.organizations_backends


class OrgError(JsonRESTError):
    code = 400


def access_denied():
    return OrgError("AccessDeniedException", "You don't have permissions to access this resource.")


def not_in_use():
    return OrgError(
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )


def management_backend(backend):
    """The backend that holds the caller's organization, or the AWS refusal."""
    if backend.org is not None:
        return backend
    member = backends.master_accounts.get(backend.account_id)
    if member is None:
        raise not_in_use()
    master_id, partition = member
    master = backends[master_id][partition]
    if any(a.account.id == backend.account_id for a in master.admins):
        return master
    raise access_denied()


def management_only(name):
    original = getattr(OrgBackend, name)

    def patched(self, *args, **kwargs):
        return original(management_backend(self), *args, **kwargs)

    setattr(OrgBackend, name, patched)


for _name in (
    "list_parents",
    "list_children",
    "list_policies_for_target",
    "list_targets_for_policy",
    "describe_policy",
    "list_policies",
    "list_roots",
    "list_accounts",
    "list_organizational_units_for_parent",
    "list_accounts_for_parent",
    "list_tags_for_resource",
    "describe_account",
    "describe_organizational_unit",
    "list_delegated_administrators",
    "list_aws_service_access_for_organization",
):
    if hasattr(OrgBackend, _name):
        management_only(_name)

FULL_ACCESS = {
    "SERVICE_CONTROL_POLICY": org_utils.DEFAULT_SCP_POLICY_ID,
    "RESOURCE_CONTROL_POLICY": org_utils.DEFAULT_RCP_POLICY_ID,
}


def root_of(backend):
    return next(ou for ou in backend.ou if isinstance(ou, org_models.FakeRoot))


def enabled(backend, policy_type):
    types = root_of(backend).policy_types
    return any(t["Type"] == policy_type and t["Status"] == "ENABLED" for t in types)


def every_target(backend):
    return list(backend.ou) + list(backend.accounts)


def detach_type(backend, policy_type):
    for target in every_target(backend):
        for policy in [p for p in target.attached_policies if p.type == policy_type]:
            target.attached_policies.remove(policy)
            policy.attachments.remove(target)


_attach_policy = OrgBackend.attach_policy


def attach_policy(self, **kwargs):
    policy = self.get_policy_by_id(kwargs["PolicyId"])
    if policy.type in FULL_ACCESS and not enabled(self, policy.type):
        if getattr(self, "_lt_creating", False) and policy.id in FULL_ACCESS.values():
            # moto's own create_* attaching both defaults: AWS attaches only enabled types'.
            return None
        raise PolicyTypeNotEnabledException()
    return _attach_policy(self, **kwargs)


OrgBackend.attach_policy = attach_policy


def creating(name):
    """moto's create_organization / _organizational_unit / _account attach both full-access
    policies unconditionally: let attach_policy skip those whose type is not enabled."""
    original = getattr(OrgBackend, name)

    def patched(self, *args, **kwargs):
        self._lt_creating = True
        try:
            return original(self, *args, **kwargs)
        finally:
            self._lt_creating = False

    setattr(OrgBackend, name, patched)


for _name in ("create_organization", "create_organizational_unit", "create_account"):
    creating(_name)

_enable_policy_type = OrgBackend.enable_policy_type


def enable_policy_type(self, **kwargs):
    out = _enable_policy_type(self, **kwargs)
    policy_id = FULL_ACCESS.get(kwargs["PolicyType"])
    if policy_id:
        for target in every_target(self):
            _attach_policy(self, PolicyId=policy_id, TargetId=target.id)
    root = root_of(self)
    for entry in root.policy_types:
        if entry["Type"] == kwargs["PolicyType"]:
            entry["Status"] = "PENDING_ENABLE"
    # Enabling is asynchronous (moto_rcps.py): the next ListRoots still says PENDING_ENABLE.
    pending = getattr(root, "_lt_pending", {})
    pending[kwargs["PolicyType"]] = 1
    root._lt_pending = pending
    return {"Root": root.describe()}


OrgBackend.enable_policy_type = enable_policy_type

_list_roots = OrgBackend.list_roots


def list_roots(self, *args, **kwargs):
    """Each ListRoots brings a pending policy type one read closer to ENABLED."""
    root = root_of(management_backend(self)) if management_backend(self).ou else None
    pending = getattr(root, "_lt_pending", {})
    for entry in getattr(root, "policy_types", []):
        if entry["Status"] == "PENDING_ENABLE":
            if pending.get(entry["Type"], 0) > 0:
                pending[entry["Type"]] -= 1
            else:
                entry["Status"] = "ENABLED"
    return _list_roots(self, *args, **kwargs)


OrgBackend.list_roots = list_roots

_disable_policy_type = OrgBackend.disable_policy_type


def disable_policy_type(self, **kwargs):
    for entry in root_of(management_backend(self)).policy_types:
        entry["Status"] = "ENABLED"  # moto removes the entry as it stores it once enabled
    out = _disable_policy_type(self, **kwargs)
    detach_type(self, kwargs["PolicyType"])
    return out


OrgBackend.disable_policy_type = disable_policy_type


# ------------------------------------------------------------------ Organizations: Handshakes
#
# Inviting an account (AWS Organizations API Reference: InviteAccountToOrganization,
# AcceptHandshake, DeclineHandshake, CancelHandshake, DescribeHandshake,
# ListHandshakesForOrganization, ListHandshakesForAccount, Handshake, HandshakeParty,
# HandshakeResource; User Guide, "Inviting an AWS account to join your organization",
# "Accessing member accounts"; moto 5.2.5 has none of these operations):
# - InviteAccountToOrganization is the management account's alone (a member, a delegated
#   administrator included: AccessDeniedException; an account in no organization:
#   AWSOrganizationsNotInUseException). Its Target is {"Type": "ACCOUNT", "Id": 12 digits}. It
#   answers a Handshake: Id `h-` and 10 lowercase letters or digits, Arn
#   arn:aws:organizations::MANAGEMENT:handshake/ORG/invite/ID, State OPEN, Action INVITE, Parties
#   the organization and the account, Resources the organization (with the management account's
#   email and name and the feature set), the account and the Notes, expiring 15 days after it
#   was requested (the API Reference's example).
# - Refused as the API documents it: an account already in an organization (this one, another,
#   or the management account itself): HandshakeConstraintViolationException, Reason
#   ALREADY_IN_AN_ORGANIZATION, at the invitation and again at the acceptance; an open
#   invitation of the same account: DuplicateHandshakeException; a Target that is no account ID
#   or another Type: InvalidInputException (INVALID_PARTY_TYPE_TARGET, INVALID_PATTERN_TARGET_ID).
#   An EMAIL target is not emulated (the local AWS knows no account's email): refused the same
#   way, naming that.
# - Only the invited account responds (AcceptHandshake, DeclineHandshake: "Only a member
#   account can accept ... Invitation to join"), only the sender cancels (CancelHandshake). The
#   error for another account is not documented: the sender gets AccessDeniedException, any
#   other account HandshakeNotFoundException, as for an ID that does not exist. Responding
#   again is HandshakeAlreadyInStateException; responding to a handshake no longer OPEN
#   (canceled, declined, accepted, expired) is InvalidHandshakeTransitionException.
# - AcceptHandshake makes the account a member at the root: ListAccounts, ListAccountsForParent,
#   DescribeAccount and ListParents answer it with JoinedMethod INVITED and JoinedTimestamp the
#   acceptance, its Name the account's IAM alias (the local AWS holds no account name; else its
#   ID), the invitation's Tags its tags, the enabled policy types' full-access policies attached,
#   and it moves between OUs as any member; a service-managed StackSet with automatic deployment
#   over the root deploys to it (moto_stacksets.py). Nothing is created in the account:
#   Organizations makes OrganizationAccountAccessRole only in the accounts it creates ("Accessing
#   member accounts": an invited account's administrator creates that role by hand).
# - DescribeHandshake answers the sender's organization and the invited account; the lists
#   answer the handshakes the organization sent (ListHandshakesForOrganization: the management
#   account or a delegated administrator) or the account received (ListHandshakesForAccount),
#   filtered by Filter.ActionType.

import string  # noqa: E402
import time  # noqa: E402

from moto.moto_api._internal import mock_random  # noqa: E402

INVITATION_DAYS = 15


def org_error(code, message, reason=None):
    error = OrgError(code, message)
    if reason:
        error.description = json.dumps({"__type": code, "Message": message, "Reason": reason})
    return error


def handshake_not_found():
    return org_error("HandshakeNotFoundException",
                     "We can't find a handshake with the HandshakeId that you specified.")


def already_in_an_organization():
    return org_error(
        "HandshakeConstraintViolationException",
        "The requested operation would violate the constraint identified in the reason code.",
        "ALREADY_IN_AN_ORGANIZATION")


def in_an_organization(account_id):
    """Whether `account_id` is in an organization: a member of one, or a management account."""
    if account_id in backends.master_accounts:
        return True
    return any(b.org is not None
               for b in (backends[account_id].values() if account_id in backends else []))


def every_handshake():
    """(management backend, handshake) of every handshake any organization sent."""
    for account_id in list(backends.keys()):
        for backend in backends[account_id].values():
            for handshake in getattr(backend, "_lt_handshakes", []):
                yield backend, handshake


def refresh(handshake):
    """An OPEN invitation past its ExpirationTimestamp is EXPIRED."""
    if handshake["State"] == "OPEN" and time.time() > handshake["ExpirationTimestamp"]:
        handshake["State"] = "EXPIRED"
    return handshake


def invited_party(handshake):
    return next(p["Id"] for p in handshake["Parties"] if p["Type"] == "ACCOUNT")


def find_handshake(handshake_id):
    for backend, handshake in every_handshake():
        if handshake["Id"] == handshake_id:
            return backend, refresh(handshake)
    raise handshake_not_found()


def invite_account_to_organization(self, Target=None, Notes=None, Tags=None):
    if self.org is None:
        if self.account_id in backends.master_accounts:
            raise access_denied()  # "You can only call this operation from the management account."
        raise not_in_use()
    target = Target or {}
    if target.get("Type") != "ACCOUNT":
        raise org_error(
            "InvalidInputException",
            "You provided a value that does not match the required pattern: the local AWS "
            "invites an account by its ID only (Target Type ACCOUNT)",
            "INVALID_PARTY_TYPE_TARGET")
    account_id = str(target.get("Id", ""))
    if not re.fullmatch(r"\d{12}", account_id):
        raise org_error("InvalidInputException",
                        "You specified an invalid value for the target ID.",
                        "INVALID_PATTERN_TARGET_ID")
    if in_an_organization(account_id):
        raise already_in_an_organization()
    handshakes = self.__dict__.setdefault("_lt_handshakes", [])
    if any(refresh(h)["State"] == "OPEN" and invited_party(h) == account_id for h in handshakes):
        raise org_error(
            "DuplicateHandshakeException",
            "A handshake with the same action and target already exists.")
    handshake_id = "h-" + "".join(
        mock_random.choice(string.ascii_lowercase + string.digits) for _ in range(10))
    now = time.time()
    organization = [
        {"Type": "MASTER_EMAIL", "Value": self.org.master_account_email},
        {"Type": "MASTER_NAME", "Value": self.get_account_by_id(self.org.master_account_id).name},
        {"Type": "ORGANIZATION_FEATURE_SET", "Value": self.org.feature_set},
    ]
    resources = [{"Type": "ORGANIZATION", "Value": self.org.id, "Resources": organization},
                 {"Type": "ACCOUNT", "Value": account_id}]
    if Notes:
        resources.append({"Type": "NOTES", "Value": Notes})
    handshake = {
        "Id": handshake_id,
        "Arn": f"arn:{self.partition}:organizations::{self.account_id}:handshake/"
               f"{self.org.id}/invite/{handshake_id}",
        "Parties": [{"Id": self.org.id, "Type": "ORGANIZATION"},
                    {"Id": account_id, "Type": "ACCOUNT"}],
        "State": "OPEN",
        "RequestedTimestamp": now,
        "ExpirationTimestamp": now + INVITATION_DAYS * 24 * 3600,
        "Action": "INVITE",
        "Resources": resources,
    }
    handshakes.append(handshake)
    # Attached "when it becomes a member" (InviteAccountToOrganization, Tags).
    self.__dict__.setdefault("_lt_handshake_tags", {})[handshake_id] = {
        t["Key"]: t["Value"] for t in Tags or []}
    return {"Handshake": handshake}


def respond(self, handshake_id, state):
    """The invited account's response (ACCEPTED or DECLINED) to an OPEN invitation."""
    management, handshake = find_handshake(handshake_id)
    if self.account_id != invited_party(handshake):
        if self.account_id == management.account_id:
            raise access_denied()
        raise handshake_not_found()
    if handshake["State"] == state:
        raise org_error("HandshakeAlreadyInStateException",
                        "The specified handshake is already in the requested state.")
    if handshake["State"] != "OPEN":
        raise org_error("InvalidHandshakeTransitionException",
                        "You can't perform the operation on the handshake in its current state.")
    if state == "ACCEPTED":
        if in_an_organization(self.account_id):
            raise already_in_an_organization()
        tags = getattr(management, "_lt_handshake_tags", {}).get(handshake_id, {})
        join(management, self.account_id, tags)
    handshake["State"] = state
    return {"Handshake": handshake}


def join(management, account_id, tags):
    """`account_id` becomes a member of `management`'s organization at its root, as invited:
    no role is created in it (moto's FakeAccount would make OrganizationAccountAccessRole)."""
    from moto.core.utils import utcnow
    from moto.iam.models import iam_backends as iams

    org = management.org
    aliases = iams[account_id]["global"].account_aliases if account_id in iams else []
    account = org_models.FakeAccount.__new__(org_models.FakeAccount)
    account.type = "ACCOUNT"
    account.region = org.region
    account.organization_id = org.id
    account.master_account_id = org.master_account_id
    account.create_account_status_id = org_utils.make_random_create_account_status_id()
    account.id = account_id
    account.name = aliases[0] if aliases else account_id
    account.email = f"{account.name}@example.com"
    account.create_time = utcnow()
    account.status = "ACTIVE"
    account.state = "ACTIVE"
    account.joined_method = "INVITED"
    account.parent_id = org.root_id
    account.attached_policies = []
    account.tags = dict(tags)
    management.accounts.append(account)
    management._lt_creating = True  # only the enabled types' full-access policies
    try:
        for policy_id in FULL_ACCESS.values():
            management.attach_policy(PolicyId=policy_id, TargetId=account_id)
    finally:
        management._lt_creating = False
    backends.master_accounts[account_id] = (management.account_id, management.partition)
    import moto_stacksets

    moto_stacksets.deploy_automatically(management, account_id)


def accept_handshake(self, HandshakeId=None):
    return respond(self, HandshakeId, "ACCEPTED")


def decline_handshake(self, HandshakeId=None):
    return respond(self, HandshakeId, "DECLINED")


def cancel_handshake(self, HandshakeId=None):
    management, handshake = find_handshake(HandshakeId)
    if self.account_id != management.account_id:
        if self.account_id == invited_party(handshake):
            raise access_denied()
        raise handshake_not_found()
    if handshake["State"] == "CANCELED":
        raise org_error("HandshakeAlreadyInStateException",
                        "The specified handshake is already in the requested state.")
    if handshake["State"] != "OPEN":
        raise org_error("InvalidHandshakeTransitionException",
                        "You can't perform the operation on the handshake in its current state.")
    handshake["State"] = "CANCELED"
    return {"Handshake": handshake}


def describe_handshake(self, HandshakeId=None):
    management, handshake = find_handshake(HandshakeId)
    sender = backends.master_accounts.get(self.account_id, (self.account_id,))[0]
    if self.account_id != invited_party(handshake) and sender != management.account_id:
        raise handshake_not_found()
    return {"Handshake": handshake}


def filtered(handshakes, Filter=None, **_):
    wanted = (Filter or {}).get("ActionType")
    return {"Handshakes": [refresh(h) for h in handshakes
                           if wanted is None or h["Action"] == wanted]}


def list_handshakes_for_organization(self, **kwargs):
    management = management_backend(self)
    return filtered(getattr(management, "_lt_handshakes", []), **kwargs)


def list_handshakes_for_account(self, **kwargs):
    return filtered([h for _, h in every_handshake() if invited_party(h) == self.account_id],
                    **kwargs)


_org_reset = OrgBackend.reset


def org_reset(self):
    """A reset (`/moto-api/reset`) ends the organization's memberships too: moto keeps which
    account is whose member in a map no reset clears, so an account invited again after a
    reset (seed_guardrail.py's fixed one) would be "already in an organization"."""
    for member, (management, _) in list(backends.master_accounts.items()):
        if management == self.account_id:
            del backends.master_accounts[member]
    _org_reset(self)


OrgBackend.reset = org_reset

from moto.organizations import responses as org_responses  # noqa: E402

for _name, _operation in (
    ("invite_account_to_organization", invite_account_to_organization),
    ("accept_handshake", accept_handshake),
    ("decline_handshake", decline_handshake),
    ("cancel_handshake", cancel_handshake),
    ("describe_handshake", describe_handshake),
    ("list_handshakes_for_organization", list_handshakes_for_organization),
    ("list_handshakes_for_account", list_handshakes_for_account),
):
    setattr(OrgBackend, _name, _operation)

    def _response(self, _name=_name):
        return json.dumps(getattr(self.organizations_backend, _name)(**self.request_params))

    setattr(org_responses.OrganizationsResponse, _name, _response)

# ------------------------------------------------------------------ Lambda

LambdaBackend = lambda_models.LambdaBackend
lambda_backends = lambda_models.lambda_backends
FUNCTION_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):lambda:(?P<region>[^:]+):(?P<account>\d{12}):function:(?P<name>[^:]+)(?::(?P<qualifier>.+))?$"
)


class LambdaError(JsonRESTError):
    def __init__(self, status, code, message):
        super().__init__(code, message)
        self.code = status


def owner_backend(self, function_name):
    """(backend of the function's account, name, qualifier in the ARN)."""
    m = FUNCTION_ARN.match(function_name)
    if not m:
        name, _, qualifier = function_name.partition(":")
        return self, name, qualifier or None
    owner = m.group("account")
    backend = self if owner == self.account_id else lambda_backends[owner][m.group("region")]
    return backend, m.group("name"), m.group("qualifier")


def policy_store(backend):
    if not hasattr(backend, "_lt_policies"):
        backend._lt_policies = {}
    return backend._lt_policies


def principal(value):
    if value == "*":
        return "*"
    if re.fullmatch(r"\d{12}", value):
        return {"AWS": f"arn:aws:iam::{value}:root"}
    if value.startswith("arn:"):
        return {"AWS": value}
    return {"Service": value}


def statement(body, resource):
    out = {
        "Sid": body["StatementId"],
        "Effect": "Allow",
        "Principal": principal(body["Principal"]),
        "Action": body["Action"],
        "Resource": resource,
    }
    condition = {}
    for key, op, cond_key in (
        ("SourceAccount", "StringEquals", "AWS:SourceAccount"),
        ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
        ("FunctionUrlAuthType", "StringEquals", "lambda:FunctionUrlAuthType"),
        ("SourceArn", "ArnLike", "AWS:SourceArn"),
    ):
        if body.get(key):
            condition.setdefault(op, {})[cond_key] = body[key]
    if condition:
        out["Condition"] = condition
    return out


def resolve(self, function_name, qualifier):
    backend, name, arn_qualifier = owner_backend(self, function_name)
    qualifier = qualifier or arn_qualifier
    # Raises ResourceNotFoundException for a missing function, version or alias.
    fn = backend._lambdas.get_function_by_name_or_arn_with_qualifier(name, qualifier)
    # A version's or alias's object carries the version's ARN: key on the function's own.
    unqualified = fn.function_arn.split(":function:")[0] + ":function:" + fn.function_name
    return backend, unqualified, qualifier


def add_permission(self, function_name, qualifier, raw):
    backend, arn, qualifier = resolve(self, function_name, qualifier)
    body = json.loads(raw)
    key = (arn, qualifier)
    policy = policy_store(backend).setdefault(key, {"statements": [], "revision": str(uuid.uuid4())})
    if body.get("RevisionId") and body["RevisionId"] != policy["revision"]:
        raise PreconditionFailedException(
            "The RevisionId provided does not match the latest RevisionId for the Lambda "
            "function or alias. Call the GetFunction or the GetAlias API to retrieve the latest "
            "RevisionId for your resource."
        )
    sid = body.setdefault("StatementId", str(uuid.uuid4()))
    if any(s.get("Sid") == sid for s in policy["statements"]):
        raise LambdaError(
            409,
            "ResourceConflictException",
            f"The statement id ({sid}) provided already exists. Please provide a new statement "
            "id, or remove the existing statement.",
        )
    resource = arn + (f":{qualifier}" if qualifier else "")
    stmt = statement(body, resource)
    policy["statements"].append(stmt)
    policy["revision"] = str(uuid.uuid4())
    return stmt


def may_read_across(policy, caller, action="lambda:GetPolicy"):
    for s in policy["statements"] if policy else []:
        if s.get("Effect") != "Allow" or "Principal" not in s or "Action" not in s:
            continue
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        p = s["Principal"]
        aws = p if p == "*" else p.get("AWS") if isinstance(p, dict) else None
        if aws in ("*", f"arn:aws:iam::{caller}:root") and any(
            a in (action, "lambda:*", "*") for a in actions
        ):
            return True
    return False


_get_function = LambdaBackend.get_function


def get_function(self, function_name_or_arn, qualifier=None):
    """Another account's function ARN is that account's function, readable only when its
    policy lets the caller's account call lambda:GetFunction (moto: looks the name up in the
    caller's own account)."""
    backend, name, in_arn = owner_backend(self, function_name_or_arn)
    if backend is self:
        return _get_function(self, function_name_or_arn, qualifier)
    arn = FUNCTION_ARN.match(function_name_or_arn)
    unqualified = f"arn:{arn.group('partition')}:lambda:{arn.group('region')}:{arn.group('account')}:function:{name}"
    q = qualifier or in_arn
    policy = policy_store(backend).get((unqualified, q)) or policy_store(backend).get((unqualified, None))
    if not may_read_across(policy, self.account_id, "lambda:GetFunction"):
        raise LambdaError(
            403,
            "AccessDeniedException",
            f"User: arn:aws:iam::{self.account_id}:root is not authorized to perform: "
            f"lambda:GetFunction on resource: {function_name_or_arn} because no resource-based "
            "policy allows the lambda:GetFunction action",
        )
    return _get_function(backend, name, q)


def get_policy(self, function_name, qualifier=None):
    backend, arn, qualifier = resolve(self, function_name, qualifier)
    policy = policy_store(backend).get((arn, qualifier))
    if backend is not self and not may_read_across(policy, self.account_id):
        resource = arn + (f":{qualifier}" if qualifier else "")
        raise LambdaError(
            403,
            "AccessDeniedException",
            f"User: arn:aws:iam::{self.account_id}:root is not authorized to perform: "
            f"lambda:GetPolicy on resource: {resource} because no resource-based policy allows "
            "the lambda:GetPolicy action",
        )
    text = policy_text(policy)
    if text is None:
        raise GenericResourcNotFound()
    return json.dumps({"Policy": text, "RevisionId": policy["revision"]})


def policy_text(policy):
    """The policy's JSON text as GetPolicy answers it; None without a statement."""
    if not policy or not policy["statements"]:
        return None
    document = dict(policy.get("whole") or {"Version": "2012-10-17", "Id": "default"})
    document["Statement"] = policy["statements"]
    return json.dumps(document)


def remove_permission(self, function_name, sid, revision="", qualifier=None):
    backend, arn, qualifier = resolve(self, function_name, qualifier)
    policy = policy_store(backend).get((arn, qualifier))
    if revision and policy and revision != policy["revision"]:
        raise PreconditionFailedException(
            "The RevisionId provided does not match the latest RevisionId for the Lambda "
            "function or alias."
        )
    kept = [s for s in (policy or {}).get("statements", []) if s.get("Sid") != sid]
    if policy is None or len(kept) == len(policy["statements"]):
        raise LambdaError(
            404,
            "ResourceNotFoundException",
            f"Statement {sid} is not found in resource policy.",
        )
    policy["statements"] = kept
    policy["revision"] = str(uuid.uuid4())


LambdaBackend.add_permission = add_permission

_delete_function = LambdaBackend.delete_function


def delete_function(self, function_name, qualifier=None):
    """A deleted function's resource policy goes with it (a version's, with that version):
    the function made again under its name has none (moto: the statements stay, and the next
    AddPermission of one of them answers ResourceConflictException)."""
    backend, arn, arn_qualifier = resolve(self, function_name, qualifier)
    gone = qualifier or arn_qualifier
    _delete_function(self, function_name, qualifier)
    store = policy_store(backend)
    for key in [k for k in store if k[0] == arn and (gone is None or k[1] == gone)]:
        del store[key]


LambdaBackend.delete_function = delete_function

_add_permission_response = lambda_responses.LambdaResponse.add_permission


def add_permission_response(self):
    # AddPermission answers 201 Created (botocore's model: "responseCode": 201).
    return 201, {"status": 201}, _add_permission_response(self)


lambda_responses.LambdaResponse.add_permission = add_permission_response
LambdaBackend.get_policy = get_policy
LambdaBackend.get_function = get_function
LambdaBackend.remove_permission = remove_permission


def remove_permission_response(self):
    # RemovePermission acts on the policy of the Qualifier it is given, checks the RevisionId
    # (a query parameter) and answers 204 (botocore's model: "responseCode": 204); moto drops
    # the qualifier and compares the revision as a list.
    function_name = unquote(self.path.split("/")[-3])
    sid = unquote(self.path.split("/")[-1].split("?")[0])
    qualifier = self.querystring.get("Qualifier", [None])[0]
    revision = self.querystring.get("RevisionId", [""])[0]
    self.backend.remove_permission(function_name, sid, revision, qualifier)
    return 204, {"status": 204}, "{}"


lambda_responses.LambdaResponse.remove_permission = remove_permission_response


def permission_from_stack(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    # CloudFormation's AWS::Lambda::Permission is a statement in the function's policy, the one
    # AddPermission writes and GetPolicy reads, under the physical ID CloudFormation generates
    # (STACK-LOGICALID-RANDOM) as its Sid (moto: a second store GetPolicy does not read, and the
    # principal a bare string).
    props = dict(cloudformation_json["Properties"])
    function = props.pop("FunctionName")
    props["StatementId"] = resource_name
    backend = lambda_backends[account_id][region_name]
    add_permission(backend, function, None, json.dumps(props))
    return lambda_models.Permission(region=region_name)


lambda_models.Permission.create_from_cloudformation_json = classmethod(permission_from_stack)

# Full resource policies (API Reference: PutResourcePolicy, GetResourcePolicy,
# DeleteResourcePolicy, 2026; moto 5.2.5 has none of them): one policy per function, version
# or alias, the same one AddPermission, GetPolicy and RemovePermission act on; a put replaces
# every statement, AddPermission's included; the policy is 1–20,480 characters of JSON
# (botocore: ResourcePolicy), the ARN complete (no wildcard), the RevisionId checked.
from moto.awslambda import urls as lambda_urls  # noqa: E402

lambda_urls.url_paths[r"{0}/(?P<api_version>[^/]+)/resource-policy/(?P<resource_arn>.+)$"] = (
    lambda_responses.LambdaResponse.dispatch
)


def resource_policy_key(self, resource_arn):
    m = FUNCTION_ARN.match(resource_arn)
    if not m or "*" in resource_arn:
        raise LambdaError(
            400,
            "InvalidParameterValueException",
            f"{resource_arn} is not a complete Lambda function, version or alias ARN.",
        )
    backend, arn, qualifier = resolve(self, resource_arn, None)
    return backend, (arn, qualifier)


def checked_revision(policy, revision):
    if revision and (policy is None or revision != policy["revision"]):
        raise PreconditionFailedException(
            "The RevisionId provided does not match the latest RevisionId for the Lambda "
            "resource. Call GetResourcePolicy to retrieve the latest RevisionId."
        )


def put_resource_policy_response(self):
    resource_arn = unquote(self.path.split("/resource-policy/", 1)[1].split("?")[0])
    body = json.loads(self.body or "{}")
    raw = body.get("Policy") or ""
    backend, key = resource_policy_key(self.backend, resource_arn)
    store = policy_store(backend)
    checked_revision(store.get(key), body.get("RevisionId"))
    if len(raw) > 20480:
        raise LambdaError(400, "PolicyLengthExceededException", "The policy is too long.")
    try:
        document = json.loads(raw)
        statements = document["Statement"]
    except (ValueError, KeyError, TypeError):
        raise LambdaError(400, "InvalidParameterValueException", "The policy is not valid JSON with a Statement.")
    statements = statements if isinstance(statements, list) else [statements]
    whole = {k: v for k, v in document.items() if k != "Statement"}
    store[key] = {"statements": statements, "revision": str(uuid.uuid4()), "whole": whole}
    return 200, {}, json.dumps({"Policy": raw, "RevisionId": store[key]["revision"]})


def get_resource_policy_response(self):
    resource_arn = unquote(self.path.split("/resource-policy/", 1)[1].split("?")[0])
    backend, key = resource_policy_key(self.backend, resource_arn)
    policy = policy_store(backend).get(key)
    if not policy or not policy["statements"]:
        raise LambdaError(404, "ResourceNotFoundException", f"No policy is found for: {resource_arn}")
    document = dict(policy.get("whole") or {"Version": "2012-10-17", "Id": "default"})
    document["Statement"] = policy["statements"]
    return 200, {}, json.dumps({"Policy": json.dumps(document), "RevisionId": policy["revision"]})


def delete_resource_policy_response(self):
    resource_arn = unquote(self.path.split("/resource-policy/", 1)[1].split("?")[0])
    backend, key = resource_policy_key(self.backend, resource_arn)
    store = policy_store(backend)
    policy = store.get(key)
    checked_revision(policy, self.querystring.get("RevisionId", [""])[0])
    if not policy or not policy["statements"]:
        raise LambdaError(404, "ResourceNotFoundException", f"No policy is found for: {resource_arn}")
    del store[key]
    return 204, {"status": 204}, ""


lambda_responses.LambdaResponse.put_resource_policy = put_resource_policy_response
lambda_responses.LambdaResponse.get_resource_policy = get_resource_policy_response
lambda_responses.LambdaResponse.delete_resource_policy = delete_resource_policy_response

# GetAccountSettings (API Reference: GetAccountSettings, AccountLimit, AccountUsage; moto 5.2.5
# has no route for it, a 404): the account's limits and its usage in the region. AccountUsage
# counts the region's functions of the calling account (FunctionCount: each function once,
# whatever its versions, as ListFunctions lists them) and the bytes of every deployment package
# (each version's) and layer version (TotalCodeSize); AccountLimit is the default quotas (Lambda
# Developer Guide, "Lambda quotas": 75 GB of code storage, 250 MB unzipped, 50 MB zipped, 1,000
# concurrent executions), of which UnreservedConcurrentExecutions is what no function reserves.
# With and without the trailing slash, as moto's own routes are (moto strips a `/?`).
for tail in ("account-settings$", "account-settings/$"):
    lambda_urls.url_paths[r"{0}/(?P<api_version>[^/]+)/" + tail] = lambda_responses.LambdaResponse.dispatch

ACCOUNT_LIMIT = {
    "TotalCodeSize": 80530636800,
    "CodeSizeUnzipped": 262144000,
    "CodeSizeZipped": 52428800,
    "ConcurrentExecutions": 1000,
}


def account_settings(backend):
    groups = list(backend._lambdas._functions.values())
    latest = [g["latest"] for g in groups if g["latest"]]
    packages = latest + [v for g in groups for v in g["versions"]]
    layers = [v for layer in backend._layers._layers.values() for v in layer.layer_versions.values()]
    code = sum(int(f.code_size or 0) for f in packages + layers)
    reserved = sum(int(f.reserved_concurrency or 0) for f in latest)
    limit = dict(ACCOUNT_LIMIT)
    limit["UnreservedConcurrentExecutions"] = limit["ConcurrentExecutions"] - reserved
    return {"AccountLimit": limit, "AccountUsage": {"TotalCodeSize": code, "FunctionCount": len(latest)}}


def get_account_settings_response(self):
    return 200, {"Content-Type": "application/json"}, json.dumps(account_settings(self.backend))


lambda_responses.LambdaResponse.get_account_settings = get_account_settings_response

# ------------------------------------------------------------------ IAM (RoleLastUsed)
#
# AWS reports each role's CreateDate and RoleLastUsed {LastUsedDate, Region} in
# GetAccountAuthorizationDetails and GetRole (IAM API Reference, RoleDetail, RoleLastUsed); moto
# stamps CreateDate with the creation time and LastUsedDate with the time of a call made with
# the role's session, its Region never, and neither can be set to the past. A test that needs
# a role created or last used long ago creates it with these tags (AWS would keep them as plain
# tags, which the audit ignores); the role then answers as a role of that age does on AWS.
BACKDATE_CREATED = "lambda-trust-test:created"
BACKDATE_LAST_USED = "lambda-trust-test:last-used"
BACKDATE_LAST_USED_REGION = "lambda-trust-test:last-used-region"

from datetime import datetime, timezone  # noqa: E402

from moto.iam import models as iam_models  # noqa: E402

_role_init = iam_models.Role.__init__


def naive_utc(text):
    # moto keeps naive UTC datetimes (moto.core.utils.utcnow).
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t.astimezone(timezone.utc).replace(tzinfo=None) if t.tzinfo else t


def role_init(self, *args, **kwargs):
    _role_init(self, *args, **kwargs)
    tags = {t["Key"]: t["Value"] for t in (self.tags or [])}
    if BACKDATE_CREATED in tags:
        self.create_date = naive_utc(tags[BACKDATE_CREATED])
    if BACKDATE_LAST_USED in tags:
        self.last_used = naive_utc(tags[BACKDATE_LAST_USED])
        self.last_used_region = tags.get(BACKDATE_LAST_USED_REGION)


iam_models.Role.__init__ = role_init

# A role CloudFormation creates with `Policies` holds each inline policy as the JSON document
# IAM stores (GetRolePolicy, GetAccountAuthorizationDetails' RolePolicyList: a URL-encoded
# string); moto keeps the template's object, and GetAccountAuthorizationDetails answers 500.
_role_put_policy = iam_models.Role.put_policy


def role_put_policy(self, policy_name, policy_json):
    if not isinstance(policy_json, str):
        policy_json = json.dumps(policy_json)
    _role_put_policy(self, policy_name, policy_json)


iam_models.Role.put_policy = role_put_policy


# ------------------------------------------------------------------ CloudTrail
# An organization trail is created in every account of the organization (CloudTrail API
# Reference, CreateTrail and UpdateTrail: IsOrganizationTrail, "the trail will be created in all
# AWS accounts that belong to the organization"; User Guide, "Creating a trail for an
# organization": members see it and cannot change it): a member's DescribeTrails lists it under
# the management account's ARN, and GetTrailStatus and GetEventSelectors answer for it by that
# ARN. moto: the trail exists in the management account alone, so a member has no trail.

from moto.cloudtrail import models as ct_models  # noqa: E402

CtBackend = ct_models.CloudTrailBackend


def organization_trails(backend):
    """The organization trails of the organization the member `backend`'s account is in."""
    member = backends.master_accounts.get(backend.account_id)
    if member is None or member[0] == backend.account_id:
        return []
    found = []
    for region_backend in list(ct_models.cloudtrail_backends[member[0]].values()):
        found.extend(t for t in region_backend.trails.values() if t.is_org_trail)
    return found


_describe_trails = CtBackend.describe_trails


def describe_trails(self, include_shadow_trails):
    own = list(_describe_trails(self, include_shadow_trails))
    here = [
        t
        for t in organization_trails(self)
        if t.region_name == self.region_name or (include_shadow_trails and t.is_multi_region)
    ]
    return own + here


_get_event_selectors = CtBackend.get_event_selectors


def get_event_selectors(self, trail_name):
    theirs = next((t for t in organization_trails(self) if t.arn == trail_name), None)
    if theirs is None:
        return _get_event_selectors(self, trail_name)
    event_selectors, advanced = theirs.get_event_selectors()
    return theirs.arn, event_selectors, advanced


CtBackend.describe_trails = describe_trails
CtBackend.get_event_selectors = get_event_selectors


# ------------------------------------------------------------------ Security Hub

from moto.iam.models import iam_backends  # noqa: E402
from moto.securityhub import models as sh_models  # noqa: E402

IMPORT_FAILS = "lambda-trust-test:import-fails"
MAX_FINDING_BYTES = 240 * 1024
CUSTOMER_FIELDS = ("Workflow", "Note", "UserDefinedFields", "VerificationState")
REQUIRED = ("AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn",
            "Resources", "SchemaVersion", "Title", "UpdatedAt")


class HubError(JsonRESTError):
    def __init__(self, status, code, message):
        super().__init__(code, message)
        self.code = status


def hub_enabled(backend):
    if not backend.enabled:
        raise HubError(
            401,
            "InvalidAccessException",
            f"Account {backend.account_id} is not subscribed to AWS Security Hub",
        )


_import_attempts = {}


def injected_failure(backend, finding):
    """The role's `lambda-trust-test:import-fails` count, consumed one send at a time."""
    resources = finding.get("Resources") or [{}]
    try:
        role = iam_backends[backend.account_id]["global"].get_role_by_arn(resources[0].get("Id"))
    except Exception:
        return False
    tags = {t["Key"]: t["Value"] for t in (role.tags or [])} if isinstance(role.tags, list) \
        else {k: v["Value"] if isinstance(v, dict) else v for k, v in (role.tags or {}).items()}
    fails = int(tags.get(IMPORT_FAILS, "0"))
    key = (backend.account_id, finding.get("Id"))
    _import_attempts[key] = _import_attempts.get(key, 0) + 1
    return _import_attempts[key] <= fails


def refusal(backend, finding):
    """(ErrorCode, ErrorMessage) of a finding AWS refuses, else None."""
    missing = [k for k in REQUIRED if not finding.get(k)]
    if missing:
        return "InvalidInput", f"Finding is missing required fields: {', '.join(missing)}"
    if len(json.dumps(finding)) > MAX_FINDING_BYTES:
        return "InvalidInput", "Finding size exceeds the 240 KB limit"
    if finding["AwsAccountId"] != backend.account_id:
        return "AccessDeniedException", "AwsAccountId is not the account making the request"
    own = f"arn:aws:securityhub:{backend.region_name}:{backend.account_id}:product/{backend.account_id}/default"
    if finding["ProductArn"] != own:
        return "InvalidInput", f"ProductArn {finding['ProductArn']} is not {own}"
    if injected_failure(backend, finding):
        return "InternalFailure", "Internal service error (injected by the test support)"
    return None


def store(backend, finding):
    existing = next((f for f in backend.findings if f.id == finding["Id"]), None)
    if existing is None:
        finding.setdefault("RecordState", "ACTIVE")
        finding.setdefault("Workflow", {"Status": "NEW"})
        backend.findings.append(sh_models.Finding(finding["Id"], finding))
        return
    old = existing.data
    new = dict(finding)
    for key in CUSTOMER_FIELDS:
        new.pop(key, None)
        if key in old:
            new[key] = old[key]
    new.setdefault("RecordState", "ACTIVE")
    reopened = old.get("RecordState") == "ARCHIVED" and new["RecordState"] == "ACTIVE"
    if reopened and (new.get("Workflow") or {}).get("Status") in ("NOTIFIED", "RESOLVED"):
        new["Workflow"] = {"Status": "NEW"}
    existing.data = new


def batch_import_findings(self, findings):
    hub_enabled(self)
    if not 1 <= len(findings) <= 100:
        raise HubError(
            400,
            "InvalidInputException",
            "Findings must hold between 1 and 100 findings",
        )
    failed = []
    for finding in findings:
        reason = refusal(self, finding)
        if reason is None:
            store(self, finding)
        else:
            failed.append({"Id": finding.get("Id", ""), "ErrorCode": reason[0], "ErrorMessage": reason[1]})
    return len(failed), len(findings) - len(failed), failed


def field_value(finding, name):
    return finding.get(name)


def matches(finding, filters):
    for name, conditions in (filters or {}).items():
        value = field_value(finding, name)
        if name == "RecordState" and value is None:
            value = "ACTIVE"
        for c in conditions:
            comparison, wanted = c.get("Comparison", "EQUALS"), c.get("Value")
            ok = {
                "EQUALS": value == wanted,
                "NOT_EQUALS": value != wanted,
                "PREFIX": isinstance(value, str) and value.startswith(wanted or ""),
            }.get(comparison)
            if ok is None:
                raise HubError(400, "InvalidInputException", f"Comparison {comparison} is not served here")
            if not ok:
                return False
    return True


_get_findings = sh_models.SecurityHubBackend.get_findings


def members_findings(backend):
    """The findings of the administrator `backend`'s associated members, in its region."""
    found = []
    for member in list(getattr(backend, "members", {}).values()):
        if member.get("MemberStatus") != "ENABLED" or member["AccountId"] == backend.account_id:
            continue
        theirs = sh_models.securityhub_backends[member["AccountId"]][backend.region_name]
        found.extend(theirs.findings)
    return found


def get_findings(self, filters=None, sort_criteria=None, max_results=None, next_token=None):
    hub_enabled(self)
    kept = self.findings
    try:
        seen = kept + members_findings(self)
        self.findings = [f for f in seen if matches(f.data, filters)]
        return _get_findings(self, filters=filters, sort_criteria=sort_criteria,
                             max_results=max_results, next_token=next_token)
    finally:
        self.findings = kept


sh_models.SecurityHubBackend.batch_import_findings = batch_import_findings
sh_models.SecurityHubBackend.get_findings = get_findings


# ------------------------------------------------------------------ AWS Config aggregators

from urllib.parse import quote  # noqa: E402

from moto.config import models as config_models  # noqa: E402
from moto.config.exceptions import (  # noqa: E402
    InvalidLimitException,
    InvalidNextTokenException,
    NoAvailableConfigurationRecorderException,
    NoSuchConfigurationAggregatorException,
    ValidationException,
)

FUNCTION_TYPE = "AWS::Lambda::Function"
IAM_TYPES = ("AWS::IAM::Role", "AWS::IAM::Policy")
AGGREGATED = IAM_TYPES + (FUNCTION_TYPE,)
CONFIG_UNPROCESSED = "lambda-trust-test:config-unprocessed"
CONFIG_NOT_RECORDED = "lambda-trust-test:config-not-recorded"
_unprocessed_attempts = {}


class ConfigError(JsonRESTError):
    def __init__(self, code, message):
        super().__init__(code, message)
        self.code = 400


def org_accounts(account_id):
    """The organization's accounts, when `account_id` is its management account."""
    backend = backends[account_id]["aws"]
    if backend.org is None or backend.org.master_account_id != account_id:
        return None
    return sorted({account_id} | {a.id for a in backend.accounts})


_put_aggregator = config_models.ConfigBackend.put_configuration_aggregator


def put_configuration_aggregator(self, config_aggregator):
    if config_aggregator.get("OrganizationAggregationSource") and org_accounts(self.account_id) is None:
        raise ConfigError(
            "OrganizationAccessDeniedException",
            "This action can be only made by AWS Organization's master account.",
        )
    return _put_aggregator(self, config_aggregator)


def covered(backend, aggregator):
    """(accounts, regions) the aggregator covers."""
    if aggregator.organization_aggregation_source is not None:
        source = aggregator.organization_aggregation_source
        accounts = org_accounts(backend.account_id) or []
    else:
        source = aggregator.account_aggregation_sources[0]
        accounts = sorted(source.account_ids)
    regions = source.aws_regions or []
    if source.all_aws_regions or not regions:
        regions = [backend.region_name]
    return accounts, sorted(regions)


def iam_backend(account_id):
    return iam_backends[account_id]["global"]


def iam_resources(backend, aggregator, resource_type):
    """(account, region, id, name, object) of every role or customer managed policy covered."""
    accounts, regions = covered(backend, aggregator)
    region = backend.region_name if backend.region_name in regions else regions[0]
    out = []
    for account in accounts:
        iam = iam_backend(account)
        if resource_type == "AWS::IAM::Role":
            things = [(r.id, r.name, r) for r in iam.roles.values()]
        else:
            things = [(p.id, p.name, p) for p in iam.managed_policies.values()
                      if ":iam::aws:policy" not in p.arn]
        out.extend((account, region, i, n, o) for i, n, o in things)
    return sorted(out, key=lambda r: (r[0], r[1], r[2]))


def function_resources(aggregator, accounts):
    """(account, region, name, name, function) of every Lambda function covered, each in its own
    region: the regions the source names, or (all regions) every region with a function."""
    source = aggregator.organization_aggregation_source or aggregator.account_aggregation_sources[0]
    out = []
    for account in accounts:
        created = dict.keys(lambda_backends[account])
        regions = created if source.all_aws_regions else [r for r in source.aws_regions or [] if r in created]
        for region in sorted(regions):
            functions = lambda_backends[account][region]._lambdas._functions.values()
            out.extend((account, region, g["latest"].function_name, g["latest"].function_name, g["latest"])
                       for g in functions)
    return out


def resources(backend, aggregator, resource_type):
    """(account, region, id, name, object) of every resource of the type covered."""
    if resource_type == FUNCTION_TYPE:
        found = function_resources(aggregator, covered(backend, aggregator)[0])
        return sorted(found, key=lambda r: (r[0], r[1], r[2]))
    return iam_resources(backend, aggregator, resource_type)


def aggregator_of(backend, name):
    aggregator = backend.config_aggregators.get(name)
    if aggregator is None:
        raise NoSuchConfigurationAggregatorException()
    return aggregator


_list_aggregate = config_models.ConfigBackend.list_aggregate_discovered_resources


def list_aggregate_discovered_resources(self, aggregator_name, resource_type, filters, limit, next_token):
    if resource_type not in AGGREGATED:
        return _list_aggregate(self, aggregator_name, resource_type, filters, limit, next_token)
    aggregator = aggregator_of(self, aggregator_name)
    limit = limit or 100
    if limit > 100:
        raise InvalidLimitException(limit)
    filters = filters or {}
    wanted = {"AccountId": 0, "Region": 1, "ResourceId": 2, "ResourceName": 3}
    found = [r for r in resources(self, aggregator, resource_type)
             if all(r[wanted[k]] == v for k, v in filters.items() if k in wanted)]
    start = 0
    if next_token:
        if not re.fullmatch(r"page-\d+", next_token) or int(next_token[5:]) > len(found):
            raise InvalidNextTokenException()
        start = int(next_token[5:])
    page = found[start:start + limit]
    result = {"ResourceIdentifiers": [
        {"SourceAccountId": a, "SourceRegion": g, "ResourceType": resource_type,
         "ResourceId": i, "ResourceName": n} for a, g, i, n, _ in page]}
    if start + limit < len(found):
        result["NextToken"] = f"page-{start + limit}"
    return result


def epoch(t):
    return t.replace(tzinfo=timezone.utc).timestamp() if t.tzinfo is None else t.timestamp()


def iso(t):
    return datetime.fromtimestamp(epoch(t), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def role_configuration(role):
    boundary = role.permissions_boundary_arn
    last = None
    if role.last_used is not None:
        last = {"lastUsedDate": iso(role.last_used), "region": role.last_used_region}
    return {
        "path": role.path, "roleName": role.name, "roleId": role.id, "arn": role.arn,
        "createDate": iso(role.create_date),
        "assumeRolePolicyDocument": quote(role.assume_role_policy_document or "", safe=""),
        "instanceProfileList": [],
        "rolePolicyList": [{"policyName": n, "policyDocument": quote(d, safe="")}
                           for n, d in role.policies.items()],
        "attachedManagedPolicies": [{"policyName": p.name, "policyArn": p.arn}
                                    for p in role.managed_policies.values()],
        "permissionsBoundary": None if boundary is None else
        {"permissionsBoundaryType": "Policy", "permissionsBoundaryArn": boundary},
        "tags": [{"key": t["Key"], "value": t["Value"]} for t in (role.tags or [])],
        "roleLastUsed": last,
    }


def policy_configuration(policy):
    return {
        "policyName": policy.name, "policyId": policy.id, "arn": policy.arn,
        "path": policy.path, "defaultVersionId": policy.default_version_id,
        "attachmentCount": policy.attachment_count, "isAttachable": True,
        "createDate": iso(policy.create_date), "updateDate": iso(policy.create_date),
        "policyVersionList": [{"document": quote(v.document, safe=""), "versionId": v.version_id,
                               "isDefaultVersion": v.is_default,
                               "createDate": iso(v.create_date)} for v in policy.versions],
    }


def tags_of(thing):
    tags = getattr(thing, "tags", None) or []
    if isinstance(tags, dict):  # a managed policy's: {key: {"Key": …, "Value": …}}
        return {k: v.get("Value") if isinstance(v, dict) else v for k, v in tags.items()}
    return {t["Key"]: t["Value"] for t in tags}


def camel(value):
    """Lambda's answer as AWS Config records it: every key camel-cased (KMSKeyArn: kmskeyArn,
    awslabs/aws-config-resource-schema)."""
    if isinstance(value, dict):
        key = lambda k: "kmskeyArn" if k == "KMSKeyArn" else k[:1].lower() + k[1:]
        return {key(k): camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def function_item(account, region, fn):
    """An AWS::Lambda::Function item: the function's own (unqualified) policy as
    supplementaryConfiguration.Policy, the policy's JSON text."""
    arn = f"arn:aws:lambda:{region}:{account}:function:{fn.function_name}"
    head = {"version": "1.3", "accountId": account, "arn": arn, "resourceType": FUNCTION_TYPE,
            "resourceId": fn.function_name, "resourceName": fn.function_name, "awsRegion": region}
    if CONFIG_NOT_RECORDED in tags_of(fn):
        return dict(head, configurationItemStatus="ResourceNotRecorded")
    configuration = dict(fn.get_configuration(), FunctionArn=arn)
    supplementary = {}
    text = policy_text(policy_store(lambda_backends[account][region]).get((arn, None)))
    if text is not None:
        supplementary["Policy"] = text
    return dict(head, configurationItemStatus="OK", availabilityZone="Not Applicable",
                configurationItemCaptureTime=datetime.now(timezone.utc).timestamp(),
                configurationStateId=str(int(datetime.now(timezone.utc).timestamp() * 1000)),
                configuration=json.dumps(camel(configuration)),
                supplementaryConfiguration=supplementary)


def config_item(account, region, resource_type, thing):
    if resource_type == FUNCTION_TYPE:
        return function_item(account, region, thing)
    role = resource_type == "AWS::IAM::Role"
    configuration = role_configuration(thing) if role else policy_configuration(thing)
    if CONFIG_NOT_RECORDED in tags_of(thing):
        return {"version": "1.3", "accountId": account, "configurationItemStatus": "ResourceNotRecorded",
                "arn": thing.arn, "resourceType": resource_type, "resourceId": thing.id,
                "resourceName": thing.name, "awsRegion": "global"}
    return {
        "version": "1.3", "accountId": account,
        "configurationItemCaptureTime": epoch(thing.create_date),
        "configurationItemStatus": "OK", "configurationStateId": str(int(epoch(thing.create_date) * 1000)),
        "arn": thing.arn, "resourceType": resource_type, "resourceId": thing.id,
        "resourceName": thing.name, "awsRegion": "global",
        "availabilityZone": "Not Applicable",
        "resourceCreationTime": epoch(thing.create_date),
        "configuration": json.dumps(configuration),
        "supplementaryConfiguration": {},
    }


def injected_unprocessed(account, thing):
    times = int(tags_of(thing).get(CONFIG_UNPROCESSED, "0"))
    key = (account, getattr(thing, "id", None) or thing.function_arn)
    if _unprocessed_attempts.get(key, 0) < times:
        _unprocessed_attempts[key] = _unprocessed_attempts.get(key, 0) + 1
        return True
    return False


_batch_get_aggregate = config_models.ConfigBackend.batch_get_aggregate_resource_config


def batch_get_aggregate_resource_config(self, aggregator_name, resource_identifiers):
    if any(i.get("ResourceType") not in AGGREGATED for i in resource_identifiers or []):
        return _batch_get_aggregate(self, aggregator_name, resource_identifiers)
    aggregator = aggregator_of(self, aggregator_name)
    if not resource_identifiers:
        raise ValidationException(
            "1 validation error detected: Value '[]' at 'resourceIdentifiers' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1")
    if len(resource_identifiers) > 100:
        raise ValidationException(
            f"1 validation error detected: Value at 'resourceIdentifiers' failed to satisfy "
            f"constraint: Member must have length less than or equal to 100")
    found, unprocessed = [], []
    index = {}
    for kind in {i["ResourceType"] for i in resource_identifiers}:
        index.update({(kind, a, g, i): (a, g, o) for a, g, i, _, o in resources(self, aggregator, kind)})
    for ident in resource_identifiers:
        kind = ident["ResourceType"]
        key = (kind, ident["SourceAccountId"], ident["SourceRegion"], ident["ResourceId"])
        if key not in index:
            continue
        account, region, thing = index[key]
        if injected_unprocessed(account, thing):
            unprocessed.append(ident)
            continue
        found.append(config_item(account, region, kind, thing))
    return {"BaseConfigurationItems": found, "UnprocessedResourceIdentifiers": unprocessed}


# ------------------------------------------------------------------ An account's own AWS Config

CONFIG_CAPTURED = "lambda-trust-test:config-captured"
FREQUENCIES = ("CONTINUOUS", "DAILY")
_put_recorder = config_models.ConfigBackend.put_configuration_recorder


def put_configuration_recorder(self, config_recorder):
    mode = config_recorder.get("recordingMode") or {"recordingFrequency": "CONTINUOUS"}
    frequencies = [mode.get("recordingFrequency")] + [
        o.get("recordingFrequency") for o in mode.get("recordingModeOverrides") or []]
    if any(f not in FREQUENCIES for f in frequencies):
        raise ValidationException(
            "1 validation error detected: Value at 'configurationRecorder.recordingMode."
            "recordingFrequency' failed to satisfy constraint: Member must satisfy enum value "
            "set: [CONTINUOUS, DAILY]")
    if any(not o.get("resourceTypes") for o in mode.get("recordingModeOverrides") or []):
        raise ValidationException(
            "1 validation error detected: Value at 'configurationRecorder.recordingMode."
            "recordingModeOverrides.member.resourceTypes' failed to satisfy constraint: Member "
            "must have length greater than or equal to 1")
    _put_recorder(self, config_recorder)
    recorder = self.recorders[config_recorder["name"]]
    recorder.recording_mode = {"recordingFrequency": mode["recordingFrequency"],
                               "recordingModeOverrides": mode.get("recordingModeOverrides") or []}
    recorder.recording_scope = "PAID"
    recorder.arn = (f"arn:aws:config:{self.region_name}:{self.account_id}:"
                    f"configuration-recorder/{recorder.name}/lambdatrustfake")


def records_functions(backend):
    """Whether the region's recorder records AWS::Lambda::Function and is recording."""
    for r in backend.recorders.values():
        g = r.recording_group
        strategy = (g.recording_strategy or {}).get("useOnly")
        excluded = (g.exclusion_by_resource_types or {}).get("resourceTypes") or []
        takes = {
            "ALL_SUPPORTED_RESOURCE_TYPES": True,
            "INCLUSION_BY_RESOURCE_TYPES": FUNCTION_TYPE in (g.resource_types or []),
            "EXCLUSION_BY_RESOURCE_TYPES": FUNCTION_TYPE not in excluded,
        }.get(strategy, g.all_supported or FUNCTION_TYPE in (g.resource_types or []))
        if takes and r.status.recording:
            return True
    return False


_batch_get = config_models.ConfigBackend.batch_get_resource_config


def batch_get_resource_config(self, resource_keys, backend_region):
    keys = resource_keys or []
    if not keys:
        raise ValidationException(
            "1 validation error detected: Value '[]' at 'resourceKeys' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1")
    functions = [k for k in keys if k.get("resourceType") == FUNCTION_TYPE]
    if functions and not self.recorders:
        raise NoAvailableConfigurationRecorderException()
    if not functions or len(keys) > 100:
        return _batch_get(self, resource_keys, backend_region)
    others = [k for k in keys if k.get("resourceType") != FUNCTION_TYPE]
    found = _batch_get(self, others, backend_region)["baseConfigurationItems"] if others else []
    unprocessed = []
    regional = dict.get(lambda_backends[self.account_id], backend_region)
    if regional is not None and records_functions(self):
        for key in functions:
            group = regional._lambdas._functions.get(key["resourceId"])
            if group is None:
                continue
            fn = group["latest"]
            if injected_unprocessed(self.account_id, fn):
                unprocessed.append(key)
                continue
            item = function_item(self.account_id, backend_region, fn)
            captured = tags_of(fn).get(CONFIG_CAPTURED)
            if captured is not None and "configurationItemCaptureTime" in item:
                item["configurationItemCaptureTime"] = float(captured)
            found.append(item)
    return {"baseConfigurationItems": found, "unprocessedResourceKeys": unprocessed}


config_models.ConfigBackend.put_configuration_recorder = put_configuration_recorder
config_models.ConfigBackend.batch_get_resource_config = batch_get_resource_config
config_models.ConfigBackend.put_configuration_aggregator = put_configuration_aggregator
config_models.ConfigBackend.list_aggregate_discovered_resources = list_aggregate_discovered_resources
config_models.ConfigBackend.batch_get_aggregate_resource_config = batch_get_aggregate_resource_config

# ------------------------------------------------------------------ Config rule evaluations

from moto.config.exceptions import InvalidResultTokenException  # noqa: E402
from moto.config.exceptions import ValidationException as ConfigValidationException  # noqa: E402

COMPLIANCE_TYPES = {"COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"}
_put_evaluations = config_models.ConfigBackend.put_evaluations


def evaluation_problem(e):
    if e.get("ComplianceType") not in COMPLIANCE_TYPES:
        return f"ComplianceType {e.get('ComplianceType')!r} is not one of {sorted(COMPLIANCE_TYPES)}"
    if not 1 <= len(e.get("ComplianceResourceType") or "") <= 256:
        return "ComplianceResourceType must have length between 1 and 256"
    if not 1 <= len(e.get("ComplianceResourceId") or "") <= 768:
        return "ComplianceResourceId must have length between 1 and 768"
    if len(e.get("Annotation") or "") > 256:
        return "Annotation must have length less than or equal to 256"
    if e.get("OrderingTimestamp") is None:
        return "OrderingTimestamp is required"
    return None


def put_evaluations(self, evaluations=None, result_token=None, test_mode=False):
    if test_mode or not evaluations:
        return _put_evaluations(self, evaluations, result_token, test_mode)
    if not result_token:
        raise InvalidResultTokenException()
    if len(evaluations) > 100:
        raise ConfigValidationException(
            "1 validation error detected: Value at 'evaluations' failed to satisfy constraint: "
            "Member must have length less than or equal to 100")
    for e in evaluations:
        problem = evaluation_problem(e)
        if problem:
            raise ConfigValidationException(f"1 validation error detected: {problem}")
    if not hasattr(self, "evaluations_answered"):
        self.evaluations_answered = []
    self.evaluations_answered.extend(evaluations)
    return {"FailedEvaluations": []}


config_models.ConfigBackend.put_evaluations = put_evaluations

# ------------------------------------------------------------------ EventBridge

from moto.events import models as events_models
from moto.events.exceptions import InvalidEventPatternException
from moto.events.exceptions import ValidationException as EventsValidationException

EVENT_PATTERN_QUOTA = 2048
_put_rule = events_models.EventsBackend.put_rule


def put_rule(self, name, *args, **kwargs):
    pattern = kwargs.get("event_pattern")
    if pattern is None and len(args) > 2:
        pattern = args[2]
    if pattern and len(pattern) > 4096:
        raise EventsValidationException(
            "1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: "
            "Member must have length less than or equal to 4096")
    if pattern and len(pattern) > EVENT_PATTERN_QUOTA:
        raise InvalidEventPatternException(
            f"the pattern is {len(pattern)} characters, over the account's Event pattern size "
            f"quota ({EVENT_PATTERN_QUOTA})")
    return _put_rule(self, name, *args, **kwargs)


events_models.EventsBackend.put_rule = put_rule


def normalize_event_bus_arn(self, event_bus_arn):
    if event_bus_arn is None:
        return "default"
    if event_bus_arn.startswith("arn:"):
        return event_bus_arn.split(":event-bus/", 1)[-1]
    return event_bus_arn


events_models.EventsBackend._normalize_event_bus_arn = normalize_event_bus_arn

# Fault injection for the tests: the entries put on a bus tagged
# `lambda-trust-test:put-fails` = N fail with InternalFailure, the first N of them, as
# PutEvents answers an entry it did not take (API Reference, PutEvents: each entry's ErrorCode;
# FailedEntryCount).
PUT_FAILS = "lambda-trust-test:put-fails"
_put_events = events_models.EventsBackend.put_events


def put_events(self, events):
    answers = [None] * len(events)
    taken = []
    for i, event in enumerate(events):
        bus = self.describe_event_bus(self._normalize_event_bus_arn(event.get("EventBusName")))
        tags = self.tagger.get_tag_dict_for_resource(bus.arn)
        left = int(tags.get(PUT_FAILS, "0"))
        if left > 0 and len(events) <= 10:
            self.tagger.tag_resource(bus.arn, [{"Key": PUT_FAILS, "Value": str(left - 1)}])
            answers[i] = {"ErrorCode": "InternalFailure", "ErrorMessage": "injected by the test"}
        else:
            taken.append(i)
    done = iter(_put_events(self, [events[i] for i in taken]) if taken else [])
    return [a if a is not None else next(done) for a in answers]


events_models.EventsBackend.put_events = put_events

# A target without Input, InputPath or InputTransformer gets "the entire event" (API
# Reference, PutTargets), its `account` too; moto's default template leaves it out.
from moto.events import utils as events_utils

events_utils.EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = (
    '{"id": "<id>", "time": <time>, "version": "0", "detail-type": "<detail-type>", '
    '"source": "<source>", "account": "<account>", "region": "<region>", '
    '"resources": <resources>, "detail": <detail>}')



def put_permission_from_policy(event_bus, policy):
    try:
        policy_doc = json.loads(policy)
    except ValueError:
        raise JsonRESTError("ValidationException", "This policy contains invalid Json")
    event_bus.remove_statements()
    event_bus.add_policy(policy_doc)


events_models.EventsBackend._put_permission_from_policy = staticmethod(put_permission_from_policy)


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def like(pattern, value):
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), value) is not None


def conditions_hold(condition, context):
    for operator, keys in (condition or {}).items():
        if operator not in ("StringEquals", "StringLike", "ArnEquals", "ArnLike"):
            return False
        for key, wanted in keys.items():
            have = context.get(key.lower())
            if have is None:
                return False
            exact = operator in ("StringEquals", "ArnEquals")
            if not any((w == have) if exact else like(w, have) for w in as_list(wanted)):
                return False
    return True


def names_principal(principal, account, principal_arn):
    if principal == "*":
        return True
    aws = as_list((principal or {}).get("AWS") if isinstance(principal, dict) else None)
    return any(p in ("*", account, f"arn:aws:iam::{account}:root", principal_arn) for p in aws)


def principal_org_id(account):
    """The ID of the organization `account` is in (its management account's), or None."""
    org = moto_stacksets.org_of(account, "us-east-1")
    return org.org.id if org is not None and org.org is not None else None


def statement_allows(statement, action, resource, account, principal_arn):
    actions = as_list(statement.get("Action"))
    resources = as_list(statement.get("Resource")) or ["*"]
    context = {"aws:principalarn": principal_arn, "aws:principalaccount": account}
    org_id = principal_org_id(account)
    if org_id:
        context["aws:principalorgid"] = org_id
    return (names_principal(statement.get("Principal"), account, principal_arn)
            and any(like(a, action) for a in actions)
            and any(like(r, resource) for r in resources)
            and conditions_hold(statement.get("Condition"), context))


def bus_admits(bus, account, principal_arn):
    statements = json.loads(bus.policy or "{}").get("Statement", [])
    matched = [s for s in statements
               if statement_allows(s, "events:PutEvents", bus.arn, account, principal_arn)]
    return (any(s.get("Effect") == "Allow" for s in matched)
            and not any(s.get("Effect") == "Deny" for s in matched))


def role_may_put(rule, role_arn, bus_arn):
    """Whether EventBridge may assume `role_arn` for `rule` (its trust's conditions held to the
    rule's account and ARN) and send with it to `bus_arn`."""
    try:
        role = iam_backend(rule.account_id).get_role_by_arn(role_arn)
    except Exception:
        return False
    trust = json.loads(unquote(role.assume_role_policy_document)
                       if isinstance(role.assume_role_policy_document, str)
                       else json.dumps(role.assume_role_policy_document))
    source = {"aws:sourceaccount": rule.account_id, "aws:sourcearn": rule.arn}
    trusted = any(
        s.get("Effect") == "Allow"
        and "events.amazonaws.com" in as_list((s.get("Principal") or {}).get("Service"))
        and conditions_hold(s.get("Condition"), source)
        for s in as_list(trust.get("Statement")))
    documents = [json.loads(unquote(d)) if isinstance(d, str) else d for d in role.policies.values()]
    documents += [json.loads(unquote(p.document)) if isinstance(p.document, str) else p.document
                  for p in role.managed_policies.values()]
    allowed = any(
        s.get("Effect") == "Allow"
        and any(like(a, "events:PutEvents") for a in as_list(s.get("Action")))
        and any(like(r, bus_arn) for r in as_list(s.get("Resource")))
        for d in documents for s in as_list(d.get("Statement")))
    return trusted and allowed


def delivery_admitted(rule, target):
    arn = target["Arn"]
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] != "events" or not parts[5].startswith("event-bus/"):
        return True
    account, region, name = parts[4], parts[3], parts[5].split("/", 1)[1]
    role_arn = target.get("RoleArn")
    if role_arn and not role_may_put(rule, role_arn, arn):
        return False
    if account == rule.account_id:
        return True
    bus = events_models.events_backends[account][region].event_buses.get(name)
    if bus is None:
        return False
    principal_arn = role_arn or f"arn:aws:iam::{rule.account_id}:root"
    return bus_admits(bus, rule.account_id, principal_arn)


_send_to_targets = events_models.Rule.send_to_targets


def another_accounts_bus(rule, target):
    parts = target["Arn"].split(":")
    return (len(parts) >= 6 and parts[2] == "events" and parts[5].startswith("event-bus/")
            and parts[4] != rule.account_id)


def forward_keeping_account(target, event):
    """Delivers `event` to the bus `target` names as it was, its `account` the sender's."""
    parts = target["Arn"].split(":")
    account, region, name = parts[4], parts[3], parts[5].split("/", 1)[1]
    bus = events_models.events_backends[account][region].event_buses.get(name)
    for rule in list(bus.rules.values()) if bus is not None else []:
        rule.send_to_targets(copy.deepcopy(event))


def lambda_target(target):
    return target["Arn"].split(":")[2:3] == ["lambda"]


def send_to_targets(self, original_event, transform_input=True):
    every = self.targets
    # A function target is not invoked here: the tests hand the function its events through
    # the local Runtime API (moto: NotImplementedError, a 500 to the PutEvents that matched).
    admitted = [t for t in every if delivery_admitted(self, t) and not lambda_target(t)]
    elsewhere = [t for t in admitted if another_accounts_bus(self, t)]
    self.targets = [t for t in admitted if t not in elsewhere]
    try:
        _send_to_targets(self, original_event, transform_input)
    finally:
        self.targets = every
    if elsewhere and self.event_pattern.matches_event(original_event):
        for target in elsewhere:
            forward_keeping_account(target, original_event)


events_models.Rule.send_to_targets = send_to_targets

# ------------------------------------------------------------------ Lambda function code

# GetFunction's Code.Location is "a presigned URL that you can use to download the deployment
# package" (API Reference, FunctionCodeLocation); moto answers an S3 URL nothing serves. Here it
# is a URL of this server that answers the package's bytes.

from moto.awslambda.models import LambdaFunction
from moto.moto_api._internal import urls as moto_api_urls


def served_at():
    args = sys.argv[1:]
    host = args[args.index("-H") + 1] if "-H" in args else "127.0.0.1"
    port = args[args.index("-p") + 1] if "-p" in args else "5000"
    return f"http://{host}:{port}"


CODE_SERVED = {}
_get_code = LambdaFunction.get_code


def get_code(self):
    answer = _get_code(self)
    code = answer.get("Code") or {}
    if code.get("RepositoryType") == "S3" and self.code_bytes:
        token = hashlib.sha256(
            f"{self.function_arn}:{self.version}:{self.code_sha_256}".encode()).hexdigest()
        CODE_SERVED[token] = self.code_bytes
        code["Location"] = f"{served_at()}/moto-api/lambda-code/{token}"
    return answer


def lambda_code(request, full_url, headers):
    token = full_url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    body = CODE_SERVED.get(token)
    if body is None:
        return 404, {"Content-Type": "application/xml"}, "<Error><Code>NoSuchKey</Code></Error>"
    return 200, {"Content-Type": "application/zip"}, body


LambdaFunction.get_code = get_code
moto_api_urls.url_paths["{0}/moto-api/lambda-code/(?P<token>[0-9a-f]+)$"] = lambda_code

from moto.core.responses import BaseResponse  # noqa: E402

_get_current_account = BaseResponse.get_current_account


def get_current_account(self):
    """An assumed role's account for its credentials, whatever MOTO_ACCOUNT_ID says; then the
    account a request names (`x-moto-account-id`, the tests' stand-in for that account's
    credentials), which MOTO_ACCOUNT_ID would otherwise override."""
    key = self.get_access_key()
    for account_id, account in list(iam_backends.items()):
        for partition in account.values():
            found = partition.access_keys.get(key)
            if found is not None and getattr(found, "role_arn", None):
                return account_id
    named = self.headers.get("x-moto-account-id") if self.headers else None
    return named or _get_current_account(self)


BaseResponse.get_current_account = get_current_account

# ------------------------------------------------------------------ STS AssumeRole

from moto.sts import responses as sts_responses  # noqa: E402
from moto.sts.exceptions import STSClientError  # noqa: E402

_assume_role = sts_responses.TokenResponse.assume_role


def assume_role(self):
    """A role that does not exist is not assumed: STS answers AccessDenied naming the caller
    (API Reference, AssumeRole; moto: any ARN is assumed)."""
    arn = self._get_param("RoleArn") or ""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("role/"):
        name = parts[5].rsplit("/", 1)[-1]
        roles = iam_backends[parts[4]][parts[1] or "aws"].roles.values()
        if not any(r.name == name for r in roles):
            _, caller, _ = self.backend.get_caller_identity(self.get_access_key(), self.region)
            raise STSClientError("AccessDenied", f"User: {caller} is not authorized to "
                                 f"perform: sts:AssumeRole on resource: {arn}")
    return _assume_role(self)


sts_responses.TokenResponse.assume_role = assume_role

# ------------------------------------------------------------------ Lambda Invoke

RUNTIME_TAG = "lambda-trust-test:runtime"
_invoke = LambdaBackend.invoke


def invoke(self, function_name, qualifier, body, headers, response_headers):
    backend, name, in_arn = owner_backend(self, function_name)
    if backend is not self:
        return _invoke(self, function_name, qualifier, body, headers, response_headers)
    fn = _get_function(backend, name, qualifier or in_arn)
    runtime = (getattr(fn, "tags", None) or {}).get(RUNTIME_TAG)
    kind = headers.get("X-Amz-Invocation-Type") or "RequestResponse"
    if runtime is None or kind != "RequestResponse":
        return _invoke(self, function_name, qualifier, body, headers, response_headers)
    import urllib.request
    data = body if isinstance(body, bytes) else (body or "{}").encode()
    request = urllib.request.Request(
        f"http://{runtime}/test/invoke", data=data, method="POST",
        headers={"Content-Type": "application/json", "X-Invoked-Function-Arn": fn.function_arn})
    with urllib.request.urlopen(request, timeout=150) as r:
        answer = json.loads(r.read())
    if answer.get("kind") != "response":
        response_headers["x-amz-function-error"] = "Unhandled"
    payload = answer.get("body")
    out = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
    response_headers["Content-Length"] = str(len(out))
    return out


LambdaBackend.invoke = invoke

# CloudFormation StackSets: moto_stacksets.py, beside this file, patches as it is imported.
import moto_stacksets  # noqa: E402,F401

# Resource control policies' syntax, size, attachments and asynchronous enabling: moto_rcps.py.
import moto_rcps  # noqa: E402,F401

# ------------------------------------------------------------------ Answering faster

# Two lookups moto repeats on every request though their answers never change while it serves:
# the names of its own service packages (a directory listing and ~150 `isdir`, to route the
# request: about 1 ms of a 2.7 ms GetPolicy) and a response class's method names (to find the
# action). Both are read once. Only the time of an answer changes: what is answered does not.
import functools  # noqa: E402

from moto import backends as moto_backends  # noqa: E402
from moto.core import responses as core_responses  # noqa: E402

_moto_modules = moto_backends.list_of_moto_modules
moto_backends.list_of_moto_modules = functools.cache(lambda: tuple(_moto_modules()))
core_responses.method_names_from_class = functools.cache(core_responses.method_names_from_class)

if __name__ == "__main__":
    if sys.argv[1:2] == ["--fork-server"]:
        import moto_forks  # beside this file: each server a fork of this one

        moto_forks.serve(sys.argv[2])
    else:
        from moto.server import main

        main(sys.argv[1:])
