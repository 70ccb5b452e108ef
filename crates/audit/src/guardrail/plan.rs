//! What `guardrail plan` would write and `guardrail check` finds, from the spec and the
//! organization as read: the changes (enable RCPs on the root, create or update the policy in
//! place, attach, detach), what is refused before any write, and the proofs.
//!
//! Part of `guardrail`. lambda-trust writes only its own policy (tagged as its guardrail):
//! others' RCPs and `RCPFullAWSAccess` are read, never changed.

use std::collections::BTreeMap;

use lambda_trust_iam::{minified_len, semantically_equal, Verdict};
use lambda_trust_verdict::SCHEMA_VERSION;

use super::chosen::choose;
use super::document::{guardrail_document, FULL_ACCESS, MAX_ATTACHED, MAX_CHARACTERS, NAME};
use super::model::GuardrailAsked;
use super::model::{
    Covered, GuardrailChange as Change, GuardrailClaim, GuardrailMode, GuardrailPlan,
};
use super::model::{GuardrailPolicy, GuardrailProperty, GuardrailRoles, GuardrailSpec};
use super::proof::{prove, Attached, Proofs};
use super::record::{changed_since, record_tags, Now, Recording, EXPORTED};
use crate::organization::{OrgTree, StoredPolicy};

/// The partitions whose Organizations documents RCPs.
const RCP_PARTITIONS: [&str; 2] = ["aws", "aws-cn"];

/// Plans (or, with [`GuardrailMode::Check`], checks) the guardrail `asked` for over `tree`, each
/// family not given as apply recorded it (`chosen`); `Err` is input that cannot be planned at
/// all (a malformed ID, a target outside the organization, a partition without RCPs, no org
/// ID), refused before any write.
pub fn plan_guardrail(
    mode: GuardrailMode,
    asked: &GuardrailAsked,
    tree: &OrgTree,
    roles: &GuardrailRoles,
) -> Result<GuardrailPlan, String> {
    partition_with_rcps(tree)?;
    super::given::refuse_given(asked, tree, roles)?;
    let choice = choose(mode, asked, tree)?;
    let spec = &choice.spec;
    let document = guardrail_document(spec)?;
    let targets = targets(spec, tree)?;
    let mut refused = namesake(tree).into_iter().collect::<Vec<_>>();
    let covered = covered(tree, &targets, &mut refused);
    let stored = tree.ours().filter(|_| tree.rcps_enabled);
    let (proved_doc, proved_targets) = match (mode, stored) {
        (GuardrailMode::Plan, _) => (&document, targets.clone()),
        (GuardrailMode::Check, Some(p)) => (&p.document, p.targets.clone()),
        (GuardrailMode::Check, None) => (&document, Vec::new()),
    };
    let attached = Attached {
        document: proved_doc,
        targets: &proved_targets,
    };
    let mut proofs = prove(tree, spec, &attached, roles);
    let compared = mode == GuardrailMode::Plan || as_generated(stored, &document, &targets);
    let record = recorded(tree, spec, &covered, &proofs, compared);
    let (tags, as_code) = (record.tags.clone(), record.as_code.clone());
    let differs = (choice.differs.into_iter()).map(|why| Change::Differs { why });
    let writes = self::changes(tree, &document, &targets, record, &mut refused);
    let changes: Vec<Change> = differs.chain(writes).collect();
    let merges = (at_quota(tree, &targets).into_iter())
        .flat_map(|t| super::merge::merges(tree, spec, &document, t))
        .collect();
    proofs
        .claims
        .push(coverage(mode, tree, &covered, &proved_targets));
    Ok(GuardrailPlan {
        schema_version: SCHEMA_VERSION,
        mode,
        policy: policy(tree, document),
        choices: choice.choices,
        targets: covered,
        changes,
        merges,
        refused,
        claims: proofs.claims,
        stops: proofs.stops,
        uncovered: proofs.uncovered,
        not_read: proofs.not_read,
        not_read_uncovered: proofs.not_read_uncovered,
        record: tags,
        record_as_code: as_code,
    })
}

/// RCPs are documented in the `aws` and `aws-cn` partitions only.
fn partition_with_rcps(tree: &OrgTree) -> Result<(), String> {
    match RCP_PARTITIONS.contains(&tree.partition.as_str()) {
        true => Ok(()),
        false => Err(format!(
            "the {} partition: resource control policies are documented only in the aws and \
             aws-cn partitions",
            tree.partition
        )),
    }
}

