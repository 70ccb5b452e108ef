//! The library side of `lambda-trust prove`: what to prove, assembled from the config's rendered
//! documents or from policy files. The command runs the prover (`iam::prove`, whose budget
//! is counted in steps) on the result; rendering is in `report::prove`.
//!
//! Pure: [`load_files`] reads the files it is given through the caller's reader (as `simulate`
//! does).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::simulate::{self, SimulateError};
use crate::verify::{
    path_claims, Claim, ClaimVerdict, FunctionPolicy, PathCode, PathSources, Tally,
};
use lambda_trust_config::Config;
use lambda_trust_iam::{
    Arn, InvokeSpec, Known, LabeledPolicy, OrgPolicies, PathInput, PathPartner, PathReport, Policy,
    PolicyError, RoleAccount, RoleSide, TrustSpec, Verdict,
};
use lambda_trust_model::Rendered;

/// The role ARN used when neither `--role-arn` nor a config gives one. Only a trust policy that
/// names its own resource (rare) depends on it.
const PLACEHOLDER_ROLE_ARN: &str = "arn:aws:iam::000000000000:role/lambda-trust-prove";

/// The account used in the role ARN when the config does not say which it is.
const PLACEHOLDER_ACCOUNT: &str = "000000000000";

/// The trust side: the trust policy, the role it belongs to, and who it is meant to admit.
#[derive(Debug, Clone)]
pub struct TrustSide {
    /// The trust policy.
    pub policy: Policy,
    /// The ARN of the role it belongs to (a placeholder when neither the config nor `--role-arn`
    /// gives it).
    pub role_arn: String,
    /// Whether `role_arn`'s account is the role's, or a placeholder standing in for an account
    /// not known (then the whole path is never proved).
    pub account: RoleAccount,
    /// Who it is meant to admit: the partner account with the external ID.
    pub spec: TrustSpec,
    /// The role's tags, as the config sets them (`aws:ResourceTag/KEY` of `sts:AssumeRole`);
    /// not known for a trust policy given as a file.
    pub tags: Known<BTreeMap<String, String>>,
}

/// The invoke side: the role's identity policies, its boundary, and the functions it is meant
/// to invoke.
#[derive(Debug, Clone)]
pub struct InvokeSide {
    /// The role's identity policies, labelled for counterexamples.
    pub identity: Vec<LabeledPolicy>,
    /// Its permissions boundary, when one is given.
    pub boundary: Option<LabeledPolicy>,
    /// The functions it is meant to invoke, and nothing else.
    pub spec: InvokeSpec,
}

/// What to prove: one side or both.
#[derive(Debug, Clone, Default)]
pub struct Sides {
    /// The trust side, when there is one to prove.
    pub trust: Option<TrustSide>,
    /// The invoke side, when there is one to prove.
    pub invoke: Option<InvokeSide>,
}

/// Policy files as typed (`prove --trust-policy … --policy …`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileInput {
    /// `--trust-policy`: the trust policy file.
    pub trust_policy: Option<PathBuf>,
    /// `--partner-account`: the account the trust policy is meant to admit.
    pub partner_account: String,
    /// `--external-id`: the external ID it must require.
    pub external_id: String,
    /// `--policy`: the identity policy files.
    pub policies: Vec<PathBuf>,
    /// `--boundary`: the permissions boundary file.
    pub boundary: Option<PathBuf>,
    /// `--target`: the function ARNs the policies are meant to grant.
    pub targets: Vec<String>,
    /// `--role-arn`: the role the policies belong to.
    pub role_arn: Option<String>,
}

impl FileInput {
    /// Whether no policy file is given: nothing to prove.
    pub fn is_empty(&self) -> bool {
        self.trust_policy.is_none() && self.policies.is_empty() && self.boundary.is_none()
    }
}

/// `arn:<partition>:iam::<account or 000000000000>:role<path><name>`.
pub(crate) fn role_arn(config: &Config, rendered: &Rendered) -> String {
    let account = rendered
        .account_id
        .as_deref()
        .unwrap_or(PLACEHOLDER_ACCOUNT);
    let resource = format!("role{}{}", config.role_path(), config.role.name);
    Arn::iam(&rendered.partition, account, &resource).to_string()
}

