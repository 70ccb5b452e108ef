//! Reads one Secrets Manager secret: the Genesys Cloud OAuth client of `[genesys].oauth_secret`.
//! The value is returned to the caller and never logged.
//!
//! Part of the `aws` layer (`secretsmanager:GetSecretValue`).

use crate::aws::client::{AwsError, Clients};

/// The secret's `SecretString`.
pub(crate) async fn read_secret(clients: &Clients, secret: &str) -> Result<String, AwsError> {
    let out = clients
        .secrets(secret)
        .get_secret_value()
        .secret_id(secret)
        .send()
        .await
        .map_err(|e| {
            let mut e = AwsError::from_sdk("secretsmanager:GetSecretValue", e);
            if e.code.as_deref() == Some("ResourceNotFoundException") {
                e.hint = Some(format!(
                    "no secret {secret} in this account and region: create it with {{\"client_id\", \"client_secret\"}}, fix [genesys].oauth_secret, or set GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET"
                ));
            }
            e
        })?;
    out.secret_string()
        .map(str::to_string)
        .ok_or_else(|| AwsError {
            operation: "secretsmanager:GetSecretValue",
            code: None,
            message: format!("secret {secret} has no SecretString (a binary secret)"),
            hint: Some("store the OAuth client as a JSON string".into()),
        })
}

/// What `DescribeSecret` says of a secret (never its value): its full ARN — with the six
/// characters Secrets Manager appends, which a partial name or ARN in an IAM `Resource` never
/// matches — and the KMS key it is encrypted with (`None`: the AWS managed key
/// `aws/secretsmanager`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SecretMeta {
    pub arn: String,
    pub kms_key: Option<String>,
}

/// `DescribeSecret` of `secret` (a name or an ARN).
pub(crate) async fn describe_secret(
    clients: &Clients,
    secret: &str,
) -> Result<SecretMeta, AwsError> {
    let out = (clients
        .secrets(secret)
        .describe_secret()
        .secret_id(secret)
        .send())
    .await
    .map_err(|e| AwsError::from_sdk("secretsmanager:DescribeSecret", e))?;
    // Secrets Manager's own key, by alias or by its alias ARN, needs no kms:Decrypt of the
    // caller's own (Secrets Manager User Guide, "Secret encryption and decryption").
    let kms_key = (out.kms_key_id())
        .filter(|k| !k.is_empty() && !k.ends_with("alias/aws/secretsmanager"))
        .map(str::to_owned);
    Ok(SecretMeta {
        arn: out.arn().unwrap_or(secret).to_owned(),
        kms_key,
    })
}
