//! `watch deploy`, `watch status` and `watch destroy`'s workflows: the watching function's
//! package (the binary as `bootstrap`, the config, the templates), its deployment
//! (`crates/provision/src/watch_deploy/mod.rs`), what is live of it, and the writes.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use sha2::Digest as _;

use super::events::Events;
use super::live::connect;
use super::settings::Settings;
use super::watch_notes as notes;
use crate::aws::prepare::{prepare_scoped, Scope};
use crate::aws::watch as live;
use crate::error::{Error, Result};
use crate::event::Read;
use lambda_trust_config::ConfigFile;
use lambda_trust_provision::{
    plan_watch, prove_read_only, read_executable, runs_on_al2023, watch_deployment, watch_teardown,
    Deployment, Seen, WatchInput, WatchOp,
};

/// `watch deploy`'s options.
#[derive(Debug, Clone)]
pub(crate) struct DeployOptions {
    /// `--package`: the binary to deploy; the running one when it can be.
    pub package: Option<PathBuf>,
    /// The config's environment (`--env`): the function runs it.
    pub env: Option<String>,
    /// What the package is for: deployed (`deploy`: it must be deployable), compared with the
    /// function's code (`status`: without one, no code is compared), or not used (`destroy`:
    /// not read, not zipped).
    pub package_use: PackageUse,
}

/// What a command does with the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PackageUse {
    Deployed,
    Compared,
    Unused,
}

/// What a watch is and what is live of it.
pub(crate) struct WatchState {
    pub role: String,
    pub want: Deployment,
    pub seen: Seen,
    /// The package the deployment's code is compared with.
    pub package: Vec<u8>,
    /// Said beside the plan: where the function lives and why, what the events need.
    pub notes: Vec<String>,
    /// What the function lacks, each with its fix: a region whose calls it cannot hear, no
    /// way to sign in to Genesys Cloud. Any makes `watch status` exit 2.
    pub problems: Vec<String>,
}

/// An active Security Hub finding of the watch, as Security Hub holds it.
#[derive(Debug, Clone)]
pub(crate) struct ActiveFinding {
    pub title: String,
    /// `CRITICAL`, `HIGH`, `MEDIUM`, `LOW` or `INFORMATIONAL`.
    pub severity: String,
    /// When Security Hub last updated it and when it was created (RFC 3339).
    pub updated_at: Option<String>,
    pub created_at: Option<String>,
}

/// What `watch status` read of what the function publishes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Published {
    /// Its active findings; `None` when they could not be read.
    pub findings: Option<Vec<ActiveFinding>>,
    /// Why they were not read, when they were not.
    pub note: Option<String>,
    /// Why the function cannot publish, with the fix (Security Hub not enabled in its region).
    pub problem: Option<String>,
}

/// What the deployment is made from: the config's role, policies and targets as resolved in
/// the account, the package's code.
fn watch_input(
    prepared: &lambda_trust_provision::Prepared,
    options: &DeployOptions,
    architecture: &str,
    package: &[u8],
) -> WatchInput {
    let (desired, config) = (&prepared.desired, &prepared.loaded.config);
    let target = |t: &lambda_trust_model::ResolvedTarget| {
        let name = t.function_name.clone();
        (
            t.region.clone(),
            name,
            t.function_arn.clone(),
            t.qualifier.clone(),
        )
    };
    WatchInput {
        env: options.env.clone(),
        account: desired.account_id.clone(),
        partition: desired.partition.clone(),
        role: desired.role.name.clone(),
        role_path: desired.role.path.clone(),
        policies: desired.policies.iter().map(|p| p.arn.clone()).collect(),
        targets: desired.targets.iter().map(target).collect(),
        schedule: (config.watch.as_ref())
            .and_then(|w| w.schedule.clone())
            .unwrap_or_else(|| lambda_trust_config::DEFAULT_WATCH_SCHEDULE.into()),
        sns_topic: config.watch.as_ref().and_then(|w| w.sns_topic.clone()),
        genesys_bus: (config.watch.as_ref()).and_then(|w| w.genesys_event_bus.clone()),
        config_rule: (config.watch.as_ref()).and_then(|w| w.engine)
            == Some(lambda_trust_config::WatchEngine::ConfigRule),
        architecture: architecture.to_owned(),
        code_sha256: code_sha256(package),
        secret: config.genesys.as_ref().and_then(|g| g.oauth_secret.clone()),
        secret_cmk: false,
        // Set by the caller: the accounts its clients reach.
        accounts: Default::default(),
    }
}

