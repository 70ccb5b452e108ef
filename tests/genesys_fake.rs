//! The local Genesys Cloud (`tests/support/genesys_fake.py`) driven over HTTP: OAuth, paging,
//! optimistic concurrency, credential redaction, drafts, templates, fault injection, tampering
//! and the audit trail, SDK-model validation of requests and responses, and the action test
//! against moto. These pin the behaviour lambda-trust's Genesys layer is tested against.

mod support;

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
fn a_credential_is_never_read_back_but_its_listing_shows_each_change() {
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
    assert!(one.json().get("credentialFields").is_none());
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
    let other = "arn:aws:iam::999999999999:role/Attacker";
    s.fake
        .tamper(json!({"kind": "credential", "id": s.credential, "fields": {"ARN": other}}));
    let after = listed(&s);
    assert!(after > before, "{before} → {after}");
    assert_eq!(
        s.fake.state()["credentials"][&s.credential]["fields"]["ARN"],
        other
    );
}

#[test]
fn a_contract_change_goes_through_the_draft_and_keeps_the_id() {
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
    let contract = json!({"input": {"inputSchema": {"type": "object", "required": ["orderId"],
                                                     "properties": {"orderId": {"type": "string"}}}},
                          "output": {"successSchema": {"type": "object"}}});
    status(
        &s.send(
            "PATCH",
            &format!("{base}/draft"),
            json!({"version": 5, "contract": contract}),
        ),
        409,
        "conflict",
    );
    let patched = ok(s.send(
        "PATCH",
        &format!("{base}/draft"),
        json!({"version": 1, "contract": contract}),
    ));
    assert_eq!(patched["version"], 2);
    assert_eq!(
        ok(s.get(&format!("{base}/draft/validation")))["valid"],
        true
    );
    // The live action is unchanged until publish.
    let live = ok(s.get(&format!("{base}?expand=contract")));
    assert!(live["contract"]["input"]["inputSchema"]["required"].is_null());
    status(
        &s.send(
            "POST",
            &format!("{base}/draft/publish"),
            json!({"version": 1}),
        ),
        409,
        "conflict",
    );
    let published = ok(s.send(
        "POST",
        &format!("{base}/draft/publish"),
        json!({"version": 2}),
    ));
    assert_eq!(published["id"], s.action.as_str());
    assert_eq!(published["version"], 2);
    let live = ok(s.get(&format!("{base}?expand=contract")));
    assert_eq!(
        live["contract"]["input"]["inputSchema"]["required"],
        json!(["orderId"])
    );
    assert_eq!(s.get(&format!("{base}/draft")).status, 404);
    // A contract cannot be changed on the action itself.
    let r = s.send("PATCH", &base, json!({"version": 2, "contract": contract}));
    assert_eq!(r.status, 400, "{}", r.text());
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

fn audit(s: &Setup, entity: &str) -> support::http::HttpResponse {
    s.send(
        "POST",
        "/api/v2/audits/query/realtime",
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
    assert_eq!(v["operations"].as_array().unwrap().len(), 3);
    assert_eq!(v["finalResult"]["statusCode"], 204);
    assert_eq!(v["finalResult"]["input"], json!({"orderId": "42"}));

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
        [false, false, false]
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
