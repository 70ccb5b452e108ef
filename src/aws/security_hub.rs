//! Security Hub CSPM's calls for `audit --to-security-hub` (`aws` layer): the lambda-trust
//! findings an account holds (`GetFindings`, filtered to the account's own product, the account
//! and lambda-trust's generator prefix, active ones only; paginated), and the writes
//! (`BatchImportFindings`, at most 100 findings a call, the `FailedFindings` entries retried a
//! bounded number of times and then returned with their reasons). What to write is decided in
//! `crates/model/src/security_hub.rs`; docs/aws-behaviour.md ("Security Hub") has the rules relied on.

use std::collections::HashMap;

use aws_sdk_securityhub::types::{
    AwsIamRoleDetails, AwsSecurityFinding, AwsSecurityFindingFilters, Compliance, ComplianceStatus,
    FindingProviderFields, FindingProviderSeverity, Partition, Recommendation, RecordState,
    Remediation, Resource, ResourceDetails, Severity, SeverityLabel, StringFilter,
    StringFilterComparison, Workflow, WorkflowStatus,
};
use serde_json::Value;

use super::client::{AwsError, Clients};
use lambda_trust_model::ListedFinding;

/// `BatchImportFindings` takes at most this many findings a call (Security Hub API Reference).
const IMPORT_BATCH_SIZE: usize = 100;

/// `GetFindings`' largest page.
const PAGE_SIZE: i32 = 100;
/// Calls a finding Security Hub refused (`FailedFindings`) is sent in, at most.
pub(crate) const IMPORT_ROUNDS: usize = 3;

/// A finding Security Hub holds: what the lifecycle compares, and the finding itself (what a
/// resolution re-imports).
#[derive(Debug, Clone)]
pub(crate) struct Held {
    pub listed: ListedFinding,
    finding: AwsSecurityFinding,
}

impl Held {
    /// Its title, as Security Hub holds it.
    pub(crate) fn title(&self) -> &str {
        self.finding.title.as_deref().unwrap_or_default()
    }

    /// Its severity label (`CRITICAL`, `HIGH`, …; empty when it has none).
    pub(crate) fn severity(&self) -> &str {
        (self.finding.severity.as_ref())
            .and_then(|s| s.label.as_ref())
            .map_or("", |l| l.as_str())
    }

    /// When Security Hub last updated it, and when it was created (RFC 3339, as held).
    pub(crate) fn times(&self) -> (Option<&str>, Option<&str>) {
        let f = &self.finding;
        (f.updated_at.as_deref(), f.created_at.as_deref())
    }

    /// Its generator (which run of which watch may settle it).
    pub(crate) fn generator(&self) -> &str {
        self.finding.generator_id.as_deref().unwrap_or_default()
    }

    /// What settles it: its recommendation's text.
    pub(crate) fn remedy(&self) -> Option<&str> {
        let r = self.finding.remediation.as_ref()?.recommendation.as_ref()?;
        r.text.as_deref()
    }
}

/// `held` imported again ACTIVE with `note` before its description: a finding that still
/// stands when the watch that filed it is removed is said so in its own text (the ASFF `Note`
/// is the customer's: a provider cannot set it through BatchImportFindings), never archived.
pub(crate) fn kept_active(held: &Held, now: &str, note: &str) -> Outgoing {
    let mut finding = held.finding.clone();
    finding.record_state = Some(RecordState::Active);
    finding.updated_at = Some(now.to_owned());
    finding.processed_at = None;
    if let Some(fields) = finding.product_fields.as_mut() {
        fields.retain(|k, _| !k.starts_with("aws/"));
    }
    let was = finding.description.take().unwrap_or_default();
    // AwsSecurityFinding's Description: at most 1,024 characters.
    let text: String = format!("{note} {was}").chars().take(1024).collect();
    finding.description = Some(text);
    Outgoing {
        id: held.listed.id.clone(),
        finding,
    }
}

/// A finding ready to import.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    id: String,
    finding: AwsSecurityFinding,
}

/// A finding Security Hub still refused after [`IMPORT_ROUNDS`] calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failed {
    pub id: String,
    pub code: String,
    pub message: String,
}

/// What the imports did.
#[derive(Debug, Clone, Default)]
pub(crate) struct Imported {
    /// `BatchImportFindings` calls made.
    pub calls: usize,
    /// Findings Security Hub took.
    pub written: usize,
    /// Findings sent again after a `FailedFindings` entry.
    pub retried: usize,
    pub failed: Vec<Failed>,
}