/// Reads the config, builds the package and the deployment, proves the function's role
/// read-only, and reads what is live of it.
pub(crate) async fn read(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    options: &DeployOptions,
) -> Result<WatchState> {
    let loaded = file.load()?;
    let config = &loaded.config;
    let (package, architecture, mut notes) = package_of(settings, &loaded, options)?;
    let clients = connect(settings, events, config).await?;
    let templates = settings.templates.load()?;
    let allow_weaker = settings.templates.allow_weaker;
    let scope = Scope {
        functions: Some(Vec::new()),
        ..Scope::default()
    };
    let prepared =
        prepare_scoped(&clients, loaded.clone(), &templates, allow_weaker, scope).await?;
    let role_missing = prepared.observed.role.is_none();
    let secret = super::watch_secret::read(&clients, config).await;
    let mut input = watch_input(&prepared, options, &architecture, &package);
    input.accounts = (clients.accounts().keys()).cloned().collect();
    super::watch_secret::name_exactly(&mut input, secret.as_ref());
    let mut want = watch_deployment(&input);
    read_only(&want)?;
    let seen = live::seen(&clients, &want, &input.role).await?;
    // Without a package, the deployed code is not compared.
    if let (true, Some(f)) = (package.is_empty(), &seen.function) {
        want.function.code_sha256 = f.code_sha256.clone();
        want.function.architecture = f.architecture.clone();
    }
    notes.extend(notes::notes_of(&want, config.genesys.is_some()));
    let (heard, mut problems) = notes::trails(&clients, &want).await;
    notes.extend(heard);
    problems.extend(notes::sign_in(config));
    problems.extend(secret.and_then(|s| s.problem(&want.role.policy)));
    problems.extend(notes::unheard(&input));
    problems.extend(notes::config_rule_blind(&input));
    if role_missing {
        // A watch of a role that is gone re-proves nothing but its absence: never healthy.
        problems.push(format!(
            "watches role {}, which does not exist: `lambda-trust apply` creates it, or `lambda-trust watch destroy` removes the watch",
            input.role
        ));
    }
    Ok(WatchState {
        role: input.role,
        want,
        seen,
        package,
        notes,
        problems,
    })
}

/// Proves every role the function can reach read-only — its own, and its role in each other
/// account — before anything is written.
fn read_only(want: &Deployment) -> Result<()> {
    let roles = std::iter::once((None, &want.role))
        .chain((want.account_readers.iter()).map(|r| (r.account.as_deref(), r)));
    for (account, role) in roles {
        prove_read_only(&role.policy).map_err(|why| {
            let there = account.map_or_else(String::new, |a| format!(" in account {a}"));
            Error::usage(
                format!("the watching function's role{there} would not be read-only: {why}"),
                "this is lambda-trust's defect: report it; nothing was written",
            )
        })?;
    }
    Ok(())
}

/// The package the command uses, its architecture, and the note when it compares no code.
fn package_of(
    settings: &Settings,
    loaded: &lambda_trust_config::Loaded,
    options: &DeployOptions,
) -> Result<(Vec<u8>, String, Vec<String>)> {
    let read = match options.package_use {
        PackageUse::Unused => Ok((Vec::new(), "x86_64".to_owned())),
        _ => bootstrap(options.package.as_deref()),
    };
    let out = match read {
        Ok((binary, _)) if binary.is_empty() => (Vec::new(), "x86_64".into(), Vec::new()),
        Ok((binary, arch)) => {
            let templates = settings.templates.dir.as_deref();
            (package(&binary, loaded, templates)?, arch, Vec::new())
        }
        Err(e) if options.package_use == PackageUse::Compared => {
            let why = format!("the deployed code is not compared: {e} (pass --package)");
            (Vec::new(), "x86_64".into(), vec![why])
        }
        Err(e) => return Err(e),
    };
    Ok(out)
}

/// Where the watch publishes: the clients, its function's region, the account, the product
/// and its generator prefix (`lambda-trust/watch/<role>/`: only this watch's findings).
struct Hub {
    clients: crate::aws::Clients,
    region: String,
    account: String,
    product: String,
    generator: String,
}

