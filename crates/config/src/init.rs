//! The text `lambda-trust init` writes (`config` layer, pure): a commented
//! `lambda-trust.toml` from a few answers, and the per-field checks the interactive prompts run
//! as the user types — the config's own validation, applied to one field at a time.

use super::model::{
    AwsConfig, Config, Partner, PolicyConfig, RoleConfig, TargetConfig, TrustConfig,
    GENESYS_CLOUD_ACCOUNT,
};
use super::rules::ORG_ID_WHERE;
use super::validate::validate;

/// The role name `init` proposes.
pub const DEFAULT_ROLE_NAME: &str = "GenesysLambdaInvoker";

/// What `init` needs to write a config.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InitAnswers {
    /// The Genesys Cloud organization ID.
    pub external_id: String,
    /// The IAM role's name.
    pub role_name: String,
    /// `[aws].region`: the SDK region and the region of bare function names.
    pub region: String,
    /// The Genesys Cloud region (an AWS region name such as `eu-west-1`), for `[genesys]`.
    pub genesys_region: Option<String>,
    /// `[[targets]]` entries: bare names or function ARNs.
    pub targets: Vec<String>,
    /// Functions listed from the account but not chosen: written as commented-out entries.
    pub other_functions: Vec<String>,
    /// `[aws].account_id`: given, or the account the functions were listed in. Needed for bare
    /// function names to resolve offline (`lint`, `render`, `prove`).
    pub account_id: Option<String>,
}

/// The deployment name `init` writes: the role name in lower case, each character a
/// deployment name cannot hold (`super::is_deployment`) as `-`.
pub fn deployment_name(role_name: &str) -> String {
    let name: String = (role_name.chars().take(64))
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '.' | '_' | '-') => c,
            _ => '-',
        })
        .collect();
    let name = name.trim_start_matches(['.', '_', '-']);
    if name.is_empty() {
        "lambda-trust".to_string()
    } else {
        name.to_string()
    }
}

/// TOML string literal (quoted and escaped).
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The commented config file for `answers`.
pub fn init_text(a: &InitAnswers) -> String {
    let mut out = format!(
        "# lambda-trust.toml: the IAM role that lets Genesys Cloud invoke your AWS Lambda functions.
# Written by `lambda-trust init`. Check it offline with `lambda-trust lint`, then run
# `lambda-trust plan` and `lambda-trust apply`. Every key is explained in
# docs/configuration.md and in examples/lambda-trust.toml.

# This deployment's own name: everything lambda-trust creates for this file carries it, so
# another config in the same AWS account or Genesys Cloud organization is never taken for this
# one. Keep it when you rename the role; give a copy of this file a name of its own.
deployment = {}

[trust]
# Genesys Cloud's production account {GENESYS_CLOUD_ACCOUNT} (core and satellite regions).
partner = \"genesys-cloud\"
# Your Genesys Cloud organization ID, required as sts:ExternalId: no other Genesys Cloud
# organization can use the role. Find it in Genesys Cloud under
# {ORG_ID_WHERE}.
external_id = {}

[role]
# 1–64 of [A-Za-z0-9_+=,.@-]
name = {}
# Optional:
# description = \"Lets Genesys Cloud data actions invoke our Lambda functions\"
# tags = {{ team = \"cx\" }}   # managed-by = lambda-trust is added by the tool

[aws]
# The SDK's region, and the region of bare function names.
region = {}
",
        quote(&deployment_name(&a.role_name)),
        quote(&a.external_id),
        quote(&a.role_name),
        quote(&a.region),
    );
    out.push_str(&account_line(a.account_id.as_deref()));
    out.push_str(&genesys_section(a.genesys_region.as_deref()));
    out.push_str(&targets_section(&a.targets, &a.other_functions));
    out
}

fn account_line(account: Option<&str>) -> String {
    let comment =
        "# The role's account: live commands refuse any other, offline ones resolve bare\n\
                   # function names with it.\n";
    match account {
        Some(a) => format!("{comment}account_id = {}\n", quote(a)),
        None => format!("{comment}# account_id = \"111122223333\"\n"),
    }
}

/// `[genesys]` when a Genesys Cloud region was given: the Genesys half of the pipeline (the
/// integration, its credential, one data action per target) with the default integration name.
/// The integration name `init` writes.
const DEFAULT_INTEGRATION: &str = "AWS Lambda (lambda-trust)";

