//! `init --from-genesys`'s workflow: brings an existing `aws-lambda-data-actions`
//! integration under lambda-trust. Reads (only reads) the integration, its credential and every
//! action in full, writes a config that reproduces each importable action exactly plus its
//! contract files, and says which actions were left out and why (docs/genesys.md). What only a
//! person can decide (which integration, which role) is asked through [`Ask`], the command's.
//!
//! Nothing is written on any error, and no existing file is replaced without `--force`.

use lambda_trust_config::Partner;
use std::path::PathBuf;
use strum::IntoEnumIterator;

use super::events::{Event, Events};
use super::init::{read_role, write_all};
use super::path_reads::audit_one;
use super::settings::Settings;
use crate::error::{Error, Result};
use crate::event::{Note, Read, Said};
use crate::genesys::client::Client;
use crate::genesys::credentials::{endpoints, OAuthClient};
use crate::genesys::error::GenesysError;
use crate::genesys::observe;
use lambda_trust_audit::{
    classify_actions, import_files, GenesysImport, ImportHeader, ImportedRole, IntegrationOwner,
};
use lambda_trust_iam::Arn;
use lambda_trust_model::{DesiredGenesys, ObservedGenesys};

/// `init --from-genesys`'s flags.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    /// Where the config goes (its contract files beside it).
    pub path: PathBuf,
    pub external_id: Option<String>,
    /// `--from-role NAME`: the role's sections and grants join the import.
    pub from_role: Option<String>,
    /// `--integration NAME|ID`.
    pub integration: Option<String>,
    /// `--role-arn ARN`: the role when Genesys Cloud redacts it.
    pub role_arn: Option<String>,
    pub genesys_region: Option<String>,
    pub force: bool,
    /// `--env NAME`: the org is this environment of the config (added to an existing file;
    /// in a new one, its first environment).
    pub environment: Option<String>,
}

/// What only a person can decide, asked on a terminal (the command's).
pub(crate) trait Ask {
    /// Which of these integrations (`NAME (ID)`) to import; `None`: no one can answer, and
    /// the import says what to pass instead.
    fn integration(&self, items: &[String]) -> Option<Result<usize>>;
    /// Whether someone can say which role the credential holds (a terminal, no `--no-input`).
    fn can_pick_role(&self) -> bool;
    /// Which of these roles the credential holds (Genesys Cloud redacts its ARN).
    fn role(&self, items: &[String]) -> Result<usize>;
}

/// What was imported: the actions (and those left out) and, with a role, the role.
pub(crate) struct Imported {
    pub import: GenesysImport,
    pub role: Option<ImportedRole>,
    /// With `--env` on an existing config: the environment added (nothing else written).
    pub environment: Option<super::init_env::Added>,
    /// The integration is not lambda-trust's: the next step adopts it.
    pub adopt: bool,
}

/// Reads the integration (and the role), writes the config and its contract files.
pub(crate) async fn from_genesys(
    settings: &Settings,
    events: &dyn Events,
    ask: &dyn Ask,
    options: &Options,
) -> Result<Imported> {
    if let Some(id) = &options.external_id {
        lambda_trust_config::InitValue::ExternalId(id)
            .check()
            .map_err(|e| Error::usage(format!("--external-id: {e}"), "nothing was written"))?;
    }
    let client = connect(settings, events, options).await?;
    let org = observe::organization_id(&client).await?;
    let external_id = external_id(events, options, &org);
    // The role next (one quick read): with --from-role its sections and grants join the import.
    let role = match options.from_role.as_deref() {
        Some(name) => Some(read_role(settings, events, name, Some(external_id.as_str())).await?),
        None => None,
    };
    if let Some(r) = &role {
        same_id(r, &external_id, options.external_id.is_some())?;
    }
    let read = read(&client, events, ask, options).await?;
    let who = Who { role, external_id };
    import(settings, events, ask, options, read, who).await
}

