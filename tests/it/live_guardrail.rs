//! `lambda-trust guardrail` on the local AWS: an organization as AWS builds one
//! (`scripts/seed_guardrail.py`, `harness_orgs.rs`): 21 member accounts made by CreateAccount
//! and one invited, in nested OUs (Workloads → Prod, Dev; Sandbox; two at the root), and the
//! management account. `OrganizationAccountAccessRole` is only in the created accounts; the
//! audit role `lambda-trust-audit`, as a service-managed StackSet rolls it out, in every member
//! account and not the management account. A right role in every member account, one without
//! external ID, one with another org's ID, Genesys Cloud's Lex, Lex V2 and S3 integration roles
//! (to exempt), a vendor's cross-account role, and the management account's own open role. The
//! local AWS stores and validates RCPs as Organizations does (`moto_rcps.py`,
//! `harness_rcps.rs`) but, as moto never does, does not enforce them on STS: what these tests
//! check is what lambda-trust reads, decides and writes.

use serde_json::Value;

use crate::support;
use support::live::*;

const ORG: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";

pub(crate) struct Org {
    pub(crate) env: Env,
    pub(crate) seed: Value,
}

impl Org {
    pub(crate) fn new() -> Org {
        let env = Env::new();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/seed_guardrail.py");
        let out = support::moto_forks::python(&[script, &env.moto.url()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let seed = serde_json::from_slice(&out.stdout).unwrap();
        Org { env, seed }
    }

    pub(crate) fn first(&self, home: &str) -> String {
        self.seed["first"][home].as_str().unwrap().to_owned()
    }

    pub(crate) fn role(&self, home: &str, name: &str) -> String {
        format!("arn:aws:iam::{}:role/{name}", self.first(home))
    }

    /// Genesys Cloud's integration roles the organization holds: Lex, Lex V2, S3.
    pub(crate) fn integrations(&self) -> [String; 3] {
        let of = |k: &str| self.seed["integration"][k].as_str().unwrap().to_owned();
        [self.role("Sandbox", "genesys-lex"), of("lexv2"), of("s3")]
    }

    /// `guardrail VERB` with our org ID, `exempt` (the integration roles) exempted, the roles
    /// read through the audit role, and `extra`.
    pub(crate) fn args<'a>(
        &'a self,
        verb: &'a str,
        exempt: &'a str,
        extra: &[&'a str],
    ) -> Vec<&'a str> {
        let mut a = vec!["guardrail", verb, "--genesys-org-id", ORG];
        for e in self.exempted(exempt) {
            a.extend(["--exempt-role", e]);
        }
        a.extend(["--assume-role", "lambda-trust-audit", "--format", "json"]);
        a.extend(extra);
        a
    }

    /// `lex` and, with it, the other integration roles.
    pub(crate) fn exempted<'a>(&'a self, lex: &'a str) -> Vec<&'a str> {
        let rest = self.seed["integration"].as_object().unwrap();
        let mut out = vec![lex];
        out.extend(rest.values().map(|v| v.as_str().unwrap()));
        out
    }

    pub(crate) fn organizations(&self, op: &str, body: Value) -> Value {
        self.env.moto.client().organizations_ok(op, body)
    }
}

/// `doc` is valid against docs/schemas/`file`.
pub(crate) fn schema_valid(file: &str, doc: &Value) {
    let schema = &crate::json_schemas::validators()[file];
    let errors: Vec<String> = schema.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{file}: {errors:?}");
}

pub(crate) fn claim<'a>(plan: &'a Value, property: &str) -> &'a Value {
    let claims = plan["claims"].as_array().unwrap();
    claims
        .iter()
        .find(|c| c["property"] == property)
        .unwrap_or_else(|| panic!("{property}: {plan:#}"))
}

