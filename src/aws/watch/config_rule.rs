//! The `config-rule` engine of `watch` (`aws` layer): the AWS Config custom rule that invokes
//! the watching function — read, put, deleted — and the evaluation the function answers it
//! with (`PutEvaluations`).

use std::collections::BTreeMap;

use aws_sdk_config::primitives::DateTime;
use aws_sdk_config::types::{
    ComplianceType, ConfigRule, Evaluation, EventSource, MaximumExecutionFrequency, MessageType,
    Owner, Scope, Source, SourceDetail, Tag,
};

use crate::aws::client::{has_code, AwsError, Clients};
use lambda_trust_provision::{Compliance, SeenConfigRule, WatchConfigRule, WATCH_TAG};

/// The rule `name` in `region`, with its owner tag; `None` when there is none.
pub(crate) async fn seen(
    clients: &Clients,
    region: &str,
    name: &str,
) -> Result<Option<SeenConfigRule>, AwsError> {
    let config = clients.config_in(region);
    let out = match config
        .describe_config_rules()
        .config_rule_names(name)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) if has_code(&e, "NoSuchConfigRuleException") => return Ok(None),
        Err(e) => return Err(AwsError::from_sdk("config:DescribeConfigRules", e)),
    };
    let Some(rule) = out.config_rules().first() else {
        return Ok(None);
    };
    let arn = rule.config_rule_arn().unwrap_or_default();
    let tags = (config.list_tags_for_resource())
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("config:ListTagsForResource", e))?;
    let owner = (tags.tags().iter())
        .find(|t| t.key() == Some(WATCH_TAG))
        .and_then(|t| t.value().map(str::to_owned));
    Ok(Some(SeenConfigRule {
        function_arn: (rule.source())
            .and_then(|s| s.source_identifier())
            .unwrap_or_default()
            .to_owned(),
        resource_types: (rule.scope())
            .map(|s| s.compliance_resource_types().to_vec())
            .unwrap_or_default(),
        frequency: rule
            .maximum_execution_frequency()
            .map(|f| f.as_str().to_owned()),
        owner,
    }))
}

/// `config:PutConfigRule`: the function invoked on each change of the rule's resource types
/// and at its frequency; tagged.
pub(crate) async fn put(
    clients: &Clients,
    rule: &WatchConfigRule,
    tags: &BTreeMap<String, String>,
) -> Result<usize, AwsError> {
    let built = |e: aws_smithy_types::error::operation::BuildError| AwsError {
        operation: "config:PutConfigRule",
        code: None,
        message: e.to_string(),
        hint: None,
    };
    let frequency = MaximumExecutionFrequency::from(rule.frequency.as_str());
    let detail = |message: MessageType| {
        let d = SourceDetail::builder()
            .event_source(EventSource::AwsConfig)
            .message_type(message);
        match message_is_periodic(&d) {
            true => d.maximum_execution_frequency(frequency.clone()).build(),
            false => d.build(),
        }
    };
    let source = Source::builder()
        .owner(Owner::CustomLambda)
        .source_identifier(&rule.function_arn)
        .source_details(detail(MessageType::ConfigurationItemChangeNotification))
        .source_details(detail(
            MessageType::OversizedConfigurationItemChangeNotification,
        ))
        .source_details(detail(MessageType::ScheduledNotification))
        .build()
        .map_err(built)?;
    let scope = Scope::builder()
        .set_compliance_resource_types(Some(rule.resource_types.clone()))
        .build();
    let config_rule = ConfigRule::builder()
        .config_rule_name(&rule.name)
        .description("lambda-trust watch: re-proves the setup on every change")
        .source(source)
        .scope(scope)
        .maximum_execution_frequency(frequency.clone())
        .build();
    let tags = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build());
    (clients.config_in(&rule.region).put_config_rule())
        .config_rule(config_rule)
        .set_tags(Some(tags.collect()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("config:PutConfigRule", e))?;
    Ok(1)
}

fn message_is_periodic(detail: &aws_sdk_config::types::builders::SourceDetailBuilder) -> bool {
    detail.get_message_type() == &Some(MessageType::ScheduledNotification)
}

/// `config:DeleteConfigRule`.
pub(crate) async fn delete(clients: &Clients, region: &str, name: &str) -> Result<usize, AwsError> {
    (clients.config_in(region).delete_config_rule())
        .config_rule_name(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("config:DeleteConfigRule", e))?;
    Ok(1)
}

/// One evaluation, as the function answers its rule's invocation.
pub(crate) struct Answer<'a> {
    pub token: &'a str,
    pub resource_type: &'a str,
    pub resource_id: &'a str,
    /// `COMPLIANT`, `NON_COMPLIANT`, `NOT_APPLICABLE` or `INSUFFICIENT_DATA`.
    pub compliance: Compliance,
    /// At most 256 characters (cut here).
    pub annotation: &'a str,
    /// RFC 3339.
    pub ordering: &'a str,
}

/// `config:PutEvaluations` of one evaluation, in `region` (the rule's).
pub(crate) async fn answer(clients: &Clients, region: &str, a: Answer<'_>) -> Result<(), AwsError> {
    let ordering = DateTime::from_str(a.ordering, aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| DateTime::from(std::time::SystemTime::now()));
    let annotation: String = a.annotation.chars().take(256).collect();
    let evaluation = Evaluation::builder()
        .compliance_resource_type(a.resource_type)
        .compliance_resource_id(a.resource_id)
        .compliance_type(ComplianceType::from(<&str>::from(a.compliance)))
        .annotation(annotation)
        .ordering_timestamp(ordering)
        .build()
        .map_err(|e| AwsError {
            operation: "config:PutEvaluations",
            code: None,
            message: e.to_string(),
            hint: None,
        })?;
    let out = (clients.config_in(region).put_evaluations())
        .evaluations(evaluation)
        .result_token(a.token)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("config:PutEvaluations", e))?;
    match out.failed_evaluations().first() {
        Some(f) => Err(AwsError {
            operation: "config:PutEvaluations",
            code: None,
            message: format!(
                "the evaluation of {} was refused",
                f.compliance_resource_id()
            ),
            hint: None,
        }),
        None => Ok(()),
    }
}
