//! SQS errors as plain data: a code and a message. The codecs render them; the one table
//! in [`ErrorCode::wire`] says how each code looks on each protocol.

use std::borrow::Cow;

/// Who is at fault, as the `Type` element (Query), the `x-amzn-query-error` suffix (JSON)
/// and batch entries' `SenderFault` say: every error the fake gives is the sender's, since
/// it has no failures of its own to report.
pub(crate) const FAULT: &str = "Sender";

/// AWS's text for a missing queue, in JSON answers.
const QUEUE_DOES_NOT_EXIST: &str = "The specified queue does not exist.";

/// Every error the fake can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorCode {
    QueueDoesNotExist,
    QueueNameExists,
    QueueDeletedRecently,
    PurgeQueueInProgress,
    OverLimit,
    ReceiptHandleIsInvalid,
    ResourceNotFound,
    MessageNotInflight,
    TooManyEntriesInBatchRequest,
    EmptyBatchRequest,
    BatchEntryIdsNotDistinct,
    BatchRequestTooLong,
    InvalidBatchEntryId,
    UnsupportedOperation,
    InvalidAttributeName,
    InvalidAttributeValue,
    InvalidMessageContents,
    InvalidParameterValue,
    MissingParameter,
    AccessDenied,
    /// An access key the fake does not know (Scaleway dialect).
    InvalidClientTokenId,
    /// No credentials at all (Scaleway dialect).
    MissingAuthenticationToken,
    /// Strict mode: a signature that does not verify, has expired, or has the wrong scope.
    SignatureDoesNotMatch,
    /// Strict mode: a signature that lacks a part.
    IncompleteSignature,
    /// A request without an action (Yandex answers JSON requests with this).
    MissingAction,
    /// Query: an `Action` this endpoint does not know.
    InvalidAction,
    /// JSON: an `X-Amz-Target` this endpoint does not know; Query: no action at all.
    UnknownOperation,
    /// A request that cannot be read as the model's shapes: a JSON body that is not a
    /// JSON object of the modelled types (`SerializationException`), a Query request
    /// with a list where none belongs, bytes that are not UTF-8, or beyond the decoding
    /// limits (`MalformedInput`, as SQS answers the Query protocol:
    /// `fixtures/aws/malformed-requests.md`).
    Serialization,
    /// A request body over the fake's size cap.
    RequestEntityTooLarge,
}

/// How one error code appears on the wire.
pub(crate) struct Wire {
    /// The JSON `__type`, fully qualified as AWS sends it.
    pub json_type: &'static str,
    /// The Query `<Code>`, which is also the first half of `x-amzn-query-error`.
    pub query_code: &'static str,
    pub status: u16,
    /// Whether the JSON answer carries `x-amzn-query-error` (only SQS's own errors do).
    pub query_error_header: bool,
}

