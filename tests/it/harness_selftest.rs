//! Proves the test harness works against a real moto_server: seeding helpers, proxy
//! recording/classification, fault injection, and the binary runner.

use crate::support;

use std::time::{Duration, Instant};

use serde_json::json;

use support::http;
use support::proxy::{encode_documents, Fault};
use support::{FaultConfig, Harness, Injection, Kind, MotoServer, Proxy};

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"org-1"}}}]}"#;
const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f&<x>"}]}"#;

#[test]
fn iam_calls_through_proxy_are_forwarded_and_classified() {
    let h = Harness::start();
    let aws = h.proxy.client();
    let xml = aws.iam_query(
        "CreateRole",
        &[("RoleName", "genesys"), ("AssumeRolePolicyDocument", TRUST)],
    );
    assert_eq!(
        http::xml_first(&xml, "Arn").as_deref(),
        Some("arn:aws:iam::123456789012:role/genesys")
    );
    let xml = aws.iam_query("GetRole", &[("RoleName", "genesys")]);
    let doc = http::xml_first(&xml, "AssumeRolePolicyDocument").unwrap();
    assert_eq!(http::percent_decode(&doc, false), TRUST);

    let calls = h.proxy.calls();
    assert_eq!(h.proxy.operations(), ["iam:CreateRole", "iam:GetRole"]);
    assert_eq!((h.proxy.count_writes(), h.proxy.count_reads()), (1, 1));
    assert_eq!(calls[0].kind, Kind::Write);
    assert!(calls[0].is_write);
    assert_eq!(calls[0].param("RoleName"), Some("genesys"));
    assert_eq!(calls[0].param("AssumeRolePolicyDocument"), Some(TRUST));
    assert_eq!(calls[0].region.as_deref(), Some("us-east-1"));
    // The query protocol: a form POST to `/`, recorded as sent.
    assert_eq!(
        (calls[0].method.as_str(), calls[0].target.as_str()),
        ("POST", "/")
    );
    assert_eq!(calls[1].kind, Kind::Read);
    assert!(calls
        .iter()
        .all(|c| c.forwarded && c.fault.is_none() && c.status == Some(200)));

    // The role really is in moto (direct call, not recorded).
    assert!(h
        .moto
        .try_iam_query("GetRole", &[("RoleName", "genesys")])
        .is_success());
    assert_eq!(h.proxy.calls().len(), 2);

    // Errors pass through unchanged.
    let r = aws.try_iam_query("GetRole", &[("RoleName", "nope")]);
    assert_eq!(r.status, 404);
    assert_eq!(
        http::xml_first(&r.text(), "Code").as_deref(),
        Some("NoSuchEntity")
    );

    // STS: GetCallerIdentity is a read, AssumeRole is Other.
    h.proxy.clear();
    let xml = aws.sts_query("GetCallerIdentity", &[]);
    assert_eq!(
        http::xml_first(&xml, "Account").as_deref(),
        Some("123456789012")
    );
    aws.sts_query(
        "AssumeRole",
        &[
            ("RoleArn", "arn:aws:iam::123456789012:role/genesys"),
            ("RoleSessionName", "s1"),
            ("ExternalId", "org-1"),
        ],
    );
    let calls = h.proxy.calls();
    assert_eq!(
        h.proxy.operations(),
        ["sts:GetCallerIdentity", "sts:AssumeRole"]
    );
    assert_eq!(calls[0].kind, Kind::Read);
    assert_eq!(calls[1].kind, Kind::Other);
    assert_eq!(
        (
            h.proxy.count_writes(),
            h.proxy.count_reads(),
            h.proxy.count_other()
        ),
        (0, 1, 1)
    );
    let summary = h.proxy.summary();
    assert_eq!(summary.get("sts:AssumeRole"), Some(&1));
}

#[test]
fn lambda_rest_calls_are_classified() {
    let h = Harness::start();
    let aws = h.proxy.client();
    let arn = aws.lambda_create_function("hello", "us-east-1");
    assert_eq!(arn, "arn:aws:lambda:us-east-1:123456789012:function:hello");
    let v = aws.publish_version(&arn);
    assert_eq!(v, "1");
    let alias = aws.create_alias("hello", "live", &v);
    assert_eq!(
        alias,
        "arn:aws:lambda:us-east-1:123456789012:function:hello:live"
    );
    let r = aws.get_function("hello", None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["Configuration"]["FunctionName"], "hello");
    let r = aws.get_function(&arn, Some("live"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["Configuration"]["Version"], "1");
    let r = aws.get_function("missing", None);
    assert_eq!(r.status, 404);
    assert_eq!(
        r.header("x-amzn-ErrorType"),
        Some("ResourceNotFoundException")
    );

    assert_eq!(
        h.proxy.operations(),
        [
            "iam:CreateRole", // lambda-exec
            "lambda:CreateFunction",
            "lambda:PublishVersion",
            "lambda:CreateAlias",
            "lambda:GetFunction",
            "lambda:GetFunction",
            "lambda:GetFunction",
        ]
    );
    assert_eq!((h.proxy.count_writes(), h.proxy.count_reads()), (4, 3));
    let gf = h.proxy.calls_to("lambda:GetFunction");
    assert_eq!(gf[1].param("Qualifier"), Some("live"));
    assert_eq!(gf[1].method, "GET");
    assert!(
        gf[1].target.starts_with("/2015-03-31/functions/"),
        "{}",
        gf[1].target
    );
    assert_eq!(gf[2].status, Some(404));

    // Second function: lambda-exec already exists → CreateRole 409 then GetRole.
    h.proxy.clear();
    let arn2 = h.moto.lambda_create_function("other", "eu-west-1");
    assert_eq!(arn2, "arn:aws:lambda:eu-west-1:123456789012:function:other");
    assert!(
        h.proxy.calls().is_empty(),
        "direct moto calls must not be recorded"
    );

    // Route table sanity.
    use support::proxy::lambda_operation as op;
    assert_eq!(
        op("POST", "/2015-03-31/functions/f/invocations"),
        Some("Invoke")
    );
    assert_eq!(
        op(
            "POST",
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/policy"
        ),
        Some("AddPermission")
    );
    assert_eq!(
        op("DELETE", "/2015-03-31/functions/f/policy/sid1"),
        Some("RemovePermission")
    );
    assert_eq!(op("GET", "/2015-03-31/functions/"), Some("ListFunctions"));
}

/// ListFunctions answers at most 50 functions, fewer when `MaxItems` asks (AWS Lambda API
/// Reference, ListFunctions), then `NextMarker`: moto answers every function at once.
#[test]
fn list_functions_pages_as_aws_does() {
    let h = Harness::start();
    let role = h.moto.client().ensure_lambda_exec_role();
    for i in 0..55 {
        h.moto
            .client()
            .lambda_create_function_as(&format!("f{i:02}"), "us-east-1", &role);
    }
    let aws = h.proxy.client();
    let list = |query: &str| {
        let r = aws.lambda(
            "us-east-1",
            "GET",
            &format!("/2015-03-31/functions/{query}"),
            None,
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        let n = v["Functions"].as_array().map_or(0, Vec::len);
        (n, v["NextMarker"].as_str().map(str::to_string))
    };
    let (n, marker) = list("");
    assert_eq!(n, 50);
    let marker = marker.expect("a marker after a full page");
    assert_eq!(list(&format!("?Marker={marker}")), (5, None));
    assert_eq!(list("?MaxItems=10").0, 10);
    assert_eq!(list("?MaxItems=500").0, 50);
}

#[test]
fn a_functions_code_location_downloads_its_package_as_aws_presigns_it() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let h = Harness::start();
    h.moto.client().lambda_create_function("hello", "us-east-1");
    let r = (h.proxy.client()).lambda("us-east-1", "GET", "/2015-03-31/functions/hello", None);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let location = v["Code"]["Location"]
        .as_str()
        .expect("a Location")
        .to_owned();
    let zip = http::request(&location, "GET", "", &[], b"").unwrap();
    assert_eq!(zip.status, 200);
    let sha = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&zip.body));
    assert_eq!(v["Configuration"]["CodeSha256"], sha);
    assert!(zip.body.starts_with(b"PK"), "a zip archive");
}

#[test]
fn moto_reset_and_account_selection() {
    let moto = MotoServer::start();
    moto.iam_query(
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", TRUST)],
    );
    moto.reset();
    assert_eq!(
        moto.try_iam_query("GetRole", &[("RoleName", "r")]).status,
        404
    );
    let other = moto.client().with_account("111122223333");
    let xml = other.iam_query(
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", TRUST)],
    );
    assert_eq!(
        http::xml_first(&xml, "Arn").as_deref(),
        Some("arn:aws:iam::111122223333:role/r")
    );
    assert_eq!(
        moto.try_iam_query("GetRole", &[("RoleName", "r")]).status,
        404
    );
    assert!(moto.log_path().exists());
}

