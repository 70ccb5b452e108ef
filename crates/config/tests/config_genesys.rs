//! `[genesys]` and `[targets.action]` validation: each rule with a clear error; without the
//! section nothing changes.

use lambda_trust_config as config;

const BASE: &str = "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10\"\n[role]\nname = \"R\"\n[aws]\nregion = \"us-east-1\"\naccount_id = \"111122223333\"\n[[targets]]\nfunction = \"lookup-order\"\n";

fn load(extra: &str, dir: &std::path::Path) -> Result<config::Loaded, String> {
    let path = dir.join("lambda-trust.toml");
    std::fs::write(&path, format!("{BASE}{extra}")).unwrap();
    config::ConfigFile::new(&path)
        .load()
        .map_err(|e| lambda_trust_verdict::shown(&e))
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
        ("[targets.action]\ntimeout_seconds = -1\n[genesys]\nintegration = \"L\"\n", "out of range"),
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
/// translation maps, and a secure action's contract.
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
         translation_map_defaults = {{ extra = '\"none\"' }}\n{g}"
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
        (
            "[targets.action]\nname = \"Pay\"\nrequest_type = \"FETCH\"\n",
            "targets[0].action.request_type",
            "action \"Pay\"",
        ),
        (
            "[targets.action]\nname = \"Pay\"\nsecure = true\ninput_schema = \"in.json\"\n",
            "targets[0].action.secure",
            "secure action \"Pay\" needs a contract",
        ),
        (
            "[targets.action]\nname = \"Pay\"\nsecure = true\n",
            "targets[0].action.secure",
            "needs a contract",
        ),
        (
            "[targets.action]\nname = \"Pay\"\ntranslation_map_defaults = { id = \"0\" }\n",
            "targets[0].action.translation_map_defaults.id",
            "not a translation_map variable",
        ),
        (
            "[targets.action]\nname = \"Pay\"\nheaders = { \"\" = \"x\" }\n",
            "targets[0].action.headers",
            "empty name",
        ),
        (
            "[targets.action]\nname = \"Pay\"\nsecur = true\n",
            "`secur` is not a key of the data action \"Pay\"",
            "did you mean `secure`?",
        ),
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

fn codes(l: &config::Loaded) -> Vec<&str> {
    l.warnings.iter().map(|w| w.code).collect()
}

/// Translation maps take the JSONPath Genesys Cloud evaluates (Jayway's): filters, deep scans,
/// bracket names, `$.[0]`, paths without `$`, functions such as `.length()`. Each path addresses
/// the function's answer, so none is judged against the output contract (open or not).
#[test]
fn translation_maps_take_the_jsonpath_genesys_cloud_evaluates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("out.json"),
        r#"{"type":"object","properties":{"phone":{"type":"string"}}}"#,
    )
    .unwrap();
    let paths = [
        ("home", "$.items[?(@.type == 'home')].value"),
        ("ids", "$..id"),
        ("spaced", "$['a b']"),
        ("first", "$.[0]"),
        ("bare", "customer.id"),
        ("count", "$.items.length()"),
        ("customer", "$.customer.id"),
        ("quoted", "$.phones[?(@.kind==\"mobile\")].number"),
    ];
    let map: Vec<String> = paths.iter().map(|(k, p)| format!("{k} = {p:?}")).collect();
    let used: Vec<String> = paths
        .iter()
        .map(|(k, _)| format!("\"{k}\": ${{{k}}}"))
        .collect();
    for schema in ["", "output_schema = \"out.json\"\n"] {
        let text = format!(
            "[targets.action]\nname = \"Pay\"\n{schema}translation_map = {{ {} }}\nsuccess_template = '{{{}}}'\n[genesys]\nintegration = \"L\"\n",
            map.join(", "),
            used.join(", ")
        );
        let l = load(&text, dir.path()).unwrap_or_else(|e| panic!("{text}\n{e}"));
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        let kept = l.config.targets[0]
            .action
            .clone()
            .unwrap()
            .translation_map
            .unwrap();
        assert_eq!(kept["first"], "$.[0]", "kept as written");
    }
}

/// A path the parser cannot read is kept verbatim, with a warning naming it: never refused.
#[test]
fn a_path_the_parser_cannot_read_is_kept_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let l = load(
        "[targets.action]\nname = \"Pay\"\ntranslation_map = { tags = \"$.items[?(@.tags anyof ['vip'])].id\" }\nsuccess_template = '{\"tags\": ${tags}}'\n[genesys]\nintegration = \"L\"\n",
        dir.path(),
    )
    .unwrap();
    assert_eq!(codes(&l), ["translation-path-unparsed"]);
    let w = &l.warnings[0];
    assert!(
        w.message.contains("targets[0].action.translation_map.tags") && w.message.contains("anyof"),
        "{w:?}"
    );
    let map = l.config.targets[0]
        .action
        .clone()
        .unwrap()
        .translation_map
        .unwrap();
    assert_eq!(map["tags"], "$.items[?(@.tags anyof ['vip'])].id");
}

