//! Yandex Message Queue: what differs from AWS (fixtures/aws/protocol.md §6).

use crate::api::ActionName::{self, *};
use crate::error::ErrorCode;
use crate::rules::{
    Admission, ArnShape, CodecOptions, CredentialModel, FifoInFlight, Need, Rules, Unsupported,
    UrlShape, VisibilityChange,
};

/// The documented methods of Yandex Message Queue (no permission model of its own).
const ACTIONS: &[(ActionName, Need)] = &[
    (CreateQueue, Need::Any),
    (DeleteQueue, Need::Any),
    (GetQueueAttributes, Need::Any),
    (GetQueueUrl, Need::Any),
    (ListQueues, Need::Any),
    (PurgeQueue, Need::Any),
    (SetQueueAttributes, Need::Any),
    (ChangeMessageVisibility, Need::Any),
    (ChangeMessageVisibilityBatch, Need::Any),
    (DeleteMessage, Need::Any),
    (DeleteMessageBatch, Need::Any),
    (ReceiveMessage, Need::Any),
    (SendMessage, Need::Any),
    (SendMessageBatch, Need::Any),
    (TagQueue, Need::Any),
    (UntagQueue, Need::Any),
    (ListQueueTags, Need::Any),
];

/// What CreateQueue and SetQueueAttributes accept; anything else is
/// `InvalidAttributeName` (YDB `queue_attributes.cpp`).
const SETTABLE_ATTRIBUTES: &[&str] = &[
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
const SHOWN_ATTRIBUTES: &[&str] = &[
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

pub(super) static RULES: Rules = Rules {
    provider: "Yandex Message Queue",
    admission: Admission {
        // The Query protocol only.
        json: false,
        actions: Some(ACTIONS),
        unsupported_action: Unsupported::AsUnknown,
        unsupported_parameters: &[],
    },
    credentials: CredentialModel::Scope,
    max_message_size: 262_144,
    settable_attributes: Some(SETTABLE_ATTRIBUTES),
    shown_attributes: Some(SHOWN_ATTRIBUTES),
    system_attributes: None,
    // AWS: 120,000.
    fifo_in_flight: FifoInFlight::AtMost(20_000),
    one_message_per_group: true,
    requires_message_group: true,
    visibility_change: VisibilityChange::Any,
    quotas: None,
    // `/<folder>/dj6<17 base-36 characters>/<name>`: a new id each time a name is
    // (re)created.
    url: UrlShape {
        account_prefix: "",
        queue_id_prefix: Some("dj6"),
    },
    arn: ArnShape {
        prefix: "yrn:yc:ymq",
        account_prefix: "",
    },
    codec: CodecOptions {
        xml_namespace: false,
        sender_fault_in_batches: false,
        json_answers: false,
        json_for_query_accept: false,
        // An invalid receipt handle is 400 where AWS's model says 404.
        status_overrides: &[(ErrorCode::ReceiptHandleIsInvalid, 400)],
    },
    management_api: false,
};
