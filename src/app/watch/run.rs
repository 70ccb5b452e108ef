//! `watch`'s workflow, as the watching function runs it: each event re-proves the setup,
//! reading again only what the event can have changed (`crates/provision/src/watch/classify.rs`).
//!
//! The function keeps the last full reading while Lambda keeps its execution environment warm
//! (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html>): the
//! schedule's tick, and the first event of a new environment, read everything as `check`
//! does; a change to the role reads IAM again (no target); a change to one target's resource
//! policy reads that function's policy and the role. The rest is judged from the kept reading,
//! and the report says so.

use serde_json::Value;

use crate::app::check;
use crate::app::events::{Event, Events};
use crate::app::function_policies::{self, PolicySource};
use crate::app::live::connect;
use crate::app::path::PathAsk;
use crate::app::security_hub::{self as hub, Sent};
use crate::app::settings::Settings;
use crate::app::watch::serve::{Serving, Watch};
use crate::aws::prepare::reobserve_iam;
use crate::aws::watch::runtime::Invocation;
use crate::aws::{function_policy, Clients};
use crate::error::Result;
use crate::event::HubAt;
use lambda_trust_config::ConfigFile;
use lambda_trust_iam::unqualified_arn;
use lambda_trust_model::{invoked_arns, Observed};
use lambda_trust_provision::{
    classify_event, read_event, settles, AwsUnread, CheckReading, ConfigReport, Notice, Prepared,
    Reread, RuleAnswer, TargetPolicy, WatchChange, WatchEvent, WatchGenerator, WatchOutcome,
    WatchRecord, Watched,
};

/// The watching function's state between invocations: the config, its clients once
/// connected, and the last reading (while the execution environment lives).
pub(crate) struct Watcher {
    file: ConfigFile,
    clients: Option<Clients>,
    kept: Option<Kept>,
}

/// The last reading, kept to judge the next event with.
struct Kept {
    reading: CheckReading,
    /// When it was read in full (RFC 3339).
    read_at: String,
}

/// One invocation's result: what the event was, what was read, and the report.
pub(crate) struct WatchRun {
    pub change: WatchChange,
    pub reread: Reread,
    /// The report; `None` when nothing watched changed.
    pub report: Option<ConfigReport>,
    /// The account and partition read, the region the function runs and publishes in (its
    /// `AWS_REGION`), and the role's name and ARN.
    pub account: Option<String>,
    pub partition: String,
    pub region: String,
    pub role_name: String,
    pub role_arn: Option<String>,
    /// `[watch].sns_topic`: told of each change of the result.
    pub sns_topic: Option<String>,
}

impl WatchRun {
    /// The generator prefix of the Security Hub findings this run settles
    /// ([`lambda_trust_provision::settles`]).
    pub(crate) fn generator_prefix(&self) -> String {
        let failed = (self.report.as_ref())
            .filter(|r| r.error.is_some())
            .map(|r| r.failed_side);
        let settles = settles(failed, self.reread);
        WatchGenerator::Settled {
            role: &self.role_name,
            settles,
        }
        .to_string()
    }
}

/// What one run reads with: its settings and events, the config loaded, and its clients.
#[derive(Clone, Copy)]
struct ReadWith<'a> {
    settings: &'a Settings,
    events: &'a dyn Events,
    loaded: &'a lambda_trust_config::Loaded,
    clients: &'a Clients,
}

impl Watcher {
    /// A watcher of the config at `file`; nothing is read until the first event.
    pub(crate) fn new(file: ConfigFile) -> Watcher {
        Watcher {
            file,
            clients: None,
            kept: None,
        }
    }

