//! `lambda-trust guardrail`: binds the flags to `app::guardrail`, asks before apply and destroy
//! write, and emits the results.

use super::invocation::Invocation;
use crate::app::guardrail::{self as flow, Planned, RolesFrom};
use crate::app::{EntryRole, Events};
use crate::cli::{GuardrailArgs, GuardrailCommand, GuardrailPolicyArgs};
use crate::error::{Error, Result, Status};
use crate::report::{GuardrailCode, GuardrailDestroyed, GuardrailResult, SCHEMA_VERSION};
use lambda_trust_audit::{GuardrailAsked, GuardrailMode};
use lambda_trust_verdict::Judged;

pub(super) async fn run(
    inv: &Invocation,
    events: &dyn Events,
    command: &GuardrailCommand,
) -> Result<Status> {
    match command {
        GuardrailCommand::Plan(args) => planned(inv, events, args, GuardrailMode::Plan).await,
        GuardrailCommand::Check(args) => planned(inv, events, args, GuardrailMode::Check).await,
        GuardrailCommand::Apply(a) => apply(inv, events, &a.args, a.yes).await,
        GuardrailCommand::Destroy { yes } => destroy(inv, events, *yes).await,
        GuardrailCommand::Export(args) => export(inv, events, args).await,
    }
}

/// What was asked: the flags; without `--genesys-org-id`, the config's environments' org IDs
/// (given or found), each compared with the organization its `[genesys]` signs in to. A family
/// not given is what apply recorded (`lambda_trust_audit::plan_guardrail`).
async fn asked(
    inv: &Invocation,
    events: &dyn Events,
    args: &GuardrailPolicyArgs,
) -> Result<GuardrailAsked> {
    let org_ids = match args.genesys_org_ids.is_empty() {
        false => flow::flagged(&args.genesys_org_ids),
        true => {
            let configs = super::binding::named_configs_found(inv)?;
            flow::compare_with_genesys(&inv.settings, events, &configs).await?
        }
    };
    Ok(GuardrailAsked {
        org_ids,
        partners: args.partner_accounts.clone(),
        exempt: args.exempt_roles.clone(),
        no_exempt: args.no_exempt_roles,
        targets: args.targets.clone(),
    })
}

fn roles_from(args: &GuardrailArgs) -> RolesFrom {
    match (&args.assume_role, &args.config_aggregator) {
        (Some(name), _) => RolesFrom::AssumeRole {
            role: EntryRole {
                name: name.clone(),
                external_id: None,
                session_name: EntryRole::SESSION_NAME.to_owned(),
            },
            concurrency: args.concurrency,
        },
        (None, Some(name)) => RolesFrom::ConfigAggregator(name.clone()),
        (None, None) => RolesFrom::Nowhere,
    }
}

fn result(p: Planned, writes: Option<usize>) -> GuardrailResult {
    let acting_as = match p.management {
        true => "management-account",
        false => "delegated-administrator",
    };
    GuardrailResult {
        plan: p.plan,
        caller: p.caller,
        acting_as: acting_as.to_owned(),
        writes,
    }
}

async fn planned(
    inv: &Invocation,
    events: &dyn Events,
    args: &GuardrailArgs,
    mode: GuardrailMode,
) -> Result<Status> {
    let p = flow::plan(
        &inv.settings,
        events,
        &asked(inv, events, &args.policy).await?,
        &roles_from(args),
        mode,
    )
    .await?;
    let r = result(p, None);
    inv.output.emit(&r)?;
    Ok(r.status())
}

