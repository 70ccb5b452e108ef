//! Validation of a parsed config: every field against the AWS limits, all problems reported
//! at once, each naming the field and the rule.
//!
//! Part of the `config` layer.

use super::error::{ConfigError, Problem, Warning};
use super::function::{partition_note, target_identity, TargetIdentity, TargetProblem};
use super::model::{
    AccountAccess, AwsConfig, Config, Partner, RoleConfig, TargetConfig, TrustConfig, WatchConfig,
    WatchEngine, CONFIG_TAG_KEY, DEPLOYMENT_TAG_KEY, GENESYS_CLOUD_FEDRAMP_ACCOUNT, MANAGED_BY_KEY,
    MAX_ROLE_TAGS, NOT_GENESYS_ACCOUNT, OWN_TAGS,
};
use super::rules::*;
use std::collections::BTreeMap;

/// Checks every rule on an already deserialized config (for callers that build or override
/// one, e.g. from command-line flags). Returns the warnings, or every broken rule.
pub(crate) fn validate(config: &Config, source: &str) -> Result<Vec<Warning>, ConfigError> {
    let mut v = Validator::default();
    v.deployment(config.deployment.as_deref());
    v.trust(&config.trust);
    v.role(&config.role);
    v.role_tags(&config.role.tags, config.deployment.is_some());
    v.policy(config);
    v.aws(&config.aws);
    v.accounts(&config.aws);
    v.targets(config);
    v.watch(config.watch.as_ref());
    v.problems.extend(super::genesys::problems(config));
    v.warnings.extend(super::genesys::warnings(config));
    if v.problems.is_empty() {
        Ok(v.warnings)
    } else {
        Err(ConfigError::Invalid {
            path: source.to_string(),
            problems: v.problems,
        })
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
    warnings: Vec<Warning>,
}

impl Validator {
    fn problem(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.into(),
            message: message.into(),
            hint: None,
        });
    }

    fn problem_hint(
        &mut self,
        field: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.problems.push(Problem {
            field: field.into(),
            message: message.into(),
            hint: Some(hint.into()),
        });
    }

    fn warn(&mut self, code: &'static str, message: String, hint: Option<String>) {
        self.warnings.push(Warning {
            code,
            message,
            hint,
        });
    }

    /// A rule broken by a function reference or a qualifier, reported at `field`.
    fn rule_error(&mut self, field: String, e: lambda_trust_verdict::Problem) {
        self.problems.push(Problem {
            field,
            message: e.message,
            hint: e.hint,
        });
    }

    /// Checks a region name; false (with a problem at `field`) when it is not one.
    fn region(&mut self, field: impl Into<String>, region: &str) -> bool {
        if is_region(region) {
            return true;
        }
        self.problem(
            field,
            format!(
                "{} is not a valid region (like us-east-1){}",
                show(region),
                partition_note(region)
            ),
        );
        false
    }

    fn trust(&mut self, trust: &TrustConfig) {
        self.trusted_account(trust);
        self.external_id(trust);
    }

    /// Whom the role trusts: exactly one of a preset and an account ID.
    fn trusted_account(&mut self, trust: &TrustConfig) {
        match (&trust.partner, &trust.account_id) {
            (Some(_), Some(_)) => self.problem_hint(
                "trust",
                "set exactly one of partner and account_id, not both",
                "remove account_id to use the preset, or partner to trust another account",
            ),
            (None, None) => self.problem_hint(
                "trust",
                "set exactly one of partner and account_id",
                "partner = \"genesys-cloud\" trusts Genesys Cloud's production account",
            ),
            _ => {}
        }
        if let Some(account) = &trust.account_id {
            if !is_account_id(account) {
                self.problem(
                    "trust.account_id",
                    format!(
                        "{} is not an AWS account ID (exactly 12 digits)",
                        show(account)
                    ),
                );
            } else if account == NOT_GENESYS_ACCOUNT {
                self.problem_hint(
                    "trust.account_id",
                    format!(
                        "{} is not a Genesys Cloud account (it circulates in tutorials)",
                        show(account)
                    ),
                    "use partner = \"genesys-cloud\" (account 765628985471)",
                );
            }
        }
        if trust.partner == Some(Partner::GenesysCloudFedramp) {
            self.warn(
                "fedramp-account-unconfirmed",
                format!(
                    "trust.partner: the genesys-cloud-fedramp preset trusts account \
                     {GENESYS_CLOUD_FEDRAMP_ACCOUNT}, which appears only in a Genesys blueprint \
                     comment and is not documented by Genesys"
                ),
                Some(
                    "confirm the account with your Genesys representative before relying on it"
                        .into(),
                ),
            );
        }
    }

    /// The external ID: valid for STS, and for Genesys Cloud an organization ID as Genesys
    /// shows it.
    fn external_id(&mut self, trust: &TrustConfig) {
        let ext = &trust.external_id;
        let len = ext.chars().count();
        if !(2..=1224).contains(&len) || !ext.chars().all(is_external_id_char) {
            self.problem_hint(
                "trust.external_id",
                format!(
                    "{} is not a valid external ID (2–1224 of [\\w+=,.@:/-])",
                    show(ext)
                ),
                format!(
                    "use your Genesys Cloud organization ID ({})",
                    crate::rules::ORG_ID_WHERE
                ),
            );
        } else if trust.partner.is_some() || trust.account_id.as_deref().is_some_and(is_genesys) {
            // Genesys Cloud sends its organization ID, a lowercase UUID, as sts:ExternalId
            // (docs/genesys.md): with any other value the role refuses every data action, so
            // every command refuses it, before anything is proved or written.
            if !is_uuid(ext) {
                self.problem_hint(
                    "trust.external_id",
                    format!(
                        "{} is not a Genesys Cloud organization ID (a UUID such as \
                         0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10): Genesys Cloud sends its \
                         organization ID as the external ID, so the role would refuse every \
                         data action",
                        show(ext)
                    ),
                    format!("copy it from Genesys Cloud: {ORG_ID_WHERE}"),
                );
            } else if ext.chars().any(|c| c.is_ascii_uppercase()) {
                // StringEquals is case-sensitive; Genesys shows organization IDs in lowercase.
                self.problem_hint(
                    "trust.external_id",
                    format!(
                        "{} has uppercase letters, but Genesys Cloud sends its organization ID \
                         in lowercase and sts:ExternalId is compared case-sensitively",
                        show(ext)
                    ),
                    "write the organization ID in lowercase, exactly as Genesys Cloud shows it",
                );
            }
        }
    }

    fn role(&mut self, role: &RoleConfig) {
        if !is_role_name(&role.name) {
            self.problem(
                "role.name",
                format!(
                    "{} is not a valid role name (1–64 of [\\w+=,.@-])",
                    show(&role.name)
                ),
            );
        }
        if let Some(path) = &role.path {
            if !is_iam_path(path) {
                self.problem_hint(
                    "role.path",
                    format!(
                        "{} is not a valid IAM path (\"/\" or \"/…/\", 1–512 of ! to ~)",
                        show(path)
                    ),
                    "a path starts and ends with /, e.g. \"/genesys/\"",
                );
            }
        }
        if let Some(desc) = &role.description {
            self.role_description(desc);
        }
        if let Some(d) = role.max_session_duration {
            if !(3600..=43200).contains(&d) {
                self.problem(
                    "role.max_session_duration",
                    format!("{d} is out of range (3600–43200 seconds)"),
                );
            }
        }
        if let Some(b) = &role.permissions_boundary {
            if !is_policy_arn(b) {
                self.problem_hint(
                    "role.permissions_boundary",
                    format!("{} is not an IAM managed policy ARN", show(b)),
                    "e.g. \"arn:aws:iam::111122223333:policy/Boundary\"",
                );
            }
        }
    }

    fn role_description(&mut self, desc: &str) {
        if desc.chars().count() > 1000 {
            self.problem(
                "role.description",
                format!("is {} characters long (at most 1000)", desc.chars().count()),
            );
        } else if let Some(c) = desc.chars().find(|c| !is_description_char(*c)) {
            self.problem(
                "role.description",
                format!(
                    "contains {c:?}, which IAM refuses (allowed: tab, newlines, printable \
                     ASCII and Latin-1)"
                ),
            );
        }
    }

    fn deployment(&mut self, deployment: Option<&str>) {
        if let Some(d) = deployment.filter(|d| !is_deployment(d)) {
            self.problem(
                "deployment",
                format!("{d:?}: 1–64 of [A-Za-z0-9._-], starting with a letter or digit"),
            );
        }
    }

    /// The role's own tags: within IAM's limit beside the tool's, and none the tool or AWS
    /// reserves.
    fn role_tags(&mut self, tags: &BTreeMap<String, String>, deployment: bool) {
        // The deployment's tag only when the config names one.
        let own = OWN_TAGS - usize::from(!deployment);
        if tags.len() + own > MAX_ROLE_TAGS {
            self.problem(
                "role.tags",
                format!(
                    "{} tags plus the tool's {own} ({MANAGED_BY_KEY}, {CONFIG_TAG_KEY}{}) exceed \
                     IAM's limit of {MAX_ROLE_TAGS} per role",
                    tags.len(),
                    if deployment {
                        format!(", {DEPLOYMENT_TAG_KEY}")
                    } else {
                        String::new()
                    }
                ),
            );
        }
        if tags
            .keys()
            .any(|k| k.to_ascii_lowercase().starts_with("lambda-trust:"))
        {
            self.problem_hint(
                "role.tags",
                "tag keys starting with \"lambda-trust:\" are reserved for the tool",
                "rename the tag",
            );
        }
        for (key, value) in tags {
            self.role_tag(key, value);
        }
    }

    fn role_tag(&mut self, key: &str, value: &str) {
        let field = format!("role.tags[{}]", show(key));
        let key_len = key.chars().count();
        if key.eq_ignore_ascii_case(MANAGED_BY_KEY) {
            self.problem_hint(
                field,
                format!("the {MANAGED_BY_KEY} tag is set by the tool"),
                "remove it: lambda-trust adds managed-by = \"lambda-trust\" itself",
            );
        } else if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
            self.problem(field, "the aws: prefix is reserved for AWS");
        } else if !(1..=128).contains(&key_len) || !key.chars().all(is_tag_char) {
            self.problem(
                "role.tags",
                format!(
                    "key {} is not a valid tag key (1–128 of letters, digits, spaces and \
                     _.:/=+-@)",
                    show(key)
                ),
            );
        } else if value.chars().count() > 256 || !value.chars().all(is_tag_char) {
            self.problem(
                field,
                format!(
                    "{} is not a valid tag value (0–256 of letters, digits, spaces and \
                     _.:/=+-@)",
                    show(value)
                ),
            );
        }
    }

    fn policy(&mut self, config: &Config) {
        if let Some(name) = &config.policy.name {
            if !is_policy_name(name) {
                self.problem(
                    "policy.name",
                    format!(
                        "{} is not a valid policy name (1–128 of [\\w+=,.@-])",
                        show(name)
                    ),
                );
            }
        }
    }

    /// `[watch]`: a schedule EventBridge takes (`rate(N unit)`, `cron(…)` of six fields), an
    /// SNS topic's ARN.
    fn watch(&mut self, watch: Option<&WatchConfig>) {
        let Some(watch) = watch else { return };
        if let Some(schedule) = &watch.schedule {
            if !is_schedule(schedule) {
                self.problem(
                    "watch.schedule",
                    format!(
                        "{} is not an EventBridge schedule: write rate(5 minutes), rate(1 hour) or cron(0 * * * ? *)",
                        show(schedule)
                    ),
                );
            }
        }
        let config_rule = watch.engine == Some(WatchEngine::ConfigRule);
        if let (true, Some(schedule)) = (config_rule, &watch.schedule) {
            if schedule.starts_with("cron(") {
                self.problem(
                    "watch.schedule",
                    "the config-rule engine evaluates at a rate (One_Hour … TwentyFour_Hours), not a cron expression: write rate(…)",
                );
            }
        }
        if let Some(bus) = &watch.genesys_event_bus {
            let parts: Vec<&str> = bus.splitn(6, ':').collect();
            let ok = matches!(parts.as_slice(), ["arn", _, "events", r, a, name]
                if !r.is_empty() && is_account_id(a) && name.starts_with("event-bus/aws.partner/genesys.com/"));
            if !ok || config_rule {
                self.problem(
                    "watch.genesys_event_bus",
                    format!(
                        "{} is not the ARN of a Genesys Cloud partner event bus (arn:aws:events:REGION:ACCOUNT:event-bus/aws.partner/genesys.com/…){}",
                        show(bus),
                        if config_rule { ", or is given with the config-rule engine, which has no EventBridge rule" } else { "" }
                    ),
                );
            }
        }
        if let Some(topic) = &watch.sns_topic {
            let parts: Vec<&str> = topic.split(':').collect();
            let arn = matches!(parts.as_slice(), ["arn", _, "sns", r, a, n] if !r.is_empty() && is_account_id(a) && !n.is_empty());
            if !arn {
                self.problem(
                    "watch.sns_topic",
                    format!(
                        "{} is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)",
                        show(topic)
                    ),
                );
            }
        }
    }

    fn aws(&mut self, aws: &AwsConfig) {
        if let Some(region) = &aws.region {
            self.region("aws.region", region);
        }
        if let Some(profile) = &aws.profile {
            if profile.trim().is_empty() || profile.chars().any(char::is_control) {
                self.problem(
                    "aws.profile",
                    format!("{} is not a valid profile name", show(profile)),
                );
            }
        }
        if let Some(account) = &aws.account_id {
            if !is_account_id(account) {
                self.problem(
                    "aws.account_id",
                    format!(
                        "{} is not an AWS account ID (exactly 12 digits)",
                        show(account)
                    ),
                );
            }
        }
    }

    /// `[aws.accounts."ID"]`: the key is an account ID; exactly one of `profile` and
    /// `role_arn`; a role ARN in that very account; `external_id` and `session_name` valid for
    /// `sts:AssumeRole` (STS API Reference, AssumeRole: `ExternalId` 2–1224 of `[\w+=,.@:/-]`,
    /// `RoleSessionName` 2–64 of `[\w+=,.@-]`) and only with `role_arn`.
    fn accounts(&mut self, aws: &AwsConfig) {
        for (key, access) in &aws.accounts {
            let field = format!("aws.accounts.\"{key}\"");
            if !is_account_id(key) {
                self.problem_hint(
                    field.clone(),
                    format!("{} is not an AWS account ID (exactly 12 digits)", show(key)),
                    "key each entry by the account ID of the targets it reaches: [aws.accounts.\"222233334444\"]",
                );
            }
            match (&access.profile, &access.role_arn) {
                (Some(_), Some(_)) | (None, None) => self.problem_hint(
                    field.clone(),
                    "needs exactly one of profile and role_arn",
                    "profile = \"<a named profile acting in that account>\", or role_arn = \"arn:aws:iam::<ID>:role/<name>\" to assume with this run's credentials",
                ),
                (Some(profile), None) => {
                    if profile.trim().is_empty() || profile.chars().any(char::is_control) {
                        self.problem(
                            format!("{field}.profile"),
                            format!("{} is not a valid profile name", show(profile)),
                        );
                    }
                }
                (None, Some(role)) => self.account_role(&field, key, role),
            }
            if access.role_arn.is_none()
                && (access.external_id.is_some() || access.session_name.is_some())
            {
                self.problem_hint(
                    field.clone(),
                    "external_id and session_name go with role_arn only",
                    "a profile's own role_arn, external_id and role_session_name are set in the AWS config file",
                );
            }
            self.assume_role_fields(&field, access);
        }
    }

    fn account_role(&mut self, field: &str, key: &str, role: &str) {
        let parsed = lambda_trust_iam::Arn::parse(role)
            .filter(|a| a.service == "iam" && a.resource.starts_with("role/"));
        match parsed {
            None => self.problem_hint(
                format!("{field}.role_arn"),
                format!("{} is not an IAM role ARN", show(role)),
                "write it as arn:aws:iam::<account ID>:role/<name>",
            ),
            Some(arn) if arn.account != key => self.problem_hint(
                format!("{field}.role_arn"),
                format!("{} is in account {}, not {key}", show(role), arn.account),
                "the role to assume must be in the account the entry is keyed by",
            ),
            Some(_) => {}
        }
    }

    fn assume_role_fields(&mut self, field: &str, access: &AccountAccess) {
        if let Some(ext) = &access.external_id {
            if !super::rules::is_external_id(ext) {
                self.problem(
                    format!("{field}.external_id"),
                    format!(
                        "{} is not a valid external ID (2–1224 of [\\w+=,.@:/-])",
                        show(ext)
                    ),
                );
            }
        }
        if let Some(name) = &access.session_name {
            if !super::rules::is_session_name(name) {
                self.problem(
                    format!("{field}.session_name"),
                    format!(
                        "{} is not a valid role session name (2–64 of [\\w+=,.@-])",
                        show(name)
                    ),
                );
            }
        }
    }

    fn targets(&mut self, config: &Config) {
        // No targets is a valid state (e.g. after offboarding the last one): the role trusts
        // the partner but may invoke nothing, and no invoke policy exists. Worth a warning.
        if config.targets.is_empty() {
            self.warn(
                "no-targets",
                "no [[targets]]: the role will be allowed to invoke nothing (no invoke policy is created)".into(),
                Some("add [[targets]] with function = \"<function ARN or name>\", or run `lambda-trust onboard FUNCTION`".into()),
            );
        }
        // An invalid [aws].region is reported on its own; here it still counts as "set".
        let default_region = config.aws.region.clone();
        let role_account = config.aws.account_id.clone().filter(|a| is_account_id(a));
        // Resolved identities of the targets checked so far, for duplicate detection.
        let mut seen: Vec<(usize, TargetIdentity)> = Vec::new();
        for (i, target) in config.targets.iter().enumerate() {
            let field = format!("targets[{i}]");
            let Some(key) = self.target(&field, target, default_region.as_deref(), &role_account)
            else {
                continue;
            };
            if let Some((j, _)) = seen.iter().find(|(_, k)| *k == key) {
                self.problem_hint(
                    format!("{field}.function"),
                    format!(
                        "{} duplicates targets[{j}] (same function and qualifier)",
                        show(&target.function)
                    ),
                    "remove one of the two entries",
                );
                continue;
            }
            // `*` grants the unqualified ARN and every qualifier: other entries are redundant.
            if let Some((j, _)) = seen.iter().find(|(_, k)| k.covers(&key) || key.covers(k)) {
                self.warn(
                    "target-redundant",
                    format!(
                        "targets[{i}] and targets[{j}] overlap: qualifier \"*\" already grants \
                         every qualifier of the function"
                    ),
                    Some("remove the narrower entry, or drop the \"*\" qualifier".into()),
                );
            }
            seen.push((i, key));
        }
    }

    /// Validates one target; returns its resolved identity when it is valid. The target's own
    /// region is checked here; an invalid default region is reported on `[aws].region`.
    fn target(
        &mut self,
        field: &str,
        target: &TargetConfig,
        default_region: Option<&str>,
        role_account: &Option<String>,
    ) -> Option<TargetIdentity> {
        let region_ok = match &target.region {
            Some(region) => self.region(format!("{field}.region"), region),
            None => true,
        };
        let problems = match target_identity(target, default_region, role_account.as_deref()) {
            Ok(identity) => return region_ok.then_some(identity),
            Err(problems) => problems,
        };
        for problem in problems {
            self.target_problem(field, problem);
        }
        None
    }

    fn target_problem(&mut self, field: &str, problem: TargetProblem) {
        match problem {
            TargetProblem::Qualifier(e) => self.rule_error(format!("{field}.qualifier"), e),
            TargetProblem::Function(e) => self.rule_error(format!("{field}.function"), e),
            TargetProblem::QualifierTwice => self.problem_hint(
                format!("{field}.qualifier"),
                "the function ARN already has a qualifier",
                "put the qualifier either in the ARN or in qualifier, not both",
            ),
            TargetProblem::RegionContradictsArn { region, arn_region } => self.problem_hint(
                format!("{field}.region"),
                format!(
                    "{} contradicts the function ARN's region {}",
                    show(&region),
                    show(&arn_region)
                ),
                "region is only needed for bare function names; remove it",
            ),
            TargetProblem::NoRegion { name } => self.problem_hint(
                format!("{field}.function"),
                format!(
                    "{} is a bare function name but no region is known for it",
                    show(&name)
                ),
                "set region on this target or [aws].region, or use the function ARN",
            ),
            // Said where the region is: on the target's region, or on [aws].region.
            TargetProblem::BadRegion { .. } => {}
        }
    }
}

