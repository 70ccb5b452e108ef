//! The local Genesys Cloud (`tests/it/support/genesys_fake.py`) driven over HTTP: OAuth, paging,
//! optimistic concurrency, credential redaction, drafts, templates, fault injection (before the
//! write, lost answers, dropped connections), tampering and the audit trail, Architect
//! dependency tracking, rate-limit headers, SDK-model validation of requests, responses and
//! query parameters, and the action test against moto. These pin the behaviour lambda-trust's
//! Genesys layer is tested against, including where Genesys Cloud is stricter than a naive
//! server (issue 16): no contract in the actions list, immutable published contracts, the 400
//! stale-draft answer, second-precision listing dates, masked credential reads, user names
//! only with `expand=user`.

use crate::support;

use serde_json::{json, Value};
use support::genesys::GenesysFake;
use support::MotoServer;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/GenesysLambdaInvoker";
const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:lookup-order";

/// A fake, a token, and the objects of a full setup made through the API.
struct Setup {
    fake: GenesysFake,
    token: String,
    credential: String,
    integration: String,
    action: String,
}

impl Setup {
    fn new() -> Setup {
        Self::on(GenesysFake::start(), ROLE_ARN, FUNCTION_ARN)
    }

    fn on(fake: GenesysFake, role_arn: &str, function_arn: &str) -> Setup {
        let token = fake.token();
        let credential = ok(fake.api(
            &token,
            "POST",
            "/api/v2/integrations/credentials",
            Some(
                &json!({"name": "lambda-trust role", "type": {"name": "amazonWebServicesARN"},
                         "credentialFields": {"ARN": role_arn}}),
            ),
        ))["id"]
            .as_str()
            .unwrap()
            .to_string();
        let integration = ok(fake.api(
            &token,
            "POST",
            "/api/v2/integrations",
            Some(&json!({"name": "AWS Lambda (lambda-trust)",
                         "integrationType": {"id": "aws-lambda-data-actions"}})),
        ))["id"]
            .as_str()
            .unwrap()
            .to_string();
        ok(fake.api(
            &token,
            "PUT",
            &format!("/api/v2/integrations/{integration}/config/current"),
            Some(
                &json!({"name": "AWS Lambda (lambda-trust)", "version": 1, "properties": {},
                         "advanced": {}, "notes": "managed-by=lambda-trust",
                         "credentials": {"AmazonWebServicesARN": {"id": credential}}}),
            ),
        ));
        ok(fake.api(
            &token,
            "PATCH",
            &format!("/api/v2/integrations/{integration}"),
            Some(&json!({"intendedState": "ENABLED"})),
        ));
        let action = ok(fake.api(
            &token,
            "POST",
            "/api/v2/integrations/actions",
            Some(&action_body(&integration, "Lookup order", function_arn)),
        ))["id"]
            .as_str()
            .unwrap()
            .to_string();
        Setup {
            fake,
            token,
            credential,
            integration,
            action,
        }
    }

    fn get(&self, path: &str) -> support::http::HttpResponse {
        self.fake.api(&self.token, "GET", path, None)
    }

    fn send(&self, method: &str, path: &str, body: Value) -> support::http::HttpResponse {
        self.fake.api(&self.token, method, path, Some(&body))
    }
}

fn action_body(integration: &str, name: &str, function_arn: &str) -> Value {
    json!({
        "name": name,
        "category": "Lambda",
        "integrationId": integration,
        "secure": false,
        "config": {
            "request": {"requestUrlTemplate": function_arn, "requestType": "POST",
                        "headers": {}, "requestTemplate": "${input.rawRequest}"},
            "response": {"translationMap": {}, "translationMapDefaults": {},
                         "successTemplate": "${rawResult}"},
            "timeoutSeconds": 30
        },
        "contract": {
            "input": {"inputSchema": {"type": "object", "properties":
                {"orderId": {"type": "string"}, "lines": {"type": "array", "items": {"type": "string"}}}}},
            "output": {"successSchema": {"type": "object"}}
        }
    })
}

#[track_caller]
fn ok(r: support::http::HttpResponse) -> Value {
    assert!(r.is_success(), "HTTP {}: {}", r.status, r.text());
    r.json()
}

#[track_caller]
fn status(r: &support::http::HttpResponse, want: u16, code: &str) -> Value {
    assert_eq!(r.status, want, "{}", r.text());
    let v = r.json();
    assert_eq!(v["code"], code, "{v}");
    v
}

