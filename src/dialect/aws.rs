//! Amazon SQS: the rules every other dialect departs from.

use crate::limits::MAX_MESSAGE_SIZE;
use crate::rules::{
    Admission, ArnShape, CodecOptions, CredentialModel, FifoInFlight, Rules, Unsupported, UrlShape,
    VisibilityChange,
};

pub(super) static RULES: Rules = Rules {
    provider: "Amazon SQS",
    admission: Admission {
        json: true,
        actions: None,
        unsupported_action: Unsupported::AsUnknown,
        unsupported_parameters: &[],
    },
    credentials: CredentialModel::Scope,
    max_message_size: MAX_MESSAGE_SIZE,
    settable_attributes: None,
    shown_attributes: None,
    system_attributes: None,
    fifo_in_flight: FifoInFlight::Configured,
    one_message_per_group: false,
    requires_message_group: true,
    visibility_change: VisibilityChange::Any,
    quotas: None,
    url: UrlShape {
        account_prefix: "",
        queue_id_prefix: None,
    },
    arn: ArnShape {
        prefix: "arn:aws:sqs",
        account_prefix: "",
    },
    codec: CodecOptions {
        xml_namespace: true,
        sender_fault_in_batches: true,
        json_answers: true,
        json_for_query_accept: true,
        status_overrides: &[],
    },
    management_api: false,
};
