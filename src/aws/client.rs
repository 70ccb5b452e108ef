//! AWS client construction and error translation, shared by `observe` (reads), `apply`
//! (writes) and `probe`. No API calls are made here; [`Clients::lambda`] only builds clients.
//!
//! Retries of failed calls come from the SDK's retry configuration (standard mode with enough
//! attempts to ride out IAM throttling). Our own loops (`retry::retry_until`) wait for a
//! *state* instead: IAM's eventual consistency after a create, and the live probe.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::attempts::{client, Attempts};
use super::credentials;
pub(crate) use super::credentials::{CredentialsError, CredentialsSource, ProfileVia};
use crate::retry::Progress;

/// IAM and STS are global; the SDK still needs a region to sign with.
pub(crate) const DEFAULT_REGION: &str = "us-east-1";

/// Where and as whom to talk to AWS. Built from flags, the config's `[aws]` table and the
/// SDK's default chain (env, profiles, SSO, IMDS), in that order of precedence: an explicit
/// profile (`--profile`, `[aws].profile`) wins over environment keys, as in the AWS CLI.
#[derive(Debug, Clone, Default)]
pub(crate) struct AwsSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// `--endpoint-url`; `AWS_ENDPOINT_URL` is honoured by the SDK itself.
    pub endpoint_url: Option<String>,
    /// Total attempts per call (first try included).
    pub max_attempts: u32,
    /// `--timeout`: the most one call may take, its retries included (`None`:
    /// [`crate::retry::DEFAULT_TIMEOUT`]), so an endpoint that never answers ends the run.
    pub timeout: Option<Duration>,
}

impl AwsSettings {
    /// [`AwsSettings::timeout`], or the default.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout.unwrap_or(crate::retry::DEFAULT_TIMEOUT)
    }
}

/// `lambda-trust-VERSION`: every AWS call carries it in its user agent
/// (`app/lambda-trust-VERSION`), so CloudTrail records which writes were lambda-trust's own.
pub(crate) fn app_name() -> AppName {
    AppName::new(lambda_trust_provision::app_name(env!("CARGO_PKG_VERSION")))
        .expect("the package version is a valid SDK app name")
}

/// Clients acting in one region: where a regional read or write goes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InRegion<'a> {
    pub clients: &'a Clients,
    pub region: &'a str,
}

/// The SDK clients one run needs. Lambda clients are per region (targets may live in several).
#[derive(Debug)]
pub(crate) struct Clients {
    base: SdkConfig,
    source: CredentialsSource,
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
    lambda: Mutex<HashMap<String, aws_sdk_lambda::Client>>,
    /// Clients acting in the other accounts of `[aws.accounts]`, by account ID.
    accounts: BTreeMap<String, Clients>,
    /// Tells the run's progress sink of each retry the SDK makes ([`Clients::reporting`]).
    attempts: Option<Attempts>,
}

