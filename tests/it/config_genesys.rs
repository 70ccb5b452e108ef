//! `[genesys]` and `[targets.action]` validation: each rule with a clear error; without the
//! section nothing changes.

use lambda_trust::config;

const BASE: &str = "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10\"\n[role]\nname = \"R\"\n[aws]\nregion = \"us-east-1\"\naccount_id = \"111122223333\"\n[[targets]]\nfunction = \"lookup-order\"\n";

fn load(extra: &str, dir: &std::path::Path) -> Result<config::Loaded, String> {
    let path = dir.join("lambda-trust.toml");
    std::fs::write(&path, format!("{BASE}{extra}")).unwrap();
    config::load(&path).map_err(|e| lambda_trust::error::shown(&e))
}

#[test]
fn without_genesys_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let l = load("", dir.path()).unwrap();
    assert!(l.config.genesys.is_none());
    assert!(l.schemas.is_empty());
}

#[test]
fn a_full_genesys_config_loads_with_its_schema_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("contracts")).unwrap();
    std::fs::write(dir.path().join("contracts/in.json"), r#"{"type":"object"}"#).unwrap();
    let l = load(
        "[targets.action]\nname = \"Lookup order\"\ninput_schema = \"contracts/in.json\"\ntimeout_seconds = 60\nsample_input = '{\"orderId\": \"1\"}'\n[genesys]\nregion = \"eu-west-1\"\nintegration = \"Lambda\"\n",
        dir.path(),
    )
    .unwrap();
    assert_eq!(l.schemas["contracts/in.json"]["type"], "object");
    assert_eq!(l.config.genesys_category().as_deref(), Some("Lambda"));
}

#[test]
fn each_rule_has_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("list.json"), "[1]").unwrap();
    let cases = [
        ("[targets.action]\ntimeout_seconds = 61\n[genesys]\nintegration = \"L\"\n", "out of range (1–60 seconds)"),
        ("[targets.action]\ntimeout_seconds = 0\n[genesys]\nintegration = \"L\"\n", "out of range"),
        ("[targets.action]\nname = \"x\"\n", "needs the [genesys] section"),
        ("[targets.action]\ninput_schema = \"missing.json\"\n[genesys]\nintegration = \"L\"\n", "cannot read"),
        ("[targets.action]\noutput_schema = \"list.json\"\n[genesys]\nintegration = \"L\"\n", "is not a JSON object"),
        ("[targets.action]\nsample_input = \"[1]\"\n[genesys]\nintegration = \"L\"\n", "sample_input"),
        ("[genesys]\nintegration = \" \"\n", "integration name"),
        ("[genesys]\nintegration = \"L\"\nregion = \"Mars\"\n", "not a Genesys Cloud region"),
        // Shaped like a region, but no Genesys Cloud deployment is there: refused offline,
        // with the valid names, rather than failing only live.
        ("[genesys]\nintegration = \"L\"\nregion = \"us-east-9\"\n", "use one of: us-east-1, eu-west-1"),
        ("[genesys]\nintegration = \"L\"\ncolour = \"red\"\n", "unknown field"),
        ("[targets.action]\nnam = \"x\"\n[genesys]\nintegration = \"L\"\n", "`nam` is not a key of the data action"),
        ("[[targets]]\nfunction = \"other\"\n[targets.action]\nname = \"lookup-order\"\n[genesys]\nintegration = \"L\"\n", "also the action name of targets[0]"),
    ];
    for (extra, needle) in cases {
        let e = load(extra, dir.path()).expect_err(extra);
        assert!(e.contains(needle), "{extra:?}: {e}");
    }
}