fn genesys_section(region: Option<&str>) -> String {
    let Some(region) = region else {
        return String::new();
    };
    format!(
        "
# Genesys Cloud: the integration, its credential (the role ARN) and one data action per target.
# Sign-in: GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET (an OAuth client with
# the client-credentials grant), or oauth_secret = \"<a Secrets Manager secret ARN>\" below.
[genesys]
region = {}             # `lambda-trust genesys regions` lists them
integration = {}
",
        quote(region),
        quote(DEFAULT_INTEGRATION)
    )
}

fn targets_section(targets: &[String], others: &[String]) -> String {
    let mut out = String::from(
        "
# The functions Genesys Cloud may invoke: a bare name (in [aws].region) or a function ARN.
# Per target: region = \"…\" for a bare name elsewhere, qualifier = \"live\" for an alias.
",
    );
    if targets.is_empty() {
        out.push_str(
            "# None yet: add them with `lambda-trust onboard NAME`, or uncomment an entry below.\n",
        );
    }
    for t in targets {
        out.push_str(&format!("\n[[targets]]\nfunction = {}\n", quote(t)));
    }
    if !others.is_empty() {
        out.push_str("\n# Other functions in the account (uncomment to grant one):\n");
        for f in others {
            out.push_str(&format!("# [[targets]]\n# function = {}\n", quote(f)));
        }
    }
    out
}

/// A config that passes validation, for checking one field at a time.
fn baseline() -> Config {
    Config {
        deployment: None,
        managed_by: None,
        trust: TrustConfig {
            partner: Some(Partner::GenesysCloud),
            account_id: None,
            external_id: "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10".to_string(),
        },
        role: RoleConfig {
            name: DEFAULT_ROLE_NAME.to_string(),
            path: None,
            description: None,
            max_session_duration: None,
            permissions_boundary: None,
            tags: Default::default(),
        },
        policy: PolicyConfig::default(),
        aws: AwsConfig {
            region: Some("us-east-1".to_string()),
            ..AwsConfig::default()
        },
        targets: Vec::new(),
        genesys: None,
        watch: None,
    }
}

/// The problems the config's validation reports for `field` (and its sub-fields) once `set`
/// has put the user's value into an otherwise valid config; `Err` carries them with hints.
fn check_field(field: &str, set: impl FnOnce(&mut Config)) -> Result<(), String> {
    let mut config = baseline();
    set(&mut config);
    let Err(e) = validate(&config, "input") else {
        return Ok(());
    };
    let messages: Vec<String> = e
        .problems()
        .iter()
        .filter(|p| p.field == field || p.field.starts_with(&format!("{field}.")))
        .map(|p| match &p.hint {
            Some(h) => format!("{} ({h})", p.message),
            None => p.message.clone(),
        })
        .collect();
    if messages.is_empty() {
        Ok(())
    } else {
        Err(messages.join("; "))
    }
}