    /// Re-proves after `event`; `home` is the function's own account (its ARN's), where the
    /// result is published when nothing could be read. A failure to read is a report of its
    /// error, never silence.
    pub(crate) async fn on_event(
        &mut self,
        settings: &Settings,
        events: &dyn Events,
        event: &WatchEvent,
        home: Option<String>,
    ) -> Result<WatchRun> {
        let loaded = self.file.load()?;
        let role_name = loaded.config.role.name.clone();
        let clients = match self.clients.take() {
            Some(c) => c,
            None => connect(settings, events, &loaded.config).await?,
        };
        let change = match &self.kept {
            Some(kept) => classify_event(event, &watched(&kept.reading.prepared)),
            None => WatchChange::Everything {
                why: "the first event of this execution environment".into(),
            },
        };
        let with = ReadWith {
            settings,
            events,
            loaded: &loaded,
            clients: &clients,
        };
        let report = self.judged(with, &change).await;
        let desired = self.kept.as_ref().map(|k| &k.reading.prepared.desired);
        let run = WatchRun {
            reread: Reread::from(&change),
            change,
            report,
            account: desired.map(|d| d.account_id.clone()).or(home),
            partition: desired.map_or_else(|| "aws".into(), |d| d.partition.clone()),
            region: settings
                .env_region
                .clone()
                .unwrap_or_else(|| clients.region()),
            role_name,
            role_arn: desired.map(|d| d.role_arn()),
            sns_topic: loaded.config.watch.and_then(|w| w.sns_topic),
        };
        self.clients = Some(clients);
        Ok(run)
    }

    /// Reads what `change` can have changed into the kept reading, and judges it over that
    /// ([`WatchChange::judged`]); `None` when nothing watched changed.
    async fn judged(&mut self, with: ReadWith<'_>, change: &WatchChange) -> Option<ConfigReport> {
        let name = self.file.path.display().to_string();
        let read = self.read_for(with, change);
        let mut report = match (read.await, &self.kept) {
            (Err(e), _) => ConfigReport::error(&name, e.human()),
            (Ok(Some(unread)), _) => unread.judge(&name),
            (Ok(None), Some(kept)) => change.judged(&kept.reading, &name, &kept.read_at)?,
            (Ok(None), None) => ConfigReport::error(&name, no_reading().human()),
        };
        report.environment = self.file.env.clone();
        Some(report)
    }

    /// Reads what `change` can have changed: everything, as `check` reads it, for the
    /// schedule's tick and what cannot be scoped; the Genesys Cloud side after its audit
    /// event; the role (and one target's policy) after theirs. What was read when the AWS side
    /// could not be: kept nowhere, judged at once.
    async fn read_for(
        &mut self,
        with: ReadWith<'_>,
        change: &WatchChange,
    ) -> Result<Option<AwsUnread>> {
        let ReadWith {
            events, clients, ..
        } = with;
        match change {
            WatchChange::Nothing { .. } => Ok(None),
            WatchChange::Everything { .. } => self.read_all(with).await,
            WatchChange::Genesys { .. } => {
                let kept = self.kept.as_mut().ok_or_else(no_reading)?;
                let genesys = check::genesys_again(clients, &kept.reading.prepared, events).await;
                kept.reading
                    .read_genesys(genesys.map_err(|e| e.side_error()));
                Ok(None)
            }
            WatchChange::Role { .. } => self.reread(clients, None).await.map(|()| None),
            WatchChange::Function { arn, .. } => {
                self.reread(clients, Some(arn)).await.map(|()| None)
            }
        }
    }

    /// Everything, as `check` reads it — with the event's one config load and one connection
    /// — kept for the next events.
    async fn read_all(&mut self, with: ReadWith<'_>) -> Result<Option<AwsUnread>> {
        let ReadWith {
            settings,
            events,
            loaded,
            clients,
        } = with;
        let pacer = crate::aws::trail::pacer();
        let ask = check::Ask {
            only: None,
            path: PathAsk {
                org_policies: None,
                function_policies: PolicySource::Auto,
            },
            test_actions: false,
        };
        let read = check::read_with(settings, events, (&self.file, loaded, clients), &pacer, ask);
        match read.await? {
            check::Read::Both(reading) => {
                self.kept = Some(Kept {
                    reading: *reading,
                    read_at: now(),
                });
                Ok(None)
            }
            check::Read::AwsUnread(unread) => Ok(Some(*unread)),
        }
    }

    /// The role again (and `function`'s policy) into the kept reading. What was kept may no
    /// longer hold when that fails: the next event reads everything.
    async fn reread(&mut self, clients: &Clients, function: Option<&str>) -> Result<()> {
        let kept = self.kept.as_mut().ok_or_else(no_reading)?;
        let read = async {
            let prepared = &kept.reading.prepared;
            let (observed, policies) = reread_role(clients, prepared, function).await?;
            Ok(kept.reading.reread_aws(observed, policies)?)
        };
        let read = read.await;
        if read.is_err() {
            self.kept = None;
        }
        read
    }
}

