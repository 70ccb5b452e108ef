//! The live probe of `verify --assume-profile`: assumes the role with a test profile's own
//! credentials and the external ID, then dry-run invokes every target, retrying while IAM
//! propagates (a new or changed role can fail AssumeRole for some seconds; see
//! docs/aws-behaviour.md).
//!
//! Part of the `aws` layer: these are the only STS AssumeRole and Lambda Invoke calls.

use std::time::Duration;

use tokio::time::Instant;

use crate::aws::client::{AwsError, DEFAULT_REGION};
use crate::aws::retry::{retry_until, Backoff};
use crate::event::ProbeStep;
use lambda_trust_model::{Desired, Observed, ResolvedTarget};
use lambda_trust_provision::{Check, CheckId};

/// Every call of the probe (AssumeRole, then each dry-run Invoke) is retried on any error, with
/// waits of 0.5 s doubling up to 8 s, until the one `--wait` deadline of the whole probe.
const PROBE_BACKOFF: Backoff = Backoff {
    initial: Duration::from_millis(500),
    max: Duration::from_secs(8),
};

/// Settings for the live probe (`verify --assume-profile`).
#[derive(Debug, Clone)]
pub(crate) struct ProbeSettings {
    pub profile: String,
    pub wait: Duration,
    pub endpoint_url: Option<String>,
}

/// Assumes the role with the probe profile's credentials and the external ID, then dry-run
/// invokes each target. Retries with backoff until `wait` runs out, to ride out IAM propagation;
/// `progress` hears each call as it is made. Never prints or returns the temporary credentials.
pub(crate) async fn probe(
    settings: &ProbeSettings,
    desired: &Desired,
    observed: &Observed,
    mut progress: impl FnMut(ProbeStep),
) -> Vec<Check> {
    let Some(role) = &observed.role else {
        return vec![];
    };
    let base = probe_config(settings).await;
    let deadline = Instant::now() + settings.wait;
    let name = format!("live: assume the role with profile {}", settings.profile);

    // Step 1: AssumeRole with the external ID, retried while IAM propagates a new trust policy.
    let assumed = assume_role(
        &base,
        &role.arn,
        &desired.external_id,
        deadline,
        settings.wait,
        &mut progress,
    )
    .await;
    let (creds, attempt) = match assumed {
        Ok(assumed) => assumed,
        Err(detail) => {
            return vec![Check {
                code: CheckId::LiveAssume,
                name,
                passed: false,
                detail,
            }];
        }
    };
    let mut out = vec![Check {
        code: CheckId::LiveAssume,
        name,
        passed: true,
        detail: format!("sts:AssumeRole with the external ID succeeded after {attempt} attempt(s)"),
    }];
    // Step 2: a dry-run Invoke of every target with the role's temporary credentials.
    let provider = aws_sdk_lambda::config::Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token().to_string()),
        None,
        "lambda-trust-verify",
    );
    for t in &desired.targets {
        out.push(dry_run_invoke(&base, &provider, t, deadline, &mut progress).await);
    }
    out
}

/// The SDK configuration of the probe profile (with `--endpoint-url`), in the default region
/// when the profile names none.
async fn probe_config(settings: &ProbeSettings) -> aws_config::SdkConfig {
    use aws_config::BehaviorVersion;
    let mut loader = aws_config::defaults(BehaviorVersion::v2026_01_12())
        .profile_name(&settings.profile)
        .app_name(crate::aws::client::app_name());
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let base = loader.load().await;
    if base.region().is_none() {
        base.into_builder()
            .region(aws_config::Region::new(DEFAULT_REGION))
            .build()
    } else {
        base
    }
}

/// sts:AssumeRole with the external ID, retried until `deadline` (`wait` after the start):
/// the temporary credentials and the number of attempts it took, or why there are none.
async fn assume_role(
    base: &aws_config::SdkConfig,
    role_arn: &str,
    external_id: &str,
    deadline: Instant,
    wait: Duration,
    progress: &mut impl FnMut(ProbeStep),
) -> Result<(aws_sdk_sts::types::Credentials, u32), String> {
    let sts = aws_sdk_sts::Client::new(base);
    let assumed = retry_until(
        deadline,
        PROBE_BACKOFF,
        |_| true,
        |attempt| {
            progress(ProbeStep::Assuming {
                role_arn: role_arn.to_string(),
                attempt,
            });
            let call = sts
                .assume_role()
                .role_arn(role_arn)
                .role_session_name("lambda-trust-verify")
                .external_id(external_id)
                .send();
            async move {
                call.await
                    .map(|out| out.credentials().cloned())
                    .map_err(|e| AwsError::from_sdk("sts:AssumeRole", e))
            }
        },
    )
    .await;
    let attempt = assumed.attempts;
    match assumed.result {
        Ok(Some(c)) => Ok((c, attempt)),
        Ok(None) => Err("AssumeRole returned no credentials".to_string()),
        Err(err) => Err(format!(
            "{err} (gave up after {attempt} attempt(s), --wait {}s)",
            wait.as_secs()
        )),
    }
}

/// A dry-run Invoke of one target (of its qualifier, unless `*`) with the role's credentials,
/// retried until `deadline`.
async fn dry_run_invoke(
    base: &aws_config::SdkConfig,
    provider: &aws_sdk_lambda::config::Credentials,
    t: &ResolvedTarget,
    deadline: Instant,
    progress: &mut impl FnMut(ProbeStep),
) -> Check {
    let conf = aws_sdk_lambda::config::Builder::from(base)
        .region(aws_config::Region::new(t.region.clone()))
        .credentials_provider(provider.clone())
        .build();
    let client = aws_sdk_lambda::Client::from_conf(conf);
    let qualifier = t.qualifier.clone().filter(|q| q != "*");
    let invoked = retry_until(
        deadline,
        PROBE_BACKOFF,
        |_| true,
        |attempt| {
            progress(ProbeStep::Invoking {
                function_arn: t.function_arn.clone(),
                attempt,
            });
            let call = client
                .invoke()
                .function_name(&t.function_arn)
                .set_qualifier(qualifier.clone())
                .invocation_type(aws_sdk_lambda::types::InvocationType::DryRun)
                .send();
            async move {
                call.await
                    .map(|_| ())
                    .map_err(|e| AwsError::from_sdk("lambda:Invoke", e).to_string())
            }
        },
    )
    .await;
    let (result, attempt) = (invoked.result, invoked.attempts);
    let target = match &qualifier {
        Some(q) => format!("{}:{q}", t.function_arn),
        None => t.function_arn.clone(),
    };
    Check {
        code: CheckId::LiveInvoke,
        name: format!("live: dry-run invoke {target}"),
        passed: result.is_ok(),
        detail: match result {
            Ok(()) => format!("InvocationType=DryRun succeeded after {attempt} attempt(s)"),
            Err(e) => e,
        },
    }
}
