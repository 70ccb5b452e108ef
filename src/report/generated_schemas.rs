//! Each schema generated from the result types, as `docs/schemas/` holds it: written by
//! `just schemas` and compared by `report::tests::schemas` (the binary itself never generates
//! them, so this is built for the tests only).
#![cfg(test)]

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use lambda_trust_model::{SchemaAccountId as AccountId, SchemaDocument as Document, SchemaVersion};

use super::results::GenesysChanges;
use super::schemas::*;

/// The common schema's file, as the result types' references name it
/// (`common.schema.json#/$defs/NAME`); `tests/it/json_schemas.rs` resolves every reference
/// against the committed files.
const COMMON_FILE: &str = "common.schema.json";

/// Each generated schema: its file name under `docs/schemas/` and the document.
pub(crate) fn generated() -> Vec<(&'static str, Value)> {
    vec![
        common_schema(),
        document::<super::lint::LintOutput>(
            "lint.schema.json",
            "lambda-trust lint --format json",
            "The findings of `lambda-trust lint` on the config and the rendered policies \
             (errors exit 1, warnings alone exit 0).",
        ),
        document::<super::events::EventLine>(
            "event.schema.json",
            "lambda-trust --progress json (stderr)",
            "One event of a run as one line of JSON on stderr under `--progress json`: what a \
             command tells while it runs (reading, a write starting, a retried call's wait, a \
             note, a warning), tagged by `event`. Results stay on stdout.",
        ),
        document::<crate::error::ErrorReport>(
            "error.schema.json",
            "lambda-trust failed run under --format json (stderr)",
            "A run that fails with --format json prints nothing on stdout and this one object, on \
             one line, as the last line of stderr.",
        ),
        document::<super::version::VersionResult>(
            "version.schema.json",
            "lambda-trust --version --format json",
            "What the binary was built from, for a bug report.",
        ),
        document::<super::genesys::RegionsResult<'static>>(
            "genesys-regions.schema.json",
            "lambda-trust genesys regions --format json",
            "The Genesys Cloud region table of `lambda-trust genesys regions`: each region with \
             its Platform API URL and login (OAuth) URL.",
        ),
        document::<super::prove::ProveResult<'static>>(
            "prove.schema.json",
            "lambda-trust prove --format json",
            "The properties `lambda-trust prove` decided over every request, offline (exit 0 when \
             all are proved).",
        ),
        document::<super::simulate::SimulateResult<'static>>(
            "simulate.schema.json",
            "lambda-trust simulate --format json",
            "The decision of `lambda-trust simulate` on one request, and the statements that \
             decided it (one line of JSON).",
        ),
        document::<super::results::PlanResult>(
            "plan.schema.json",
            "lambda-trust plan --format json",
            "What `lambda-trust apply` would change (read-only). Also the shape of `destroy` \
             without --yes and of the `plan` of onboard/offboard --dry-run. `genesys` only with \
             [genesys] in the config; `in_sync` then covers both sides.",
        ),
        document::<super::results::ApplyResult>(
            "apply.schema.json",
            "lambda-trust apply --format json",
            "What `lambda-trust apply` changed: the AWS write calls made and the changes applied \
             (none when in sync). `genesys` only with [genesys] in the config; its `writes` are \
             the Genesys Cloud writes made.",
        ),
        one_of(
            "destroy.schema.json",
            "lambda-trust destroy --format json",
            "`lambda-trust destroy`: without --yes, what it would delete (the plan shape, exit \
             2); with --yes, what it deleted. `genesys` only with [genesys] in the config.",
            vec![
                json!({"$ref": "plan.schema.json"}),
                root::<super::results::DestroyResult>(),
            ],
        ),
        one_of(
            "onboard.schema.json",
            "lambda-trust onboard --format json",
            "`lambda-trust onboard` (and `offboard`, the same shape): the config edited, the \
             changes applied and the result verified; with --dry-run, the config diff and the \
             plan, nothing changed.",
            vec![
                root::<super::results::OnboardResult>(),
                root::<super::results::DryRunResult>(),
            ],
        ),
        one_of(
            "verify.schema.json",
            "lambda-trust verify --format json",
            "The checklist and proofs of `lambda-trust verify` over the live role (exit 0 when \
             `passed`, 3 otherwise). `proofs` is absent when the role does not exist; `changes` \
             (what changed on AWS, with who changed it, in check's finding shape) is present \
             only when something drifted. With [genesys], Genesys Cloud checks are named \
             `genesys: …`. With environments, `isolation` holds the environment's live role \
             proved against every other environment, and several environments verified at once \
             give `environments`, one result each.",
            vec![
                root::<super::results::VerifyResult<'static>>(),
                root::<super::results::VerifyEnvironmentsResult<'static>>(),
            ],
        ),
        one_of(
            "init.schema.json",
            "lambda-trust init --format json",
            "What `lambda-trust init` wrote: the config file and its targets; with \
             --from-genesys also how many actions were imported and which were left out, with \
             why; with --from-role the role's findings and where the config differs from it.",
            vec![
                root::<super::results::InitResult>(),
                root::<super::results::ImportResult>(),
            ],
        ),
        document::<super::watch::deploy::WatchResult>(
            "watch.schema.json",
            "lambda-trust watch deploy|status|destroy --format json",
            "The watching function's deployment: the function, its rules, whether its code is the \
             local package's, and the writes pending or made.",
        ),
        document::<lambda_trust_provision::WatchRecord>(
            "watch-run.schema.json",
            "lambda-trust watch run (the watching function's answer to each invocation)",
            "One invocation of the watching function: the event's change, what was read again, \
             the verdict and where the findings went (Security Hub, the SNS topic, the Config \
             rule). The function answers it and logs it as one line.",
        ),
        document::<lambda_trust_provision::OrgWatchRecord>(
            "org-watch-run.schema.json",
            "lambda-trust watch run (the organization watch's function's answer to each invocation)",
            "One invocation of the organization watch's function: what the event asked, each \
             account re-proved through its reader role, the partner roles and their findings' \
             codes, and where they were published (that account's Security Hub).",
        ),
        document::<super::diff::DiffResult>(
            "diff.schema.json",
            "lambda-trust diff --format json",
            "Two environments of one config compared live, their configured overrides taken out: \
             the role, the grants of its invoke policies and each Genesys Cloud data action.",
        ),
        document::<super::export::ExportResult>(
            "export.schema.json",
            "lambda-trust export terraform|cloudformation --format json",
            "What `lambda-trust export` wrote: the files, how many managed objects they hold and how \
             many carry an import of the live object, and what was not exported with why.",
        ),
        document::<super::ids::IdsResult>(
            "ids.schema.json",
            "lambda-trust ids --format json",
            "One org's Genesys Cloud IDs of the integration, the credential and each configured \
             data action, with the key flows substitute each under.",
        ),
        document::<super::results::OrgPoliciesResult>(
            "org-policies.schema.json",
            "lambda-trust org-policies --format json",
            "The files `lambda-trust org-policies` wrote: one account's SCPs and RCPs from the \
             root to the account, in the format `--org-policies DIR` reads.",
        ),
        document::<super::guardrail::GuardrailResult>(
            "guardrail.schema.json",
            "lambda-trust guardrail plan|check|apply --format json",
            "The organization's guardrail (a resource control policy): its document, its targets \
             and their member accounts, what apply writes (`changes`; `writes` after apply), what \
             is refused, each claim proved or failed with a request or unknown, the roles it stops \
             and cannot cover, and what was not read. Exit 0 in sync, 2 changes or refusals, 3 a \
             failed claim.",
        ),
        document::<super::guardrail::GuardrailDestroyed>(
            "guardrail-destroy.schema.json",
            "lambda-trust guardrail destroy --format json",
            "What `guardrail destroy` removed: lambda-trust's guardrail, detached from each \
             target and deleted (absent when none was found).",
        ),
        document::<super::guardrail::GuardrailCode>(
            "guardrail-export.schema.json",
            "lambda-trust guardrail export --format json",
            "The guardrail `guardrail export` writes as Terraform or CloudFormation: its name, \
             document, targets and ID when it exists.",
        ),
        document::<super::check_notes::CheckDocument<'static>>(
            "check.schema.json",
            "lambda-trust check --format json",
            "The drift check of `lambda-trust check` over one or several configs (also what \
             --json FILE writes): per config, ok, drift with its findings, or error.",
        ),
        one_of(
            "audit.schema.json",
            "lambda-trust audit --format json",
            "`lambda-trust audit`: every role a partner can assume, proved. One account: the \
             account report; with --organization or --accounts: one report over every account, \
             a failed account an entry of its own. Also what --json FILE writes. With --template \
             or --plan: the account report of the template or plan, with where each role is \
             defined, the values unknown before deployment and the resources not analysed.",
            vec![
                root::<lambda_trust_audit::AccountReport>(),
                root::<lambda_trust_audit::OrgReport>(),
                root::<lambda_trust_audit::IacReport>(),
            ],
        ),
        with_header(
            "offboard.schema.json",
            "lambda-trust offboard --format json",
            "`lambda-trust offboard`: the same shapes as onboard (the result, or with --dry-run \
             the config diff and the plan).",
            json!({"$ref": "onboard.schema.json"}),
        ),
    ]
}

