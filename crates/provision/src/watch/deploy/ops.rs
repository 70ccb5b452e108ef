//! The writes of `watch deploy` and `watch destroy` ([`WatchOp`]), in the order they run, each
//! saying itself in one line of the preview.

use serde::Serialize;
use serde_json::Value;

use super::model::{WatchBus, WatchConfigRule, WatchFunction, WatchRole, WatchRule};

/// One write of `watch deploy` or `watch destroy`, in the order they run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum WatchOp {
    /// `iam:CreateRole` (tagged).
    CreateRole {
        /// The role.
        role: WatchRole,
    },
    /// `iam:UpdateAssumeRolePolicy`.
    UpdateTrust {
        /// The role.
        role: WatchRole,
    },
    /// `iam:PutRolePolicy` of its one inline policy.
    PutRolePolicy {
        /// The role.
        role: WatchRole,
    },
    /// `lambda:CreateFunction` from the package (tagged).
    CreateFunction {
        /// The function.
        function: WatchFunction,
    },
    /// `lambda:UpdateFunctionCode`.
    UpdateCode {
        /// The function.
        function: WatchFunction,
    },
    /// `lambda:UpdateFunctionConfiguration`.
    UpdateConfiguration {
        /// The function.
        function: WatchFunction,
    },
    /// `lambda:PutFunctionConcurrency`: its reserved concurrency.
    SetConcurrency {
        /// The function.
        function: WatchFunction,
        /// The reserved concurrency.
        reserved: i32,
    },
    /// `events:PutRule` (tagged).
    PutRule {
        /// The rule.
        rule: WatchRule,
    },
    /// `events:PutTargets` of its one target.
    PutTarget {
        /// The rule.
        rule: WatchRule,
    },
    /// `lambda:AddPermission` for `events.amazonaws.com` from the rule's ARN.
    AllowRule {
        /// The function's name.
        function: String,
        /// The rule.
        rule: WatchRule,
    },
    /// `config:PutConfigRule` (tagged).
    PutConfigRule {
        /// The rule.
        rule: WatchConfigRule,
    },
    /// `lambda:AddPermission` for `config.amazonaws.com` from the account.
    AllowConfig {
        /// The function's name.
        function: String,
        /// The rule.
        rule: WatchConfigRule,
    },
    /// `config:DeleteConfigRule`.
    DeleteConfigRule {
        /// Its region.
        region: String,
        /// Its name.
        name: String,
    },
    /// `events:CreateEventBus` (tagged): the watch's own bus.
    CreateBus {
        /// The bus.
        bus: WatchBus,
    },
    /// `events:PutPermission` of the bus's whole policy (the bus is the watch's own).
    PutBusPolicy {
        /// The bus.
        bus: WatchBus,
    },
    /// `events:DeleteEventBus` of the watch's own bus.
    DeleteBus {
        /// Its name.
        name: String,
        /// Its region.
        region: String,
    },
    /// `events:RemovePermission` of a statement of the watch on the default bus: one for an
    /// account no longer targeted, or one a watch deployed before it had its own bus wrote.
    DisallowAccount {
        /// The statement's ID.
        statement_id: String,
        /// The bus's region.
        region: String,
    },
    /// `events:RemoveTargets` and `events:DeleteRule`.
    RemoveRule {
        /// Its account, when not the function's.
        #[serde(skip_serializing_if = "Option::is_none")]
        account: Option<String>,
        /// Its region.
        region: String,
        /// Its name.
        name: String,
        /// Its event bus (`None`: the default bus).
        bus: Option<String>,
    },
    /// `lambda:DeleteFunction`.
    DeleteFunction {
        /// Its name.
        name: String,
        /// Its region.
        region: String,
    },
    /// `iam:DeleteRolePolicy` and `iam:DeleteRole`.
    DeleteRole {
        /// Its account, when not the function's.
        #[serde(skip_serializing_if = "Option::is_none")]
        account: Option<String>,
        /// Its name.
        name: String,
        /// Its inline policy's name.
        policy_name: String,
    },
}

impl WatchOp {
    /// One line for the preview: every write says itself (an exhaustive match).
    fn line(&self) -> String {
        use WatchOp::*;
        match self {
            CreateRole { .. } | UpdateTrust { .. } | PutRolePolicy { .. } | DeleteRole { .. } => {
                self.role_line()
            }
            CreateFunction { .. }
            | UpdateCode { .. }
            | UpdateConfiguration { .. }
            | SetConcurrency { .. }
            | DeleteFunction { .. } => self.function_line(),
            PutRule { .. } | PutTarget { .. } | AllowRule { .. } | RemoveRule { .. } => {
                self.rule_line()
            }
            CreateBus { .. }
            | PutBusPolicy { .. }
            | DeleteBus { .. }
            | DisallowAccount { .. }
            | PutConfigRule { .. }
            | AllowConfig { .. }
            | DeleteConfigRule { .. } => self.bus_or_config_line(),
        }
    }