impl ErrorCode {
    /// The single table from error codes to their wire form (fixtures/aws/protocol.md §1.4).
    pub(crate) fn wire(self) -> Wire {
        use ErrorCode::*;
        let (shape, query_code, status, header): (&str, &str, u16, bool) = match self {
            QueueDoesNotExist => (
                "com.amazonaws.sqs#QueueDoesNotExist",
                "AWS.SimpleQueueService.NonExistentQueue",
                400,
                true,
            ),
            QueueNameExists => (
                "com.amazonaws.sqs#QueueNameExists",
                "QueueAlreadyExists",
                400,
                true,
            ),
            QueueDeletedRecently => (
                "com.amazonaws.sqs#QueueDeletedRecently",
                "AWS.SimpleQueueService.QueueDeletedRecently",
                400,
                true,
            ),
            PurgeQueueInProgress => (
                "com.amazonaws.sqs#PurgeQueueInProgress",
                "AWS.SimpleQueueService.PurgeQueueInProgress",
                403,
                true,
            ),
            OverLimit => ("com.amazonaws.sqs#OverLimit", "OverLimit", 403, true),
            ReceiptHandleIsInvalid => (
                "com.amazonaws.sqs#ReceiptHandleIsInvalid",
                "ReceiptHandleIsInvalid",
                404,
                true,
            ),
            ResourceNotFound => (
                "com.amazonaws.sqs#ResourceNotFoundException",
                "ResourceNotFoundException",
                404,
                true,
            ),
            MessageNotInflight => (
                "com.amazonaws.sqs#MessageNotInflight",
                "AWS.SimpleQueueService.MessageNotInflight",
                400,
                true,
            ),
            TooManyEntriesInBatchRequest => (
                "com.amazonaws.sqs#TooManyEntriesInBatchRequest",
                "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                400,
                true,
            ),
            EmptyBatchRequest => (
                "com.amazonaws.sqs#EmptyBatchRequest",
                "AWS.SimpleQueueService.EmptyBatchRequest",
                400,
                true,
            ),
            BatchEntryIdsNotDistinct => (
                "com.amazonaws.sqs#BatchEntryIdsNotDistinct",
                "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
                400,
                true,
            ),
            BatchRequestTooLong => (
                "com.amazonaws.sqs#BatchRequestTooLong",
                "AWS.SimpleQueueService.BatchRequestTooLong",
                400,
                true,
            ),
            InvalidBatchEntryId => (
                "com.amazonaws.sqs#InvalidBatchEntryId",
                "AWS.SimpleQueueService.InvalidBatchEntryId",
                400,
                true,
            ),
            UnsupportedOperation => (
                "com.amazonaws.sqs#UnsupportedOperation",
                "AWS.SimpleQueueService.UnsupportedOperation",
                400,
                true,
            ),
            InvalidAttributeName => (
                "com.amazonaws.sqs#InvalidAttributeName",
                "InvalidAttributeName",
                400,
                true,
            ),
            InvalidAttributeValue => (
                "com.amazonaws.sqs#InvalidAttributeValue",
                "InvalidAttributeValue",
                400,
                true,
            ),
            InvalidMessageContents => (
                "com.amazonaws.sqs#InvalidMessageContents",
                "InvalidMessageContents",
                400,
                true,
            ),
            InvalidParameterValue => (
                "com.amazon.coral.service#InvalidParameterValueException",
                "InvalidParameterValue",
                400,
                true,
            ),
            MissingParameter => (
                "com.amazon.coral.service#MissingRequiredParameterException",
                "MissingParameter",
                400,
                true,
            ),
            AccessDenied => (
                "com.amazon.coral.service#AccessDeniedException",
                "AccessDenied",
                403,
                true,
            ),
            InvalidClientTokenId => (
                "com.amazon.coral.service#InvalidClientTokenId",
                "InvalidClientTokenId",
                403,
                true,
            ),
            MissingAuthenticationToken => (
                "com.amazon.coral.service#MissingAuthenticationTokenException",
                "MissingAuthenticationToken",
                403,
                true,
            ),
            SignatureDoesNotMatch => (
                "com.amazon.coral.service#SignatureDoesNotMatch",
                "SignatureDoesNotMatch",
                403,
                true,
            ),
            IncompleteSignature => (
                "com.amazon.coral.service#IncompleteSignatureException",
                "IncompleteSignature",
                400,
                true,
            ),
            MissingAction => (
                "com.amazon.coral.service#MissingAction",
                "MissingAction",
                400,
                false,
            ),
            InvalidAction => (
                "com.amazon.coral.service#UnknownOperationException",
                "InvalidAction",
                400,
                false,
            ),
            UnknownOperation => (
                "com.amazon.coral.service#UnknownOperationException",
                "UnknownOperationException",
                404,
                false,
            ),
            Serialization => (
                "com.amazon.coral.service#SerializationException",
                "MalformedInput",
                400,
                false,
            ),
            RequestEntityTooLarge => (
                "com.amazon.coral.service#RequestEntityTooLargeException",
                "RequestEntityTooLarge",
                413,
                false,
            ),
        };
        Wire {
            json_type: shape,
            query_code,
            status,
            query_error_header: header,
        }
    }
}

/// An SQS error answer: a code and the message AWS gives for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SqsError {
    pub code: ErrorCode,
    pub message: Cow<'static, str>,
}

