"""CloudFormation StackSets as AWS answers them, where moto 5.2.5 departs (imported by
moto_aws.py, which serves).

Service-managed StackSets (CloudFormation User Guide, "Create a stack set with service-managed
permissions", "Activate trusted access for stack sets with AWS Organizations"; API Reference:
CreateStackSet, CreateStackInstances, DeleteStackInstances, DeploymentTargets, CallAs):
- A service-managed StackSet needs StackSets' trusted access to the organization
  (member.org.stacksets.cloudformation.amazonaws.com enabled):
  ValidationError otherwise (moto: created anyway).
- Its instances for an OU are in every account of that OU and of every OU below it, never in
  the management account, which service-managed StackSets do not deploy to (moto: the OU's
  accounts and its direct child OUs' only, the management account included when it is under
  the OU).
- DeleteStackInstances takes DeploymentTargets' OUs as CreateStackInstances does (moto: only
  Accounts, so an OU's instances stay and DeleteStackSet then refuses).
- StackSets' service principal is one an account can be registered as delegated
  administrator for (Organizations User Guide, "AWS services that you can use with AWS
  Organizations"; moto: InvalidInputException).
- CallAs DELEGATED_ADMIN acts on the management account's StackSets, which is where a
  delegated administrator's are (moto: the caller's own account's).
- Each stack instance created is announced on EventBridge, and a service-managed StackSet with
  automatic deployment deploys to an account that joins (below; moto: neither).
- DeleteStackInstances is asynchronous: it answers an OperationId, and a failure arrives on
  that operation (DescribeStackSetOperation FAILED; ListStackSetOperationResults names the
  account, region and StatusReason), the instances from the failed one on kept, as
  OperationPreferences' default FailureToleranceCount 0 and MaxConcurrentCount 1 stop there
  (moto: the error is the call's own, nothing recorded).
- A stack's resource already gone when the stack is deleted counts as deleted: its delete
  handler answers NotFound, which CloudFormation takes as done (CloudFormation CLI User Guide,
  "Resource type handler contract", delete handlers; moto: the deletion fails on it).
"""
from moto.cloudformation import models as cf_models
from moto.cloudformation import parsing as cf_parsing
from moto.cloudformation import responses as cf_responses
from moto.moto_api._internal import mock_random
from moto.cloudformation.exceptions import ValidationError
from moto.organizations.models import FakeDelegatedAdministrator, organizations_backends
from moto.utilities.utils import get_partition

STACKSETS = "member.org.stacksets.cloudformation.amazonaws.com"

if STACKSETS not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
    FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(STACKSETS)


def org_of(account_id, region):
    """The organization backend holding `account_id`'s organization (its management account's)."""
    backend = organizations_backends[account_id][get_partition(region)]
    if backend.org is not None:
        return backend
    member = organizations_backends.master_accounts.get(account_id)
    if member is None:
        return None
    master_id, partition = member
    return organizations_backends[master_id][partition]


def trusted(org):
    return org is not None and any(
        s.get("ServicePrincipal") == STACKSETS for s in org.services)


def below(org, ous):
    """Every OU under `ous` (themselves included), at any depth."""
    found, todo = set(), list(ous)
    while todo:
        ou = todo.pop()
        if ou in found:
            continue
        found.add(ou)
        todo.extend(o.id for o in org.ou if getattr(o, "parent_id", None) == ou)
    return found


_create_instances = cf_models.StackInstances.create_instances


def create_instances(self, accounts, regions, parameters, deployment_targets, permission_model):
    if permission_model != "SERVICE_MANAGED":
        return _create_instances(self, accounts, regions, parameters, deployment_targets,
                                 permission_model)
    org = self.org_backend
    ous = below(org, deployment_targets.get("OrganizationalUnitIds", []))
    management = org.org.master_account_id if org.org else None
    targets = [a.id for a in org.accounts if a.parent_id in ous and a.id != management]
    return _create_instances(self, targets, regions, parameters, {}, "SERVICE_MANAGED")


cf_models.StackInstances.create_instances = create_instances

_create_stack_set = cf_models.CloudFormationBackend.create_stack_set


def create_stack_set(self, name, template, parameters, tags, permission_model, *args, **kwargs):
    if permission_model == "SERVICE_MANAGED" and not trusted(org_of(self.account_id, self.region_name)):
        raise ValidationError(
            message="You must enable organizations access to operate a service managed stack set")
    return _create_stack_set(self, name, template, parameters, tags, permission_model, *args,
                             **kwargs)


cf_models.CloudFormationBackend.create_stack_set = create_stack_set