/// The active lambda-trust findings of `account` under `product_arn` whose generator starts
/// with `generator` (the audit's, or one watch's), in `region` (`None`: the run's).
pub(crate) async fn held(
    clients: &Clients,
    region: Option<&str>,
    product_arn: &str,
    key: (&str, &str),
) -> Result<Vec<Held>, AwsError> {
    Ok(held_paged(clients, region, product_arn, key).await?.0)
}

/// [`held`], with the `GetFindings` pages it took.
pub(crate) async fn held_paged(
    clients: &Clients,
    region: Option<&str>,
    product_arn: &str,
    (account, generator): (&str, &str),
) -> Result<(Vec<Held>, usize), AwsError> {
    let eq = |v: &str| filter(v, StringFilterComparison::Equals);
    let filters = AwsSecurityFindingFilters::builder()
        .product_arn(eq(product_arn))
        .aws_account_id(eq(account))
        .generator_id(filter(generator, StringFilterComparison::Prefix))
        .record_state(eq(RecordState::Active.as_str()))
        .build();
    let hub = match region {
        Some(region) => clients.security_hub_in(region),
        None => clients.security_hub(),
    };
    let (mut held, mut calls) = (Vec::new(), 0);
    let mut pages = (hub.get_findings())
        .filters(filters)
        .max_results(PAGE_SIZE)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        calls += 1;
        let out = page.map_err(|e| hinted(AwsError::from_sdk("securityhub:GetFindings", e)))?;
        held.extend(out.findings().iter().cloned().map(held_of));
    }
    Ok((held, calls))
}

fn filter(value: &str, comparison: StringFilterComparison) -> StringFilter {
    StringFilter::builder()
        .value(value)
        .comparison(comparison)
        .build()
}

fn held_of(finding: AwsSecurityFinding) -> Held {
    let updated = finding.updated_at.as_deref();
    let listed = ListedFinding {
        id: finding.id.clone().unwrap_or_default(),
        fields: (finding.product_fields.clone().into_iter().flatten()).collect(),
        updated_at: updated
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok().map(Into::into)),
        created_at: finding.created_at.clone(),
    };
    Held { listed, finding }
}

/// The held finding closed: `RecordState ARCHIVED`, updated `now` (RFC 3339). Fields Security
/// Hub sets itself (`ProcessedAt`, its `aws/securityhub/*` product fields) are left out.
pub(crate) fn archived(held: &Held, now: &str) -> Outgoing {
    let mut finding = held.finding.clone();
    finding.record_state = Some(RecordState::Archived);
    finding.updated_at = Some(now.to_owned());
    finding.processed_at = None;
    if let Some(fields) = finding.product_fields.as_mut() {
        fields.retain(|k, _| !k.starts_with("aws/"));
    }
    Outgoing {
        id: held.listed.id.clone(),
        finding,
    }
}

/// The finding's `FindingProviderFields`: its severity and types as the provider gave them.
fn provider_fields(f: &Value) -> FindingProviderFields {
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let severity = &f["Severity"];
    let types = f["FindingProviderFields"]["Types"].as_array().map(|a| {
        (a.iter().filter_map(Value::as_str))
            .map(str::to_owned)
            .collect()
    });
    FindingProviderFields::builder()
        .severity(
            FindingProviderSeverity::builder()
                .set_label(s(&severity["Label"]).map(|l| SeverityLabel::from(l.as_str())))
                .set_original(s(&severity["Original"]))
                .build(),
        )
        .set_types(types)
        .build()
}

/// One of `report::asff`'s findings (its JSON), as the SDK sends it.
pub(crate) fn outgoing(f: &Value) -> Outgoing {
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let strings = |v: &Value| -> Option<Vec<String>> {
        v.as_array().map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
    };
    let severity = &f["Severity"];
    let label = || s(&severity["Label"]).map(|l| SeverityLabel::from(l.as_str()));
    let finding = AwsSecurityFinding::builder()
        .set_schema_version(s(&f["SchemaVersion"]))
        .set_id(s(&f["Id"]))
        .set_product_arn(s(&f["ProductArn"]))
        .set_product_name(s(&f["ProductName"]))
        .set_company_name(s(&f["CompanyName"]))
        .set_generator_id(s(&f["GeneratorId"]))
        .set_aws_account_id(s(&f["AwsAccountId"]))
        .set_region(s(&f["Region"]))
        .set_types(strings(&f["Types"]))
        .set_created_at(s(&f["CreatedAt"]))
        .set_updated_at(s(&f["UpdatedAt"]))
        .severity(
            Severity::builder()
                .set_label(label())
                .set_original(s(&severity["Original"]))
                .build(),
        )
        .finding_provider_fields(provider_fields(f))
        .set_title(s(&f["Title"]))
        .set_description(s(&f["Description"]))
        .remediation(remediation(&f["Remediation"]["Recommendation"]))
        .set_product_fields(product_fields(&f["ProductFields"]))
        .set_resources(
            f["Resources"]
                .as_array()
                .map(|r| r.iter().map(resource).collect()),
        )
        .set_compliance(s(&f["Compliance"]["Status"]).map(|c| {
            Compliance::builder()
                .status(ComplianceStatus::from(c.as_str()))
                .build()
        }))
        .set_workflow(s(&f["Workflow"]["Status"]).map(|w| {
            Workflow::builder()
                .status(WorkflowStatus::from(w.as_str()))
                .build()
        }))
        .set_record_state(s(&f["RecordState"]).map(|r| RecordState::from(r.as_str())))
        .build();
    Outgoing {
        id: s(&f["Id"]).unwrap_or_default(),
        finding,
    }
}