pub(crate) fn arns(list: &Value) -> Vec<String> {
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
    println!("plan's calls: {:?}", env.proxy.summary());
    at_the_limit(env, 23, 1);
    assert_eq!(env.proxy.count_writes(), 0, "plan only reads");
    let changes: Vec<&str> = (plan["changes"].as_array().unwrap().iter())
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["enable-rcps", "create", "attach"]);
    assert_eq!(plan["targets"][0]["accounts"].as_array().unwrap().len(), 22);
    for p in [
        "availability",
        "exclusivity",
        "no-collateral",
        "syntax",
        "coverage",
    ] {
        assert_eq!(claim(&plan, p)["verdict"], "proved", "{p}: {plan:#}");
    }
    assert!(
        claim(&plan, "availability")["detail"]
            .as_str()
            .unwrap()
            .starts_with("22 of the 24"),
        "{plan:#}"
    );
    let mut stopped = vec![
        org.role("Prod", "genesys-open"),
        org.role("Dev", "genesys-other-org"),
    ];
    stopped.sort();
    assert_eq!(
        arns(&plan["stops"]),
        stopped,
        "the vendor's role is not the guardrail's"
    );
    let management = format!(
        "arn:aws:iam::{}:role/genesys-open",
        org.seed["management"].as_str().unwrap()
    );
    let mut uncovered = vec![management];
    uncovered.extend(org.integrations());
    uncovered.sort();
    assert_eq!(arns(&plan["uncovered"]), uncovered, "{plan:#}");
    assert_eq!(plan["acting_as"], "management-account");
    // Each listed role says what it may do: the integrations' roles are told apart.
    let can = |arn: &str| {
        let all = plan["uncovered"].as_array().unwrap();
        let r = all.iter().find(|r| r["arn"] == arn).unwrap();
        r["can"].clone()
    };
    let [lex_v1, lex_v2, s3] = org.integrations();
    assert_eq!(can(&lex_v1), serde_json::json!(["Lex"]));
    assert_eq!(can(&lex_v2), serde_json::json!(["Lex V2"]));
    assert_eq!(can(&s3), serde_json::json!(["s3:PutObject"]));
    // The management account's own session read it (it holds no audit role), and it is named.
    let management = org.seed["management"].as_str().unwrap();
    let into_management = (env.proxy.calls().into_iter()).filter(|c| {
        c.matches("sts:AssumeRole") && c.param("RoleArn").is_some_and(|a| a.contains(management))
    });
    assert_eq!(into_management.count(), 0, "{:?}", env.proxy.summary());
    schema_valid("guardrail.schema.json", &plan);

    env.proxy.clear();
    let applied = json_of(&env.expect(&org.args("apply", &lex, &["--yes"]), 0));
    let apply_calls = env.proxy.calls().len();
    println!("apply's calls: {:?}", env.proxy.summary());
    let writes: Vec<String> = env.proxy.writes().iter().map(|c| c.key()).collect();
    assert_eq!(applied["writes"], 3);
    schema_valid("guardrail.schema.json", &applied);
    // EnablePolicyType is asynchronous: apply read ListRoots until ENABLED (PENDING_ENABLE first).
    assert!(
        env.proxy.count("ListRoots") >= 3,
        "{:?}",
        env.proxy.summary()
    );
    assert_eq!(env.proxy.count_writes(), 3, "{writes:?}");
    let (_, again) = env.writes_of(&org.args("apply", &lex, &["--yes"]), 0);
    assert_eq!(again, 0, "a second apply writes nothing");

    env.proxy.clear();
    let checked = json_of(&env.expect(&org.args("check", &lex, &[]), 0));
    let check_calls = env.proxy.calls().len();
    assert_eq!(checked["changes"], serde_json::json!([]));
    schema_valid("guardrail.schema.json", &checked);
    let id = checked["policy"]["id"].as_str().unwrap().to_owned();
    let stored = org.organizations("DescribePolicy", serde_json::json!({"PolicyId": id}));
    let content: Value =
        serde_json::from_str(stored["Policy"]["Content"].as_str().unwrap()).unwrap();
    assert_eq!(
        content, checked["policy"]["document"],
        "what was stored is what was proved"
    );
    println!(
        "calls at 22 member accounts: plan {plan_calls}, apply {apply_calls}, check {check_calls}"
    );
    println!("check's calls: {:?}", env.proxy.summary());
    at_the_limit(env, 23, 2);
    audit_says_guarded(&org, &lex);

    let (r, destroyed) = env.writes_of(&["guardrail", "destroy", "--yes", "--format", "json"], 0);
    assert_eq!(destroyed, 2, "one detach, one delete");
    schema_valid("guardrail-destroy.schema.json", &json_of(&r));
    let left = org.organizations(
        "ListPolicies",
        serde_json::json!({"Filter": "RESOURCE_CONTROL_POLICY"}),
    );
    let names: Vec<&str> = (left["Policies"].as_array().unwrap().iter())
        .map(|p| p["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["RCPFullAWSAccess"], "others' RCPs stay");
    let (r, none) = env.writes_of(&["guardrail", "destroy", "--yes"], 0);
    assert_eq!(none, 0);
    assert!(r.stdout.contains("nothing written"), "{}", r.stdout);
}

/// `audit --organization` reads the guardrail on the whole path: a role without external ID
/// under it is `guarded` and keeps its finding (its trust is still wrong: same exit code); the
/// exempted role and the management account's are not guarded.
/// The organization read whole once, the roles' read at the physical limit: per account only
/// what that account alone answers — `AssumeRole` (none into the caller's own), the IAM read,
/// `ListFunctions` — and a `GetPolicy` per function a partner role can invoke (none here); no
/// account's path walked again (`ListParents`, `ListPoliciesForTarget`); the organization's own
/// reads a count of its 4 OUs and `rcps` RCPs, whatever the number of `accounts`.
fn at_the_limit(env: &Env, accounts: usize, rcps: usize) {
    let all = env.proxy.summary();
    let per_account = [
        "sts:AssumeRole",
        "iam:GetAccountAuthorizationDetails",
        "lambda:ListFunctions",
    ];
    let of = |op: &str| all.get(op).copied().unwrap_or(0);
    assert_eq!(of("sts:AssumeRole"), accounts - 1, "{all:?}");
    let each: usize = per_account.iter().map(|op| of(op)).sum();
    assert_eq!(each, 3 * accounts - 1, "{all:?}");
    let org: usize = (all.iter())
        .filter(|(op, _)| op.starts_with("organizations:"))
        .map(|(_, n)| n)
        .sum();
    // DescribeOrganization, ListRoots, ListAccounts; two listings of the root and each OU;
    // ListPolicies; per RCP DescribePolicy and ListTargetsForPolicy, and ListTagsForResource of
    // a customer one (the guardrail's).
    let tree = 3 + 2 * (4 + 1) + 1 + 2 * rcps + (rcps - 1);
    assert_eq!(org, tree, "{all:?}");
    // The caller's identity once: the guardrail's read hands it to the roles' read.
    assert_eq!(of("sts:GetCallerIdentity"), 1, "{all:?}");
    let accounted = each + org + 1 + of("lambda:GetPolicy");
    assert_eq!(accounted, env.proxy.calls().len(), "nothing else: {all:?}");
}

fn audit_says_guarded(org: &Org, lex: &str) {
    let args = [
        "audit",
        "--organization",
        "--assume-role",
        "lambda-trust-audit",
        "--partner",
        "genesys-cloud",
        "--genesys-org-id",
        ORG,
        "--format",
        "json",
    ];
    let r = org.env.run_raw(&args);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let report = json_of(&r);
    let roles: Vec<&Value> = (report["accounts"].as_array().unwrap().iter())
        .flat_map(|a| a["roles"].as_array().unwrap())
        .collect();
    let role = |arn: &str| {
        *roles
            .iter()
            .find(|r| r["arn"] == arn)
            .unwrap_or_else(|| panic!("{arn}"))
    };
    let open = role(&org.role("Prod", "genesys-open"));
    assert_eq!(open["guarded"], true, "{open:#}");
    let codes: Vec<&str> = (open["findings"].as_array().unwrap().iter())
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"no-external-id"), "{codes:?}");
    assert_eq!(role(lex)["guarded"], false);
    let management = org.seed["management"].as_str().unwrap();
    assert_eq!(
        role(&format!("arn:aws:iam::{management}:role/genesys-open"))["guarded"],
        false
    );
    schema_valid("audit.schema.json", &report);
}

