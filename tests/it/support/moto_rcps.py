"""Resource control policies as AWS Organizations keeps them, where moto 5.2.5 departs (imported by
moto_aws.py, after its Organizations patches, which it wraps).

AWS Organizations User Guide, "RCP syntax", "Resource control policies (RCPs)", "Quotas and
service limits", "Enabling a policy type"; API Reference, CreatePolicy, UpdatePolicy,
AttachPolicy, DetachPolicy, EnablePolicyType, ListRoots, ConstraintViolationException:
- A customer RCP's statements deny: `Effect` is `Deny` (Allow is only RCPFullAWSAccess's),
  `Principal` is `"*"`, and there is no `NotPrincipal` nor `NotAction`; each action names a
  service (`sts:AssumeRole`, `sts:*`), never a bare `*`. Otherwise
  MalformedPolicyDocumentException (moto: any content).
- At most 5,120 characters, every character counted, white space included:
  ConstraintViolationException, Reason POLICY_CONTENT_LIMIT_EXCEEDED (moto: any size).
- At most 5 RCPs attached to a root, OU or account, RCPFullAWSAccess among them:
  ConstraintViolationException, Reason MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED (moto: any
  number).
- RCPFullAWSAccess cannot be detached ("You cannot detach this policy"; the error's code is not
  documented: ConstraintViolationException, Reason MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED,
  here) (moto: detached).
- A resource holds at most 50 tags, each key 1-128 characters and each value 0-256 (User
  Guide, "Quotas and service limits"; API Reference, Tag, TagResource: "if you exceed the
  maximum allowed number of tags for a resource, then the entire request fails"):
  ConstraintViolationException, Reason MAX_TAG_LIMIT_EXCEEDED, and InvalidInputException,
  Reason MAX_LENGTH_EXCEEDED (moto: any number, any length).
- Enabling a policy type is asynchronous: EnablePolicyType answers the root with the type
  PENDING_ENABLE, and so does the next ListRoots; the one after says ENABLED. Until then the type
  is not enabled: AttachPolicy of it is PolicyTypeNotEnabledException (moto: ENABLED at once).
"""

import json

from moto.core.exceptions import JsonRESTError
from moto.organizations import models as org_models

OrgBackend = org_models.OrganizationsBackend
RCP = "RESOURCE_CONTROL_POLICY"
FULL_ACCESS_ID = org_models.utils.DEFAULT_RCP_POLICY_ID
MAX_CHARACTERS = 5120
MAX_ATTACHED = 5


class OrgError(JsonRESTError):
    code = 400


def malformed(why):
    return OrgError(
        "MalformedPolicyDocumentException",
        f"The provided policy document does not meet the requirements of the specified policy type: {why}",
    )


def constraint(reason, message):
    error = OrgError("ConstraintViolationException", message)
    error.description = json.dumps(
        {"__type": "ConstraintViolationException", "Message": message, "Reason": reason}
    )
    return error


def as_list(value):
    return value if isinstance(value, list) else [value]


def statement_problem(statement):
    """Why one statement cannot be in a customer RCP, or None."""
    if statement.get("Effect") != "Deny":
        return "the effect of Allow is only supported for the RCPFullAWSAccess policy"
    for element in ("NotPrincipal", "NotAction"):
        if element in statement:
            return f"{element} is not supported in an RCP"
    if statement.get("Principal") != "*":
        return 'the Principal must be "*" (restrict principals with conditions)'
    actions = as_list(statement.get("Action", []))
    if not actions or any(":" not in a for a in actions):
        return "each Action must name a service (for example sts:AssumeRole)"
    return None


def check_content(content):
    if len(content) > MAX_CHARACTERS:
        raise constraint(
            "POLICY_CONTENT_LIMIT_EXCEEDED",
            f"The policy is {len(content)} characters: an RCP holds at most {MAX_CHARACTERS}.",
        )
    try:
        document = json.loads(content)
    except ValueError as e:
        raise malformed(f"not JSON ({e})")
    statements = as_list(document.get("Statement", [])) if isinstance(document, dict) else []
    if not statements:
        raise malformed("no Statement")
    for statement in statements:
        problem = statement_problem(statement) if isinstance(statement, dict) else "a statement is not an object"
        if problem:
            raise malformed(problem)


MAX_TAGS = 50


def check_tags(existing, tags):
    for tag in tags:
        if len(tag["Key"]) > 128 or len(tag["Value"]) > 256:
            error = OrgError("InvalidInputException", "A tag's key or value is too long.")
            error.description = json.dumps({"__type": "InvalidInputException",
                                            "Message": "A tag's key or value is too long.",
                                            "Reason": "MAX_LENGTH_EXCEEDED"})
            raise error
    keys = set(existing) | {tag["Key"] for tag in tags}
    if len(keys) > MAX_TAGS:
        raise constraint("MAX_TAG_LIMIT_EXCEEDED",
                         f"A resource can have at most {MAX_TAGS} tags; this would make {len(keys)}.")


_tag_resource = OrgBackend.tag_resource


def tag_resource(self, **kwargs):
    resource = self._get_resource_for_tagging(kwargs["ResourceId"])
    check_tags(resource.tags, kwargs["Tags"])
    return _tag_resource(self, **kwargs)


OrgBackend.tag_resource = tag_resource

_create_policy = OrgBackend.create_policy


def create_policy(self, **kwargs):
    if kwargs.get("Type") == RCP:
        check_content(kwargs.get("Content") or "")
    check_tags({}, kwargs.get("Tags") or [])
    return _create_policy(self, **kwargs)


OrgBackend.create_policy = create_policy

_update_policy = OrgBackend.update_policy


def update_policy(self, **kwargs):
    policy = self.get_policy_by_id(kwargs["PolicyId"])
    if policy.type == RCP and kwargs.get("Content") is not None:
        check_content(kwargs["Content"])
    return _update_policy(self, **kwargs)


OrgBackend.update_policy = update_policy


def target_of(backend, target_id):
    return next((t for t in list(backend.ou) + list(backend.accounts) if t.id == target_id), None)


_attach_policy = OrgBackend.attach_policy


def attach_policy(self, **kwargs):
    policy = self.get_policy_by_id(kwargs["PolicyId"])
    target = target_of(self, kwargs["TargetId"])
    if policy.type == RCP and target is not None and policy not in target.attached_policies:
        attached = [p for p in target.attached_policies if p.type == RCP]
        if len(attached) >= MAX_ATTACHED:
            raise constraint(
                "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                f"{kwargs['TargetId']} already has {len(attached)} RCPs attached, the most it can have.",
            )
    return _attach_policy(self, **kwargs)


OrgBackend.attach_policy = attach_policy

_detach_policy = OrgBackend.detach_policy


def detach_policy(self, **kwargs):
    if kwargs["PolicyId"] == FULL_ACCESS_ID:
        raise constraint(
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You cannot detach the RCPFullAWSAccess policy.",
        )
    return _detach_policy(self, **kwargs)


OrgBackend.detach_policy = detach_policy