#[test]
fn oauth_client_credentials_and_bearer_tokens() {
    let fake = GenesysFake::start();
    let basic = |id: &str, secret: &str| {
        format!(
            "Basic {}",
            support::http::base64_encode(format!("{id}:{secret}").as_bytes())
        )
    };
    let token_call = |auth: &str, form: &[u8]| {
        fake.raw(
            "POST",
            "/oauth/token",
            &[
                ("Authorization", auth),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            form,
        )
    };
    let good = token_call(
        &basic(fake.client_id(), fake.client_secret()),
        b"grant_type=client_credentials",
    );
    assert_eq!(good.status, 200, "{}", good.text());
    let v = good.json();
    assert_eq!(v["token_type"], "bearer");
    assert!(v["expires_in"].as_u64().unwrap() > 0);
    let token = v["access_token"].as_str().unwrap();

    let bad = token_call(
        &basic(fake.client_id(), "wrong"),
        b"grant_type=client_credentials",
    );
    assert_eq!(bad.status, 401);
    assert_eq!(bad.json()["error"], "invalid_client");
    let grant = token_call(
        &basic(fake.client_id(), fake.client_secret()),
        b"grant_type=password",
    );
    assert_eq!(grant.status, 400);

    let none = fake.raw("GET", "/api/v2/integrations", &[], b"");
    status(&none, 401, "authentication.required");
    let forged = fake.api("not-a-token", "GET", "/api/v2/integrations", None);
    status(&forged, 401, "bad.credentials");
    assert_eq!(
        fake.api(token, "GET", "/api/v2/integrations", None).status,
        200
    );
    // The env for the binary: the URL is both the API and the login URL.
    let env = fake.env();
    assert!(env.contains(&("GENESYSCLOUD_API_REGION".into(), fake.url())));
    assert!(env.contains(&(
        "GENESYSCLOUD_OAUTHCLIENT_SECRET".into(),
        fake.client_secret().into()
    )));
}

#[test]
fn lists_are_paged_and_the_credential_listing_is_cursor_paged() {
    let s = Setup::new();
    for n in 0..4 {
        ok(s.send(
            "POST",
            "/api/v2/integrations/actions",
            action_body(&s.integration, &format!("Action {n}"), FUNCTION_ARN),
        ));
        ok(s.send(
            "POST",
            "/api/v2/integrations/credentials",
            json!({"name": format!("c{n}"), "type": {"name": "amazonWebServicesARN"},
                   "credentialFields": {"ARN": ROLE_ARN}}),
        ));
    }
    let mut seen = Vec::new();
    for page in 1..=3 {
        let v = ok(s.get(&format!(
            "/api/v2/integrations/actions?pageSize=2&pageNumber={page}"
        )));
        assert_eq!(
            (v["total"].as_u64(), v["pageCount"].as_u64()),
            (Some(5), Some(3))
        );
        assert_eq!(v["nextUri"].is_string(), page < 3, "{v}");
        for a in v["entities"].as_array().unwrap() {
            assert!(a.get("config").is_none(), "config only with includeConfig");
            seen.push(a["id"].as_str().unwrap().to_string());
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5);
    // Filters from the SDK: partial name, ids.
    let v = ok(s.get("/api/v2/integrations/actions?name=order"));
    assert_eq!(v["total"], 1);
    let v = ok(s.get(&format!("/api/v2/integrations/actions?ids={}", s.action)));
    assert_eq!(v["entities"][0]["id"], s.action.as_str());
    // Query parameters are typed as the SDK declares them.
    assert_eq!(s.get("/api/v2/integrations/actions?pageSize=x").status, 400);
    assert_eq!(
        s.get(&format!(
            "/api/v2/integrations/actions/{}?includeConfig=yes",
            s.action
        ))
        .status,
        400
    );
    // Even where the fake has no use for one (GET one integration declares pageSize).
    let one = format!("/api/v2/integrations/{}", s.integration);
    assert_eq!(s.get(&format!("{one}?pageSize=2")).status, 200);
    assert_eq!(s.get(&format!("{one}?pageSize=two")).status, 400);

    // The cursor listing: follow nextUri until it stops; every credential once, with dates.
    let mut uri = "/api/v2/integrations/credentials/listing?pageSize=2".to_string();
    let mut ids = Vec::new();
    loop {
        let v = ok(s.get(&uri));
        for c in v["entities"].as_array().unwrap() {
            assert!(c["modifiedDate"].is_string(), "{c}");
            ids.push(c["id"].as_str().unwrap().to_string());
        }
        match v["nextUri"].as_str() {
            Some(next) => uri = next.to_string(),
            None => break,
        }
    }
    assert_eq!(ids.len(), 5);
    assert!(ids.contains(&s.credential));
}

#[test]
fn a_stale_version_is_a_409_and_nothing_changes() {
    let s = Setup::new();
    let path = format!("/api/v2/integrations/{}/config/current", s.integration);
    let current = ok(s.get(&path));
    assert_eq!(current["version"], 2);
    let stale = s.send(
        "PUT",
        &path,
        json!({"name": "renamed", "version": 1, "properties": {}, "advanced": {},
               "notes": "", "credentials": {}}),
    );
    status(&stale, 409, "conflict");
    assert_eq!(ok(s.get(&path)), current);
    // Actions too: PATCH with the wrong version.
    let action = format!("/api/v2/integrations/actions/{}", s.action);
    let r = s.send("PATCH", &action, json!({"version": 7, "name": "x"}));
    status(&r, 409, "conflict");
    let r = ok(s.send(
        "PATCH",
        &action,
        json!({"version": 1, "name": "Lookup order v2"}),
    ));
    assert_eq!(r["version"], 2);
}

#[test]
fn a_credential_is_never_read_back_and_its_listing_shows_whole_seconds() {
    let s = Setup::new();
    let one = s.get(&format!(
        "/api/v2/integrations/credentials/{}",
        s.credential
    ));
    assert_eq!(one.status, 200);
    assert!(
        !one.text().contains("GenesysLambdaInvoker"),
        "{}",
        one.text()
    );
    // The SDK's `Credential` has no date: the single read tells nothing of a change.
    assert!(!one.text().contains("modifiedDate"), "{}", one.text());
    let listed = |s: &Setup| -> String {
        let v = ok(s.get("/api/v2/integrations/credentials"));
        let c = v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == s.credential.as_str())
            .cloned()
            .unwrap();
        assert!(!c.to_string().contains("GenesysLambdaInvoker"));
        c["modifiedDate"].as_str().unwrap().to_string()
    };
    let before = listed(&s);
    assert!(!before.contains('.'), "to the second: {before}");
    // A change in a later second lists a later date.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let other = "arn:aws:iam::999999999999:role/Attacker";
    s.fake
        .tamper(json!({"kind": "credential", "id": s.credential, "fields": {"ARN": other}}));
    let after = listed(&s);
    assert!(after > before, "{before} → {after}");
    assert_eq!(
        s.fake.state()["credentials"][&s.credential]["fields"]["ARN"],
        other
    );
    // Two changes in one second list one date, as Genesys Cloud's listings do (the clock held
    // in one second makes it reproducible); the `Date` header follows the same clock.
    s.fake.settings(json!({"clock": "held"}));
    s.fake
        .tamper(json!({"kind": "credential", "id": s.credential,
        "fields": {"ARN": "arn:aws:iam::999999999999:role/One"}}));
    let first = listed(&s);
    s.fake
        .tamper(json!({"kind": "credential", "id": s.credential,
        "fields": {"ARN": "arn:aws:iam::999999999999:role/Two"}}));
    assert_eq!(listed(&s), first);
}

#[test]
fn a_configuration_change_goes_through_the_draft_and_keeps_the_id() {
    let s = Setup::new();
    let base = format!("/api/v2/integrations/actions/{}", s.action);
    assert_eq!(s.get(&format!("{base}/draft")).status, 404);
    let draft = ok(s.send("POST", &format!("{base}/draft"), json!({})));
    assert_eq!(
        (draft["id"].as_str(), &draft["version"]),
        (Some(s.action.as_str()), &json!(1))
    );
    status(
        &s.send("POST", &format!("{base}/draft"), json!({})),
        409,
        "conflict",
    );
    let mut config = action_body(&s.integration, "x", FUNCTION_ARN)["config"].clone();
    config["timeoutSeconds"] = json!(12);
    config["request"]["requestTemplate"] = json!("{\"orderId\": \"${input.orderId}\"}");
    let patched = ok(s.send(
        "PATCH",
        &format!("{base}/draft"),
        json!({"version": 1, "config": config}),
    ));
    assert_eq!(patched["version"], 2);
    assert_eq!(
        ok(s.get(&format!("{base}/draft/validation")))["valid"],
        true
    );
    assert_eq!(
        s.get(&format!("{base}/draft/templates/requesttemplate.vm"))
            .text(),
        "{\"orderId\": \"${input.orderId}\"}"
    );
    // The live action is unchanged until publish.
    let live = ok(s.get(&format!("{base}?includeConfig=true")));
    assert_eq!(
        (&live["version"], &live["config"]["timeoutSeconds"]),
        (&json!(1), &json!(30))
    );
    let published = ok(s.send(
        "POST",
        &format!("{base}/draft/publish"),
        json!({"version": 2}),
    ));
    assert_eq!(published["id"], s.action.as_str());
    assert_eq!(published["version"], 2);
    let live = ok(s.get(&format!("{base}?includeConfig=true")));
    assert_eq!(live["config"]["timeoutSeconds"], 12);
    assert_eq!(
        s.get(&format!("{base}/templates/requesttemplate.vm"))
            .text(),
        "{\"orderId\": \"${input.orderId}\"}"
    );
    assert_eq!(s.get(&format!("{base}/draft")).status, 404);
}

#[test]
fn templates_are_read_through_their_own_endpoint() {
    let s = Setup::new();
    let base = format!("/api/v2/integrations/actions/{}", s.action);
    let a = ok(s.get(&format!("{base}?includeConfig=true")));
    let request = &a["config"]["request"];
    assert!(request.get("requestTemplate").is_none(), "{a}");
    assert_eq!(
        request["requestTemplateUri"],
        format!("{base}/templates/requesttemplate.vm")
    );
    assert_eq!(request["requestUrlTemplate"], FUNCTION_ARN);
    assert!(a["config"]["response"].get("successTemplate").is_none());
    let text = s.get(&format!("{base}/templates/requesttemplate.vm"));
    assert_eq!(text.status, 200);
    assert!(text
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(text.text(), "${input.rawRequest}");
    s.fake.tamper(json!({"kind": "action", "id": s.action,
                         "set": {"/config/response/successTemplate": "{\"x\": 1}"}}));
    assert_eq!(
        s.get(&format!("{base}/templates/successtemplate.vm"))
            .text(),
        "{\"x\": 1}"
    );
    assert_eq!(s.get(&format!("{base}/templates/other.vm")).status, 404);
}

#[test]
fn injected_faults_hit_the_matching_calls_only() {
    let s = Setup::new();
    s.fake.reset_calls();
    s.fake
        .inject(429, 2, Some(7), Some("GET"), "/api/v2/integrations/actions");
    let other = s.get("/api/v2/integrations");
    assert_eq!(other.status, 200);
    for _ in 0..2 {
        let r = s.get("/api/v2/integrations/actions");
        status(&r, 429, "too.many.requests");
        assert_eq!(r.header("retry-after"), Some("7"));
    }
    assert_eq!(s.get("/api/v2/integrations/actions").status, 200);
    s.fake.inject(503, 1, None, Some("PUT"), "");
    let path = format!("/api/v2/integrations/{}/config/current", s.integration);
    let body = json!({"name": "n", "version": 2, "properties": {}, "advanced": {},
                      "notes": "", "credentials": {}});
    status(
        &s.send("PUT", &path, body.clone()),
        503,
        "service.unavailable",
    );
    assert_eq!(
        ok(s.get(&path))["version"],
        2,
        "an injected failure changes nothing"
    );
    assert_eq!(ok(s.send("PUT", &path, body))["version"], 3);
    let statuses: Vec<(String, u16, bool)> = s
        .fake
        .calls()
        .into_iter()
        .map(|c| (c.method, c.status, c.write))
        .collect();
    assert_eq!(
        statuses,
        [
            ("GET".into(), 200, false),
            ("GET".into(), 429, false),
            ("GET".into(), 429, false),
            ("GET".into(), 200, false),
            ("PUT".into(), 503, true),
            ("GET".into(), 200, false),
            ("PUT".into(), 200, true),
        ]
    );
    assert_eq!(s.fake.writes(), 2);
}

/// The audit trail of `entity`, users expanded (names included).
fn audit(s: &Setup, entity: &str) -> support::http::HttpResponse {
    audit_query(s, "?expand=user", entity)
}

fn audit_query(s: &Setup, query: &str, entity: &str) -> support::http::HttpResponse {
    s.send(
        "POST",
        &format!("/api/v2/audits/query/realtime{query}"),
        json!({"interval": "2020-01-01T00:00:00Z/2100-01-01T00:00:00Z",
               "serviceName": "Integrations",
               "filters": [{"property": "EntityId", "value": entity}],
               "sort": [{"name": "Timestamp", "sortOrder": "descending"}]}),
    )
}

#[test]
fn a_tamper_is_audited_under_the_person_and_api_changes_under_the_client() {
    let s = Setup::new();
    s.fake.reset_calls();
    s.fake.tamper(
        json!({"kind": "action", "id": s.action, "user": "Jane Admin",
                         "set": {"config.timeoutSeconds": 5}}),
    );
    let v = ok(audit(&s, &s.action));
    assert_eq!(v["total"], 2, "{v}");
    let newest = &v["entities"][0];
    assert_eq!(newest["user"]["name"], "Jane Admin");
    assert_eq!(newest["action"], "Update");
    assert_eq!(newest["entityType"], "Action");
    assert_eq!(
        newest["propertyChanges"][0],
        json!({"property": "config.timeoutSeconds", "oldValues": ["30"], "newValues": ["5"]})
    );
    let created = &v["entities"][1];
    assert_eq!(created["action"], "Create");
    assert_eq!(created["client"]["id"], s.fake.client_id());
    // The tampered action is visible through the API, with a new version.
    let a = ok(s.get(&format!(
        "/api/v2/integrations/actions/{}?includeConfig=true",
        s.action
    )));
    assert_eq!(
        (a["version"].as_u64(), &a["config"]["timeoutSeconds"]),
        (Some(2), &json!(5))
    );
    // A foreign action appears in the list, audited as created by the person.
    let foreign = s.fake.tamper(json!({"kind": "create_action", "integrationId": s.integration,
                                       "name": "Someone else's", "user": "Sam Other",
                                       "requestUrlTemplate": "arn:aws:lambda:us-east-1:123456789012:function:other"}));
    let entries = ok(audit(&s, foreign["id"].as_str().unwrap()));
    assert_eq!(entries["entities"][0]["user"]["name"], "Sam Other");
    // Without the permission: 403, as the real API answers.
    s.fake.settings(json!({"audit_permitted": false}));
    status(&audit(&s, &s.action), 403, "missing.permissions");
    // Neither the audit query nor the tampering counts as a write of the client.
    assert_eq!(s.fake.writes(), 0);
}

#[test]
fn a_body_the_sdk_model_rejects_is_a_400_and_writes_nothing() {
    let s = Setup::new();
    let before = s.fake.state()["actions"].as_object().unwrap().len();
    let mut unknown = action_body(&s.integration, "Unknown field", FUNCTION_ARN);
    unknown["timeout"] = json!(30);
    let mut wrong_type = action_body(&s.integration, "Wrong type", FUNCTION_ARN);
    wrong_type["config"]["timeoutSeconds"] = json!("30");
    let mut missing = action_body(&s.integration, "Missing contract", FUNCTION_ARN);
    missing.as_object_mut().unwrap().remove("contract");
    let mut nested = action_body(&s.integration, "Nested unknown", FUNCTION_ARN);
    nested["config"]["request"]["url"] = json!(FUNCTION_ARN);
    for (body, field) in [
        (unknown, "timeout"),
        (wrong_type, "config.timeoutSeconds"),
        (missing, "contract"),
        (nested, "config.request.url"),
    ] {
        let r = s.send("POST", "/api/v2/integrations/actions", body);
        let v = status(&r, 400, "bad.request");
        assert!(v["message"].as_str().unwrap().contains(field), "{v}");
    }
    let r = s.send(
        "PATCH",
        &format!("/api/v2/integrations/{}", s.integration),
        json!({"intendedState": "SWITCHED_ON"}),
    );
    status(&r, 400, "bad.request");
    let r = s.send(
        "POST",
        "/api/v2/integrations/credentials",
        json!({"name": "c", "type": {"name": "amazonWebServicesARN"},
               "credentialFields": {"RoleArn": ROLE_ARN}}),
    );
    status(&r, 400, "bad.request");
    assert_eq!(s.fake.state()["actions"].as_object().unwrap().len(), before);
}

/// The request and response options follow the SDK's `RequestConfig`/`ResponseConfig`
/// (`headers`, `translationMap`, `translationMapDefaults`: `dict(str, str)`) and the Terraform
/// provider's `request_type` (GET, PUT, POST, PATCH, DELETE); a translation map naming a path
/// the contract lacks is kept (Genesys fails it only when the action runs).
#[test]
fn every_action_option_is_checked_against_the_models_and_kept_as_written() {
    let s = Setup::new();
    let before = s.fake.state()["actions"].as_object().unwrap().len();
    let with = |name: &str, pointer: &str, value: Value| {
        let mut body = action_body(&s.integration, name, FUNCTION_ARN);
        *body.pointer_mut(pointer).unwrap() = value;
        body
    };
    for (body, field) in [
        (
            with("Method", "/config/request/requestType", json!("FETCH")),
            "config.request.requestType",
        ),
        (
            with("Header", "/config/request/headers", json!({"X-Id": 7})),
            "config.request.headers",
        ),
        (
            with(
                "Map",
                "/config/response/translationMap",
                json!({"id": ["$.id"]}),
            ),
            "config.response.translationMap",
        ),
        (
            with(
                "Defaults",
                "/config/response/translationMapDefaults",
                json!({"id": false}),
            ),
            "config.response.translationMapDefaults",
        ),
        (with("Secure", "/secure", json!("yes")), "secure"),
    ] {
        let r = s.send("POST", "/api/v2/integrations/actions", body);
        let v = status(&r, 400, "bad.request");
        assert!(
            v["message"].as_str().unwrap().contains(field),
            "{field}: {v}"
        );
    }
    assert_eq!(s.fake.state()["actions"].as_object().unwrap().len(), before);
    let mut body = with("Every option", "/secure", json!(true));
    body["config"]["request"]["requestType"] = json!("GET");
    body["config"]["request"]["headers"] = json!({"X-Team": "cx"});
    body["config"]["response"]["translationMap"] = json!({"id": "$.not.in.the.contract"});
    body["config"]["response"]["translationMapDefaults"] = json!({"id": "0"});
    let created = ok(s.send("POST", "/api/v2/integrations/actions", body.clone()));
    let read = ok(s.get(&format!(
        "/api/v2/integrations/actions/{}?includeConfig=true",
        created["id"].as_str().unwrap()
    )));
    assert_eq!(read["secure"], true);
    for pointer in [
        "/config/request/requestType",
        "/config/request/headers",
        "/config/response/translationMap",
        "/config/response/translationMapDefaults",
    ] {
        assert_eq!(read.pointer(pointer), body.pointer(pointer), "{pointer}");
    }
}

#[test]
fn a_response_that_drifts_from_the_sdk_model_is_a_500() {
    // The fake checks its own answers: an action with a field the SDK's Action model lacks
    // cannot be served.
    let s = Setup::new();
    s.fake
        .tamper(json!({"kind": "action", "id": s.action, "set": {"notAField": 1}}));
    let v = ok(s.get("/api/v2/integrations/actions"));
    assert_eq!(v["total"], 1, "the list does not echo the stored field");
    s.fake.tamper(json!({"kind": "action", "id": s.action,
                         "set": {"config.request.bogus": "x"}}));
    let r = s.get(&format!(
        "/api/v2/integrations/actions/{}?includeConfig=true",
        s.action
    ));
    let v = status(&r, 500, "fake.model.drift");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("config.request.bogus"),
        "{v}"
    );
}

#[test]
fn unknown_routes_and_methods_follow_the_sdk() {
    let s = Setup::new();
    status(
        &s.get("/api/v2/integrations/nothing/here"),
        404,
        "not.found",
    );
    status(
        &s.get(&format!("/api/v2/integrations/actions/{}x", s.action)),
        404,
        "not.found",
    );
    status(
        &s.send("PUT", "/api/v2/integrations/actions", json!({})),
        405,
        "method.not.allowed",
    );
    // An SDK endpoint the fake does not implement says so instead of pretending.
    status(
        &s.get("/api/v2/integrations/actions/categories"),
        501,
        "not.implemented",
    );
    let types = ok(s.get("/api/v2/integrations/types/aws-lambda-data-actions"));
    assert_eq!(
        types["credentials"]["AmazonWebServicesARN"]["credentialTypes"],
        json!(["amazonWebServicesARN"])
    );
    let ctypes = ok(s.get("/api/v2/integrations/credentials/types"));
    assert!(ctypes
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "amazonWebServicesARN" && t["required"] == json!(["ARN"])));
}

