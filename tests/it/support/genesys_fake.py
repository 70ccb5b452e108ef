#!/usr/bin/env python3
"""A local Genesys Cloud Platform API for lambda-trust's tests (the Genesys twin of moto).

    .venv/bin/python tests/it/support/genesys_fake.py --port 0 --client-id ID \
        --client-secret SECRET [--aws-endpoint URL] [--org-id UUID]

The first line on stdout is `listening on http://127.0.0.1:PORT`. One port serves both the login
host (`POST /oauth/token`) and the API host (`/api/v2/...`): the client derives the login URL from
the API URL, and a URL without an `api.` label is its own login URL.

What it serves (shapes from Genesys's published Python SDK `purecloudplatformclientv2`, v269):
OAuth client credentials; integrations, their current config (version counter, 409 on a stale
version) and the `aws-lambda-data-actions` type; integration credentials (GET of one credential
masks its fields; the listings have `modifiedDate`); data actions, their templates, drafts
(publish keeps the ID and bumps the version), the drafts list and the action test; the realtime
audit query; Architect dependency tracking (which flows call an action); the signed-in
organization (`GET /api/v2/organizations/me`, whose `id` is `--org-id`).

Drift guard: every route comes from the SDK's `IntegrationsApi`/`AuditApi`/`ArchitectApi`/
`OrganizationApi` (path,
method, query parameters, body model, response model, parsed from the SDK source), every request
body is validated against the SDK model of that endpoint (unknown fields, types from
`swagger_types` and `attribute_map`, enum values from the setters, required fields) and every
response body is checked against the endpoint's response model before it is sent: a fake that
drifts from the models answers 500 and names the field. Query parameters: a handler sees only
those the SDK declares for its endpoint (the API ignores unknown ones), typed as declared, and
reading an undeclared one is a 500; `--self-check` (run by `just setup`) also finds, statically,
every query parameter each handler reads (directly or through the functions it calls) and fails
on one its SDK endpoint does not declare.

The SDK's Python models do not say which fields are required; the `[optional]` column of the
SDK's model documentation does (`build/docs/<Model>.md` in MyPureCloud/platform-client-sdk-python).
REQUIRED below copies it for the request models used here.

Rules from public sources (each pinned by a test in tests/it/genesys_fake.rs):
- The actions list (`GET /integrations/actions`) and the drafts list never carry `contract`:
  `expand` is not one of their SDK query parameters (pageSize, pageNumber, nextPage,
  previousPage, sortBy, sortOrder, category, name, ids, secure, includeAuthActions,
  includeConfig) and unknown parameters are ignored. `includeConfig=true` adds `config`. Only
  `GET /integrations/actions/{id}` (and `…/draft`) with `expand=contract` return the contract;
  the Terraform provider (MyPureCloud/terraform-provider-genesyscloud) reads each action so.
- A published action's contract and `secure` never change. Genesys Resource Center, "Add
  contracts to custom actions for integrations": "You cannot change the contracts after you
  publish the action"; the Terraform provider marks contract_input, contract_output and secure
  ForceNew (a change replaces the action, with a new ID). `PATCH /integrations/actions/{id}`
  (whose `UpdateActionInput` has no contract or secure) and `PATCH …/{id}/draft` changing either
  answer 400 quoting the Resource Center; so does a tamper. The configuration (request URL
  template, templates, timeout) and name and category change by PATCH or draft → publish; each
  bumps the action's `version`, which the list carries. (Actions are published when created:
  the fake serves no unpublished-action drafts, `POST /integrations/actions/drafts`.)
- `requestType` is one of GET, PUT, POST, PATCH, DELETE (the Terraform provider's
  `request_type` validation; the SDK's `RequestConfig` types it as a string): another is a 400.
  `headers`, `translationMap` and `translationMapDefaults` are `dict(str, str)` (SDK): a
  non-string value is a 400 by the model check. A translation map naming a path the output
  contract lacks is accepted (Genesys checks it only when the action runs).
- A stale draft version (`PATCH …/draft` or `POST …/draft/publish` with a version other than the
  draft's) answers 400 "Supplied version N does not match latest draft version M" (the message
  reported in Terraform provider issue #1961). The action's PATCH and the integration config PUT
  answer a stale version 409.
- Dates are `yyyy-MM-ddTHH:mm:ss[.SSS]Z`: credential POST/PUT answers carry milliseconds, the
  listings (`/credentials`, `/credentials/listing`) the same instants truncated to the second.
- Rate limits: every API answer carries `inin-ratelimit-count` (requests in the current window,
  this one included), `inin-ratelimit-allowed` (the window's allowance) and
  `inin-ratelimit-reset` (seconds until the window resets). Names from a published trace log
  of the Python SDK (113.0.1: a 200 answer with `inin-ratelimit-count: 1`,
  `inin-ratelimit-allowed: 180`, `inin-ratelimit-reset: 61`) and public client code that sleeps
  `inin-ratelimit-reset` seconds on a 429; the meanings are read from those values, the
  developer.genesys.cloud rate-limit page was not found to confirm them. By default nothing is
  enforced and the headers count against 300 a minute (assumed: the client-credentials
  default usually quoted; the count may pass the allowance); `/__fake/settings {"rate_limit":
  {"allowed": N, "window_seconds": S}}` enforces N per fixed window of S seconds (429
  `too.many.requests` with `Retry-After` = the reset, and the same `inin-ratelimit-*`
  headers), `"enforce": false` only reports against them, `null` restores the default.
- Architect dependency tracking (`ArchitectApi.get_architect_dependencytracking_consumingresources`):
  `GET /architect/dependencytracking/consumingresources?id=ACTION_ID&objectType=DATAACTION`
  `[&flowFilter=published|checkedIn][&resourceType=…][&pageSize&pageNumber]` answers a
  `ConsumingResourcesEntityListing` of the flows seeded through the control API that call the
  action (`flowFilter=published`: published ones only; `checkedIn` or none: all); objectType
  must be one of the SDK's `Dependency.type` values (only DATAACTION has consumers here). Without
  the permission (`/__fake/settings {"dependency_tracking_permitted": false}`) it answers 403
  `missing.permissions` naming `architect:dependencyTracking:view`.
- `GET /organizations/me` (`OrganizationApi.get_organizations_me`, an `Organization`) answers
  any signed-in client: the SDK documentation (build/docs/OrganizationApi.md in
  MyPureCloud/platform-client-sdk-python) says it "Requires NO permissions", so no denied
  permission refuses it; without a valid token it answers 401 like every route. The other
  Organization routes answer 501 (not served).
- Audit: entries carry `user: {id}` only; the name (and selfUri) only when the query has
  `?expand=user` (an SDK query parameter of `post_audits_query_realtime`). Draft changes (create,
  PATCH, delete) are entries of entity type `ActionDraft`; a publish is an `Action` update.

Behaviours no public source states (assumed, and kept in one place each):
- `GET /integrations/credentials/{id}` returns `credentialFields` with each field present and
  its value masked (`{"ARN": "********"}`). The SDK's `Credential` model has
  `credentialFields: dict(str, str)` on reads as on writes, and the Terraform provider never
  reads the fields back (its credential read sets only name and type; `fields` is Sensitive and
  ignored on import verification), so the API returns no usable values; whether it masks them
  or leaves them out is not documented. Masked is the default (the keys stay, as a UI shows
  "********"); `/__fake/settings {"credential_fields": "omitted"}` leaves them out.
- Credential dates: the listings give `modifiedDate` to the second, and two changes in one
  second show the same listing date, as Genesys Cloud's do; the single-credential read
  (`Credential`) has no date at all. `{"clock": "held"}` makes such a same-second edit
  reproducible; every answer's `Date` header follows the fake's clock.
- A stale draft version is a 400 with code `bad.request` (the code is not public); the contract
  refusal is a 400 `bad.request` too.
- `GET /integrations/actions/{id}` returns `config` only with `includeConfig=true`; the action
  returns `requestTemplateUri` and `successTemplateUri`, never the template text; the text is
  served by `.../templates/{file}` (`requesttemplate.vm`, `successtemplate.vm`) as text/plain.
  Missing templates default to `${input.rawRequest}` and `${rawResult}`.
- Action names are unique (a second POST with the same name is a 400). `POST` and `PATCH` of
  an action answer with its config and contract included.
- `POST .../draft` when a draft exists is a 409. Publishing copies the draft into the action,
  keeps its ID, bumps its version and removes the draft.
- `PATCH /integrations/{id}` applies only `intendedState`; ENABLED reports ACTIVE, DISABLED
  INACTIVE. Deleting an integration deletes its actions. The integration's name is its current
  config's name. Credential keys in the config must be declared by the integration type and name
  an existing credential (400 otherwise).
- Credential fields must be exactly the credential type's properties (required ones present).
- Audit entries: service `Integrations`, entity types `Integration`, `Credential`, `Action`,
  `ActionDraft`, actions `Create`, `Update`, `Delete`; a change through the API names the OAuth
  client as both `user` and `client`; a change through `/__fake/tamper` names the person.
  Without the audit permission (`/__fake/settings {"audit_permitted": false}`) the query
  answers 403 `missing.permissions`.
- Dependency tracking answers for any ID, whether or not the action exists (flows keep calling
  a deleted action's ID); deleting an action a flow calls is not refused.
- Lists: `pageSize` 1–500 (default 25), `pageNumber` from 1, `pageCount` 0 when empty,
  `nextUri` absent on the last page.
- Errors use the SDK's `ErrorBody`; the token endpoint answers OAuth-style
  `{"error", "description", "error_description"}`; 429 carries `Retry-After`.

The action test (`POST /integrations/actions/{id}/test`), with `--aws-endpoint` (a moto server):
reads the role ARN from the credential bound to the action's integration, checks the role exists
(IAM GetRole) and that its trust policy names `--org-id` (a textual check), assumes it through STS
with `ExternalId=--org-id`, then invokes the function in `requestUrlTemplate` with
`InvocationType=DryRun` using the assumed credentials; last, it answers what the function answers
(`finalResult`): the behaviour the test registered for that function (`/__fake/functions`), else
the dry run's account. What it cannot check: moto evaluates no
trust or identity policy (AssumeRole and Invoke succeed for any caller), so the test proves the
wiring (credential → role → function ARN, the function exists), not the permissions; those are
proved offline by lambda-trust's prover. Without `--aws-endpoint` the test reports failure.

Control API (not Genesys; prefix `/__fake/`, no auth, not in the call log; Rust helpers in
tests/it/support/genesys.rs):
- `GET /__fake/calls`, `POST /__fake/calls/reset`: the API calls answered (method, path, query,
  status, write; `dropped` and status 0 for a dropped connection; `at`, the fake's monotonic
  clock in seconds; `window_count`, the `inin-ratelimit-count` the answer carried, else 0).
- `POST /__fake/inject {"status": 429|409|500|503, "count", "retry_after"?, "method"?,
  "path_prefix"?}`: the next `count` matching calls fail before doing anything.
  `"after_write": true`: they are carried out, then answered with the status (a lost answer).
  `{"drop": true, "count", "method"?, "path_prefix"?}`: they are carried out, then the
  connection is closed without an answer (`"after_write": false`: closed before). A call that
  fails on its own answers that failure (nothing was written) and uses up the injection.
- `POST /__fake/tamper {"kind": "credential"|"action"|"integration"|"create_action", …}`: an edit
  as a person in the admin UI (audited under the person, `user` default "Jane Admin").
- `POST /__fake/settings {"audit_permitted"?, "dependency_tracking_permitted"?,
  "credential_fields"?: "masked"|"omitted", "rate_limit"?: {"allowed", "window_seconds",
  "enforce"?}|null, "denied_permissions"?: [...], "clock"?: "running"|"held",
  "latency_seconds"?}`: a latency delays every API call's answer (calls overlap); a held clock
  keeps every date (and the `Date` header) in one second, as when a person edits a credential
  in the second lambda-trust wrote it (the listings, at second precision, then show one date); a denied Integrations permission
  (`integrations:action:view`, …) makes every integrations call that needs it answer 403
  `missing.permissions` naming it.
- `POST /__fake/flows {"name", "type" (a Dependency.type, default INBOUNDCALLFLOW), "version"?
  ("1.0"), "published"? (true), "actions": [action IDs], "id"?}` → the flow;
  `DELETE /__fake/flows/{id}`: Architect flows, as dependency tracking reports them.
- `POST /__fake/functions {"arn", "answer", "function_error"?, "delay_seconds"?}`: what the action
  test answers for that function ARN (moto cannot run function code without Docker): its
  `finalResult` is `answer` (`function_error`: an unhandled error's payload, answered as Lambda
  returns it); `delay_seconds` past the action's timeout fails the run after the timeout.
  Unregistered functions answer the dry run's account (`input`, `statusCode`, `invocationType`).
- `GET /__fake/state`: everything, unredacted.
"""

