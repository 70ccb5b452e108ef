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
"""
from moto.cloudformation import models as cf_models
from moto.cloudformation import responses as cf_responses
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