/// A scoped event with no reading to judge it with.
fn no_reading() -> crate::error::Error {
    crate::error::Error::usage(
        "no reading to judge the event with",
        "the schedule's next event reads everything",
    )
}

/// The role read again — with its policies after a role's event; alone (`GetRole`) after a
/// target's, with `function`'s resource policy (every invoked ARN of it) and lambda-trust's
/// statements on it.
async fn reread_role(
    clients: &Clients,
    prepared: &Prepared,
    function: Option<&str>,
) -> Result<(Observed, Vec<TargetPolicy>)> {
    let mut observed = match function {
        // A target's event changes no IAM policy (a policy's change has its own event): the
        // role itself (trust, boundary, tags) is read again, one call.
        Some(_) => {
            let mut observed = prepared.observed.clone();
            let name = &prepared.desired.role.name;
            let role = crate::aws::observe::role(clients, name).await;
            observed.role = role.map_err(crate::aws::prepare::PipelineError::from)?;
            observed
        }
        None => {
            let mut observed = reobserve_iam(clients, prepared).await?;
            observed.permissions = prepared.observed.permissions.clone();
            observed
        }
    };
    let Some(arn) = function else {
        return Ok((observed, Vec::new()));
    };
    let arns: Vec<String> = (invoked_arns(&prepared.desired.targets).into_iter())
        .filter(|a| unqualified_arn(a) == arn)
        .collect();
    let own = prepared.desired.account_id.clone();
    let none_ahead = function_policies::Recorders::default();
    let source = PolicySource::Api;
    let fetched = function_policies::fetch(clients, arns, &own, source, &none_ahead).await?;
    let (policies, _) = function_policies::finish(clients, fetched, &observed).await;
    let wanted: Vec<_> = (prepared.desired.permissions.iter())
        .filter(|p| unqualified_arn(&p.function_arn) == arn)
        .cloned()
        .collect();
    let (read, _) = function_policy::read_permissions(clients, &wanted).await?;
    observed
        .permissions
        .retain(|p| unqualified_arn(&p.function_arn) != arn);
    observed.permissions.extend(read);
    Ok((observed, policies))
}