/// The policy generated, beside the one stored.
fn policy(tree: &OrgTree, document: serde_json::Value) -> GuardrailPolicy {
    GuardrailPolicy {
        name: NAME.into(),
        id: tree.ours().map(|p| p.id.clone()),
        stored: tree.ours().map(|p| p.document.clone()),
        exported: tree.ours().is_some_and(|p| p.record().exported()),
        size: minified_len(&document),
        document,
        limit: MAX_CHARACTERS,
    }
}

/// An RCP of lambda-trust's name that is not tagged as its guardrail: `CreatePolicy` would fail
/// (`DuplicatePolicyException`), and lambda-trust never writes a policy it did not tag.
fn namesake(tree: &OrgTree) -> Option<String> {
    let p = (tree.policies.iter()).find(|p| !p.ours && p.name == NAME)?;
    Some(format!(
        "an RCP named {NAME} already exists ({}) without lambda-trust's tags: lambda-trust \
         never writes a policy it did not tag; rename or delete it (aws organizations \
         update-policy --policy-id {} --name …), or tag it managed-by = lambda-trust and \
         lambda-trust:guardrail = genesys-cloud-external-id to adopt it",
        p.id, p.id
    ))
}

/// Each target with the member accounts under it; one with none is refused.
fn covered(tree: &OrgTree, targets: &[String], refused: &mut Vec<String>) -> Vec<Covered> {
    let covered: Vec<Covered> = (targets.iter())
        .map(|t| Covered {
            target: t.clone(),
            name: tree.name_of(t),
            accounts: tree.members_under(t),
        })
        .collect();
    for c in covered.iter().filter(|c| c.accounts.is_empty()) {
        refused.push(format!(
            "{} ({}) holds no member account: RCPs never apply to the management account",
            c.target, c.name
        ));
    }
    covered
}

/// The targets asked for (the root by default), each in the organization and not the
/// management account.
fn targets(spec: &GuardrailSpec, tree: &OrgTree) -> Result<Vec<String>, String> {
    let asked = if spec.targets.is_empty() {
        vec![tree.root.clone()]
    } else {
        spec.targets.clone()
    };
    for t in &asked {
        if t == &tree.management_account {
            return Err(format!(
                "--target {t} is the management account: RCPs never apply there (AWS \
                 Organizations User Guide, \"Resource control policies\"); give the root, an OU \
                 or a member account"
            ));
        }
        if !tree.holds(t) {
            return Err(format!(
                "--target {t} is not the root, an OU or an account of this organization"
            ));
        }
    }
    Ok(asked)
}

/// Whether the stored guardrail stands as generated, over the targets asked: the roles it
/// stops are then what apply would record (in a check of any other, apply's own plan decides).
fn as_generated(
    stored: Option<&StoredPolicy>,
    document: &serde_json::Value,
    targets: &[String],
) -> bool {
    stored.is_some_and(|p| {
        semantically_equal(&p.document, document)
            && targets.iter().all(|t| p.targets.contains(t))
            && p.targets.iter().all(|t| targets.contains(t))
    })
}

/// What apply records in the guardrail's tags (`record`), and how that differs from what the
/// stored one holds (empty: it holds; none stored: nothing to compare); the roles it stops
/// only when `stops_compared`.
fn recorded(
    tree: &OrgTree,
    spec: &GuardrailSpec,
    covered: &[Covered],
    proofs: &Proofs,
    stops_compared: bool,
) -> Record {
    let targets = &spec.targets;
    let accounts: Vec<String> = covered.iter().flat_map(|c| c.accounts.clone()).collect();
    let stops: Vec<String> = proofs.stops.iter().map(|r| r.arn.clone()).collect();
    let stored = tree.ours().map(|p| p.record());
    let stored = stored.as_ref();
    let read = proofs.not_read.is_empty().then_some(stops.as_slice());
    let recording = Recording {
        spec,
        targets,
        stops: read,
        accounts: &accounts,
    };
    let tags = record_tags(&recording, stored);
    let mut as_code = record_tags(&recording, None);
    as_code.insert(EXPORTED.0.to_owned(), EXPORTED.1.to_owned());
    let now = Now {
        spec,
        targets,
        stops: read.filter(|_| stops_compared),
        accounts: &accounts,
        members: &tree.members(),
    };
    let why = stored.map(|r| changed_since(r, &now)).unwrap_or_default();
    Record { tags, as_code, why }
}

