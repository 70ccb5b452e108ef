//! `audit --input` against moto: moto's own `get-account-authorization-details` answer, as the
//! AWS CLI writes it (every page merged, documents as JSON objects) and as the API returns it
//! (documents URL-encoded), audits the same as the live audit of that account, with no call to
//! AWS.

use crate::support;

use serde_json::Value;
use support::live::*;

fn seed_audit(env: &Env, args: &[&str]) -> String {
    support::seed_audit(&env.moto.url(), args).join("\n")
}

/// The report without its cost and without the whole path, which a saved answer does not hold
/// (no function or organization policy: `path` says so; live_audit_path.rs tests it).
fn without_calls(mut report: Value) -> Value {
    report["summary"]["calls"] = Value::Null;
    report.as_object_mut().unwrap().remove("path");
    report
}

#[test]
fn a_saved_answer_audits_like_the_live_account() {
    let env = Env::new();
    seed_audit(&env, &["roles", ACCOUNT, "40"]);
    let live = env.run_raw(&["audit", "--partner", "genesys-cloud", "--format", "json"]);
    assert_eq!(live.code, 2, "{}", live.stderr);
    let live = json_of(&live);
    assert!(live["roles"].as_array().unwrap().len() > 10);

    for mode in [&[][..], &["encoded"][..]] {
        let mut args = vec!["dump"];
        args.extend_from_slice(mode);
        let answer = seed_audit(&env, &args);
        let file = env.dir.path().join("gaad.json");
        std::fs::write(&file, &answer).unwrap();
        env.proxy.clear();
        let offline = env.run_raw(&[
            "audit",
            "--input",
            file.to_str().unwrap(),
            "--partner",
            "genesys-cloud",
            "--format",
            "json",
        ]);
        assert_eq!(offline.code, 2, "{mode:?}: {}", offline.stderr);
        assert_eq!(env.proxy.calls().len(), 0, "no AWS call");
        let offline = json_of(&offline);
        assert_eq!(offline["summary"]["calls"], 0);
        assert_eq!(
            without_calls(offline),
            without_calls(live.clone()),
            "{mode:?}"
        );
    }
}
