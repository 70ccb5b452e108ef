//! The Lambda Runtime API loop of the watching function (`watch run`), on AWS's Rust runtime
//! (`lambda_runtime`): fetch the next invocation, hand its event to the handler, post the
//! handler's answer as the invocation's response or its error
//! (<https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html>).

use std::future::Future;

use serde_json::Value;

use crate::aws::client::AwsError;

/// What Lambda sets in a function's environment and the runtime reads
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime>).
const RUNTIME_ENV: &[&str] = &[
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
];

/// Why an invocation failed, as Lambda records it: `errorType` (a name to group and alarm on)
/// and `errorMessage` (<https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-invokeerror>).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub kind: FailureKind,
    pub message: String,
}

/// The kinds of a failed invocation, as Lambda's `errorType` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
pub(crate) enum FailureKind {
    /// The event could not be re-proved: the config or the connection failed first.
    #[strum(serialize = "LambdaTrust.WatchNotStarted")]
    WatchNotStarted,
    /// The run's result could not be published to Security Hub.
    #[strum(serialize = "LambdaTrust.NotPublished")]
    NotPublished,
    /// The organization watch left something unseen: an account it could not read, findings
    /// it could not publish, or a change it does not re-prove.
    #[strum(serialize = "LambdaTrust.NotReproved")]
    NotReproved,
}

impl From<Failure> for lambda_runtime::Diagnostic {
    fn from(f: Failure) -> Self {
        let kind: &'static str = f.kind.into();
        lambda_runtime::Diagnostic {
            error_type: kind.to_owned(),
            error_message: f.message,
        }
    }
}

/// One invocation as the handler sees it.
pub(crate) struct Invocation {
    pub event: Value,
    /// The invoked function's ARN (its account is where the function runs).
    pub function_arn: String,
}

/// Serves invocations until Lambda stops the environment, each answered with what `handler`
/// returns, serialized (the function's typed record), or its failure. Outside Lambda (a
/// variable the runtime needs is not set) it is an error naming the variable, before any call.
pub(crate) async fn serve<F, Fut, R>(mut handler: F) -> Result<(), AwsError>
where
    F: FnMut(Invocation) -> Fut,
    Fut: Future<Output = Result<R, Failure>>,
    R: serde::Serialize,
{
    if let Some(missing) = RUNTIME_ENV.iter().find(|v| std::env::var_os(v).is_none()) {
        return Err(AwsError {
            operation: "the Lambda Runtime API",
            code: None,
            message: format!("{missing} is not set: this is not a Lambda execution environment"),
            hint: Some(
                "`watch run` is what the watching function runs; deploy it with \
                 `lambda-trust watch deploy`, or run `lambda-trust check` here"
                    .into(),
            ),
        });
    }
    let service = lambda_runtime::service_fn(move |e: lambda_runtime::LambdaEvent<Value>| {
        handler(Invocation {
            event: e.payload,
            function_arn: e.context.invoked_function_arn,
        })
    });
    lambda_runtime::run(service).await.map_err(|e| AwsError {
        operation: "the Lambda Runtime API",
        code: None,
        message: e.to_string(),
        hint: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lambda records each kind under the `errorType` alarms group on.
    #[test]
    fn each_failure_kind_is_its_error_type() {
        let diagnostic = |kind| {
            lambda_runtime::Diagnostic::from(Failure {
                kind,
                message: "m".into(),
            })
        };
        let not_started = diagnostic(FailureKind::WatchNotStarted);
        assert_eq!(not_started.error_type, "LambdaTrust.WatchNotStarted");
        assert_eq!(not_started.error_message, "m");
        let not_published = diagnostic(FailureKind::NotPublished).error_type;
        assert_eq!(not_published, "LambdaTrust.NotPublished");
    }
}
