//! The results of the commands that change things — `plan`, `apply`, `destroy`, `onboard` and
//! `offboard`, `init` — as typed, serializable structs: their `--format json` output. Each
//! carries `schema_version`; the shapes are in `docs/json-output.md` and, as JSON Schemas, in
//! `docs/schemas/` (tests validate real outputs against them).

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use lambda_trust_provision::{
    describe, describe_genesys, ChangeSet, ChangeView, GenesysPlan, HandedOver, KeptAction, Plan,
    Verification,
};

/// One for every output (fields are only ever added within a version).
pub(crate) use lambda_trust_verdict::SCHEMA_VERSION;

/// Pretty JSON of a result. Plain data serializes; keep a valid document regardless.
pub(crate) fn to_json(result: &impl Serialize) -> String {
    serde_json::to_string_pretty(result).unwrap_or_else(|_| "{}".to_string())
}

/// `plan`, `destroy` without `--yes`, and the plan inside `onboard --dry-run`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(extend("allOf" = [
    {
        "if": {"properties": {"in_sync": {"const": true}}},
        "then": {
            "properties": {
                "changes": {"maxItems": 0},
                "genesys": {"properties": {"in_sync": {"const": true}}}
            },
            "not": {"required": ["handed_over"]}
        }
    },
    {
        "if": {"properties": {"in_sync": {"const": false}}},
        "then": {"anyOf": [
            {"properties": {"changes": {"minItems": 1}}},
            {
                "required": ["genesys"],
                "properties": {"genesys": {"properties": {"in_sync": {"const": false}}}}
            },
            {"required": ["handed_over"]},
            {"required": ["watch"]}
        ]}
    }
]))]
pub(crate) struct PlanResult<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// Both sides: nothing to write.
    pub in_sync: bool,
    /// The AWS changes, in the order apply makes them.
    #[schemars(schema_with = "super::schemas::one::<super::schemas::Changes>")]
    pub changes: Vec<ChangeView>,
    /// Present with `[genesys]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "super::schemas::genesys_plan")]
    pub genesys: Option<GenesysChanges>,
    /// With `managed_by`: the changes the config wants on a side that tool manages, made in
    /// its code, never by lambda-trust (docs/export.md).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    #[schemars(length(min = 1))]
    pub handed_over: &'a [HandedOver],
    /// `destroy`: the config's deployed watch, removed first (before the role it watches), one
    /// change a line.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    #[schemars(length(min = 1))]
    pub watch: &'a [String],
}

impl<'a> PlanResult<'a> {
    pub(crate) fn new(set: &'a ChangeSet) -> PlanResult<'a> {
        PlanResult::with_watch(set, &[])
    }

    /// `destroy`'s plan: the set, and the deployed watch removed before it.
    pub(crate) fn with_watch(set: &'a ChangeSet, watch: &'a [String]) -> PlanResult<'a> {
        PlanResult {
            schema_version: SCHEMA_VERSION,
            in_sync: set.planned_writes() == 0 && set.handed_over.is_empty() && watch.is_empty(),
            changes: changes(&set.aws),
            genesys: set
                .genesys
                .as_ref()
                .map(|g| GenesysChanges::new(g, g.ops.len())),
            handed_over: &set.handed_over,
            watch,
        }
    }
}

/// The Genesys Cloud side, with [genesys] in the config (plan, apply, destroy, onboard/offboard
/// --dry-run).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "genesysPlan", deny_unknown_fields)]
#[schemars(extend(
    "if" = {"properties": {"in_sync": {"const": true}}},
    "then" = {"properties": {"changes": {"maxItems": 0}}},
    "else" = {"properties": {"changes": {"minItems": 1}}}
))]
pub(crate) struct GenesysChanges {
    /// Nothing to write on the Genesys Cloud side (as planned).
    pub in_sync: bool,
    /// Write requests: planned (`plan`, `destroy` without `--yes`) or made (`apply`,
    /// `destroy --yes`).
    pub writes: usize,
    #[schemars(schema_with = "super::schemas::one::<super::schemas::Changes>")]
    pub changes: Vec<ChangeView>,
    /// Actions in our integration that lambda-trust did not create: reported, never changed.
    pub foreign_actions: Vec<ForeignAction>,
    /// Superseded actions a published flow still calls: kept until nothing calls them.
    pub kept_actions: Vec<KeptAction>,
}

