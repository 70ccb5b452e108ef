//! The world the docs' (README.md, docs/) and `--help`'s examples assume, for
//! `tests/it/docs_examples.rs`: a local AWS (moto in the examples' account 111122223333,
//! behind the recording proxy) with the functions they name, a scratch directory holding the
//! config the quick start's `init` writes and the files the examples read (policy documents,
//! Terraform plan, templates, an account snapshot: fixtures copied in under the names the docs
//! use), a `$HOME` with the usual completion and man directories, and the local Genesys Cloud
//! when the example uses `[genesys]`. Each example runs as written, `sh -c`, with
//! `lambda-trust` on `PATH`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::genesys::GenesysFake;
use super::moto::MotoServer;
use super::proxy::Proxy;

/// The account of the docs' ARNs (`arn:aws:lambda:us-east-1:111122223333:function:…`).
pub const ACCOUNT: &str = "111122223333";
/// The docs' organization ID (`--external-id`).
pub const EXTERNAL_ID: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// The functions the examples name, each in both regions they use, with a version and the
/// alias `live`.
const FUNCTIONS: &[&str] = &["lookup-customer", "lookup-order", "lookup-invoice"];
const REGIONS: &[&str] = &["us-east-1", "eu-west-1"];

/// What a block's examples find before they run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Setup {
    /// `./lambda-trust.toml`, as `lambda-trust init` writes it for the quick start (and the
    /// documents rendered from it, copies of it under the names the examples use).
    pub config: bool,
    /// …and applied: the role and its invoke policy exist.
    pub applied: bool,
    /// The config has `[genesys]`, and the local Genesys Cloud answers (`GENESYSCLOUD_*`).
    pub genesys: bool,
    /// A role made by hand, `GenesysLambda`, that `init --from-role` can read.
    pub role: bool,
    /// With `genesys`: an AWS Lambda data actions integration made by hand, its credential and
    /// one action calling `lookup-customer`, that `init --from-genesys` can read.
    pub integration: bool,
    /// An organization (moto's Organizations) for `audit --organization`.
    pub org: bool,
    /// Security Hub CSPM enabled in the docs' account and region (`audit --to-security-hub`).
    pub security_hub: bool,
    /// With `org`: a member registered as StackSets' delegated administrator, and StackSets'
    /// trusted access (`watch deploy --organization`).
    pub stack_sets: bool,
    /// With `org`: the AWS Config aggregator `org-iam` over the organization
    /// (`audit --config-aggregator org-iam`).
    pub aggregator: bool,
    /// With `config`: two environments in it, `dev` (the config as written) and `prod`
    /// ([`PROD_EXTERNAL_ID`], its own role and, with `genesys`, its own integration in its own
    /// organization: a second local Genesys Cloud, each signed in to through its own OAuth secret
    /// in Secrets Manager, as docs/environments.md has it).
    pub environments: bool,
    /// Then these commands, as the docs' earlier examples ran them (each must exit 0).
    pub then: &'static [&'static str],
}

/// An organization, the docs' account its management account, which holds no audit role: as AWS
/// builds one, a role the docs' `--assume-role SecurityAudit` names is in the member accounts
/// (a service-managed StackSet never deploys to the management account), and lambda-trust reads
/// the caller's own account with its own credentials. A member's audit role trusts a service,
/// not the docs' account: that account is also the partner audit.md's example names, which
/// would then find this role (the local AWS checks the role exists, not its trust).
const ORGANIZATION: &str = "import boto3, json, sys
keys = dict(endpoint_url=sys.argv[1], region_name='us-east-1',
    aws_access_key_id='testing', aws_secret_access_key='testing')