async fn hub(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    state: &WatchState,
) -> std::result::Result<Hub, String> {
    let f = &state.want.function;
    let clients = match file.load() {
        Ok(loaded) => connect(settings, events, &loaded.config).await,
        Err(e) => Err(e.into()),
    };
    let clients = clients.map_err(|e| e.to_string())?;
    let account = f.arn.split(':').nth(4).unwrap_or_default().to_owned();
    let partition = f.arn.split(':').nth(1).unwrap_or("aws");
    Ok(Hub {
        product: lambda_trust_audit::product_arn(partition, &f.region, &account),
        generator: lambda_trust_provision::settled_prefix(
            &state.role,
            lambda_trust_provision::Settles::Everything,
        ),
        region: f.region.clone(),
        clients,
        account,
    })
}

impl Hub {
    /// The watch's active findings, as Security Hub holds them.
    async fn held(
        &self,
    ) -> std::result::Result<Vec<crate::aws::security_hub::Held>, crate::aws::AwsError> {
        let key = (self.account.as_str(), self.generator.as_str());
        let region = Some(self.region.as_str());
        crate::aws::security_hub::held(&self.clients, region, &self.product, key).await
    }
}

/// `watch status`: what the function publishes — its active Security Hub findings (under its
/// generator, in its region) as Security Hub holds them — or that it cannot publish (Security
/// Hub not enabled there), or why they were not read.
pub(crate) async fn published(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    state: &WatchState,
) -> Published {
    let hub = match hub(settings, events, file, state).await {
        Ok(hub) => hub,
        Err(e) => return not_read(&e),
    };
    match hub.held().await {
        Ok(held) => Published {
            findings: Some(held.iter().map(active).collect()),
            ..Published::default()
        },
        Err(e) if e.is_code("InvalidAccessException") => Published {
            problem: Some(format!(
                "cannot publish: Security Hub is not enabled for account {account} in {region} ({message}), so the function's findings go nowhere: enable it (aws securityhub enable-security-hub --region {region})",
                account = hub.account,
                region = hub.region,
                message = e.message,
            )),
            ..Published::default()
        },
        Err(e) => not_read(&e.to_string()),
    }
}

/// What `watch destroy` closes: the watch's active findings and where they are held.
pub(crate) struct ToArchive {
    hub: Option<Hub>,
    /// The findings to archive: they no longer hold.
    pub(crate) held: Vec<crate::aws::security_hub::Held>,
    /// The findings that still stand, or could not be re-read: kept ACTIVE, each with the
    /// note its text gains (`watch_destroy::reprove`).
    pub(crate) kept: Vec<super::watch_kept::Kept>,
    /// Why they were not read, when they were not.
    pub note: Option<String>,
}

impl ToArchive {
    /// How many findings archiving closes.
    pub(crate) fn len(&self) -> usize {
        self.held.len()
    }
}

/// `watch destroy`: the watch's active findings, to archive. None when Security Hub is not
/// enabled in the function's region (nothing was published there).
pub(crate) async fn to_archive(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    state: &WatchState,
) -> ToArchive {
    let none = |note: Option<String>| ToArchive {
        hub: None,
        held: Vec::new(),
        kept: Vec::new(),
        note,
    };
    let hub = match hub(settings, events, file, state).await {
        Ok(hub) => hub,
        Err(e) => return none(not_read(&e).note),
    };
    match hub.held().await {
        Ok(held) => ToArchive {
            hub: Some(hub),
            held,
            kept: Vec::new(),
            note: None,
        },
        Err(e) if e.is_code("InvalidAccessException") => none(None),
        Err(e) => none(not_read(&e.to_string()).note),
    }
}

/// Archives the findings that no longer hold (`RecordState ARCHIVED`) and imports again, ACTIVE
/// with their note, those that still stand; how many Security Hub took.
pub(crate) async fn archive(events: &dyn Events, findings: ToArchive) -> Result<usize> {
    let all = findings.held.len() + findings.kept.len();
    let Some(hub) = findings.hub.filter(|_| all > 0) else {
        return Ok(0);
    };
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let archived = (findings.held.iter()).map(|h| crate::aws::security_hub::archived(h, &now));
    let kept = (findings.kept.iter())
        .map(|k| crate::aws::security_hub::kept_active(&k.held, &now, &k.note));
    let out = archived.chain(kept).collect();
    let work = crate::aws::security_hub::import(&hub.clients, Some(&hub.region), out);
    let done = events
        .reading(Read::Archiving { findings: all }, work)
        .await?;
    Ok(done.written)
}

fn not_read(why: &str) -> Published {
    Published {
        note: Some(format!(
            "Security Hub: what the watch published was not read ({why})"
        )),
        ..Published::default()
    }
}