/// An action lambda-trust does not own.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(rename = "genesysAction", deny_unknown_fields)]
pub(crate) struct ForeignAction {
    pub id: String,
    pub name: String,
    pub function_arn: String,
}

impl GenesysChanges {
    pub(crate) fn new(plan: &GenesysPlan, writes: usize) -> GenesysChanges {
        GenesysChanges {
            in_sync: plan.ops.is_empty(),
            writes,
            changes: plan.ops.iter().map(describe_genesys).collect(),
            foreign_actions: plan
                .foreign
                .iter()
                .map(|a| ForeignAction {
                    id: a.id.clone(),
                    name: a.def.name.clone(),
                    function_arn: a.def.function_arn().to_string(),
                })
                .collect(),
            kept_actions: plan.kept.clone(),
        }
    }
}

fn changes(plan: &Plan) -> Vec<ChangeView> {
    plan.ops.iter().map(describe).collect()
}

/// Write calls made, per side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Writes {
    pub aws: usize,
    pub genesys: usize,
}

impl Writes {
    pub(crate) fn total(self) -> usize {
        self.aws + self.genesys
    }
}

/// What a run wrote: `apply`'s and `destroy --yes`'s body.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Written {
    /// AWS write calls made.
    pub writes: usize,
    /// The AWS changes made, in order.
    #[schemars(schema_with = "super::schemas::one::<super::schemas::Changes>")]
    pub changes: Vec<ChangeView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "super::schemas::genesys_plan")]
    pub genesys: Option<GenesysChanges>,
}

impl Written {
    pub(crate) fn new(set: &ChangeSet, writes: Writes) -> Written {
        Written {
            writes: writes.aws,
            changes: changes(&set.aws),
            genesys: set
                .genesys
                .as_ref()
                .map(|g| GenesysChanges::new(g, writes.genesys)),
        }
    }
}

/// `apply`: `{"schema_version", "applied": true, "writes", "changes", "genesys"?}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ApplyResult {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    #[schemars(extend("const" = true))]
    pub applied: bool,
    #[serde(flatten)]
    pub written: Written,
}

impl ApplyResult {
    pub(crate) fn new(set: &ChangeSet, writes: Writes) -> ApplyResult {
        ApplyResult {
            schema_version: SCHEMA_VERSION,
            applied: true,
            written: Written::new(set, writes),
        }
    }
}

/// `destroy --yes` (and `destroy` with nothing to delete):
/// `{"schema_version", "destroyed": true, "writes", "changes", "genesys"?}`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct DestroyResult {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    #[schemars(extend("const" = true))]
    pub destroyed: bool,
    #[serde(flatten)]
    pub written: Written,
    /// The config's watch, removed before the role it watches (its writes are in `writes`),
    /// one change a line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1))]
    pub watch: Vec<String>,
}

impl DestroyResult {
    pub(crate) fn new(set: &ChangeSet, writes: Writes, watch: &[String]) -> DestroyResult {
        DestroyResult {
            schema_version: SCHEMA_VERSION,
            destroyed: true,
            written: Written::new(set, writes),
            watch: watch.to_vec(),
        }
    }
}

/// `onboard`/`offboard`: what changed, writes on both sides, and the proof of the result.
/// `verification` is absent when nothing was to be done (the target was already there).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct OnboardResult {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// e.g. `onboarded ARN`, `offboarded 1 target entry`.
    #[schemars(length(min = 1))]
    pub summary: String,
    /// Write calls made, AWS and Genesys Cloud.
    pub writes: usize,
    /// The AWS changes applied.
    #[schemars(schema_with = "super::schemas::one::<super::schemas::Changes>")]
    pub changes: Vec<ChangeView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The result, proved as `verify` proves it; absent when there was nothing to do (the
    /// target was already in the config).
    #[schemars(schema_with = "super::schemas::one::<lambda_trust_provision::Verification>")]
    pub verification: Option<Verification>,
}

impl OnboardResult {
    pub(crate) fn new(summary: &str, set: &ChangeSet, writes: Writes, v: &Verification) -> Self {
        OnboardResult {
            schema_version: SCHEMA_VERSION,
            summary: summary.to_string(),
            writes: writes.total(),
            changes: changes(&set.aws),
            verification: Some(v.clone()),
        }
    }

