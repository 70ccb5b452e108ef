//! Bad input, table-driven: config files, policy templates (`--policies DIR`), command-line
//! arguments and AWS responses. Every row runs the real binary (live commands go through the
//! counting proxy in front of moto) and must give:
//! - the expected exit code (1 for errors, 3 for a verification failure or a denied simulation),
//! - one clear error message containing substrings that name the bad input,
//! - **zero write calls** on the wire (docs/exit-codes.md: "Bad input and refusals write nothing").
//!
//! A summary table is printed at the end (`--nocapture`).

use crate::support;

use support::{FaultConfig, Harness, Injection, RunOutput};

const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const ACCOUNT: &str = "123456789012";
const ROLE: &str = "GenesysLambdaInvoker";
const POLICY: &str = "GenesysLambdaInvoker-invoke";
const FN: &str = "lookup-customer";
const TRUST_TPL: &str = include_str!("../../policies/trust.json");
const INVOKE_TPL: &str = include_str!("../../policies/invoke.json");

fn base_config() -> String {
    format!(
        "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"{EXT}\"\n\n\
         [role]\nname = \"{ROLE}\"\n\n[aws]\nregion = \"us-east-1\"\n\n\
         [[targets]]\nfunction = \"{FN}\"\n"
    )
}

/// The base config with one line replaced (`from` must occur).
fn config_with(from: &str, to: &str) -> String {
    let base = base_config();
    assert!(base.contains(from), "{from:?} not in the base config");
    base.replacen(from, to, 1)
}

/// The base config with extra lines appended to the `[role]` table.
fn role_extra(extra: &str) -> String {
    config_with(
        &format!("name = \"{ROLE}\"\n"),
        &format!("name = \"{ROLE}\"\n{extra}\n"),
    )
}

/// The base config with `[genesys]` and the target's `[targets.action]` holding `lines`.
fn with_action(lines: &str) -> String {
    format!(
        "{}[targets.action]\n{lines}\n[genesys]\nintegration = \"Lambda\"\n\n",
        base_config()
    )
}

fn trust_doc(principal: &str) -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": principal}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXT}}}]})
    .to_string()
}

fn invoke_doc() -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction",
        "Resource": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{FN}")}]})
    .to_string()
}

/// Valid JSON for moto (Python accepts lone surrogates), invalid for any strict JSON parser:
/// how a malformed document reaches us from AWS's side.
fn malformed_doc() -> String {
    invoke_doc().replace(FN, "\\ud800")
}

const TAG_PARAMS: [(&str, &str); 2] = [
    ("Tags.member.1.Key", "managed-by"),
    ("Tags.member.1.Value", "lambda-trust"),
];

/// Seeds (directly in moto) our role with `trust`, tagged as ours unless `ours` is false.
fn seed_role(h: &Harness, trust: &str, ours: bool) {
    let mut params = vec![("RoleName", ROLE), ("AssumeRolePolicyDocument", trust)];
    if ours {
        params.extend_from_slice(&TAG_PARAMS);
    }
    h.moto.iam_query("CreateRole", &params);
}

/// Seeds a managed policy (ours when `name` is POLICY) and attaches it to the role.
fn seed_attached_policy(h: &Harness, name: &str, document: &str) {
    let mut params = vec![("PolicyName", name), ("PolicyDocument", document)];
    if name == POLICY {
        params.extend_from_slice(&TAG_PARAMS);
    }
    h.moto.iam_query("CreatePolicy", &params);
    let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
    h.moto.iam_query(
        "AttachRolePolicy",
        &[("RoleName", ROLE), ("PolicyArn", &arn)],
    );
}

type Seed = fn(&Harness);