/// Every field of a data action is configurable, checked offline: the method, headers,
/// translation maps against the output contract, and a secure action's contract.
#[test]
fn every_action_field_loads_and_each_bad_one_names_the_key_and_the_action() {
    let dir = tempfile::tempdir().unwrap();
    let out = r#"{"type":"object","properties":{"order":{"type":"object","properties":{"id":{"type":"string"}}},"lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"}}}}}}"#;
    std::fs::write(dir.path().join("out.json"), out).unwrap();
    std::fs::write(dir.path().join("in.json"), r#"{"type":"object"}"#).unwrap();
    let g = "[genesys]\nintegration = \"L\"\n";
    let full = format!(
        "[targets.action]\nname = \"Pay\"\nsecure = true\nrequest_type = \"PUT\"\n\
         headers = {{ \"X-Team\" = \"cx\" }}\ninput_schema = \"in.json\"\noutput_schema = \"out.json\"\n\
         translation_map = {{ id = \"$.order.id\", sku = \"$.lines[0].sku\", extra = \"$.nowhere\" }}\n\
         translation_map_defaults = {{ extra = \"none\" }}\n{g}"
    );
    let l = load(&full, dir.path()).unwrap();
    let a = l.config.targets[0].action.clone().unwrap();
    assert_eq!(a.secure, Some(true));
    assert_eq!(a.request_type.as_deref(), Some("PUT"));
    assert_eq!(a.headers.unwrap()["X-Team"], "cx");
    // A custom success template reads the function's answer, which no contract describes.
    let custom = "[targets.action]\nname = \"Pay\"\ntranslation_map = { id = \"$.x\" }\nsuccess_template = '{\"id\": ${id}}'\n";
    load(&format!("{custom}{g}"), dir.path()).unwrap();
    let cases = [
        ("[targets.action]\nname = \"Pay\"\nrequest_type = \"FETCH\"\n", "targets[0].action.request_type", "action \"Pay\""),
        ("[targets.action]\nname = \"Pay\"\nsecure = true\ninput_schema = \"in.json\"\n", "targets[0].action.secure", "secure action \"Pay\" needs a contract"),
        ("[targets.action]\nname = \"Pay\"\nsecure = true\n", "targets[0].action.secure", "needs a contract"),
        ("[targets.action]\nname = \"Pay\"\noutput_schema = \"out.json\"\ntranslation_map = { id = \"$.order.number\" }\n", "targets[0].action.translation_map.id", "output contract of action \"Pay\" does not have"),
        ("[targets.action]\nname = \"Pay\"\ntranslation_map = { id = \"$.id\" }\n", "targets[0].action.translation_map.id", "does not have"),
        ("[targets.action]\nname = \"Pay\"\ntranslation_map = { id = \"order.id\" }\n", "targets[0].action.translation_map.id", "not a JSONPath"),
        ("[targets.action]\nname = \"Pay\"\ntranslation_map_defaults = { id = \"0\" }\n", "targets[0].action.translation_map_defaults.id", "not a translation_map variable"),
        ("[targets.action]\nname = \"Pay\"\nheaders = { \"\" = \"x\" }\n", "targets[0].action.headers", "empty name"),
        ("[targets.action]\nname = \"Pay\"\nsecur = true\n", "`secur` is not a key of the data action \"Pay\"", "did you mean `secure`?"),
    ];
    for (extra, key, needle) in cases {
        let e = load(&format!("{extra}{g}"), dir.path()).expect_err(extra);
        assert!(e.contains(key) && e.contains(needle), "{extra:?}: {e}");
    }
}

/// `[[genesys.actions]]`: a name and an expression are required; a target's action takes no
/// request_url_template.
#[test]
fn an_action_choosing_its_function_at_run_time_needs_a_name_and_an_expression() {
    let dir = tempfile::tempdir().unwrap();
    let g = "[genesys]\nintegration = \"L\"\n";
    let ok =
        "[[genesys.actions]]\nname = \"Any\"\nrequest_url_template = \"${input.functionArn}\"\n";
    let l = load(&format!("{g}{ok}"), dir.path()).unwrap();
    assert_eq!(l.config.genesys.unwrap().actions.unwrap().len(), 1);
    let cases = [
        ("[[genesys.actions]]\nrequest_url_template = \"${input.f}\"\n", "genesys.actions[0].name"),
        ("[[genesys.actions]]\nname = \"Any\"\n", "genesys.actions[0].request_url_template"),
        ("[[genesys.actions]]\nname = \"Any\"\nrequest_url_template = \"arn:aws:lambda:us-east-1:111122223333:function:f\"\n", "is not an expression"),
        ("[[genesys.actions]]\nname = \"lookup-order\"\nrequest_url_template = \"${input.f}\"\n", "also the action name"),
    ];
    for (extra, needle) in cases {
        let e = load(&format!("{g}{extra}"), dir.path()).expect_err(extra);
        assert!(e.contains(needle), "{extra:?}: {e}");
    }
    let e = load(
        &format!("[targets.action]\nrequest_url_template = \"${{input.f}}\"\n{g}"),
        dir.path(),
    )
    .unwrap_err();
    assert!(e.contains("targets[0].action.request_url_template"), "{e}");
}

#[test]
fn a_target_can_have_several_actions_each_with_its_category_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let l = load(
        "[[targets.actions]]\nname = \"Lookup order\"\ncategory = \"Orders\"\n[[targets.actions]]\nname = \"Order status\"\n[[targets]]\nfunction = \"admin-tool\"\nactions = []\n[genesys]\nintegration = \"L\"\ncategory = \"Lambda\"\n",
        dir.path(),
    )
    .unwrap();
    let t = &l.config.targets;
    assert_eq!(t[0].action_configs().len(), 2);
    assert_eq!(t[0].action_configs()[0].category.as_deref(), Some("Orders"));
    assert!(
        t[1].action_configs().is_empty(),
        "actions = [] is a target without an action"
    );
    let cases = [
        ("[targets.action]\nname = \"a\"\n[[targets.actions]]\nname = \"b\"\n[genesys]\nintegration = \"L\"\n", "both [targets.action] and [[targets.actions]]"),
        ("[[targets.actions]]\nname = \"a\"\n[[targets.actions]]\nname = \"a\"\n[genesys]\nintegration = \"L\"\n", "also the action name of targets[0].actions[0]"),
        ("[[targets.actions]]\n[[targets.actions]]\n[genesys]\nintegration = \"L\"\n", "\"lookup-order\" is also the action name"),
        ("[[targets.actions]]\ncategory = \" \"\n[genesys]\nintegration = \"L\"\n", "targets[0].actions[0].category"),
        ("[[targets.actions]]\nname = \"a\"\n", "needs the [genesys] section"),
    ];
    for (extra, needle) in cases {
        let e = load(extra, dir.path()).expect_err(extra);
        assert!(e.contains(needle), "{extra:?}: {e}");
    }
}

#[test]
fn integration_id_pins_the_integration_and_must_be_a_genesys_id() {
    let dir = tempfile::tempdir().unwrap();
    let id = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";
    let l = load(
        &format!("[genesys]\nintegration = \"L\"\nintegration_id = \"{id}\"\n"),
        dir.path(),
    )
    .unwrap();
    let g = l.config.genesys.as_ref().unwrap();
    assert_eq!(g.integration_id.as_deref(), Some(id));
    for bad in ["", "L", "6f1e2d3c-4b5a-4978-8a6b"] {
        let extra = format!("[genesys]\nintegration = \"L\"\nintegration_id = \"{bad}\"\n");
        let e = load(&extra, dir.path()).expect_err(&extra);
        assert!(
            e.contains("genesys.integration_id")
                && e.contains("not a Genesys Cloud integration ID"),
            "{extra:?}: {e}"
        );
    }
}