import argparse
import ast
import base64
import copy
import datetime as dt
import importlib
import importlib.util
import json
import math
import re
import sys
import threading
import time
import types
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

# ----------------------------------------------------------------------------- the SDK

SDK_PACKAGE = "PureCloudPlatformClientV2"
# The SDK APIs whose routes the fake serves (the others are 404).
API_FILES = ("integrations_api.py", "audit_api.py", "architect_api.py", "organization_api.py")

# Required fields of the request models (SDK docs, `[optional]` column), by JSON name.
REQUIRED = {
    "PostActionInput": ["category", "name", "integrationId", "config", "contract"],
    "ActionContractInput": ["input", "output"],
    "PostInputContract": ["inputSchema"],
    "PostOutputContract": ["successSchema"],
    "UpdateActionInput": ["version"],
    "UpdateDraftInput": ["version"],
    "PublishDraftInput": ["version"],
    "CreateIntegrationRequest": ["name", "integrationType"],
    "IntegrationType": ["id"],
    "Integration": ["intendedState"],
    "IntegrationConfiguration": ["name", "version", "properties", "advanced", "notes", "credentials"],
    "Credential": ["type"],
    "AuditRealtimeQueryRequest": ["interval"],
    "AuditQueryFilter": ["property", "value"],
    "AuditQuerySort": ["name"],
}

# Models the API accepts as free-form JSON objects: the SDK's JSON-schema model lacks `items`,
# `enum`… but contracts are full JSON Schema documents.
FREE_FORM = {"JsonSchemaDocument"}


class Sdk:
    """The SDK's models and endpoints, loaded without importing the package's `__init__`
    (which imports all ~6,600 models and takes seconds)."""

    def __init__(self):
        spec = importlib.util.find_spec(SDK_PACKAGE)
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"{SDK_PACKAGE} is not installed (run `just setup`)")
        self.dir = list(spec.submodule_search_locations)[0]
        for name, sub in ((SDK_PACKAGE, ""), (SDK_PACKAGE + ".models", "/models")):
            if name not in sys.modules:
                mod = types.ModuleType(name)
                mod.__path__ = [self.dir + sub]
                sys.modules[name] = mod
        self.models = {}
        self.endpoints = []
        for api in API_FILES:
            with open(f"{self.dir}/apis/{api}", encoding="utf-8") as f:
                self.endpoints.extend(parse_endpoints(f.read()))
        # Literal segments win over parameters (`/actions` before `/{integrationId}`).
        self.endpoints.sort(key=lambda e: (-e["literals"], -len(e["segments"])))

    def model(self, name):
        """{json name: (swagger type, allowed values or None)} of a model."""
        if name not in self.models:
            snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
            module = importlib.import_module(f"{SDK_PACKAGE}.models.{snake}")
            cls = getattr(module, name)
            inst = cls()
            with open(module.__file__, encoding="utf-8") as f:
                enums = setter_enums(f.read())
            self.models[name] = {
                inst.attribute_map[attr]: (typ, enums.get(attr))
                for attr, typ in inst.swagger_types.items()
            }
        return self.models[name]

    def route(self, method, path):
        """(endpoint, path params) of the SDK endpoint serving `method path`, or (None, None);
        `(False, None)` when the path exists with another method."""
        segments = path.strip("/").split("/")
        other_method = False
        for e in self.endpoints:
            params = match_segments(e["segments"], segments)
            if params is None:
                continue
            if e["method"] == method:
                return e, params
            other_method = True
        return (False if other_method else None), None


def parse_endpoints(source):
    """Each API method of an SDK `*_api.py`: its operation name, method, path, query parameters,
    body model (and whether required) and response type."""
    out = []
    for chunk in source.split("\n    def ")[1:]:
        path = re.search(r"resource_path = '([^']+)'", chunk)
        method = re.search(r"call_api\(resource_path, '(\w+)'", chunk)
        if not path or not method:
            continue
        body = re.search(r":param (\S+) body: [^\n]*", chunk)
        response = re.search(r"response_type=('?)([^,]*?)\1,", chunk)
        segments = path.group(1).strip("/").split("/")
        out.append({
            "operation": chunk.split("(")[0],
            "method": method.group(1),
            "path": path.group(1),
            "segments": segments,
            "literals": sum(1 for s in segments if not s.startswith("{")),
            "query": re.findall(r"query_params\['(\w+)'\] = params\['(\w+)'\]", chunk),
            "query_types": {name: typ for typ, name in re.findall(r":param (\S+) (\w+): ", chunk)},
            "body": body.group(1) if body else None,
            "body_required": bool(body and "(required)" in body.group(0)),
            "response": None if not response or response.group(2) == "None" else response.group(2),
        })
    return out


def setter_enums(source):
    """{attribute: allowed values} from the model's setters (`allowed_values = [...]`)."""
    enums = {}
    for m in re.finditer(r"\.setter\n    def (\w+)\(self.*?(?=\n    @|\Z)", source, re.S):
        allowed = re.search(r"allowed_values = (\[.*?\])", m.group(0))
        if allowed:
            enums[m.group(1)] = json.loads(allowed.group(1))
    return enums


def match_segments(template, segments):
    if len(template) != len(segments):
        return None
    params = {}
    for t, s in zip(template, segments):
        if t.startswith("{"):
            if not s:
                return None
            params[t[1:-1]] = unquote(s)
        elif t != s:
            return None
    return params


class Invalid(Exception):
    """A body that does not fit its model: (JSON path, problem)."""


def check(sdk, value, typ, where, request):
    """Validates `value` against the swagger type `typ`. On requests, required fields count;
    on responses, every field must be known and typed (what the SDK would deserialize)."""
    if value is None:
        return
    if typ in ("str",):
        ok = isinstance(value, str)
    elif typ in ("int", "long"):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif typ in ("float", "double"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif typ == "bool":
        ok = isinstance(value, bool)
    elif typ in ("datetime", "date"):
        ok = isinstance(value, str) and parse_time(value) is not None
    elif typ == "object":
        ok = True
    elif typ.startswith("list["):
        if not isinstance(value, list):
            raise Invalid(where, f"expected a list, got {json_type(value)}")
        for i, item in enumerate(value):
            check(sdk, item, typ[5:-1], f"{where}[{i}]", request)
        return
    elif typ.startswith("dict("):
        if not isinstance(value, dict):
            raise Invalid(where, f"expected an object, got {json_type(value)}")
        inner = typ[typ.index(",") + 1:-1].strip()
        for k, item in value.items():
            check(sdk, item, inner, f"{where}.{k}", request)
        return
    else:
        check_model(sdk, value, typ, where, request)
        return
    if not ok:
        raise Invalid(where, f"expected {typ}, got {json_type(value)}")


def check_model(sdk, value, model, where, request):
    if not isinstance(value, dict):
        raise Invalid(where, f"expected a {model} object, got {json_type(value)}")
    if model in FREE_FORM:
        return
    fields = sdk.model(model)
    for key, item in value.items():
        if key not in fields:
            raise Invalid(f"{where}.{key}" if where else key, f"unknown field for {model}")
        typ, allowed = fields[key]
        path = f"{where}.{key}" if where else key
        if allowed and isinstance(item, str) and item.lower() not in (a.lower() for a in allowed):
            raise Invalid(path, f"must be one of {', '.join(allowed)}")
        check(sdk, item, typ, path, request)
    if request:
        for key in REQUIRED.get(model, []):
            if value.get(key) is None:
                raise Invalid(f"{where}.{key}" if where else key, f"required by {model}")


def json_type(v):
    return {dict: "object", list: "list", str: "string", bool: "boolean",
            type(None): "null"}.get(type(v), "number")


class Query:
    """The query parameters of one request, as the endpoint's handler sees them: only those the
    SDK declares for the endpoint (the API ignores the others, so the fake drops them), and a
    handler that reads one the SDK does not declare is a drifted fake (500, like a response
    that does not fit its model). `--self-check` finds such reads statically."""

    def __init__(self, raw, endpoint):
        self.operation = endpoint["operation"]
        self.declared = {name for name, _ in endpoint["query"]}
        self.values = {k: v for k, v in raw.items() if k in self.declared}

    def _declared(self, name):
        if name not in self.declared:
            raise Invalid(f"query.{name}",
                          f"{self.operation} reads a query parameter its SDK endpoint does not declare")

    def get(self, name, default=None):
        """The last value of `name` (or `default`)."""
        self._declared(name)
        values = self.values.get(name)
        return values[-1] if values else default

    def all(self, name):
        """Every value of a list parameter (`a=x&a=y` and `a=x,y` alike)."""
        self._declared(name)
        return [v for raw in self.values.get(name) or [] for v in raw.split(",") if v]

    def __getitem__(self, name):
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def items(self):
        return [(k, v[-1]) for k, v in self.values.items()]


# ----------------------------------------------------------------------------- time and errors

_clock_lock = threading.Lock()
_last_time = [dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)]
# The held second (`POST /__fake/settings {"clock": "held"}`): every date, and the `Date`
# header, stays in it — a hand edit lands in the same second as lambda-trust's write.
_held = [None]