/// An EventBridge schedule expression: `rate(N minute|minutes|hour|hours|day|days)` (1 takes
/// the singular, more the plural) or `cron(…)` with six fields
/// (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html>).
fn is_schedule(text: &str) -> bool {
    if let Some(rate) = text.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let mut words = rate.split(' ');
        let (Some(n), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return false;
        };
        let Ok(n) = n.parse::<u32>() else {
            return false;
        };
        let singular = ["minute", "hour", "day"].contains(&unit);
        let plural = ["minutes", "hours", "days"].contains(&unit);
        return n > 0 && ((n == 1 && singular) || (n > 1 && plural));
    }
    text.strip_prefix("cron(")
        .and_then(|c| c.strip_suffix(')'))
        .is_some_and(|c| c.split_whitespace().count() == 6)
}

#[cfg(test)]
mod watch_tests {
    use super::is_schedule;

    #[test]
    fn schedules_are_what_eventbridge_takes() {
        for ok in [
            "rate(1 hour)",
            "rate(5 minutes)",
            "rate(2 days)",
            "cron(0 * * * ? *)",
        ] {
            assert!(is_schedule(ok), "{ok}");
        }
        for bad in [
            "rate(1 hours)",
            "rate(5 minute)",
            "rate(0 minutes)",
            "hourly",
            "cron(0 * * * *)",
        ] {
            assert!(!is_schedule(bad), "{bad}");
        }
    }
}