/// The record apply writes, `export`'s, and each difference from the stored one.
struct Record {
    tags: BTreeMap<String, String>,
    as_code: BTreeMap<String, String>,
    why: Vec<String>,
}

/// What apply writes, in order; a target at its quota of RCPs is refused in `refused`.
fn changes(
    tree: &OrgTree,
    document: &serde_json::Value,
    targets: &[String],
    record: Record,
    refused: &mut Vec<String>,
) -> Vec<Change> {
    let mut out = Vec::new();
    if !tree.rcps_enabled {
        out.push(Change::EnableRcps {
            root: tree.root.clone(),
        });
    }
    let ours = tree.ours();
    match ours {
        // Refused (`namesake`): CreatePolicy would fail.
        None if tree.policies.iter().any(|p| p.name == NAME) => {}
        None => out.push(Change::Create {
            name: NAME.into(),
            record: record.tags.clone(),
        }),
        Some(p) if !semantically_equal(&p.document, document) => out.push(Change::Update {
            id: p.id.clone(),
            why: "the stored document differs from the one generated".into(),
        }),
        Some(_) => {}
    }
    let attached: &[String] = ours.map(|p| p.targets.as_slice()).unwrap_or_default();
    for t in targets.iter().filter(|t| !attached.contains(t)) {
        let there = tree.attached_to(t);
        if there.len() >= MAX_ATTACHED {
            let names: Vec<&str> = there.iter().map(|p| p.name.as_str()).collect();
            refused.push(format!(
                "{t} already holds {} RCPs ({}), AWS's quota of {MAX_ATTACHED} with \
                 {FULL_ACCESS}: attach the guardrail to another target, or have the owner of one \
                 of those policies apply it merged with the guardrail's statement (`merges`, \
                 proved as merged)",
                there.len(),
                names.join(", ")
            ));
        }
        out.push(Change::Attach { target: t.clone() });
    }
    for t in attached.iter().filter(|t| !targets.contains(t)) {
        out.push(Change::Detach { target: t.clone() });
    }
    if ours.is_some() && !record.why.is_empty() {
        out.push(Change::Record {
            why: record.why,
            record: record.tags,
            exported: ours.is_some_and(|p| p.record().exported()),
        });
    }
    out
}

/// The targets the guardrail is not attached to that already hold their quota of RCPs.
fn at_quota<'a>(tree: &OrgTree, targets: &'a [String]) -> Vec<&'a String> {
    let attached: &[String] = (tree.ours())
        .map(|p| p.targets.as_slice())
        .unwrap_or_default();
    (targets.iter())
        .filter(|t| !attached.contains(t) && tree.attached_to(t).len() >= MAX_ATTACHED)
        .collect()
}

/// Every member account under the targets asked for is under the guardrail as it stands
/// (`check`) or will stand (`plan`, by construction).
fn coverage(
    mode: GuardrailMode,
    tree: &OrgTree,
    wanted: &[Covered],
    attached: &[String],
) -> GuardrailClaim {
    let mut left: Vec<String> = Vec::new();
    for a in wanted.iter().flat_map(|c| &c.accounts) {
        let chain = tree.chain(a);
        if !attached.iter().any(|t| chain.contains(t)) && !left.contains(a) {
            left.push(a.clone());
        }
    }
    let n: usize = wanted.iter().map(|c| c.accounts.len()).sum();
    let (verdict, detail) = if left.is_empty() {
        let when = if mode == GuardrailMode::Plan {
            "will be"
        } else {
            "is"
        };
        (
            Verdict::Proved,
            format!("each of the {n} member accounts under the targets {when} under the guardrail"),
        )
    } else {
        let why = if tree.ours().is_none() {
            "the guardrail is not stored"
        } else if !tree.rcps_enabled {
            "RCPs are not enabled on the root"
        } else {
            "the guardrail is not attached over them"
        };
        (
            Verdict::Counterexample,
            format!(
                "{} accounts are not covered ({why}): {}",
                left.len(),
                left.join(", ")
            ),
        )
    };
    GuardrailClaim {
        property: GuardrailProperty::Coverage,
        verdict,
        detail,
        counterexample: None,
        roles: Vec::new(),
    }
}
