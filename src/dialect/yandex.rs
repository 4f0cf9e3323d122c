//! Yandex Message Queue: what differs from AWS (fixtures/aws/protocol.md §6).

use crate::api::ActionName;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::Protocol;

/// The documented methods of Yandex Message Queue.
const ACTIONS: &[ActionName] = &[
    ActionName::CreateQueue,
    ActionName::DeleteQueue,
    ActionName::GetQueueAttributes,
    ActionName::GetQueueUrl,
    ActionName::ListQueues,
    ActionName::PurgeQueue,
    ActionName::SetQueueAttributes,
    ActionName::ChangeMessageVisibility,
    ActionName::ChangeMessageVisibilityBatch,
    ActionName::DeleteMessage,
    ActionName::DeleteMessageBatch,
    ActionName::ReceiveMessage,
    ActionName::SendMessage,
    ActionName::SendMessageBatch,
    ActionName::TagQueue,
    ActionName::UntagQueue,
    ActionName::ListQueueTags,
];

/// What CreateQueue and SetQueueAttributes accept; anything else is
/// `InvalidAttributeName` (YDB `queue_attributes.cpp`).
pub(crate) const SETTABLE_ATTRIBUTES: &[&str] = &[
    "VisibilityTimeout",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "DelaySeconds",
    "MaximumMessageSize",
    "ContentBasedDeduplication",
    "FifoQueue",
    "RedrivePolicy",
];

/// What GetQueueAttributes returns (YDB `WriteQueueAttributesToXml`).
pub(crate) const SHOWN_ATTRIBUTES: &[&str] = &[
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateNumberOfMessagesNotVisible",
    "ContentBasedDeduplication",
    "CreatedTimestamp",
    "DelaySeconds",
    "FifoQueue",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "RedrivePolicy",
    "QueueArn",
];

/// In-flight messages a FIFO queue may have (AWS: 120,000).
pub(crate) const FIFO_IN_FLIGHT_LIMIT: usize = 20_000;

/// The queue-id segment of a queue URL: a new one each time a name is (re)created,
/// shaped like Yandex's (`dj6` and 17 base-36 characters).
pub(crate) fn queue_id(id: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = [b'0'; 17];
    let mut n = id;
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    format!("dj6{}", String::from_utf8_lossy(&out))
}

/// Yandex speaks the Query protocol only, and only its documented methods.
pub(crate) fn admit(protocol: Protocol, action: &str) -> Result<(), SqsError> {
    if protocol == Protocol::Json {
        return Err(SqsError::new(
            ErrorCode::MissingAction,
            "The request must contain the parameter Action.",
        ));
    }
    if !ActionName::parse(action).is_some_and(|a| ACTIONS.contains(&a)) {
        return Err(SqsError::new(
            ErrorCode::InvalidAction,
            format!("The action {action} is not valid for this endpoint."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn queue_ids_are_distinct_and_shaped_like_yandexs() {
        let a = super::queue_id(1);
        assert_eq!(a.len(), 20);
        assert!(a.starts_with("dj6"));
        assert_ne!(a, super::queue_id(2));
    }
}