/// A variable the success template never uses (`${x}`, `$!{x}`, `$x`, `$!x`) is worth a
/// warning: with the default `${rawResult}` the map does nothing.
#[test]
fn a_variable_the_success_template_never_uses_warns() {
    let dir = tempfile::tempdir().unwrap();
    let g = "[genesys]\nintegration = \"L\"\n";
    let unused = load(
        &format!("[targets.action]\nname = \"Pay\"\ntranslation_map = {{ id = \"$.id\" }}\n{g}"),
        dir.path(),
    )
    .unwrap();
    assert_eq!(codes(&unused), ["translation-variable-unused"]);
    assert!(
        unused.warnings[0].message.contains("\"id\""),
        "{:?}",
        unused.warnings
    );
    for template in [
        "{\"p\": $Presence}",
        "{\"p\": $!Presence}",
        "{\"p\": \"$!{Presence}\"}",
    ] {
        let l = load(
            &format!("[targets.action]\nname = \"Pay\"\ntranslation_map = {{ Presence = \"$.entities[*].presence\" }}\nsuccess_template = '{template}'\n{g}"),
            dir.path(),
        )
        .unwrap();
        assert!(l.warnings.is_empty(), "{template}: {:?}", l.warnings);
    }
}

/// `translation_map_defaults` values are JSON literals, exactly as Genesys Cloud holds them:
/// `'"Not Found"'`, `"false"`, `"[]"`, `"null"`. A bare `unknown` is not JSON (it would break
/// the success template at run time): refused, with the quoted form as the hint.
#[test]
fn translation_map_defaults_are_json_literals() {
    let dir = tempfile::tempdir().unwrap();
    let action = |defaults: &str| {
        format!(
            "[targets.action]\nname = \"Pay\"\ntranslation_map = {{ a = \"$.a\", b = \"$.b\", c = \"$.c\", d = \"$.d\" }}\n\
             translation_map_defaults = {{ {defaults} }}\n\
             success_template = '{{\"a\": ${{a}}, \"b\": ${{b}}, \"c\": ${{c}}, \"d\": ${{d}}}}'\n[genesys]\nintegration = \"L\"\n"
        )
    };
    let l = load(
        &action("a = '\"Not Found\"', b = \"false\", c = \"[]\", d = \"null\""),
        dir.path(),
    )
    .unwrap();
    let d = l.config.targets[0]
        .action
        .clone()
        .unwrap()
        .translation_map_defaults
        .unwrap();
    assert_eq!(d["a"], "\"Not Found\"", "kept as written");
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    // Genesys Cloud accepts and runs a bare word: loaded as written, its defect a warning.
    let l = load(&action("a = \"unknown\""), dir.path()).unwrap();
    let w = (l.warnings.iter())
        .find(|w| w.code == "translation-default-not-json")
        .expect("the latent defect is said");
    assert!(
        w.message
            .contains("targets[0].action.translation_map_defaults.a")
            && w.message.contains("not a JSON value")
            && w.hint
                .as_deref()
                .unwrap_or_default()
                .contains(r#"'"unknown"'"#),
        "{w:?}"
    );
}

/// `timeout_seconds = 0`: no timeout set (Genesys Cloud's own applies), as real exports have it.
#[test]
fn timeout_seconds_zero_sets_none() {
    let dir = tempfile::tempdir().unwrap();
    let l = load(
        "[targets.action]\ntimeout_seconds = 0\n[genesys]\nintegration = \"L\"\n",
        dir.path(),
    )
    .unwrap();
    assert_eq!(
        l.config.targets[0].action.clone().unwrap().timeout_seconds,
        Some(0)
    );
}

/// A success template that puts a key into the output the output contract forbids
/// (`additionalProperties: false`) fails every run: refused, naming the key.
#[test]
fn a_success_template_key_the_contract_forbids_is_a_warning_never_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("closed.json"),
        r#"{"type":"object","additionalProperties":false,"properties":{"name":{"type":"string"},"address":{"type":"object","additionalProperties":false,"properties":{"city":{"type":"string"}}}}}"#,
    )
    .unwrap();
    let g = "[genesys]\nintegration = \"L\"\n";
    let with = |template: &str| {
        format!("[targets.action]\nname = \"Pay\"\noutput_schema = \"closed.json\"\ntranslation_map = {{ n = \"$.n\", c = \"$.c\" }}\nsuccess_template = '{template}'\n{g}")
    };
    for ok in [
        "{\"name\": ${n}, \"address\": {\"city\": \"${c}\"}}",
        // Velocity directives: not judged.
        "#if(${n})ok#end{\"nickname\": ${n}, \"x\": ${c}}",
    ] {
        let l = load(&with(ok), dir.path()).unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert!(l.warnings.is_empty(), "{ok}: {:?}", l.warnings);
    }
    for (bad, key) in [
        ("{\"name\": ${n}, \"nickname\": ${c}}", "\"nickname\""),
        (
            "{\"name\": \"$!{n}\", \"address\": {\"city\": ${c}, \"zip\": 1}}",
            "\"address.zip\"",
        ),
    ] {
        let l = load(&with(bad), dir.path()).unwrap_or_else(|e| panic!("{bad}: {e}"));
        let w = (l.warnings.iter())
            .find(|w| w.code == "success-template-key-forbidden")
            .unwrap_or_else(|| panic!("{bad}: {:?}", l.warnings));
        assert!(
            w.message.contains("targets[0].action.success_template")
                && w.message.contains(key)
                && w.message.contains("additionalProperties")
                && w.message.contains("a run that reaches it fails"),
            "{bad}: {w:?}"
        );
    }
}