fn remediation(r: &Value) -> Remediation {
    let recommendation = Recommendation::builder()
        .set_text(r["Text"].as_str().map(str::to_owned))
        .set_url(r["Url"].as_str().map(str::to_owned))
        .build();
    Remediation::builder()
        .recommendation(recommendation)
        .build()
}

fn product_fields(v: &Value) -> Option<HashMap<String, String>> {
    let fields = v.as_object()?.iter();
    Some(
        fields
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect(),
    )
}

fn resource(r: &Value) -> Resource {
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let role = &r["Details"]["AwsIamRole"];
    let details = role.is_object().then(|| {
        let role = AwsIamRoleDetails::builder()
            .set_role_name(s(&role["RoleName"]))
            .build();
        ResourceDetails::builder().aws_iam_role(role).build()
    });
    Resource::builder()
        .set_type(s(&r["Type"]))
        .set_id(s(&r["Id"]))
        .set_partition(s(&r["Partition"]).map(|p| Partition::from(p.as_str())))
        .set_region(s(&r["Region"]))
        .set_details(details)
        .build()
}

/// Imports `findings` in calls of at most 100, sending the ones Security Hub refused again
/// (up to [`IMPORT_ROUNDS`] calls each); those it still refuses come back in `failed`.
pub(crate) async fn import(
    clients: &Clients,
    region: Option<&str>,
    findings: Vec<Outgoing>,
) -> Result<Imported, AwsError> {
    let hub = match region {
        Some(region) => clients.security_hub_in(region),
        None => clients.security_hub(),
    };
    let mut done = Imported::default();
    let mut pending = findings;
    for round in 1..=IMPORT_ROUNDS {
        let mut refused: Vec<(Outgoing, Failed)> = Vec::new();
        for batch in pending.chunks(IMPORT_BATCH_SIZE) {
            done.calls += 1;
            let out = (hub.batch_import_findings())
                .set_findings(Some(batch.iter().map(|o| o.finding.clone()).collect()))
                .send()
                .await
                .map_err(|e| hinted(AwsError::from_sdk("securityhub:BatchImportFindings", e)))?;
            let failed = out.failed_findings();
            done.written += batch.len().saturating_sub(failed.len());
            for f in failed {
                let id = f.id().unwrap_or_default();
                if let Some(o) = batch.iter().find(|o| o.id == id) {
                    let failed = Failed {
                        id: id.to_owned(),
                        code: f.error_code().unwrap_or_default().to_owned(),
                        message: f.error_message().unwrap_or_default().to_owned(),
                    };
                    refused.push((o.clone(), failed));
                }
            }
        }
        if refused.is_empty() {
            break;
        }
        if round == IMPORT_ROUNDS {
            done.failed = refused.into_iter().map(|(_, f)| f).collect();
            break;
        }
        done.retried += refused.len();
        pending = refused.into_iter().map(|(o, _)| o).collect();
    }
    Ok(done)
}

/// What to do when Security Hub refuses the account, whichever command asked; each command
/// adds its own way out (`app::security_hub::with_way_out`).
fn hinted(mut e: AwsError) -> AwsError {
    if e.is_code("InvalidAccessException") {
        e.hint = Some(
            "enable Security Hub CSPM in that account and region (`aws securityhub \
             enable-security-hub --region REGION`)"
                .into(),
        );
    } else if e.is_code("AccessDeniedException") && e.hint.is_none() {
        e.hint = Some(
            "the credentials need securityhub:GetFindings and securityhub:BatchImportFindings \
             in that account and region"
                .into(),
        );
    }
    e
}
