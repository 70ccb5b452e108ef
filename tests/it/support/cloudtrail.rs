//! CloudTrail event history for the test proxy: moto 5.2.5 does not implement `LookupEvents`,
//! so the proxy records every IAM write it relays as a management event — attributed to the
//! identity of the access key that signed it (resolved with `sts:GetCallerIdentity` on moto,
//! which knows its users' and sessions' keys) — and answers `LookupEvents` itself.
//!
//! Shapes from botocore's model of CloudTrail (2013-11-01, JSON 1.1): the request's
//! `LookupAttributes` (one item), `StartTime`/`EndTime` (epoch seconds), `MaxResults` (1–50),
//! `NextToken`; the response's `Events` (`EventId`, `EventName`, `ReadOnly`, `AccessKeyId`,
//! `EventTime`, `EventSource`, `Username`, `Resources`, `CloudTrailEvent` — the record as a JSON
//! string with `userIdentity`, `eventSource`, `userAgent`, `sourceIPAddress`,
//! `requestParameters`), most recent first, and `NextToken`. Errors as CloudTrail names them
//! (`InvalidLookupAttributesException`, `InvalidMaxResultsException`,
//! `InvalidTimeRangeException`, `InvalidNextTokenException`).

use serde_json::{json, Value};

/// IAM's global events are recorded here (CloudTrail User Guide, "Global service events").
pub const GLOBAL_EVENTS_REGION: &str = "us-east-1";

/// Who signed a request, as `sts:GetCallerIdentity` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub arn: String,
    pub account: String,
    pub user_id: String,
}

impl Identity {
    /// CloudTrail's `userIdentity` for this caller, whose credentials were issued no later
    /// than `at`. A session's carries its issuer's `principalId` (the role's unique ID) and
    /// its `attributes` (CloudTrail User Guide, "CloudTrail userIdentity element").
    fn user_identity(&self, access_key: &str, at: &str) -> Value {
        let resource = self.arn.splitn(6, ':').nth(5).unwrap_or_default();
        let mut v = json!({
            "principalId": self.user_id,
            "arn": self.arn,
            "accountId": self.account,
            "accessKeyId": access_key,
        });
        if let Some(name) = resource.strip_prefix("user/") {
            v["type"] = json!("IAMUser");
            v["userName"] = json!(name.rsplit('/').next().unwrap_or(name));
        } else if let Some(rest) = resource.strip_prefix("assumed-role/") {
            let role = rest.split('/').next().unwrap_or_default();
            v["type"] = json!("AssumedRole");
            let unique_id = self.user_id.split(':').next().unwrap_or_default();
            v["sessionContext"] = json!({
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": unique_id,
                    "arn": format!("arn:aws:iam::{}:role/{role}", self.account),
                    "accountId": self.account,
                    "userName": role,
                },
                "attributes": {"creationDate": at, "mfaAuthenticated": "false"},
            });
        } else if resource == "root" {
            v["type"] = json!("Root");
        } else {
            v["type"] = json!("Unknown");
        }
        v
    }

    /// `Username` of a lookup event: the user name, or the role name of a session.
    fn username(&self) -> String {
        let resource = self.arn.splitn(6, ':').nth(5).unwrap_or_default();
        match resource.split('/').collect::<Vec<_>>().as_slice() {
            ["assumed-role", role, ..] => role.to_string(),
            [.., last] => last.to_string(),
            [] => String::new(),
        }
    }
}

/// One recorded management event.
#[derive(Clone, Debug)]
pub struct Event {
    pub event_id: String,
    pub event_name: String,
    /// Epoch seconds (with milliseconds).
    pub time: f64,
    /// RFC 3339 UTC, seconds precision (as the tool prints it).
    pub at: String,
    pub access_key: String,
    pub identity: Identity,
    pub user_agent: String,
    pub source_ip: String,
    pub request_parameters: Value,
    /// (ResourceType, ResourceName)
    pub resources: Vec<(String, String)>,
}