/// `common.schema.json`: the definition of every type the other schemas reference there
/// (`lambda_trust_provision::schema_refs`), and of the types those contain; references between them are local.
pub(crate) fn common_schema() -> (&'static str, Value) {
    use lambda_trust_provision::{ChangeView, ChangedBy, Check, Finding, Verification};
    let mut generator = settings().into_generator();
    let g = &mut generator;
    g.subschema_for::<SchemaVersion>();
    g.subschema_for::<AccountId>();
    g.subschema_for::<Document>();
    g.subschema_for::<ChangeView>();
    g.subschema_for::<Changes>();
    g.subschema_for::<lambda_trust_iam::StatementRef>();
    g.subschema_for::<lambda_trust_iam::Request>();
    g.subschema_for::<lambda_trust_iam::PropertyResult>();
    g.subschema_for::<Check>();
    g.subschema_for::<Verification>();
    g.subschema_for::<ChangedBy>();
    g.subschema_for::<Finding>();
    g.subschema_for::<lambda_trust_model::Flow>();
    g.subschema_for::<super::results::ForeignAction>();
    g.subschema_for::<GenesysChanges>();
    let mut defs = Value::Object(generator.take_definitions(true));
    local_refs(&mut defs);
    with_header(
        COMMON_FILE,
        "lambda-trust: shapes shared by the --format json outputs",
        "Not an output of its own: the $defs the command schemas refer to (a planned change, a \
         statement reference, a request, a proved property, a verify checklist line, a check \
         finding and its CloudTrail attribution, the Genesys Cloud plan section).",
        json!({"$defs": defs}),
    )
}

