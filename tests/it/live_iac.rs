//! The differential test of `audit --template` against deployment: each CloudFormation fixture
//! is created as a stack on moto (`cloudformation:CreateStack`, `scripts/deploy_stack.py`),
//! the live `audit` reads the account, and the template audit of the same file must report the
//! same roles with the same codes, external-ID sets and invokable functions. Where the template
//! audit says "unknown" (a value known only at deployment), the live audit may be more precise;
//! never the other way round.

use crate::support;
use strum::IntoEnumIterator;

use std::collections::BTreeMap;

use lambda_trust_model::PathCode;
use serde_json::Value;
use support::live::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/iac");

/// One fixture and how it is deployed.
struct Fixture {
    file: &'static str,
    /// Parameters given to both the stack and the template audit.
    params: &'static [(&'static str, &'static str)],
    /// Parameters given to the stack only: the template audit leaves them unknown.
    withheld: &'static [(&'static str, &'static str)],
    /// `ManagedPolicyArns` entries (role, policy logical IDs) moto does not attach.
    attach: &'static [(&'static str, &'static str)],
    /// A stack deployed first (its exports are imported).
    before: Option<&'static str>,
}

/// Creates the stack on moto; returns logical ID → physical ID.
fn deploy(
    env: &Env,
    stack: &str,
    file: &str,
    args: &[String],
) -> Result<BTreeMap<String, String>, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/deploy_stack.py");
    let (url, fixture) = (env.moto.url(), format!("{FIXTURES}/{file}"));
    let mut argv = vec![script, url.as_str(), stack, fixture.as_str()];
    argv.extend(args.iter().map(String::as_str));
    let out = crate::support::moto_forks::python(&argv);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(serde_json::from_slice(&out.stdout).expect("resources as JSON"))
}

/// What the comparison looks at, per role.
#[derive(Debug, Clone, PartialEq)]
struct Claims {
    codes: Vec<String>,
    ids: (String, Vec<String>),
    invokable: Vec<String>,
    /// The template audit said the trust policy / the permissions hold an unknown value.
    trust_unknown: bool,
    access_unknown: bool,
}

fn claims(report: &Value) -> BTreeMap<String, Claims> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    report["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let findings = r["findings"].as_array().unwrap();
            let said = |code: &str, text: &str| {
                findings
                    .iter()
                    .any(|f| f["code"] == code && f["message"].as_str().unwrap().contains(text))
            };
            // The whole path's codes depend on what each side reads (the template's Lambda
            // permissions; the account's functions and organization): live_audit_path.rs.
            let mut codes: Vec<String> = (findings.iter())
                .map(|f| f["code"].as_str().unwrap().to_owned())
                .filter(|c| !PathCode::iter().any(|p| p.to_string() == *c))
                .collect();
            codes.sort();
            let claims = Claims {
                codes,
                ids: (
                    r["external_ids"]["kind"].as_str().unwrap().to_owned(),
                    strings(&r["external_ids"]["values"]),
                ),
                invokable: strings(&r["invokable"]),
                trust_unknown: said("external-id-unproved", "unknown before deployment"),
                access_unknown: said("beyond-invoke", "unknown before deployment"),
            };
            (r["role"].as_str().unwrap().to_owned(), claims)
        })
        .collect()
}

/// The trust policy's codes: an unknown value there (widened) gives the weaker of them.
const TRUST_CODES: [&str; 4] = [
    "no-external-id",
    "external-id-pattern",
    "external-id-unproved",
    "other-principals",
];
const ACCESS_CODES: [&str; 3] = ["beyond-invoke", "all-functions", "latent-version"];

/// The template's claims agree with the live ones, or are weaker where a value was unknown.
fn agree(role: &str, template: &Claims, live: &Claims) {
    let keep = |c: &Claims| -> Vec<String> {
        c.codes
            .iter()
            .filter(|code| !(template.trust_unknown && TRUST_CODES.contains(&code.as_str())))
            .filter(|code| !(template.access_unknown && ACCESS_CODES.contains(&code.as_str())))
            .cloned()
            .collect()
    };
    assert_eq!(
        keep(template),
        keep(live),
        "{role}: codes\ntemplate {template:?}\nlive {live:?}"
    );
    if template.trust_unknown {
        assert_eq!(
            template.ids.0, "any",
            "{role}: an unknown trust is never narrower than any"
        );
    } else {
        assert_eq!(template.ids, live.ids, "{role}: external IDs");
    }
    if template.access_unknown {
        assert!(
            template.codes.contains(&"beyond-invoke".to_owned()),
            "{role}"
        );
    } else {
        assert_eq!(
            template.invokable, live.invokable,
            "{role}: invokable functions"
        );
    }
}