async fn apply(
    inv: &Invocation,
    events: &dyn Events,
    args: &GuardrailArgs,
    yes: bool,
) -> Result<Status> {
    let asked = asked(inv, events, &args.policy).await?;
    let p = flow::plan(
        &inv.settings,
        events,
        &asked,
        &roles_from(args),
        GuardrailMode::Plan,
    )
    .await?;
    if let Some(why) = flow::not_applicable(&p.plan) {
        return Err(refused_shown(inv, p, &why)?);
    }
    let lines = match p.plan.changes.is_empty() {
        true => Vec::new(),
        false => vec![plan_text(inv, &p)?],
    };
    let question = match p.plan.stops.len() {
        0 => format!("Make these {} change(s)?", p.plan.changes.len()),
        n => format!(
            "Make these {} change(s)? The guardrail stops {n} role(s) listed above.",
            p.plan.changes.len()
        ),
    };
    if !super::confirm::approved_lines(inv, &lines, &question, yes)? {
        // Declined on a terminal: the plan was shown above; nothing more on a terminal's
        // stdout, the plan as data under --format json (as apply's).
        match inv.output.format {
            crate::report::Format::Human => inv.output.say_text(
                "Nothing was changed: guardrail apply was not confirmed (--yes writes without \
                 asking).",
            ),
            _ => inv.output.emit(&result(p, None))?,
        }
        return Ok(Status::Changes);
    }
    let (writes, id) = flow::apply(&inv.settings, events, &p.plan).await?;
    let mut r = result(p, Some(writes));
    r.plan.policy.id = Some(id);
    inv.output.emit(&r)?;
    Ok(Status::Ok)
}

/// The plan as people read it, for stderr.
fn plan_text(inv: &Invocation, p: &Planned) -> Result<String> {
    let r = result(
        Planned {
            plan: p.plan.clone(),
            caller: p.caller.clone(),
            management: p.management,
        },
        None,
    );
    let text = crate::report::render(&r, crate::report::Format::Human, inv.output.stderr)
        .map_err(super::invocation::refused)?;
    Ok(text.trim_end().to_owned())
}

/// Apply's refusal: nothing on stdout; the plan that says why on stderr, for people (`guardrail
/// plan --format json` prints it as data).
fn refused_shown(inv: &Invocation, p: Planned, why: &str) -> Result<Error> {
    if inv.output.format == crate::report::Format::Human {
        inv.output.say_text(&plan_text(inv, &p)?);
    }
    Ok(Error::usage(
        format!("nothing written: {why}"),
        "`lambda-trust guardrail plan` shows what to fix",
    ))
}

async fn destroy(inv: &Invocation, events: &dyn Events, yes: bool) -> Result<Status> {
    let Some((id, targets)) = flow::to_destroy(&inv.settings, events).await? else {
        let r = GuardrailDestroyed {
            schema_version: SCHEMA_VERSION,
            policy_id: None,
            detached: Vec::new(),
            writes: 0,
        };
        inv.output.emit(&r)?;
        return Ok(Status::Ok);
    };
    let mut lines: Vec<String> = targets
        .iter()
        .map(|t| format!("  - detach {id} from {t}"))
        .collect();
    lines.push(format!("  - delete {id} (RCPs stay enabled on the root)"));
    let question = format!("Make these {} change(s)?", lines.len());
    if !super::confirm::approved_lines(inv, &lines, &question, yes)? {
        return Ok(Status::Changes);
    }
    let writes = flow::destroy(&inv.settings, events, &id, &targets).await?;
    let r = GuardrailDestroyed {
        schema_version: SCHEMA_VERSION,
        policy_id: Some(id),
        detached: targets,
        writes,
    };
    inv.output.emit(&r)?;
    Ok(Status::Ok)
}

async fn export(inv: &Invocation, events: &dyn Events, args: &GuardrailArgs) -> Result<Status> {
    let asked = asked(inv, events, &args.policy).await?;
    let code = flow::export(&inv.settings, events, &asked, &roles_from(args)).await?;
    inv.output.emit(&GuardrailCode {
        schema_version: SCHEMA_VERSION,
        name: code.name.clone(),
        document: code.document.clone(),
        targets: code.targets.clone(),
        id: code.live.as_ref().map(|(id, _)| id.clone()),
        code: Some(code),
    })?;
    Ok(Status::Ok)
}