/// The role's account as far as the config tells it: `[aws].account_id`, else the one account
/// every target is in when the config names no `[aws.accounts]` entry for it — apply writes no
/// function-policy statement into an account without one (docs/cross-account.md), so a role that
/// invokes them all is there. Otherwise why it is not known.
fn role_account(config: &Config, rendered: &Rendered) -> Result<String, String> {
    if let Some(account) = &rendered.account_id {
        return Ok(account.clone());
    }
    let mut accounts = rendered.targets.iter().map(|t| t.account_id.as_str());
    let first = accounts.next();
    match first {
        Some(a) if accounts.all(|b| b == a) && !config.aws.accounts.contains_key(a) => {
            Ok(a.to_owned())
        }
        _ => Err(
            "its targets are not all in one account and the config names no \
             [aws].account_id: set it (or give --role-arn)"
                .into(),
        ),
    }
}

/// Both sides from the config's rendered documents. The permissions boundary of the config is
/// an ARN, not a document, so it is not part of the offline proof.
pub fn from_config(
    config: &Config,
    rendered: &Rendered,
    role_arn_override: Option<&str>,
) -> Result<Sides, PolicyError> {
    let trust = Policy::try_from(&rendered.trust)?;
    let invoke = Policy::try_from(&rendered.invoke)?;
    let resource = format!("role{}{}", config.role_path(), config.role.name);
    let known = match role_arn_override {
        Some(role) => Ok(role.to_owned()),
        None => role_account(config, rendered)
            .map(|a| Arn::iam(&rendered.partition, &a, &resource).to_string()),
    };
    // Without a known account the role is a placeholder: its keys stay free.
    let spec = InvokeSpec {
        targets: rendered.function_arns.clone(),
        role_arn: known.as_ref().ok().cloned(),
        region: known.is_ok().then(|| config.aws.region.clone()).flatten(),
    };
    let (role_arn, account) = match known {
        Ok(role) => (role, RoleAccount::Given),
        Err(reason) => (role_arn(config, rendered), RoleAccount::StandIn { reason }),
    };
    Ok(Sides {
        trust: Some(TrustSide {
            policy: trust,
            role_arn,
            account,
            spec: TrustSpec {
                partner_account: config.partner_account(),
                external_id: config.trust.external_id.clone(),
                partner_principals: Vec::new(),
            },
            tags: Known::Known(config.desired_tags()),
        }),
        invoke: Some(InvokeSide {
            identity: vec![LabeledPolicy::new("invoke policy", invoke)],
            boundary: None,
            spec,
        }),
    })
}

/// The sides given as files: the trust side when `--trust-policy` is given, the invoke side
/// when `--policy` or `--boundary` is. Errors name the file.
pub fn load_files(input: &FileInput, read: simulate::ReadFile) -> Result<Sides, SimulateError> {
    let trust = match &input.trust_policy {
        Some(path) => Some(TrustSide {
            policy: simulate::load(path, read)?,
            role_arn: input
                .role_arn
                .clone()
                .unwrap_or_else(|| PLACEHOLDER_ROLE_ARN.to_owned()),
            account: match input.role_arn {
                Some(_) => RoleAccount::Given,
                None => RoleAccount::StandIn {
                    reason: "no --role-arn given: give the role's ARN".into(),
                },
            },
            spec: TrustSpec {
                partner_account: input.partner_account.clone(),
                external_id: input.external_id.clone(),
                partner_principals: Vec::new(),
            },
            tags: Known::Unknown {
                reason: "the role's tags are not given with a trust policy file".into(),
            },
        }),
        None => None,
    };
    let invoke = if input.policies.is_empty() && input.boundary.is_none() {
        None
    } else {
        let identity = input
            .policies
            .iter()
            .map(|path| {
                Ok(LabeledPolicy::new(
                    path.display().to_string(),
                    simulate::load(path, read)?,
                ))
            })
            .collect::<Result<Vec<_>, SimulateError>>()?;
        let boundary = match &input.boundary {
            Some(path) => Some(LabeledPolicy::new(
                "permissions boundary",
                simulate::load(path, read)?,
            )),
            None => None,
        };
        Some(InvokeSide {
            identity,
            boundary,
            spec: InvokeSpec {
                targets: input.targets.clone(),
                role_arn: input.role_arn.clone(),
                region: None,
            },
        })
    };
    Ok(Sides { trust, invoke })
}

