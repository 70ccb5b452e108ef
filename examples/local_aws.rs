//! The tests' local AWS for `just demo`: the recording proxy of the live tests
//! (`tests/it/support/proxy.rs`) in front of a running `moto_server`, standalone. It relays every
//! call to moto and answers CloudTrail's `LookupEvents` itself from the IAM writes it relayed
//! (moto does not implement `LookupEvents`; `tests/it/support/cloudtrail.rs`), so the demo's
//! `check` can say who changed the role, as the tests do.
//!
//! A cargo example, so it is built from the tests' own files and never shipped in the product
//! binary: `cargo run --example local_aws -- http://127.0.0.1:MOTO_PORT` prints
//! `listening on http://127.0.0.1:PORT` and serves until it is killed.

// The tests' helpers the proxy needs, at the crate root as in `tests/it/support/` (they name
// each other through `super::`).
#[allow(
    dead_code,
    unused_imports,
    reason = "the tests' helpers; the proxy uses a part"
)]
#[path = "../tests/it/support/cloudtrail.rs"]
mod cloudtrail;
#[allow(
    dead_code,
    unused_imports,
    reason = "the tests' helpers; the proxy uses a part"
)]
#[path = "../tests/it/support/http.rs"]
mod http;
#[allow(
    dead_code,
    unused_imports,
    reason = "the tests' helpers; the proxy uses a part"
)]
#[path = "../tests/it/support/moto.rs"]
mod moto;
#[allow(
    dead_code,
    unused_imports,
    reason = "the tests' helpers; the proxy uses a part"
)]
#[path = "../tests/it/support/moto_forks.rs"]
mod moto_forks;
#[allow(
    dead_code,
    unused_imports,
    reason = "the tests' helpers; the proxy uses a part"
)]
#[path = "../tests/it/support/proxy.rs"]
mod proxy;

use std::io::Write;

fn main() {
    let Some(upstream) = std::env::args().nth(1) else {
        eprintln!("usage: local_aws MOTO_URL   (e.g. http://127.0.0.1:5000)");
        std::process::exit(2);
    };
    let proxy = proxy::Proxy::start(&upstream);
    println!("listening on {}", proxy.url());
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