def now():
    """Strictly increasing UTC time (ms resolution): each change gets a later modifiedDate.
    While the clock is held, the dates stay in the held second."""
    with _clock_lock:
        t = _held[0] or dt.datetime.now(dt.timezone.utc)
        t = t.replace(microsecond=t.microsecond // 1000 * 1000)
        if t <= _last_time[0]:
            t = _last_time[0] + dt.timedelta(milliseconds=1)
        if _held[0] is not None and t.second != _held[0].second:
            t = _held[0].replace(microsecond=999000)
        _last_time[0] = t
        return t


def hold_clock(held):
    """Holds the clock in the current second (`True`), or lets it run again."""
    with _clock_lock:
        _held[0] = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) if held else None


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def iso_seconds(value):
    """An `iso` date truncated to the second, as the credential listings show it."""
    return parse_time(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(s):
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None


class ApiError(Exception):
    def __init__(self, status, code, message, headers=None, details=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
        self.details = details or []

    def body(self):
        body = {"message": self.message, "code": self.code, "status": self.status,
                "messageWithParams": self.message, "messageParams": {},
                "contextId": str(uuid.uuid4()), "details": self.details, "errors": []}
        return body


def not_found(what, ident):
    return ApiError(404, "not.found", f"{what} {ident} not found")


def bad_request(message, field=None):
    details = [{"errorCode": "invalid.value", "fieldName": field}] if field else []
    return ApiError(400, "bad.request", message, details=details)


def conflict(message):
    return ApiError(409, "conflict", message)


# What a published action never changes (Genesys Resource Center, "Add contracts to custom
# actions for integrations"; the Terraform provider marks contract_input, contract_output and
# secure ForceNew: a change replaces the action, with a new ID).
IMMUTABLE_AFTER_PUBLISH = ("contract", "secure")


def contract_immutable(action_id, field):
    return bad_request(f"You cannot change the contracts after you publish the action: action "
                       f"{action_id} is published, its {field} cannot change (create a new "
                       f"action instead)", field)


INJECTED = {
    429: ("too.many.requests", "Rate limit exceeded the maximum. Retry the request in [{s}] seconds"),
    409: ("conflict", "The version supplied does not match the current version (injected)"),
    500: ("internal.server.error", "The server encountered an unexpected error (injected)"),
    503: ("service.unavailable", "Service temporarily unavailable (injected)"),
}

# ----------------------------------------------------------------------------- state

LAMBDA_TYPE = "aws-lambda-data-actions"
MASK = "********"  # a redacted credential field
CREDENTIAL_KEY = "AmazonWebServicesARN"
DEFAULT_REQUEST_TEMPLATE = "${input.rawRequest}"
DEFAULT_SUCCESS_TEMPLATE = "${rawResult}"
TEMPLATE_FILES = {"requesttemplate.vm": ("request", "requestTemplate"),
                  "successtemplate.vm": ("response", "successTemplate")}
SCHEMA_FILES = {"inputschema.json": ("input", "inputSchema"),
                "successschema.json": ("output", "successSchema")}
ADMIN_CLIENT_ID = "6a2c5e0b-3c1e-4f6e-9a7d-0d0e1f2a3b4c"  # the admin UI's client, for audits

INTEGRATION_TYPES = [
    {
        "id": LAMBDA_TYPE,
        "name": "AWS Lambda Data Actions",
        "description": "Invoke AWS Lambda functions from Genesys Cloud data actions.",
        "provider": "clientapps",
        "category": "Data Actions",
        "credentials": {CREDENTIAL_KEY: {
            "required": True, "title": "AWS IAM Role",
            "credentialTypes": ["amazonWebServicesARN"]}},
        "nonInstallable": False,
        "maxInstances": 100,
        "userPermissions": [],
        "vendorOAuthClientIds": [],
        "selfUri": f"/api/v2/integrations/types/{LAMBDA_TYPE}",
    },
    {
        "id": "custom-rest-actions",
        "name": "Web Services Data Actions",
        "description": "Call web services from Genesys Cloud data actions.",
        "provider": "clientapps",
        "category": "Data Actions",
        "credentials": {"basicAuth": {
            "required": False, "title": "Credentials",
            "credentialTypes": ["basicAuth", "userDefinedOAuth", "userDefined"]}},
        "nonInstallable": False,
        "maxInstances": 100,
        "userPermissions": [],
        "vendorOAuthClientIds": [],
        "selfUri": "/api/v2/integrations/types/custom-rest-actions",
    },
]

CREDENTIAL_TYPES = [
    {"id": "amazonWebServicesARN", "name": "amazonWebServicesARN",
     "properties": {"ARN": {"type": "string", "title": "Role ARN"}},
     "displayOrder": ["ARN"], "required": ["ARN"]},
    {"id": "basicAuth", "name": "basicAuth",
     "properties": {"userName": {"type": "string"}, "password": {"type": "string"}},
     "displayOrder": ["userName", "password"], "required": ["userName", "password"]},
]


DEFAULT_SETTINGS = {
    "audit_permitted": True,                 # false: the audit query answers 403
    "dependency_tracking_permitted": True,   # false: dependency tracking answers 403
    "credential_fields": "masked",           # or "omitted": GET of one credential
    "rate_limit": None,                      # {"allowed": N, "window_seconds": S, "enforce"?}
    "denied_permissions": [],                # e.g. ["integrations:action:view"]: 403 where needed
    "clock": "running",                      # or "held": dates and Date headers stay in one second
    "latency_seconds": 0,                    # added before answering each API call (not /__fake/)
}
# Without a rate_limit setting the headers still count, against 300 requests a minute (nothing
# enforced: the count may pass the allowance).
DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW = 300, 60


class State:
    """Everything the fake holds; one lock serializes requests that touch it."""

    def __init__(self, args, sdk):
        self.lock = threading.RLock()
        self.args = args
        self.sdk = sdk
        self.tokens = set()
        self.integrations = {}
        self.credentials = {}
        self.actions = {}
        self.audit = []
        self.calls = []
        self.injections = []
        self.flows = {}
        self.functions = {}  # function ARN → its registered behaviour (the action test's answer)
        self.settings = dict(DEFAULT_SETTINGS)
        self.window = None  # (start, requests) of the current rate-limit window

    def dump(self):
        return {"integrations": self.integrations, "credentials": self.credentials,
                "actions": self.actions, "audit": self.audit, "flows": self.flows,
                "settings": self.settings, "injections": self.injections}

    def apply_settings(self, body):
        unknown = sorted(set(body) - set(DEFAULT_SETTINGS))
        if unknown:
            raise bad_request(f"unknown setting(s) {', '.join(unknown)} "
                              f"(known: {', '.join(sorted(DEFAULT_SETTINGS))})")
        for key in ("audit_permitted", "dependency_tracking_permitted"):
            if key in body:
                self.settings[key] = bool(body[key])
        if "denied_permissions" in body:
            denied = body["denied_permissions"]
            if not (isinstance(denied, list) and all(isinstance(d, str) for d in denied)):
                raise bad_request("denied_permissions: a list of permission names")
            self.settings["denied_permissions"] = denied
        if "credential_fields" in body:
            if body["credential_fields"] not in ("masked", "omitted"):
                raise bad_request("credential_fields: masked or omitted")
            self.settings["credential_fields"] = body["credential_fields"]
        if "latency_seconds" in body:
            latency = body["latency_seconds"]
            if not (isinstance(latency, (int, float)) and 0 <= latency <= 10):
                raise bad_request("latency_seconds: a number of seconds from 0 to 10")
            self.settings["latency_seconds"] = latency
        if "clock" in body:
            if body["clock"] not in ("running", "held"):
                raise bad_request("clock: running or held")
            self.settings["clock"] = body["clock"]
            hold_clock(body["clock"] == "held")
        if "rate_limit" in body:
            limit = body["rate_limit"]
            if limit is not None and not (
                    isinstance(limit, dict) and set(limit) <= {"allowed", "window_seconds", "enforce"}
                    and isinstance(limit.get("allowed"), int) and limit["allowed"] >= 1
                    and isinstance(limit.get("window_seconds"), (int, float))
                    and limit["window_seconds"] > 0):
                raise bad_request("rate_limit: null or {allowed: int >= 1, window_seconds: > 0, "
                                  "enforce?: bool (default true)}")
            self.settings["rate_limit"] = None if limit is None else dict(
                limit, enforce=bool(limit.get("enforce", True)))
            self.window = None
        return self.settings

    def rate_limit_headers(self):
        """Counts one API request in the current window and returns the `inin-ratelimit-*`
        headers; over an enforced limit, a 429 with `Retry-After` instead."""
        limit = self.settings["rate_limit"]
        allowed, seconds = ((limit["allowed"], limit["window_seconds"]) if limit
                            else (DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW))
        enforced = bool(limit and limit["enforce"])
        t = time.monotonic()
        if self.window is None or t >= self.window[0] + seconds:
            self.window = (t, 0)
        start, count = self.window
        reset = max(1, math.ceil(start + seconds - t))
        if enforced and count >= allowed:
            headers = {"inin-ratelimit-count": str(count), "inin-ratelimit-allowed": str(allowed),
                       "inin-ratelimit-reset": str(reset), "Retry-After": str(reset)}
            raise ApiError(429, "too.many.requests",
                           f"Rate limit exceeded the maximum. Retry the request in [{reset}] seconds",
                           headers)
        self.window = (start, count + 1)
        return {"inin-ratelimit-count": str(count + 1), "inin-ratelimit-allowed": str(allowed),
                "inin-ratelimit-reset": str(reset)}

    def record_audit(self, actor, entity_type, action, entity, changes=None):
        user, client = actor
        entry = {
            "id": str(uuid.uuid4()),
            "userHomeOrgId": self.args.org_id,
            "user": user,
            "client": {"id": client, "selfUri": f"/api/v2/oauth/clients/{client}"},
            "remoteIp": ["127.0.0.1"],
            "serviceName": "Integrations",
            "level": "USER",
            "eventDate": iso(now()),
            "message": {"localizableMessageCode": f"integrations.{entity_type.lower()}.{action.lower()}",
                        "message": f"{entity_type} {entity.get('name') or entity['id']} {action.lower()}d"},
            "action": action,
            "entity": {"id": entity["id"], "name": entity.get("name") or ""},
            "entityType": entity_type,
            "status": "SUCCESS",
            "application": "lambda-trust-fake",
            "propertyChanges": [
                {"property": k, "oldValues": [stringify(old)], "newValues": [stringify(new)]}
                for k, (old, new) in (changes or {}).items()
            ],
        }
        self.audit.append(entry)


def stringify(v):
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True)


def diff(before, after, prefix=""):
    """{dotted path: (old, new)} for the leaves that differ."""
    out = {}
    keys = set(before or {}) | set(after or {})
    for k in sorted(keys):
        a, b = (before or {}).get(k), (after or {}).get(k)
        path = f"{prefix}{k}"
        if isinstance(a, dict) and isinstance(b, dict):
            out.update(diff(a, b, path + "."))
        elif a != b:
            out[path] = (a, b)
    return out


# ----------------------------------------------------------------------------- views

def paged(items, query, base, max_size=500):
    size = int_param(query, "pageSize", 25)
    number = int_param(query, "pageNumber", 1)
    if not 1 <= size <= max_size:
        raise bad_request(f"pageSize must be between 1 and {max_size}", "pageSize")
    if number < 1:
        raise bad_request("pageNumber must be at least 1", "pageNumber")
    total = len(items)
    count = -(-total // size)  # 0 when empty
    page = items[(number - 1) * size: number * size]
    extra = "".join(f"&{k}={quote(v)}" for k, v in sorted(query.items())
                    if k not in ("pageSize", "pageNumber"))
    uri = lambda n: f"{base}?pageSize={size}&pageNumber={n}{extra}"
    listing = {"entities": page, "pageSize": size, "pageNumber": number, "total": total,
               "firstUri": uri(1), "selfUri": uri(number), "lastUri": uri(max(count, 1)),
               "pageCount": count}
    if number < count:
        listing["nextUri"] = uri(number + 1)
    if number > 1:
        listing["previousUri"] = uri(number - 1)
    return listing


def int_param(query, name, default):
    raw = query.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"{name} must be an integer", name)


def bool_param(query, name):
    raw = query.get(name)
    if raw is None:
        return None
    if raw.lower() not in ("true", "false"):
        raise bad_request(f"{name} must be true or false", name)
    return raw.lower() == "true"


def credential_info(c, listing=False):
    """A credential's metadata. POST and PUT answer with millisecond dates; the listings carry
    the same instants truncated to the second (`yyyy-MM-ddTHH:mm:ssZ`)."""
    date = iso_seconds if listing else (lambda v: v)
    return {"id": c["id"], "name": c["name"], "createdDate": date(c["createdDate"]),
            "modifiedDate": date(c["modifiedDate"]), "type": {"name": c["type"]},
            "selfUri": f"/api/v2/integrations/credentials/{c['id']}"}


def integration_view(i):
    current = i["config"]
    return {
        "id": i["id"], "name": current["name"],
        "integrationType": type_view(i["integrationType"]),
        "notes": current["notes"], "intendedState": i["intendedState"],
        "config": {"current": config_view(i)},
        "reportedState": i["reportedState"],
        "attributes": {},
        "selfUri": f"/api/v2/integrations/{i['id']}",
    }


def config_view(i):
    c = i["config"]
    return {"id": i["id"], "name": c["name"], "version": c["version"],
            "properties": c["properties"], "advanced": c["advanced"], "notes": c["notes"],
            "credentials": c["credentials"],
            "selfUri": f"/api/v2/integrations/{i['id']}/config/current"}


def type_view(type_id):
    t = next(t for t in INTEGRATION_TYPES if t["id"] == type_id)
    return {"id": t["id"], "name": t["name"], "selfUri": t["selfUri"]}


def expands(query, field):
    """Whether the query's `expand` names `field` (only where the SDK declares `expand`)."""
    return field in query.all("expand")


def action_view(a, config=False, contract=False, draft=False):
    """An action (or its draft) as the API returns it: template texts replaced by their URIs;
    config only when asked (includeConfig=true), contract only when asked (expand=contract, which
    only the single action and its draft take)."""
    base = f"/api/v2/integrations/actions/{a['id']}" + ("/draft" if draft else "")
    view = {"id": a["id"], "name": a["name"], "integrationId": a["integrationId"],
            "category": a["category"], "version": a["version"], "secure": a["secure"],
            "selfUri": base}
    if contract:
        view["contract"] = {
            "input": {"inputSchema": a["contract"]["input"]["inputSchema"],
                      "inputSchemaUri": f"{base}/schemas/inputschema.json"},
            "output": {"successSchema": a["contract"]["output"]["successSchema"],
                       "successSchemaUri": f"{base}/schemas/successschema.json"},
        }
    if config:
        cfg = copy.deepcopy(a["config"])
        cfg["request"].pop("requestTemplate", None)
        cfg["request"]["requestTemplateUri"] = f"{base}/templates/requesttemplate.vm"
        cfg["response"].pop("successTemplate", None)
        cfg["response"]["successTemplateUri"] = f"{base}/templates/successtemplate.vm"
        view["config"] = cfg
    return view


# The Terraform provider's `request_type` (resource_genesyscloud_integration_action_schema.go):
# StringInSlice GET, PUT, POST, PATCH, DELETE; the SDK types it as a free string.
REQUEST_TYPES = ("GET", "PUT", "POST", "PATCH", "DELETE")


def stored_config(cfg):
    """An ActionConfig as stored: template texts kept (defaults filled), URIs dropped."""
    cfg = copy.deepcopy(cfg or {})
    request = cfg.setdefault("request", {})
    response = cfg.setdefault("response", {})
    request.pop("requestTemplateUri", None)
    response.pop("successTemplateUri", None)
    request.setdefault("requestTemplate", DEFAULT_REQUEST_TEMPLATE)
    request.setdefault("requestType", "POST")
    request.setdefault("headers", {})
    response.setdefault("successTemplate", DEFAULT_SUCCESS_TEMPLATE)
    response.setdefault("translationMap", {})
    response.setdefault("translationMapDefaults", {})
    if request["requestType"] not in REQUEST_TYPES:
        raise bad_request(f"config.request.requestType must be one of {', '.join(REQUEST_TYPES)}",
                          "config.request.requestType")
    timeout = cfg.get("timeoutSeconds")
    if timeout is not None and not 1 <= timeout <= 60:
        raise bad_request("config.timeoutSeconds must be between 1 and 60", "config.timeoutSeconds")
    return cfg


def stored_contract(contract):
    return {"input": {"inputSchema": contract["input"]["inputSchema"]},
            "output": {"successSchema": contract["output"]["successSchema"]}}


# ----------------------------------------------------------------------------- handlers
# Each takes (state, request) and returns (status, body); body None = no content, str = text.

class Request:
    def __init__(self, params, query, body, actor):
        self.params, self.query, self.body, self.actor = params, query, body, actor


HANDLERS = {}

# The Integrations permission each integrations operation needs ("Integrations" permissions in
# Genesys Cloud's Resource Center: integrations:{integration,credential,action}:{view,add,edit,
# delete}); a denied one answers 403 missing.permissions naming it, as Genesys Cloud does.
PERMISSION_VERBS = {"get": "view", "post": "add", "put": "edit", "patch": "edit",
                    "delete": "delete"}


def required_permission(operation):
    verb, _, rest = operation.partition("_")
    if verb not in PERMISSION_VERBS or not rest.startswith("integration"):
        return None
    kind = ("credential" if "credential" in rest else
            "action" if "action" in rest else "integration")
    if kind == "action" and verb == "post" and "test" in rest:
        return "integrations:action:execute"
    return f"integrations:{kind}:{PERMISSION_VERBS[verb]}"


def check_permission(s, operation):
    needed = required_permission(operation)
    if needed and needed in s.settings["denied_permissions"]:
        raise ApiError(403, "missing.permissions",
                       f"You are missing the following permission(s): {needed}")


def handles(operation):
    def register(f):
        HANDLERS[operation] = f
        return f
    return register


def get_integration_or_404(s, ident):
    if ident not in s.integrations:
        raise not_found("integration", ident)
    return s.integrations[ident]


def get_action_or_404(s, ident):
    if ident not in s.actions:
        raise not_found("action", ident)
    return s.actions[ident]


def get_credential_or_404(s, ident):
    if ident not in s.credentials:
        raise not_found("credential", ident)
    return s.credentials[ident]


# --- the organization

ORG_NAME = "lambda-trust test org"


@handles("get_organizations_me")
def _organization(s, r):
    ident = s.args.org_id
    return 200, {"id": ident, "name": ORG_NAME, "defaultLanguage": "en-us",
                 "thirdPartyOrgName": "lambda-trust-test", "domain": "lambda-trust-test",
                 "version": 1, "state": "active", "voicemailEnabled": True,
                 "productPlatform": "GenesysCloud", "features": {},
                 "selfUri": f"/api/v2/organizations/{ident}"}


# --- integration types

@handles("get_integrations_types")
def _types(s, r):
    return 200, paged(INTEGRATION_TYPES, r.query, "/api/v2/integrations/types")


@handles("get_integrations_type")
def _type(s, r):
    t = next((t for t in INTEGRATION_TYPES if t["id"] == r.params["typeId"]), None)
    if t is None:
        raise not_found("integration type", r.params["typeId"])
    return 200, t


# --- integrations

@handles("get_integrations")
def _integrations(s, r):
    items = sorted(s.integrations.values(), key=lambda i: (i["config"]["name"], i["id"]))
    if r.query.get("integrationType"):
        items = [i for i in items if i["integrationType"] == r.query["integrationType"]]
    if r.query.get("ids"):
        wanted = set(r.query["ids"].split(","))
        items = [i for i in items if i["id"] in wanted]
    return 200, paged([integration_view(i) for i in items], r.query, "/api/v2/integrations")


@handles("post_integrations")
def _create_integration(s, r):
    if r.body is None:
        raise bad_request("a body is required")
    type_id = r.body["integrationType"]["id"]
    if not any(t["id"] == type_id for t in INTEGRATION_TYPES):
        raise bad_request(f"unknown integration type {type_id}", "integrationType.id")
    ident = str(uuid.uuid4())
    i = {"id": ident, "integrationType": type_id, "intendedState": "DISABLED",
         "reportedState": {"code": "INACTIVE", "effective": "Inactive",
                           "lastUpdated": iso(now())},
         "config": {"name": r.body["name"], "version": 1, "properties": {}, "advanced": {},
                    "notes": "", "credentials": {}}}
    s.integrations[ident] = i
    s.record_audit(r.actor, "Integration", "Create", {"id": ident, "name": r.body["name"]})
    return 200, integration_view(i)


@handles("get_integration")
def _integration(s, r):
    return 200, integration_view(get_integration_or_404(s, r.params["integrationId"]))


def set_intended_state(s, i, state, actor):
    before = i["intendedState"]
    i["intendedState"] = state.upper()
    code = "ACTIVE" if i["intendedState"] == "ENABLED" else "INACTIVE"
    i["reportedState"] = {"code": code, "effective": code.capitalize(), "lastUpdated": iso(now())}
    if before != i["intendedState"]:
        s.record_audit(actor, "Integration", "Update",
                       {"id": i["id"], "name": i["config"]["name"]},
                       {"intendedState": (before, i["intendedState"])})


@handles("patch_integration")
def _patch_integration(s, r):
    i = get_integration_or_404(s, r.params["integrationId"])
    if r.body is None:
        raise bad_request("a body is required")
    set_intended_state(s, i, r.body["intendedState"], r.actor)
    return 200, integration_view(i)


@handles("delete_integration")
def _delete_integration(s, r):
    i = get_integration_or_404(s, r.params["integrationId"])
    view = integration_view(i)
    for a in [a for a in s.actions.values() if a["integrationId"] == i["id"]]:
        del s.actions[a["id"]]
        s.record_audit(r.actor, "Action", "Delete", a)
    del s.integrations[i["id"]]
    s.record_audit(r.actor, "Integration", "Delete", {"id": i["id"], "name": view["name"]})
    return 200, view


@handles("get_integration_config_current")
def _config(s, r):
    return 200, config_view(get_integration_or_404(s, r.params["integrationId"]))


def check_credential_bindings(s, i, credentials):
    declared = next(t for t in INTEGRATION_TYPES if t["id"] == i["integrationType"])["credentials"]
    out = {}
    for key, ref in credentials.items():
        if key not in declared:
            raise bad_request(f"credential key {key} is not declared by integration type "
                              f"{i['integrationType']} (declared: {', '.join(declared)})",
                              f"credentials.{key}")
        cred = s.credentials.get((ref or {}).get("id"))
        if cred is None:
            raise bad_request(f"credentials.{key}: credential {(ref or {}).get('id')} not found",
                              f"credentials.{key}.id")
        out[key] = {"id": cred["id"], "name": cred["name"],
                    "selfUri": f"/api/v2/integrations/credentials/{cred['id']}"}
    return out


@handles("put_integration_config_current")
def _put_config(s, r):
    i = get_integration_or_404(s, r.params["integrationId"])
    b = r.body
    if b is None:
        raise bad_request("a body is required")
    if b["version"] != i["config"]["version"]:
        raise conflict(f"version {b['version']} does not match the current version "
                       f"{i['config']['version']} of the integration configuration")
    if not isinstance(b["properties"], dict) or not isinstance(b["advanced"], dict):
        raise bad_request("properties and advanced must be JSON objects")
    before = copy.deepcopy(i["config"])
    i["config"] = {"name": b["name"], "version": before["version"] + 1,
                   "properties": b["properties"], "advanced": b["advanced"], "notes": b["notes"],
                   "credentials": check_credential_bindings(s, i, b["credentials"])}
    s.record_audit(r.actor, "Integration", "Update", {"id": i["id"], "name": b["name"]},
                   diff({k: v for k, v in before.items() if k != "version"},
                        {k: v for k, v in i["config"].items() if k != "version"}, "config."))
    return 200, config_view(i)


# --- credentials

def check_credential_fields(type_name, fields):
    ctype = next((t for t in CREDENTIAL_TYPES if t["name"] == type_name), None)
    if ctype is None:
        raise bad_request(f"unknown credential type {type_name}", "type.name")
    fields = fields or {}
    unknown = sorted(set(fields) - set(ctype["properties"]))
    missing = [f for f in ctype["required"] if not fields.get(f)]
    if unknown:
        raise bad_request(f"unknown credential field(s) for {type_name}: {', '.join(unknown)}",
                          "credentialFields")
    if missing:
        raise bad_request(f"missing credential field(s) for {type_name}: {', '.join(missing)}",
                          "credentialFields")
    return dict(fields)


@handles("get_integrations_credentials")
def _credentials(s, r):
    items = sorted(s.credentials.values(), key=lambda c: (c["createdDate"], c["id"]))
    return 200, paged([credential_info(c, listing=True) for c in items], r.query,
                      "/api/v2/integrations/credentials")


@handles("get_integrations_credentials_listing")
def _credentials_listing(s, r):
    size = int_param(r.query, "pageSize", 25)
    if not 1 <= size <= 200:
        raise bad_request("pageSize must be between 1 and 200", "pageSize")
    items = sorted(s.credentials.values(), key=lambda c: (c["createdDate"], c["id"]))
    after = r.query.get("after")
    if after:
        ids = [c["id"] for c in items]
        if after not in ids:
            raise bad_request(f"cursor {after} is not valid", "after")
        items = items[ids.index(after) + 1:]
    page = items[:size]
    base = "/api/v2/integrations/credentials/listing"
    listing = {"entities": [credential_info(c, listing=True) for c in page],
               "selfUri": f"{base}?pageSize={size}" + (f"&after={after}" if after else "")}
    if len(items) > size:
        listing["nextUri"] = f"{base}?after={page[-1]['id']}&pageSize={size}"
    return 200, listing


@handles("get_integrations_credentials_types")
def _credential_types(s, r):
    return 200, CREDENTIAL_TYPES


@handles("post_integrations_credentials")
def _create_credential(s, r):
    if r.body is None:
        raise bad_request("a body is required")
    type_name = r.body["type"].get("name")
    fields = check_credential_fields(type_name, r.body.get("credentialFields"))
    ident, t = str(uuid.uuid4()), iso(now())
    c = {"id": ident, "name": r.body.get("name") or "", "type": type_name, "fields": fields,
         "createdDate": t, "modifiedDate": t}
    s.credentials[ident] = c
    s.record_audit(r.actor, "Credential", "Create", c)
    return 200, credential_info(c)


@handles("get_integrations_credential")
def _credential(s, r):
    c = get_credential_or_404(s, r.params["credentialId"])
    # Redacted: the field values (the role ARN) are never returned; each field is present
    # and masked, or (setting credential_fields=omitted) the fields are left out.
    view = {"id": c["id"], "name": c["name"], "type": {"name": c["type"]},
            "selfUri": f"/api/v2/integrations/credentials/{c['id']}"}
    if s.settings["credential_fields"] == "masked":
        view["credentialFields"] = {k: MASK for k in c["fields"]}
    return 200, view


def update_credential(s, c, name, type_name, fields, actor):
    before = {"name": c["name"], "type": c["type"], "fields": c["fields"]}
    c.update({"name": name, "type": type_name, "fields": fields,
              "modifiedDate": iso(now())})
    after = {"name": c["name"], "type": c["type"], "fields": c["fields"]}
    s.record_audit(actor, "Credential", "Update", c, diff(before, after))


@handles("put_integrations_credential")
def _put_credential(s, r):
    c = get_credential_or_404(s, r.params["credentialId"])
    if r.body is None:
        raise bad_request("a body is required")
    type_name = r.body["type"].get("name")
    fields = check_credential_fields(type_name, r.body.get("credentialFields"))
    update_credential(s, c, r.body.get("name") or c["name"], type_name, fields, r.actor)
    return 200, credential_info(c)


@handles("delete_integrations_credential")
def _delete_credential(s, r):
    c = get_credential_or_404(s, r.params["credentialId"])
    del s.credentials[c["id"]]
    s.record_audit(r.actor, "Credential", "Delete", c)
    return 204, None


# --- actions

def action_list_filter(items, q):
    if q.get("category"):
        items = [a for a in items if a["category"] == q["category"]]
    if q.get("name"):
        items = [a for a in items if q["name"].lower() in a["name"].lower()]
    secure = bool_param(q, "secure")
    if secure is not None:
        items = [a for a in items if a["secure"] == secure]
    if q.get("ids"):
        wanted = q["ids"].split(",")
        if len(wanted) > 50:
            raise bad_request("at most 50 ids", "ids")
        items = [a for a in items if a["id"] in wanted]
    return items


def action_list(items, q, base, draft):
    """The actions list and the drafts list: filters, sort, paging; `config` with
    includeConfig=true, never `contract` (neither list declares `expand`)."""
    order = (q.get("sortOrder") or "asc").lower()
    items = sorted(items, key=lambda a: (a["name"], a["id"]), reverse=order.startswith("desc"))
    items = action_list_filter(items, q)
    config = bool_param(q, "includeConfig")
    return paged([action_view(a, config=config, draft=draft) for a in items], q, base)


@handles("get_integrations_actions")
def _actions(s, r):
    return 200, action_list(s.actions.values(), r.query, "/api/v2/integrations/actions", False)


@handles("get_integrations_actions_drafts")
def _drafts(s, r):
    drafts = [a["draft"] for a in s.actions.values() if a["draft"] is not None]
    return 200, action_list(drafts, r.query, "/api/v2/integrations/actions/drafts", True)


def new_action(s, body, actor):
    if body["integrationId"] not in s.integrations:
        raise bad_request(f"integration {body['integrationId']} not found", "integrationId")
    ident = str(uuid.uuid4())
    a = {"id": ident, "name": body["name"], "category": body["category"],
         "integrationId": body["integrationId"], "secure": bool(body.get("secure", False)),
         "version": 1, "config": stored_config(body["config"]),
         "contract": stored_contract(body["contract"]), "draft": None}
    if any(x["name"] == a["name"] for x in s.actions.values()):
        raise bad_request(f"an action named {a['name']!r} already exists", "name")
    s.actions[ident] = a
    s.record_audit(actor, "Action", "Create", a)
    return a


@handles("post_integrations_actions")
def _create_action(s, r):
    return 200, action_view(new_action(s, r.body, r.actor), config=True, contract=True)


@handles("get_integrations_action")
def _action(s, r):
    return 200, action_view(get_action_or_404(s, r.params["actionId"]),
                            config=bool_param(r.query, "includeConfig"),
                            contract=expands(r.query, "contract"))


def snapshot(a):
    return {k: copy.deepcopy(a[k]) for k in ("name", "category", "secure", "config", "contract")}


@handles("patch_integrations_action")
def _patch_action(s, r):
    a = get_action_or_404(s, r.params["actionId"])
    if r.body["version"] != a["version"]:
        raise conflict(f"version {r.body['version']} does not match the current version "
                       f"{a['version']} of action {a['id']}")
    before = snapshot(a)
    for key in ("name", "category"):
        if r.body.get(key) is not None:
            a[key] = r.body[key]
    if r.body.get("config") is not None:
        a["config"] = stored_config(r.body["config"])
    a["version"] += 1
    s.record_audit(r.actor, "Action", "Update", a, diff(before, snapshot(a)))
    return 200, action_view(a, config=True, contract=True)


@handles("delete_integrations_action")
def _delete_action(s, r):
    a = get_action_or_404(s, r.params["actionId"])
    del s.actions[a["id"]]
    s.record_audit(r.actor, "Action", "Delete", a)
    return 204, None


def template_text(a, file_name):
    if file_name not in TEMPLATE_FILES:
        raise not_found("template", file_name)
    part, key = TEMPLATE_FILES[file_name]
    return a["config"][part][key]


@handles("get_integrations_action_template")
def _template(s, r):
    return 200, template_text(get_action_or_404(s, r.params["actionId"]), r.params["fileName"])


def schema_doc(a, file_name):
    if file_name not in SCHEMA_FILES:
        raise not_found("schema", file_name)
    part, key = SCHEMA_FILES[file_name]
    return a["contract"][part][key]


@handles("get_integrations_action_schema")
def _schema(s, r):
    return 200, schema_doc(get_action_or_404(s, r.params["actionId"]), r.params["fileName"])


# --- drafts

def get_draft_or_404(s, ident):
    a = get_action_or_404(s, ident)
    if a["draft"] is None:
        raise not_found("draft of action", ident)
    return a, a["draft"]


@handles("post_integrations_action_draft")
def _create_draft(s, r):
    a = get_action_or_404(s, r.params["actionId"])
    if a["draft"] is not None:
        raise conflict(f"action {a['id']} already has a draft")
    a["draft"] = dict(snapshot(a), id=a["id"], integrationId=a["integrationId"], version=1)
    s.record_audit(r.actor, "ActionDraft", "Create", a["draft"])
    return 200, action_view(a["draft"], config=True, contract=True, draft=True)


@handles("get_integrations_action_draft")
def _draft(s, r):
    _, d = get_draft_or_404(s, r.params["actionId"])
    return 200, action_view(d, config=bool_param(r.query, "includeConfig"),
                            contract=expands(r.query, "contract"), draft=True)


def stale_draft_version(supplied, d):
    """A stale draft version is a 400, not a 409 (Terraform provider issue #1961)."""
    return bad_request(f"Supplied version {supplied} does not match latest draft version "
                       f"{d['version']}", "version")


@handles("patch_integrations_action_draft")
def _patch_draft(s, r):
    a, d = get_draft_or_404(s, r.params["actionId"])
    if r.body["version"] != d["version"]:
        raise stale_draft_version(r.body["version"], d)
    # The draft of a published action may change its configuration, never its contract.
    if r.body.get("contract") is not None and stored_contract(r.body["contract"]) != a["contract"]:
        raise contract_immutable(a["id"], "contract")
    if r.body.get("secure") is not None and r.body["secure"] != a["secure"]:
        raise contract_immutable(a["id"], "secure")
    before = snapshot(d)
    for key in ("name", "category"):
        if r.body.get(key) is not None:
            d[key] = r.body[key]
    if r.body.get("config") is not None:
        d["config"] = stored_config(r.body["config"])
    d["version"] += 1
    s.record_audit(r.actor, "ActionDraft", "Update", d, diff(before, snapshot(d)))
    return 200, action_view(d, config=True, contract=True, draft=True)


@handles("delete_integrations_action_draft")
def _delete_draft(s, r):
    a, d = get_draft_or_404(s, r.params["actionId"])
    a["draft"] = None
    s.record_audit(r.actor, "ActionDraft", "Delete", d)
    return 204, None


def draft_problems(d):
    problems = []
    url = d["config"]["request"].get("requestUrlTemplate")
    if not url:
        problems.append(("config.request.requestUrlTemplate", "a request URL template is required"))
    for part, key in (("input", "inputSchema"), ("output", "successSchema")):
        schema = d["contract"][part][key]
        if not isinstance(schema, dict) or schema.get("type") != "object":
            problems.append((f"contract.{part}.{key}", "the schema must be a JSON object schema"))
    return problems


@handles("get_integrations_action_draft_validation")
def _validate_draft(s, r):
    _, d = get_draft_or_404(s, r.params["actionId"])
    problems = draft_problems(d)
    return 200, {"valid": not problems,
                 "errors": [bad_request(m, f).body() for f, m in problems]}


@handles("get_integrations_action_draft_template")
def _draft_template(s, r):
    _, d = get_draft_or_404(s, r.params["actionId"])
    return 200, template_text(d, r.params["fileName"])


@handles("get_integrations_action_draft_schema")
def _draft_schema(s, r):
    _, d = get_draft_or_404(s, r.params["actionId"])
    return 200, schema_doc(d, r.params["fileName"])


@handles("post_integrations_action_draft_publish")
def _publish(s, r):
    a, d = get_draft_or_404(s, r.params["actionId"])
    if r.body["version"] != d["version"]:
        raise stale_draft_version(r.body["version"], d)
    problems = draft_problems(d)
    if problems:
        raise bad_request(f"the draft is not valid: {problems[0][0]}: {problems[0][1]}",
                          problems[0][0])
    before = snapshot(a)
    for key in ("name", "category", "secure", "config", "contract"):
        a[key] = d[key]
    a["version"] += 1
    a["draft"] = None
    s.record_audit(r.actor, "Action", "Update", a, diff(before, snapshot(a)))
    return 200, action_view(a, config=True, contract=True)


# --- the action test (Genesys assumes the role and invokes the function)

class StepFailed(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def aws_clients(endpoint, service, account, region, creds=None):
    import boto3  # only the action test needs it: imported on first use
    creds = creds or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = boto3.client(service, endpoint_url=endpoint, region_name=region, **creds)

    def moto_account(request, **_):
        request.headers["x-moto-account-id"] = account  # moto's account selection
    client.meta.events.register("before-sign.*.*", moto_account)
    return client


def step_resolve(s, a, body=None):
    i = s.integrations.get(a["integrationId"])
    if i is None:
        raise StepFailed("integration.not.found", f"integration {a['integrationId']} not found")
    if i["intendedState"] != "ENABLED":
        raise StepFailed("integration.not.active", f"integration {i['id']} is not enabled")
    ref = i["config"]["credentials"].get(CREDENTIAL_KEY)
    cred = s.credentials.get((ref or {}).get("id"))
    if cred is None or not cred["fields"].get("ARN"):
        raise StepFailed("credentials.missing", f"integration {i['id']} has no {CREDENTIAL_KEY} credential")
    url = a["config"]["request"].get("requestUrlTemplate") or ""
    # A template's `${input.NAME}` takes the test input's value (Velocity, as Genesys renders it).
    url = re.sub(r"\$\{input\.(\w+)\}", lambda m: str((body or {}).get(m.group(1), "")), url)
    if not re.match(r"^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$", url):
        raise StepFailed("invalid.request.url", f"requestUrlTemplate is not a Lambda function ARN: {url!r}")
    return {"integrationId": i["id"], "credentialId": cred["id"],
            "roleArn": cred["fields"]["ARN"], "functionArn": url}


def step_assume(s, role_arn):
    endpoint = s.args.aws_endpoint
    if not endpoint:
        raise StepFailed("test.unavailable", "the fake was started without --aws-endpoint")
    parts = role_arn.split(":")
    if len(parts) < 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        raise StepFailed("invalid.credentials", f"not a role ARN: {role_arn!r}")
    account, role_name = parts[4], parts[5].split("/")[-1]
    iam = aws_clients(endpoint, "iam", account, "us-east-1")
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except Exception as e:  # moto's AssumeRole would not notice a missing role
        raise StepFailed("aws.assume.role.failed", f"AccessDenied: role {role_arn} ({e})")
    trust = role.get("AssumeRolePolicyDocument")
    trust = unquote(trust) if isinstance(trust, str) else json.dumps(trust)
    if s.args.org_id not in trust:
        raise StepFailed("aws.assume.role.failed",
                         f"AccessDenied: the trust policy of {role_arn} does not name the "
                         f"organization ID {s.args.org_id} (textual check by the fake)")
    sts = aws_clients(endpoint, "sts", account, "us-east-1")
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="genesys-cloud-data-action-test",
                            ExternalId=s.args.org_id)["Credentials"]
    return {"aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"]}