impl Clients {
    /// Builds the clients; an explicit profile missing from the config and credentials files
    /// is an error here, before any call.
    pub(crate) async fn connect(settings: &AwsSettings) -> Result<Clients, CredentialsError> {
        let source = credentials::resolve(settings.profile.as_deref()).await?;
        let mut loader = aws_config::defaults(BehaviorVersion::v2026_01_12())
            .retry_config(
                // Standard mode: exponential backoff with jitter and a retry quota; IAM throttles
                // at low rates, so allow more attempts than the SDK's default of 3.
                RetryConfig::standard()
                    .with_max_attempts(settings.max_attempts.max(1))
                    .with_initial_backoff(Duration::from_millis(100))
                    .with_max_backoff(Duration::from_secs(5)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5).min(settings.timeout()))
                    .operation_attempt_timeout(crate::retry::attempt_timeout(settings.timeout()))
                    .operation_timeout(settings.timeout())
                    .build(),
            )
            .app_name(app_name());
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(region) = &settings.region {
            loader = loader.region(Region::new(region.clone()));
        }
        let mut base = loader.load().await;
        if base.region().is_none() {
            base = base
                .into_builder()
                .region(Region::new(DEFAULT_REGION))
                .build();
        }
        if let CredentialsSource::Profile {
            name,
            via: ProfileVia::Explicit,
        } = &source
        {
            base = credentials::profile_first(base, name);
        }
        Ok(Clients::of(base, source, None))
    }

    fn of(base: SdkConfig, source: CredentialsSource, attempts: Option<Attempts>) -> Clients {
        Clients {
            iam: client!(
                aws_sdk_iam,
                aws_sdk_iam::config::Builder::from(&base),
                attempts.as_ref()
            ),
            sts: client!(
                aws_sdk_sts,
                aws_sdk_sts::config::Builder::from(&base),
                attempts.as_ref()
            ),
            lambda: Mutex::new(HashMap::new()),
            accounts: BTreeMap::new(),
            base,
            source,
            attempts,
        }
    }

    /// These clients (and those of the other accounts) telling `progress` of each retry the
    /// SDK makes inside a call, with its attempt number (`aws::attempts`).
    pub(crate) fn reporting(self, progress: Arc<dyn Progress>) -> Clients {
        let attempts = Attempts::new(progress, self.max_attempts());
        let accounts = (self.accounts.into_iter())
            .map(|(id, c)| (id, c.with_attempts(Some(attempts.clone()))))
            .collect();
        Clients::of(self.base, self.source, Some(attempts)).with_accounts(accounts)
    }

    fn with_attempts(self, attempts: Option<Attempts>) -> Clients {
        let accounts = self.accounts;
        Clients::of(self.base, self.source, attempts).with_accounts(accounts)
    }

    /// Attempts per call (`--max-attempts`): the one retry setting, for Genesys Cloud too.
    pub(crate) fn max_attempts(&self) -> u32 {
        self.base
            .retry_config()
            .map_or(crate::retry::DEFAULT_MAX_ATTEMPTS, |r| r.max_attempts())
    }

    /// `--timeout`: the most one call may take, retries included (Genesys Cloud's too).
    pub(crate) fn timeout(&self) -> Duration {
        (self.base.timeout_config())
            .and_then(|t| t.operation_timeout())
            .unwrap_or(crate::retry::DEFAULT_TIMEOUT)
    }

    /// Where this run's credentials come from (said at `-v`).
    pub(crate) fn credentials_source(&self) -> &CredentialsSource {
        &self.source
    }

    /// The region the SDK resolved (flag, config, env or profile), used for bare function names.
    pub(crate) fn region(&self) -> String {
        self.base
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| DEFAULT_REGION.to_string())
    }

    /// The partition of the SDK's region (`aws` when the region is not a known one).
    pub(crate) fn partition(&self) -> &'static str {
        lambda_trust_iam::partition_of_region(&self.region()).unwrap_or("aws")
    }

    /// An Organizations client (`audit --organization`).
    pub(crate) fn organizations(&self) -> aws_sdk_organizations::Client {
        let conf = aws_sdk_organizations::config::Builder::from(&self.base);
        client!(aws_sdk_organizations, conf, self.attempts.as_ref())
    }

    /// An AWS Config client in the run's region (`audit --config-aggregator`).
    pub(crate) fn config(&self) -> aws_sdk_config::Client {
        let conf = aws_sdk_config::config::Builder::from(&self.base);
        client!(aws_sdk_config, conf, self.attempts.as_ref())
    }

    /// An AWS Config client in `region`: an account's own recorders and items are regional.
    pub(crate) fn config_in(&self, region: &str) -> aws_sdk_config::Client {
        let conf = aws_sdk_config::config::Builder::from(&self.base)
            .region(Region::new(region.to_string()));
        client!(aws_sdk_config, conf, self.attempts.as_ref())
    }

    /// An EventBridge client for `region` (`watch`'s rules).
    pub(crate) fn events(&self, region: &str) -> aws_sdk_eventbridge::Client {
        let conf = aws_sdk_eventbridge::config::Builder::from(&self.base)
            .region(Region::new(region.to_string()));
        client!(aws_sdk_eventbridge, conf, self.attempts.as_ref())
    }

    /// A Security Hub client in the run's region (`audit --to-security-hub`).
    pub(crate) fn security_hub(&self) -> aws_sdk_securityhub::Client {
        let conf = aws_sdk_securityhub::config::Builder::from(&self.base);
        client!(aws_sdk_securityhub, conf, self.attempts.as_ref())
    }

    /// A CloudFormation client in `region` (`watch deploy --organization`'s StackSets and
    /// the management account's stacks).
    pub(crate) fn cloudformation(&self, region: &str) -> aws_sdk_cloudformation::Client {
        let conf = aws_sdk_cloudformation::config::Builder::from(&self.base)
            .region(Region::new(region.to_string()));
        client!(aws_sdk_cloudformation, conf, self.attempts.as_ref())
    }

    /// An SNS client in `region` (`watch`: the topic's region).
    pub(crate) fn sns(&self, region: &str) -> aws_sdk_sns::Client {
        let conf =
            aws_sdk_sns::config::Builder::from(&self.base).region(Region::new(region.to_string()));
        client!(aws_sdk_sns, conf, self.attempts.as_ref())
    }

    /// A Systems Manager client in `region` (the organization watch's ledger: the function's).
    pub(crate) fn ssm(&self, region: &str) -> aws_sdk_ssm::Client {
        let conf =
            aws_sdk_ssm::config::Builder::from(&self.base).region(Region::new(region.to_string()));
        client!(aws_sdk_ssm, conf, self.attempts.as_ref())
    }

    /// A Security Hub client in `region` (`watch status`: where the function publishes).
    pub(crate) fn security_hub_in(&self, region: &str) -> aws_sdk_securityhub::Client {
        let conf = aws_sdk_securityhub::config::Builder::from(&self.base)
            .region(Region::new(region.to_string()));
        client!(aws_sdk_securityhub, conf, self.attempts.as_ref())
    }

    /// The same settings acting with other (temporary) credentials: `audit` in an account it
    /// assumed a role in.
    pub(crate) fn with_credentials(&self, key: &str, secret: &str, token: &str) -> Clients {
        let creds = aws_sdk_sts::config::Credentials::new(
            key,
            secret,
            Some(token.to_owned()),
            None,
            "lambda-trust-audit",
        );
        let base = self
            .base
            .clone()
            .into_builder()
            .credentials_provider(aws_types::sdk_config::SharedCredentialsProvider::new(creds))
            .build();
        Clients::of(base, CredentialsSource::Assumed, self.attempts.clone())
    }

    /// These clients, with clients acting in other accounts (`aws::accounts::connect`), which
    /// report their retries as these do.
    pub(crate) fn with_accounts(mut self, accounts: BTreeMap<String, Clients>) -> Clients {
        let attempts = self.attempts.clone();
        self.accounts = (accounts.into_iter())
            .map(|(id, c)| match (&attempts, &c.attempts) {
                (Some(_), None) => (id, c.with_attempts(attempts.clone())),
                _ => (id, c),
            })
            .collect();
        self
    }

    /// The clients acting in `account` (`[aws.accounts]`), if the run has them.
    pub(crate) fn account(&self, account: &str) -> Option<&Clients> {
        self.accounts.get(account)
    }

    /// Every other account's clients, by account ID.
    pub(crate) fn accounts(&self) -> &BTreeMap<String, Clients> {
        &self.accounts
    }

    /// A Secrets Manager client, in the secret ARN's region when `secret` is an ARN.
    pub(crate) fn secrets(&self, secret: &str) -> aws_sdk_secretsmanager::Client {
        let mut conf = aws_sdk_secretsmanager::config::Builder::from(&self.base);
        if let Some(arn) = lambda_trust_iam::Arn::parse(secret).filter(|a| !a.region.is_empty()) {
            conf = conf.region(Region::new(arn.region));
        }
        client!(aws_sdk_secretsmanager, conf, self.attempts.as_ref())
    }

    /// A CloudTrail client in `region` (`LookupEvents` answers for one region: IAM's events are
    /// in the partition's global-events region).
    pub(crate) fn cloudtrail(&self, region: &str) -> aws_sdk_cloudtrail::Client {
        let conf = aws_sdk_cloudtrail::config::Builder::from(&self.base)
            .region(Region::new(region.to_string()));
        client!(aws_sdk_cloudtrail, conf, self.attempts.as_ref())
    }

    /// A Lambda client for `region`, built once per region and reused.
    pub(crate) fn lambda(&self, region: &str) -> aws_sdk_lambda::Client {
        let mut map = self.lambda.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(region.to_string())
            .or_insert_with(|| {
                // Adaptive retry: a client-side rate limiter that engages on the first throttling
                // answer and follows the account's and region's quota from then on (one client
                // per account and region, so one limiter each).
                let retry = RetryConfig::adaptive()
                    .with_max_attempts(self.max_attempts())
                    .with_initial_backoff(Duration::from_millis(100))
                    .with_max_backoff(Duration::from_secs(5));
                let conf = aws_sdk_lambda::config::Builder::from(&self.base)
                    .region(Region::new(region.to_string()))
                    .retry_config(retry);
                client!(aws_sdk_lambda, conf, self.attempts.as_ref())
            })
            .clone()
    }
}

