//! `lambda-trust genesys regions` through the real binary, and the region table checked against
//! the one in Genesys's Python SDK (`PureCloudRegionHosts` of `purecloudplatformclientv2`,
//! installed in `.venv` by `just setup`), so the table cannot drift from the SDK unnoticed.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = crate::support::offline::run(args);
    (out.code, out.stdout, out.stderr)
}

/// region name → API URL, as the SDK's enum has them (`us_east_1` → `us-east-1`).
fn sdk_regions() -> BTreeMap<String, String> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let out = Command::new(&python)
        .args([
            "-c",
            // The module alone (the package's __init__ imports every model and takes seconds).
            "import json, importlib.util as u\n\
             pkg = u.find_spec('PureCloudPlatformClientV2').submodule_search_locations[0]\n\
             spec = u.spec_from_file_location('hosts', pkg + '/purecloud_region_hosts.py')\n\
             m = u.module_from_spec(spec); spec.loader.exec_module(m)\n\
             print(json.dumps({h.name.replace('_', '-'): h.get_api_host() for h in m.PureCloudRegionHosts}))",
        ])
        .output()
        .unwrap_or_else(|e| panic!("run {} (just setup): {e}", python.display()));
    assert!(
        out.status.success(),
        "the Genesys SDK does not import (run `just setup`): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("SDK table as JSON")
}

#[test]
fn the_json_table_is_exactly_the_sdk_region_table() {
    let (code, stdout, stderr) = run(&["genesys", "regions", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(v["schema_version"], 1);
    let ours: BTreeMap<String, String> = v["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let api = r["api_url"].as_str().unwrap();
            let login = r["login_url"].as_str().unwrap();
            assert_eq!(login, api.replacen("https://api.", "https://login.", 1));
            (r["region"].as_str().unwrap().to_string(), api.to_string())
        })
        .collect();
    assert_eq!(ours, sdk_regions());
}

#[test]
fn the_human_table_has_a_header_and_one_line_per_region() {
    let (code, stdout, stderr) = run(&["genesys", "regions"]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("REGION"), "{stdout}");
    assert!(lines[0].contains("API URL") && lines[0].contains("LOGIN URL"));
    let us = lines
        .iter()
        .find(|l| l.starts_with("us-east-1 "))
        .expect("us-east-1 row");
    let cols: Vec<&str> = us.split_whitespace().collect();
    assert_eq!(
        cols,
        [
            "us-east-1",
            "https://api.mypurecloud.com",
            "https://login.mypurecloud.com"
        ]
    );
    assert_eq!(lines.len(), 1 + sdk_regions().len());
}

#[test]
fn sarif_is_refused_for_the_regions_command() {
    let (code, _, stderr) = run(&["genesys", "regions", "--format", "sarif"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("only for `check`"), "{stderr}");
}