org = boto3.client('organizations', **keys)
org.create_organization(FeatureSet='ALL')
def audit_role(iam):
    iam.create_role(RoleName='SecurityAudit', AssumeRolePolicyDocument=json.dumps({
        'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
        'Principal': {'Service': 'cloudformation.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}))";

/// A security tooling member (the audit role in it too), StackSets' delegated administrator, and
/// StackSets' trusted access.
const STACK_SETS: &str = "principal = 'member.org.stacksets.cloudformation.amazonaws.com'
status = org.create_account(AccountName='security-tooling', Email='security@example.com')
member = status['CreateAccountStatus']['AccountId']
org.register_delegated_administrator(AccountId=member, ServicePrincipal=principal)
org.enable_aws_service_access(ServicePrincipal=principal)
c = boto3.client('sts', **keys).assume_role(
    RoleArn=f'arn:aws:iam::{member}:role/OrganizationAccountAccessRole',
    RoleSessionName='docs')['Credentials']
audit_role(boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1',
    aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'],
    aws_session_token=c['SessionToken']))";

/// The docs' prod organization ID (`[environments.prod]`).
pub const PROD_EXTERNAL_ID: &str = "7d3e1f20-5c4b-4a8e-9f61-2b7c9d0e4a35";

/// One example's run.
#[derive(Debug)]
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// The local AWS of the examples: moto in the docs' account. One serves many blocks, each
/// starting from an empty state ([`World::start`] resets it).
pub fn moto() -> MotoServer {
    MotoServer::start_with_env(&[("MOTO_ACCOUNT_ID", ACCOUNT)])
}

/// The servers and the prepared directory of one block.
pub struct World<'m> {
    // Field order = drop order: the servers' users first.
    genesys: Option<GenesysFake>,
    /// With environments: the prod organization's Genesys Cloud (then every sign-in is through
    /// the environment's secret, none from `GENESYSCLOUD_*`).
    prod_genesys: Option<GenesysFake>,
    proxy: Proxy,
    moto: &'m MotoServer,
    base: tempfile::TempDir,
}

impl<'m> World<'m> {
    /// A block's world on `moto` (from [`moto`]), emptied first; a recording proxy of its own.
    pub fn start(moto: &'m MotoServer, setup: Setup) -> World<'m> {
        moto.reset();
        let proxy = Proxy::start(&moto.url());
        let genesys = setup
            .genesys
            .then(|| GenesysFake::start_with_aws(&proxy.url(), EXTERNAL_ID));
        let prod_genesys = (setup.genesys && setup.environments)
            .then(|| GenesysFake::start_with_aws(&proxy.url(), PROD_EXTERNAL_ID));
        let world = World {
            genesys,
            prod_genesys,
            proxy,
            moto,
            base: tempfile::tempdir().expect("tempdir"),
        };
        world.seed_aws(setup);
        if setup.integration {
            world.seed_integration();
        }
        world.prepare_files();
        if setup.config {
            world.write_config(setup);
        }
        if setup.applied {
            world.must("lambda-trust apply --yes");
        }
        for command in setup.then {
            world.must(command);
        }
        world
    }

    /// The prepared directory (a block's session runs in it).
    pub fn dir(&self) -> &Path {
        self.base.path()
    }

    /// A fresh copy of the prepared directory, for an example that must not see another's
    /// files (each `init` writes `./lambda-trust.toml`).
    pub fn copy(&self) -> tempfile::TempDir {
        let to = tempfile::tempdir().expect("tempdir");
        let status = Command::new("cp")
            .arg("-a")
            .arg(format!("{}/.", self.dir().display()))
            .arg(to.path())
            .status()
            .expect("cp");
        assert!(status.success(), "copy the prepared directory");
        to
    }

    fn seed_aws(&self, setup: Setup) {
        let aws = self.moto.client();
        for region in REGIONS {
            for f in FUNCTIONS {
                self.moto.lambda_create_function(f, region);
                let arn = format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{f}");
                let version = aws.publish_version(&arn);
                aws.create_alias(&arn, "live", &version);
            }
        }
        if setup.role {
            self.seed_hand_made_role();
        }
        if setup.security_hub {
            let script = "import boto3, sys\n\
                boto3.client('securityhub', endpoint_url=sys.argv[1], region_name='us-east-1', \
                aws_access_key_id='testing', aws_secret_access_key='testing')\
                .enable_security_hub()";
            let out = super::moto_forks::python(&["-c", script, &self.moto.url()]);
            assert!(
                out.status.success(),
                "enable Security Hub: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        if setup.org {
            let script = match setup.stack_sets {
                false => ORGANIZATION.to_owned(),
                true => format!("{ORGANIZATION}\n{STACK_SETS}"),
            };
            let out = super::moto_forks::python(&["-c", &script, &self.moto.url()]);
            assert!(
                out.status.success(),
                "seed the organization: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        if setup.aggregator {
            super::seed_audit(&self.moto.url(), &["aggregator", "org-iam"]);
        }
        if let (Some(dev), Some(prod)) = (&self.genesys, &self.prod_genesys) {
            self.seed_oauth_secret("genesys/dev", dev);
            self.seed_oauth_secret("genesys/prod", prod);
        }
    }

    /// The OAuth secret `name` of one organization's local Genesys Cloud: its client and its
    /// `base_url` (docs/genesys.md).
    fn seed_oauth_secret(&self, name: &str, fake: &GenesysFake) {
        let env: std::collections::BTreeMap<String, String> = fake.env().into_iter().collect();
        let secret = serde_json::json!({
            "client_id": env["GENESYSCLOUD_OAUTHCLIENT_ID"],
            "client_secret": env["GENESYSCLOUD_OAUTHCLIENT_SECRET"],
            "base_url": env["GENESYSCLOUD_API_REGION"],
        });
        let script = "import boto3, sys\n\
            boto3.client('secretsmanager', endpoint_url=sys.argv[1], region_name='us-east-1', \
            aws_access_key_id='testing', aws_secret_access_key='testing')\
            .create_secret(Name=sys.argv[2], SecretString=sys.argv[3])";
        let (url, secret) = (self.moto.url(), secret.to_string());
        let out = super::moto_forks::python(&["-c", script, &url, name, &secret]);
        assert!(
            out.status.success(),
            "seed the secret {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `GenesysLambda`: trusts Genesys Cloud with the docs' external ID, may invoke
    /// `lookup-customer`; not made by lambda-trust.
    fn seed_hand_made_role(&self) {
        let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}}]});
        let invoke = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:lookup-customer")}]});
        let iam = |action: &str, params: &[(&str, &str)]| self.moto.iam_query(action, params);
        iam(
            "CreateRole",
            &[
                ("RoleName", "GenesysLambda"),
                ("AssumeRolePolicyDocument", &trust.to_string()),
            ],
        );
        iam(
            "CreatePolicy",
            &[
                ("PolicyName", "GenesysLambda-invoke"),
                ("PolicyDocument", &invoke.to_string()),
            ],
        );
        iam(
            "AttachRolePolicy",
            &[
                ("RoleName", "GenesysLambda"),
                (
                    "PolicyArn",
                    &format!("arn:aws:iam::{ACCOUNT}:policy/GenesysLambda-invoke"),
                ),
            ],
        );
    }

    /// What `init --from-genesys` finds: an integration, its credential (the role's ARN) and one
    /// action, made through the local Genesys Cloud's API as a person would.
    fn seed_integration(&self) {
        let fake = self.genesys.as_ref().expect("integration needs genesys");
        let token = fake.token();
        let call = |method: &str, path: &str, body: serde_json::Value| {
            let r = fake.api(&token, method, path, Some(&body));
            assert_eq!(
                r.status,
                200,
                "{method} {path}: {}",
                String::from_utf8_lossy(&r.body)
            );
            serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()
        };
        let name = "Lambda (made by hand)";
        let integration = call(
            "POST",
            "/api/v2/integrations",
            serde_json::json!({"name": name, "integrationType": {"id": "aws-lambda-data-actions"}}),
        )["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let role = format!("arn:aws:iam::{ACCOUNT}:role/GenesysLambda");
        let credential = call(
            "POST",
            "/api/v2/integrations/credentials",
            serde_json::json!({"name": "lambda role", "type": {"name": "amazonWebServicesARN"},
                "credentialFields": {"ARN": role}}),
        );
        let path = format!("/api/v2/integrations/{integration}/config/current");
        let current: serde_json::Value =
            serde_json::from_slice(&fake.api(&token, "GET", &path, None).body).unwrap();
        call(
            "PUT",
            &path,
            serde_json::json!({"name": name, "version": current["version"], "properties": {},
                "advanced": {}, "notes": "",
                "credentials": {"AmazonWebServicesARN": {"id": credential["id"]}}}),
        );
        call(
            "PATCH",
            &format!("/api/v2/integrations/{integration}"),
            serde_json::json!({"intendedState": "ENABLED"}),
        );
        let function = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:lookup-customer");
        call(
            "POST",
            "/api/v2/integrations/actions",
            serde_json::json!({"name": "Lookup customer", "category": "Lambda",
                "integrationId": integration, "secure": false,
                "config": {"request": {"requestUrlTemplate": function, "requestType": "POST",
                    "headers": {}, "requestTemplate": "${input.rawRequest}"},
                    "response": {"translationMap": {}, "translationMapDefaults": {},
                        "successTemplate": "${rawResult}"},
                    "timeoutSeconds": 30},
                "contract": {"input": {"inputSchema": {"type": "object", "properties": {}}},
                    "output": {"successSchema": {"type": "object", "properties": {}}}}}),
        );
    }

    /// The files the examples name, and `$HOME` (`~/.aws` with the probe's profile).
    fn prepare_files(&self) {
        let dir = self.dir();
        let copy = |from: &str, to: &str| {
            let to = dir.join(to);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(format!("{ROOT}/tests/fixtures/{from}"), &to)
                .unwrap_or_else(|e| panic!("copy {from}: {e}"));
        };
        let tree = "terraform/module-tree";
        copy(&format!("{tree}/plan.json"), "plan.json");
        for tf in [
            "main.tf",
            "modules/cx/main.tf",
            "modules/cx/policies/main.tf",
        ] {
            copy(&format!("{tree}/{tf}"), &format!("infra/{tf}"));
        }
        copy("iac/genesys-role.yaml", "template.yaml");
        copy(
            "iac/cdk-genesys.template.json",
            "cdk.out/GenesysStack.template.json",
        );
        copy("audit-input/moto-gaad.json", "gaad.json");
        for f in [
            "root-scp.json",
            "account-scp.json",
            "root-rcp.json",
            "root-rcp-full.json",
            "account-rcp-full.json",
        ] {
            copy(&format!("org-policies/{f}"), &format!("org-policies/{f}"));
        }
        let write = |to: &str, text: &str| {
            let to = dir.join(to);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(to, text).unwrap();
        };
        write(
            "boundary.json",
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}]}"#,
        );
        write("accounts.txt", &format!("{ACCOUNT}\n"));
        write(
            "home/.aws/config",
            "[profile genesys-test]\nregion = us-east-1\n",
        );
        write(
            "home/.aws/credentials",
            "[genesys-test]\naws_access_key_id = probe\naws_secret_access_key = probe\n",
        );
        for d in [
            ".local/share/bash-completion/completions",
            ".config/fish/completions",
            ".local/share/man/man1",
        ] {
            std::fs::create_dir_all(dir.join("home").join(d)).unwrap();
        }
    }

    /// `./lambda-trust.toml` as the quick start's `init` writes it (non-interactively here), the
    /// documents rendered from it, and its copies under the names the examples use.
    fn write_config(&self, setup: Setup) {
        let genesys = if setup.genesys {
            " --genesys-region us-east-1"
        } else {
            ""
        };
        self.must(&format!(
            "lambda-trust init --external-id {EXTERNAL_ID} --region us-east-1 \
             --account-id {ACCOUNT} --function lookup-customer --function lookup-order{genesys}"
        ));
        let config = self.dir().join("lambda-trust.toml");
        if setup.environments {
            let mut text = std::fs::read_to_string(&config).unwrap();
            if setup.genesys {
                // Each organization through its own secret, whose base_url reaches it.
                let at = text
                    .find("\n[genesys]\nregion = ")
                    .expect("[genesys] with its region");
                let end = at + text[at + 1..].find("\nregion").unwrap() + 1;
                let line_end = end + 1 + text[end + 1..].find('\n').unwrap();
                text.replace_range(end + 1..line_end, "oauth_secret = \"genesys/dev\"");
            }
            text.push_str(&environments(setup.genesys));
            std::fs::write(&config, text).unwrap();
            return;
        }
        self.must("lambda-trust render --which trust > trust.json");
        self.must("lambda-trust render --which invoke > invoke.json");
        for copy in [
            "prod.toml",
            "staging.toml",
            "configs/prod.toml",
            "configs/staging.toml",
        ] {
            let to = self.dir().join(copy);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&config, to).unwrap();
        }
    }

    /// A preparation step: must exit 0.
    fn must(&self, command: &str) {
        let r = self.run(self.dir(), command);
        assert_eq!(
            r.code,
            Some(0),
            "preparing the examples' directory: `{command}`\n--- stdout\n{}\n--- stderr\n{}",
            r.stdout,
            r.stderr
        );
    }

    /// Runs `command` as written, `sh -c`, in `dir`, with `lambda-trust` on `PATH` and the
    /// environment pointing at the local servers; stdin is not a terminal: it holds one line,
    /// `yes`, the answer a reader gives `apply`'s question.
    pub fn run(&self, dir: &Path, command: &str) -> Ran {
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_lambda-trust"));
        let path = format!(
            "{}:{}",
            bin.parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let home = self.dir().join("home");
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(command).current_dir(dir);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().into_owned();
            if k.starts_with("AWS_")
                || k.starts_with("GENESYSCLOUD_")
                || k.starts_with("LAMBDA_TRUST_")
                || [
                    "CLICOLOR_FORCE",
                    "FORCE_COLOR",
                    "XDG_CONFIG_HOME",
                    "XDG_DATA_HOME",
                ]
                .contains(&k.as_str())
            {
                cmd.env_remove(k);
            }
        }
        cmd.env("PATH", path)
            .env("HOME", &home)
            .env("AWS_ENDPOINT_URL", self.proxy.url())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("NO_COLOR", "1")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat");
        if let (Some(fake), None) = (&self.genesys, &self.prod_genesys) {
            cmd.envs(fake.env());
        }
        let start = Instant::now();
        let out = assert_cmd::Command::from_std(cmd)
            .write_stdin("yes\n")
            .timeout(Duration::from_secs(120))
            .output()
            .expect("run sh");
        Ran {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed: start.elapsed(),
        }
    }
}

/// The `[environments]` tables of the environments' world.
fn environments(genesys: bool) -> String {
    let integration = match genesys {
        true => {
            "genesys.integration = \"AWS Lambda (prod)\"\ngenesys.oauth_secret = \"genesys/prod\"\n"
        }
        false => "",
    };
    let mut out = format!(
        "\n[environments.dev]\n\n[environments.prod]\ntrust.external_id = \"{PROD_EXTERNAL_ID}\"\nrole.name = \"GenesysLambdaInvoke-prod\"\n{integration}"
    );
    // prod invokes the alias `live`, dev the function: neither role reaches the other's.
    for f in ["lookup-customer", "lookup-order"] {
        out.push_str(&format!(
            "\n[environments.prod.targets.\"{f}\"]\nqualifier = \"live\"\n"
        ));
    }
    out
}