impl SqsError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        SqsError {
            code,
            message: message.into(),
        }
    }

    /// The queue is missing. AWS words this differently per protocol; the codecs pick
    /// the wording, see [`SqsError::message_for_query`].
    pub(crate) fn queue_does_not_exist() -> Self {
        SqsError::new(ErrorCode::QueueDoesNotExist, QUEUE_DOES_NOT_EXIST)
    }

    /// `The request must contain the parameter {name}.`
    pub(crate) fn missing(name: &str) -> Self {
        SqsError::new(
            ErrorCode::MissingParameter,
            format!("The request must contain the parameter {name}."),
        )
    }

    /// `Value {value} for parameter {name} is invalid. Reason: {reason}`
    pub(crate) fn invalid_value(name: &str, value: impl std::fmt::Display, reason: &str) -> Self {
        SqsError::new(
            ErrorCode::InvalidParameterValue,
            format!("Value {value} for parameter {name} is invalid. Reason: {reason}"),
        )
    }

    pub(crate) fn invalid_parameter(message: impl Into<Cow<'static, str>>) -> Self {
        SqsError::new(ErrorCode::InvalidParameterValue, message)
    }

    /// `The action {action} is not valid for this endpoint.`: an action SQS does not have
    /// (or the provider does not serve, or not at this URL).
    pub(crate) fn invalid_action(action: &str) -> Self {
        SqsError::new(
            ErrorCode::InvalidAction,
            format!("The action {action} is not valid for this endpoint."),
        )
    }

    /// `Unknown Attribute {name}.`
    pub(crate) fn unknown_attribute(name: &str) -> Self {
        SqsError::new(
            ErrorCode::InvalidAttributeName,
            format!("Unknown Attribute {name}."),
        )
    }

    /// `Invalid value for the parameter {name}.`
    pub(crate) fn invalid_attribute_value(name: &str) -> Self {
        SqsError::new(
            ErrorCode::InvalidAttributeValue,
            format!("Invalid value for the parameter {name}."),
        )
    }

    /// The text of this error in a Query (XML) answer. Real AWS still uses the old
    /// wording for a missing queue there (fixtures/aws/recorded.md rows 34 and 172);
    /// GetQueueUrl's answer for a queue the caller may not see keeps its own.
    pub(crate) fn message_for_query(&self) -> &str {
        match self.code {
            ErrorCode::QueueDoesNotExist if self.message == QUEUE_DOES_NOT_EXIST => {
                "The specified queue does not exist for this wsdl version."
            }
            _ => &self.message,
        }
    }
}

impl std::fmt::Display for SqsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.wire().query_code, self.message)
    }
}

impl std::error::Error for SqsError {}

#[cfg(test)]
mod tests {
    use super::ErrorCode::{self, *};

    const ALL: [ErrorCode; 29] = [
        QueueDoesNotExist,
        QueueNameExists,
        QueueDeletedRecently,
        PurgeQueueInProgress,
        OverLimit,
        ReceiptHandleIsInvalid,
        ResourceNotFound,
        MessageNotInflight,
        TooManyEntriesInBatchRequest,
        EmptyBatchRequest,
        BatchEntryIdsNotDistinct,
        BatchRequestTooLong,
        InvalidBatchEntryId,
        UnsupportedOperation,
        InvalidAttributeName,
        InvalidAttributeValue,
        InvalidMessageContents,
        InvalidParameterValue,
        MissingParameter,
        AccessDenied,
        InvalidClientTokenId,
        MissingAuthenticationToken,
        SignatureDoesNotMatch,
        IncompleteSignature,
        MissingAction,
        InvalidAction,
        UnknownOperation,
        Serialization,
        RequestEntityTooLarge,
    ];

    /// The wire table is the one in `fixtures/aws/errors.json`, code for code.
    #[test]
    fn every_code_is_on_the_wire_as_recorded() {
        let facts: serde_json::Value =
            serde_json::from_str(include_str!("../fixtures/aws/errors.json")).unwrap();
        let rows = facts["errors"].as_array().unwrap();
        assert_eq!(rows.len(), ALL.len());
        for code in ALL {
            let name = format!("{code:?}");
            let row = rows
                .iter()
                .find(|r| r["code"] == name.as_str())
                .unwrap_or_else(|| panic!("{name} is not in fixtures/aws/errors.json"));
            let wire = code.wire();
            assert_eq!(row["json_type"], wire.json_type, "{name}");
            assert_eq!(row["query_code"], wire.query_code, "{name}");
            assert_eq!(row["status"], wire.status, "{name}");
            assert_eq!(row["query_error_header"], wire.query_error_header, "{name}");
        }
    }
}