/// `check` after hand edits: one admitting another org's ID fails exclusivity with the request
/// it now admits; a detach from the root leaves the accounts outside the remaining target
/// uncovered, by name. Apply repairs each.
#[test]
fn check_fails_on_a_hand_edit_admitting_another_org_and_on_a_detach() {
    let org = Org::new();
    let lex = org.role("Sandbox", "genesys-lex");
    let env = &org.env;
    let applied = json_of(&env.expect(&org.args("apply", &lex, &["--yes"]), 0));
    let id = applied["policy"]["id"].as_str().unwrap().to_owned();

    // A role made after apply that Genesys Cloud can assume without an external ID: apply's
    // record in the policy's tags shows it is new, and check names it (2); apply records it.
    let dev = org.first("Dev");
    let open = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole"}]});
    env.moto.client().with_account(&dev).iam_query(
        "CreateRole",
        &[
            ("RoleName", "made-after-apply"),
            ("AssumeRolePolicyDocument", &open.to_string()),
        ],
    );
    let checked = json_of(&env.expect(&org.args("check", &lex, &[]), 2));
    let made = format!("arn:aws:iam::{dev}:role/made-after-apply");
    assert_eq!(
        checked["changes"],
        serde_json::json!([{"change": "record",
            "why": [format!("it now stops {made}, which it did not at apply")],
            "record": checked["changes"][0]["record"]}]),
        "{checked:#}"
    );
    let (_, recorded) = env.writes_of(&org.args("apply", &lex, &["--yes"]), 0);
    assert_eq!(recorded, 1, "one TagResource");
    env.expect(&org.args("check", &lex, &[]), 0);

    let other = org.seed["other_org_id"].as_str().unwrap();
    let mut loose = applied["policy"]["document"].clone();
    loose["Statement"][0]["Condition"]["StringNotEquals"]["sts:ExternalId"] =
        serde_json::json!([ORG, other]);
    let content = serde_json::to_string(&loose).unwrap();
    org.organizations(
        "UpdatePolicy",
        serde_json::json!({"PolicyId": id, "Content": content}),
    );
    let checked = json_of(&env.expect(&org.args("check", &lex, &[]), 3));
    schema_valid("guardrail.schema.json", &checked);
    let exclusive = claim(&checked, "exclusivity");
    assert_eq!(exclusive["verdict"], "counterexample", "{checked:#}");
    assert_eq!(
        exclusive["counterexample"]["context"]["sts:ExternalId"],
        serde_json::json!([other])
    );
    assert_eq!(
        exclusive["counterexample"]["principal"]
            .as_str()
            .unwrap()
            .split(':')
            .nth(4),
        Some("765628985471")
    );
    let (_, repaired) = env.writes_of(&org.args("apply", &lex, &["--yes"]), 0);
    assert_eq!(repaired, 1, "one UpdatePolicy in place");
    env.expect(&org.args("check", &lex, &[]), 0);

    let root = org.seed["root"].as_str().unwrap();
    let sandbox = org.seed["ous"]["Sandbox"].as_str().unwrap();
    org.organizations(
        "AttachPolicy",
        serde_json::json!({"PolicyId": id, "TargetId": sandbox}),
    );
    org.organizations(
        "DetachPolicy",
        serde_json::json!({"PolicyId": id, "TargetId": root}),
    );
    let checked = json_of(&env.expect(&org.args("check", &lex, &[]), 3));
    let coverage = claim(&checked, "coverage");
    assert_eq!(coverage["verdict"], "counterexample");
    let detail = coverage["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("16 accounts are not covered"),
        "{detail}"
    );
    assert!(
        detail.contains(&org.first("Prod")) && !detail.contains(&org.first("Sandbox")),
        "{detail}"
    );
    let changes: Vec<&str> = (checked["changes"].as_array().unwrap().iter())
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        ["attach", "detach"],
        "attach the root, detach the Sandbox"
    );
}