#[test]
fn cut_after_drops_connections() {
    let h = Harness::start();
    let aws = h.proxy.client();
    h.proxy.set_faults(FaultConfig {
        cut_after: Some(1),
        ..Default::default()
    });
    aws.iam_query(
        "CreateRole",
        &[("RoleName", "a"), ("AssumeRolePolicyDocument", TRUST)],
    );
    for _ in 0..2 {
        let err = http::request(
            &h.proxy.url(),
            "POST",
            "/",
            &[
            ("Authorization", "AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
            b"Action=CreateRole&Version=2010-05-08&RoleName=b&AssumeRolePolicyDocument=%7B%7D",
        )
        .expect_err("request after cut_after must fail");
        assert!(
            matches!(
                err.kind(),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
            ),
            "{err:?}"
        );
    }
    let calls = h.proxy.calls();
    assert_eq!(calls.len(), 3);
    assert!(calls[0].forwarded);
    for c in &calls[1..] {
        assert_eq!(c.fault, Some(Fault::Cut));
        assert!(!c.forwarded);
        assert_eq!(c.status, None);
        assert_eq!(c.operation, "CreateRole");
    }
    // Attempted writes are still counted; the cut one never reached moto.
    assert_eq!(h.proxy.count_writes(), 3);
    assert_eq!(
        h.moto.try_iam_query("GetRole", &[("RoleName", "b")]).status,
        404
    );
    // Clearing faults restores forwarding.
    h.proxy.clear_faults();
    assert!(aws
        .try_iam_query("GetRole", &[("RoleName", "a")])
        .is_success());
}

#[test]
fn throttle_responses_have_aws_shape() {
    let h = Harness::start();
    let aws = h.proxy.client();
    h.moto.lambda_create_function("f", "us-east-1");
    h.proxy.set_faults(FaultConfig {
        throttle_rate: 1.0,
        ..Default::default()
    });

    let r = aws.try_iam_query(
        "CreateRole",
        &[("RoleName", "x"), ("AssumeRolePolicyDocument", TRUST)],
    );
    assert_eq!((r.status, r.reason.as_str()), (400, "Bad Request"));
    assert!(r.header("content-type").unwrap().contains("xml"));
    let body = r.text();
    assert!(body.starts_with("<ErrorResponse"), "{body}");
    assert_eq!(http::xml_first(&body, "Type").as_deref(), Some("Sender"));
    assert_eq!(
        http::xml_first(&body, "Code").as_deref(),
        Some("Throttling")
    );
    assert_eq!(
        http::xml_first(&body, "Message").as_deref(),
        Some("Rate exceeded")
    );
    assert!(http::xml_first(&body, "RequestId").is_some());

    let r = aws.get_function("f", None);
    assert_eq!(r.status, 429);
    assert_eq!(
        r.header("x-amzn-ErrorType"),
        Some("TooManyRequestsException")
    );
    assert_eq!(r.json()["message"], "Rate exceeded");

    let calls = h.proxy.calls();
    assert!(calls
        .iter()
        .all(|c| c.fault == Some(Fault::Throttled) && !c.forwarded));
    assert_eq!(
        h.moto.try_iam_query("GetRole", &[("RoleName", "x")]).status,
        404,
        "throttled call must not be forwarded"
    );
}

#[test]
fn latency_delays_each_request() {
    let h = Harness::start();
    let aws = h.proxy.client();
    aws.sts_query("GetCallerIdentity", &[]); // warm up
    h.proxy.set_faults(FaultConfig {
        latency: Duration::from_millis(300),
        ..Default::default()
    });
    let t = Instant::now();
    aws.sts_query("GetCallerIdentity", &[]);
    aws.sts_query("GetCallerIdentity", &[]);
    assert!(
        t.elapsed() >= Duration::from_millis(600),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn rate_faults_are_deterministic_per_seed() {
    let h = Harness::start();
    let aws = h.proxy.client();
    let pattern = |seed: u64| {
        h.proxy.clear();
        h.proxy.set_faults(FaultConfig {
            throttle_rate: 0.3,
            error500_rate: 0.2,
            reset_rate: 0.1,
            seed,
            ..Default::default()
        });
        let mut statuses = Vec::new();
        for _ in 0..30 {
            match http::request(
                &h.proxy.url(),
                "POST",
                "/",
                &[
            ("Authorization", "AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
                b"Action=ListRoles&Version=2010-05-08",
            ) {
                Ok(r) => statuses.push(r.status),
                Err(_) => statuses.push(0),
            }
        }
        let faults: Vec<Option<Fault>> = h.proxy.calls().into_iter().map(|c| c.fault).collect();
        (statuses, faults)
    };
    let (s1, f1) = pattern(42);
    let (s2, f2) = pattern(42);
    assert_eq!(s1, s2);
    assert_eq!(f1, f2);
    assert!(
        s1.contains(&200) && s1.contains(&400) && s1.contains(&500) && s1.contains(&0),
        "{s1:?}"
    );
    for (s, f) in s1.iter().zip(&f1) {
        let expected = match f {
            None => 200,
            Some(Fault::Throttled) => 400,
            Some(Fault::Error500) => 500,
            Some(Fault::Reset) => 0,
            other => panic!("{other:?}"),
        };
        assert_eq!(*s, expected);
    }
    let (s3, _) = pattern(7);
    assert_ne!(s1, s3);

    // 500 shape (IAM)
    h.proxy.set_faults(FaultConfig {
        error500_rate: 1.0,
        ..Default::default()
    });
    let r = aws.try_iam_query("ListRoles", &[]);
    assert_eq!(r.status, 500);
    assert_eq!(
        http::xml_first(&r.text(), "Code").as_deref(),
        Some("ServiceFailure")
    );
    assert_eq!(
        http::xml_first(&r.text(), "Type").as_deref(),
        Some("Receiver")
    );

    // `only` restricts rate faults to the listed operations.
    h.proxy.set_faults(FaultConfig {
        throttle_rate: 1.0,
        only: vec!["iam:CreateRole".into()],
        ..Default::default()
    });
    assert!(aws.try_iam_query("ListRoles", &[]).is_success());
    assert_eq!(
        aws.try_iam_query(
            "CreateRole",
            &[("RoleName", "z"), ("AssumeRolePolicyDocument", TRUST)]
        )
        .status,
        400
    );
}

#[test]
fn reset_fault_forwards_then_resets() {
    let h = Harness::start();
    let aws = h.proxy.client();
    h.proxy.set_faults(FaultConfig {
        reset_rate: 1.0,
        ..Default::default()
    });
    let _ = aws; // the seeding client would panic on the reset; use the raw helper
    let err = http::request(
        &h.proxy.url(),
        "POST",
        "/",
        &[
            ("Authorization", "AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        b"Action=CreateRole&Version=2010-05-08&RoleName=lost&AssumeRolePolicyDocument=%7B%7D",
    )
    .expect_err("client must see a connection error");
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::UnexpectedEof
        ),
        "{err:?}"
    );
    let c = &h.proxy.calls()[0];
    assert_eq!(c.fault, Some(Fault::Reset));
    assert!(c.forwarded);
    // The write happened even though the client never saw the answer.
    assert!(h
        .moto
        .try_iam_query("GetRole", &[("RoleName", "lost")])
        .is_success());
}

#[test]
fn url_encode_documents_matches_aws() {
    let h = Harness::start();
    let aws = h.proxy.client();
    let xml = aws.iam_query(
        "CreatePolicy",
        &[("PolicyName", "p"), ("PolicyDocument", POLICY)],
    );
    let arn = http::xml_first(&xml, "Arn").unwrap();
    aws.iam_query(
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", TRUST)],
    );
    aws.iam_query(
        "PutRolePolicy",
        &[
            ("RoleName", "r"),
            ("PolicyName", "inl"),
            ("PolicyDocument", POLICY),
        ],
    );
    let gpv = [("PolicyArn", arn.as_str()), ("VersionId", "v1")];

    // moto: raw
    let raw = aws.iam_query("GetPolicyVersion", &gpv);
    assert_eq!(http::xml_first(&raw, "Document").as_deref(), Some(POLICY));

    h.proxy.set_faults(FaultConfig {
        url_encode_documents: true,
        ..Default::default()
    });
    let enc = aws.iam_query("GetPolicyVersion", &gpv);
    let doc = http::xml_first(&enc, "Document").unwrap();
    assert!(doc.starts_with("%7B%22Version%22"), "{doc}");
    assert_eq!(http::percent_decode(&doc, false), POLICY);
    // Already-encoded documents are left alone (no double encoding).
    let before = h
        .moto
        .iam_query("GetRolePolicy", &[("RoleName", "r"), ("PolicyName", "inl")]);
    let after = aws.iam_query("GetRolePolicy", &[("RoleName", "r"), ("PolicyName", "inl")]);
    assert_eq!(
        http::xml_first(&before, "PolicyDocument"),
        http::xml_first(&after, "PolicyDocument")
    );
    let role = aws.iam_query("GetRole", &[("RoleName", "r")]);
    assert_eq!(
        http::percent_decode(
            &http::xml_first(&role, "AssumeRolePolicyDocument").unwrap(),
            false
        ),
        TRUST
    );
    assert_eq!(
        encode_documents("<a><Document>%7B%7D</Document></a>"),
        "<a><Document>%7B%7D</Document></a>"
    );
    assert_eq!(
        encode_documents("<Document>{&quot;a&quot;: 1}</Document>"),
        "<Document>%7B%22a%22%3A%201%7D</Document>"
    );
}

#[test]
fn injected_errors_follow_protocol_shape() {
    let h = Harness::start();
    let aws = h.proxy.client();
    aws.iam_query(
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", TRUST)],
    );
    let xml = aws.iam_query(
        "CreatePolicy",
        &[("PolicyName", "p"), ("PolicyDocument", POLICY)],
    );
    let policy_arn = http::xml_first(&xml, "Arn").unwrap();
    h.proxy.inject(
        Injection::new(
            "iam:AttachRolePolicy",
            409,
            "LimitExceeded",
            "Cannot exceed quota for PoliciesPerRole: 10",
        )
        .skip(1),
    );
    h.proxy
        .inject_error("lambda:GetFunction", 403, "AccessDeniedException", "denied");
    let attach = [("RoleName", "r"), ("PolicyArn", policy_arn.as_str())];
    let r = aws.try_iam_query("AttachRolePolicy", &attach);
    assert!(r.is_success(), "{}", r.text());
    let r = aws.try_iam_query("AttachRolePolicy", &attach);
    assert_eq!(r.status, 409);
    assert_eq!(
        http::xml_first(&r.text(), "Code").as_deref(),
        Some("LimitExceeded")
    );
    let r = aws.try_iam_query("AttachRolePolicy", &attach);
    assert!(r.is_success(), "times=1: only one failure: {}", r.text());

    let r = aws.get_function("whatever", None);
    assert_eq!(r.status, 403);
    assert_eq!(r.header("x-amzn-ErrorType"), Some("AccessDeniedException"));
    assert_eq!(r.json()["message"], "denied");
    let faults: Vec<_> = h
        .proxy
        .calls()
        .into_iter()
        .filter_map(|c| c.fault)
        .collect();
    assert_eq!(faults.len(), 2);
}

#[test]
fn proxy_keeps_client_connections_alive() {
    // Two requests on one client connection (what the SDK's pooled client does).
    use std::io::{Read, Write};
    let moto = MotoServer::start();
    let proxy = Proxy::start(&moto.url());
    let mut s = std::net::TcpStream::connect(("127.0.0.1", proxy.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let req = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut buf = Vec::new();
    for i in 0..2 {
        s.write_all(req.as_bytes()).unwrap();
        // read one full response
        loop {
            let mut tmp = [0u8; 4096];
            let n = s.read(&mut tmp).unwrap();
            assert!(n > 0, "connection closed after request {i}");
            buf.extend_from_slice(&tmp[..n]);
            if let Some(end) = http::find_head_end(&buf) {
                let (_, headers) = http::parse_head(&buf[..end]).unwrap();
                let len: usize = http::header_value(&headers, "content-length")
                    .unwrap()
                    .parse()
                    .unwrap();
                if buf.len() >= end + len {
                    assert!(buf.starts_with(b"HTTP/1.1 200"));
                    buf.drain(..end + len);
                    break;
                }
            }
        }
    }
    assert_eq!(proxy.count_reads(), 2);
}

#[test]
fn binary_runner_uses_hermetic_env() {
    let h = Harness::start();
    let out = h.cmd().arg("--help").run();
    out.assert_success();
    assert!(out.command.contains("lambda-trust --help"));
    assert!(h.proxy.calls().is_empty(), "--help must not call AWS");
}

#[test]
#[should_panic(expected = "lambda-trust timed out after 2s")]
fn binary_runner_kills_a_run_at_its_timeout() {
    // An endpoint that accepts and never answers: `plan` waits for STS far longer than 2 s.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/lambda-trust.toml");
    support::lambda_trust_cmd(&url)
        .args(["plan", "--config", example])
        .timeout(Duration::from_secs(2))
        .run();
}

/// The real SDK clients (as the binary builds them) work through the proxy, and the SDK treats
/// the injected throttling shapes as retryable.
#[test]
fn sdk_clients_work_through_proxy_and_retry_throttling() {
    use aws_sdk_iam::error::ProvideErrorMetadata;
    let h = Harness::start();
    h.moto.lambda_create_function("fn1", "us-east-1");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = h.proxy.url();
    let creds = aws_sdk_iam::config::Credentials::new("testing", "testing", None, None, "test");
    let iam = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .region(aws_sdk_iam::config::Region::new("us-east-1"))
            .endpoint_url(&url)
            .credentials_provider(creds.clone())
            .build(),
    );
    let lambda = aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::Config::builder()
            .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
            .region(aws_sdk_lambda::config::Region::new("us-east-1"))
            .endpoint_url(&url)
            .credentials_provider(creds.clone())
            .build(),
    );
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .endpoint_url(&url)
            .credentials_provider(creds)
            .build(),
    );
    rt.block_on(async {
        iam.create_role()
            .role_name("genesys")
            .assume_role_policy_document(TRUST)
            .send()
            .await
            .unwrap();
        let cp = iam
            .create_policy()
            .policy_name("p")
            .policy_document(POLICY)
            .send()
            .await
            .unwrap();
        let policy_arn = cp.policy().unwrap().arn().unwrap().to_string();
        let id = sts.get_caller_identity().send().await.unwrap();
        assert_eq!(id.account(), Some("123456789012"));
        let f = lambda
            .get_function()
            .function_name("fn1")
            .send()
            .await
            .unwrap();
        assert_eq!(f.configuration().unwrap().function_name(), Some("fn1"));
        assert_eq!(
            h.proxy.operations(),
            [
                "iam:CreateRole",
                "iam:CreatePolicy",
                "sts:GetCallerIdentity",
                "lambda:GetFunction"
            ]
        );
        assert_eq!((h.proxy.count_writes(), h.proxy.count_reads()), (2, 2));

        // Throttling (query XML) is retried by the SDK: 2 failures + 1 success.
        h.proxy.clear();
        h.proxy
            .inject(Injection::new("iam:GetRole", 400, "Throttling", "Rate exceeded").times(2));
        iam.get_role().role_name("genesys").send().await.unwrap();
        assert_eq!(h.proxy.count("iam:GetRole"), 3);

        // TooManyRequestsException (Lambda REST 429) too.
        h.proxy.clear();
        h.proxy.set_faults(FaultConfig {
            throttle_rate: 1.0,
            ..Default::default()
        });
        let err = lambda
            .get_function()
            .function_name("fn1")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("TooManyRequestsException"), "{err:?}");
        assert!(err.into_service_error().is_too_many_requests_exception());
        assert_eq!(
            h.proxy.count("lambda:GetFunction"),
            3,
            "SDK standard retry: 3 attempts"
        );
        let err = iam
            .get_role()
            .role_name("genesys")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("Throttling"), "{err:?}");

        // Moto's raw GetPolicyVersion vs AWS's encoded form.
        h.proxy.clear_faults();
        let raw = iam
            .get_policy_version()
            .policy_arn(&policy_arn)
            .version_id("v1")
            .send()
            .await
            .unwrap();
        assert_eq!(raw.policy_version().unwrap().document(), Some(POLICY));
        h.proxy.set_faults(FaultConfig {
            url_encode_documents: true,
            ..Default::default()
        });
        let enc = iam
            .get_policy_version()
            .policy_arn(&policy_arn)
            .version_id("v1")
            .send()
            .await
            .unwrap();
        let doc = enc
            .policy_version()
            .unwrap()
            .document()
            .unwrap()
            .to_string();
        assert_eq!(http::percent_decode(&doc, false), POLICY);
        assert_ne!(doc, POLICY);

        // Cut: the SDK sees a dispatch/response failure, nothing reaches moto.
        h.proxy.clear();
        h.proxy.set_faults(FaultConfig {
            cut_after: Some(0),
            ..Default::default()
        });
        let err = iam
            .delete_role()
            .role_name("genesys")
            .send()
            .await
            .unwrap_err();
        let _ = format!("{err:?}");
        assert!(h.proxy.calls().iter().all(|c| c.fault == Some(Fault::Cut)));
        assert!(h.proxy.count("iam:DeleteRole") >= 1);
    });
    assert!(h
        .moto
        .try_iam_query("GetRole", &[("RoleName", "genesys")])
        .is_success());
}

// ------------------------------------------------------------------ the whole path's fidelity
// moto 5.2.5 departs from AWS on Organizations and Lambda resource policies; the tests' local
// AWS (`support/moto_aws.py`) answers as AWS does. Each test below fails against a bare
// `moto_server` (`MOTO_SERVER=.venv/bin/moto_server`).

/// A new organization of the default account, with one member account in one OU:
/// (root, OU, member).
fn organization(moto: &MotoServer) -> (String, String, String) {
    let m = moto.client();
    m.organizations_ok("CreateOrganization", json!({"FeatureSet": "ALL"}));
    let roots = m.organizations_ok("ListRoots", json!({}));
    let root = roots["Roots"][0]["Id"].as_str().unwrap().to_owned();
    let ou = m.organizations_ok(
        "CreateOrganizationalUnit",
        json!({"ParentId": root, "Name": "Workloads"}),
    )["OrganizationalUnit"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let member = m.create_account("member");
    m.organizations_ok(
        "MoveAccount",
        json!({"AccountId": member, "SourceParentId": root, "DestinationParentId": ou}),
    );
    (root, ou, member)
}

fn error_code(r: &http::HttpResponse) -> String {
    let v = r.json();
    let t = v["__type"].as_str().or(v["Type"].as_str()).unwrap_or("");
    t.rsplit('#').next().unwrap_or_default().to_owned()
}

#[test]
fn organizations_refuse_a_member_account_with_access_denied() {
    let moto = MotoServer::start();
    let (root, _ou, member) = organization(&moto);
    let as_member = moto.client().with_account(&member);
    // A member account may describe its organization…
    assert!(as_member
        .organizations("DescribeOrganization", json!({}))
        .is_success());
    // …but not read its structure or policies (AWS Organizations API Reference: these
    // operations "can be called only from the organization's management account or by a
    // member account that is a delegated administrator").
    for (op, body) in [
        ("ListRoots", json!({})),
        ("ListParents", json!({"ChildId": member})),
        (
            "ListPoliciesForTarget",
            json!({"TargetId": root, "Filter": "SERVICE_CONTROL_POLICY"}),
        ),
        ("DescribePolicy", json!({"PolicyId": "p-FullAWSAccess"})),
    ] {
        let r = as_member.organizations(op, body);
        assert_eq!(r.status, 400, "{op}: {}", r.text());
        assert_eq!(
            error_code(&r),
            "AccessDeniedException",
            "{op}: {}",
            r.text()
        );
    }
}

#[test]
fn organizations_outside_any_organization_are_not_in_use() {
    let moto = MotoServer::start();
    let alone = moto.client();
    for (op, body) in [
        ("DescribeOrganization", json!({})),
        ("ListRoots", json!({})),
        ("ListParents", json!({"ChildId": "123456789012"})),
        (
            "ListPoliciesForTarget",
            json!({"TargetId": "123456789012", "Filter": "SERVICE_CONTROL_POLICY"}),
        ),
    ] {
        let r = alone.organizations(op, body);
        assert_eq!(
            error_code(&r),
            "AWSOrganizationsNotInUseException",
            "{op}: {}",
            r.text()
        );
    }
}

#[test]
fn organization_policy_types_start_disabled_and_enabling_attaches_full_access() {
    let moto = MotoServer::start();
    let (root, ou, member) = organization(&moto);
    let m = moto.client();
    let attached = |target: &str, kind: &str| -> Vec<String> {
        let v = m.organizations_ok(
            "ListPoliciesForTarget",
            json!({"TargetId": target, "Filter": kind}),
        );
        v["Policies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["Name"].as_str().unwrap().to_owned())
            .collect()
    };
    let roots = m.organizations_ok("ListRoots", json!({}));
    assert_eq!(roots["Roots"][0]["PolicyTypes"], json!([]));
    for target in [&root, &ou, &member] {
        assert!(attached(target, "SERVICE_CONTROL_POLICY").is_empty());
        assert!(attached(target, "RESOURCE_CONTROL_POLICY").is_empty());
    }
    let r = m.organizations(
        "AttachPolicy",
        json!({"PolicyId": "p-FullAWSAccess", "TargetId": root}),
    );
    assert_eq!(
        error_code(&r),
        "PolicyTypeNotEnabledException",
        "{}",
        r.text()
    );
    m.organizations_ok(
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
    );
    for target in [&root, &ou, &member] {
        assert_eq!(
            attached(target, "SERVICE_CONTROL_POLICY"),
            ["FullAWSAccess"]
        );
        assert!(attached(target, "RESOURCE_CONTROL_POLICY").is_empty());
    }
    m.organizations_ok(
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "RESOURCE_CONTROL_POLICY"}),
    );
    assert_eq!(
        attached(&member, "RESOURCE_CONTROL_POLICY"),
        ["RCPFullAWSAccess"]
    );
    m.organizations_ok(
        "DisablePolicyType",
        json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
    );
    for target in [&root, &ou, &member] {
        assert!(attached(target, "SERVICE_CONTROL_POLICY").is_empty());
    }
}

fn statements(r: &http::HttpResponse) -> Vec<serde_json::Value> {
    assert_eq!(r.status, 200, "{}", r.text());
    let policy: serde_json::Value =
        serde_json::from_str(r.json()["Policy"].as_str().unwrap()).unwrap();
    policy["Statement"].as_array().unwrap().clone()
}

#[test]
fn lambda_policy_principals_are_stored_as_aws_stores_them() {
    let moto = MotoServer::start();
    let m = moto.client();
    m.lambda_create_function("f", "us-east-1");
    for (sid, principal) in [
        ("account", "111122223333"),
        ("role", "arn:aws:iam::111122223333:role/caller"),
        ("service", "events.amazonaws.com"),
        ("anyone", "*"),
    ] {
        let r = m.add_permission(
            "f",
            None,
            &json!({"StatementId": sid, "Action": "lambda:InvokeFunction", "Principal": principal}),
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let got: Vec<(String, serde_json::Value)> = statements(&m.get_policy("f", None))
        .iter()
        .map(|s| {
            (
                s["Sid"].as_str().unwrap().to_owned(),
                s["Principal"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "account".to_owned(),
                json!({"AWS": "arn:aws:iam::111122223333:root"})
            ),
            (
                "role".to_owned(),
                json!({"AWS": "arn:aws:iam::111122223333:role/caller"})
            ),
            (
                "service".to_owned(),
                json!({"Service": "events.amazonaws.com"})
            ),
            ("anyone".to_owned(), json!("*")),
        ]
    );
}

#[test]
fn lambda_a_duplicate_statement_id_is_a_conflict() {
    let moto = MotoServer::start();
    let m = moto.client();
    m.lambda_create_function("f", "us-east-1");
    let body = json!({"StatementId": "s", "Action": "lambda:InvokeFunction", "Principal": "*"});
    assert_eq!(m.add_permission("f", None, &body).status, 201);
    let again = m.add_permission("f", None, &body);
    assert_eq!(again.status, 409, "{}", again.text());
    assert_eq!(error_code(&again), "ResourceConflictException");
    assert_eq!(statements(&m.get_policy("f", None)).len(), 1);
}

#[test]
fn lambda_keeps_one_policy_per_qualifier() {
    let moto = MotoServer::start();
    let m = moto.client();
    m.lambda_create_function("f", "us-east-1");
    let version = m.publish_version("f");
    m.create_alias("f", "live", &version);
    let grant = |sid: &str| json!({"StatementId": sid, "Action": "lambda:InvokeFunction", "Principal": "*"});
    assert_eq!(
        m.add_permission("f", Some("live"), &grant("alias")).status,
        201
    );
    assert_eq!(
        m.add_permission("f", Some(&version), &grant("version"))
            .status,
        201
    );
    let sids = |q: Option<&str>| -> Vec<String> {
        statements(&m.get_policy("f", q))
            .iter()
            .map(|s| s["Sid"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(sids(Some("live")), ["alias"]);
    assert_eq!(sids(Some(&version)), ["version"]);
    // The unqualified function has none of them: no policy is ResourceNotFoundException.
    let none = m.get_policy("f", None);
    assert_eq!(none.status, 404, "{}", none.text());
    assert_eq!(error_code(&none), "ResourceNotFoundException");
    let alias = statements(&m.get_policy("f", Some("live")));
    assert!(alias[0]["Resource"]
        .as_str()
        .unwrap()
        .ends_with(":function:f:live"));
}

/// PutResourcePolicy (Lambda API Reference, 2026; moto has none) replaces every statement,
/// AddPermission's included; GetPolicy and GetResourcePolicy read it back; a stale revision
/// is 412, a wildcard or incomplete ARN 400, a policy over 20,480 characters refused, and
/// DeleteResourcePolicy removes it.
#[test]
fn lambda_a_whole_policy_replaces_every_statement_and_is_checked_like_aws() {
    let moto = MotoServer::start();
    let m = moto.client();
    let arn = m.lambda_create_function("f", "us-east-1");
    let grant = json!({"StatementId": "s", "Action": "lambda:InvokeFunction", "Principal": "*"});
    assert_eq!(m.add_permission("f", None, &grant).status, 201);
    let path = |arn: &str| format!("/2026-07-09/resource-policy/{}", arn.replace(':', "%3A"));
    let put =
        |arn: &str, body: serde_json::Value| m.lambda("us-east-1", "PUT", &path(arn), Some(&body));
    let whole = json!({"Version": "2012-10-17", "Statement": [{"Sid": "d", "Effect": "Deny",
        "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "lambda:InvokeFunction", "Resource": arn}]});
    let ok = put(&arn, json!({"Policy": whole.to_string()}));
    assert_eq!(ok.status, 200, "{}", ok.text());
    let read = statements(&m.get_policy("f", None));
    assert_eq!(
        read,
        whole["Statement"].as_array().unwrap().clone(),
        "AddPermission's is gone"
    );
    let got = m.lambda("us-east-1", "GET", &path(&arn), None);
    assert_eq!(got.status, 200, "{}", got.text());
    let stale = put(
        &arn,
        json!({"Policy": whole.to_string(), "RevisionId": "00000000-0000-0000-0000-000000000000"}),
    );
    assert_eq!(stale.status, 412, "{}", stale.text());
    assert_eq!(error_code(&stale), "PreconditionFailedException");
    let wild = put(&format!("{arn}*"), json!({"Policy": whole.to_string()}));
    assert_eq!(wild.status, 400, "{}", wild.text());
    let long = json!({"Version": "2012-10-17", "Statement": [{"Sid": "x".repeat(21_000),
        "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": arn}]});
    assert_eq!(put(&arn, json!({"Policy": long.to_string()})).status, 400);
    let deleted = m.lambda("us-east-1", "DELETE", &path(&arn), None);
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    assert_eq!(m.get_policy("f", None).status, 404);
}

#[test]
fn lambda_remove_permission_acts_on_the_qualifier_and_checks_the_revision() {
    let moto = MotoServer::start();
    let m = moto.client();
    m.lambda_create_function("f", "us-east-1");
    let version = m.publish_version("f");
    m.create_alias("f", "live", &version);
    let grant = json!({"StatementId": "s", "Action": "lambda:InvokeFunction", "Principal": "*"});
    assert_eq!(m.add_permission("f", Some("live"), &grant).status, 201);
    assert_eq!(m.add_permission("f", None, &grant).status, 201);
    let revision = |q: Option<&str>| {
        m.get_policy("f", q).json()["RevisionId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let remove = |query: &str| {
        m.lambda(
            "us-east-1",
            "DELETE",
            &format!("/2015-03-31/functions/f/policy/s?{query}"),
            None,
        )
    };
    // A stale revision is refused (412), and nothing is removed.
    let stale = remove("Qualifier=live&RevisionId=not-the-revision");
    assert_eq!(stale.status, 412, "{}", stale.text());
    assert_eq!(error_code(&stale), "PreconditionFailedException");
    // The alias's statement goes with the alias's revision; the function's own stays.
    let ok = remove(&format!(
        "Qualifier=live&RevisionId={}",
        revision(Some("live"))
    ));
    assert_eq!(ok.status, 204, "{}", ok.text());
    assert_eq!(m.get_policy("f", Some("live")).status, 404);
    assert_eq!(statements(&m.get_policy("f", None)).len(), 1);
    // A statement that is not there: 404 ResourceNotFoundException.
    let gone = remove("Qualifier=live");
    assert_eq!(gone.status, 404, "{}", gone.text());
    assert_eq!(error_code(&gone), "ResourceNotFoundException");
}

#[test]
fn lambda_another_accounts_function_arn_is_that_accounts_function() {
    let moto = MotoServer::start();
    let other = moto.client().with_account("111122223333");
    let arn = other.lambda_create_function("f", "us-east-1");
    let grant = json!({"StatementId": "mine", "Action": "lambda:InvokeFunction", "Principal": "444455556666"});
    assert_eq!(other.add_permission("f", None, &grant).status, 201);
    // The caller's own account has a function of the same name, with another policy.
    let caller = moto.client();
    caller.lambda_create_function("f", "us-east-1");
    let own =
        json!({"StatementId": "callers", "Action": "lambda:InvokeFunction", "Principal": "*"});
    assert_eq!(caller.add_permission("f", None, &own).status, 201);
    let path = format!(
        "/2015-03-31/functions/{}/policy",
        http::percent_encode(&arn)
    );
    let r = caller.lambda("us-east-1", "GET", &path, None);
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(error_code(&r), "AccessDeniedException");
    // Once that account's policy lets the caller's account read it, the answer is its policy.
    let read =
        json!({"StatementId": "read", "Action": "lambda:GetPolicy", "Principal": "123456789012"});
    assert_eq!(other.add_permission("f", None, &read).status, 201);
    let r = caller.lambda("us-east-1", "GET", &path, None);
    let sids: Vec<String> = statements(&r)
        .iter()
        .map(|s| s["Sid"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        sids,
        ["mine", "read"],
        "that account's policy, not the caller's own"
    );
    // GetFunction likewise: refused until that account's policy lets the caller read it, then
    // that account's function, not the caller's one of the same name.
    let path = format!("/2015-03-31/functions/{}", http::percent_encode(&arn));
    let r = caller.lambda("us-east-1", "GET", &path, None);
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(error_code(&r), "AccessDeniedException");
    let read =
        json!({"StatementId": "get", "Action": "lambda:GetFunction", "Principal": "123456789012"});
    assert_eq!(other.add_permission("f", None, &read).status, 201);
    let r = caller.lambda("us-east-1", "GET", &path, None);
    assert_eq!(r.status, 200, "{}", r.text());
    let got: serde_json::Value = serde_json::from_str(&r.text()).unwrap();
    assert_eq!(got["Configuration"]["FunctionArn"], arn.as_str(), "{got}");
}

/// GetAccountSettings (Lambda API Reference; moto 5.2.5 has no route for it): the default
/// limits, less the concurrency functions reserve, and the usage of the calling account in the
/// region asked — its functions counted once whatever their versions, the bytes of every
/// version's package. The proxy names the operation.
#[test]
fn lambda_account_settings_count_the_accounts_functions_in_the_region() {
    let h = Harness::start();
    let settings = |aws: &support::AwsSeed, region: &str| -> serde_json::Value {
        let r = aws.lambda(region, "GET", "/2016-08-19/account-settings/", None);
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    };
    let limit = json!({"TotalCodeSize": 80530636800_i64, "CodeSizeUnzipped": 262144000,
        "CodeSizeZipped": 52428800, "ConcurrentExecutions": 1000,
        "UnreservedConcurrentExecutions": 1000});
    let empty = settings(&h.proxy.client(), "us-east-1");
    assert_eq!(empty["AccountLimit"], limit, "{empty}");
    assert_eq!(
        empty["AccountUsage"],
        json!({"TotalCodeSize": 0, "FunctionCount": 0})
    );

    let m = h.moto.client();
    for name in ["a", "b", "c"] {
        m.lambda_create_function(name, "us-east-1");
    }
    m.publish_version("a");
    m.lambda_create_function("elsewhere", "eu-west-1");
    let other = h.moto.client().with_account("111122223333");
    other.lambda_create_function("theirs", "us-east-1");
    let body = json!({"ReservedConcurrentExecutions": 10});
    let r = m.lambda(
        "us-east-1",
        "PUT",
        "/2017-10-31/functions/b/concurrency",
        Some(&body),
    );
    assert_eq!(r.status, 200, "{}", r.text());

    let got = settings(&h.proxy.client(), "us-east-1");
    assert_eq!(got["AccountUsage"]["FunctionCount"], 3, "{got}");
    assert_eq!(got["AccountLimit"]["UnreservedConcurrentExecutions"], 990);
    // Four packages: a's $LATEST and version 1, b's and c's.
    let code = got["AccountUsage"]["TotalCodeSize"].as_i64().unwrap();
    assert!(code > 0 && code % 4 == 0, "{got}");
    let eu = settings(&h.proxy.client(), "eu-west-1");
    assert_eq!(eu["AccountUsage"]["FunctionCount"], 1, "{eu}");
    let theirs = settings(&h.proxy.client().with_account("111122223333"), "us-east-1");
    assert_eq!(theirs["AccountUsage"]["FunctionCount"], 1, "{theirs}");
    assert_eq!(h.proxy.count("lambda:GetAccountSettings"), 4);
}

/// moto_aws.py, "IAM (RoleLastUsed)": a role created with the backdating tags answers with that
/// CreateDate and RoleLastUsed (date and region), as a role that old does on AWS; one without
/// them is created now and never used (moto's own answer).
#[test]
fn roles_can_be_backdated_as_aws_reports_old_roles() {
    let h = Harness::start();
    let aws = h.proxy.client();
    aws.iam_query(
        "CreateRole",
        &[
            ("RoleName", "old"),
            ("AssumeRolePolicyDocument", TRUST),
            ("Tags.member.1.Key", "lambda-trust-test:created"),
            ("Tags.member.1.Value", "2020-01-01T00:00:00Z"),
            ("Tags.member.2.Key", "lambda-trust-test:last-used"),
            ("Tags.member.2.Value", "2020-06-01T10:00:00Z"),
            ("Tags.member.3.Key", "lambda-trust-test:last-used-region"),
            ("Tags.member.3.Value", "eu-west-1"),
        ],
    );
    let xml = aws.iam_query("GetRole", &[("RoleName", "old")]);
    let field = |xml: &str, name: &str| http::xml_first(xml, name).unwrap_or_default();
    assert!(
        field(&xml, "CreateDate").starts_with("2020-01-01T00:00:00"),
        "{xml}"
    );
    assert!(
        field(&xml, "LastUsedDate").starts_with("2020-06-01T10:00:00"),
        "{xml}"
    );
    assert_eq!(field(&xml, "Region"), "eu-west-1", "{xml}");
    aws.iam_query(
        "CreateRole",
        &[("RoleName", "new"), ("AssumeRolePolicyDocument", TRUST)],
    );
    let xml = aws.iam_query("GetRole", &[("RoleName", "new")]);
    assert_eq!(field(&xml, "LastUsedDate"), "", "{xml}");
    assert!(!field(&xml, "CreateDate").starts_with("2020"), "{xml}");
}

/// The test support's Security Hub (moto_aws.py, "Security Hub") refuses what AWS refuses and
/// keeps what AWS keeps: nothing while disabled, at most 100 findings a call, only the
/// account's own findings under its own product, the customer's Workflow through a re-import,
/// a reopened finding's RESOLVED workflow reset to NEW, and GetFindings' filters honoured.
#[test]
fn security_hub_answers_as_aws_does() {
    let moto = MotoServer::start();
    let code = r#"
import boto3, botocore, copy, sys
hub = boto3.client("securityhub", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
ACCOUNT, PRODUCT = "123456789012", "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
def finding(i, **extra):
    f = {"SchemaVersion": "2018-10-08", "Id": f"lambda-trust/x/{i}", "ProductArn": PRODUCT,
         "GeneratorId": f"lambda-trust/audit/code-{i}", "AwsAccountId": ACCOUNT,
         "Types": ["Software and Configuration Checks"], "CreatedAt": "2026-01-01T00:00:00Z",
         "UpdatedAt": "2026-01-01T00:00:00Z", "Severity": {"Label": "HIGH"}, "Title": "t",
         "Description": "d", "Resources": [{"Type": "AwsIamRole", "Id": f"arn:aws:iam::{ACCOUNT}:role/r{i}"}]}
    f.update(extra)
    return f
def refused(call, code):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        return
    raise AssertionError(f"not refused: expected {code}")

refused(lambda: hub.batch_import_findings(Findings=[finding(0)]), "InvalidAccessException")
refused(lambda: hub.get_findings(), "InvalidAccessException")
hub.enable_security_hub()
refused(lambda: hub.batch_import_findings(Findings=[finding(i) for i in range(101)]), "InvalidInputException")
out = hub.batch_import_findings(Findings=[finding(i) for i in range(100)])
assert (out["SuccessCount"], out["FailedCount"]) == (100, 0), out

big = finding(200, Description="x" * (240 * 1024))
other = finding(201, AwsAccountId="111122223333")
product = finding(202, ProductArn="arn:aws:securityhub:us-east-1::product/aws/guardduty")
out = hub.batch_import_findings(Findings=[big, other, product])
assert out["FailedCount"] == 3 and out["SuccessCount"] == 0, out
assert [f["Id"] for f in out["FailedFindings"]] == [big["Id"], other["Id"], product["Id"]], out

hub.batch_import_findings(Findings=[finding(300, Workflow={"Status": "RESOLVED"}, RecordState="ARCHIVED")])
hub.batch_import_findings(Findings=[finding(300, Workflow={"Status": "SUPPRESSED"}, RecordState="ARCHIVED")])
f = hub.get_findings(Filters={"Id": [{"Value": "lambda-trust/x/300", "Comparison": "EQUALS"}]})["Findings"]
assert [x["Workflow"]["Status"] for x in f] == ["RESOLVED"], f
hub.batch_import_findings(Findings=[finding(300, RecordState="ACTIVE")])
f = hub.get_findings(Filters={"Id": [{"Value": "lambda-trust/x/300", "Comparison": "EQUALS"}]})["Findings"]
assert [(x["RecordState"], x["Workflow"]["Status"]) for x in f] == [("ACTIVE", "NEW")], f

hub.batch_import_findings(Findings=[finding(400, GeneratorId="someone-else/rule")])
mine = {"GeneratorId": [{"Value": "lambda-trust/audit/", "Comparison": "PREFIX"}],
        "AwsAccountId": [{"Value": ACCOUNT, "Comparison": "EQUALS"}],
        "ProductArn": [{"Value": PRODUCT, "Comparison": "EQUALS"}],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]}
ids, token = [], None
while True:
    page = hub.get_findings(Filters=mine, MaxResults=100, **({"NextToken": token} if token else {}))
    assert len(page["Findings"]) <= 100
    ids += [x["Id"] for x in page["Findings"]]
    token = page.get("NextToken")
    if not token:
        break
assert len(ids) == 101 and "lambda-trust/x/400" not in ids, len(ids)
"#;
    run_python(code, &moto);
}

/// The test support's AWS Config aggregator (moto_aws.py, "AWS Config aggregators") answers as
/// AWS does for IAM: every account of the organization (only its management account may
/// aggregate it), each role once with its path, its ID as the resource ID, documents
/// URL-encoded, the boundary as an object and RoleLastUsed from IAM; at most 100 identifiers a
/// page and a batch; an unknown token refused.
#[test]
fn config_aggregator_answers_as_aws_does() {
    let moto = MotoServer::start();
    let code = r#"
import boto3, botocore, json, sys
from urllib.parse import unquote
def client(service, account=None):
    c = boto3.client(service, endpoint_url=sys.argv[1], region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    if account:
        c.meta.events.register("before-sign.*.*",
                               lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c
def refused(call, code):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        return
    raise AssertionError(f"not refused: expected {code}")

org = client("organizations")
org.create_organization(FeatureSet="ALL")
member = org.create_account(Email="m@example.com", AccountName="m")["CreateAccountStatus"]["AccountId"]
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole"}]})
iam = client("iam", member)
cap = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}]})
boundary = iam.create_policy(PolicyName="cap", Path="/team/", PolicyDocument=cap)["Policy"]["Arn"]
iam.create_role(RoleName="genesys", Path="/integrations/", AssumeRolePolicyDocument=trust,
                PermissionsBoundary=boundary,
                Tags=[{"Key": "lambda-trust-test:last-used", "Value": "2025-01-02T03:04:05Z"},
                      {"Key": "lambda-trust-test:last-used-region", "Value": "eu-west-1"}])
for i in range(150):
    client("iam").create_role(RoleName=f"r{i:03d}", AssumeRolePolicyDocument=trust)
role_id = iam.get_role(RoleName="genesys")["Role"]["RoleId"]

refused(lambda: client("config", member).put_configuration_aggregator(
    ConfigurationAggregatorName="x",
    OrganizationAggregationSource={"RoleArn": "arn:aws:iam::1:role/x", "AllAwsRegions": True}),
    "OrganizationAccessDeniedException")
config = client("config")
config.put_configuration_aggregator(ConfigurationAggregatorName="org",
    OrganizationAggregationSource={"RoleArn": "arn:aws:iam::1:role/x", "AwsRegions": ["eu-west-1", "us-east-1"]})
refused(lambda: config.list_aggregate_discovered_resources(
    ConfigurationAggregatorName="nope", ResourceType="AWS::IAM::Role"), "NoSuchConfigurationAggregatorException")
refused(lambda: config.list_aggregate_discovered_resources(
    ConfigurationAggregatorName="org", ResourceType="AWS::IAM::Role", Limit=101), "InvalidLimitException")
refused(lambda: config.list_aggregate_discovered_resources(
    ConfigurationAggregatorName="org", ResourceType="AWS::IAM::Role", NextToken="forged"), "InvalidNextTokenException")

listed, token = [], None
while True:
    page = config.list_aggregate_discovered_resources(ConfigurationAggregatorName="org",
        ResourceType="AWS::IAM::Role", Limit=100, **({"NextToken": token} if token else {}))
    assert len(page["ResourceIdentifiers"]) <= 100
    listed += page["ResourceIdentifiers"]
    token = page.get("NextToken")
    if not token:
        break
accounts = {i["SourceAccountId"] for i in listed}
assert accounts == {"123456789012", member}, accounts
assert {i["SourceRegion"] for i in listed} == {"us-east-1"}, "once, in the aggregator's region"
names = [(i["SourceAccountId"], i["ResourceName"]) for i in listed]
assert len(names) == len(set(names)), "each role once"
mine = [i for i in listed if i["ResourceName"] == "genesys"]
assert [i["ResourceId"] for i in mine] == [role_id], mine
only = config.list_aggregate_discovered_resources(ConfigurationAggregatorName="org",
    ResourceType="AWS::IAM::Role", Filters={"AccountId": member})["ResourceIdentifiers"]
assert {i["SourceAccountId"] for i in only} == {member}, only
policies = config.list_aggregate_discovered_resources(ConfigurationAggregatorName="org",
    ResourceType="AWS::IAM::Policy")["ResourceIdentifiers"]
assert [p["ResourceName"] for p in policies] == ["cap"], "customer managed only"

refused(lambda: config.batch_get_aggregate_resource_config(ConfigurationAggregatorName="org",
    ResourceIdentifiers=listed[:101]), "ValidationException")
got = config.batch_get_aggregate_resource_config(ConfigurationAggregatorName="org", ResourceIdentifiers=mine)
items = got["BaseConfigurationItems"]
assert len(items) == 1 and not got["UnprocessedResourceIdentifiers"], got
item = items[0]
assert (item["accountId"], item["resourceId"], item["configurationItemStatus"]) == (member, role_id, "OK"), item
c = json.loads(item["configuration"])
assert c["arn"] == f"arn:aws:iam::{member}:role/integrations/genesys", c["arn"]
assert json.loads(unquote(c["assumeRolePolicyDocument"])) == json.loads(trust)
assert c["permissionsBoundary"] == {"permissionsBoundaryType": "Policy", "permissionsBoundaryArn": boundary}, c
assert c["roleLastUsed"] == {"lastUsedDate": "2025-01-02T03:04:05.000Z", "region": "eu-west-1"}, c
gone = dict(mine[0], ResourceId="AROANOTTHERE")
got = config.batch_get_aggregate_resource_config(ConfigurationAggregatorName="org", ResourceIdentifiers=[gone])
assert got["BaseConfigurationItems"] == [] and got["UnprocessedResourceIdentifiers"] == [], got
"#;
    run_python(code, &moto);
}

/// The test support's AWS Config aggregator answers as AWS does for Lambda functions too: each
/// function of the covered accounts and regions listed once under its own region, its name as
/// resource ID and name; its item's `arn` the function's, its `configuration` the function as
/// Lambda describes it (camel-cased) and its resource-based policy as
/// `supplementaryConfiguration.Policy`, the policy's JSON text (no `Policy` without one); a
/// function tagged as not recorded comes back `ResourceNotRecorded` without a configuration.
#[test]
fn config_aggregator_answers_functions_as_aws_does() {
    let moto = MotoServer::start();
    let code = r#"
import boto3, io, json, sys, zipfile
def client(service, region="us-east-1"):
    return boto3.client(service, endpoint_url=sys.argv[1], region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("index.py", "def handler(e, c):\n    return e\n")
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
role = client("iam").create_role(RoleName="exec", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
def function(name, region="us-east-1", tags=None):
    return client("lambda", region).create_function(FunctionName=name, Runtime="python3.12",
        Role=role, Handler="index.handler", Code={"ZipFile": buf.getvalue()},
        Tags=tags or {})["FunctionArn"]
open_arn = function("open")
function("plain")
function("hidden", tags={"lambda-trust-test:config-not-recorded": "yes"})
function("west", region="eu-west-1")
function("elsewhere", region="ap-south-1")
lam = client("lambda")
lam.add_permission(FunctionName="open", StatementId="anyone", Action="lambda:InvokeFunction", Principal="*")
lam.add_permission(FunctionName="open", StatementId="partner", Action="lambda:InvokeFunction",
                   Principal="444455556666")
config = client("config")
config.put_configuration_aggregator(ConfigurationAggregatorName="mine",
    AccountAggregationSources=[{"AccountIds": ["123456789012"], "AwsRegions": ["us-east-1", "eu-west-1"]}])
listed = config.list_aggregate_discovered_resources(ConfigurationAggregatorName="mine",
    ResourceType="AWS::Lambda::Function")["ResourceIdentifiers"]
got = sorted((i["SourceRegion"], i["ResourceId"], i["ResourceName"]) for i in listed)
assert got == [("eu-west-1", "west", "west"), ("us-east-1", "hidden", "hidden"),
               ("us-east-1", "open", "open"), ("us-east-1", "plain", "plain")], got
assert {i["SourceAccountId"] for i in listed} == {"123456789012"}
got = config.batch_get_aggregate_resource_config(ConfigurationAggregatorName="mine",
    ResourceIdentifiers=listed)
assert not got["UnprocessedResourceIdentifiers"], got
items = {i["resourceName"]: i for i in got["BaseConfigurationItems"]}
assert set(items) == {"open", "plain", "hidden", "west"}, items
item = items["open"]
assert (item["resourceType"], item["resourceId"], item["arn"], item["awsRegion"],
        item["configurationItemStatus"]) == ("AWS::Lambda::Function", "open", open_arn, "us-east-1", "OK"), item
c = json.loads(item["configuration"])
assert (c["functionName"], c["functionArn"]) == ("open", open_arn), c
policy = item["supplementaryConfiguration"]["Policy"]
assert isinstance(policy, str), policy
doc = json.loads(policy)
assert doc["Version"] == "2012-10-17", doc
assert [s["Sid"] for s in doc["Statement"]] == ["anyone", "partner"], doc
assert doc["Statement"][0]["Principal"] == "*", doc
assert doc["Statement"][1]["Principal"] == {"AWS": "arn:aws:iam::444455556666:root"}, doc
assert all(s["Resource"] == open_arn for s in doc["Statement"]), doc
assert "Policy" not in items["plain"]["supplementaryConfiguration"], items["plain"]
assert items["west"]["awsRegion"] == "eu-west-1"
hidden = items["hidden"]
assert hidden["configurationItemStatus"] == "ResourceNotRecorded", hidden
assert "configuration" not in hidden and "supplementaryConfiguration" not in hidden, hidden
"#;
    run_python(code, &moto);
}

/// An account's own AWS Config as `check --function-policies` reads it, parsed by botocore's
/// model of the service: the recorder keeps its recording mode; `BatchGetResourceConfig`
/// answers a function's item (its policy as `supplementaryConfiguration.Policy`, its capture
/// time) only while the region's recorder records the type, leaves out what is not there, and
/// refuses more than 100 keys as AWS does.
#[test]
fn an_accounts_own_config_answers_functions_as_aws_does() {
    let moto = MotoServer::start();
    let code = r#"
import boto3, botocore, datetime, io, json, sys, zipfile
def client(service, region="us-east-1"):
    return boto3.client(service, endpoint_url=sys.argv[1], region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("index.py", "def handler(e, c):\n    return e\n")
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
role = client("iam").create_role(RoleName="exec", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
lam = client("lambda")
arn = lam.create_function(FunctionName="open", Runtime="python3.12", Role=role,
    Handler="index.handler", Code={"ZipFile": buf.getvalue()})["FunctionArn"]
lam.add_permission(FunctionName="open", StatementId="anyone", Action="lambda:InvokeFunction", Principal="*")
config = client("config")
key = {"resourceType": "AWS::Lambda::Function", "resourceId": "open"}
# No recorder: refused, as AWS refuses it.
try:
    config.batch_get_resource_config(resourceKeys=[key])
    raise SystemExit("read without a recorder")
except botocore.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "NoAvailableConfigurationRecorderException", e.response
config.put_configuration_recorder(ConfigurationRecorder={"name": "default",
    "roleARN": "arn:aws:iam::123456789012:role/config",
    "recordingGroup": {"allSupported": False, "resourceTypes": ["AWS::Lambda::Function"],
                       "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}},
    "recordingMode": {"recordingFrequency": "DAILY", "recordingModeOverrides": [
        {"resourceTypes": ["AWS::Lambda::Function"], "recordingFrequency": "CONTINUOUS"}]}})
[recorder] = config.describe_configuration_recorders()["ConfigurationRecorders"]
assert recorder["recordingMode"]["recordingFrequency"] == "DAILY", recorder
assert recorder["recordingMode"]["recordingModeOverrides"][0]["recordingFrequency"] == "CONTINUOUS"
assert recorder["recordingScope"] == "PAID" and recorder["arn"].startswith("arn:aws:config:us-east-1:"), recorder
try:
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default",
        "roleARN": "arn:aws:iam::123456789012:role/config",
        "recordingMode": {"recordingFrequency": "WEEKLY"}})
    raise SystemExit("an unknown recording frequency was taken")
except (botocore.exceptions.ClientError, botocore.exceptions.ParamValidationError):
    pass
# Put, not started: still no item.
assert config.batch_get_resource_config(resourceKeys=[key])["baseConfigurationItems"] == []
assert config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"][0]["recording"] is False
config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config"})
config.start_configuration_recorder(ConfigurationRecorderName="default")
got = config.batch_get_resource_config(resourceKeys=[key, {"resourceType": "AWS::Lambda::Function",
    "resourceId": "missing"}])
assert got["unprocessedResourceKeys"] == [], got
[item] = got["baseConfigurationItems"]
assert (item["resourceType"], item["resourceId"], item["arn"], item["configurationItemStatus"]) == (
    "AWS::Lambda::Function", "open", arn, "OK"), item
assert isinstance(item["configurationItemCaptureTime"], datetime.datetime), item
doc = json.loads(item["supplementaryConfiguration"]["Policy"])
assert [s["Sid"] for s in doc["Statement"]] == ["anyone"], doc
try:
    config.batch_get_resource_config(resourceKeys=[key] * 101)
    raise SystemExit("101 keys were taken")
except (botocore.exceptions.ClientError, botocore.exceptions.ParamValidationError):
    pass
"#;
    run_python(code, &moto);
}

#[test]
fn a_stacks_lambda_permission_is_a_statement_get_policy_reads() {
    let moto = MotoServer::start();
    let m = moto.client();
    let arn = m.lambda_create_function("f", "us-east-1");
    let template = json!({"Resources": {"Invoke": {"Type": "AWS::Lambda::Permission",
        "Properties": {"Action": "lambda:InvokeFunction", "FunctionName": arn,
            "Principal": "arn:aws:iam::111122223333:role/caller"}}}});
    let r = m.query(
        "cloudformation",
        "2010-05-15",
        "CreateStack",
        &[("StackName", "s"), ("TemplateBody", &template.to_string())],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let got = statements(&m.get_policy("f", None));
    assert_eq!(got.len(), 1, "{got:?}");
    let sid = got[0]["Sid"].as_str().unwrap();
    assert!(sid.starts_with("s-Invoke-"), "{sid}");
    assert_eq!(
        got[0]["Principal"],
        json!({"AWS": "arn:aws:iam::111122223333:role/caller"})
    );
    assert_eq!(got[0]["Resource"], arn);
}

/// Runs `code` with the project's Python (boto3 and botocore's models), the local AWS's URL as
/// its first argument; fails the test with its error output unless it exits 0.
fn run_python(code: &str, moto: &MotoServer) {
    run_python_with(code, &[&moto.url()]);
}

/// `code` run by the venv's Python with `args` as `sys.argv[1:]`; it must succeed.
fn run_python_with(code: &str, args: &[&str]) {
    let out = support::moto_forks::python(&[&["-c", code], args].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// EventBridge's pattern quota (2,048 characters by default) holds on the local AWS as on AWS:
/// one character over is refused, the quota itself is taken.
#[test]
fn an_event_pattern_over_the_quota_is_refused_as_aws_refuses_it() {
    let moto = MotoServer::start();
    let code = format!(
        "{EVENTS}{}",
        r#"
def pattern(n):
    base = {"source": ["aws.iam"], "detail": {"roleName": [""]}}
    pad = n - len(json.dumps(base))
    base["detail"]["roleName"] = ["x" * pad]
    text = json.dumps(base)
    assert len(text) == n, len(text)
    return text
events.put_rule(Name="at-quota", EventPattern=pattern(2048))
try:
    events.put_rule(Name="over-quota", EventPattern=pattern(2049))
    raise SystemExit("a pattern over the quota was taken")
except ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidEventPatternException", e.response
names = [r["Name"] for r in events.list_rules()["Rules"]]
assert names == ["at-quota"], names
"#
    );
    run_python(&code, &moto);
}

/// A `client(service, account)` of the local AWS in us-east-1 acting in `account` (the URL is
/// `sys.argv[1]`).
const IN_ACCOUNT: &str = r#"
import boto3, json, sys
def client(service, account):
    c = boto3.client(service, endpoint_url=sys.argv[1], region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    c.meta.events.register("before-sign.*.*",
        lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c
"#;

/// An EventBridge client of the local AWS in us-east-1, as `events` (the URL is `sys.argv[1]`).
const EVENTS: &str = r#"
import boto3, json, sys
from botocore.exceptions import ClientError
events = boto3.client("events", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="testing", aws_secret_access_key="testing")
"#;

/// A partner event bus (a SaaS partner's, `aws.partner/…`) is found by its whole name and by
/// its ARN, as on AWS.
#[test]
fn a_partner_event_bus_is_named_by_its_whole_name_or_its_arn() {
    let moto = MotoServer::start();
    let code = format!(
        "{EVENTS}{}",
        r#"
name = "aws.partner/genesys.com/cloud/org-1/watch"
events.create_partner_event_source(Name=name, Account="123456789012")
arn = events.create_event_bus(Name=name, EventSourceName=name)["EventBusArn"]
events.put_rule(Name="by-name", EventBusName=name, EventPattern=json.dumps({"source": [{"prefix": "aws.partner/"}]}))
events.put_rule(Name="by-arn", EventBusName=arn, EventPattern=json.dumps({"source": [{"prefix": "aws.partner/"}]}))
for bus in (name, arn):
    names = sorted(r["Name"] for r in events.list_rules(EventBusName=bus)["Rules"])
    assert names == ["by-arn", "by-name"], (bus, names)
assert [r["Name"] for r in events.list_rules()["Rules"]] == [], "the default bus holds none"
"#
    );
    run_python(&code, &moto);
}

/// A rule's target without an input of its own gets "the entire event" (API Reference,
/// PutTargets): the account that put it too, which the organization watch's sweep rule and
/// function read.
#[test]
fn a_targets_event_is_the_entire_event_with_its_account() {
    let moto = MotoServer::start();
    let code = format!(
        "{EVENTS}{}",
        r#"
sqs = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="testing", aws_secret_access_key="testing")
queue = sqs.create_queue(QueueName="seen")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
events.put_rule(Name="seen", EventPattern=json.dumps({"source": ["test.probe"]}))
events.put_targets(Rule="seen", Targets=[{"Id": "q", "Arn": arn}])
events.put_events(Entries=[{"Source": "test.probe", "DetailType": "probe", "Detail": "{}"}])
got = json.loads(sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"])
assert got.get("account") == "123456789012", got
"#
    );
    run_python(&code, &moto);
}

/// EventBridge across accounts (User Guide, "Permissions for event buses", "Sending and
/// receiving events between AWS accounts"): a rule's target that is another account's bus
/// delivers only what that bus's policy admits — the target's role, by `aws:PrincipalArn`
/// here — and PutPermission with a Policy replaces the bus's whole policy (API Reference,
/// PutPermission). Seen through an SQS queue a rule on the receiving bus feeds.
#[test]
fn another_accounts_bus_takes_only_what_its_policy_admits() {
    let moto = MotoServer::start();
    let code = format!(
        "{IN_ACCOUNT}{}",
        r#"
HOME, SENDER = "111111111111", "222222222222"
events, sqs = client("events", HOME), client("sqs", HOME)
bus = events.create_event_bus(Name="watch")["EventBusArn"]
queue = sqs.create_queue(QueueName="seen")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
events.put_rule(Name="seen", EventBusName="watch", EventPattern=json.dumps({"source": ["test.probe"]}))
events.put_targets(Rule="seen", EventBusName="watch", Targets=[{"Id": "q", "Arn": queue_arn}])
iam = client("iam", SENDER)
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
roles = {}
for name in ("fwd", "other"):
    roles[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="put", PolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": bus}]}))
theirs = client("events", SENDER)
def sent_with(role):
    theirs.put_rule(Name="fwd", EventPattern=json.dumps({"source": ["test.probe"]}))
    target = {"Id": "bus", "Arn": bus}
    if role:
        target["RoleArn"] = role
    theirs.put_targets(Rule="fwd", Targets=[target])
    theirs.put_events(Entries=[{"Source": "test.probe", "DetailType": "probe", "Detail": "{}"}])
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    for m in got:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    return len(got)
assert sent_with(roles["fwd"]) == 0, "a bus without a policy admits no other account"
def policy(statement):
    events.put_permission(EventBusName="watch", Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [statement]}))
policy({"Sid": "whole-account", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SENDER}:root"},
        "Action": "events:PutEvents", "Resource": bus})
assert sent_with(roles["fwd"]) == 1 and sent_with(None) == 1, "the account is admitted"
policy({"Sid": "the-role", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SENDER}:root"},
        "Action": "events:PutEvents", "Resource": bus,
        "Condition": {"ArnEquals": {"aws:PrincipalArn": roles["fwd"]}}})
sids = [s["Sid"] for s in json.loads(events.describe_event_bus(Name="watch")["Policy"])["Statement"]]
assert sids == ["the-role"], f"the policy is replaced whole: {sids}"
assert sent_with(roles["fwd"]) == 1, "the role the condition names is admitted"
assert sent_with(roles["other"]) == 0, "another role of that account is not"
assert sent_with(None) == 0, "nor the account without a role"
iam.delete_role_policy(RoleName="fwd", PolicyName="put")
assert sent_with(roles["fwd"]) == 0, "a role whose policies do not allow PutEvents sends nothing"
"#
    );
    run_python(&code, &moto);
}

/// EventBridge assumes a target's role for one rule (User Guide, "Cross-service confused deputy
/// prevention"): the role's trust is held to `aws:SourceAccount` (the rule's account) and
/// `aws:SourceArn` (the rule's ARN) at delivery — across accounts, and to the rule's own
/// account's bus in another region.
#[test]
fn a_forwarding_roles_trust_holds_the_rules_account_and_arn() {
    let moto = MotoServer::start();
    let code = format!(
        "{IN_ACCOUNT}{}",
        r#"
HOME, SENDER, THIRD = "111111111111", "222222222222", "333333333333"
events, sqs = client("events", HOME), client("sqs", HOME)
bus = events.create_event_bus(Name="watch")["EventBusArn"]
queue = sqs.create_queue(QueueName="seen")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
events.put_rule(Name="seen", EventBusName="watch", EventPattern=json.dumps({"source": ["test.probe"]}))
events.put_targets(Rule="seen", EventBusName="watch", Targets=[{"Id": "q", "Arn": queue_arn}])
events.put_permission(EventBusName="watch", Policy=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Sid": "sender", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{SENDER}:root"},
        "Action": "events:PutEvents", "Resource": bus}]}))
iam = client("iam", SENDER)
def regional(service, account, region):
    c = boto3.client(service, endpoint_url=sys.argv[1], region_name=region,
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    c.meta.events.register("before-sign.*.*",
        lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c
def trust(account, operator="StringEquals"):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {operator: {"aws:SourceAccount": account},
            "ArnLike": {"aws:SourceArn": f"arn:aws:events:*:{SENDER}:rule/lambda-trust-*"}}}]}
role = iam.create_role(RoleName="fwd", AssumeRolePolicyDocument=json.dumps(trust(SENDER)))["Role"]["Arn"]
iam.put_role_policy(RoleName="fwd", PolicyName="put", PolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": "*"}]}))
def sent_through(rule, region="us-east-1", to=bus):
    theirs = regional("events", SENDER, region)
    theirs.put_rule(Name=rule, EventPattern=json.dumps({"source": ["test.probe"]}))
    theirs.put_targets(Rule=rule, Targets=[{"Id": "bus", "Arn": to, "RoleArn": role}])
    theirs.put_events(Entries=[{"Source": "test.probe", "DetailType": "probe", "Detail": "{}"}])
    theirs.remove_targets(Rule=rule, Ids=["bus"])
    theirs.delete_rule(Name=rule)
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    for m in got:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    return len(got)
assert sent_through("lambda-trust-fwd") == 1, "a rule the trust names"
assert sent_through("fwd") == 0, "aws:SourceArn: a rule of another name"
assert sent_through("lambda-trust-fwd", "eu-west-1") == 1, "a rule of the account in any region"
iam.update_assume_role_policy(RoleName="fwd", PolicyDocument=json.dumps(trust(THIRD)))
assert sent_through("lambda-trust-fwd") == 0, "aws:SourceAccount: the rule's account only"
iam.update_assume_role_policy(RoleName="fwd", PolicyDocument=json.dumps(trust(SENDER, "NumericEquals")))
assert sent_through("lambda-trust-fwd") == 0, "an operator not evaluated admits nothing"
# The rule's own account, another region: the role is assumed all the same.
mine, own = regional("sqs", SENDER, "us-east-1"), regional("events", SENDER, "us-east-1")
own_bus = own.create_event_bus(Name="home")["EventBusArn"]
own_queue = mine.create_queue(QueueName="own")["QueueUrl"]
own_arn = mine.get_queue_attributes(QueueUrl=own_queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
own.put_rule(Name="seen", EventBusName="home", EventPattern=json.dumps({"source": ["test.probe"]}))
own.put_targets(Rule="seen", EventBusName="home", Targets=[{"Id": "q", "Arn": own_arn}])
def own_seen():
    got = mine.receive_message(QueueUrl=own_queue, MaxNumberOfMessages=10).get("Messages", [])
    for m in got:
        mine.delete_message(QueueUrl=own_queue, ReceiptHandle=m["ReceiptHandle"])
    return len(got)
sent_through("lambda-trust-fwd", "eu-west-1", own_bus)
assert own_seen() == 0, "the trust's operator is refused in the account too"
iam.update_assume_role_policy(RoleName="fwd", PolicyDocument=json.dumps(trust(SENDER)))
sent_through("fwd", "eu-west-1", own_bus)
assert own_seen() == 0, "a rule the trust does not name, in the account too"
sent_through("lambda-trust-fwd", "eu-west-1", own_bus)
assert own_seen() == 1, "the rule it names"
"#
    );
    run_python(&code, &moto);
}

/// An organization's bus (EventBridge User Guide, "Permissions for event buses": the
/// `aws:PrincipalOrgID` condition; "Sending and receiving events between AWS accounts"): one
/// statement admits a member's forwarding role and no account outside the organization, and
/// what it delivers keeps the member's `account`.
#[test]
fn an_organizations_bus_admits_its_members_roles_and_keeps_their_account() {
    let moto = MotoServer::start();
    let code = format!(
        "{IN_ACCOUNT}{}",
        r#"
HOME, OUTSIDER = "111111111111", "333333333333"
org = client("organizations", HOME)
org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
member = org.create_account(AccountName="m", Email="m@example.com")["CreateAccountStatus"]["AccountId"]
events, sqs = client("events", HOME), client("sqs", HOME)
bus = events.create_event_bus(Name="watch")["EventBusArn"]
events.put_permission(EventBusName="watch", Policy=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Sid": "org", "Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": "events:PutEvents", "Resource": bus,
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id},
            "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/fwd"}}}]}))
queue = sqs.create_queue(QueueName="seen")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
events.put_rule(Name="seen", EventBusName="watch", EventPattern=json.dumps({"source": ["test.probe"]}))
events.put_targets(Rule="seen", EventBusName="watch", Targets=[{"Id": "q", "Arn": queue_arn}])
def sent_from(account):
    iam = client("iam", account)
    role = iam.create_role(RoleName="fwd", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    iam.put_role_policy(RoleName="fwd", PolicyName="put", PolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": bus}]}))
    theirs = client("events", account)
    theirs.put_rule(Name="fwd", EventPattern=json.dumps({"source": ["test.probe"]}))
    theirs.put_targets(Rule="fwd", Targets=[{"Id": "bus", "Arn": bus, "RoleArn": role}])
    theirs.put_events(Entries=[{"Source": "test.probe", "DetailType": "probe", "Detail": "{}"}])
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    for m in got:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    return [json.loads(m["Body"]) for m in got]
got = sent_from(member)
assert len(got) == 1, got
assert got[0]["account"] == member, got
assert sent_from(OUTSIDER) == [], "an account outside the organization is not admitted"
"#
    );
    run_python(&code, &moto);
}

/// Service-managed StackSets (CloudFormation User Guide, "Activate trusted access for stack
/// sets with AWS Organizations", "Create a stack set with service-managed permissions"; API
/// Reference: CreateStackInstances, DeleteStackInstances, CallAs): refused without trusted
/// access; an OU's instances in every account below it at any depth, never the management
/// account; deleted by the same OU; a delegated administrator's calls act on the management
/// account's StackSets; StackSets' service principal takes a delegated administrator.
#[test]
fn service_managed_stack_sets_reach_every_account_below_the_root_but_the_management() {
    let moto = MotoServer::start();
    let code = r#"
import boto3, json, sys
def client(service, account=None, **keys):
    c = boto3.client(service, endpoint_url=sys.argv[1], region_name="us-east-1",
                     aws_access_key_id=keys.get("id", "testing"),
                     aws_secret_access_key=keys.get("secret", "testing"),
                     aws_session_token=keys.get("token"))
    if account:
        c.meta.events.register("before-sign.*.*",
            lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c
org, cf = client("organizations"), client("cloudformation")
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
a = org.create_organizational_unit(ParentId=root, Name="a")["OrganizationalUnit"]["Id"]
b = org.create_organizational_unit(ParentId=a, Name="b")["OrganizationalUnit"]["Id"]
c = org.create_organizational_unit(ParentId=b, Name="c")["OrganizationalUnit"]["Id"]
accounts = []
for i, parent in enumerate([a, b, c]):
    acct = org.create_account(AccountName=f"m{i}", Email=f"m{i}@example.com")["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=acct, SourceParentId=root, DestinationParentId=parent)
    accounts.append(acct)
template = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
try:
    cf.create_stack_set(StackSetName="s", TemplateBody=template, PermissionModel="SERVICE_MANAGED",
                        AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False})
    raise SystemExit("created without trusted access")
except cf.exceptions.ClientError as e:
    assert "organizations access" in str(e), e
principal = "member.org.stacksets.cloudformation.amazonaws.com"
org.enable_aws_service_access(ServicePrincipal=principal)
org.register_delegated_administrator(AccountId=accounts[0], ServicePrincipal=principal)
cf.create_stack_set(StackSetName="s", TemplateBody=template, PermissionModel="SERVICE_MANAGED",
                    AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False})
cf.create_stack_instances(StackSetName="s", DeploymentTargets={"OrganizationalUnitIds": [root]},
                          Regions=["us-east-1"])
listed = sorted(i["Account"] for i in cf.list_stack_instances(StackSetName="s")["Summaries"])
assert listed == sorted(accounts), (listed, accounts)
# The delegated administrator sees and acts on the management account's StackSet.
admin = client("cloudformation", accounts[0])
assert admin.describe_stack_set(StackSetName="s", CallAs="DELEGATED_ADMIN")["StackSet"]["StackSetName"] == "s"
try:
    client("cloudformation", accounts[1]).describe_stack_set(StackSetName="s", CallAs="DELEGATED_ADMIN")
    raise SystemExit("a member that administers nothing read it")
except cf.exceptions.ClientError as e:
    assert "not a delegated administrator" in str(e), e
admin.delete_stack_instances(StackSetName="s", DeploymentTargets={"OrganizationalUnitIds": [root]},
                             Regions=["us-east-1"], RetainStacks=False, CallAs="DELEGATED_ADMIN")
assert cf.list_stack_instances(StackSetName="s")["Summaries"] == []
cf.delete_stack_set(StackSetName="s")
"#;
    run_python(code, &moto);
}

/// Removing a StackSet's instances as CloudFormation does: a resource already gone is deleted
/// (its delete handler answers NotFound, which CloudFormation counts as done: CloudFormation
/// CLI User Guide, "Resource type handler contract"), and DeleteStackInstances is asynchronous
/// — one that cannot delete a resource answers an OperationId all the same, the failure
/// arriving on the operation (DescribeStackSetOperation FAILED, ListStackSetOperationResults
/// naming the account and why), the instance kept (API Reference, DeleteStackInstances).
#[test]
fn stack_instances_are_deleted_past_what_is_gone_and_a_failure_arrives_on_the_operation() {
    let moto = MotoServer::start();
    let code = r#"
import boto3, json, sys
def client(service, account=None):
    c = boto3.client(service, endpoint_url=sys.argv[1], region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    if account:
        c.meta.events.register("before-sign.*.*",
            lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c
org, cf = client("organizations"), client("cloudformation")
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
accounts = [org.create_account(AccountName=f"m{i}", Email=f"m{i}@example.com")
            ["CreateAccountStatus"]["AccountId"] for i in range(2)]
org.enable_aws_service_access(ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")
template = json.dumps({"Resources": {"Reader": {"Type": "AWS::IAM::Role", "Properties": {
    "RoleName": "reader", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}}}})
def deployed():
    cf.create_stack_set(StackSetName="s", TemplateBody=template, PermissionModel="SERVICE_MANAGED",
                        AutoDeployment={"Enabled": False}, Capabilities=["CAPABILITY_NAMED_IAM"])
    cf.create_stack_instances(StackSetName="s", DeploymentTargets={"OrganizationalUnitIds": [root]},
                              Regions=["us-east-1"])
def deleted():
    out = cf.delete_stack_instances(StackSetName="s", DeploymentTargets={"OrganizationalUnitIds": [root]},
                                    Regions=["us-east-1"], RetainStacks=False)
    op = cf.describe_stack_set_operation(StackSetName="s", OperationId=out["OperationId"])
    results = cf.list_stack_set_operation_results(StackSetName="s", OperationId=out["OperationId"])
    return op["StackSetOperation"]["Status"], results["Summaries"]
# A member's role deleted by hand: its instance is deleted all the same.
deployed()
client("iam", accounts[0]).delete_role(RoleName="reader")
status, _ = deleted()
assert status == "SUCCEEDED", status
assert cf.list_stack_instances(StackSetName="s")["Summaries"] == []
cf.delete_stack_set(StackSetName="s")
# A policy attached by hand: IAM refuses the role's deletion (DeleteConflict); the call answers,
# the operation failed there, and that instance stays.
deployed()
iam = client("iam", accounts[0])
arn = iam.create_policy(PolicyName="by-hand", PolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))["Policy"]["Arn"]
iam.attach_role_policy(RoleName="reader", PolicyArn=arn)
status, results = deleted()
assert status == "FAILED", status
failed = [r for r in results if r["Status"] == "FAILED"]
assert [r["Account"] for r in failed] == [accounts[0]], results
assert "DeleteConflict" in failed[0]["StatusReason"], failed
left = [i["Account"] for i in cf.list_stack_instances(StackSetName="s")["Summaries"]]
assert accounts[0] in left, left
"#;
    run_python(code, &moto);
}

/// The demo's hand edit (`scripts/moto_tool.py open-trust`) runs as often as a recipe runs it:
/// Jane's oldest access key goes before a new one, as IAM allows two per user (IAM User Guide,
/// "IAM and AWS STS quotas"; the local AWS refuses a third with LimitExceeded).
#[test]
fn the_hand_edit_runs_more_than_twice() {
    let moto = MotoServer::start();
    let tool = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/moto_tool.py");
    let code = r#"
import boto3, json, subprocess, sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
iam.create_role(RoleName="GenesysLambdaInvoker", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}]}))
for _ in range(3):
    subprocess.run([sys.executable, sys.argv[2], sys.argv[1], "open-trust"], check=True)
assert len(iam.list_access_keys(UserName="jane.doe")["AccessKeyMetadata"]) <= 2
"#;
    run_python_with(code, &[&moto.url(), tool]);
}

/// The local Runtime API tells the function the ARN it was invoked as, as Lambda does
/// (`Lambda-Runtime-Invoked-Function-Arn`, Lambda Developer Guide, "Using the Lambda runtime
/// API for custom runtimes"): by default, the deployed function's own, given when it starts.
#[test]
fn the_runtime_api_tells_the_deployed_functions_own_arn() {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/support/runtime_api.py"
    );
    let code = r#"
import json, subprocess, sys, threading, urllib.request
arn = "arn:aws:lambda:us-east-1:123456789012:function:lambda-trust-watch-GenesysLambdaInvoker"
api = subprocess.Popen([sys.executable, sys.argv[1], arn], stdout=subprocess.PIPE, text=True)
try:
    port = api.stdout.readline().strip()
    base = f"http://127.0.0.1:{port}"
    def invoke():
        urllib.request.urlopen(urllib.request.Request(base + "/test/invoke", data=b"{}",
            headers={"Content-Type": "application/json"}), timeout=30).read()
    threading.Thread(target=invoke, daemon=True).start()
    got = urllib.request.urlopen(base + "/2018-06-01/runtime/invocation/next", timeout=30)
    told = got.headers["Lambda-Runtime-Invoked-Function-Arn"]
    assert told == arn, told
    request = got.headers["Lambda-Runtime-Aws-Request-Id"]
    urllib.request.urlopen(urllib.request.Request(
        f"{base}/2018-06-01/runtime/invocation/{request}/response", data=b"{}"), timeout=30)
finally:
    api.kill()
"#;
    run_python_with(code, &[script]);
}

/// DeleteFunction deletes the function's resource policy with it (Lambda API Reference,
/// DeleteFunction): a function made again under the name takes the same statement again.
#[test]
fn a_deleted_functions_resource_policy_goes_with_it() {
    let moto = MotoServer::start();
    let code = r#"
import boto3, io, json, sys, zipfile
keys = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing")
lam, iam = boto3.client("lambda", **keys), boto3.client("iam", **keys)
role = iam.create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("index.py", "def handler(e, c): return e")
def made():
    lam.create_function(FunctionName="f", Runtime="python3.12", Role=role,
        Handler="index.handler", Code={"ZipFile": buf.getvalue()})
    lam.add_permission(FunctionName="f", StatementId="rule", Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com")
made()
lam.delete_function(FunctionName="f")
made()
sids = [s["Sid"] for s in json.loads(lam.get_policy(FunctionName="f")["Policy"])["Statement"]]
assert sids == ["rule"], sids
"#;
    run_python(code, &moto);
}

/// AssumeRole (STS API Reference): the credentials act in the role's account, whatever the
/// server's default account (`MOTO_ACCOUNT_ID`, as the docs' examples run it) is.
#[test]
fn an_assumed_roles_credentials_act_in_its_account() {
    let moto = MotoServer::start_with_env(&[("MOTO_ACCOUNT_ID", "111122223333")]);
    let code = r#"
import boto3, sys
def client(service, **keys):
    return boto3.client(service, endpoint_url=sys.argv[1], region_name="us-east-1",
                        aws_access_key_id=keys.get("id", "testing"),
                        aws_secret_access_key=keys.get("secret", "testing"),
                        aws_session_token=keys.get("token"))
assert client("sts").get_caller_identity()["Account"] == "111122223333"
iam = client("iam")
iam.meta.events.register("before-sign.*.*",
    lambda request, **_: request.headers.__setitem__("x-moto-account-id", "444455556666"))
iam.create_role(RoleName="Reader", AssumeRolePolicyDocument='{"Version": "2012-10-17", '
    '"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, '
    '"Action": "sts:AssumeRole"}]}')
creds = client("sts").assume_role(RoleArn="arn:aws:iam::444455556666:role/Reader",
                                  RoleSessionName="probe")["Credentials"]
who = client("sts", id=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
             token=creds["SessionToken"]).get_caller_identity()
assert who["Account"] == "444455556666", who
"#;
    run_python(code, &moto);
}

/// A synchronous Invoke runs the function and answers its response; an error the function
/// answers is its payload, with `X-Amz-Function-Error` `Unhandled` (API Reference, Invoke).
/// moto runs a function only in Docker; here a function tagged with the local Runtime API's
/// address is served by what polls that API — this test's loop, as a `bootstrap` would —, told
/// the function's own ARN.
#[test]
fn a_synchronous_invoke_is_the_functions_answer_through_the_runtime_api() {
    let moto = MotoServer::start();
    let api = support::runtime_api::RuntimeApi::start();
    let code = format!(
        "{IN_ACCOUNT}{}",
        r##"
import io, threading, urllib.request, zipfile
runtime = sys.argv[2]
lam, iam = client("lambda", "111111111111"), client("iam", "111111111111")
package = io.BytesIO()
with zipfile.ZipFile(package, "w") as z:
    z.writestr("bootstrap", "#!/bin/sh\n")
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
arn = lam.create_function(FunctionName="served", Runtime="provided.al2023", Role=role,
    Handler="bootstrap", Code={"ZipFile": package.getvalue()},
    Tags={"lambda-trust-test:runtime": runtime})["FunctionArn"]
def serve(kind):
    base = f"http://{runtime}/2018-06-01/runtime/invocation"
    with urllib.request.urlopen(f"{base}/next", timeout=30) as r:
        event = json.loads(r.read())
        rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
        told = r.headers["Lambda-Runtime-Invoked-Function-Arn"]
    body = {"echo": event, "arn": told} if kind == "response" else {"errorType": "Boom",
        "errorMessage": "no"}
    answer = urllib.request.Request(f"{base}/{rid}/{kind}", data=json.dumps(body).encode(),
        method="POST")
    urllib.request.urlopen(answer, timeout=30).read()
def invoked(kind, name, payload):
    t = threading.Thread(target=serve, args=(kind,))
    t.start()
    out = lam.invoke(FunctionName=name, Payload=payload)
    t.join()
    return out, json.loads(out["Payload"].read())
out, got = invoked("response", "served", json.dumps({"a": 1}))
assert "FunctionError" not in out, out
assert got == {"echo": {"a": 1}, "arn": arn}, got
out, got = invoked("error", arn, "{}")
assert out.get("FunctionError") == "Unhandled", out
assert got["errorType"] == "Boom", got
"##
    );
    run_python_with(&code, &[&moto.url(), &api.address()]);
}

/// A role CloudFormation creates with inline `Policies` (AWS::IAM::Role) holds each as IAM
/// stores a policy: GetAccountAuthorizationDetails lists it (moto: a 500, the template's object
/// kept as the document), and GetRolePolicy answers its document.
#[test]
fn a_role_cloudformation_creates_with_inline_policies_is_read_as_iam_holds_it() {
    let moto = MotoServer::start();
    let code = format!(
        "{IN_ACCOUNT}{}",
        r#"
doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole",
    "Resource": "*"}]}
template = {"Resources": {"Reader": {"Type": "AWS::IAM::Role", "Properties": {
    "RoleName": "reader", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
         "Action": "sts:AssumeRole"}]},
    "Policies": [{"PolicyName": "read", "PolicyDocument": doc}]}}}}
client("cloudformation", "111111111111").create_stack(StackName="s",
    TemplateBody=json.dumps(template))
iam = client("iam", "111111111111")
roles = iam.get_account_authorization_details(Filter=["Role"])["RoleDetailList"]
listed = [r for r in roles if r["RoleName"] == "reader"][0]["RolePolicyList"]
assert [p["PolicyName"] for p in listed] == ["read"], listed
assert listed[0]["PolicyDocument"] == doc, listed
got = iam.get_role_policy(RoleName="reader", PolicyName="read")["PolicyDocument"]
assert got == doc, got
"#
    );
    run_python(&code, &moto);
}

/// An organization (management account `MGMT`, its `root`, StackSets' trusted access) and
/// `stack_set(name, auto, retain)`: a service-managed StackSet of one IAM role on the root.
const ORG_STACK_SETS: &str = r#"
MGMT = "123456789012"
org = client("organizations", MGMT)
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
org.enable_aws_service_access(ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")
cfn = client("cloudformation", MGMT)
def stack_set(name, auto, retain=False):
    role = {"Type": "AWS::IAM::Role", "Properties": {"RoleName": name,
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{MGMT}:root"}, "Action": "sts:AssumeRole"}]}}}
    cfn.create_stack_set(StackSetName=name, PermissionModel="SERVICE_MANAGED",
        TemplateBody=json.dumps({"Resources": {"R": role}}), Capabilities=["CAPABILITY_NAMED_IAM"],
        AutoDeployment={"Enabled": auto, "RetainStacksOnAccountRemoval": retain})
    cfn.create_stack_instances(StackSetName=name, Regions=["us-east-1"],
        DeploymentTargets={"OrganizationalUnitIds": [root]})
"#;

/// A service-managed StackSet with automatic deployment deploys to an account that joins the
/// organization, and CloudFormation announces each instance on the StackSet's account's default
/// bus ("CloudFormation StackSet StackInstance Status Change": CloudFormation User Guide,
/// "Enable or disable automatic deployments for StackSets in AWS Organizations", "StackSet
/// Stack Instance Status Change event detail"); one without it deploys nothing (moto: neither
/// is done, nothing is announced).
#[test]
fn an_automatic_stack_set_deploys_to_an_account_that_joins_and_announces_it() {
    let moto = MotoServer::start();
    let code = format!(
        "{IN_ACCOUNT}{ORG_STACK_SETS}{}",
        r#"
events, sqs = client("events", MGMT), client("sqs", MGMT)
url = sqs.create_queue(QueueName="seen")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
events.put_rule(Name="seen", EventPattern=json.dumps({"source": ["aws.cloudformation"],
    "detail-type": ["CloudFormation StackSet StackInstance Status Change"]}))
events.put_targets(Rule="seen", Targets=[{"Id": "q", "Arn": arn}])
stack_set("automatic", True)
stack_set("manual", False)
joined = org.create_account(AccountName="late", Email="late@example.com")["CreateAccountStatus"]["AccountId"]
iam = client("iam", joined)
names = [r["RoleName"] for r in iam.list_roles()["Roles"]]
assert "automatic" in names and "manual" not in names, names
got = [json.loads(m["Body"]) for m in
       sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]
mine = [e for e in got if joined in e["detail"]["stack-id"]]
assert len(mine) == 1, got
e = mine[0]
assert e["account"] == MGMT, e
assert ":stackset/automatic:" in e["detail"]["stack-set-arn"], e
assert e["detail"]["action"] == "CREATE" and e["detail"]["status-details"]["status"] == "CURRENT", e
"#
    );
    run_python(&code, &moto);
}

/// A service-managed StackSet with automatic deployment deletes its instances — their stacks and
/// what they made — from an account that leaves the organization, unless it retains them
/// (CloudFormation API Reference, `AutoDeployment.RetainStacksOnAccountRemoval`: "If set to
/// false, stack resources are deleted"); moto keeps them.
#[test]
fn an_automatic_stack_set_removes_its_instances_from_an_account_that_leaves() {
    let moto = MotoServer::start();
    let code = format!(
        "{IN_ACCOUNT}{ORG_STACK_SETS}{}",
        r#"
member = org.create_account(AccountName="m", Email="m@example.com")["CreateAccountStatus"]["AccountId"]
stack_set("removed", True, retain=False)
stack_set("retained", True, retain=True)
names = lambda: [r["RoleName"] for r in client("iam", member).list_roles()["Roles"]]
assert {"removed", "retained"} <= set(names()), names()
org.remove_account_from_organization(AccountId=member)
assert "removed" not in names() and "retained" in names(), names()
listed = lambda name: [i["Account"] for i in cfn.list_stack_instances(StackSetName=name)["Summaries"]]
assert member not in listed("removed"), listed("removed")
assert member in listed("retained"), listed("retained")
"#
    );
    run_python(&code, &moto);
}

/// A Security Hub administrator's GetFindings answers its associated members' findings too
/// (Security Hub User Guide, "Administrator and member accounts"); a member's answers only its
/// own (moto: every account only its own).
#[test]
fn a_security_hub_administrator_sees_its_members_findings() {
    let moto = MotoServer::start();
    let code = format!(
        "{IN_ACCOUNT}{}",
        r#"
ADMIN, MEMBER, OTHER = "111111111111", "222222222222", "333333333333"
def finding(account, fid):
    now = "2026-11-27T10:00:00.000Z"
    return {"SchemaVersion": "2018-10-08", "Id": fid, "GeneratorId": "lambda-trust/x",
        "ProductArn": f"arn:aws:securityhub:us-east-1:{account}:product/{account}/default",
        "AwsAccountId": account, "Types": ["Software and Configuration Checks"],
        "CreatedAt": now, "UpdatedAt": now, "Severity": {"Label": "HIGH"}, "Title": fid,
        "Description": fid, "Resources": [{"Type": "Other", "Id": fid}]}
for account in (ADMIN, MEMBER, OTHER):
    hub = client("securityhub", account)
    hub.enable_security_hub()
    out = hub.batch_import_findings(Findings=[finding(account, f"f-{account}")])
    assert out["FailedCount"] == 0, out
client("securityhub", ADMIN).create_members(AccountDetails=[{"AccountId": MEMBER}])
prefix = {"GeneratorId": [{"Value": "lambda-trust/", "Comparison": "PREFIX"}]}
seen = sorted(f["Id"] for f in client("securityhub", ADMIN).get_findings(Filters=prefix)["Findings"])
assert seen == [f"f-{ADMIN}", f"f-{MEMBER}"], seen
theirs = [f["Id"] for f in client("securityhub", MEMBER).get_findings(Filters=prefix)["Findings"]]
assert theirs == [f"f-{MEMBER}"], theirs
"#
    );
    run_python(&code, &moto);
}

/// An organization trail is in every account of the organization: a member's DescribeTrails
/// lists it under the management account's ARN, and its status and event selectors are read
/// by that ARN (CloudTrail API Reference, CreateTrail: IsOrganizationTrail; User Guide,
/// "Creating a trail for an organization"); a trail of the management account alone, and an
/// account outside the organization, see none of it (moto: the trail is in the management
/// account alone).
#[test]
fn an_organization_trail_is_seen_in_each_member_account() {
    let moto = MotoServer::start();
    let code = format!(
        "{IN_ACCOUNT}{}",
        r#"
MANAGEMENT, OUTSIDER = "111111111111", "333333333333"
org = client("organizations", MANAGEMENT)
org.create_organization(FeatureSet="ALL")
member = org.create_account(AccountName="m", Email="m@example.com")["CreateAccountStatus"]["AccountId"]
client("s3", MANAGEMENT).create_bucket(Bucket="org-trail")
trail = client("cloudtrail", MANAGEMENT)
arn = trail.create_trail(Name="org", S3BucketName="org-trail", IsMultiRegionTrail=True,
    IsOrganizationTrail=True)["TrailARN"]
trail.create_trail(Name="mine", S3BucketName="org-trail")
trail.start_logging(Name="org")
trail.put_event_selectors(TrailName="org", EventSelectors=[
    {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
seen = client("cloudtrail", member).describe_trails(includeShadowTrails=True)["trailList"]
assert [t["TrailARN"] for t in seen] == [arn], seen
assert seen[0]["IsOrganizationTrail"] is True, seen
assert client("cloudtrail", member).get_trail_status(Name=arn)["IsLogging"] is True
selectors = client("cloudtrail", member).get_event_selectors(TrailName=arn)["EventSelectors"]
assert selectors[0]["ReadWriteType"] == "WriteOnly", selectors
assert client("cloudtrail", OUTSIDER).describe_trails(includeShadowTrails=True)["trailList"] == []
"#
    );
    run_python(&code, &moto);
}

/// STS assumes only a role that exists: another ARN is AccessDenied, naming the caller and
/// the resource (API Reference, AssumeRole; moto: any ARN is assumed); an account
/// CreateAccount makes holds `OrganizationAccountAccessRole` (or the `RoleName` given),
/// trusting the management account (Organizations User Guide, "Accessing member accounts"),
/// so it can still be entered.
#[test]
fn only_a_role_that_exists_is_assumed_and_a_new_account_has_its_access_role() {
    let moto = MotoServer::start();
    let code = format!(
        "{IN_ACCOUNT}{}",
        r#"
from botocore.exceptions import ClientError
MANAGEMENT = "111111111111"
sts = client("sts", MANAGEMENT)
try:
    sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/nobody", RoleSessionName="someone")
    raise SystemExit("a role that does not exist was assumed")
except ClientError as e:
    assert e.response["Error"]["Code"] == "AccessDenied", e.response
    message = e.response["Error"]["Message"]
    assert message.endswith("is not authorized to perform: sts:AssumeRole on resource: "
                            "arn:aws:iam::111111111111:role/nobody"), message
org = client("organizations", MANAGEMENT)
org.create_organization(FeatureSet="ALL")
member = org.create_account(AccountName="m", Email="m@example.com")["CreateAccountStatus"]["AccountId"]
role = client("iam", member).get_role(RoleName="OrganizationAccountAccessRole")["Role"]
assert "arn:aws:iam::111111111111:root" in json.dumps(role["AssumeRolePolicyDocument"]), role
keys = sts.assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                       RoleSessionName="admin")["Credentials"]
named = org.create_account(AccountName="n", Email="n@example.com", RoleName="Admin")
client("iam", named["CreateAccountStatus"]["AccountId"]).get_role(RoleName="Admin")
"#
    );
    run_python(&code, &moto);
}

/// A delegated administrator reads the organization's tree and policies as the management
/// account does (AWS Organizations API Reference, ListAccountsForParent,
/// ListOrganizationalUnitsForParent, ListTagsForResource: "can be called only from the
/// organization's management account or by a member account that is a delegated administrator
/// for an Amazon Web Services service"): what the organization watch's function, in the
/// delegated administrator's account, reads the organization whole with.
#[test]
fn a_delegated_administrator_lists_the_organizations_tree_and_its_policies_tags() {
    let moto = MotoServer::start();
    let code = r#"
import boto3, sys
def client(account=None):
    c = boto3.client("organizations", endpoint_url=sys.argv[1], region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    if account:
        c.meta.events.register("before-sign.*.*",
            lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c
org = client()
org.create_organization(FeatureSet="ALL")
root = org.list_roots()["Roots"][0]["Id"]
ou = org.create_organizational_unit(ParentId=root, Name="a")["OrganizationalUnit"]["Id"]
admin = org.create_account(AccountName="admin", Email="admin@example.com")["CreateAccountStatus"]["AccountId"]
member = org.create_account(AccountName="m", Email="m@example.com")["CreateAccountStatus"]["AccountId"]
org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
principal = "member.org.stacksets.cloudformation.amazonaws.com"
org.enable_aws_service_access(ServicePrincipal=principal)
org.register_delegated_administrator(AccountId=admin, ServicePrincipal=principal)
policy = org.create_policy(Name="p", Description="d", Type="SERVICE_CONTROL_POLICY",
    Content='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    Tags=[{"Key": "k", "Value": "v"}])["Policy"]["PolicySummary"]["Id"]
reader = client(admin)
at_root = sorted(a["Id"] for a in reader.list_accounts_for_parent(ParentId=root)["Accounts"])
assert admin in at_root and member not in at_root, at_root
under = [a["Id"] for a in reader.list_accounts_for_parent(ParentId=ou)["Accounts"]]
assert under == [member], under
ous = [o["Id"] for o in reader.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]]
assert ous == [ou], ous
assert reader.list_tags_for_resource(ResourceId=policy)["Tags"] == [{"Key": "k", "Value": "v"}]
"#;
    run_python(code, &moto);
}
