//! Importing a Genesys Cloud org's existing AWS Lambda data actions (`import --genesys`):
//! which actions are grouped under which function, and why one is left out. Hand-built
//! actions, no network.

use lambda_trust_audit::{classify_actions, LeftOutWhy};
use lambda_trust_model::{ActionDef, ObservedAction};
use serde_json::json;

const F1: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup-order";
const F2: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer:live";

/// An action in category "Lambda" with the default templates, a 30 s timeout, open schemas.
fn def(name: &str, arn: &str) -> ActionDef {
    serde_json::from_value(json!({
        "name": name, "category": "Lambda",
        "config": {"request": {"requestUrlTemplate": arn, "requestTemplate": "${input.rawRequest}"},
                   "response": {"successTemplate": "${rawResult}"}, "timeoutSeconds": 30},
        "contract": {"input": {"inputSchema": {"type": "object"}},
                     "output": {"successSchema": {"type": "object"}}},
    }))
    .unwrap()
}

fn observed_action(name: &str, url: &str) -> ObservedAction {
    ObservedAction {
        id: format!("id-{name}"),
        version: 3,
        def: def(name, url),
    }
}

#[test]
fn an_import_groups_actions_by_function_and_says_why_it_leaves_one_out() {
    // Secure, header-carrying, translated and non-POST actions are imported like any other.
    let mut secure = observed_action(
        "Secure one",
        "arn:aws:lambda:us-east-1:111122223333:function:vault",
    );
    secure.def.secure = true;
    let mut headers = observed_action("With headers", F1);
    let request = &mut headers.def.config.request;
    request.headers.insert("X-Team".into(), "cx".into());
    request.request_type = "PUT".into();
    let response = &mut headers.def.config.response;
    response.translation_map.insert("id".into(), "$.id".into());
    response
        .translation_map_defaults
        .insert("id".into(), "0".into());
    // Real exports set no timeout: imported as such.
    let mut no_timeout = observed_action("No timeout", F1);
    no_timeout.def.config.timeout_seconds = None;
    // A default that is not a JSON value: Genesys Cloud accepts and runs it, so it is imported
    // exactly (the written config says its latent defect as a warning).
    let mut bare_default = observed_action("Bare default", F1);
    let response = &mut bare_default.def.config.response;
    response.translation_map.insert("id".into(), "$.id".into());
    response
        .translation_map_defaults
        .insert("id".into(), "unknown".into());
    // Two actions of one name: the config names each once, so the second is left out.
    let mut twin = observed_action("B order", F2);
    twin.id = "id-B order (2)".into();
    let actions = vec![
        twin,
        observed_action("B order", F1),
        observed_action("A customer", F2),
        observed_action("C order again", F1),
        secure,
        headers,
        no_timeout,
        bare_default,
        observed_action("Expr", "${input.arn}"),
        observed_action(
            "Elsewhere",
            "arn:aws:lambda:us-east-1:210987654321:function:x",
        ),
        observed_action(
            "Latest",
            "arn:aws:lambda:us-east-1:111122223333:function:x:$LATEST",
        ),
        observed_action("Web", "https://example.com/api"),
    ];
    let import = classify_actions(&actions, "111122223333", &[]);
    let targets: Vec<(String, Option<String>, Vec<String>)> = import
        .targets
        .iter()
        .map(|t| {
            (
                t.function.clone(),
                t.qualifier.clone(),
                t.actions.iter().map(|a| a.def.name.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        targets,
        [
            (
                "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer".to_string(),
                Some("live".to_string()),
                vec!["A customer".to_string()]
            ),
            (
                F1.to_string(),
                None,
                vec![
                    "B order".to_string(),
                    "Bare default".to_string(),
                    "C order again".to_string(),
                    "No timeout".to_string(),
                    "With headers".to_string()
                ]
            ),
            (
                "arn:aws:lambda:us-east-1:111122223333:function:vault".to_string(),
                None,
                vec!["Secure one".to_string()]
            ),
        ]
    );
    let why: Vec<(&str, &LeftOutWhy)> = import
        .left_out
        .iter()
        .map(|l| (l.name.as_str(), &l.why))
        .collect();
    assert_eq!(why.len(), 4, "{why:#?}");
    assert_eq!(
        why[0],
        (
            "B order",
            &LeftOutWhy::SameName {
                other: "id-B order".into()
            }
        )
    );
    let why = &why[1..];
    assert!(
        matches!(why[0], ("Elsewhere", LeftOutWhy::OtherAccount { .. })),
        "{why:#?}"
    );
    assert!(matches!(
        why[1],
        ("Latest", LeftOutWhy::NotAFunction { .. })
    ));
    assert!(matches!(why[2], ("Web", LeftOutWhy::NotAFunction { .. })));
    // An action choosing its function at run time is imported as such.
    let dynamic: Vec<&str> = import.dynamic.iter().map(|a| a.def.name.as_str()).collect();
    assert_eq!(dynamic, ["Expr"]);
}