    /// Nothing to do: the config already says so.
    pub(crate) fn nothing_to_do(summary: String) -> OnboardResult {
        OnboardResult {
            schema_version: SCHEMA_VERSION,
            summary,
            writes: 0,
            changes: Vec::new(),
            verification: None,
        }
    }
}

/// `onboard`/`offboard --dry-run`: the config diff and the plan; nothing is written.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct DryRunResult<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    #[schemars(extend("const" = true))]
    pub dry_run: bool,
    /// A unified diff of the config file.
    pub config_diff: String,
    #[schemars(schema_with = "super::schemas::plan")]
    pub plan: PlanResult<'a>,
}

impl DryRunResult<'_> {
    pub(crate) fn new(config_diff: String, set: &ChangeSet) -> DryRunResult<'_> {
        DryRunResult {
            schema_version: SCHEMA_VERSION,
            dry_run: true,
            config_diff,
            plan: PlanResult::new(set),
        }
    }
}

/// `org-policies`: the files written for one account, root to account.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct OrgPoliciesResult {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// The account whose path from the root the files hold.
    #[schemars(regex(pattern = r"^\d{12}$"))]
    pub account: String,
    /// The organization's ID, which each file carries.
    pub organization: Option<String>,
    /// The directory written (give it to `--org-policies`).
    #[schemars(length(min = 1))]
    pub directory: String,
    /// The files, root first.
    pub files: Vec<OrgPolicyFileWritten>,
}

/// One file `org-policies` wrote.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct OrgPolicyFileWritten {
    #[schemars(length(min = 1))]
    pub file: String,
    /// `SCP` or `RCP`.
    #[schemars(regex(pattern = "^(SCP|RCP)$"))]
    pub kind: String,
    /// The policy's ID.
    #[schemars(length(min = 1))]
    pub id: String,
    pub name: String,
    /// Where it is attached, as the Organizations console names it.
    #[schemars(length(min = 1))]
    pub level: String,
}

/// `init`: the file written, its targets, and the functions written commented out.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct InitResult {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// The path of the config file written.
    #[schemars(length(min = 1))]
    pub written: String,
    /// The [[targets]] entries: bare names or function ARNs, as written.
    #[schemars(inner(length(min = 1)))]
    pub targets: Vec<String>,
    /// With --from-account: the listed functions not matched, written as commented-out entries.
    #[schemars(inner(length(min = 1)))]
    pub commented_out: Vec<String>,
    /// With --env: the environment written (`[environments.NAME]`), and what it overrides of
    /// the file's base (`trust.external_id`, `aws.profile`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<EnvironmentWritten>,
}

/// The environment `init --env NAME` wrote.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct EnvironmentWritten {
    /// Its name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// The keys it overrides, dotted (`aws.profile`).
    #[schemars(inner(length(min = 1)))]
    pub overrides: Vec<String>,
}

/// `init --from-genesys`: what was written, imported and left out (with why).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ImportResult {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// The path of the config file written.
    #[schemars(length(min = 1))]
    pub written: String,
    /// The targets' function ARNs, as the actions call them.
    #[schemars(inner(length(min = 1)))]
    pub targets: Vec<String>,
    /// Always empty here (`init --from-account`'s unmatched functions).
    #[schemars(inner(length(min = 1)))]
    pub commented_out: Vec<String>,
    /// Actions imported (each reproduced exactly in the config).
    pub imported: usize,
    /// The actions left out (kept in Genesys Cloud, untouched), with why.
    pub left_out: Vec<lambda_trust_audit::LeftOut>,
    /// With --from-role: the role read, its findings and where the config differs from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "ImportedRoleResult")]
    pub role: Option<ImportedRoleResult>,
    /// With --env on an existing config: the environment added (nothing else was written:
    /// targets are shared, and how the org's functions differ from them is said on stderr).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "EnvironmentWritten")]
    pub environment: Option<EnvironmentWritten>,
    /// `init --from-genesys`: the integration is not lambda-trust's, so the next step adopts it
    /// (the config's header says so too); one lambda-trust wrote is planned as it is.
    #[serde(skip)]
    pub adopt: bool,
}

