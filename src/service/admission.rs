//! Admission: whether the provider takes this request at all, under its [`Rules`]:
//! the protocol, the action, the caller's permission for it, and the parameters; then
//! whether the caller may act on the queue it names ([`admit_to_queue`]). It runs
//! before the request is parsed, as the providers check.

use crate::actions::Ctx;
use crate::api::ActionName;
use crate::engine::credentials::Permissions;
use crate::engine::move_tasks::decode_handle;
use crate::engine::policy::{self, Principal, Verdict};
use crate::engine::queues::QueueTarget;
use crate::engine::redrive_policy::parse_arn;
use crate::engine::{Caller, Engine};
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Protocol;
use crate::rules::{Need, Rules, Unsupported};

/// AWS's answer to a caller that may not act on a queue (`fixtures/aws/queue-access.json`):
/// `resource` is the URL the request was sent to.
pub(crate) fn access_denied(resource: &dyn std::fmt::Display) -> SqsError {
    SqsError::new(
        ErrorCode::AccessDenied,
        format!("Access to the resource {resource} is denied."),
    )
}

/// Queues belong to their account: only the owner, or an account (or, for `"*"`, an
/// anonymous caller) the queue's policy allows, may act on a queue; a `Deny` in the
/// policy holds against the owner too; actions to which cross-account permissions do
/// not apply are the owner's alone. Dialects without policies (Scaleway, Yandex) have
/// only the owner. `resource` is the URL the request was sent to, which the refusal
/// names. A request whose queue cannot be read yet (a missing or malformed member) is
/// left for its action to refuse.
pub(crate) fn admit_to_queue(
    engine: &Engine,
    ctx: &Ctx,
    action: ActionName,
    params: &Params,
    resource: &dyn std::fmt::Display,
) -> Result<(), SqsError> {
    let refuse = || match action {
        // GetQueueUrl does not tell a queue it may not see from one that is not there.
        ActionName::GetQueueUrl => SqsError::new(
            ErrorCode::QueueDoesNotExist,
            "The specified queue does not exist or you do not have access to it.",
        ),
        _ => access_denied(resource),
    };
    let Some((owner, target)) = target(engine, ctx, action, params) else {
        // An action on the caller's own account (CreateQueue, ListQueues): nobody's
        // when anonymous.
        return if ctx.anonymous && !action_names_a_queue(action) {
            Err(refuse())
        } else {
            Ok(())
        };
    };
    let principal = match ctx.anonymous {
        true => Principal::Anonymous,
        false => Principal::Account(&ctx.caller.account),
    };
    let verdict = engine
        .access_facts(&target)
        .map(|(arn, document)| policy::evaluate(&document, principal, action, &arn))
        .unwrap_or(Verdict::Unmentioned);
    let owner = principal == Principal::Account(&owner);
    match verdict {
        Verdict::Denied => Err(refuse()),
        _ if owner => Ok(()),
        Verdict::Allowed if action.cross_account() => Ok(()),
        _ => Err(refuse()),
    }
}

/// Whether the action addresses one queue (by URL, name or ARN).
fn action_names_a_queue(action: ActionName) -> bool {
    !matches!(action, ActionName::CreateQueue | ActionName::ListQueues)
}

/// The account that owns the queue the request names, and the queue; `None` when it
/// names none, or not readably.
fn target(
    engine: &Engine,
    ctx: &Ctx,
    action: ActionName,
    params: &Params,
) -> Option<(String, QueueTarget)> {
    let text = |name: &str| {
        params
            .opt_str(name)
            .ok()
            .flatten()
            .filter(|s| !s.is_empty())
    };
    let by_arn = |arn: String| {
        let owner = parse_arn(&arn)?.owner.account;
        Some((owner, QueueTarget::Arn(arn)))
    };
    match action {
        ActionName::CreateQueue | ActionName::ListQueues => None,
        ActionName::GetQueueUrl => {
            let name = text("QueueName")?;
            let owner =
                text("QueueOwnerAWSAccountId").unwrap_or_else(|| ctx.caller.account.clone());
            let target = engine.queue_ref(
                &Caller {
                    account: owner.clone(),
                    region: ctx.caller.region.clone(),
                },
                &name,
            );
            Some((owner, QueueTarget::Ref(target)))
        }
        ActionName::StartMessageMoveTask | ActionName::ListMessageMoveTasks => {
            by_arn(text("SourceArn")?)
        }
        ActionName::CancelMessageMoveTask => by_arn(decode_handle(&text("TaskHandle")?)?.1),
        _ => {
            let target = engine.queue_ref(&ctx.caller, &text("QueueUrl")?);
            Some((target.owner.account.clone(), QueueTarget::Ref(target)))
        }
    }
}

/// Admits or refuses a request for `action` (as named on the wire) with `params`, from a
/// caller holding `permissions` (an issued credential's; `None` when the provider has
/// no permission model). `resource` is what an access-denied answer names.
pub(crate) fn admit(
    rules: &Rules,
    protocol: Protocol,
    action: &str,
    params: &Params,
    permissions: Option<Permissions>,
    resource: &dyn std::fmt::Display,
) -> Result<(), SqsError> {
    let admission = &rules.admission;
    if protocol == Protocol::Json && !admission.json {
        return Err(SqsError::new(
            ErrorCode::MissingAction,
            "The request must contain the parameter Action.",
        ));
    }
    let named = ActionName::parse(action);
    if let Some(served) = admission.actions {
        let need = named.and_then(|a| served.iter().find(|(n, _)| *n == a).map(|(_, need)| *need));
        let Some(need) = need else {
            return Err(match admission.unsupported_action {
                Unsupported::AsUnknown => SqsError::new(
                    ErrorCode::InvalidAction,
                    format!("The action {action} is not valid for this endpoint."),
                ),
                Unsupported::AsUnsupported => unsupported(rules, format!("The action {action}")),
            });
        };
        if permissions.is_some_and(|p| !allows(need, p)) {
            return Err(access_denied(resource));
        }
    }
    let Some(refused) = named.and_then(|a| {
        admission
            .unsupported_parameters
            .iter()
            .find(|u| u.action == a)
    }) else {
        return Ok(());
    };
    if let Some(name) = refused.request.iter().find(|n| params.has(n)) {
        return Err(unsupported(rules, format!("The parameter {name}")));
    }
    if !refused.entry.is_empty() {
        for entry in params.entries("Entries")?.unwrap_or_default() {
            if let Some(name) = refused.entry.iter().find(|n| entry.has(n)) {
                return Err(unsupported(rules, format!("The parameter {name}")));
            }
        }
    }
    Ok(())
}

/// Whether `permissions` grant what `need` asks for.
fn allows(need: Need, p: Permissions) -> bool {
    match need {
        Need::Manage => p.can_manage,
        Need::Publish => p.can_publish,
        Need::Receive => p.can_receive,
        Need::ReceiveOrManage => p.can_receive || p.can_manage,
        Need::Any => p.can_manage || p.can_publish || p.can_receive,
    }
}

fn unsupported(rules: &Rules, what: String) -> SqsError {
    SqsError::new(
        ErrorCode::UnsupportedOperation,
        format!("{what} is not supported by {}.", rules.provider),
    )
}