/// The external ID: `--external-id` when given (said when it is not the organization's), else
/// the signed-in organization's ID.
fn external_id(events: &dyn Events, options: &Options, org: &str) -> String {
    match &options.external_id {
        Some(given) if given != org => {
            events.event(Event::Note(Note::ExternalIdNotOrg {
                given: given.clone(),
                org: org.to_string(),
            }));
            given.clone()
        }
        Some(given) => given.clone(),
        None => {
            events.event(Event::Said(Said::ExternalIdIsOrg {
                org: org.to_string(),
            }));
            org.to_string()
        }
    }
}

/// The role, when one was read, and the external ID the config requires.
struct Who {
    role: Option<ImportedRole>,
    external_id: String,
}

/// With `--from-role`: the role must accept the external ID the config will require (the one
/// the audit proves it accepts today, when it accepts one).
fn same_id(role: &ImportedRole, external_id: &str, given: bool) -> Result<()> {
    match &role.accepted_id {
        Some(accepted) if accepted != external_id => {
            let source = if given {
                "--external-id is".to_string()
            } else {
                "the signed-in Genesys Cloud organization's ID (the external ID Genesys Cloud sends) is".to_string()
            };
            Err(Error::usage(
                format!(
                    "{source} {external_id}, but the role {} (--from-role) accepts only the external ID {accepted} (proved from its trust policy)",
                    role.name
                ),
                "import the role the integration's credential holds (--from-role NAME), sign in to the organization that role is for, or pass --external-id to choose the ID the config requires; nothing was written",
            ))
        }
        _ => Ok(()),
    }
}

/// The import, once the role and the integration are read: the files, written.
async fn import(
    settings: &Settings,
    events: &dyn Events,
    ask: &dyn Ask,
    options: &Options,
    (observed, chosen): (ObservedGenesys, Chosen),
    Who { role, external_id }: Who,
) -> Result<Imported> {
    let integration = observed.integration.clone().ok_or_else(|| {
        Error::usage(
            format!(
                "the integration {:?} disappeared while it was read",
                chosen.name
            ),
            "run init again",
        )
    })?;
    let redacted = observed
        .credential
        .as_ref()
        .and_then(|c| c.arn.as_ref())
        .is_none();
    let role = match role {
        None if redacted && options.role_arn.is_none() && ask.can_pick_role() => {
            let name = pick_role(settings, events, ask, &external_id).await?;
            Some(read_role(settings, events, &name, Some(&external_id)).await?)
        }
        role => role,
    };
    let role_arn = role_arn(&observed, options, role.as_ref())?;
    let arn = Arn::parse(&role_arn)
        .filter(|a| a.service == "iam" && a.resource.starts_with("role/"))
        .ok_or_else(|| {
            Error::usage(
                format!("{role_arn:?} is not an IAM role ARN"),
                "pass --role-arn arn:aws:iam::ACCOUNT:role/NAME",
            )
        })?;
    let owner = match integration.ledger() {
        Some(ledger) => IntegrationOwner::LambdaTrust(ledger.deployment),
        None => IntegrationOwner::NotLambdaTrust,
    };
    if role.is_none() {
        other_deployments_role(settings, events, &arn, &owner).await?;
    }
    let granted = role.as_ref().map_or(&[][..], |r| &r.targets[..]);
    let import = classify_actions(&observed.actions, &arn.account, granted);
    let (role_path, role_name) = split_role(&arn.resource);
    let header = ImportHeader {
        external_id,
        role_name,
        role_path,
        account_id: arn.account.clone(),
        region: aws_region(settings, &import)?,
        genesys_region: options.genesys_region.clone(),
        integration: integration.name.clone(),
        integration_id: integration.id.clone(),
        pinned: chosen.pinned,
        owner,
    };
    let adopt = header.owner == IntegrationOwner::NotLambdaTrust;
    if let (Some(name), true) = (&options.environment, options.path.exists()) {
        let found = found(settings, &header, &import);
        let added = super::init_env::add(events, &options.path, name, &found, options.force)?;
        return Ok(Imported {
            import,
            role,
            environment: Some(added),
            adopt,
        });
    }
    let mut files = import_files(&header, &import, role.as_ref());
    if let Some(name) = &options.environment {
        files.config = super::init_env::first(settings, &options.path, &files.config, name)?;
    }
    write_all(&options.path, &files, options.force, events)?;
    Ok(Imported {
        import,
        role,
        environment: None,
        adopt,
    })
}