impl Event {
    /// The management event for a relayed IAM write that succeeded.
    #[allow(clippy::too_many_arguments)]
    pub fn iam_write(
        seq: usize,
        operation: &str,
        params: &[(String, String)],
        response: &str,
        access_key: &str,
        identity: Identity,
        user_agent: &str,
        source_ip: &str,
    ) -> Event {
        let now = chrono::Utc::now();
        let mut request_parameters = serde_json::Map::new();
        let mut resources = Vec::new();
        for (k, v) in params {
            if k == "Action" || k == "Version" {
                continue;
            }
            let mut key = k.clone();
            if let Some(first) = key.get(..1) {
                key.replace_range(..1, &first.to_lowercase());
            }
            request_parameters.insert(key, json!(v));
            match k.as_str() {
                "RoleName" => resources.push(("AWS::IAM::Role".to_string(), v.clone())),
                "PolicyArn" => resources.push(("AWS::IAM::Policy".to_string(), v.clone())),
                "UserName" => resources.push(("AWS::IAM::User".to_string(), v.clone())),
                _ => {}
            }
        }
        // CreatePolicy names the policy only in its answer.
        if operation == "CreatePolicy" {
            if let Some(arn) = super::http::xml_first(response, "Arn") {
                resources.push(("AWS::IAM::Policy".to_string(), arn));
            }
        }
        Event {
            event_id: format!("0c7a3a5e-0000-4000-8000-{seq:012}"),
            event_name: operation.to_string(),
            time: now.timestamp_millis() as f64 / 1000.0,
            at: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            access_key: access_key.to_string(),
            identity,
            user_agent: user_agent.to_string(),
            source_ip: source_ip.to_string(),
            request_parameters: Value::Object(request_parameters),
            resources,
        }
    }

    /// The record, as `CloudTrailEvent` carries it (a JSON string).
    fn record(&self) -> String {
        json!({
            "eventVersion": "1.08",
            "userIdentity": self.identity.user_identity(&self.access_key, &self.at),
            "eventTime": self.at,
            "eventSource": "iam.amazonaws.com",
            "eventName": self.event_name,
            "awsRegion": GLOBAL_EVENTS_REGION,
            "sourceIPAddress": self.source_ip,
            "userAgent": self.user_agent,
            "requestParameters": self.request_parameters,
            "responseElements": null,
            "requestID": format!("req-{}", self.event_id),
            "eventID": self.event_id,
            "readOnly": false,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": self.identity.account,
            "eventCategory": "Management",
        })
        .to_string()
    }

    fn lookup_shape(&self) -> Value {
        json!({
            "EventId": self.event_id,
            "EventName": self.event_name,
            "ReadOnly": "false",
            "AccessKeyId": self.access_key,
            "EventTime": self.time,
            "EventSource": "iam.amazonaws.com",
            "Username": self.identity.username(),
            "Resources": self.resources.iter()
                .map(|(t, n)| json!({"ResourceType": t, "ResourceName": n}))
                .collect::<Vec<_>>(),
            "CloudTrailEvent": self.record(),
        })
    }

    fn matches(&self, key: &str, value: &str) -> bool {
        match key {
            "ResourceName" => self.resources.iter().any(|(_, n)| n == value),
            "ResourceType" => self.resources.iter().any(|(t, _)| t == value),
            "EventName" => self.event_name == value,
            "EventId" => self.event_id == value,
            "Username" => self.identity.username() == value,
            "AccessKeyId" => self.access_key == value,
            "EventSource" => value == "iam.amazonaws.com",
            "ReadOnly" => value == "false",
            _ => false,
        }
    }
}

