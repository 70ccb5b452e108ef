//! Custom templates read from a folder (`--policies DIR`): each missing or broken file named,
//! and a folder holding the built-in templates renders as they do. The renderer itself is
//! tested in its crate (crates/model/tests/render_templates.rs).

use lambda_trust_config::Config;
use lambda_trust_model::{RenderContext, RenderError, Templates};

const EXAMPLE: &str = include_str!("../../examples/lambda-trust.toml");
const TRUST: &str = include_str!("../../policies/trust.json");
const INVOKE: &str = include_str!("../../policies/invoke.json");

fn example() -> Config {
    lambda_trust_config::parse_str(EXAMPLE, "examples/lambda-trust.toml")
        .unwrap()
        .config
}

#[test]
fn templates_from_dir() {
    let dir = tempfile::tempdir().unwrap();
    let err = lambda_trust::read_templates(dir.path()).unwrap_err();
    assert!(matches!(err, RenderError::TemplateNotFound { .. }));
    assert!(err.to_string().contains("trust.json"), "{err}");

    std::fs::write(dir.path().join("trust.json"), TRUST).unwrap();
    let err = lambda_trust::read_templates(dir.path()).unwrap_err();
    assert!(err.to_string().contains("invoke.json"), "{err}");

    std::fs::write(dir.path().join("invoke.json"), "[").unwrap();
    let err = lambda_trust::read_templates(dir.path()).unwrap_err();
    assert!(
        matches!(err, RenderError::TemplateJson { line: 1, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("invoke.json:1:"), "{err}");

    std::fs::write(dir.path().join("invoke.json"), INVOKE).unwrap();
    let t = lambda_trust::read_templates(dir.path()).unwrap();
    assert!(!t.builtin);
    let custom = lambda_trust_model::render(&example(), &RenderContext::default(), &t).unwrap();
    let builtin =
        lambda_trust_model::render(&example(), &RenderContext::default(), &Templates::builtin())
            .unwrap();
    assert_eq!(custom.trust, builtin.trust);
    assert_eq!(custom.invoke, builtin.invoke);
}
