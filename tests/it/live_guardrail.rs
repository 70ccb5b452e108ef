//! `lambda-trust guardrail` on the local AWS: an organization of 21 member accounts in nested
//! OUs (Workloads → Prod, Dev; Sandbox; two at the root) and the management account, seeded by
//! `scripts/seed_guardrail.py`: a right role in every member account, one without external ID,
//! one with another org's ID, one to exempt, a vendor's cross-account role, and the management
//! account's own open role. The local AWS stores and validates RCPs as Organizations does
//! (`moto_rcps.py`, `harness_rcps.rs`) but, as moto never does, does not enforce them on STS:
//! what these tests check is what lambda-trust reads, decides and writes.

use serde_json::Value;

use crate::support;
use support::live::*;

const ORG: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";

struct Org {
    env: Env,
    seed: Value,
}

impl Org {
    fn new() -> Org {
        let env = Env::new();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/seed_guardrail.py");
        let out = support::moto_forks::python(&[script, &env.moto.url()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let seed = serde_json::from_slice(&out.stdout).unwrap();
        Org { env, seed }
    }

    fn first(&self, home: &str) -> String {
        self.seed["first"][home].as_str().unwrap().to_owned()
    }

    fn role(&self, home: &str, name: &str) -> String {
        format!("arn:aws:iam::{}:role/{name}", self.first(home))
    }

    /// `guardrail VERB` with our org ID, the Sandbox's Lex role exempted, the roles read through
    /// the audit role, and `extra`.
    fn args<'a>(&'a self, verb: &'a str, exempt: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut a = vec!["guardrail", verb, "--genesys-org-id", ORG, "--exempt-role", exempt];
        a.extend(["--assume-role", "lambda-trust-audit", "--format", "json"]);
        a.extend(extra);
        a
    }

    fn organizations(&self, op: &str, body: Value) -> Value {
        self.env.moto.client().organizations_ok(op, body)
    }
}

fn claim<'a>(plan: &'a Value, property: &str) -> &'a Value {
    let claims = plan["claims"].as_array().unwrap();
    claims.iter().find(|c| c["property"] == property).unwrap_or_else(|| panic!("{property}: {plan:#}"))
}

fn arns(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = (list.as_array().unwrap().iter())
        .map(|r| r["arn"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn plan_apply_check_and_destroy_over_21_accounts_in_nested_ous() {
    let org = Org::new();
    let lex = org.role("Sandbox", "genesys-lex");
    let env = &org.env;
    env.proxy.clear();
    let plan = json_of(&env.expect(&org.args("plan", &lex, &[]), 2));
    let plan_calls = env.proxy.calls().len();
    assert_eq!(env.proxy.count_writes(), 0, "plan only reads");
    let changes: Vec<&str> = (plan["changes"].as_array().unwrap().iter())
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["enable-rcps", "create", "attach"]);
    assert_eq!(plan["targets"][0]["accounts"].as_array().unwrap().len(), 21);
    for p in ["availability", "exclusivity", "no-collateral", "syntax", "coverage"] {
        assert_eq!(claim(&plan, p)["verdict"], "proved", "{p}: {plan:#}");
    }
    assert!(claim(&plan, "availability")["detail"].as_str().unwrap().starts_with("21 of the 23"), "{plan:#}");
    let mut stopped = vec![org.role("Prod", "genesys-open"), org.role("Dev", "genesys-other-org"), lex.clone()];
    stopped.sort();
    assert_eq!(arns(&plan["stops"]), stopped, "the vendor's role is not the guardrail's");
    let management = plan["uncovered"][0]["arn"].as_str().unwrap();
    assert_eq!(management, format!("arn:aws:iam::{}:role/genesys-open", org.seed["management"].as_str().unwrap()));
    assert_eq!(plan["acting_as"], "management-account");

    env.proxy.clear();
    let applied = json_of(&env.expect(&org.args("apply", &lex, &["--yes"]), 0));
    let apply_calls = env.proxy.calls().len();
    let writes: Vec<String> = env.proxy.writes().iter().map(|c| c.key()).collect();
    assert_eq!(applied["writes"], 3);
    assert_eq!(env.proxy.count_writes(), 3, "{writes:?}");
    let (_, again) = env.writes_of(&org.args("apply", &lex, &["--yes"]), 0);
    assert_eq!(again, 0, "a second apply writes nothing");

    env.proxy.clear();
    let checked = json_of(&env.expect(&org.args("check", &lex, &[]), 0));
    let check_calls = env.proxy.calls().len();
    assert_eq!(checked["changes"], serde_json::json!([]));
    let id = checked["policy"]["id"].as_str().unwrap().to_owned();
    let stored = org.organizations("DescribePolicy", serde_json::json!({"PolicyId": id}));
    let content: Value = serde_json::from_str(stored["Policy"]["Content"].as_str().unwrap()).unwrap();
    assert_eq!(content, checked["policy"]["document"], "what was stored is what was proved");
    println!("calls at 21 member accounts: plan {plan_calls}, apply {apply_calls}, check {check_calls}");

    let (_, destroyed) = env.writes_of(&["guardrail", "destroy", "--yes", "--format", "json"], 0);
    assert_eq!(destroyed, 2, "one detach, one delete");
    let left = org.organizations("ListPolicies", serde_json::json!({"Filter": "RESOURCE_CONTROL_POLICY"}));
    let names: Vec<&str> = (left["Policies"].as_array().unwrap().iter())
        .map(|p| p["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["RCPFullAWSAccess"], "others' RCPs stay");
    let (r, none) = env.writes_of(&["guardrail", "destroy", "--yes"], 0);
    assert_eq!(none, 0);
    assert!(r.stdout.contains("nothing written"), "{}", r.stdout);
}