/// `prove --org-policies`: whether the organization's SCPs and RCPs (from files) let Genesys
/// Cloud's two requests through to each target, over the documents proved — the whole path's
/// availability claim (the model's `path`, docs/aws-behaviour.md "The whole path"), with no
/// function policy (`prove` is given none).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct OrgProof {
    /// Per target: `proved`, or `refuted` with the SCP or RCP that stops Genesys Cloud and the
    /// request (`org-policy-blocks`), or `unknown` when the files leave a level out.
    pub targets: Vec<OrgTarget>,
}

/// One target's claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct OrgTarget {
    /// The target's function ARN.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub target: String,
    /// Whether the organization's policies let Genesys Cloud's requests through to it.
    pub claim: Claim,
}

impl OrgProof {
    /// No target is stopped or undecided.
    pub(crate) fn passed(&self) -> bool {
        self.targets
            .iter()
            .all(|t| t.claim.verdict == ClaimVerdict::Proved)
    }
}

/// The organization's part of the availability claim over `sides` (both sides needed: the
/// two requests are `sts:AssumeRole` on the trust side's role, then `lambda:InvokeFunction` on
/// the invoke side's targets); `None` with one side only. `orgs` are the role's account's.
/// Blockers other than SCPs and RCPs are the trust and invoke properties' business, not
/// repeated here. A role whose account is not known, or a target in another account (whose
/// RCPs and function policy are not given), is unknown: never proved.
pub fn organization(sides: &Sides, orgs: &OrgPolicies) -> Option<OrgProof> {
    let (trust, invoke) = (sides.trust.as_ref()?, sides.invoke.as_ref()?);
    let account = lambda_trust_iam::account_of(&trust.role_arn).to_owned();
    let targets = &invoke.spec.targets;
    if let RoleAccount::StandIn { reason } = &trust.account {
        let why = format!("not proved: the role's account is not known — {reason}");
        let unknown = targets.iter().map(|t| (t.clone(), not_read(why.clone())));
        return Some(OrgProof {
            targets: unknown
                .map(|(target, claim)| OrgTarget { target, claim })
                .collect(),
        });
    }
    let sources = PathSources {
        genesys_org: None,
        orgs: BTreeMap::from([(account.clone(), orgs.clone())]),
        function_policies: (targets.iter())
            .map(|t| (t.clone(), FunctionPolicy::None))
            .collect(),
        ..PathSources::default()
    };
    let input = PathInput {
        partner: PathPartner {
            account: trust.spec.partner_account.clone(),
            external_id: trust.spec.external_id.clone(),
            principals: trust.spec.partner_principals.clone(),
        },
        role: RoleSide {
            arn: trust.role_arn.clone(),
            account: RoleAccount::Given,
            trust: trust.policy.clone(),
            identity: invoke.identity.clone(),
            boundary: invoke.boundary.clone(),
            tags: trust.tags.clone(),
        },
        targets: (targets.iter()).map(|t| sources.target(t)).collect(),
        orgs: sources.orgs.clone(),
    };
    let report = PathReport::new(&input, lambda_trust_iam::Budget::default());
    let claims = path_claims(&input, &report);
    let targets = (claims.targets.into_iter())
        .map(|t| {
            let other = lambda_trust_iam::account_of(&t.target);
            let claim = if other != account {
                not_read(format!(
                    "not proved: the function is in account {other}, not the role's {account}: \
                     its RCPs and function policy are not given (`verify` reads them live)"
                ))
            } else {
                ours(t.genesys_gets_through)
            };
            OrgTarget {
                target: t.target,
                claim,
            }
        })
        .collect();
    Some(OrgProof { targets })
}