/// A failed AWS call, with the operation, the service's error code and a hint where one helps
/// (as data: [`Hinted`](crate::error::Hinted), printed by `main` after the message).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation} failed: {message}")]
pub(crate) struct AwsError {
    pub operation: &'static str,
    /// The service's error code (`NoSuchEntity`, `AccessDenied`, …), when it sent one.
    pub code: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl AwsError {
    /// The one translation of an SDK error: the service's error code and message, else the
    /// HTTP status and the start of the body the SDK could not read an error from (never the
    /// SDK's bare "unhandled error" or "service error"), else the transport's error chain.
    pub(crate) fn from_sdk<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (code, message) = match &err {
            SdkError::ServiceError(se) => {
                let e = se.err();
                let code = e.code().filter(|c| !c.is_empty());
                let message = match (code, e.message().filter(|m| !m.is_empty())) {
                    (Some(c), Some(m)) => format!("{c}: {m}"),
                    (Some(c), None) => format!("{c} (HTTP {})", se.raw().status().as_u16()),
                    (None, Some(m)) => format!("HTTP {}: {m}", se.raw().status().as_u16()),
                    (None, None) => unreadable(se.raw()),
                };
                (code.map(str::to_string), message)
            }
            SdkError::ResponseError(re) => (
                None,
                format!("{} ({})", error_chain(&err), unreadable(re.raw())),
            ),
            other => (None, error_chain(other)),
        };
        // The SDK's words for a failed `credential_process` (aws-config, credential_process.rs).
        let hint = if code.is_none() && message.contains("external process") {
            Some(
                "the profile's credential_process failed (its stderr is above): fix the command \
                 in ~/.aws/config (AWS_CONFIG_FILE), sign in again, or pick another --profile"
                    .to_string(),
            )
        } else {
            hint_for(operation, code.as_deref(), &err, no_credentials(&err))
        };
        AwsError {
            operation,
            code,
            message,
            hint,
        }
    }