def step_invoke(s, function_arn, creds):
    parts = function_arn.split(":")
    client = aws_clients(s.args.aws_endpoint, "lambda", parts[4], parts[3], creds)
    try:
        # A qualified ARN is passed as name + Qualifier: moto 5.2.5 answers 500 to a qualified
        # FunctionName (AWS accepts both forms).
        kwargs = {"FunctionName": function_arn}
        if len(parts) == 8:
            kwargs = {"FunctionName": ":".join(parts[:7]), "Qualifier": parts[7]}
        status = client.invoke(InvocationType="DryRun", **kwargs)["StatusCode"]
    except Exception as e:
        raise StepFailed("aws.lambda.invoke.failed", f"invoke {function_arn}: {e}")
    return {"statusCode": status, "invocationType": "DryRun"}


def step_answer(s, a, function_arn, body, invoke):
    """What the function answers: its registered behaviour (moto runs no function code without
    Docker), else the dry run's account. A behaviour slower than the action's timeout fails the
    step after the timeout, as Genesys gives up on the function then; an unhandled error is the
    payload Lambda returns with `FunctionError` (`errorMessage`, `errorType`), answered as is."""
    b = s.functions.get(function_arn)
    if b is None:
        return {"input": body, **invoke}
    timeout = a["config"].get("timeoutSeconds") or 30
    time.sleep(min(b["delay_seconds"], timeout))
    if b["delay_seconds"] > timeout:
        raise StepFailed("request.timeout",
                         f"the function did not answer within the action's timeout ({timeout} s)")
    return b["answer"]