fn active(held: &crate::aws::security_hub::Held) -> ActiveFinding {
    let (updated, created) = held.times();
    ActiveFinding {
        title: held.title().to_owned(),
        severity: held.severity().to_owned(),
        updated_at: updated.map(str::to_owned),
        created_at: created.map(str::to_owned),
    }
}

/// The writes that deploy the watch (none when it is deployed as wanted).
pub(crate) fn deploy_ops(state: &WatchState) -> Result<Vec<WatchOp>> {
    plan_watch(&state.want, &state.seen, &state.role).map_err(|e| {
        Error::usage(
            e.to_string(),
            "remove or rename it, or watch with another config: lambda-trust never takes over what is not its own",
        )
    })
}

/// The writes that remove the watch: only what its tags say is this watch's.
pub(crate) fn destroy_ops(state: &WatchState) -> Vec<WatchOp> {
    watch_teardown(&state.seen, &state.role, &state.want)
}

/// Makes `ops`; the writes made.
pub(crate) async fn write(
    settings: &Settings,
    events: &dyn Events,
    file: &ConfigFile,
    state: &WatchState,
    ops: &[WatchOp],
) -> Result<usize> {
    let loaded = file.load()?;
    let clients = connect(settings, events, &loaded.config).await?;
    let work = live::apply(&clients, ops, &state.package, &state.want.tags);
    let written = events.reading(Read::Writing { changes: ops.len() }, work);
    written.await.map_err(|(made, e)| stopped(ops, made, e))
}

/// A write that failed: what it was, and what the run had made before it — which stays, and
/// which the next run of the same command plans from.
fn stopped(ops: &[WatchOp], made: usize, error: crate::aws::AwsError) -> Error {
    use crate::error::Hinted as _;
    let failed = ops
        .get(made)
        .map_or_else(String::new, |op| format!(" ({op})"));
    let before = match made {
        0 => "nothing was made before it".to_owned(),
        n => {
            let list: Vec<String> = ops[..n].iter().map(|op| format!("  {op}")).collect();
            format!(
                "made before it ({n} of {}):\n{}",
                ops.len(),
                list.join("\n")
            )
        }
    };
    let fix = error.hint().map_or_else(String::new, |h| format!("{h}; "));
    Error::usage(
        format!("write {} of {} failed{failed}: {error}; {before}", made + 1, ops.len()),
        format!("{fix}then run the same command again: it plans from what is there (`lambda-trust watch destroy` removes what was made)"),
    )
}

/// Lambda's `CodeSha256`: the package's SHA-256, base64.
fn code_sha256(package: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(package))
}