/// A CloudTrail error: (status, `__type`, message).
pub type LookupError = (u16, &'static str, String);

/// Answers a `LookupEvents` request body from `events` (oldest first, as recorded), in pages of
/// at most `page` events (AWS: 50). The token is the index of the next event, bound to the
/// request's attribute so it cannot be replayed with other parameters.
pub fn lookup_events(events: &[Event], body: &str, page: usize) -> Result<Value, LookupError> {
    let req: Value = serde_json::from_str(if body.is_empty() { "{}" } else { body })
        .map_err(|e| (400, "SerializationException", e.to_string()))?;
    let attrs = req["LookupAttributes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if attrs.len() > 1 {
        return Err((
            400,
            "InvalidLookupAttributesException",
            "You can specify only one lookup attribute.".into(),
        ));
    }
    let attr = attrs.first().map(|a| {
        (
            a["AttributeKey"].as_str().unwrap_or_default().to_string(),
            a["AttributeValue"].as_str().unwrap_or_default().to_string(),
        )
    });
    let max = match req.get("MaxResults") {
        None | Some(Value::Null) => 50,
        Some(v) => match v.as_u64() {
            Some(n @ 1..=50) => n as usize,
            _ => {
                return Err((
                    400,
                    "InvalidMaxResultsException",
                    "MaxResults must be between 1 and 50.".into(),
                ))
            }
        },
    };
    let start = req["StartTime"].as_f64().unwrap_or(f64::MIN);
    let end = req["EndTime"].as_f64().unwrap_or(f64::MAX);
    if start > end {
        return Err((
            400,
            "InvalidTimeRangeException",
            "StartTime is after EndTime.".into(),
        ));
    }
    let bound = attr
        .as_ref()
        .map(|(k, v)| format!("{k}={v}"))
        .unwrap_or_default();
    let from = match req["NextToken"].as_str() {
        None => 0,
        Some(t) => t
            .strip_prefix(&format!("{bound}#"))
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or((
                400,
                "InvalidNextTokenException",
                "Invalid NextToken.".to_string(),
            ))?,
    };
    let matching: Vec<&Event> = events
        .iter()
        .rev()
        .filter(|e| e.time >= start.floor() && e.time <= end.ceil())
        .filter(|e| attr.as_ref().is_none_or(|(k, v)| e.matches(k, v)))
        .collect();
    let size = max.min(page.max(1));
    let to = (from + size).min(matching.len());
    let mut out = json!({
        "Events": matching[from.min(to)..to].iter().map(|e| e.lookup_shape()).collect::<Vec<_>>(),
    });
    if to < matching.len() {
        out["NextToken"] = json!(format!("{bound}#{to}"));
    }
    Ok(out)
}

/// `<Arn>`, `<Account>`, `<UserId>` of a GetCallerIdentity answer.
pub fn parse_caller_identity(xml: &str) -> Option<Identity> {
    Some(Identity {
        arn: super::http::xml_first(xml, "Arn")?,
        account: super::http::xml_first(xml, "Account").unwrap_or_default(),
        user_id: super::http::xml_first(xml, "UserId").unwrap_or_default(),
    })
}

/// The access key ID of a SigV4 `Authorization` header.
pub fn access_key_of(authorization: &str) -> Option<String> {
    let i = authorization.find("Credential=")? + "Credential=".len();
    authorization[i..]
        .split('/')
        .next()
        .map(str::to_string)
        .filter(|k| !k.is_empty())
}

/// A session's record has what CloudTrail's `userIdentity` element gives one — its issuer's
/// `principalId` and the session's `attributes` (User Guide, "CloudTrail userIdentity
/// element") — so the watches read it as a call on its role: without them, the record is "a
/// CloudTrail event of another shape", and the organization watch sweeps every account.
#[test]
fn a_sessions_record_is_read_by_the_watches_as_a_call_on_its_role() {
    use lambda_trust_provision::OrgChange;
    let identity = Identity {
        arn: "arn:aws:sts::222233334444:assumed-role/Admin/alice".into(),
        account: "222233334444".into(),
        user_id: "AROA3EXAMPLEADMINROLE:alice".into(),
    };
    let params = [("RoleName".to_owned(), "vendor-lambda".to_owned())];
    let call = "UpdateAssumeRolePolicy";
    let event = Event::iam_write(1, call, &params, "", "ASIAEXAMPLE", identity, "cli", "::1");
    let record: Value = serde_json::from_str(&event.record()).unwrap();
    let envelope = json!({"version": "0", "id": "1", "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.iam", "account": "222233334444", "time": event.at,
        "region": GLOBAL_EVENTS_REGION, "resources": [], "detail": record});
    match lambda_trust_provision::classify_org_event(&envelope, None) {
        OrgChange::Role { account, name, .. } => {
            assert_eq!(
                (account.as_str(), name.as_str()),
                ("222233334444", "vendor-lambda")
            )
        }
        other => panic!("{other:?}"),
    }
}