@handles("post_integrations_action_test")
def _test_action(s, r):
    a = get_action_or_404(s, r.params["actionId"])
    operations, context = [], {}
    steps = [
        ("Resolve the integration credential", lambda: step_resolve(s, a, r.body)),
        ("Assume the role with the organization ID as external ID",
         lambda: step_assume(s, context["resolve"]["roleArn"])),
        ("Invoke the function (DryRun)",
         lambda: step_invoke(s, context["resolve"]["functionArn"], context["assume"])),
        ("Answer as the function does",
         lambda: step_answer(s, a, context["resolve"]["functionArn"], r.body, context["invoke"])),
    ]
    error = None
    for n, ((name, run), key) in enumerate(zip(steps, ("resolve", "assume", "invoke", "answer")), 1):
        try:
            context[key] = run()
            out = context[key]
            result = ({k: v for k, v in out.items() if not k.startswith("aws_")}
                      if isinstance(out, dict) else {"value": out})
            operations.append({"step": n, "name": name, "success": True, "result": result})
        except StepFailed as e:
            error = ApiError(400, e.code, e.message).body()
            operations.append({"step": n, "name": name, "success": False, "error": error})
            break
    result = {"operations": operations, "success": error is None}
    if error is None:
        result["finalResult"] = context["answer"]
    else:
        result["error"] = error
    return 200, result