/// A role lambda-trust wrote for another deployment than the config init writes (`owner`'s):
/// said at once, nothing written, since `plan` and `apply` refuse it with or without
/// `--adopt`. Read when the credentials are the role's account's; a role of another account,
/// or one that is absent, is left to `plan`, which reads it.
async fn other_deployments_role(
    settings: &Settings,
    events: &dyn Events,
    arn: &Arn,
    owner: &IntegrationOwner,
) -> Result<()> {
    let (_, name) = split_role(&arn.resource);
    let clients = crate::aws::Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let what = Read::Role { name: name.clone() };
    let read = events.reading(what, crate::aws::observe::role(&clients, &name));
    let Ok(Some(role)) = read.await else {
        return Ok(());
    };
    if role.arn != arn.to_string() {
        return Ok(());
    }
    let this = match owner {
        IntegrationOwner::LambdaTrust(d) => d.as_deref(),
        IntegrationOwner::NotLambdaTrust => None,
    };
    lambda_trust_provision::check_deployment(&role, this).map_err(|refused| {
        Error::usage(
            format!("{refused}: `lambda-trust plan --adopt` would refuse it too"),
            format!(
                "run init in that deployment's directory (its config sets `deployment`), or                  pass --role-arn of the role this integration's credential holds; nothing was                  written ({})",
                lambda_trust_verdict::Hinted::hint(&refused).unwrap_or_default()
            ),
        )
    })
}

/// What the import found, as an environment of an existing config.
fn found(
    settings: &Settings,
    header: &ImportHeader,
    import: &GenesysImport,
) -> super::init_env::Found {
    let functions = (import.targets.iter())
        .map(|t| super::init_env::function_key(&t.function, t.qualifier.as_deref()))
        .collect();
    super::init_env::Found {
        external_id: header.external_id.clone(),
        account_id: header.account_id.clone(),
        role_name: header.role_name.clone(),
        role_path: header.role_path.clone(),
        integration: Some(header.integration.clone()),
        genesys_region: header.genesys_region.clone(),
        profile: settings.aws.profile.clone(),
        functions,
    }
}

/// When Genesys Cloud redacts the role ARN and someone can answer: the roles of the caller's
/// account that Genesys Cloud can assume with this organization's ID, as the audit proves
/// them, to choose from.
async fn pick_role(
    settings: &Settings,
    events: &dyn Events,
    ask: &dyn Ask,
    external_id: &str,
) -> Result<String> {
    let partners: Vec<&str> = Partner::iter().map(Partner::account_id).collect();
    let clients = crate::aws::Clients::connect(&settings.aws_for(None))
        .await?
        .reporting(events.retries());
    let opts = lambda_trust_audit::AuditOptions {
        partners: partners.iter().map(|p| p.to_string()).collect(),
        ..Default::default()
    };
    let calls = crate::aws::sessions::CallCount::default();
    let report = events
        .reading(
            Read::AcceptingRoles,
            audit_one(&clients, None, &opts, &calls),
        )
        .await;
    let report = report?;
    let roles = lambda_trust_audit::roles_accepting(&report, &partners, external_id);
    if roles.is_empty() {
        return Err(Error::usage(
            format!(
                "Genesys Cloud redacts the credential's role ARN, and no role of account {} lets Genesys Cloud in with the external ID {external_id}",
                report.account
            ),
            "pass --from-role NAME or --role-arn ARN, or check the external ID (lambda-trust audit --partner genesys-cloud lists the roles)",
        ));
    }
    let items: Vec<String> = (roles.iter())
        .map(|r| {
            format!(
                "{} (external ID: {} {})",
                r.arn,
                r.external_ids.kind,
                r.external_ids.values.join(", ")
            )
        })
        .collect();
    Ok(roles[ask.role(&items)?].role.clone())
}