/// What cannot be written whole is refused before any write: a malformed org ID before any
/// call, the management account as a target, a target at its quota of RCPs, and roles not read.
#[test]
fn refusals_write_nothing() {
    let org = Org::new();
    let env = &org.env;
    let lex = org.role("Sandbox", "genesys-lex");
    env.proxy.clear();
    let upper = ORG.to_uppercase();
    let r = env.expect(&["guardrail", "plan", "--genesys-org-id", &upper], 1);
    assert!(r.stderr.contains("not a lowercase UUID"), "{}", r.stderr);
    assert_eq!(env.proxy.calls().len(), 0, "refused before any call");
    let management = org.seed["management"].as_str().unwrap();
    let r = env.expect(&org.args("plan", &lex, &["--target", management]), 1);
    assert!(r.stderr.contains("management account"), "{}", r.stderr);

    let bare = [
        "guardrail",
        "plan",
        "--genesys-org-id",
        ORG,
        "--format",
        "json",
    ];
    // Without the roles, availability is the document's (it cannot deny your ID); the roles
    // it would stop are unknown, so apply refuses.
    let plan = json_of(&env.expect(&bare, 2));
    let available = claim(&plan, "availability");
    assert_eq!(available["verdict"], "proved");
    assert!(
        (available["detail"].as_str().unwrap()).contains("decided from the document"),
        "{plan:#}"
    );
    assert!(plan["not_read"][0]
        .as_str()
        .unwrap()
        .contains("--assume-role"));
    let (r, writes) = env.writes_of(&["guardrail", "apply", "--genesys-org-id", ORG, "--yes"], 1);
    assert_eq!(writes, 0);
    assert!(
        r.stderr.contains("nothing written") && r.stderr.contains("not read"),
        "{}",
        r.stderr
    );

    let root = org.seed["root"].as_str().unwrap();
    env.moto
        .client()
        .enable_policy_type(root, "RESOURCE_CONTROL_POLICY");
    let sandbox = org.seed["ous"]["Sandbox"].as_str().unwrap();
    for i in 0..4 {
        let content = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}]}"#;
        let made = org.organizations(
            "CreatePolicy",
            serde_json::json!({"Name": format!("theirs-{i}"),
            "Description": "", "Type": "RESOURCE_CONTROL_POLICY", "Content": content}),
        );
        let id = made["Policy"]["PolicySummary"]["Id"]
            .as_str()
            .unwrap()
            .to_owned();
        org.organizations(
            "AttachPolicy",
            serde_json::json!({"PolicyId": id, "TargetId": sandbox}),
        );
    }
    // A plan apply would refuse exits 1; the merged documents for their owners still print.
    let plan = json_of(&env.expect(&org.args("plan", &lex, &["--target", sandbox]), 1));
    let refused = plan["refused"][0].as_str().unwrap();
    assert!(
        refused.contains("5 RCPs") && refused.contains("quota"),
        "{refused}"
    );
    // For each of their four policies, the guardrail merged in, proved as merged, for its owner.
    let merges = plan["merges"].as_array().unwrap();
    assert_eq!(merges.len(), 4, "{plan:#}");
    for m in merges {
        assert!(m["name"].as_str().unwrap().starts_with("theirs-"), "{m:#}");
        let verdicts: Vec<&Value> = m["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["verdict"])
            .collect();
        assert_eq!(verdicts, ["proved", "proved"], "{m:#}");
        // What AWS Organizations would take: their owner's UpdatePolicy of it is accepted.
        let content = serde_json::to_string(&m["document"]).unwrap();
        let r = env.moto.client().organizations(
            "UpdatePolicy",
            serde_json::json!({"PolicyId": m["policy"], "Content": content}),
        );
        assert!(r.is_success(), "{}", r.text());
    }
    schema_valid("guardrail.schema.json", &plan);
    let (r, writes) = env.writes_of(&org.args("apply", &lex, &["--target", sandbox, "--yes"]), 1);
    assert_eq!(writes, 0);
    // A failed run prints nothing on stdout; under --format json, its error object on stderr.
    assert_eq!(r.stdout, "");
    let error: Value = serde_json::from_str(r.stderr.lines().last().unwrap()).unwrap();
    assert!(
        error["error"].as_str().unwrap().contains("quota"),
        "{error:#}"
    );
}