/// What the kept reading's deployment watches.
fn watched(prepared: &Prepared) -> Watched {
    let desired = &prepared.desired;
    let mut functions: Vec<String> = (invoked_arns(&desired.targets).iter())
        .map(|a| unqualified_arn(a))
        .collect();
    functions.sort();
    functions.dedup();
    Watched {
        account: desired.account_id.clone(),
        role: desired.role.name.clone(),
        policies: desired.policies.iter().map(|p| p.arn.clone()).collect(),
        functions,
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Publishes `run`'s findings to Security Hub in the run's account and region, settling only
/// the findings its reading covers ([`WatchRun::generator_prefix`]).
pub(crate) async fn publish(
    watcher: &Watcher,
    events: &dyn Events,
    run: &WatchRun,
    findings: Vec<Value>,
) -> Result<Sent> {
    let (Some(clients), Some(account)) = (&watcher.clients, &run.account) else {
        return Err(crate::error::Error::usage(
            "nothing was read: no account to publish to",
            "see the error above",
        ));
    };
    let prefix = run.generator_prefix();
    let what = crate::event::Read::Publishing {
        account: account.clone(),
    };
    let sent = hub::send_to(
        clients,
        HubAt {
            account,
            region: &run.region,
        },
        findings,
        &prefix,
    );
    let sent = events.reading(what, sent).await?;
    events.event(Event::Said(hub::summary(&sent, &run.region)));
    Ok(sent)
}

/// What the command makes of a run: its findings in ASFF, and the one JSON line the run
/// logs and answers with (`report` builds both; the workflow never imports it).
pub(crate) trait Render {
    /// The run's findings, in ASFF.
    fn findings(&self, run: &WatchRun) -> Vec<Value>;
    /// The run's record: the event, what was read, the verdict, and where it was published.
    fn record(&self, run: &WatchRun, published: &Result<Sent>) -> WatchRecord;
}

impl Watch for Watcher {
    type Record = WatchRecord;
    type Render = dyn Render;

    /// The event is re-proved ([`Watcher::on_event`]) and published to Security Hub, `[watch]`'s
    /// SNS topic told of a changed result, the Config rule's invocation answered; the record
    /// says each.
    async fn run(
        &mut self,
        at: &Serving<'_, dyn Render>,
        invocation: Invocation,
    ) -> Result<WatchRecord> {
        let (settings, events, render) = (at.settings, at.events, at.render);
        let home = lambda_trust_iam::Arn::parse(&invocation.function_arn).map(|a| a.account);
        // The event read once: classified, and answered when it is the Config rule's.
        let event = read_event(&invocation.event);
        let run = self.on_event(settings, events, &event, home).await?;
        let published = match &run.report {
            Some(_) => publish(self, events, &run, render.findings(&run)).await,
            None => Ok(Sent::default()),
        };
        let mut record = render.record(&run, &published);
        record.sns = notify(self, &run, &published, &record).await;
        if let WatchEvent::ConfigRule(rule) = &event {
            record.config_rule = Some(answer_rule(self, &run, rule).await);
        }
        Ok(record)
    }

    fn outcome(record: &WatchRecord) -> WatchOutcome {
        WatchOutcome::from(record)
    }

    fn said(record: WatchRecord) -> Event {
        Event::WatchRun(Box::new(record))
    }
}

/// Tells `[watch].sns_topic` of the run when its result changed (a finding imported or
/// resolved) or could not be published: the record as the message. `None` when there is no
/// topic or nothing changed; else the message ID, or the error (said, never hidden).
async fn notify(
    watcher: &Watcher,
    run: &WatchRun,
    published: &Result<Sent>,
    record: &WatchRecord,
) -> Option<Notice> {
    let (topic, clients) = (run.sns_topic.as_deref()?, watcher.clients.as_ref()?);
    let changed = match published {
        Ok(sent) => sent.imported + sent.resolved > 0,
        Err(_) => true,
    };
    if !changed {
        return None;
    }
    let status: &str = (run.report.as_ref()).map_or("not read", |r| r.watch_status().into());
    let subject = format!("lambda-trust watch: {}: {status}", run.role_name);
    let message = serde_json::to_string_pretty(record).unwrap_or_default();
    Some(
        match crate::aws::watch::sns::publish(clients, topic, &subject, &message).await {
            Ok(id) => Notice::MessageId(id),
            Err(e) => Notice::Error(e.to_string()),
        },
    )
}

/// Answers the Config rule's invocation (`config-rule` engine): the run's compliance for the
/// resource it named (`NOT_APPLICABLE` for one the watch does not look after), or the account
/// for a periodic one. The compliance answered, or the error.
async fn answer_rule(
    watcher: &Watcher,
    run: &WatchRun,
    rule: &lambda_trust_provision::RuleEvent,
) -> RuleAnswer {
    use lambda_trust_provision::rule_compliance;
    let Some(clients) = watcher.clients.as_ref() else {
        return RuleAnswer::Failed {
            error: "no AWS session".into(),
        };
    };
    let compliance = rule_compliance(run.report.as_ref());
    let annotation = match &run.report {
        Some(r) if r.error.is_some() => r.error.clone().unwrap_or_default(),
        Some(r) if r.findings.is_empty() => {
            "proved: Genesys Cloud gets through, nobody else".into()
        }
        Some(r) => {
            let codes: Vec<String> = r.findings.iter().map(|f| f.code.to_string()).collect();
            format!("{} finding(s): {}", codes.len(), codes.join(", "))
        }
        None => "not a resource this watch looks after".into(),
    };
    let answer = crate::aws::watch::config_rule::Answer {
        token: &rule.result_token,
        resource_type: &rule.resource_type,
        resource_id: &rule.resource_id,
        compliance,
        annotation: &annotation,
        ordering: &rule.ordering,
    };
    match crate::aws::watch::config_rule::answer(clients, &run.region, answer).await {
        Ok(()) => RuleAnswer::Answered {
            compliance,
            resource: rule.clone(),
        },
        Err(e) => RuleAnswer::Failed {
            error: e.to_string(),
        },
    }
}
