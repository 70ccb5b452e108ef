//! The published shapes of Security Hub's findings, checked by `finding_shapes.py` beside this
//! file (botocore's securityhub model for ASFF; the OCSF 1.6.0 Detection Finding class from
//! PyPI's ocsf-json-schema). Also mounted by the renderers' own tests
//! (`src/report/tests/findings.rs`), so it names nothing else of the support.

use std::path::Path;

use serde_json::Value;

/// The problems finding_shapes.py finds in `doc` (`kind`: asff or ocsf); empty: valid.
pub fn shape_problems(kind: &str, doc: &Value) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("findings.json");
    std::fs::write(&path, serde_json::to_string(doc).unwrap()).unwrap();
    let out = std::process::Command::new(root.join(".venv/bin/python"))
        .arg(root.join("tests/it/support/finding_shapes.py"))
        .arg(kind)
        .arg(&path)
        .output()
        .expect("run .venv/bin/python (just setup)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let problems: Vec<String> = stdout.lines().map(str::to_owned).collect();
    assert_eq!(
        out.status.success(),
        problems.is_empty(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    problems
}