/// The zip Lambda takes: `bootstrap` (executable), `lambda-trust.toml`, the data actions'
/// contract files at the paths the config gives them, and the templates under `policies/`
/// when the run has its own. The same input makes the same bytes (fixed times and order), so
/// an unchanged package is no write.
fn package(
    binary: &[u8],
    loaded: &lambda_trust_config::Loaded,
    templates: Option<&Path>,
) -> Result<Vec<u8>> {
    let mut files = vec![
        ("bootstrap".to_owned(), 0o755, binary.to_vec()),
        (
            "lambda-trust.toml".to_owned(),
            0o644,
            loaded.text.clone().into_bytes(),
        ),
    ];
    for (path, schema) in &loaded.schemas {
        files.push((
            contract_path(path)?,
            0o644,
            serde_json::to_vec_pretty(schema).unwrap_or_default(),
        ));
    }
    if let Some(dir) = templates {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(Error::Io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        found.sort();
        for f in found {
            let name = f.file_name().unwrap_or_default().to_string_lossy();
            files.push((
                format!("policies/{name}"),
                0o644,
                std::fs::read(&f)
                    .map_err(|e| crate::error::FileError::new("read", f.display(), e))?,
            ));
        }
    }
    zip_files(&files).map_err(Error::Io)
}

/// A contract file's place in the package: its path as the config writes it, which must stay
/// beside or below the config (the function reads it relative to the config there).
fn contract_path(path: &str) -> Result<String> {
    let p = Path::new(path);
    let inside = p.is_relative()
        && p.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
    if inside {
        let parts = p.components().filter_map(|c| match c {
            std::path::Component::Normal(part) => part.to_str(),
            _ => None,
        });
        return Ok(parts.collect::<Vec<_>>().join("/"));
    }
    Err(Error::usage(
        format!("the contract file {path} is not beside or below the config, so it cannot be packaged beside it"),
        "move it next to the config (or into a folder there) and name it by that relative path",
    ))
}

fn zip_files(files: &[(String, u32, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let at = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, mode, bytes) in files {
        zip.start_file(name.as_str(), at.unix_permissions(*mode))
            .map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    let out = zip.finish().map_err(std::io::Error::other)?;
    Ok(out.into_inner())
}

/// How to get a binary `provided.al2023` runs.
const FITTING_BUILD: &str = "pass --package with lambda-trust's Linux release (musl, static), or build one for glibc 2.34: `just lambda-build` in a checkout (cargo zigbuild --release --target x86_64-unknown-linux-gnu.2.34)";

/// The binary to deploy and its architecture: `--package PATH` — the binary, or a release
/// archive (`.tar.gz`) holding it — checked against `PATH.sha256` when one is beside it, else
/// the running binary; either must be lambda-trust, built so that Lambda's `provided.al2023`
/// runs it.
fn bootstrap(package: Option<&Path>) -> Result<(Vec<u8>, String)> {
    let path = match package {
        Some(p) => p.to_path_buf(),
        None => std::env::current_exe().map_err(Error::Io)?,
    };
    let mut bytes = std::fs::read(&path).map_err(|e| {
        crate::error::FileError::new("read", path.display(), e)
            .with_hint("pass --package with the path of a lambda-trust binary or release archive")
    })?;
    if let Some(p) = package {
        verify_checksum(p, &bytes)?;
    }
    let name = path.to_string_lossy();
    if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        bytes = from_archive(&bytes).map_err(|why| {
            Error::usage(
                format!("{} is not a lambda-trust release archive: {why}", path.display()),
                "pass the Linux release archive (lambda-trust-VERSION-x86_64-unknown-linux-musl.tar.gz) or its binary",
            )
        })?;
    }
    let fit = read_executable(&bytes).and_then(|exe| runs_on_al2023(&exe));
    let fit = fit.map_err(|why| {
        Error::usage(
            format!(
                "{} cannot be the function's bootstrap: {why}",
                path.display()
            ),
            FITTING_BUILD,
        )
    })?;
    Ok((bytes, fit.architecture.into()))
}

/// The `lambda-trust` binary inside a release archive (`NAME/lambda-trust`, as
/// scripts/release.sh packs it).
fn from_archive(archive: &[u8]) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read as _;
    let gz = flate2::read::GzDecoder::new(archive);
    let mut tar = tar::Archive::new(gz);
    let entries = tar.entries().map_err(|e| e.to_string())?;
    for entry in entries {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path().map_err(|e| e.to_string())?.into_owned();
        if path.file_name().is_some_and(|n| n == "lambda-trust") {
            let mut binary = Vec::new();
            entry.read_to_end(&mut binary).map_err(|e| e.to_string())?;
            return Ok(binary);
        }
    }
    Err("it holds no lambda-trust binary".into())
}

fn verify_checksum(path: &Path, bytes: &[u8]) -> Result<()> {
    let sums = PathBuf::from(format!("{}.sha256", path.display()));
    let Ok(text) = std::fs::read_to_string(&sums) else {
        return Ok(());
    };
    let want = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let have: String = sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if want == have {
        return Ok(());
    }
    Err(Error::usage(
        format!(
            "{} does not match its checksum in {}",
            path.display(),
            sums.display()
        ),
        "download the release again; nothing was written",
    ))
}

#[cfg(test)]
mod tests {
    use super::{contract_path, zip_files};

    #[test]
    fn a_contract_is_packaged_at_its_path_beside_the_config_and_nothing_outside_is() {
        assert_eq!(
            contract_path("contracts/lookup.out.json").unwrap(),
            "contracts/lookup.out.json"
        );
        assert_eq!(contract_path("./in.json").unwrap(), "in.json");
        assert!(contract_path("../contracts/in.json").is_err());
        assert!(contract_path("/etc/in.json").is_err());
    }

    #[test]
    fn the_same_files_make_the_same_package_so_an_unchanged_deploy_writes_nothing() {
        let files = vec![
            ("bootstrap".to_owned(), 0o755, vec![1, 2, 3]),
            ("lambda-trust.toml".to_owned(), 0o644, b"[role]".to_vec()),
        ];
        let first = zip_files(&files).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(first, zip_files(&files).unwrap());
        let mut changed = files.clone();
        changed[1].2 = b"[role]\n".to_vec();
        assert_ne!(first, zip_files(&changed).unwrap());
    }
}