/// `common.schema.json#/$defs/NAME` → `#/$defs/NAME`, inside the common schema itself.
fn local_refs(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(r) if key == "$ref" => {
                        if let Some(local) = r.strip_prefix(COMMON_FILE) {
                            *r = local.to_string();
                        }
                    }
                    other => local_refs(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(local_refs),
        _ => {}
    }
}

/// One of several root schemas, their `$defs` (`#/$defs/…` references) gathered at the top.
fn one_of(
    file: &'static str,
    title: &str,
    description: &str,
    mut roots: Vec<Value>,
) -> (&'static str, Value) {
    let mut defs = Map::new();
    for root in &mut roots {
        let Some(Value::Object(own)) = root.as_object_mut().and_then(|r| r.remove("$defs")) else {
            continue;
        };
        for (name, def) in own {
            let old = defs.insert(name.clone(), def.clone());
            assert!(
                old.is_none_or(|o| o == def),
                "{file}: two definitions of {name}"
            );
        }
    }
    let mut schema = json!({"oneOf": roots});
    if !defs.is_empty() {
        schema["$defs"] = Value::Object(defs);
    }
    with_header(file, title, description, schema)
}

/// Draft 2020-12, as serialized.
fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12().for_serialize()
}

/// The schema of `T` as generated, without `$schema`.
fn root<T: JsonSchema>() -> Value {
    let generator = settings().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    if let Some(map) = schema.as_object_mut() {
        map.remove("$schema");
        map.remove("title");
    }
    schema
}

/// The root schema of `T`, with `$schema`, `$id`, `title` and `description` first.
fn document<T: JsonSchema>(
    file: &'static str,
    title: &str,
    description: &str,
) -> (&'static str, Value) {
    with_header(file, title, description, root::<T>())
}

/// `schema` under `$schema`, `title` and `description` (which replaces the type's own). No `$id`:
/// the project has no public home to name, so a schema's references (`common.schema.json#…`)
/// resolve against where the file is read from, beside the others in docs/schemas/.
fn with_header(
    file: &'static str,
    title: &str,
    description: &str,
    schema: Value,
) -> (&'static str, Value) {
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    out.insert("title".into(), title.into());
    out.insert("description".into(), description.into());
    for (k, v) in schema.as_object().into_iter().flatten() {
        if !out.contains_key(k) {
            out.insert(k.clone(), v.clone());
        }
    }
    (file, Value::Object(out))
}