    /// A role's write ([`WatchOp::line`] sorts them).
    fn role_line(&self) -> String {
        use WatchOp::*;
        match self {
            CreateRole { role } => format!("create role {}", role_in(role)),
            UpdateTrust { role } => {
                format!("update the trust policy of role {}", role_in(role))
            }
            PutRolePolicy { role } => {
                format!(
                    "put inline policy {} on role {}",
                    role.policy_name,
                    role_in(role)
                )
            }
            DeleteRole { account, name, .. } => {
                format!("delete role {name}{}", within(account))
            }
            other => unreachable!("not this family's write: {other:?}"),
        }
    }

    /// A function's write ([`WatchOp::line`] sorts them).
    fn function_line(&self) -> String {
        use WatchOp::*;
        match self {
            CreateFunction { function: f } => format!(
                "create function {} ({}, provided.al2023, {})",
                f.name, f.region, f.architecture
            ),
            UpdateCode { function: f } => {
                format!(
                    "update the code of function {} (sha256 {})",
                    f.name, f.code_sha256
                )
            }
            UpdateConfiguration { function: f } => {
                format!("update the configuration of function {}", f.name)
            }
            SetConcurrency {
                function: f,
                reserved,
            } => format!("reserve function {} a concurrency of {reserved}", f.name),
            DeleteFunction { name, .. } => format!("delete function {name}"),
            other => unreachable!("not this family's write: {other:?}"),
        }
    }

    /// An EventBridge rule's write ([`WatchOp::line`] sorts them).
    fn rule_line(&self) -> String {
        use WatchOp::*;
        let rule_at = |r: &WatchRule| format!("{} ({}{})", r.name, r.region, of(&r.account));
        match self {
            PutRule { rule } => format!("put rule {}", rule_at(rule)),
            PutTarget { rule } => {
                format!("point rule {} at {}", rule_at(rule), rule.target)
            }
            AllowRule { function, rule } => {
                format!("let rule {} invoke function {function}", rule.name)
            }
            RemoveRule {
                account,
                region,
                name,
                ..
            } => {
                format!("remove rule {name} ({region}{})", of(account))
            }
            other => unreachable!("not this family's write: {other:?}"),
        }
    }

    /// An event bus's or an AWS Config rule's write ([`WatchOp::line`] sorts them).
    fn bus_or_config_line(&self) -> String {
        use WatchOp::*;
        match self {
            CreateBus { bus } => format!("create event bus {} ({})", bus.name, bus.region),
            PutBusPolicy { bus } => {
                format!(
                    "let {} put events on event bus {}",
                    admitted(&bus.policy),
                    bus.name
                )
            }
            DeleteBus { name, region } => format!("delete event bus {name} ({region})"),
            DisallowAccount {
                statement_id,
                region,
            } => {
                format!("remove statement {statement_id} of the default event bus ({region})")
            }
            PutConfigRule { rule: r } => {
                format!("put Config rule {} ({}, {})", r.name, r.region, r.frequency)
            }
            AllowConfig { function, rule } => {
                format!("let Config rule {} invoke function {function}", rule.name)
            }
            DeleteConfigRule { region, name } => {
                format!("delete Config rule {name} ({region})")
            }
            other => unreachable!("not this family's write: {other:?}"),
        }
    }
}

/// "NAME" or "NAME in account ID": a role of the deployment.
fn role_in(role: &WatchRole) -> String {
    format!("{}{}", role.name, within(&role.account))
}

/// "the forwarding roles of accounts A, B" (or "no account") a bus policy admits.
fn admitted(policy: &Value) -> String {
    let statements = policy["Statement"].as_array().into_iter().flatten();
    let org = (statements.clone())
        .find_map(|s| s["Condition"]["StringEquals"]["aws:PrincipalOrgID"].as_str());
    if let Some(org) = org {
        return format!("the forwarding roles of organization {org}");
    }
    let accounts: Vec<&str> = (policy["Statement"].as_array().into_iter().flatten())
        .filter_map(|s| s["Principal"]["AWS"].as_str())
        .filter_map(|p| p.split(':').nth(4))
        .collect();
    match accounts.as_slice() {
        [] => "no account".into(),
        [one] => format!("the forwarding role of account {one}"),
        many => format!("the forwarding roles of accounts {}", many.join(", ")),
    }
}

/// ", account ID" for a resource in another account than the function's.
fn of(account: &Option<String>) -> String {
    account
        .as_ref()
        .map_or_else(String::new, |a| format!(", account {a}"))
}

/// " in account ID" for a role in another account than the function's.
fn within(account: &Option<String>) -> String {
    account
        .as_ref()
        .map_or_else(String::new, |a| format!(" in account {a}"))
}

/// One line for the preview: "create role …", "update the code of function …".
impl std::fmt::Display for WatchOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line())
    }
}