/// The guardrail as code adopts what apply made: Terraform's import blocks name the policy and
/// each attachment (`TARGET:POLICY`); CloudFormation's policy lists its targets.
#[test]
fn export_writes_the_applied_guardrail_as_terraform_and_cloudformation() {
    let org = Org::new();
    let env = &org.env;
    let lex = org.role("Sandbox", "genesys-lex");
    let applied = json_of(&env.expect(&org.args("apply", &lex, &["--yes"]), 0));
    let id = applied["policy"]["id"].as_str().unwrap();
    let root = org.seed["root"].as_str().unwrap();
    // Without the flags: what apply chose; without the roles' flags: said, and not recorded.
    let tf = env.expect(
        &[
            "guardrail",
            "export",
            "--format",
            "terraform",
            "--genesys-org-id",
            ORG,
        ],
        0,
    );
    assert!(
        tf.stderr.contains("the roles were not read"),
        "{}",
        tf.stderr
    );
    assert!(
        tf.stdout.contains(&format!("id = \"{id}\"")),
        "{}",
        tf.stdout
    );
    assert!(
        tf.stdout.contains(&format!("\"{root}:{id}\"")),
        "{}",
        tf.stdout
    );
    assert!(tf.stdout.contains("RESOURCE_CONTROL_POLICY"));
    assert_eq!(
        support::hcl_fmt::fmt_problems(&tf.stdout),
        Vec::<String>::new()
    );
    assert!(
        !tf.stdout.contains("lambda-trust:stops"),
        "without the roles' flags the roles it stops are not recorded: {}",
        tf.stdout
    );
    for exempt in org.exempted(&lex) {
        assert!(
            tf.stdout.contains(exempt),
            "apply's exemptions: {}",
            tf.stdout
        );
    }
    // With the roles read, the tags are apply's record as stored: check after a Terraform or
    // CloudFormation apply compares as after lambda-trust's own.
    let cf = env.expect(
        &[
            "guardrail",
            "export",
            "--format",
            "cloudformation",
            "--genesys-org-id",
            ORG,
            "--assume-role",
            "lambda-trust-audit",
        ],
        0,
    );
    let template: Value = serde_json::from_str(&cf.stdout).unwrap();
    let policy = &template["Resources"]["GenesysCloudExternalIdGuardrail"];
    assert_eq!(policy["Type"], "AWS::Organizations::Policy");
    let stored = org.organizations("ListTagsForResource", serde_json::json!({"ResourceId": id}));
    let sorted = |v: &Value| {
        let mut tags: Vec<String> = (v.as_array().unwrap().iter())
            .map(|t| {
                format!(
                    "{}={}",
                    t["Key"].as_str().unwrap(),
                    t["Value"].as_str().unwrap()
                )
            })
            .collect();
        tags.sort();
        tags
    };
    // Apply's record as stored, and the export's mark: the tool it goes to applies it.
    let mut expected = sorted(&stored["Tags"]);
    expected.push("lambda-trust:exported=true".into());
    expected.sort();
    assert_eq!(sorted(&policy["Properties"]["Tags"]), expected);
    assert_eq!(policy["Properties"]["TargetIds"], serde_json::json!([root]));
    assert_eq!(
        policy["Properties"]["Content"],
        applied["policy"]["document"]
    );
    let r = env.expect(
        &[
            "guardrail",
            "plan",
            "--genesys-org-id",
            ORG,
            "--format",
            "cloudformation",
        ],
        1,
    );
    assert!(
        r.stderr.contains("only for `guardrail export`"),
        "{}",
        r.stderr
    );
}