    pub(crate) fn is_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }
}

/// True when a service error has the given code (e.g. `NoSuchEntity`), for "absent" detection.
pub(crate) fn has_code<E, R>(err: &SdkError<E, R>, code: &str) -> bool
where
    E: ProvideErrorMetadata,
{
    matches!(err, SdkError::ServiceError(se) if se.err().code() == Some(code))
}

/// An answer without an error code the SDK could read: its HTTP status and the start of its
/// body, e.g. a server that does not implement the operation.
fn unreadable(raw: &HttpResponse) -> String {
    let status = raw.status().as_u16();
    let body = raw
        .body()
        .bytes()
        .map(|b| {
            String::from_utf8_lossy(b)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    if body.is_empty() {
        return format!("HTTP {status} without an error code or message");
    }
    let line = one_line(&body);
    let shown: String = line.chars().take(120).collect();
    let more = if shown.len() < line.len() { "…" } else { "" };
    format!("HTTP {status} without an error code: {shown}{more}")
}

/// A body as one line of text: an HTML page (a proxy's or a server's error page) by its
/// `<title>`, else its text without the markup; anything else as it is.
fn one_line(body: &str) -> String {
    if !body.trim_start().starts_with('<') {
        return body.to_string();
    }
    let lower = body.to_ascii_lowercase();
    if let (Some(a), Some(b)) = (lower.find("<title>"), lower.find("</title>")) {
        let title = body[a + "<title>".len()..b].trim();
        if a < b && !title.is_empty() {
            return title.to_string();
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Whether the SDK failed before sending anything because its credentials chain found none:
/// the chain's last provider (instance metadata) fails with a connection message, which must
/// not be read as "could not reach the AWS endpoint".
fn no_credentials<E, R>(err: &SdkError<E, R>) -> bool
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    if !matches!(
        err,
        SdkError::DispatchFailure(_) | SdkError::ConstructionFailure(_)
    ) {
        return false;
    }
    let text = error_chain(err).to_lowercase();
    text.contains("credentials")
        && (text.contains("no credentials")
            || text.contains("loading credentials")
            || text.contains("credentials provider")
            || text.contains("provide credentials"))
}

/// Says what another lambda-trust run (or a change made while this run was working) looks like.
const RACE: &str = "another lambda-trust run may be in progress, or this was changed outside \
    lambda-trust while this run was working";

/// The hint of a failed call: by its error code (a conflict with another run, a permission, a
/// server that kept failing), else by how the SDK failed (no credentials, no connection).
fn hint_for<E, R>(
    operation: &str,
    code: Option<&str>,
    err: &SdkError<E, R>,
    missing_credentials: bool,
) -> Option<String> {
    code.and_then(|code| {
        conflict_hint(operation, code)
            .or_else(|| permission_hint(operation, code))
            .or_else(|| gave_up_hint(code))
    })
    .or_else(|| transport_hint(err, missing_credentials))
}

/// Conflicts between what this run read and what it then found: a concurrent run, a change from
/// elsewhere, or an earlier attempt of this very call whose response was lost (the SDK retries a
/// call whose connection dropped). Quotas reached count too: another run may have used them up.
/// These are IAM's error codes: another service's call is not IAM's entity.
fn conflict_hint(operation: &str, code: &str) -> Option<String> {
    if !operation.starts_with("iam:") {
        return None;
    }
    match code {
        "EntityAlreadyExists" => Some(format!(
            "it exists now although it did not when this run read AWS: {RACE}, or an earlier \
             attempt of this call succeeded but its response was lost; run `lambda-trust plan` again"
        )),
        "NoSuchEntity" => Some(match operation {
            "iam:CreateRole" | "iam:PutRolePermissionsBoundary" => {
                "check that role.permissions_boundary names an existing managed policy".to_string()
            }
            _ => format!(
                "it does not exist (any more) although this run expected it: {RACE}; run \
                 `lambda-trust plan` again"
            ),
        }),
        "ConcurrentModification" => Some(format!(
            "IAM is changing the same entity for another request: {RACE}; wait, then run \
             `lambda-trust plan` again"
        )),
        "LimitExceeded" => Some(limit_exceeded_hint(operation)),
        "DeleteConflict" => Some(delete_conflict_hint(operation)),
        _ => None,
    }
}

fn limit_exceeded_hint(operation: &str) -> String {
    match operation {
        "iam:CreatePolicyVersion" => format!(
            "a managed policy keeps at most 5 versions and this one has 5: {RACE}; run \
             `lambda-trust plan` again (it deletes the oldest non-default version first)"
        ),
        "iam:AttachRolePolicy" => format!(
            "the role has as many managed policies as IAM allows (10 by default, up to 20 on \
             request): {RACE}; run `lambda-trust plan` again (apply detaches policies the \
             config does not declare), or raise the \"Managed policies per role\" quota"
        ),
        _ => "an IAM quota was reached (the message says which); lower the usage or ask AWS \
              to raise the quota, then run `lambda-trust plan` again"
            .to_string(),
    }
}

fn delete_conflict_hint(operation: &str) -> String {
    match operation {
        "iam:DeletePolicy" => format!(
            "the policy is still attached somewhere or still has non-default versions: \
             {RACE}; run the command again to see what remains"
        ),
        "iam:DeleteRole" => format!(
            "the role still has policies or an instance profile: {RACE}; run the command \
             again to see what remains"
        ),
        "iam:DeletePolicyVersion" => format!(
            "that version is now the policy's default version: {RACE}; run `lambda-trust \
             plan` again"
        ),
        _ => format!("it is still in use: {RACE}; run the command again to see what remains"),
    }
}

/// Refusals of the credentials in use: missing permissions, or expired or unknown credentials.
fn permission_hint(operation: &str, code: &str) -> Option<String> {
    match code {
        // Each command adds its own way out (the audit's role, the watch's reader).
        "AccessDenied" if operation == "sts:AssumeRole" => Some(
            "the role does not exist in that account, or does not trust these credentials, or \
             an SCP denies them sts:AssumeRole"
                .into(),
        ),
        "AccessDeniedException" | "AWSOrganizationsNotInUseException"
            if operation == "organizations:ListAccounts" =>
        {
            Some(
                "list the accounts from the organization's management account or a delegated \
                 administrator, or give them with --accounts FILE"
                    .into(),
            )
        }
        "NoSuchConfigurationAggregatorException" => Some(
            "no aggregator of that name in this account and region: list them with `aws \
             configservice describe-configuration-aggregators` (with the same --profile and \
             --region), or run from the account and region that holds it"
                .into(),
        ),
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => {
            Some("the credentials in use lack this IAM/Lambda permission; see docs/real-aws.md for the minimal policy".into())
        }
        "ExpiredToken" | "ExpiredTokenException" | "InvalidClientTokenId" => {
            Some("refresh your credentials (e.g. `aws sso login`) or pick another --profile".into())
        }
        _ => None,
    }
}

/// Server errors and throttling that outlasted every retry.
fn gave_up_hint(code: &str) -> Option<String> {
    match code {
        "ServiceFailure" | "InternalFailure" | "InternalError" | "ServiceUnavailable"
        | "ServiceException" => Some(
            "AWS kept answering with a server error after every retry; run again later or raise \
             --max-attempts"
                .into(),
        ),
        "Throttling" | "ThrottlingException" | "TooManyRequestsException" => Some(
            "AWS kept throttling after every retry; run again later or raise --max-attempts".into(),
        ),
        _ => None,
    }
}

/// A call that failed without an error code from AWS: no credentials, or no answer.
fn transport_hint<E, R>(err: &SdkError<E, R>, missing_credentials: bool) -> Option<String> {
    if missing_credentials {
        return Some(
            "no AWS credentials were found: pass --profile (a profile from ~/.aws/config; for \
             SSO run `aws sso login --profile NAME` first), or set AWS_PROFILE, or \
             AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (see docs/real-aws.md)"
                .into(),
        );
    }
    match err {
        SdkError::DispatchFailure(_) => Some(
            "could not reach the AWS endpoint; check your network, --endpoint-url / AWS_ENDPOINT_URL and --region".into(),
        ),
        SdkError::TimeoutError(_) => Some(
            "the AWS endpoint did not answer within --timeout (default 60 s); check your network, --endpoint-url / AWS_ENDPOINT_URL and --region, or raise --timeout for a slow link".into(),
        ),
        SdkError::ConstructionFailure(_) => Some(
            "no usable credentials or region; set AWS_PROFILE/--profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into(),
        ),
        _ => None,
    }
}

impl crate::error::Hinted for AwsError {
    fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
}
crate::error::layer_errors!(Aws: AwsError);

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn an_error_page_is_reduced_to_one_line() {
        let page = "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n<body><h1>Internal Server Error</h1><p>The server encountered an internal error and was unable to complete your request.</p></body></html>";
        assert_eq!(one_line(page), "500 Internal Server Error");
        let untitled = "<html><body><h1>Bad Gateway</h1>\n<p>upstream down</p></body></html>";
        assert_eq!(one_line(untitled), "Bad Gateway upstream down");
        assert_eq!(one_line("plain text"), "plain text");
    }
}