/// Signs in with the OAuth client from the environment.
async fn connect(settings: &Settings, events: &dyn Events, options: &Options) -> Result<Client> {
    let ends = endpoints(options.genesys_region.as_deref())?;
    let oauth = OAuthClient::from_env().ok_or(GenesysError::NoClient)?;
    let retries = crate::genesys::client::Retries {
        max_attempts: settings.aws.max_attempts,
        timeout: settings.aws.timeout(),
        progress: events.retries(),
    };
    Ok(Client::connect(&ends, &oauth, retries).await?)
}

/// The integration to import: its name, and whether it was chosen by ID (then the config pins
/// it: `[genesys] integration_id`, found by ID whatever other integration shares its name).
struct Chosen {
    name: String,
    id: String,
    pinned: bool,
}

/// Picks the integration and reads it in full.
async fn read(
    client: &Client,
    events: &dyn Events,
    ask: &dyn Ask,
    options: &Options,
) -> Result<(ObservedGenesys, Chosen)> {
    let all = observe::integrations(client).await?;
    let chosen = choose(ask, &all, options.integration.as_deref())?;
    let name = &chosen.name;
    let desired = DesiredGenesys {
        deployment: None,
        integration: name.clone(),
        integration_id: Some(chosen.id.clone()),
        category: String::new(),
        credential_name: String::new(),
        role_arn: String::new(),
        actions: Vec::new(),
        granted: Vec::new(),
        region: None,
        drafts: false,
        publish_drafts: false,
    };
    say_duration(events, observe::action_count(client).await?);
    let what = Read::Integration {
        name: name.to_string(),
    };
    let observed = events
        .reading(what, observe::observe(client, &desired))
        .await?;
    let stats = client.stats();
    events.event(Event::Said(Said::ActionsRead {
        actions: observed.actions.len(),
        calls: stats.reads,
    }));
    Ok((observed, chosen))
}

/// Genesys Cloud's usual allowance for an OAuth client (requests a minute); the client paces
/// by the rate-limit headers whatever the real one is.
const REQUESTS_A_MINUTE: u64 = 300;

/// Says up front how long the reads may take when that is over a minute: up to three reads per
/// action (the action with its contract, two templates) plus one per page of 100.
fn say_duration(events: &dyn Events, actions: u64) {
    let reads = actions * 3 + actions.div_ceil(100) + 6;
    if reads > REQUESTS_A_MINUTE {
        events.event(Event::Said(Said::SlowRead {
            actions,
            requests: reads,
            per_minute: REQUESTS_A_MINUTE,
        }));
    }
}

fn several(name: &str, ids: &[String]) -> Error {
    Error::usage(
        format!(
            "{} integrations are named {name:?}: {}",
            ids.len(),
            ids.join(", ")
        ),
        "pass --integration ID of the one to import: the config then pins it by ID ([genesys] integration_id)",
    )
}

/// The integration named or identified by `wanted`; without it the only one, or one chosen on
/// a terminal. A name shared by several integrations is an error naming their IDs; an ID is
/// never ambiguous.
fn choose(ask: &dyn Ask, all: &[(String, String)], wanted: Option<&str>) -> Result<Chosen> {
    if let Some(w) = wanted {
        return chosen_by_flag(all, w);
    }
    match all {
        [] => Err(Error::usage(
            "the organization has no aws-lambda-data-actions integration to import",
            "run `lambda-trust init` without --from-genesys to start from scratch",
        )),
        [one] => by_name(all, one),
        _ => {
            let names: Vec<String> = all.iter().map(|(id, n)| format!("{n} ({id})")).collect();
            let Some(pick) = ask.integration(&names) else {
                return Err(Error::usage(
                    format!(
                        "the organization has several aws-lambda-data-actions integrations:\n{}",
                        listed(all)
                    ),
                    "pass --integration NAME|ID",
                ));
            };
            let picked = &all[pick?];
            let shared = all.iter().filter(|(_, n)| *n == picked.1).count() > 1;
            Ok(if shared {
                by_id(picked)
            } else {
                by_name(all, picked)?
            })
        }
    }
}

