//! A Terraform plan (the JSON of `terraform show -json PLANFILE`) → the audit's account model.
//!
//! Part of the auditor's `iac`, pure: the command hands over the plan's text and the `.tf` files'
//! texts. `plan` checks the input and walks the module tree into resource instances;
//! `resources` reads the IAM ones, linking policies to roles by the values the plan knows and,
//! where a value is unknown until apply, by the configuration's `references` (`refs`);
//! `lines` finds each resource's block in the sources. Unknown values become markers,
//! widened and reported like the CloudFormation reader's (docs/iac.md).

mod lines;
mod plan;
mod refs;
mod resources;

use std::collections::BTreeMap;

use super::build::OWN_ACCOUNT;
use super::{IacInput, IacModel, NotAnalysed, Source};
use crate::details::InputError;

/// Resource types that can grant a role IAM permissions (or replace them) and are not read.
const NOT_READ: [&str; 9] = [
    "aws_iam_role_policies_exclusive",
    "aws_iam_role_policy_attachments_exclusive",
    "aws_cloudformation_stack",
    "aws_cloudformation_stack_set",
    "aws_cloudformation_stack_instances",
    "aws_ssoadmin_permission_set_inline_policy",
    "aws_ssoadmin_managed_policy_attachment",
    "aws_ssoadmin_customer_managed_policy_attachment",
    "aws_ssoadmin_permissions_boundary_attachment",
];

/// One plan and what the command line says about it.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    /// The plan file's name, for messages and as the location when no source line is found.
    pub file: String,
    /// The plan's JSON text (`terraform show -json`).
    pub text: String,
    /// The `.tf` files under the source directory: path relative to it (`/`-separated) → text.
    pub sources: BTreeMap<String, String>,
    /// The source directory as reports name it (prefixed to the relative paths; empty: none).
    pub source_dir: String,
    /// The account the plan applies to; else a stand-in (`build::OWN_ACCOUNT`).
    pub account_id: Option<String>,
    /// The region a Lambda permission's function name is completed with (`None`: such a
    /// permission's function is not known).
    pub region: Option<String>,
}

/// Reads a plan into the model (see the module header).
pub fn read_plan(input: &PlanInput) -> Result<IacModel, InputError> {
    let parsed = plan::parse(&input.file, &input.text)?;
    let instances = plan::instances(&parsed);
    let config = refs::Config::new(&parsed);
    let account = input.account_id.clone().unwrap_or(OWN_ACCOUNT.into());
    let lines = lines::Lines::new(&input.sources);
    let place = |i: &plan::Instance| -> (Option<String>, Option<usize>) {
        let dir = config.dir(&i.module_path);
        match dir.and_then(|d| lines.find(d, i.data, &i.kind, &i.name)) {
            Some((file, line)) => (Some(labelled(&input.source_dir, file)), Some(*line)),
            None => (None, None),
        }
    };
    let not_analysed = instances
        .iter()
        .filter(|i| {
            !i.data && (NOT_READ.contains(&i.kind.as_str()) || i.kind.starts_with("awscc_iam_"))
        })
        .map(|i| {
            let (file, line) = place(i);
            NotAnalysed {
                resource: i.address.clone(),
                resource_type: i.kind.clone(),
                line,
                file,
            }
        })
        .collect();
    let by_address: BTreeMap<&str, &plan::Instance> =
        instances.iter().map(|i| (i.address.as_str(), i)).collect();
    let locate = |address: &str| {
        let (file, line) = by_address.get(address).map_or((None, None), |i| place(i));
        Source {
            resource: address.to_owned(),
            line,
            file,
        }
    };
    let mut reader = resources::Reader::new(refs::Config::new(&parsed), &instances, account);
    reader.build.region = input.region.clone();
    reader.build.partition = (input.region.as_deref())
        .and_then(lambda_trust_iam::partition_of_region)
        .unwrap_or("aws")
        .to_owned();
    reader.read();
    let mut model = reader.build.finish(
        input.account_id.clone(),
        reader.unknowns,
        &locate,
        not_analysed,
    );
    model.input = IacInput::Plan;
    Ok(model)
}

fn labelled(dir: &str, file: &str) -> String {
    match dir.trim_end_matches('/') {
        "" | "." => file.to_owned(),
        d => format!("{d}/{file}"),
    }
}