/// A value `init` was given (a flag or a prompt's answer), as typed, to check against the
/// config's rules before anything is written.
#[derive(Debug, Clone, Copy)]
pub enum InitValue<'a> {
    /// `trust.external_id`.
    ExternalId(&'a str),
    /// `role.name`.
    RoleName(&'a str),
    /// `aws.account_id`.
    AccountId(&'a str),
    /// `aws.region` (also the Genesys region's AWS region name).
    Region(&'a str),
    /// A Genesys Cloud region name from the region table (`lambda-trust genesys regions`).
    GenesysRegion(&'a str),
    /// The environment `init --env NAME` writes (`[environments.NAME]`).
    Environment(&'a str),
    /// One target's `function` (a bare name resolves in `region`).
    Function {
        /// The name or ARN.
        function: &'a str,
        /// The role's region.
        region: &'a str,
    },
}

impl InitValue<'_> {
    /// The rules' complaints about the value, joined; `Ok` when it may be written.
    pub fn check(self) -> Result<(), String> {
        match self {
            InitValue::ExternalId(v) => {
                check_field("trust.external_id", |c| c.trust.external_id = v.to_string())
            }
            InitValue::RoleName(v) => check_field("role.name", |c| c.role.name = v.to_string()),
            InitValue::AccountId(v) => {
                check_field("aws.account_id", |c| c.aws.account_id = Some(v.to_string()))
            }
            InitValue::Region(v) => {
                check_field("aws.region", |c| c.aws.region = Some(v.to_string()))
            }
            InitValue::GenesysRegion(v) => check_genesys_region(v),
            InitValue::Environment(v) => match super::environments::is_environment_name(v) {
                true => Ok(()),
                false => {
                    Err(super::environments::EnvironmentProblem::BadName(v.into()).to_string())
                }
            },
            InitValue::Function { function, region } => check_function(function, region),
        }
    }
}

fn check_genesys_region(v: &str) -> Result<(), String> {
    if super::genesys_regions::by_name(v).is_some() {
        return Ok(());
    }
    let names: Vec<&str> = super::genesys_regions::REGIONS
        .iter()
        .map(|r| r.name)
        .collect();
    Err(format!(
        "{v:?} is not a Genesys Cloud region (one of: {})",
        names.join(", ")
    ))
}

fn check_function(v: &str, region: &str) -> Result<(), String> {
    check_field("targets[0]", |c| {
        c.aws.region = Some(region.to_string());
        c.targets.push(TargetConfig {
            function: v.to_string(),
            region: None,
            qualifier: None,
            action: None,
            actions: None,
            shared: false,
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers() -> InitAnswers {
        InitAnswers {
            external_id: "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10".into(),
            role_name: DEFAULT_ROLE_NAME.into(),
            region: "eu-west-1".into(),
            genesys_region: Some("eu-west-1".into()),
            targets: vec![
                "lookup-order".into(),
                "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer".into(),
            ],
            other_functions: vec!["arn:aws:lambda:eu-west-1:111122223333:function:other".into()],
            account_id: Some("111122223333".into()),
        }
    }

    #[test]
    fn the_written_text_parses_back_to_the_answers() {
        let text = init_text(&answers());
        let loaded = crate::load::parse_str(&text, "init", None).unwrap();
        let c = loaded.config;
        assert_eq!(c.trust.external_id, answers().external_id);
        assert_eq!(c.trust.partner, Some(Partner::GenesysCloud));
        assert_eq!(c.role.name, DEFAULT_ROLE_NAME);
        assert_eq!(c.aws.region.as_deref(), Some("eu-west-1"));
        assert_eq!(c.aws.account_id.as_deref(), Some("111122223333"));
        let functions: Vec<_> = c.targets.iter().map(|t| t.function.as_str()).collect();
        assert_eq!(
            functions,
            [
                "lookup-order",
                "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer"
            ]
        );
        let genesys = c.genesys.as_ref().expect("[genesys] is written");
        assert_eq!(genesys.region.as_deref(), Some("eu-west-1"));
        assert_eq!(genesys.integration, DEFAULT_INTEGRATION);
        assert!(
            text.contains("# function = \"arn:aws:lambda:eu-west-1:111122223333:function:other\"")
        );
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    }

    #[test]
    fn values_are_quoted_so_no_answer_can_inject_toml() {
        let mut a = answers();
        a.role_name = "x\"\n[evil]".into();
        let err = crate::load::parse_str(&init_text(&a), "init", None).unwrap_err();
        assert!(err.to_string().contains("role.name"), "{err}");
    }

    #[test]
    fn field_checks_use_the_config_rules() {
        assert!(
            InitValue::ExternalId("0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10")
                .check()
                .is_ok()
        );
        let e = InitValue::ExternalId("x").check().unwrap_err();
        assert!(e.contains("not a valid external ID"), "{e}");
        // Genesys Cloud's organization ID is a lowercase UUID: any other ID is refused.
        let e = InitValue::ExternalId("my-org-external-id")
            .check()
            .unwrap_err();
        assert!(e.contains("is not a Genesys Cloud organization ID"), "{e}");
        let e = InitValue::ExternalId("0F8C7A52-8B1E-4C5E-9A44-3F1C2D7E9B10")
            .check()
            .unwrap_err();
        assert!(e.contains("uppercase"), "{e}");
        assert!(InitValue::RoleName("GenesysLambdaInvoker").check().is_ok());
        assert!(InitValue::RoleName("no spaces").check().is_err());
        assert!(InitValue::Region("eu-west-1").check().is_ok());
        assert!(InitValue::Region("europe").check().is_err());
        assert!(check_function("lookup-order", "us-east-1").is_ok());
        assert!(check_function(
            "arn:aws:lambda:us-east-1:111122223333:function:f",
            "us-east-1"
        )
        .is_ok());
        assert!(check_function("bad name", "us-east-1").is_err());
    }
}
