//! Scaleway Messaging and Queuing: its compatibility matrix, its permissions and its
//! quotas (fixtures/aws/protocol.md §5; Scaleway's "queues-support" and quota pages).

use crate::api::ActionName::{self, *};
use crate::rules::{
    Admission, ArnShape, CodecOptions, CredentialModel, FifoInFlight, Need, Quotas, Rules,
    Unsupported, UnsupportedParameters, UrlShape, VisibilityChange,
};

/// The actions Scaleway supports, with the permission each needs.
const ACTIONS: &[(ActionName, Need)] = &[
    (CreateQueue, Need::Manage),
    (ListQueues, Need::Manage),
    (DeleteQueue, Need::Manage),
    (PurgeQueue, Need::Manage),
    (SetQueueAttributes, Need::Manage),
    (GetQueueUrl, Need::Any),
    (GetQueueAttributes, Need::Any),
    (SendMessage, Need::Publish),
    (SendMessageBatch, Need::Publish),
    (ReceiveMessage, Need::Receive),
    (DeleteMessage, Need::Receive),
    (DeleteMessageBatch, Need::Receive),
    (ChangeMessageVisibility, Need::ReceiveOrManage),
    (ChangeMessageVisibilityBatch, Need::ReceiveOrManage),
];

/// Parameters the matrix marks unsupported, per action; for batches, per entry.
const UNSUPPORTED_PARAMETERS: &[UnsupportedParameters] = &[
    UnsupportedParameters {
        action: CreateQueue,
        request: &["tags"],
        entry: &[],
    },
    UnsupportedParameters {
        action: ListQueues,
        request: &["MaxResults", "NextToken"],
        entry: &[],
    },
    UnsupportedParameters {
        action: SendMessage,
        request: &["DelaySeconds", "MessageGroupId", "MessageSystemAttributes"],
        entry: &[],
    },
    UnsupportedParameters {
        action: SendMessageBatch,
        request: &[],
        entry: &["DelaySeconds", "MessageGroupId", "MessageSystemAttributes"],
    },
    UnsupportedParameters {
        action: ReceiveMessage,
        request: &["ReceiveRequestAttemptId", "VisibilityTimeout"],
        entry: &[],
    },
];

/// What CreateQueue and SetQueueAttributes accept.
const SETTABLE_ATTRIBUTES: &[&str] = &[
    "ContentBasedDeduplication",
    "FifoQueue",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "VisibilityTimeout",
];

/// What GetQueueAttributes shows.
const SHOWN_ATTRIBUTES: &[&str] = &[
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
const SYSTEM_ATTRIBUTES: &[&str] = &[
    "ApproximateReceiveCount",
    "MessageDeduplicationId",
    "SequenceNumber",
    "SenderId",
    "SentTimestamp",
];

pub(super) static RULES: Rules = Rules {
    provider: "Scaleway Queues",
    admission: Admission {
        json: true,
        actions: Some(ACTIONS),
        unsupported_action: Unsupported::AsUnsupported,
        unsupported_parameters: UNSUPPORTED_PARAMETERS,
    },
    credentials: CredentialModel::Issued,
    max_message_size: 262_144,
    settable_attributes: Some(SETTABLE_ATTRIBUTES),
    shown_attributes: Some(SHOWN_ATTRIBUTES),
    system_attributes: Some(SYSTEM_ATTRIBUTES),
    // A FIFO queue delivers one message at a time.
    fifo_in_flight: FifoInFlight::Exactly(1),
    one_message_per_group: false,
    // Scaleway has no message groups: a FIFO queue is one group.
    requires_message_group: false,
    visibility_change: VisibilityChange::ZeroOrQueueTimeout,
    quotas: Some(Quotas {
        max_queues: 50,
        // 100 MB.
        max_stored_bytes: 100 * 1000 * 1000,
    }),
    url: UrlShape {
        account_prefix: "project-",
        queue_id_prefix: None,
    },
    arn: ArnShape {
        prefix: "arn:scw:sqs",
        account_prefix: "project-",
    },
    codec: CodecOptions {
        xml_namespace: true,
        sender_fault_in_batches: true,
        json_answers: true,
        json_for_query_accept: false,
        status_overrides: &[],
    },
    management_api: true,
};