/// `just demo-guardrail` (scripts/demo_guardrail.sh), the way docs/guardrail.md tells a user to
/// try the guardrail locally, run against the tests' local AWS with the binary under test: each
/// step exits as the script expects, and the hand edit's check names the other org's ID in the
/// request it admits.
#[test]
fn the_guardrail_demo_runs_and_its_check_names_the_request_the_hand_edit_admits() {
    let env = Env::new();
    let stdout = crate::live_trail::run_demo(&env, "scripts/demo_guardrail.sh");
    let failed = crate::live_trail::demo_step(&stdout, "7. lambda-trust", "8. lambda-trust");
    assert!(
        failed.contains("FAILED") && failed.contains("exclusivity"),
        "{failed}"
    );
    assert!(
        failed.contains("sts:ExternalId=5d2a9c41-7e3b-4f60-8a15-c0ffee123456"),
        "{failed}"
    );
    let planned = crate::live_trail::demo_step(&stdout, "2. lambda-trust", "3. lambda-trust");
    assert!(planned.contains("Roles it stops (2)"), "{planned}");
    assert!(planned.contains("Roles it does not cover (4)"), "{planned}");
    assert!(
        planned.contains("\"sts:ExternalId\": ["),
        "the policy shown: {planned}"
    );
    let checked = crate::live_trail::demo_step(&stdout, "5. lambda-trust", "6. Someone");
    assert!(checked.contains("recorded at apply"), "{checked}");
}