struct Row {
    name: &'static str,
    category: &'static str,
    /// Files to create in the row's directory: (relative path, content).
    files: Vec<(&'static str, Vec<u8>)>,
    /// Arguments; `{dir}` is replaced by the row's directory.
    args: Vec<String>,
    /// Direct moto state before the run.
    seed: Option<Seed>,
    faults: Option<FaultConfig>,
    injections: Vec<Injection>,
    code: i32,
    /// Each must occur in stderr (or stdout, for exit 3).
    needles: Vec<String>,
}

impl Row {
    fn new(name: &'static str, category: &'static str, code: i32, needles: &[&str]) -> Row {
        Row {
            name,
            category,
            files: Vec::new(),
            args: Vec::new(),
            seed: None,
            faults: None,
            injections: Vec::new(),
            code,
            needles: needles.iter().map(|s| s.to_string()).collect(),
        }
    }
    fn file(mut self, path: &'static str, content: impl Into<Vec<u8>>) -> Row {
        self.files.push((path, content.into()));
        self
    }
    fn config(self, text: impl Into<Vec<u8>>) -> Row {
        self.file("lambda-trust.toml", text)
    }
    fn args(mut self, args: &[&str]) -> Row {
        self.args = args.iter().map(|s| s.to_string()).collect();
        self
    }
    /// `--config {dir}/lambda-trust.toml <args>`.
    fn live(self, args: &[&str]) -> Row {
        let mut all = vec!["--config", "{dir}/lambda-trust.toml"];
        all.extend_from_slice(args);
        self.args(&all)
    }
    /// Custom templates, then `apply` with them.
    fn templates(self, trust: impl Into<Vec<u8>>, invoke: impl Into<Vec<u8>>) -> Row {
        self.config(base_config())
            .file("policies/trust.json", trust)
            .file("policies/invoke.json", invoke)
            .live(&["--policies", "{dir}/policies", "apply"])
    }
    fn seed(mut self, seed: Seed) -> Row {
        self.seed = Some(seed);
        self
    }
    fn faults(mut self, faults: FaultConfig) -> Row {
        self.faults = Some(faults);
        self
    }
    fn inject(mut self, injection: Injection) -> Row {
        self.injections.push(injection);
        self
    }
}

fn rows() -> Vec<Row> {
    let long_ext = "a".repeat(1225);
    let tags51: String = (0..51)
        .map(|i| format!("t{i} = \"v\""))
        .collect::<Vec<_>>()
        .join(", ");
    let trust_tpl: serde_json::Value = serde_json::from_str(TRUST_TPL).unwrap();
    let with_trust = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = trust_tpl.clone();
        f(&mut v);
        serde_json::to_string_pretty(&v).unwrap()
    };
    let invoke_tpl: serde_json::Value = serde_json::from_str(INVOKE_TPL).unwrap();
    let with_invoke = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = invoke_tpl.clone();
        f(&mut v);
        serde_json::to_string_pretty(&v).unwrap()
    };
    let padding = format!(
        "arn:aws:lambda:us-east-1:{ACCOUNT}:function:{}",
        "x".repeat(7000)
    );

    vec![
        // ------------------------------------------------------------ config
        Row::new("truncated TOML", "config", 1, &["lambda-trust.toml:3:"])
            .config(&base_config()[..60])
            .live(&["apply", "--yes"]),
        Row::new("unknown key", "config", 1, &["unknown field `nmae`"])
            .config(role_extra("nmae = \"x\""))
            .live(&["apply", "--yes"]),
        // Issue 36's bad input: each names the key and the action (lint and plan alike).
        Row::new(
            "unknown key in a data action",
            "config",
            1,
            &[
                "targets[0].action",
                "`nmae`",
                "\"lookup-customer\"",
                "did you mean `name`?",
                "timeout_seconds",
            ],
        )
        .config(with_action("nmae = \"Lookup\"\n"))
        .live(&["apply", "--yes"]),
        Row::new(
            "unknown key in a [[genesys.actions]] action",
            "config",
            1,
            &["genesys.actions[0]", "`request_url_tmplate`", "\"Any\"", "`request_url_template`"],
        )
        .config(format!(
            "{}[[genesys.actions]]\nname = \"Any\"\nrequest_url_tmplate = \"${{input.functionArn}}\"\n",
            with_action("")
        ))
        .live(&["lint"]),
        Row::new(
            "secure action without a contract (plan)",
            "config",
            1,
            &["targets[0].action.secure", "\"Pay\"", "input_schema and output_schema"],
        )
        .config(with_action("name = \"Pay\"\nsecure = true\n"))
        .live(&["plan"]),
        Row::new(
            "secure action without a contract (lint)",
            "config",
            1,
            &["targets[0].action.secure", "\"Pay\""],
        )
        .config(with_action("name = \"Pay\"\nsecure = true\n"))
        .live(&["lint"]),
        Row::new(
            "missing external_id",
            "config",
            1,
            &["missing field `external_id`"],
        )
        .config(config_with(&format!("external_id = \"{EXT}\"\n"), ""))
        .live(&["apply", "--yes"]),
        Row::new(
            "external ID with a quote",
            "config",
            1,
            &["trust.external_id", r#"abc\"def"#],
        )
        .config(config_with(&format!("\"{EXT}\""), "'abc\"def'"))
        .live(&["apply", "--yes"]),
        Row::new(
            "external ID with a newline",
            "config",
            1,
            &["trust.external_id", r"abc\ndef"],
        )
        .config(config_with(&format!("\"{EXT}\""), r#""abc\ndef""#))
        .live(&["apply", "--yes"]),
        Row::new(
            "1-char external ID",
            "config",
            1,
            &["trust.external_id", "\"a\""],
        )
        .config(config_with(EXT, "a"))
        .live(&["apply", "--yes"]),
        Row::new(
            "1,225-char external ID",
            "config",
            1,
            &["trust.external_id", "2–1224"],
        )
        .config(config_with(EXT, &long_ext))
        .live(&["apply", "--yes"]),
        Row::new(
            "role name with a space",
            "config",
            1,
            &["role.name", "\"Genesys Invoker\""],
        )
        .config(config_with(&format!("\"{ROLE}\""), "\"Genesys Invoker\""))
        .live(&["apply", "--yes"]),
        Row::new("65-char role name", "config", 1, &["role.name", "1–64"])
            .config(config_with(
                &format!("\"{ROLE}\""),
                &format!("\"{}\"", "r".repeat(65)),
            ))
            .live(&["apply", "--yes"]),
        Row::new(
            "path without slashes",
            "config",
            1,
            &["role.path", "\"genesys\""],
        )
        .config(role_extra("path = \"genesys\""))
        .live(&["apply", "--yes"]),
        Row::new(
            "function ARN of another partition",
            "config",
            1,
            &["targets[0].function", "not in partition aws-cn"],
        )
        .config(config_with(
            &format!("\"{FN}\""),
            &format!("\"arn:aws-cn:lambda:us-east-1:{ACCOUNT}:function:{FN}\""),
        ))
        .live(&["apply", "--yes"]),
        Row::new(
            "target region contradicts its ARN",
            "config",
            1,
            &["targets[0].region", "contradicts"],
        )
        .config(config_with(
            &format!("\"{FN}\"\n"),
            &format!(
                "\"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{FN}\"\nregion = \"eu-west-1\"\n"
            ),
        ))
        .live(&["apply", "--yes"]),
        Row::new(
            "account ID of 11 digits",
            "config",
            1,
            &["aws.account_id", "\"12345678901\""],
        )
        .config(config_with(
            "region = \"us-east-1\"\n",
            "region = \"us-east-1\"\naccount_id = \"12345678901\"\n",
        ))
        .live(&["apply", "--yes"]),
        Row::new(
            "trusted account of 11 digits",
            "config",
            1,
            &["trust.account_id", "12 digits"],
        )
        .config(config_with(
            "partner = \"genesys-cloud\"",
            "account_id = \"76562898547\"",
        ))
        .live(&["apply", "--yes"]),
        Row::new(
            "both partner and account_id",
            "config",
            1,
            &["trust", "exactly one of partner and account_id"],
        )
        .config(config_with(
            "partner = \"genesys-cloud\"",
            "partner = \"genesys-cloud\"\naccount_id = \"765628985471\"",
        ))
        .live(&["apply", "--yes"]),
        Row::new(
            "the tutorials' non-Genesys account",
            "config",
            1,
            &[
                "trust.account_id",
                "691338073777",
                "not a Genesys Cloud account",
            ],
        )
        .config(config_with(
            "partner = \"genesys-cloud\"",
            "account_id = \"691338073777\"",
        ))
        .live(&["apply", "--yes"]),
        Row::new(
            "unknown partner preset",
            "config",
            1,
            &["unknown variant `genesys`"],
        )
        .config(config_with("\"genesys-cloud\"", "\"genesys\""))
        .live(&["apply", "--yes"]),
        Row::new(
            "duplicated target",
            "config",
            1,
            &["targets[1].function", "duplicates targets[0]"],
        )
        .config(format!(
            "{}\n[[targets]]\nfunction = \"{FN}\"\n",
            base_config()
        ))
        .live(&["apply", "--yes"]),
        Row::new(
            "qualifier $LATEST",
            "config",
            1,
            &["targets[0].qualifier", "$LATEST"],
        )
        .config(format!("{}qualifier = \"$LATEST\"\n", base_config()))
        .live(&["apply", "--yes"]),
        Row::new(
            "wildcard qualifier prefix",
            "config",
            1,
            &["targets[0].qualifier", "\"v*\""],
        )
        .config(format!("{}qualifier = \"v*\"\n", base_config()))
        .live(&["apply", "--yes"]),
        Row::new(
            "max_session_duration 100",
            "config",
            1,
            &["role.max_session_duration", "100", "3600–43200"],
        )
        .config(role_extra("max_session_duration = 100"))
        .live(&["apply", "--yes"]),
        Row::new("51 tags", "config", 1, &["role.tags", "51 tags", "50"])
            .config(role_extra(&format!("tags = {{ {tags51} }}")))
            .live(&["apply", "--yes"]),
        Row::new(
            "managed-by tag set by hand",
            "config",
            1,
            &["role.tags", "managed-by"],
        )
        .config(role_extra("tags = { managed-by = \"me\" }"))
        .live(&["apply", "--yes"]),
        Row::new(
            "aws: tag prefix",
            "config",
            1,
            &["role.tags", "aws: prefix"],
        )
        .config(role_extra("tags = { \"aws:team\" = \"cx\" }"))
        .live(&["apply", "--yes"]),
        Row::new(
            "permissions boundary not an ARN",
            "config",
            1,
            &["role.permissions_boundary", "\"Boundary\""],
        )
        .config(role_extra("permissions_boundary = \"Boundary\""))
        .live(&["apply", "--yes"]),
        Row::new(
            "1,001-char description",
            "config",
            1,
            &["role.description", "1001"],
        )
        .config(role_extra(&format!(
            "description = \"{}\"",
            "d".repeat(1001)
        )))
        .live(&["apply", "--yes"]),
        Row::new(
            "policy name with a space",
            "config",
            1,
            &["policy.name", "\"my policy\""],
        )
        .config(format!(
            "{}\n[policy]\nname = \"my policy\"\n",
            base_config()
        ))
        .live(&["apply", "--yes"]),
        Row::new(
            "bare function name, no region",
            "config",
            1,
            &["targets[0].function", "no region is known"],
        )
        .config(config_with("[aws]\nregion = \"us-east-1\"\n", ""))
        .live(&["apply", "--yes"]),
        Row::new(
            "missing config file",
            "config",
            1,
            &["nope.toml", "not found"],
        )
        .args(&["--config", "{dir}/nope.toml", "apply"]),
        Row::new(
            "config not UTF-8",
            "config",
            1,
            &["lambda-trust.toml", "not valid UTF-8"],
        )
        .config(b"[trust]\nexternal_id = \"\xff\xfe\"\n".to_vec())
        .live(&["apply", "--yes"]),
        // ------------------------------------------------------------ templates
        Row::new(
            "template drops the ExternalId condition",
            "template",
            1,
            &["trust.json", "external_id"],
        )
        .templates(
            with_trust(&|v| {
                v["Statement"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("Condition");
            }),
            INVOKE_TPL,
        ),
        Row::new(
            "external ID under another condition key",
            "template",
            1,
            &["sts:ExternalId", "--allow-weaker"],
        )
        .templates(
            with_trust(&|v| {
                v["Statement"][0]["Condition"] = serde_json::json!(
                        {"StringEquals": {"aws:PrincipalTag/org": "{{external_id}}"}});
            }),
            INVOKE_TPL,
        ),
        Row::new(
            "template with \"Principal\": \"*\"",
            "template",
            1,
            &["trust.json", "partner_principal"],
        )
        .templates(
            with_trust(&|v| v["Statement"][0]["Principal"] = "*".into()),
            INVOKE_TPL,
        ),
        Row::new(
            "template adds \"*\" to the principals",
            "template",
            1,
            &["\"*\"", "--allow-weaker"],
        )
        .templates(
            with_trust(&|v| {
                v["Statement"][0]["Principal"]["AWS"] =
                    serde_json::json!(["{{partner_principal}}", "*"]);
            }),
            INVOKE_TPL,
        ),
        Row::new("template with a BOM", "template", 1, &["trust.json", "BOM"])
            .templates(format!("\u{feff}{TRUST_TPL}"), INVOKE_TPL),
        Row::new(
            "template not JSON",
            "template",
            1,
            &["invoke.json:", "invalid JSON"],
        )
        .templates(TRUST_TPL, &INVOKE_TPL[..40]),
        Row::new(
            "unknown placeholder",
            "template",
            1,
            &["trust.json", "{{org_id}}"],
        )
        .templates(
            TRUST_TPL.replace("{{external_id}}", "{{org_id}}"),
            INVOKE_TPL,
        ),
        Row::new(
            "placeholder in a key",
            "template",
            1,
            &["invoke.json", "object key"],
        )
        .templates(
            TRUST_TPL,
            with_invoke(&|v| {
                v["Statement"][0]["{{role_name}}"] = "x".into();
            }),
        ),
        Row::new(
            "function_arns inside a string",
            "template",
            1,
            &["invoke.json", "{{function_arns}}"],
        )
        .templates(
            TRUST_TPL,
            INVOKE_TPL.replace("\"{{function_arns}}\"", "\"arn:{{function_arns}}\""),
        ),
        Row::new(
            "invoke template allows lambda:*",
            "template",
            1,
            &["lambda:*", "--allow-weaker"],
        )
        .templates(
            TRUST_TPL,
            with_invoke(&|v| v["Statement"][0]["Action"] = "lambda:*".into()),
        ),
        Row::new(
            "invoke template adds Resource \"*\"",
            "template",
            1,
            &["\"*\"", "--allow-weaker"],
        )
        .templates(
            TRUST_TPL,
            with_invoke(&|v| {
                v["Statement"][0]["Resource"] = serde_json::json!(["{{function_arns}}", "*"]);
            }),
        ),
        Row::new(
            "7,000-char invoke policy",
            "template",
            1,
            &["6144", "invoke"],
        )
        .templates(
            TRUST_TPL,
            with_invoke(&|v| {
                v["Statement"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!({
                        "Sid": "Padding", "Effect": "Deny",
                        "Action": "lambda:InvokeFunction", "Resource": padding.clone()}));
            }),
        ),
        Row::new(
            "invoke template with a misspelt element",
            "template",
            1,
            &["Condtion", "not a valid IAM policy"],
        )
        .templates(
            TRUST_TPL,
            with_invoke(&|v| v["Statement"][0]["Condtion"] = serde_json::json!({})),
        ),
        Row::new(
            "invoke template with Effect \"allow\"",
            "template",
            1,
            &["allow"],
        )
        .templates(
            TRUST_TPL,
            with_invoke(&|v| v["Statement"][0]["Effect"] = "allow".into()),
        ),
        Row::new(
            "trust template with Version 2012-10-18",
            "template",
            1,
            &["2012-10-18", "not a valid IAM policy"],
        )
        .templates(
            with_trust(&|v| v["Version"] = "2012-10-18".into()),
            INVOKE_TPL,
        ),
        Row::new(
            "template file missing",
            "template",
            1,
            &["invoke.json", "not found"],
        )
        .config(base_config())
        .file("policies/trust.json", TRUST_TPL)
        .live(&["--policies", "{dir}/policies", "apply"]),
        Row::new(
            "--policies DIR missing",
            "template",
            1,
            &["nowhere", "trust.json", "not found"],
        )
        .config(base_config())
        .live(&["--policies", "{dir}/nowhere", "apply"]),
        // ------------------------------------------------------------ command line
        Row::new("--format xml", "cli", 1, &["'xml'", "--format"])
            .config(base_config())
            .live(&["--format", "xml", "plan"]),
        Row::new("--max-attempts 0", "cli", 1, &["'0'", "--max-attempts"])
            .config(base_config())
            .live(&["--max-attempts", "0", "apply"]),
        Row::new("misspelt command", "cli", 1, &["'aply'"])
            .config(base_config())
            .live(&["aply"]),
        Row::new("verify --wait soon", "cli", 1, &["'soon'", "--wait"])
            .config(base_config())
            .live(&["verify", "--wait", "soon"]),
        Row::new(
            "simulate: missing policy file",
            "cli",
            1,
            &["cannot read policy file", "missing.json"],
        )
        .args(&[
            "simulate",
            "--trust-policy",
            "{dir}/missing.json",
            "--principal",
            "arn:aws:iam::765628985471:root",
            "--action",
            "sts:AssumeRole",
            "--resource",
            "arn:aws:iam::123456789012:role/R",
        ]),
        Row::new(
            "simulate: not a policy",
            "cli",
            1,
            &["not-a-policy.json", "not a valid IAM policy"],
        )
        .file("not-a-policy.json", r#"{"Statement": "everything"}"#)
        .args(&[
            "simulate",
            "--policy",
            "{dir}/not-a-policy.json",
            "--principal",
            "arn:aws:iam::765628985471:root",
            "--action",
            "lambda:InvokeFunction",
            "--resource",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
        ]),
        Row::new(
            "simulate: --context without =",
            "cli",
            1,
            &["sts:ExternalId", "KEY=VALUE"],
        )
        .file("trust.json", trust_doc("arn:aws:iam::765628985471:root"))
        .args(&[
            "simulate",
            "--trust-policy",
            "{dir}/trust.json",
            "--principal",
            "arn:aws:iam::765628985471:root",
            "--action",
            "sts:AssumeRole",
            "--resource",
            "arn:aws:iam::123456789012:role/R",
            "--context",
            "sts:ExternalId",
        ]),
        Row::new(
            "simulate: empty principal",
            "cli",
            1,
            &["principal", "--principal"],
        )
        .file("trust.json", trust_doc("arn:aws:iam::765628985471:root"))
        .args(&[
            "simulate",
            "--trust-policy",
            "{dir}/trust.json",
            "--principal",
            " ",
            "--action",
            "sts:AssumeRole",
            "--resource",
            "arn:aws:iam::123456789012:role/R",
        ]),
        Row::new(
            "simulate: no policy at all",
            "cli",
            1,
            &["no policy to evaluate"],
        )
        .args(&[
            "simulate",
            "--principal",
            "arn:aws:iam::765628985471:root",
            "--action",
            "sts:AssumeRole",
            "--resource",
            "arn:aws:iam::123456789012:role/R",
        ]),
        Row::new(
            "simulate: wrong external ID is denied",
            "cli",
            3,
            &["ImplicitDeny"],
        )
        .file("trust.json", trust_doc("arn:aws:iam::765628985471:root"))
        .args(&[
            "simulate",
            "--trust-policy",
            "{dir}/trust.json",
            "--principal",
            "arn:aws:iam::765628985471:root",
            "--action",
            "sts:AssumeRole",
            "--resource",
            "arn:aws:iam::123456789012:role/R",
            "--context",
            "sts:ExternalId=someone-else",
        ]),
        // ------------------------------------------------------------ AWS responses
        Row::new(
            "GetRole: trust policy not JSON",
            "aws",
            1,
            &["role GenesysLambdaInvoker (trust policy)", "not valid"],
        )
        .config(base_config())
        .live(&["apply", "--yes"])
        .seed(|h| seed_role(h, "not json", true)),
        Row::new(
            "GetRole: trust policy not JSON, AWS-encoded",
            "aws",
            1,
            &["role GenesysLambdaInvoker (trust policy)", "not valid"],
        )
        .config(base_config())
        .live(&["plan"])
        .seed(|h| seed_role(h, "{\"Version\": \"2012-10-17\", \"Statement\": [", true))
        .faults(FaultConfig {
            url_encode_documents: true,
            ..Default::default()
        }),
        Row::new(
            "GetPolicyVersion: our policy malformed",
            "aws",
            1,
            &["GenesysLambdaInvoker-invoke version v1", "not valid"],
        )
        .config(base_config())
        .live(&["apply", "--yes"])
        .seed(|h| {
            seed_role(h, &trust_doc("arn:aws:iam::765628985471:root"), true);
            seed_attached_policy(h, POLICY, &malformed_doc());
        }),
        Row::new(
            "GetPolicyVersion: malformed, AWS-encoded",
            "aws",
            1,
            &["GenesysLambdaInvoker-invoke version v1", "not valid"],
        )
        .config(base_config())
        .live(&["verify"])
        .seed(|h| {
            seed_role(h, &trust_doc("arn:aws:iam::765628985471:root"), true);
            seed_attached_policy(h, POLICY, &malformed_doc());
        })
        .faults(FaultConfig {
            url_encode_documents: true,
            ..Default::default()
        }),
        Row::new(
            "GetPolicyVersion: attached foreign policy malformed",
            "aws",
            1,
            &["policy/someone-elses-policy", "not valid"],
        )
        .config(base_config())
        .live(&["apply", "--yes"])
        .seed(|h| {
            seed_role(h, &trust_doc("arn:aws:iam::765628985471:root"), true);
            seed_attached_policy(h, "someone-elses-policy", &malformed_doc());
        }),
        Row::new(
            "GetRolePolicy: inline policy malformed",
            "aws",
            1,
            &[
                "inline policy stray of role GenesysLambdaInvoker",
                "not valid",
            ],
        )
        .config(base_config())
        .live(&["apply", "--yes"])
        .seed(|h| {
            seed_role(h, &trust_doc("arn:aws:iam::765628985471:root"), true);
            h.moto.iam_query(
                "PutRolePolicy",
                &[
                    ("RoleName", ROLE),
                    ("PolicyName", "stray"),
                    ("PolicyDocument", &malformed_doc()),
                ],
            );
        }),
        Row::new(
            "role exists but is not ours",
            "aws",
            1,
            &[
                "role GenesysLambdaInvoker",
                "not created by lambda-trust",
                "--adopt",
            ],
        )
        .config(base_config())
        .live(&["apply", "--yes"])
        .seed(|h| seed_role(h, &trust_doc("arn:aws:iam::765628985471:root"), false)),
        Row::new(
            "target function does not exist",
            "aws",
            1,
            &["function does-not-exist does not exist in us-east-1"],
        )
        .config(config_with(&format!("\"{FN}\""), "\"does-not-exist\""))
        .live(&["apply", "--yes"]),
        Row::new(
            "credentials for another account",
            "aws",
            1,
            &["111122223333", ACCOUNT],
        )
        .config(config_with(
            "region = \"us-east-1\"\n",
            "region = \"us-east-1\"\naccount_id = \"111122223333\"\n",
        ))
        .live(&["apply", "--yes"]),
        Row::new("live trust policy trusts everyone", "aws", 3, &["FAIL"])
            .config(base_config())
            .live(&["verify"])
            .seed(|h| {
                seed_role(h, &trust_doc("*"), true);
                seed_attached_policy(h, POLICY, &invoke_doc());
            }),
        Row::new("nothing deployed yet", "aws", 3, &["FAIL", ROLE])
            .config(base_config())
            .live(&["verify"]),
        Row::new(
            "GetCallerIdentity: AccessDenied",
            "aws",
            1,
            &[
                "sts:GetCallerIdentity",
                "AccessDenied",
                "lack this IAM/Lambda permission",
            ],
        )
        .config(base_config())
        .live(&["apply", "--yes"])
        .inject(
            Injection::new(
                "sts:GetCallerIdentity",
                403,
                "AccessDenied",
                "User is not authorized to perform: sts:GetCallerIdentity",
            )
            .always(),
        ),
        Row::new(
            "GetCallerIdentity: expired token",
            "aws",
            1,
            &[
                "sts:GetCallerIdentity",
                "ExpiredToken",
                "refresh your credentials",
            ],
        )
        .config(base_config())
        .live(&["apply", "--yes"])
        .inject(
            Injection::new(
                "sts:GetCallerIdentity",
                403,
                "ExpiredToken",
                "The security token included in the request is expired",
            )
            .always(),
        ),
        Row::new(
            "GetFunction: AccessDenied",
            "aws",
            1,
            &["access denied reading function lookup-customer"],
        )
        .config(base_config())
        .live(&["apply", "--yes"])
        .inject(
            Injection::new(
                "lambda:GetFunction",
                403,
                "AccessDeniedException",
                "not authorized to perform: lambda:GetFunction",
            )
            .always(),
        ),
        Row::new(
            "GetRole: HTTP 500 on every attempt",
            "aws",
            1,
            &["iam:GetRole", "ServiceFailure", "--max-attempts"],
        )
        .config(base_config())
        .live(&["--max-attempts", "2", "apply"])
        .inject(
            Injection::new(
                "iam:GetRole",
                500,
                "ServiceFailure",
                "Internal failure (injected)",
            )
            .always(),
        ),
    ]
}

struct Outcome {
    name: &'static str,
    category: &'static str,
    expected: i32,
    code: Option<i32>,
    writes: usize,
    problems: Vec<String>,
}

/// A sentence-sized piece of the message that occurs twice, if any.
fn repeated_segment(stderr: &str) -> Option<String> {
    let segments: Vec<&str> = stderr
        .split(['\n', ':', '(', ')'])
        .map(str::trim)
        .filter(|s| s.len() >= 25)
        .collect();
    segments
        .iter()
        .enumerate()
        .find(|(i, s)| segments[i + 1..].contains(s))
        .map(|(_, s)| s.to_string())
}

fn check(row: &Row, out: &RunOutput, writes: usize, calls: usize) -> Vec<String> {
    let mut problems = Vec::new();
    if out.code != Some(row.code) {
        problems.push(format!("exit {:?}, expected {}", out.code, row.code));
    }
    let text = if row.code == 3 {
        format!("{}{}", out.stdout, out.stderr)
    } else {
        out.stderr.clone()
    };
    for n in &row.needles {
        if !text.contains(n.as_str()) {
            problems.push(format!("message lacks {n:?}"));
        }
    }
    if row.code == 1 {
        let errors = out
            .stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count();
        if errors != 1 {
            problems.push(format!("{errors} `error:` lines, expected exactly one"));
        }
    }
    // Message quality: no repeated text (an error printed once in its own message and again
    // as its cause).
    if let Some(rep) = repeated_segment(&out.stderr) {
        problems.push(format!("message repeats {rep:?}"));
    }
    if out.stderr.contains("panicked") {
        problems.push("panicked".into());
    }
    if writes > 0 {
        problems.push(format!("{writes} write call(s)"));
    }
    if matches!(row.category, "cli") && row.args.iter().all(|a| a != "--config") && calls > 0 {
        problems.push(format!("{calls} AWS call(s) for an offline command"));
    }
    problems
}

#[test]
fn bad_inputs_fail_clearly_without_writing() {
    let h = Harness::start();
    let root = tempfile::tempdir().expect("tempdir");
    let rows = rows();
    assert!(rows.len() >= 30, "only {} rows", rows.len());
    let mut dirty = true;
    let mut outcomes = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        // Fresh AWS state only when a previous row seeded some (failed runs write nothing).
        h.proxy.clear_faults();
        if dirty || row.seed.is_some() {
            h.moto.reset();
            h.moto.lambda_create_function(FN, "us-east-1");
            dirty = false;
        }
        if let Some(seed) = row.seed {
            seed(&h);
            dirty = true;
        }
        let dir = root.path().join(format!("row{i:02}"));
        crate::support::write_files(&dir, &row.files);
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(f) = &row.faults {
            h.proxy.set_faults(f.clone());
        }
        for inj in &row.injections {
            h.proxy.inject(inj.clone());
        }
        h.proxy.clear();
        let args: Vec<String> = row
            .args
            .iter()
            .map(|a| a.replace("{dir}", &dir.display().to_string()))
            .collect();
        let out = h.cmd().args(&args).current_dir(&dir).run();
        let writes = h.proxy.count_writes();
        dirty |= writes > 0;
        let calls = h.proxy.calls().len();
        let problems = check(row, &out, writes, calls);
        if !problems.is_empty() || std::env::var_os("BAD_INPUT_SHOW").is_some() {
            eprintln!(
                "--- row {i} {:?}: {}\n{}",
                row.name,
                problems.join("; "),
                out.stderr
            );
        }
        outcomes.push(Outcome {
            name: row.name,
            category: row.category,
            expected: row.code,
            code: out.code,
            writes,
            problems,
        });
    }

    println!(
        "\n{:<3} {:<9} {:<52} {:>4} {:>4} {:>6}  result",
        "#", "category", "input", "want", "got", "writes"
    );
    for (i, o) in outcomes.iter().enumerate() {
        println!(
            "{:<3} {:<9} {:<52} {:>4} {:>4} {:>6}  {}",
            i,
            o.category,
            o.name,
            o.expected,
            o.code.map_or("-".into(), |c| c.to_string()),
            o.writes,
            if o.problems.is_empty() {
                "ok".to_string()
            } else {
                format!("FAIL: {}", o.problems.join("; "))
            }
        );
    }
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.problems.is_empty())
        .map(|o| format!("{}: {}", o.name, o.problems.join("; ")))
        .collect();
    println!("{} rows, {} failed", outcomes.len(), failed.len());
    assert!(failed.is_empty(), "failing rows:\n{}", failed.join("\n"));
}