# --- the audit trail

def audit_matches(entry, f):
    value = {"EntityId": entry["entity"]["id"], "EntityType": entry["entityType"],
             "Action": entry["action"], "UserId": (entry.get("user") or {}).get("id"),
             "ClientId": entry["client"]["id"],
             "TrusteeOrganizationId": None}[f["property"]]
    return value == f["value"]


def audit_entry_view(entry, expand_user):
    """An audit entry as the query answers it: the user as `{id}` only, unless `expand=user`."""
    view = copy.deepcopy(entry)
    if view.get("user") and not expand_user:
        view["user"] = {"id": view["user"]["id"]}
    return view


@handles("post_audits_query_realtime")
def _audit_query(s, r):
    if not s.settings["audit_permitted"]:
        raise ApiError(403, "missing.permissions",
                       "You are missing the following permission(s): audits:audit:view")
    start, _, end = r.body["interval"].partition("/")
    start, end = parse_time(start), parse_time(end)
    if start is None or end is None or start >= end or start.tzinfo is None:
        raise bad_request("interval must be an ISO-8601 interval start/end", "interval")
    entries = [e for e in s.audit if start <= parse_time(e["eventDate"]) < end]
    if r.body.get("serviceName"):
        entries = [e for e in entries if e["serviceName"] == r.body["serviceName"]]
    for f in r.body.get("filters") or []:
        entries = [e for e in entries if audit_matches(e, f)]
    descending = all((x.get("sortOrder") or "descending") == "descending"
                     for x in r.body.get("sort") or [{}])
    entries.sort(key=lambda e: e["eventDate"], reverse=descending)
    size, number = r.body.get("pageSize") or 25, r.body.get("pageNumber") or 1
    if not 1 <= size <= 500 or number < 1:
        raise bad_request("pageSize must be 1-500 and pageNumber at least 1", "pageSize")
    count = -(-len(entries) // size)
    expand_user = expands(r.query, "user")
    page = [audit_entry_view(e, expand_user) for e in entries[(number - 1) * size: number * size]]
    return 200, {"entities": page, "pageSize": size,
                 "pageNumber": number, "total": len(entries), "pageCount": count}


# --- Architect dependency tracking: which flows call an action

FLOW_FILTERS = ("published", "checkedIn")


def dependency_view(flow):
    return {"id": flow["id"], "name": flow["name"], "version": flow["version"],
            "type": flow["type"], "deleted": False, "updated": False, "stateUnknown": False,
            "selfUri": f"/api/v2/flows/{flow['id']}"}


@handles("get_architect_dependencytracking_consumingresources")
def _consuming_resources(s, r):
    if not s.settings["dependency_tracking_permitted"]:
        raise ApiError(403, "missing.permissions",
                       "You are missing the following permission(s): "
                       "architect:dependencyTracking:view")
    ident, object_type = r.query.get("id"), r.query.get("objectType")
    if not ident or not object_type:
        raise bad_request("id and objectType are required", "id" if not ident else "objectType")
    types_ = s.sdk.model("Dependency")["type"][1]
    if object_type not in types_:
        raise bad_request(f"objectType {object_type} is not a dependency type", "objectType")
    flow_filter = r.query.get("flowFilter")
    if flow_filter is not None and flow_filter not in FLOW_FILTERS:
        raise bad_request(f"flowFilter must be one of {', '.join(FLOW_FILTERS)}", "flowFilter")
    resource_types = set(r.query.all("resourceType"))
    flows = sorted(s.flows.values(), key=lambda f: (f["name"], f["id"]))
    if object_type != "DATAACTION":
        flows = []  # the fake tracks only flows calling data actions
    flows = [f for f in flows if ident in f["actions"]
             and (flow_filter != "published" or f["published"])
             and (not resource_types or f["type"] in resource_types)]
    return 200, paged([dependency_view(f) for f in flows], r.query,
                      "/api/v2/architect/dependencytracking/consumingresources")


# ----------------------------------------------------------------------------- control API

def person(name):
    """A person in the admin UI, as the audit trail names them."""
    ident = str(uuid.uuid5(uuid.NAMESPACE_URL, f"genesys-fake-user:{name}"))
    return ({"id": ident, "name": name, "selfUri": f"/api/v2/users/{ident}"}, ADMIN_CLIENT_ID)


def set_path(obj, path, value):
    """Sets `config.timeoutSeconds` or `/config/timeoutSeconds` in `obj`."""
    keys = [k.replace("~1", "/").replace("~0", "~") for k in path.strip("/").split("/")] \
        if path.startswith("/") else path.split(".")
    for k in keys[:-1]:
        obj = obj.setdefault(k, {})
    obj[keys[-1]] = value


def tamper_action(s, t, actor):
    """An edit in the admin UI: configuration, name, category (and, to test the fake's own
    checks, fields the SDK does not know); never the contract or `secure` of the published
    action, which the UI cannot change either."""
    a = get_action_or_404(s, t["id"])
    before = snapshot(a)
    edited = copy.deepcopy(a)
    for path, value in (t.get("set") or {}).items():
        set_path(edited, path, value)
    for field in IMMUTABLE_AFTER_PUBLISH:
        if edited.get(field) != a.get(field):
            raise contract_immutable(a["id"], field)
    a.clear()
    a.update(edited)
    a["version"] += 1
    s.record_audit(actor, "Action", "Update", a, diff(before, snapshot(a)))
    return a


def tamper_integration(s, t, actor):
    i = get_integration_or_404(s, t["id"])
    if t.get("intendedState"):
        set_intended_state(s, i, t["intendedState"], actor)
    if "credentials" in t or "name" in t:
        before = copy.deepcopy(i["config"])
        if "credentials" in t:
            i["config"]["credentials"] = check_credential_bindings(
                s, i, {k: {"id": v} for k, v in t["credentials"].items()})
        i["config"]["name"] = t.get("name", i["config"]["name"])
        i["config"]["version"] += 1
        s.record_audit(actor, "Integration", "Update", {"id": i["id"], "name": i["config"]["name"]},
                       diff({k: v for k, v in before.items() if k != "version"},
                            {k: v for k, v in i["config"].items() if k != "version"}, "config."))
    return integration_view(i)


def tamper_create_action(s, t, actor):
    body = {
        "name": t["name"], "category": t.get("category", "Foreign"),
        "integrationId": t["integrationId"], "secure": t.get("secure", False),
        "config": t.get("config") or {"request": {"requestUrlTemplate": t.get("requestUrlTemplate", ""),
                                                  "requestType": "POST"},
                                      "response": {}, "timeoutSeconds": t.get("timeoutSeconds", 30)},
        "contract": t.get("contract") or {"input": {"inputSchema": {"type": "object"}},
                                          "output": {"successSchema": {"type": "object"}}},
    }
    return new_action(s, body, actor)


def tamper(s, t):
    actor = person(t.get("user") or "Jane Admin")
    kind = t.get("kind")
    if kind == "credential":
        c = get_credential_or_404(s, t["id"])
        fields = dict(c["fields"], **(t.get("fields") or {}))
        update_credential(s, c, t.get("name", c["name"]), c["type"], fields, actor)
        return c
    if kind == "action":
        return tamper_action(s, t, actor)
    if kind == "integration":
        return tamper_integration(s, t, actor)
    if kind == "create_action":
        return tamper_create_action(s, t, actor)
    raise bad_request(f"unknown tamper kind {kind!r} (credential, action, integration, create_action)")


def add_flow(s, body):
    """An Architect flow that calls data actions (by ID), as dependency tracking reports it."""
    types_ = s.sdk.model("Dependency")["type"][1]
    flow_type = body.get("type") or "INBOUNDCALLFLOW"
    if flow_type not in types_:
        raise bad_request(f"flow type {flow_type!r} is not a dependency type of the SDK", "type")
    if not body.get("name"):
        raise bad_request("a flow needs a name", "name")
    actions = body.get("actions") or []
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        raise bad_request("actions: a list of action IDs", "actions")
    ident = body.get("id") or str(uuid.uuid4())
    flow = {"id": ident, "name": body["name"], "type": flow_type,
            "version": str(body.get("version") or "1.0"),
            "published": bool(body.get("published", True)), "actions": list(actions)}
    s.flows[ident] = flow
    return flow


def control(s, method, path, body):
    if (method, path) == ("GET", "/__fake/calls"):
        return 200, s.calls
    if (method, path) == ("POST", "/__fake/calls/reset"):
        s.calls.clear()
        return 200, {"reset": True}
    if (method, path) == ("POST", "/__fake/inject"):
        return 200, add_injection(s, body)
    if (method, path) == ("POST", "/__fake/tamper"):
        return 200, tamper(s, body)
    if (method, path) == ("POST", "/__fake/settings"):
        return 200, s.apply_settings(body)
    if (method, path) == ("GET", "/__fake/state"):
        return 200, s.dump()
    if (method, path) == ("POST", "/__fake/flows"):
        return 200, add_flow(s, body)
    if (method, path) == ("POST", "/__fake/functions"):
        s.functions[body["arn"]] = {"answer": body.get("answer"),
                                    "function_error": bool(body.get("function_error")),
                                    "delay_seconds": float(body.get("delay_seconds", 0))}
        return 200, s.functions[body["arn"]]
    if method == "DELETE" and path.startswith("/__fake/flows/"):
        ident = path[len("/__fake/flows/"):]
        if s.flows.pop(ident, None) is None:
            raise not_found("flow", ident)
        return 200, {"deleted": ident}
    raise not_found("control endpoint", f"{method} {path}")


def take_injection(s, method, path):
    """The first injection matching the call (its count taken), or None."""
    for inj in s.injections:
        if inj["count"] > 0 and inj["method"] in (None, method) and path.startswith(inj["path_prefix"]):
            inj["count"] -= 1
            return inj
    return None


class Dropped(Exception):
    """The connection is closed without an answer."""


DROPPED = 0  # the status the call log records for a dropped connection


def injected_failure(inj):
    if inj["drop"]:
        return Dropped()
    code, message = INJECTED[inj["status"]]
    retry = inj["retry_after"] if inj["retry_after"] is not None else 1
    headers = {"Retry-After": str(retry)} if inj["status"] == 429 else {}
    return ApiError(inj["status"], code, message.format(s=retry), headers)


def add_injection(s, body):
    drop = bool(body.get("drop"))
    if (not drop and body.get("status") not in INJECTED) or int(body.get("count", 0)) < 1:
        raise bad_request(f"inject: status one of {sorted(INJECTED)} (or drop: true) and count >= 1")
    s.injections.append({
        "status": None if drop else body["status"], "count": int(body["count"]),
        "retry_after": body.get("retry_after"),
        "method": (body.get("method") or "").upper() or None,
        "path_prefix": body.get("path_prefix") or "",
        "drop": drop,
        # A drop is after the write unless told otherwise; a status injection before it.
        "after_write": bool(body.get("after_write", drop)),
    })
    return {"injections": s.injections}


def is_write(method, path):
    return (method in ("POST", "PUT", "PATCH", "DELETE") and path.startswith("/api/v2/")
            and path != "/api/v2/audits/query/realtime" and not path.endswith("/test"))


# ----------------------------------------------------------------------------- HTTP

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "genesys-fake"
    sdk = None
    state = None

    def log_message(self, fmt, *args):  # quiet: the calls log is the record
        pass

    def date_time_string(self, timestamp=None):
        """The `Date` header from the fake's clock (held or running), as Genesys Cloud's
        server time: second precision (RFC 9110)."""
        from email.utils import format_datetime
        return format_datetime(now(), usegmt=True)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def handle_any(self, method):
        url = urlsplit(self.path)
        path = url.path
        query = parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        s = self.state
        arrived = time.time()
        if not path.startswith("/__fake/") and s.settings["latency_seconds"]:
            time.sleep(s.settings["latency_seconds"])  # outside the lock: calls overlap
        with s.lock:
            if path.startswith("/__fake/"):
                status, body, headers = self.run(
                    lambda: control(s, method, path, parse_json(raw) or {}))
                return self.send(status, body, headers)
            limits = {}
            status, body, headers = self.run(lambda: self.dispatch(method, path, query, raw, limits))
            call = {"method": method, "path": path, "query": url.query, "status": status,
                    "write": is_write(method, path), "at": time.monotonic(), "arrived": arrived,
                    "window_count": int(limits.get("inin-ratelimit-count", 0))}
            if status == DROPPED:
                call["dropped"] = True
            s.calls.append(call)
        if status == DROPPED:  # the write happened; the client never hears of it
            self.close_connection = True
            return
        self.send(status, body, dict(limits, **headers))

    def run(self, f):
        try:
            status, body = f()
            return status, body, {}
        except Dropped:
            return DROPPED, None, {}
        except OAuthError as e:
            return e.status, e.body(), e.headers
        except ApiError as e:
            return e.status, self.checked(e.body(), "ErrorBody"), e.headers
        except Invalid as e:  # a response that does not fit the SDK model: the fake drifted
            field, problem = e.args
            print(f"genesys-fake: response drifted from the SDK model: {field}: {problem}",
                  file=sys.stderr, flush=True)
            return 500, {"message": f"fake response drifted from the SDK model: {field}: {problem}",
                         "code": "fake.model.drift", "status": 500}, {}
        except Exception as e:  # a bug in the fake: say so loudly
            import traceback
            traceback.print_exc()
            return 500, {"message": f"genesys fake crashed: {e!r}", "code": "fake.crash",
                         "status": 500}, {}

    def checked(self, body, typ):
        check(self.sdk, body, typ, "", request=False)
        return body

    def dispatch(self, method, path, query, raw, limits):
        s = self.state
        if path.startswith("/api/v2/"):
            limits.update(s.rate_limit_headers())  # counts the request; 429 when over the limit
        injection = take_injection(s, method, path)
        if injection and not injection["after_write"]:
            raise injected_failure(injection)
        if path == "/oauth/token":
            if method != "POST":
                raise ApiError(405, "method.not.allowed", "use POST")
            return self.token(raw)
        if not path.startswith("/api/v2/"):
            raise not_found("resource", path)
        status, out = self.api_call(method, path, query, raw)
        if injection:  # the write is done; the answer is lost
            raise injected_failure(injection)
        return status, out

    def api_call(self, method, path, query, raw):
        s = self.state
        actor = self.authenticate()
        endpoint, params = self.sdk.route(method, path)
        if endpoint is False:
            raise ApiError(405, "method.not.allowed", f"{method} is not allowed on {path}")
        if endpoint is None:
            raise not_found("resource", path)
        handler = HANDLERS.get(endpoint["operation"])
        if handler is None:
            raise ApiError(501, "not.implemented",
                           f"{endpoint['operation']} ({method} {endpoint['path']}) is not implemented by the fake")
        check_permission(s, endpoint["operation"])
        check_query(endpoint, query)
        body = parse_json(raw)
        if endpoint["operation"] == "patch_integrations_action" and isinstance(body, dict):
            for field in IMMUTABLE_AFTER_PUBLISH:
                if field in body:  # not in UpdateActionInput: say why, as the Resource Center does
                    raise contract_immutable(params["actionId"], field)
        body = self.request_body(endpoint, body)
        status, out = handler(s, Request(params, Query(query, endpoint), body, actor))
        return status, self.response_body(endpoint, out)

    def request_body(self, endpoint, body):
        if endpoint["body"] is None:
            if body not in (None, {}):
                raise bad_request(f"{endpoint['path']} takes no body")
            return None
        if body is None and endpoint["body_required"]:
            raise bad_request("a body is required")
        if body is not None and endpoint["body"] != "object":
            try:
                check(self.sdk, body, endpoint["body"], "", request=True)
            except Invalid as e:
                field, problem = e.args
                raise bad_request(f"invalid {endpoint['body']} body: {field}: {problem}", field)
        return body

    def response_body(self, endpoint, out):
        typ = endpoint["response"]
        if out is None or typ is None:
            return None
        if typ == "str":
            if not isinstance(out, str):
                raise Invalid("", "expected a text body")
            return out
        return self.checked(out, typ)

    def authenticate(self):
        header = self.headers.get("Authorization") or ""
        if not header.lower().startswith("bearer "):
            raise ApiError(401, "authentication.required",
                           "No authentication bearer token specified in authorization header.")
        if header[7:].strip() not in self.state.tokens:
            raise ApiError(401, "bad.credentials", "Invalid login credentials.")
        cid = self.state.args.client_id
        return ({"id": cid, "name": f"OAuth client {cid}",
                 "selfUri": f"/api/v2/oauth/clients/{cid}"}, cid)

    def token(self, raw):
        header = self.headers.get("Authorization") or ""
        try:
            user, _, secret = base64.b64decode(header[6:]).decode().partition(":") \
                if header.lower().startswith("basic ") else ("", "", "")
        except (ValueError, UnicodeDecodeError):
            user, secret = "", ""
        form = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type", "grant_type must be client_credentials")
        args = self.state.args
        if (user, secret) != (args.client_id, args.client_secret):
            raise OAuthError(401, "invalid_client", "client not found or bad client secret")
        token = base64.urlsafe_b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes).decode().rstrip("=")
        self.state.tokens.add(token)
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": 86399}

    def send(self, status, body, headers):
        if body is None:
            payload, ctype = b"", None
        elif isinstance(body, str):
            payload, ctype = body.encode(), "text/plain; charset=utf-8"
        else:
            payload, ctype = json.dumps(body).encode(), "application/json"
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        if status >= 400:
            self.send_header("inin-correlation-id", str(uuid.uuid4()))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(payload)