def delete_stack_instances(self):
    stackset_name = self._get_param("StackSetName")
    accounts = self._get_param("Accounts", [])
    regions = self._get_param("Regions", [])
    targets = self._get_params().get("DeploymentTargets") or {}
    ous = targets.get("OrganizationalUnitIds", [])
    if ous:
        stackset = self.cloudformation_backend.describe_stack_set(stackset_name)
        org = stackset.instances.org_backend
        under = below(org, ous)
        accounts = accounts + [a.id for a in org.accounts if a.parent_id in under]
    operation = self.cloudformation_backend.delete_stack_instances(stackset_name, accounts, regions)
    return cf_responses.ActionResult({"OperationId": operation.operations[-1]["OperationId"]})


cf_responses.CloudFormationResponse.delete_stack_instances = delete_stack_instances


NOT_FOUND = {"NoSuchEntity", "ResourceNotFoundException", "NotFound", "NotFoundException"}
_delete_resource = cf_parsing.ResourceMap._delete_resource


def delete_resource(self, parsed_resource, resource_json):
    try:
        _delete_resource(self, parsed_resource, resource_json)
    except Exception as e:
        if getattr(e, "code", None) in NOT_FOUND or type(e).__name__ in NOT_FOUND:
            return
        raise


cf_parsing.ResourceMap._delete_resource = delete_resource


def reason_of(e):
    code = getattr(e, "code", None) or type(e).__name__
    return f"{code}: {getattr(e, 'message', None) or e}"


def stackset_delete_stack_instances(self, accounts, regions):
    operation_id = str(mock_random.uuid4())
    failed = {}
    for account in accounts:
        for region in regions:
            instance = next((i for i in self.instances.stack_instances
                             if i.account_id == account and i.region_name == region), None)
            if instance is None or failed:
                continue
            try:
                instance.delete()
            except Exception as e:  # the operation fails here; the rest is not attempted
                failed[(account, region)] = reason_of(e)
                continue
            self.instances.stack_instances.remove(instance)
    operation = self._create_operation(
        operation_id=operation_id, action="DELETE",
        status="FAILED" if failed else "SUCCEEDED", accounts=accounts, regions=regions)
    operation["Failed"] = failed


cf_models.StackSet.delete_stack_instances = stackset_delete_stack_instances

_operation_results = cf_responses.CloudFormationResponse.list_stack_set_operation_results


def list_stack_set_operation_results(self):
    out = _operation_results(self)
    operation = self.cloudformation_backend.list_stack_set_operation_results(
        self._get_param("StackSetName"), self._get_param("OperationId"))
    failed = operation.get("Failed") or {}
    summaries = out.result["Summaries"]
    for summary in summaries:
        reason = failed.get((summary["Account"], summary["Region"]))
        if operation["Status"] == "FAILED":
            summary["Status"] = "FAILED" if reason else "CANCELLED"
            summary["StatusReason"] = reason or "the operation stopped at a failure before it"
    return out


cf_responses.CloudFormationResponse.list_stack_set_operation_results = \
    list_stack_set_operation_results


_backend = cf_responses.CloudFormationResponse.cloudformation_backend


def as_delegated_admin(response):
    """The management account's backend when the call is a delegated administrator's."""
    original = _backend.fget(response)
    if response._get_param("CallAs") != "DELEGATED_ADMIN":
        return original
    org = org_of(original.account_id, original.region_name)
    if org is None or org.org is None:
        return original
    admins = [a.account.id for a in org.admins if STACKSETS in a.services]
    if original.account_id not in admins:
        raise ValidationError(message="Account used is not a delegated administrator")
    return cf_models.cloudformation_backends[org.org.master_account_id][original.region_name]


cf_responses.CloudFormationResponse.cloudformation_backend = property(as_delegated_admin)


# Stack instance events and automatic deployment (CloudFormation User Guide, "StackSet Stack
# Instance Status Change event detail", "Enable or disable automatic deployments for StackSets
# in AWS Organizations"; API Reference, AutoDeployment):
# - Each stack instance a StackSet creates is announced on the default bus of the StackSet's
#   account and region: source aws.cloudformation, detail-type "CloudFormation StackSet
#   StackInstance Status Change", detail {stack-set-arn, stack-id (the instance's stack, in its
#   account), action, status-details {status CURRENT, detailed-status SUCCEEDED}} (moto: none).
# - A service-managed StackSet with AutoDeployment Enabled deploys to an account that joins the
#   organization (or moves) under the OUs its instances were created for, in their regions
#   (moto: AutoDeployment is not kept, and nothing is deployed); and, unless
#   RetainStacksOnAccountRemoval, deletes its instances (their stacks, their resources) from an
#   account that leaves the organization (moto: they stay).
import json  # noqa: E402

from moto.events.models import events_backends  # noqa: E402
from moto.organizations import models as org_models  # noqa: E402

INSTANCE_EVENT = "CloudFormation StackSet StackInstance Status Change"


