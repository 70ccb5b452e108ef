//! Each library crate's face is flat (ARCHITECTURE.md): its `lib.rs` declares its modules
//! private and names at the root every item another crate uses, so a caller writes
//! `lambda_trust_provision::plan`, never a module path. The binary's library is held the same
//! way: besides `main`, its face is what the integration tests and benchmarks drive. No module
//! is a path: even the JSON Schema attributes name root items (`lambda_trust_model::schema_one`).
//! `unreachable_pub`, warned in every `lib.rs` and an error under clippy's `-D warnings`, then
//! keeps `pub` for what other crates can reach.

use std::path::Path;

use super::layers::LIBRARY_CRATES;

/// The modules `text` (a `lib.rs`) declares public. A module below a private one cannot be a
/// path: `unreachable_pub` stops its `pub mod`.
fn public_modules(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"(?m)^pub mod (\w+)").unwrap();
    re.captures_iter(text).map(|c| c[1].to_owned()).collect()
}

#[test]
fn every_library_names_its_items_at_the_root() {
    let mut problems = Vec::new();
    let crates = LIBRARY_CRATES.iter().map(|&(krate, _, _)| krate);
    let libs = crates.map(|krate| format!("crates/{krate}/src/lib.rs"));
    for lib in libs.chain(["src/lib.rs".to_owned()]) {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&lib));
        let text = text.unwrap();
        assert!(
            text.contains("unreachable_pub"),
            "{lib} warns on unreachable_pub"
        );
        for module in public_modules(&text) {
            problems.push(format!("{lib} makes `{module}` a path"));
        }
    }
    assert!(
        problems.is_empty(),
        "name the items at the root instead: {problems:#?}"
    );
}

#[test]
fn the_face_check_sees_a_public_module_and_not_a_function() {
    let found =
        public_modules("mod plan;\npub mod drift;\npub(crate) mod trail;\npub use plan::plan;\n");
    assert_eq!(found, ["drift"]);
}