class OAuthError(ApiError):
    """The login host's errors are OAuth-style, not ErrorBody."""

    def body(self):
        return {"error": self.code, "description": self.message, "error_description": self.message}


def check_query(endpoint, query):
    """The endpoint's query parameters, typed as the SDK declares them (int, bool); others are
    ignored, as by the API."""
    for name, py_name in endpoint["query"]:
        typ, value = endpoint["query_types"].get(py_name), (query.get(name) or [None])[-1]
        if value is None:
            continue
        if typ == "int" and not re.fullmatch(r"-?\d+", value):
            raise bad_request(f"query parameter {name} must be an integer", name)
        if typ == "bool" and value.lower() not in ("true", "false"):
            raise bad_request(f"query parameter {name} must be true or false", name)


def parse_json(raw):
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as e:
        raise bad_request(f"the body is not valid JSON: {e}")


SDK_VERSION = "269.0.0"


def self_check():
    """`--self-check` (used by `just setup`): the pinned SDK is installed, and every handler,
    request model and response model the fake relies on is in it."""
    from importlib.metadata import version
    installed = version("purecloudplatformclientv2")
    if installed != SDK_VERSION:
        sys.exit(f"purecloudplatformclientv2 {installed} installed, {SDK_VERSION} expected")
    sdk = Sdk()
    operations = {e["operation"]: e for e in sdk.endpoints}
    missing = sorted(set(HANDLERS) - set(operations))
    if missing:
        sys.exit(f"operations not in the SDK: {', '.join(missing)}")
    for name in set(REQUIRED) | {"ErrorBody"}:
        fields = sdk.model(name)
        unknown = set(REQUIRED.get(name, [])) - set(fields)
        if unknown:
            sys.exit(f"{name} has no field(s) {', '.join(sorted(unknown))}")
    for op in HANDLERS:
        for typ in (operations[op]["body"], operations[op]["response"]):
            for model in re.findall(r"[A-Z]\w+", typ or ""):
                sdk.model(model)
    with open(__file__, encoding="utf-8") as f:
        reads = handler_query_reads(f.read())
    problems = []
    for op, names in sorted(reads.items()):
        if op not in operations:
            problems.append(f"{op}: not an operation of the SDK")
            continue
        declared = {name for name, _ in operations[op]["query"]}
        undeclared = sorted(names - declared)
        if undeclared:
            problems.append(f"{op} ({operations[op]['method']} {operations[op]['path']}) reads "
                            f"query parameter(s) {', '.join(undeclared)} the SDK does not declare "
                            f"(declared: {', '.join(sorted(declared)) or 'none'})")
    if problems:
        sys.exit("query parameters:\n  " + "\n  ".join(problems))
    print(f"purecloudplatformclientv2 {installed}: {len(HANDLERS)} operations, "
          f"{len(sdk.models)} models, {sum(map(len, reads.values()))} query parameter reads checked")