/// moto with a role that trusts the org ID and a function; returns (moto, role ARN, function ARN).
fn moto_with_role(trust_external_id: &str) -> (MotoServer, String, String) {
    let moto = MotoServer::start();
    let seed = moto.client();
    let function = seed.lambda_create_function("lookup-order", "us-east-1");
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": trust_external_id}}}]});
    let xml = seed.iam_query(
        "CreateRole",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("AssumeRolePolicyDocument", &trust.to_string()),
        ],
    );
    let role = support::http::xml_first(&xml, "Arn").unwrap();
    (moto, role, function)
}

#[test]
fn the_action_test_assumes_the_role_and_dry_run_invokes_the_function() {
    let org = support::genesys::DEFAULT_ORG_ID;
    let (moto, role, function) = moto_with_role(org);
    let s = Setup::on(
        GenesysFake::start_with_aws(&moto.url(), org),
        &role,
        &function,
    );
    let test = |s: &Setup| {
        ok(s.send(
            "POST",
            &format!("/api/v2/integrations/actions/{}/test", s.action),
            json!({"orderId": "42"}),
        ))
    };
    let v = test(&s);
    assert_eq!(v["success"], true, "{v}");
    assert_eq!(v["operations"].as_array().unwrap().len(), 4);
    assert_eq!(v["finalResult"]["statusCode"], 204);
    assert_eq!(v["finalResult"]["input"], json!({"orderId": "42"}));

    // A registered behaviour is what the function answers, after the same checks: an error
    // payload as Lambda returns it, and a slow answer failing after the action's timeout.
    s.fake
        .function_answers(&function, json!({"answer": {"valid": true}}));
    assert_eq!(test(&s)["finalResult"], json!({"valid": true}));
    let unhandled = json!({"errorMessage": "boom", "errorType": "ValueError"});
    s.fake.function_answers(
        &function,
        json!({"answer": unhandled, "function_error": true}),
    );
    let v = test(&s);
    assert_eq!(
        (&v["success"], &v["finalResult"]),
        (&json!(true), &unhandled)
    );
    s.fake
        .tamper(json!({"kind": "action", "id": s.action, "set": {"config.timeoutSeconds": 1}}));
    s.fake
        .function_answers(&function, json!({"answer": {}, "delay_seconds": 2}));
    let started = std::time::Instant::now();
    let v = test(&s);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert_eq!(v["success"], false, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("timeout (1 s)"),
        "{v}"
    );

    // The action calls a function that does not exist: the invoke step fails.
    let gone = "arn:aws:lambda:us-east-1:123456789012:function:not-there";
    s.fake.tamper(json!({"kind": "action", "id": s.action,
                         "set": {"config.request.requestUrlTemplate": gone}}));
    let v = test(&s);
    assert_eq!(v["success"], false);
    assert_eq!(v["operations"][2]["success"], false, "{v}");
    assert_eq!(v["error"]["code"], "aws.lambda.invoke.failed");

    // The credential names a role that does not exist: the assume step fails.
    s.fake
        .tamper(json!({"kind": "credential", "id": s.credential,
                         "fields": {"ARN": "arn:aws:iam::123456789012:role/Nope"}}));
    let v = test(&s);
    assert_eq!(v["operations"][1]["success"], false, "{v}");
    assert_eq!(v["error"]["code"], "aws.assume.role.failed");
    // The test is not a write.
    assert_eq!(
        s.fake
            .calls()
            .iter()
            .filter(|c| c.path.ends_with("/test"))
            .map(|c| c.write)
            .collect::<Vec<_>>(),
        [false; 6]
    );
}