/// The organization watch hears the guardrail's hand edit: an Organizations `UpdatePolicy`,
/// forwarded as the management account's stack forwards it, checks the guardrail in that one
/// invocation, and files a finding in the watch's own Security Hub naming the call and who made
/// it, with the request it now lets in; the repair, heard the same way, settles it.
#[test]
fn the_organization_watch_files_a_hand_edit_of_the_guardrail_and_settles_the_repair() {
    use crate::live_org_watch::{invoke, watching_with};
    use crate::live_org_watch_sweep::{bus_with_a_listener, BUS};
    let org = Org::new();
    let lex = org.role("Sandbox", "genesys-lex");
    let env = &org.env;
    let applied = json_of(&env.expect(&org.args("apply", &lex, &["--yes"]), 0));
    let id = applied["policy"]["id"].as_str().unwrap().to_owned();
    crate::live_security_hub::enable_hub(env, ACCOUNT);
    bus_with_a_listener(env);
    let organization = org.organizations("DescribeOrganization", serde_json::json!({}));
    let organization = organization["Organization"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (api, _function) = watching_with(env, &organization, &[("LAMBDA_TRUST_BUS", BUS)]);
    let guardrail = |state: &str| -> Vec<Value> {
        (crate::live_security_hub::hub_findings(env, ACCOUNT).into_iter())
            .filter(|f| {
                f["GeneratorId"] == "lambda-trust/organization-watch/:organization/guardrail"
            })
            .filter(|f| f["RecordState"] == state && f["Workflow"]["Status"] != "RESOLVED")
            .collect()
    };
    let heard = || {
        let call = serde_json::json!({"policyId": id, "content": "…"});
        let event = support::runtime_api::cloudtrail_event(
            "organizations",
            "UpdatePolicy",
            call,
            "us-east-1",
        );
        invoke(&api, &event)
    };

    // As applied: checked, nothing filed; the call changed only the guardrail, which cannot
    // deny a request carrying your ID, so no account is swept: no sweep event is put.
    env.proxy.clear();
    let answer = heard();
    println!(
        "a guardrail-only call's invocation: {:?}",
        env.proxy.summary()
    );
    assert_eq!(env.proxy.count("PutEvents"), 0, "{:?}", env.proxy.summary());
    assert!(
        env.proxy.count("ListRoots") > 0,
        "the function's calls are counted"
    );
    assert_eq!(answer["kind"], "response", "{answer:#}");
    assert_eq!(answer["body"]["swept"], Value::Null, "{answer:#}");
    assert!(
        (answer["body"]["spared"].as_str().unwrap())
            .starts_with("UpdatePolicy changed only the guardrail"),
        "{answer:#}"
    );
    assert_eq!(
        answer["body"]["guardrail"]["policy"],
        id.as_str(),
        "{answer:#}"
    );
    assert_eq!(
        answer["body"]["guardrail"]["failed"],
        serde_json::json!([]),
        "{answer:#}"
    );
    assert_eq!(guardrail("ACTIVE"), Vec::<Value>::new());

    // The hand edit: one invocation, the finding in the watch's own hub.
    let other = org.seed["other_org_id"].as_str().unwrap();
    let mut loose = applied["policy"]["document"].clone();
    loose["Statement"][0]["Condition"]["StringNotEquals"]["sts:ExternalId"] =
        serde_json::json!([ORG, other]);
    let content = serde_json::to_string(&loose).unwrap();
    org.organizations(
        "UpdatePolicy",
        serde_json::json!({"PolicyId": id, "Content": content}),
    );
    let answer = heard();
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let failed = answer["body"]["guardrail"]["failed"].as_array().unwrap();
    assert!(
        failed[0].as_str().unwrap().starts_with("exclusivity"),
        "{answer:#}"
    );
    let filed = guardrail("ACTIVE");
    assert_eq!(filed.len(), 1, "{filed:#?}");
    assert_eq!(filed[0]["Compliance"]["Status"], "FAILED");
    assert_eq!(
        filed[0]["ProductFields"]["lambda-trust/Change"],
        "UpdatePolicy"
    );
    let alice = format!("arn:aws:iam::{ACCOUNT}:user/alice");
    assert_eq!(
        filed[0]["ProductFields"]["lambda-trust/ChangedBy"],
        alice.as_str()
    );
    assert!(
        filed[0]["Description"].as_str().unwrap().contains(other),
        "{:#}",
        filed[0]
    );

    // The repair, heard: settled.
    env.expect(&org.args("apply", &lex, &["--yes"]), 0);
    let answer = heard();
    assert_eq!(
        answer["body"]["guardrail"]["failed"],
        serde_json::json!([]),
        "{answer:#}"
    );
    assert_eq!(guardrail("ACTIVE"), Vec::<Value>::new());

    // A hand edit adding a statement on another service's requests, held to Genesys Cloud's
    // account and off your ID: it denies none of your IDs' AssumeRole, but it is not the
    // guardrail's kind (STS alone), so each role's path is re-proved: every account is swept.
    let mut wider = applied["policy"]["document"].clone();
    let mut invoke_too = wider["Statement"][0].clone();
    invoke_too["Sid"] = serde_json::json!("AlsoInvoke");
    invoke_too["Action"] = serde_json::json!("lambda:InvokeFunction");
    wider["Statement"].as_array_mut().unwrap().push(invoke_too);
    let content = serde_json::to_string(&wider).unwrap();
    org.organizations(
        "UpdatePolicy",
        serde_json::json!({"PolicyId": id, "Content": content}),
    );
    let answer = heard();
    assert_eq!(answer["body"]["spared"], Value::Null, "{answer:#}");
    assert!(
        answer["body"]["swept"]["put"].as_u64().unwrap() > 20,
        "{answer:#}"
    );

    // Applied to two OUs, detached from one by hand: the targets apply recorded say which was
    // meant, so the watch names the accounts left uncovered — without the flags.
    let (workloads, sandbox) = (
        org.seed["ous"]["Workloads"].as_str().unwrap(),
        org.seed["ous"]["Sandbox"].as_str().unwrap(),
    );
    let two = ["--target", workloads, "--target", sandbox, "--yes"];
    env.expect(&org.args("apply", &lex, &two), 0);
    org.organizations(
        "DetachPolicy",
        serde_json::json!({"PolicyId": id, "TargetId": sandbox}),
    );
    let detach = serde_json::json!({"policyId": id, "targetId": sandbox});
    let event = support::runtime_api::cloudtrail_event(
        "organizations",
        "DetachPolicy",
        detach,
        "us-east-1",
    );
    let answer = invoke(&api, &event);
    let failed = answer["body"]["guardrail"]["failed"].as_array().unwrap();
    let sandboxed = org.first("Sandbox");
    assert!(
        failed.iter().any(|f| {
            let f = f.as_str().unwrap();
            f.starts_with("coverage") && f.contains(&sandboxed)
        }),
        "{answer:#}"
    );
    assert_eq!(guardrail("ACTIVE").len(), 1);
    assert_eq!(answer["body"]["swept"], Value::Null, "{answer:#}");

    // Another policy's change is each role's own path: every account is swept.
    env.proxy.clear();
    let other = serde_json::json!({"policyId": "p-someone-elses", "targetId": sandbox});
    let event =
        support::runtime_api::cloudtrail_event("organizations", "AttachPolicy", other, "us-east-1");
    let answer = invoke(&api, &event);
    assert_eq!(answer["body"]["spared"], Value::Null, "{answer:#}");
    assert!(
        answer["body"]["swept"]["put"].as_u64().unwrap() > 20,
        "{answer:#}"
    );
    assert!(
        env.proxy.count("PutEvents") > 0,
        "{:?}",
        env.proxy.summary()
    );
}

/// Without `--genesys-org-id`, the config's environments' org IDs are the guardrail's, each
/// compared with the organization its `[genesys]` signs in to: one that differs is refused
/// before anything is written; the same ID plans.
#[test]
fn a_configs_org_id_is_compared_with_the_org_its_genesys_signs_in_to() {
    let org = Org::new();
    let env = &org.env;
    let mut text = config(&[], "");
    text.push_str(
        "\n[genesys]\nintegration = \"AWS Lambda (lambda-trust)\"\ncategory = \"Lambda\"\n",
    );
    env.write_config_only(&text);
    let plan = [
        "guardrail",
        "plan",
        "--assume-role",
        "lambda-trust-audit",
        "--format",
        "json",
    ];

    let theirs = support::genesys::GenesysFake::start_with_aws(
        &env.moto.url(),
        "5d2a9c41-7e3b-4f60-8a15-c0ffee123456",
    );
    let vars: Vec<(String, String)> = theirs.env();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let config = env.config_path();
    let args: Vec<&str> = plan
        .iter()
        .copied()
        .chain(["--config", config.to_str().unwrap()])
        .collect();
    env.proxy.clear();
    let r = env.run_env(&args, &vars);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("is not the organization its [genesys] signs in to"),
        "{}",
        r.stderr
    );
    assert_eq!(env.proxy.count_writes(), 0);

    let ours = support::genesys::GenesysFake::start();
    let vars: Vec<(String, String)> = ours.env();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = env.run_env(&args, &vars);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let planned = json_of(&r);
    assert_eq!(
        planned["policy"]["document"]["Statement"][0]["Condition"]["StringNotEquals"]
            ["sts:ExternalId"],
        serde_json::json!([EXT])
    );
}