QUERY_READERS = ("int_param", "bool_param")  # (query, name, ...) helpers


def handler_query_reads(source):
    """{operation: query parameter names its handler reads}, from the fake's source: reads are
    `<query>.get("x")`, `<query>.all("x")`, `<query>["x"]` (where `<query>` is `query`, `q` or
    `….query`) and the helpers in QUERY_READERS, in the handler or any function of this module
    it calls (transitively; an over-approximation, on purpose)."""
    tree = ast.parse(source)
    funcs = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}

    def is_query(expr):
        text = ast.unparse(expr)
        return text in ("query", "q") or text.endswith(".query")

    def literal(node):
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    direct, calls = {}, {}
    for name, f in funcs.items():
        reads, called = set(), set()
        for node in ast.walk(f):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called.add(node.func.id)
                if node.func.id in QUERY_READERS and len(node.args) >= 2 and literal(node.args[1]):
                    reads.add(literal(node.args[1]))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("get", "all") and is_query(node.func.value)
                  and node.args and literal(node.args[0])):
                reads.add(literal(node.args[0]))
            elif isinstance(node, ast.Subscript) and is_query(node.value) and literal(node.slice):
                reads.add(literal(node.slice))
            elif isinstance(node, ast.Name) and node.id in funcs:
                called.add(node.id)  # passed along, e.g. as a callback
        direct[name], calls[name] = reads, called & set(funcs)

    def closure(name, seen):
        if name in seen:
            return set()
        seen.add(name)
        out = set(direct[name])
        for callee in calls[name]:
            out |= closure(callee, seen)
        return out

    reads = {}
    for name, f in funcs.items():
        for deco in f.decorator_list:
            if (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Name)
                    and deco.func.id == "handles" and deco.args and literal(deco.args[0])):
                reads[literal(deco.args[0])] = closure(name, set())
    return reads


def main():
    if sys.argv[1:] == ["--self-check"]:
        return self_check()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-secret", required=True)
    p.add_argument("--aws-endpoint", help="moto server for the action test")
    p.add_argument("--org-id", default="0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10",
                   help="the organization ID (the role's external ID)")
    args = p.parse_args()
    Handler.sdk = Sdk()
    Handler.state = State(args, Handler.sdk)
    ThreadingHTTPServer.request_queue_size = 128  # clients open many connections at once
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
