//! One file per SQS action: its typed input, its validation, and `apply`, which runs it
//! against the engine and returns an [`Outcome`]. Nothing here knows a wire format.

mod add_permission;
mod batch;
mod cancel_message_move_task;
mod change_message_visibility;
mod change_message_visibility_batch;
mod create_queue;
mod delete_message;
mod delete_message_batch;
mod delete_queue;
mod get_queue_attributes;
mod get_queue_url;
mod list_dead_letter_source_queues;
mod list_message_move_tasks;
mod list_queue_tags;
mod list_queues;
mod outgoing;
mod paging;
mod purge_queue;
mod receive_message;
mod remove_permission;
mod send_message;
mod send_message_batch;
mod set_queue_attributes;
mod start_message_move_task;
mod tag_queue;
mod untag_queue;

use crate::engine::{Caller, Engine};
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

/// The 23 actions of the SQS API (2012-11-05).
pub(crate) const ACTIONS: [&str; 23] = [
    "AddPermission",
    "CancelMessageMoveTask",
    "ChangeMessageVisibility",
    "ChangeMessageVisibilityBatch",
    "CreateQueue",
    "DeleteMessage",
    "DeleteMessageBatch",
    "DeleteQueue",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "ListMessageMoveTasks",
    "ListQueueTags",
    "ListQueues",
    "PurgeQueue",
    "ReceiveMessage",
    "RemovePermission",
    "SendMessage",
    "SendMessageBatch",
    "SetQueueAttributes",
    "StartMessageMoveTask",
    "TagQueue",
    "UntagQueue",
];

/// What a request carries besides its members.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub caller: Caller,
    /// The access key the request was signed with, if any (SenderId).
    pub access_key: Option<String>,
    /// The `X-Amzn-Trace-Id` header, which SendMessage stores as AWSTraceHeader.
    pub trace_header: Option<String>,
}

impl Ctx {
    /// The SenderId of messages this caller sends: an IAM user id derived from the
    /// access key, or the account id for a request without credentials (the root's).
    pub(crate) fn sender_id(&self) -> String {
        self.access_key
            .as_deref()
            .map_or_else(|| self.caller.account.clone(), crate::ids::sender_id)
    }
}

/// A parsed request, one variant per action.
pub(crate) enum Action {
    CreateQueue(create_queue::CreateQueue),
    GetQueueUrl(get_queue_url::GetQueueUrl),
    ListQueues(list_queues::ListQueues),
    DeleteQueue(delete_queue::DeleteQueue),
    GetQueueAttributes(get_queue_attributes::GetQueueAttributes),
    SetQueueAttributes(set_queue_attributes::SetQueueAttributes),
    TagQueue(tag_queue::TagQueue),
    UntagQueue(untag_queue::UntagQueue),
    ListQueueTags(list_queue_tags::ListQueueTags),
    PurgeQueue(purge_queue::PurgeQueue),
    SendMessage(send_message::SendMessage),
    SendMessageBatch(send_message_batch::SendMessageBatch),
    ReceiveMessage(receive_message::ReceiveMessage),
    DeleteMessage(delete_message::DeleteMessage),
    DeleteMessageBatch(delete_message_batch::DeleteMessageBatch),
    ChangeMessageVisibility(change_message_visibility::ChangeMessageVisibility),
    ChangeMessageVisibilityBatch(change_message_visibility_batch::ChangeMessageVisibilityBatch),
    AddPermission(add_permission::AddPermission),
    RemovePermission(remove_permission::RemovePermission),
    ListDeadLetterSourceQueues(list_dead_letter_source_queues::ListDeadLetterSourceQueues),
    StartMessageMoveTask(start_message_move_task::StartMessageMoveTask),
    CancelMessageMoveTask(cancel_message_move_task::CancelMessageMoveTask),
    ListMessageMoveTasks(list_message_move_tasks::ListMessageMoveTasks),
}

