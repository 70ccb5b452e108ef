//! Which credentials a run uses, by the AWS CLI's rule (AWS CLI User Guide, "Configuration and
//! credential file settings", precedence): an explicit profile — `--profile`, or the config's
//! `[aws].profile` — wins over the environment's access keys; without one, the SDK's default
//! chain decides (environment, then `AWS_PROFILE` or `default`, web identity, container,
//! instance metadata). An explicit profile that neither the config nor the credentials file
//! defines is an error before any call, in the AWS CLI's words.
//!
//! Part of the `aws` layer: it reads the environment and the profile files, never the network.

use std::borrow::Cow;
use std::fmt;

use aws_config::profile::{ProfileFileCredentialsProvider, ProfileSet};
use aws_config::provider_config::ProviderConfig;
use aws_config::SdkConfig;
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::sdk_config::SharedCredentialsProvider;

/// Where the credentials come from, as far as the chain's rule tells before any call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CredentialsSource {
    /// A named profile, and what named it.
    Profile { name: String, via: ProfileVia },
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    Environment,
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` (EKS, GitHub Actions OIDC).
    WebIdentity,
    /// `AWS_CONTAINER_CREDENTIALS_*` (ECS, CodeBuild).
    Container,
    /// The instance metadata service (EC2), the chain's last resort.
    InstanceMetadata,
    /// Temporary credentials of a role this run assumed (`audit` in another account).
    Assumed,
}

/// What named the profile in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProfileVia {
    /// `--profile` or `[aws].profile`: it wins over environment keys.
    Explicit,
    /// `AWS_PROFILE`, after environment keys.
    AwsProfile,
    /// The `default` profile, after environment keys.
    Default,
}

impl fmt::Display for CredentialsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsSource::Profile { name, via } => {
                let via = match via {
                    ProfileVia::Explicit => "--profile or [aws].profile",
                    ProfileVia::AwsProfile => "AWS_PROFILE",
                    ProfileVia::Default => "the default profile",
                };
                write!(f, "profile {name} ({via})")
            }
            CredentialsSource::Environment => {
                f.write_str("environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
            }
            CredentialsSource::WebIdentity => {
                f.write_str("web identity (AWS_WEB_IDENTITY_TOKEN_FILE)")
            }
            CredentialsSource::Container => {
                f.write_str("container credentials (AWS_CONTAINER_CREDENTIALS_*)")
            }
            CredentialsSource::InstanceMetadata => f.write_str("instance metadata (IMDS)"),
            CredentialsSource::Assumed => f.write_str("an assumed role"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum CredentialsError {
    /// The AWS CLI's message for the same mistake.
    #[error("the config profile ({name}) could not be found")]
    NoSuchProfile { name: String, known: Vec<String> },
    #[error("cannot read the AWS config files: {0}")]
    Unreadable(String),
}

impl crate::error::Hinted for CredentialsError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            CredentialsError::NoSuchProfile { name, known } => {
                let known = if known.is_empty() {
                    "none is defined".to_string()
                } else {
                    format!("defined: {}", known.join(", "))
                };
                format!(
                    "fix --profile or [aws].profile ({known}), or define it: `aws configure \
                     --profile {name}` (or `aws configure sso --profile {name}`) writes it to \
                     ~/.aws/config or AWS_CONFIG_FILE"
                )
            }
            CredentialsError::Unreadable(_) => {
                "fix the file (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config \
                 and ~/.aws/credentials)"
                    .to_string()
            }
        })
    }
}
crate::error::layer_errors!(Aws: CredentialsError);

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The source of this run's credentials; an explicit profile must be defined.
pub(crate) async fn resolve(explicit: Option<&str>) -> Result<CredentialsSource, CredentialsError> {
    let selected = explicit
        .map(str::to_string)
        .or_else(|| env("AWS_PROFILE"))
        .unwrap_or_else(|| "default".to_string());
    let profiles = aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &Default::default(),
        Some(Cow::Owned(selected.clone())),
    )
    .await;
    if let Some(name) = explicit {
        let profiles = profiles.map_err(|e| CredentialsError::Unreadable(e.to_string()))?;
        return defined(&profiles, name);
    }
    let has_profile = profiles.is_ok_and(|p| p.get_profile(&selected).is_some());
    let via = if env("AWS_PROFILE").is_some() {
        ProfileVia::AwsProfile
    } else {
        ProfileVia::Default
    };
    Ok(chain_source(has_profile.then_some((selected, via))))
}

fn defined(profiles: &ProfileSet, name: &str) -> Result<CredentialsSource, CredentialsError> {
    if profiles.get_profile(name).is_some() {
        return Ok(CredentialsSource::Profile {
            name: name.to_string(),
            via: ProfileVia::Explicit,
        });
    }
    let mut known: Vec<String> = profiles.profiles().map(str::to_string).collect();
    known.sort();
    Err(CredentialsError::NoSuchProfile {
        name: name.to_string(),
        known,
    })
}

/// The SDK's default chain, in its order (AWS SDKs and Tools Reference Guide, "Credential
/// provider chain").
/// `profile`: the one `AWS_PROFILE` or `default` selects, when a file defines it.
fn chain_source(profile: Option<(String, ProfileVia)>) -> CredentialsSource {
    if env("AWS_ACCESS_KEY_ID").is_some() && env("AWS_SECRET_ACCESS_KEY").is_some() {
        CredentialsSource::Environment
    } else if let Some((name, via)) = profile {
        CredentialsSource::Profile { name, via }
    } else if env("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() {
        CredentialsSource::WebIdentity
    } else if env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
        || env("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
    {
        CredentialsSource::Container
    } else {
        CredentialsSource::InstanceMetadata
    }
}

/// `base` with the named profile's credentials instead of the default chain's (which looks at
/// environment keys first): the profile's keys, SSO, `credential_process` or role.
pub(crate) fn profile_first(base: SdkConfig, name: &str) -> SdkConfig {
    let conf = ProviderConfig::default().with_region(base.region().cloned());
    let provider = ProfileFileCredentialsProvider::builder()
        .configure(&conf)
        .profile_name(name)
        .build();
    base.into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}
