//! Scaleway Messaging and Queuing: its compatibility matrix, its permissions and its
//! quotas (fixtures/aws/protocol.md §5; Scaleway's "queues-support" and quota pages).

use crate::actions::Ctx;
use crate::api::ActionName;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;

/// What CreateQueue and SetQueueAttributes accept.
pub(crate) const SETTABLE_ATTRIBUTES: &[&str] = &[
    "ContentBasedDeduplication",
    "FifoQueue",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "VisibilityTimeout",
];

/// What GetQueueAttributes shows.
pub(crate) const SHOWN_ATTRIBUTES: &[&str] = &[
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ContentBasedDeduplication",
    "CreatedTimestamp",
    "FifoQueue",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "QueueArn",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "VisibilityTimeout",
];

/// Message system attributes a receive returns.
pub(crate) const SYSTEM_ATTRIBUTES: &[&str] = &[
    "ApproximateReceiveCount",
    "MessageDeduplicationId",
    "SequenceNumber",
    "SenderId",
    "SentTimestamp",
];

/// Queues a project may have.
pub(crate) const MAX_QUEUES: usize = 50;

/// Bytes all queues of a project may hold (100 MB).
pub(crate) const MAX_STORAGE_BYTES: usize = 100 * 1000 * 1000;

/// The permission an action needs.
enum Needs {
    Manage,
    Publish,
    Receive,
    ReceiveOrManage,
    Any,
}

/// The actions Scaleway supports, with the permission each needs.
fn needs(action: ActionName) -> Option<Needs> {
    use ActionName::*;
    Some(match action {
        CreateQueue | ListQueues | DeleteQueue | PurgeQueue | SetQueueAttributes => Needs::Manage,
        GetQueueUrl | GetQueueAttributes => Needs::Any,
        SendMessage | SendMessageBatch => Needs::Publish,
        ReceiveMessage | DeleteMessage | DeleteMessageBatch => Needs::Receive,
        ChangeMessageVisibility | ChangeMessageVisibilityBatch => Needs::ReceiveOrManage,
        _ => return None,
    })
}

/// Parameters the matrix marks unsupported, per action; for batches, per entry.
fn unsupported_parameters(
    action: ActionName,
) -> (&'static [&'static str], &'static [&'static str]) {
    match action {
        ActionName::CreateQueue => (&["tags"], &[]),
        ActionName::ListQueues => (&["MaxResults", "NextToken"], &[]),
        ActionName::SendMessage => (
            &["DelaySeconds", "MessageGroupId", "MessageSystemAttributes"],
            &[],
        ),
        ActionName::SendMessageBatch => (
            &[],
            &["DelaySeconds", "MessageGroupId", "MessageSystemAttributes"],
        ),
        ActionName::ReceiveMessage => (&["ReceiveRequestAttemptId", "VisibilityTimeout"], &[]),
        _ => (&[], &[]),
    }
}

fn unsupported(what: String) -> SqsError {
    SqsError::new(
        ErrorCode::UnsupportedOperation,
        format!("{what} is not supported by Scaleway Queues."),
    )
}

/// Authenticates the caller by access key, binds the request to the credential's
/// project, and applies the compatibility matrix and the permissions.
pub(crate) fn admit(
    engine: &Engine,
    action: &str,
    params: &Params,
    ctx: &mut Ctx,
) -> Result<(), SqsError> {
    let Some(key) = ctx.access_key.clone() else {
        return Err(SqsError::new(
            ErrorCode::MissingAuthenticationToken,
            "Request is missing Authentication Token",
        ));
    };
    let state = engine.lock();
    let credential = state.scaleway.by_access_key(&key).ok_or_else(|| {
        SqsError::new(
            ErrorCode::InvalidClientTokenId,
            "The security token included in the request is invalid.",
        )
    })?;
    ctx.caller.account = credential.project_id.clone();
    ctx.caller.region = credential.region.clone();
    if !state
        .scaleway
        .is_enabled(&credential.project_id, &credential.region)
    {
        return Err(SqsError::new(
            ErrorCode::AccessDenied,
            "Queues (SQS) is not activated for this project.",
        ));
    }
    let p = credential.permissions;
    drop(state);
    let named = ActionName::parse(action);
    let Some(need) = named.and_then(needs) else {
        return Err(unsupported(format!("The action {action}")));
    };
    let allowed = match need {
        Needs::Manage => p.can_manage,
        Needs::Publish => p.can_publish,
        Needs::Receive => p.can_receive,
        Needs::ReceiveOrManage => p.can_receive || p.can_manage,
        Needs::Any => p.can_manage || p.can_publish || p.can_receive,
    };
    if !allowed {
        return Err(SqsError::new(
            ErrorCode::AccessDenied,
            format!(
                "Access to the resource {} is denied.",
                engine.config().base_url
            ),
        ));
    }
    let (top, per_entry) = named.map_or((&[][..], &[][..]), unsupported_parameters);
    if let Some(name) = top.iter().find(|n| params.has(n)) {
        return Err(unsupported(format!("The parameter {name}")));
    }
    if !per_entry.is_empty() {
        for entry in params.entries("Entries")?.unwrap_or_default() {
            if let Some(name) = per_entry.iter().find(|n| entry.has(n)) {
                return Err(unsupported(format!("The parameter {name}")));
            }
        }
    }
    Ok(())
}

/// A project's storage is capped: a message that would take it over is refused.
pub(crate) fn check_storage(used: usize, adding: usize) -> Result<(), SqsError> {
    if used + adding <= MAX_STORAGE_BYTES {
        return Ok(());
    }
    Err(SqsError::new(
        ErrorCode::OverLimit,
        format!(
            "The project's queues would exceed their storage quota of {MAX_STORAGE_BYTES} bytes."
        ),
    ))
}

/// ChangeMessageVisibility accepts only 0 or the queue's own timeout.
pub(crate) fn check_visibility_change(timeout: i64, queue_timeout: u32) -> Result<(), SqsError> {
    if timeout == 0 || timeout == i64::from(queue_timeout) {
        return Ok(());
    }
    Err(SqsError::invalid_value(
        "VisibilityTimeout",
        timeout,
        &format!(
            "Scaleway Queues accepts only 0 or the queue's VisibilityTimeout ({queue_timeout})."
        ),
    ))
}