impl Action {
    /// Parses the members of action `name`. `None` when `name` is not an SQS action.
    pub(crate) fn parse(name: &str, p: &Params) -> Option<Result<Action, SqsError>> {
        let action = match name {
            "CreateQueue" => create_queue::CreateQueue::parse(p).map(Action::CreateQueue),
            "GetQueueUrl" => get_queue_url::GetQueueUrl::parse(p).map(Action::GetQueueUrl),
            "ListQueues" => list_queues::ListQueues::parse(p).map(Action::ListQueues),
            "DeleteQueue" => delete_queue::DeleteQueue::parse(p).map(Action::DeleteQueue),
            "GetQueueAttributes" => {
                get_queue_attributes::GetQueueAttributes::parse(p).map(Action::GetQueueAttributes)
            }
            "SetQueueAttributes" => {
                set_queue_attributes::SetQueueAttributes::parse(p).map(Action::SetQueueAttributes)
            }
            "TagQueue" => tag_queue::TagQueue::parse(p).map(Action::TagQueue),
            "UntagQueue" => untag_queue::UntagQueue::parse(p).map(Action::UntagQueue),
            "ListQueueTags" => list_queue_tags::ListQueueTags::parse(p).map(Action::ListQueueTags),
            "PurgeQueue" => purge_queue::PurgeQueue::parse(p).map(Action::PurgeQueue),
            "SendMessage" => send_message::SendMessage::parse(p).map(Action::SendMessage),
            "SendMessageBatch" => {
                send_message_batch::SendMessageBatch::parse(p).map(Action::SendMessageBatch)
            }
            "ReceiveMessage" => {
                receive_message::ReceiveMessage::parse(p).map(Action::ReceiveMessage)
            }
            "DeleteMessage" => delete_message::DeleteMessage::parse(p).map(Action::DeleteMessage),
            "DeleteMessageBatch" => {
                delete_message_batch::DeleteMessageBatch::parse(p).map(Action::DeleteMessageBatch)
            }
            "ChangeMessageVisibility" => {
                change_message_visibility::ChangeMessageVisibility::parse(p)
                    .map(Action::ChangeMessageVisibility)
            }
            "ChangeMessageVisibilityBatch" => {
                change_message_visibility_batch::ChangeMessageVisibilityBatch::parse(p)
                    .map(Action::ChangeMessageVisibilityBatch)
            }
            "AddPermission" => add_permission::AddPermission::parse(p).map(Action::AddPermission),
            "RemovePermission" => {
                remove_permission::RemovePermission::parse(p).map(Action::RemovePermission)
            }
            "ListDeadLetterSourceQueues" => {
                list_dead_letter_source_queues::ListDeadLetterSourceQueues::parse(p)
                    .map(Action::ListDeadLetterSourceQueues)
            }
            "StartMessageMoveTask" => start_message_move_task::StartMessageMoveTask::parse(p)
                .map(Action::StartMessageMoveTask),
            "CancelMessageMoveTask" => cancel_message_move_task::CancelMessageMoveTask::parse(p)
                .map(Action::CancelMessageMoveTask),
            "ListMessageMoveTasks" => list_message_move_tasks::ListMessageMoveTasks::parse(p)
                .map(Action::ListMessageMoveTasks),
            _ => return None,
        };
        Some(action)
    }

    /// Runs the action. Only ReceiveMessage ever waits (long polling).
    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        match self {
            Action::CreateQueue(a) => a.apply(engine, ctx),
            Action::GetQueueUrl(a) => a.apply(engine, ctx),
            Action::ListQueues(a) => a.apply(engine, ctx),
            Action::DeleteQueue(a) => a.apply(engine, ctx),
            Action::GetQueueAttributes(a) => a.apply(engine, ctx),
            Action::SetQueueAttributes(a) => a.apply(engine, ctx),
            Action::TagQueue(a) => a.apply(engine, ctx),
            Action::UntagQueue(a) => a.apply(engine, ctx),
            Action::ListQueueTags(a) => a.apply(engine, ctx),
            Action::PurgeQueue(a) => a.apply(engine, ctx),
            Action::SendMessage(a) => a.apply(engine, ctx),
            Action::SendMessageBatch(a) => a.apply(engine, ctx),
            Action::ReceiveMessage(a) => a.apply(engine, ctx).await,
            Action::DeleteMessage(a) => a.apply(engine, ctx),
            Action::DeleteMessageBatch(a) => a.apply(engine, ctx),
            Action::ChangeMessageVisibility(a) => a.apply(engine, ctx),
            Action::ChangeMessageVisibilityBatch(a) => a.apply(engine, ctx),
            Action::AddPermission(a) => a.apply(engine, ctx),
            Action::RemovePermission(a) => a.apply(engine, ctx),
            Action::ListDeadLetterSourceQueues(a) => a.apply(engine, ctx),
            Action::StartMessageMoveTask(a) => a.apply(engine, ctx),
            Action::CancelMessageMoveTask(a) => a.apply(engine, ctx),
            Action::ListMessageMoveTasks(a) => a.apply(engine, ctx),
        }
    }
}