/// `init --from-role`: the role as read.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ImportedRoleResult {
    #[schemars(length(min = 1))]
    pub name: String,
    /// The audit's findings on the role as it is today.
    pub findings: Vec<lambda_trust_audit::AuditFinding>,
    /// Where the written config differs from the role (`plan --adopt` shows each change).
    #[schemars(inner(length(min = 1)))]
    pub notes: Vec<String>,
}

impl ImportedRoleResult {
    pub(crate) fn of(r: &lambda_trust_audit::ImportedRole) -> ImportedRoleResult {
        ImportedRoleResult {
            name: r.name.clone(),
            findings: r.findings.clone(),
            notes: r.notes.clone(),
        }
    }
}

/// `verify`: the verification and, when something drifted on AWS, the drift findings (as
/// `check` gives them, with who made each change).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct VerifyResult<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// The environment verified (`[environments.NAME]`), when the config has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<&'a str>,
    /// The role, account and region verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<&'a lambda_trust_provision::Subject>,
    #[serde(flatten)]
    pub verification: &'a Verification,
    /// What changed on AWS, with who changed it (check's finding shape): only when something
    /// drifted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "super::schemas::non_empty_list::<lambda_trust_provision::Finding>")]
    pub changes: Option<&'a [lambda_trust_provision::Finding]>,
    /// Why one side could not be verified (the Genesys Cloud side: signing in or reading
    /// failed); every check of the other side is still in `checks` and `proofs`. Exit 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub error: Option<&'a str>,
    /// Whether the organization's resource control policies over the role's account admit
    /// Genesys Cloud only with your org ID (a guardrail, docs/guardrail.md): the role's own
    /// checks stand either way. Absent: not decided (the organization's policies not read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guarded: Option<bool>,
}

/// `verify` of several environments (`--env all`, or none given on a config with
/// environments): each one's result as `verify --env NAME` gives it, verified concurrently.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct VerifyEnvironmentsResult<'a> {
    #[schemars(schema_with = "super::schemas::schema_version")]
    pub schema_version: u32,
    /// Every environment verified and passed (exit 0; otherwise the worst of their codes).
    pub passed: bool,
    /// Each environment's result, in the config's order.
    #[schemars(length(min = 2))]
    pub environments: Vec<VerifyResult<'a>>,
}

/// `render --which all`: both documents. `--which trust|invoke` prints the document itself,
/// ready to pass to `simulate`, `prove` or `aws iam`; the documents carry no `schema_version`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RenderedPolicies<'a> {
    pub trust: &'a Value,
    pub invoke: &'a Value,
}

/// The whole JSON value of a result, as the tests read it.
#[cfg(test)]
pub(crate) fn to_value(result: &impl Serialize) -> Value {
    serde_json::to_value(result).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_trust_provision::{AttachmentOp, Op};

    fn attach() -> Plan {
        Plan {
            ops: vec![Op::Attachment(AttachmentOp::Attach {
                role: "R".into(),
                arn: "arn:aws:iam::111122223333:policy/P".into(),
            })],
        }
    }

    #[test]
    fn a_plan_result_is_in_sync_only_when_both_sides_are() {
        let set = ChangeSet::converge(Plan::default(), Some(GenesysPlan::default()));
        let v = to_value(&PlanResult::new(&set));
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["in_sync"], true);
        assert_eq!(v["genesys"]["in_sync"], true);
        let v = to_value(&PlanResult::new(&ChangeSet::converge(attach(), None)));
        assert_eq!(v["in_sync"], false);
        assert_eq!(v["changes"][0]["action"], "create");
        assert!(v.get("genesys").is_none(), "no [genesys], no member: {v}");
    }

    #[test]
    fn apply_and_destroy_count_each_sides_writes() {
        let set = ChangeSet::converge(attach(), Some(GenesysPlan::default()));
        let writes = Writes { aws: 1, genesys: 0 };
        let v = to_value(&ApplyResult::new(&set, writes));
        assert_eq!(
            (v["applied"].clone(), v["writes"].clone()),
            (true.into(), 1.into())
        );
        assert_eq!(v["genesys"]["writes"], 0);
        let v = to_value(&DestroyResult::new(&set, Writes::default(), &[]));
        assert_eq!(v["destroyed"], true);
        assert_eq!(v["schema_version"], 1);
    }
}