/// The claim as the organization's: an SCP or RCP that stops it, or what was not read, stays;
/// any other blocker that was decided lets it through here (the trust and invoke properties say
/// what it is). One that was not decided leaves the organization's claim undecided too: nothing
/// says the SCPs and RCPs let a request through that the path could not follow.
fn ours(claim: Claim) -> Claim {
    match (claim.code, claim.verdict) {
        (Some(PathCode::OrgPolicyBlocks | PathCode::PathNotRead) | None, _) => claim,
        (Some(_), ClaimVerdict::Unknown) => Claim {
            detail: format!(
                "not decided whether an SCP or RCP stops sts:AssumeRole or \
                 lambda:InvokeFunction: the path was not decided past another blocker ({})",
                claim.detail
            ),
            ..claim
        },
        (Some(_), _) => let_through(),
    }
}

/// Unknown: something on the path was not given.
fn not_read(detail: String) -> Claim {
    Claim {
        verdict: ClaimVerdict::Unknown,
        code: Some(PathCode::PathNotRead),
        detail,
        request: None,
        assumes: None,
    }
}

/// The organization's policies let Genesys Cloud through (something else stops it: the trust
/// and invoke properties say what).
fn let_through() -> Claim {
    Claim {
        verdict: ClaimVerdict::Proved,
        code: None,
        detail: "no SCP or RCP stops sts:AssumeRole or lambda:InvokeFunction".into(),
        request: None,
        assumes: None,
    }
}

/// What `prove` decided: the properties, the organization's claim when its policies were
/// given, and with several environments each one's properties and every pair's isolation.
#[derive(Debug, Clone)]
pub struct Proof {
    /// Each property's verdict, trust first (with environments: every environment's, in order).
    pub results: Vec<lambda_trust_iam::PropertyResult>,
    /// The organization's claim (`--org-policies DIR`, both sides given).
    pub org: Option<OrgProof>,
    /// With several environments: each one's properties (also all in `results`).
    pub environments: Vec<(String, Vec<lambda_trust_iam::PropertyResult>)>,
    /// With several environments: every ordered pair's isolation claims.
    pub isolation: Vec<crate::isolation_claim::IsolationClaim>,
}

/// Denied (exit 3) unless every property is proved, and with them the organization's claims
/// and every isolation claim.
impl lambda_trust_verdict::Judged for Proof {
    fn status(&self) -> lambda_trust_verdict::Status {
        let passed = (self.results.iter()).all(|r| r.verdict == Verdict::Proved)
            && self.org.as_ref().is_none_or(OrgProof::passed)
            && (self.isolation.iter()).all(|c| c.verdict == Verdict::Proved);
        lambda_trust_verdict::Status::ok_or(passed, lambda_trust_verdict::Status::Denied)
    }
}

/// A proof's properties, organization claims and isolation claims, counted for its closing line.
impl From<&Proof> for Tally {
    fn from(p: &Proof) -> Tally {
        let org = p.org.iter().flat_map(|o| &o.targets);
        let t = Tally::default().with_properties(&p.results);
        org.fold(t, |t, o| t.with_claim(o.claim.verdict))
            .with_isolation(&p.isolation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(verdict: ClaimVerdict, code: Option<PathCode>) -> Claim {
        Claim {
            verdict,
            code,
            detail: "the permissions boundary was not decided".into(),
            request: None,
            assumes: None,
        }
    }

    /// The organization's claim lets Genesys Cloud through only past a blocker that was
    /// decided; past one that was not, whether an SCP or RCP stops it is not decided either.
    #[test]
    fn an_undecided_blocker_leaves_the_organizations_claim_undecided() {
        let undecided = ours(claim(ClaimVerdict::Unknown, Some(PathCode::PathUnknown)));
        assert_eq!(undecided.verdict, ClaimVerdict::Unknown);
        assert!(
            !undecided.detail.contains("no SCP or RCP stops"),
            "{}",
            undecided.detail
        );
        assert!(
            undecided.detail.contains("boundary was not decided"),
            "{}",
            undecided.detail
        );
        let decided = ours(claim(ClaimVerdict::Refuted, Some(PathCode::RoleBlocks)));
        assert_eq!(decided.verdict, ClaimVerdict::Proved);
        assert!(
            decided.detail.contains("no SCP or RCP stops"),
            "{}",
            decided.detail
        );
        let org = ours(claim(
            ClaimVerdict::Refuted,
            Some(PathCode::OrgPolicyBlocks),
        ));
        assert_eq!(org.verdict, ClaimVerdict::Refuted);
    }
}