fn audit_json(env: &Env, extra: &[String]) -> Value {
    let mut args: Vec<String> = ["audit", "--partner", "genesys-cloud", "--format", "json"]
        .map(str::to_owned)
        .to_vec();
    args.extend_from_slice(extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = env.run_raw(&args);
    assert!(
        r.code == 0 || r.code == 2,
        "{:?} exited {}: {}",
        args,
        r.code,
        r.stderr
    );
    json_of(&r)
}

fn differential(f: &Fixture) -> usize {
    let env = Env::new();
    if let Some(before) = f.before {
        deploy(&env, "exports", before, &[]).expect("the exporting stack deploys");
    }
    let pair = |(k, v): &(&str, &str)| format!("{k}={v}");
    let mut args: Vec<String> = f.params.iter().chain(f.withheld).map(pair).collect();
    for (role, policy) in f.attach {
        args.extend(["--attach".to_owned(), format!("{role}={policy}")]);
    }
    let resources = deploy(&env, "fixture", f.file, &args)
        .unwrap_or_else(|e| panic!("{}: moto could not deploy it: {e}", f.file));
    let live = claims(&audit_json(&env, &[]));

    let mut extra = vec![
        "--template".to_owned(),
        format!("{FIXTURES}/{}", f.file),
        "--account-id".to_owned(),
        ACCOUNT.to_owned(),
        "--region".to_owned(),
        "us-east-1".to_owned(),
    ];
    for p in f.params {
        extra.extend(["--parameter".to_owned(), pair(p)]);
    }
    // A role without RoleName is named by its logical ID in the template's report.
    let template: BTreeMap<String, Claims> = claims(&audit_json(&env, &extra))
        .into_iter()
        .map(|(role, c)| (resources.get(&role).cloned().unwrap_or(role), c))
        .collect();
    assert_eq!(
        template.keys().collect::<Vec<_>>(),
        live.keys().collect::<Vec<_>>(),
        "{}: the same roles are reported",
        f.file
    );
    for (role, t) in &template {
        agree(role, t, &live[role]);
    }
    template.len()
}

#[test]
fn yaml_short_forms_parameters_conditions() {
    let f = Fixture {
        file: "genesys-role.yaml",
        params: &[],
        withheld: &[],
        attach: &[("WildcardRole", "InvokeAll")],
        before: None,
    };
    assert_eq!(differential(&f), 2);
    // The other branch of the IsProd condition.
    let f = Fixture {
        params: &[("Stage", "test")],
        ..f
    };
    assert_eq!(differential(&f), 2);
}

#[test]
fn cdk_synthesized_json() {
    let f = Fixture {
        file: "cdk-genesys.template.json",
        params: &[],
        withheld: &[],
        attach: &[],
        before: None,
    };
    assert_eq!(differential(&f), 1);
}

#[test]
fn values_known_only_at_deployment() {
    let f = Fixture {
        file: "deployable-unknowns.yaml",
        params: &[],
        withheld: &[
            ("PartnerAccount", "765628985471"),
            ("ExternalId", "abc-123"),
            ("UseGuard", "yes"),
        ],
        attach: &[],
        before: Some("exports.yaml"),
    };
    assert_eq!(differential(&f), 3);
}

/// `unknown-values.yaml` is audited in memory (crates/audit/tests/iac_template.rs) but cannot be deployed
/// on moto: its `Handler` is an `AWS::Serverless::Function`, which needs the SAM transform
/// (`Transform: AWS::Serverless-2016-10-31`) that moto does not run, so `!GetAtt Handler.Arn`
/// refers to nothing there. `deployable-unknowns.yaml` covers the same kinds of unknown values
/// with resources moto creates. This test fails if moto starts deploying it, so the fixture
/// then joins the differential tests.
#[test]
fn unknown_values_fixture_is_not_deployable_on_moto() {
    let env = Env::new();
    let args = [
        "PartnerAccount=765628985471",
        "ExternalId=x",
        "UseBoundary=no",
    ]
    .map(str::to_owned);
    let err = deploy(&env, "fixture", "unknown-values.yaml", &args)
        .expect_err("moto does not run the SAM transform");
    assert!(err.contains("Handler"), "{err}");
}