#[test]
fn the_action_test_fails_when_the_trust_policy_lacks_the_org_id() {
    let (moto, role, function) = moto_with_role("11111111-2222-3333-4444-555555555555");
    let org = support::genesys::DEFAULT_ORG_ID;
    let s = Setup::on(
        GenesysFake::start_with_aws(&moto.url(), org),
        &role,
        &function,
    );
    let v = ok(s.send(
        "POST",
        &format!("/api/v2/integrations/actions/{}/test", s.action),
        json!({}),
    ));
    assert_eq!(v["success"], false, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains(org), "{v}");
}

#[test]
fn without_an_aws_endpoint_the_action_test_fails_rather_than_pretending() {
    let s = Setup::new();
    let v = ok(s.send(
        "POST",
        &format!("/api/v2/integrations/actions/{}/test", s.action),
        json!({}),
    ));
    assert_eq!(v["success"], false);
    assert_eq!(v["error"]["code"], "test.unavailable");
}

#[test]
fn deletes_are_audited_and_an_integration_takes_its_actions_with_it() {
    let s = Setup::new();
    let second = ok(s.send(
        "POST",
        "/api/v2/integrations/actions",
        action_body(&s.integration, "Second", FUNCTION_ARN),
    ))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let dup = s.send(
        "POST",
        "/api/v2/integrations/actions",
        action_body(&s.integration, "Second", FUNCTION_ARN),
    );
    assert_eq!(dup.status, 400, "action names are unique: {}", dup.text());
    let r = s.fake.api(
        &s.token,
        "DELETE",
        &format!("/api/v2/integrations/actions/{second}"),
        None,
    );
    assert_eq!(r.status, 204, "{}", r.text());
    status(
        &s.get(&format!("/api/v2/integrations/actions/{second}")),
        404,
        "not.found",
    );
    assert_eq!(ok(audit(&s, &second))["entities"][0]["action"], "Delete");
    let r = s.fake.api(
        &s.token,
        "DELETE",
        &format!("/api/v2/integrations/{}", s.integration),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(ok(s.get("/api/v2/integrations/actions"))["total"], 0);
    let r = s.fake.api(
        &s.token,
        "DELETE",
        &format!("/api/v2/integrations/credentials/{}", s.credential),
        None,
    );
    assert_eq!(r.status, 204);
    let empty = ok(s.get("/api/v2/integrations/credentials"));
    assert_eq!(
        (&empty["total"], &empty["pageCount"]),
        (&json!(0), &json!(0))
    );
    assert!(empty.get("nextUri").is_none());
    // Setup's 5, two action POSTs (the refused one counts: it was attempted), 3 deletes.
    assert_eq!(s.fake.writes(), 10, "{:?}", s.fake.calls());
}

// ---------------------------------------------------------------- the rules of issue 16

fn entities(v: &Value) -> Vec<Value> {
    v["entities"].as_array().expect("entities").clone()
}

#[test]
fn the_action_list_never_carries_the_contract_even_when_asked() {
    // `expand` is not a query parameter of GET /api/v2/integrations/actions in the SDK: the API
    // ignores it. Only the single action (and its draft) take expand=contract.
    let s = Setup::new();
    let base = format!("/api/v2/integrations/actions/{}", s.action);
    ok(s.send("POST", &format!("{base}/draft"), json!({})));
    for list in [
        "/api/v2/integrations/actions",
        "/api/v2/integrations/actions/drafts",
    ] {
        let v = ok(s.get(&format!("{list}?expand=contract&includeConfig=true")));
        let listed = entities(&v);
        assert_eq!(listed.len(), 1, "{list}: {v}");
        let a = &listed[0];
        assert!(a.get("contract").is_none(), "{list}: {a}");
        // includeConfig is one of its parameters: config, with template URIs, not texts.
        assert_eq!(a["config"]["request"]["requestUrlTemplate"], FUNCTION_ARN);
        assert!(
            a["config"]["request"].get("requestTemplate").is_none(),
            "{a}"
        );
        assert!(
            a["config"]["request"]["requestTemplateUri"].is_string(),
            "{a}"
        );
        assert_eq!(a["version"], 1);
        // Unknown parameters are ignored, not echoed into the paging URIs.
        assert!(!v.to_string().contains("expand"), "{v}");
    }
    let one = ok(s.get(&format!("{base}?expand=contract")));
    assert_eq!(
        one["contract"]["input"]["inputSchema"]["properties"]["orderId"],
        json!({"type": "string"})
    );
    assert!(
        one.get("config").is_none(),
        "config only with includeConfig"
    );
    let draft = ok(s.get(&format!("{base}/draft?expand=contract")));
    assert!(
        draft["contract"]["output"]["successSchema"].is_object(),
        "{draft}"
    );
    assert!(ok(s.get(&base)).get("contract").is_none());
}

#[track_caller]
fn immutable(r: &support::http::HttpResponse, field: &str) {
    let v = status(r, 400, "bad.request");
    let message = v["message"].as_str().unwrap();
    assert!(
        message.contains("You cannot change the contracts after you publish the action"),
        "{v}"
    );
    assert!(message.contains(field), "{v}");
}

#[test]
fn a_published_contract_and_secure_never_change_but_configuration_does() {
    let s = Setup::new();
    let base = format!("/api/v2/integrations/actions/{}", s.action);
    let before = ok(s.get(&format!("{base}?expand=contract&includeConfig=true")));
    let contract = json!({"input": {"inputSchema": {"type": "object", "required": ["orderId"],
                                                     "properties": {"orderId": {"type": "string"}}}},
                          "output": {"successSchema": {"type": "object"}}});
    // Not on the action…
    immutable(
        &s.send("PATCH", &base, json!({"version": 1, "contract": contract})),
        "contract",
    );
    immutable(
        &s.send("PATCH", &base, json!({"version": 1, "secure": true})),
        "secure",
    );
    // …nor through its draft.
    ok(s.send("POST", &format!("{base}/draft"), json!({})));
    immutable(
        &s.send(
            "PATCH",
            &format!("{base}/draft"),
            json!({"version": 1, "contract": contract}),
        ),
        "contract",
    );
    immutable(
        &s.send(
            "PATCH",
            &format!("{base}/draft"),
            json!({"version": 1, "secure": true}),
        ),
        "secure",
    );
    // Nor by a person in the UI.
    let r = s.fake.raw(
        "POST",
        "/__fake/tamper",
        &[("Content-Type", "application/json")],
        json!({"kind": "action", "id": s.action, "set": {"secure": true}})
            .to_string()
            .as_bytes(),
    );
    immutable(&r, "secure");
    // The same contract (sent again with a configuration change) is no change.
    let same = before["contract"].clone();
    let same = json!({"input": {"inputSchema": same["input"]["inputSchema"]},
                      "output": {"successSchema": same["output"]["successSchema"]}});
    let mut config = action_body(&s.integration, "x", FUNCTION_ARN)["config"].clone();
    config["timeoutSeconds"] = json!(20);
    let d = ok(s.send(
        "PATCH",
        &format!("{base}/draft"),
        json!({"version": 1, "contract": same, "secure": false, "config": config}),
    ));
    assert_eq!(d["version"], 2);
    let after = ok(s.get(&format!("{base}?expand=contract")));
    assert_eq!(after["contract"], before["contract"]);
    // Configuration changes: publish and PATCH each bump the version, which the list carries.
    ok(s.send(
        "POST",
        &format!("{base}/draft/publish"),
        json!({"version": 2}),
    ));
    let listed = |s: &Setup| entities(&ok(s.get("/api/v2/integrations/actions")))[0].clone();
    assert_eq!(listed(&s)["version"], 2);
    let r = ok(s.send(
        "PATCH",
        &base,
        json!({"version": 2, "name": "Lookup order (renamed)", "category": "Orders"}),
    ));
    assert_eq!(r["version"], 3);
    s.fake.tamper(
        json!({"kind": "action", "id": s.action, "set": {"config.request.requestUrlTemplate":
            "arn:aws:lambda:us-east-1:123456789012:function:other"}}),
    );
    let a = listed(&s);
    assert_eq!(
        (&a["version"], &a["name"], &a["category"]),
        (
            &json!(4),
            &json!("Lookup order (renamed)"),
            &json!("Orders")
        )
    );
    let final_contract = ok(s.get(&format!("{base}?expand=contract")))["contract"].clone();
    assert_eq!(final_contract, before["contract"]);
}

#[test]
fn a_stale_draft_version_is_a_400_naming_both_versions_while_the_action_keeps_409() {
    let s = Setup::new();
    let base = format!("/api/v2/integrations/actions/{}", s.action);
    ok(s.send("POST", &format!("{base}/draft"), json!({})));
    let v = status(
        &s.send(
            "PATCH",
            &format!("{base}/draft"),
            json!({"version": 5, "name": "x"}),
        ),
        400,
        "bad.request",
    );
    assert_eq!(
        v["message"],
        "Supplied version 5 does not match latest draft version 1"
    );
    let v = status(
        &s.send(
            "POST",
            &format!("{base}/draft/publish"),
            json!({"version": 2}),
        ),
        400,
        "bad.request",
    );
    assert_eq!(
        v["message"],
        "Supplied version 2 does not match latest draft version 1"
    );
    // Nothing changed: the draft is still at 1, the action not republished.
    assert_eq!(ok(s.get(&format!("{base}/draft")))["version"], 1);
    assert_eq!(ok(s.get(&base))["version"], 1);
    // The action's PATCH and the integration config PUT answer a stale version with 409.
    status(
        &s.send("PATCH", &base, json!({"version": 9, "name": "y"})),
        409,
        "conflict",
    );
    let path = format!("/api/v2/integrations/{}/config/current", s.integration);
    status(
        &s.send(
            "PUT",
            &path,
            json!({"name": "n", "version": 1, "properties": {}, "advanced": {},
                   "notes": "", "credentials": {}}),
        ),
        409,
        "conflict",
    );
}

fn is_millis(date: &str) -> bool {
    // yyyy-MM-ddTHH:mm:ss.SSSZ
    date.len() == 24 && date.as_bytes()[19] == b'.' && date.ends_with('Z')
}

fn is_seconds(date: &str) -> bool {
    // yyyy-MM-ddTHH:mm:ssZ
    date.len() == 20 && date.as_bytes()[10] == b'T' && date.ends_with('Z')
}

#[test]
fn credential_listing_dates_are_the_answers_instants_truncated_to_the_second() {
    let s = Setup::new();
    let body = json!({"name": "lambda-trust role", "type": {"name": "amazonWebServicesARN"},
                      "credentialFields": {"ARN": ROLE_ARN}});
    let put = ok(s.send(
        "PUT",
        &format!("/api/v2/integrations/credentials/{}", s.credential),
        body,
    ));
    let answered = put["modifiedDate"].as_str().unwrap().to_string();
    assert!(is_millis(&answered), "{put}");
    let truncated = format!("{}Z", &answered[..19]);
    for list in [
        "/api/v2/integrations/credentials",
        "/api/v2/integrations/credentials/listing",
    ] {
        let v = ok(s.get(list));
        let c = entities(&v)
            .into_iter()
            .find(|c| c["id"] == s.credential.as_str())
            .unwrap();
        let listed = c["modifiedDate"].as_str().unwrap();
        assert!(is_seconds(listed), "{list}: {c}");
        assert_eq!(listed, truncated, "{list}: the same instant");
        assert!(is_seconds(c["createdDate"].as_str().unwrap()), "{c}");
    }
}

#[test]
fn a_credential_read_masks_each_field_or_omits_them() {
    let s = Setup::new();
    let path = format!("/api/v2/integrations/credentials/{}", s.credential);
    let masked = ok(s.get(&path));
    assert_eq!(masked["credentialFields"], json!({"ARN": "********"}));
    assert!(!masked.to_string().contains("GenesysLambdaInvoker"));
    s.fake.settings(json!({"credential_fields": "omitted"}));
    let omitted = ok(s.get(&path));
    assert!(omitted.get("credentialFields").is_none(), "{omitted}");
    assert_eq!(omitted["name"], "lambda-trust role");
    s.fake.settings(json!({"credential_fields": "masked"}));
    assert_eq!(ok(s.get(&path))["credentialFields"]["ARN"], "********");
}

#[test]
fn audit_entries_name_the_user_only_with_expand_user_and_drafts_are_action_draft_entries() {
    let s = Setup::new();
    let base = format!("/api/v2/integrations/actions/{}", s.action);
    s.fake.tamper(
        json!({"kind": "action", "id": s.action, "user": "Jane Admin",
               "set": {"config.timeoutSeconds": 5}}),
    );
    let plain = ok(audit_query(&s, "", &s.action));
    let newest = &plain["entities"][0];
    assert_eq!(newest["user"].as_object().unwrap().len(), 1, "{newest}");
    let id = newest["user"]["id"].as_str().unwrap().to_string();
    let expanded = ok(audit(&s, &s.action));
    assert_eq!(expanded["entities"][0]["user"]["name"], "Jane Admin");
    assert_eq!(expanded["entities"][0]["user"]["id"], id.as_str());
    assert!(!plain.to_string().contains("Jane Admin"), "{plain}");
    // Draft changes are ActionDraft entries; the publish is an Action entry.
    ok(s.send("POST", &format!("{base}/draft"), json!({})));
    ok(s.send(
        "PATCH",
        &format!("{base}/draft"),
        json!({"version": 1, "name": "Lookup order v2"}),
    ));
    ok(s.send(
        "POST",
        &format!("{base}/draft/publish"),
        json!({"version": 2}),
    ));
    let v = ok(audit(&s, &s.action));
    let kinds: Vec<(String, String)> = entities(&v)
        .iter()
        .map(|e| {
            (
                e["entityType"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        &kinds[..3],
        [
            ("Action".to_string(), "Update".to_string()),
            ("ActionDraft".to_string(), "Update".to_string()),
            ("ActionDraft".to_string(), "Create".to_string()),
        ],
        "{kinds:?}"
    );
    let draft_update = &entities(&v)[1];
    assert_eq!(
        draft_update["propertyChanges"][0],
        json!({"property": "name", "oldValues": ["Lookup order"], "newValues": ["Lookup order v2"]})
    );
}

fn consumers(s: &Setup, action: &str, extra: &str) -> support::http::HttpResponse {
    s.get(&format!(
        "/api/v2/architect/dependencytracking/consumingresources?id={action}&objectType=DATAACTION{extra}"
    ))
}

fn names(v: &Value) -> Vec<String> {
    entities(v)
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn dependency_tracking_answers_the_flows_that_call_an_action() {
    let s = Setup::new();
    let other = ok(s.send(
        "POST",
        "/api/v2/integrations/actions",
        action_body(&s.integration, "Other", FUNCTION_ARN),
    ))["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(ok(consumers(&s, &s.action, ""))["total"], 0);
    let main = s.fake.add_flow(
        "Main IVR",
        "INBOUNDCALLFLOW",
        &[s.action.as_str(), other.as_str()],
    );
    s.fake.add_flow_with(
        json!({"name": "Chat bot (draft)", "type": "INBOUNDCHATFLOW",
                                "version": "3.0", "published": false, "actions": [s.action]}),
    );
    s.fake
        .add_flow("Unrelated", "INBOUNDCALLFLOW", &[other.as_str()]);
    let all = ok(consumers(&s, &s.action, ""));
    assert_eq!(names(&all), ["Chat bot (draft)", "Main IVR"]);
    let main_entry = entities(&all)
        .into_iter()
        .find(|e| e["id"] == main.as_str())
        .unwrap();
    assert_eq!(
        (
            &main_entry["type"],
            &main_entry["version"],
            &main_entry["deleted"]
        ),
        (&json!("INBOUNDCALLFLOW"), &json!("1.0"), &json!(false))
    );
    let published = ok(consumers(&s, &s.action, "&flowFilter=published"));
    assert_eq!(names(&published), ["Main IVR"]);
    let checked_in = ok(consumers(&s, &s.action, "&flowFilter=checkedIn"));
    assert_eq!(names(&checked_in).len(), 2);
    let by_type = ok(consumers(&s, &s.action, "&resourceType=INBOUNDCHATFLOW"));
    assert_eq!(names(&by_type), ["Chat bot (draft)"]);
    let paged = ok(consumers(&s, &s.action, "&pageSize=1&pageNumber=2"));
    assert_eq!(
        (names(&paged), &paged["pageCount"]),
        (vec!["Main IVR".to_string()], &json!(2))
    );
    assert_eq!(ok(consumers(&s, &other, ""))["total"], 2);
    // The SDK's parameters, typed and validated.
    status(
        &consumers(&s, &s.action, "&flowFilter=live"),
        400,
        "bad.request",
    );
    status(
        &s.get(&format!(
            "/api/v2/architect/dependencytracking/consumingresources?id={}&objectType=NOTATYPE",
            s.action
        )),
        400,
        "bad.request",
    );
    s.fake.remove_flow(&main);
    assert_eq!(
        ok(consumers(&s, &s.action, "&flowFilter=published"))["total"],
        0
    );
    // Without architect:dependencyTracking:view: 403, naming the permission.
    s.fake
        .settings(json!({"dependency_tracking_permitted": false}));
    let v = status(&consumers(&s, &s.action, ""), 403, "missing.permissions");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("architect:dependencyTracking:view"),
        "{v}"
    );
}

#[test]
fn a_lost_answer_or_a_dropped_connection_still_writes() {
    let s = Setup::new();
    let credential = json!({"name": "lost credential", "type": {"name": "amazonWebServicesARN"},
                            "credentialFields": {"ARN": ROLE_ARN}});
    let integration = json!({"name": "lost integration",
                             "integrationType": {"id": "aws-lambda-data-actions"}});
    let action = action_body(&s.integration, "lost action", FUNCTION_ARN);
    let creates = [
        (
            "/api/v2/integrations/credentials",
            credential,
            "credentials",
        ),
        ("/api/v2/integrations", integration, "integrations"),
        ("/api/v2/integrations/actions", action, "actions"),
    ];
    for (path, body, kind) in &creates {
        let count = |s: &Setup| s.fake.state()[kind].as_object().unwrap().len();
        let before = count(&s);
        s.fake.reset_calls();
        s.fake.lose_answer("POST", path, 1);
        let r = s.send("POST", path, body.clone());
        status(&r, 503, "service.unavailable");
        assert_eq!(
            count(&s),
            before + 1,
            "{path}: the lost answer's write happened"
        );
        // Once: the next create answers normally (a second object: the name differs for
        // actions, whose names are unique).
        let mut again = body.clone();
        again["name"] = json!(format!("{} again", body["name"].as_str().unwrap()));
        ok(s.send("POST", path, again));
        assert_eq!(count(&s), before + 2);

        s.fake.drop_after_write("POST", path, 1);
        let mut dropped = body.clone();
        dropped["name"] = json!(format!("{} dropped", body["name"].as_str().unwrap()));
        let auth = format!("Bearer {}", s.token);
        let payload = dropped.to_string();
        let r = support::http::request(
            &s.fake.url(),
            "POST",
            path,
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/json"),
            ],
            payload.as_bytes(),
        );
        assert!(r.is_err(), "{path}: the connection closes unanswered");
        assert_eq!(
            count(&s),
            before + 3,
            "{path}: the dropped call's write happened"
        );
        let calls = s.fake.calls();
        let statuses: Vec<(u16, bool, bool)> = calls
            .iter()
            .map(|c| (c.status, c.write, c.dropped))
            .collect();
        assert_eq!(
            statuses,
            [(503, true, false), (200, true, false), (0, true, true)],
            "{path}"
        );
    }
    // A lost answer only matches its method and prefix; a failing call answers its own
    // failure and writes nothing.
    s.fake
        .lose_answer("POST", "/api/v2/integrations/actions", 1);
    let dup = s.send(
        "POST",
        "/api/v2/integrations/actions",
        action_body(&s.integration, "Lookup order", FUNCTION_ARN),
    );
    assert_eq!(dup.status, 400, "{}", dup.text());
    assert_eq!(ok(s.get("/api/v2/integrations/actions"))["total"], 4);
}

#[test]
fn answers_carry_rate_limit_headers_and_an_enforced_limit_answers_429() {
    let s = Setup::new();
    let header = |r: &support::http::HttpResponse, name: &str| -> u64 {
        r.header(name)
            .unwrap_or_else(|| panic!("{name} missing: {:?}", r.headers))
            .parse()
            .unwrap()
    };
    let a = s.get("/api/v2/integrations");
    let b = s.get("/api/v2/integrations");
    assert_eq!(header(&a, "inin-ratelimit-allowed"), 300);
    assert_eq!(
        header(&b, "inin-ratelimit-count"),
        header(&a, "inin-ratelimit-count") + 1
    );
    let reset = header(&b, "inin-ratelimit-reset");
    assert!((1..=60).contains(&reset), "{reset}");
    // Errors carry them too.
    let missing = s.get("/api/v2/integrations/actions/nope");
    assert_eq!(missing.status, 404);
    assert!(missing.header("inin-ratelimit-count").is_some());

    s.fake
        .settings(json!({"rate_limit": {"allowed": 3, "window_seconds": 2}}));
    for n in 1..=3 {
        let r = s.get("/api/v2/integrations");
        assert_eq!(r.status, 200, "{n}: {}", r.text());
        assert_eq!(header(&r, "inin-ratelimit-count"), n);
        assert_eq!(header(&r, "inin-ratelimit-allowed"), 3);
    }
    let limited = s.get("/api/v2/integrations");
    status(&limited, 429, "too.many.requests");
    let retry = header(&limited, "retry-after");
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(header(&limited, "inin-ratelimit-reset"), retry);
    std::thread::sleep(std::time::Duration::from_secs(retry));
    let r = s.get("/api/v2/integrations");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(header(&r, "inin-ratelimit-count"), 1);
    // Reported, not enforced.
    s.fake
        .settings(json!({"rate_limit": {"allowed": 2, "window_seconds": 60, "enforce": false}}));
    for n in 1..=4 {
        let r = s.get("/api/v2/integrations");
        assert_eq!(r.status, 200);
        assert_eq!(
            (
                header(&r, "inin-ratelimit-count"),
                header(&r, "inin-ratelimit-allowed")
            ),
            (n, 2)
        );
    }
    // The call log records each answer's count and when it was sent (the pacing tests read them).
    let log = s.fake.calls();
    let last: Vec<_> = log[log.len() - 4..].iter().collect();
    assert_eq!(
        last.iter().map(|c| c.window_count).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(last.windows(2).all(|w| w[0].at <= w[1].at), "{last:?}");
    assert_eq!(
        log.iter().find(|c| c.status == 429).map(|c| c.window_count),
        Some(0),
        "a 429 carries no count of its own"
    );
    s.fake.settings(json!({"rate_limit": null}));
    let r = s.get("/api/v2/integrations");
    assert_eq!(header(&r, "inin-ratelimit-allowed"), 300);
}

fn self_check(script: &std::path::Path) -> std::process::Output {
    std::process::Command::new(support::genesys::python())
        .arg(script)
        .arg("--self-check")
        .output()
        .expect("run the fake's self-check")
}

#[test]
fn the_self_check_rejects_a_handler_that_reads_an_undeclared_query_parameter() {
    let script = support::genesys::fake_script();
    let out = self_check(&script);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("query parameter reads checked"));
    // The same fake with the actions list reading `expand` (which the SDK's
    // get_integrations_actions does not declare) fails it, naming the operation.
    let source = std::fs::read_to_string(&script).unwrap();
    let anchor = "def _actions(s, r):\n";
    assert!(source.contains(anchor));
    let drifted = source.replace(anchor, &format!("{anchor}    r.query.get(\"expand\")\n"));
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("genesys_fake.py");
    std::fs::write(&copy, drifted).unwrap();
    let out = self_check(&copy);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("get_integrations_actions") && stderr.contains("expand"),
        "{stderr}"
    );
}

#[test]
fn the_signed_in_organization_is_served_to_any_signed_in_client_and_only_to_one() {
    let org = "5b7c3e0a-1d2f-4a6b-8c9d-0e1f2a3b4c5d";
    let fake = GenesysFake::start_with_aws("http://127.0.0.1:9", org);
    let token = fake.token();
    let me = ok(fake.api(&token, "GET", "/api/v2/organizations/me", None));
    assert_eq!(me["id"], org, "its id is --org-id: {me}");
    assert_eq!(me["state"], "active");
    assert_eq!(me["selfUri"], format!("/api/v2/organizations/{org}"));
    // The SDK documents it as needing no permission: no denied Integrations permission refuses it.
    fake.settings(json!({"denied_permissions": [
        "integrations:integration:view", "integrations:action:view",
        "integrations:credential:view"]}));
    ok(fake.api(&token, "GET", "/api/v2/organizations/me", None));
    // Without a valid token, refused like every route.
    status(
        &fake.api("not-a-token", "GET", "/api/v2/organizations/me", None),
        401,
        "bad.credentials",
    );
    // Another Organization route is not served, and a write to this one is not either.
    let other = fake.api(&token, "GET", "/api/v2/organizations/limits/docs", None);
    assert_eq!(other.status, 501, "{}", other.text());
    let put = fake.api(&token, "PUT", "/api/v2/organizations/me", Some(&me));
    assert_eq!(put.status, 501, "{}", put.text());
}