def announce(backend, stackset, instances, action="CREATE"):
    entries = [{
        "Source": "aws.cloudformation", "DetailType": INSTANCE_EVENT, "EventBusName": "default",
        "Resources": [stackset.arn],
        "Detail": json.dumps({
            "stack-set-arn": stackset.arn, "stack-id": i.to_dict()["StackId"], "action": action,
            "status-details": {"status": "CURRENT", "status-reason": "",
                               "detailed-status": "SUCCEEDED"}}),
    } for i in instances]
    bus = events_backends[backend.account_id][backend.region_name]
    for start in range(0, len(entries), 10):
        bus.put_events(entries[start:start + 10])


_create_stack_instances = cf_models.CloudFormationBackend.create_stack_instances


def create_stack_instances(self, stackset_name, accounts, regions, parameters, deployment_targets):
    stackset = self.describe_stack_set(stackset_name)
    before = {(i.account_id, i.region_name) for i in stackset.stack_instances}
    out = _create_stack_instances(self, stackset_name, accounts, regions, parameters,
                                  deployment_targets)
    if stackset.permission_model == "SERVICE_MANAGED":
        ous = (deployment_targets or {}).get("OrganizationalUnitIds", [])
        stackset.auto_ous = getattr(stackset, "auto_ous", set()) | set(ous)
        stackset.auto_regions = getattr(stackset, "auto_regions", set()) | set(regions)
    announce(self, stackset, [i for i in stackset.stack_instances
                              if (i.account_id, i.region_name) not in before])
    return out


cf_models.CloudFormationBackend.create_stack_instances = create_stack_instances


def auto_deployment(response, name):
    given = response._get_param("AutoDeployment") or {}
    if not given:
        return
    stackset = response.cloudformation_backend.describe_stack_set(name)
    stackset.auto_deployment = str(given.get("Enabled")).lower() == "true"
    stackset.retain_on_removal = str(given.get("RetainStacksOnAccountRemoval")).lower() == "true"


_create_stack_set_response = cf_responses.CloudFormationResponse.create_stack_set
_update_stack_set_response = cf_responses.CloudFormationResponse.update_stack_set


def create_stack_set_response(self):
    out = _create_stack_set_response(self)
    auto_deployment(self, self._get_param("StackSetName"))
    return out


def update_stack_set_response(self):
    out = _update_stack_set_response(self)
    auto_deployment(self, self._get_param("StackSetName"))
    return out


cf_responses.CloudFormationResponse.create_stack_set = create_stack_set_response
cf_responses.CloudFormationResponse.update_stack_set = update_stack_set_response


def deploy_automatically(org, account_id):
    """Each automatic StackSet of the organization's management account whose OUs hold
    `account_id` deploys to it, in its regions, and announces the new instances."""
    management = org.org.master_account_id if org.org else None
    account = next((a for a in org.accounts if a.id == account_id), None)
    if management is None or account is None or account_id == management:
        return
    for backend in list(cf_models.cloudformation_backends[management].values()):
        for stackset in list(backend.stacksets.values()):
            if not getattr(stackset, "auto_deployment", False) or stackset.status != "ACTIVE":
                continue
            if account.parent_id not in below(org, getattr(stackset, "auto_ous", set())):
                continue
            instances = stackset.instances
            before = {(i.account_id, i.region_name) for i in instances.stack_instances}
            regions = sorted(getattr(stackset, "auto_regions", set()))
            _create_instances(instances, [account_id], regions, [], {}, "SERVICE_MANAGED")
            announce(backend, stackset, [i for i in instances.stack_instances
                                         if (i.account_id, i.region_name) not in before])


_org_create_account = org_models.OrganizationsBackend.create_account
_org_move_account = org_models.OrganizationsBackend.move_account


def org_create_account(self, **kwargs):
    out = _org_create_account(self, **kwargs)
    deploy_automatically(self, out["CreateAccountStatus"]["AccountId"])
    return out


def org_move_account(self, **kwargs):
    _org_move_account(self, **kwargs)
    deploy_automatically(self, kwargs["AccountId"])


org_models.OrganizationsBackend.create_account = org_create_account
org_models.OrganizationsBackend.move_account = org_move_account


def remove_automatically(org, account_id):
    """Each automatic StackSet of the organization's management account that does not retain
    its stacks deletes its instances from `account_id`, which leaves."""
    management = org.org.master_account_id if org.org else None
    if management is None:
        return
    for backend in list(cf_models.cloudformation_backends[management].values()):
        for stackset in list(backend.stacksets.values()):
            if not getattr(stackset, "auto_deployment", False) or stackset.status != "ACTIVE":
                continue
            if getattr(stackset, "retain_on_removal", False):
                continue
            regions = sorted({i.region_name for i in stackset.instances.stack_instances
                              if i.account_id == account_id})
            if regions:
                backend.delete_stack_instances(stackset.name, [account_id], regions)


_org_remove_account = org_models.OrganizationsBackend.remove_account_from_organization


def org_remove_account(self, **kwargs):
    remove_automatically(self, kwargs["AccountId"])
    _org_remove_account(self, **kwargs)


org_models.OrganizationsBackend.remove_account_from_organization = org_remove_account
