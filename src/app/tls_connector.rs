//! Both HTTP clients are built with a TLS connector (Cargo.toml selects the AWS SDK's hyper-1
//! client and reqwest without default features, so a missing feature would only show against
//! real AWS or Genesys Cloud). A plain TCP listener on loopback records the first bytes each
//! client sends to an `https://` URL: a TLS handshake record (0x16 0x03) means the client
//! speaks TLS; an `http://` URL gets a plain HTTP request line, which shows the check can tell
//! the two apart.

#![cfg(test)]

use std::io::Read;
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lambda_trust_config::Endpoints;

use crate::aws::{AwsSettings, Clients};
use crate::genesys::client::{Client, Retries};
use crate::genesys::credentials::{OAuthClient, Secret};

/// A listener on loopback and a thread returning the first bytes of its first connection.
fn first_bytes() -> (u16, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let handle = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut stream = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(e) => panic!("no client connected within 30 s: {e}"),
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 5];
        stream
            .read_exact(&mut buf)
            .expect("the client sent nothing");
        buf.to_vec()
    });
    (port, handle)
}

fn is_tls_handshake(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] == 0x16 && bytes[1] == 0x03
}

/// What the AWS SDK client (STS GetCallerIdentity) sends first to `scheme://127.0.0.1:port`.
async fn aws_first_bytes(scheme: &str) -> Vec<u8> {
    let (port, seen) = first_bytes();
    // Static test credentials given to the clients, not set in the environment: every test
    // shares this process under `cargo test`. Only the transport is under test.
    let clients = Clients::connect(&AwsSettings {
        profile: None,
        region: Some("us-east-1".into()),
        endpoint_url: Some(format!("{scheme}://127.0.0.1:{port}")),
        max_attempts: 1,
        timeout: None,
    })
    .await
    .expect("no profile named: nothing to find")
    .with_credentials(
        "AKIDTLSCONNECTORTEST",
        "tls-connector-test",
        "tls-connector-test",
    );
    let call = tokio::spawn(async move { clients.sts.get_caller_identity().send().await });
    let bytes = tokio::task::spawn_blocking(move || seen.join().unwrap())
        .await
        .unwrap();
    call.abort();
    bytes
}

/// What the Genesys client (the OAuth token request) sends first to `scheme://127.0.0.1:port`.
async fn genesys_first_bytes(scheme: &str) -> Vec<u8> {
    let (port, seen) = first_bytes();
    let url = format!("{scheme}://127.0.0.1:{port}");
    let endpoints = Endpoints {
        region: None,
        api_url: url.clone(),
        login_url: url,
    };
    let oauth = OAuthClient {
        id: "tls-connector-test".into(),
        secret: Secret::from("tls-connector-test"),
        source: "the test".into(),
    };
    // The sign-in retries a failed connection: stop it once the bytes are in.
    let retries = Retries::default();
    let call =
        tokio::spawn(async move { Client::connect(&endpoints, &oauth, retries).await.is_ok() });
    let bytes = tokio::task::spawn_blocking(move || seen.join().unwrap())
        .await
        .unwrap();
    call.abort();
    bytes
}

#[tokio::test]
async fn aws_sdk_client_speaks_tls_to_https_endpoints() {
    let bytes = aws_first_bytes("https").await;
    assert!(
        is_tls_handshake(&bytes),
        "not a TLS ClientHello: {bytes:02x?}"
    );
}

#[tokio::test]
async fn aws_sdk_client_speaks_plain_http_to_http_endpoints() {
    // The live tests' moto endpoints are http:// on loopback.
    let bytes = aws_first_bytes("http").await;
    assert_eq!(&bytes, b"POST ", "{bytes:02x?}");
}

#[tokio::test]
async fn genesys_client_speaks_tls_to_https_endpoints() {
    let bytes = genesys_first_bytes("https").await;
    assert!(
        is_tls_handshake(&bytes),
        "not a TLS ClientHello: {bytes:02x?}"
    );
}

#[tokio::test]
async fn genesys_client_speaks_plain_http_to_http_endpoints() {
    let bytes = genesys_first_bytes("http").await;
    assert_eq!(&bytes, b"POST ", "{bytes:02x?}");
}
