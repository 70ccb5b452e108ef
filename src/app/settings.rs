//! [`Settings`]: what every workflow knows about the run besides its own options, built once
//! from the invocation — the AWS flags, the policy templates, `-v` and the environment's
//! region — and, per loaded config, the one region rule ([`Settings::region`]).

use std::path::PathBuf;

use crate::aws::AwsSettings;
use crate::error::Result;
use lambda_trust_config::Config;
use lambda_trust_model::Templates;

/// One run's settings. Workflows take `&Settings` and a small options struct of their own,
/// never the parsed flags.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    /// The AWS flags (`--profile`, `--region`, `--endpoint-url`, `--max-attempts`) as given;
    /// [`Settings::aws_for`] joins a config's `[aws]` table to them.
    pub aws: AwsSettings,
    /// `--policies DIR` and `--allow-weaker-policies`.
    pub templates: TemplateSource,
    /// `-v`: more detail on stderr (timings, which config was found).
    pub verbose: bool,
    /// The environment's region (`AWS_REGION`, else `AWS_DEFAULT_REGION`), read once.
    pub env_region: Option<String>,
    /// Running as the watching function (`watch run`): its execution role's credentials, never
    /// a profile (the config's `[aws].profile` names one on the machine that deployed it).
    pub execution_role: bool,
    /// Running as the watching function: the read-only role it assumes in each other account
    /// (its `LAMBDA_TRUST_READ_ROLES`), by account — used instead of `[aws.accounts]`, whose
    /// roles are `apply`'s and write.
    pub read_roles: std::collections::BTreeMap<String, String>,
}

impl Settings {
    /// The settings of a run: the AWS flags, the templates' source, `-v`; the environment's
    /// region is read here, once.
    pub(crate) fn new(aws: AwsSettings, templates: TemplateSource, verbose: bool) -> Settings {
        let env_region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
        Settings {
            aws,
            templates,
            verbose,
            env_region,
            execution_role: false,
            read_roles: Default::default(),
        }
    }

    /// The AWS region of a run, by the one rule (docs/regions.md): `--region` > the config's
    /// `[aws].region` > the environment (`AWS_REGION`, `AWS_DEFAULT_REGION`) > the profile.
    /// `None` when neither the flag, the config nor the environment names one: the SDK then
    /// reads the profile's `region` (and falls back to us-east-1 for the global IAM and STS).
    pub(crate) fn region(&self, config: Option<&Config>) -> Option<String> {
        let config = config.and_then(|c| c.aws.region.as_deref());
        region_rule(
            self.aws.region.as_deref(),
            config,
            self.env_region.as_deref(),
        )
    }

    /// The AWS settings for `config`: the flags win over its `[aws]` table (`--profile` over
    /// `[aws].profile`), and the region is [`Settings::region`]'s.
    pub(crate) fn aws_for(&self, config: Option<&Config>) -> AwsSettings {
        let profile = config.and_then(|c| c.aws.profile.clone());
        let profile = self.aws.profile.clone().or(profile);
        AwsSettings {
            profile: profile.filter(|_| !self.execution_role),
            region: self.region(config),
            endpoint_url: self.aws.endpoint_url.clone(),
            max_attempts: self.aws.max_attempts,
            timeout: self.aws.timeout,
        }
    }
}

/// The rule itself, on plain values: the first of flag, config, environment that names a
/// region (the profile's comes last, read by the SDK when this is `None`).
pub(crate) fn region_rule(
    flag: Option<&str>,
    config: Option<&str>,
    environment: Option<&str>,
) -> Option<String> {
    [flag, config, environment]
        .into_iter()
        .flatten()
        .find(|r| !r.is_empty())
        .map(str::to_owned)
}

/// `--policies DIR` (the user's templates) and `--allow-weaker-policies`.
#[derive(Debug, Clone, Default)]
pub(crate) struct TemplateSource {
    pub dir: Option<PathBuf>,
    pub allow_weaker: bool,
}

impl TemplateSource {
    /// The templates from `--policies DIR`, checked, or the built-in ones.
    pub(crate) fn load(&self) -> Result<Templates> {
        Ok(match self.dir.as_deref() {
            Some(dir) => super::files::read_templates(dir)?,
            None => Templates::builtin(),
        })
    }
}
