//! Every integration test in one binary (`cargo nextest run --test it`): one module per area,
//! the shared helpers in `support` (the moto/proxy/Genesys harness, the binary runner, the
//! pure-pipeline state and the prover helpers). One binary links the library and the AWS SDK
//! once instead of once per file. Under nextest each test still runs in its own process; under
//! plain `cargo test` they share one process, so no test may change process-global state
//! (environment, working directory): give a child `Command` its environment instead.
//!
//! A new file here is a new `mod` line below (`every_file_is_a_module` checks).

mod support;

mod app_floor;
mod audit_baseline;
mod audit_findings;
mod audit_input;
mod audit_unused;
mod bad_input;
mod circles;
mod cli_offline;
mod cli_prove;
mod cli_prove_org;
mod cli_ux;
mod docs_examples;
mod docs_links;
mod faces;
mod faults;
mod faults_lost_write;
mod genesys_fake;
mod genesys_regions;
mod harness_orgs;
mod harness_rcps;
mod harness_selftest;
mod help_width;
mod house;
mod iac_check;
mod iac_permissions;
mod iac_plan;
mod install_scripts;
mod json_schemas;
mod layers;
mod live_actions;
mod live_audit;
mod live_audit_config;
mod live_audit_genesys;
mod live_audit_html;
mod live_audit_input;
mod live_audit_org;
mod live_audit_path;
mod live_audit_unused;
mod live_check;
mod live_confirm;
mod live_costs;
mod live_cross_account;
mod live_environments;
mod live_export;
mod live_function_policies;
mod live_genesys;
mod live_guardrail;
mod live_guardrail_org;
mod live_iac;
mod live_iac_plan;
mod live_import;
mod live_init_role;
mod live_onboard;
mod live_org_policies;
mod live_org_watch;
mod live_org_watch_credentials;
mod live_org_watch_demo;
mod live_org_watch_deploy;
mod live_org_watch_destroy;
mod live_org_watch_sweep;
mod live_ownership;
mod live_path;
mod live_pipeline;
mod live_probe;
mod live_remedy;
mod live_rename;
mod live_scale;
mod live_security_hub;
mod live_sides;
mod live_terminal_text;
mod live_trail;
mod live_ux;
mod live_waiting;
mod live_watch;
mod live_watch_deploy;
mod live_watch_role;
mod orphans;
mod repository_url;

/// `autotests = false` (Cargo.toml): a file not named here, or a new `tests/it/*.rs`, would
/// silently not be compiled. This fails instead.
#[test]
fn every_file_is_a_module() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = std::fs::read_to_string(root.join("it/main.rs")).unwrap();
    let rs = |dir: std::path::PathBuf| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|n| n.strip_suffix(".rs").map(str::to_owned))
            .collect();
        names.sort();
        names
    };
    let missing: Vec<String> = rs(root.join("it"))
        .into_iter()
        .filter(|m| m != "main" && !main.contains(&format!("\nmod {m};\n")))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/it/{missing:?}.rs: add `mod …;` to tests/it/main.rs"
    );
    let stray = rs(root.clone());
    assert!(
        stray.is_empty(),
        "tests/{stray:?}.rs is no test target: move it to tests/it/ as a module"
    );
}