/// `--integration NAME|ID`: the integration with that ID, else the one with that name.
fn chosen_by_flag(all: &[(String, String)], w: &str) -> Result<Chosen> {
    if let Some(one) = all.iter().find(|(id, _)| id == w) {
        return Ok(by_id(one));
    }
    let named: Vec<&(String, String)> = all.iter().filter(|(_, n)| n == w).collect();
    match named.as_slice() {
        [] => Err(Error::usage(
            format!("no aws-lambda-data-actions integration is named or has the ID {w:?}; the organization has:\n{}", listed(all)),
            "pass --integration NAME|ID of one of them",
        )),
        [one] => by_name(all, one),
        many => Err(several(w, &many.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>())),
    }
}

/// The integrations, a line each: name and ID.
fn listed(all: &[(String, String)]) -> String {
    all.iter()
        .map(|(id, n)| format!("  {n:?} ({id})"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An integration chosen by its ID: the config pins it.
fn by_id((id, n): &(String, String)) -> Chosen {
    Chosen {
        name: n.clone(),
        id: id.clone(),
        pinned: true,
    }
}

/// An integration chosen by its name, which must be the only one with that name.
fn by_name(all: &[(String, String)], (id, n): &(String, String)) -> Result<Chosen> {
    let same: Vec<String> = (all.iter())
        .filter(|(_, m)| m == n)
        .map(|(id, _)| id.clone())
        .collect();
    if same.len() > 1 {
        return Err(several(n, &same));
    }
    Ok(Chosen {
        name: n.clone(),
        id: id.clone(),
        pinned: false,
    })
}

/// The role: the credential's ARN when Genesys Cloud returns it, else `--role-arn`, else the
/// `--from-role` role's. Two that differ are an error.
fn role_arn(
    observed: &ObservedGenesys,
    options: &Options,
    role: Option<&ImportedRole>,
) -> Result<String> {
    let returned = observed.credential.as_ref().and_then(|c| c.arn.clone());
    let named = [
        ("the integration's credential", returned),
        ("--role-arn", options.role_arn.clone()),
        ("--from-role", role.map(|r| r.arn.clone())),
    ];
    let mut given = named
        .iter()
        .filter_map(|(w, a)| a.as_ref().map(|a| (*w, a)));
    let Some((first_where, first)) = given.next() else {
        return Err(Error::usage(
            "Genesys Cloud does not return the credential's role ARN (its fields are redacted)",
            "pass --role-arn arn:aws:iam::ACCOUNT:role/NAME or --from-role NAME (the role the credential holds)",
        ));
    };
    if let Some((w, other)) = given.find(|(_, a)| *a != first) {
        return Err(Error::usage(
            format!("{first_where} names {first}, but {w} names {other}"),
            "give the role the integration's credential holds",
        ));
    }
    Ok(first.clone())
}

/// `role/team/Name` → (`/team/`, `Name`).
fn split_role(resource: &str) -> (String, String) {
    let rest = resource.strip_prefix("role").unwrap_or(resource);
    let cut = rest.rfind('/').unwrap_or(0);
    (rest[..=cut].to_string(), rest[cut + 1..].to_string())
}

/// `[aws].region`: the one rule's (`--region`, the environment), else the first imported
/// function's region.
fn aws_region(settings: &Settings, import: &GenesysImport) -> Result<String> {
    let first = import
        .targets
        .iter()
        .find_map(|t| Arn::parse(&t.function).map(|a| a.region));
    settings.region(None).or(first).ok_or_else(|| {
        Error::usage(
            "no function was imported to tell the AWS region from",
            "pass --region REGION",
        )
    })
}
