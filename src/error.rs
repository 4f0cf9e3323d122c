//! SQS errors as plain data: a code and a message. The codecs render them; the one table
//! in [`ErrorCode::wire`] says how each code looks on each protocol.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// AWS's text for a missing queue, in JSON answers.
const QUEUE_DOES_NOT_EXIST: &str = "The specified queue does not exist.";

/// Who is at fault, as the `Type` element (Query), the `x-amzn-query-error` suffix (JSON)
/// and batch entries' `SenderFault` say. The fake's own answers blame the sender: only
/// injected faults (a 500, a 503) are the service's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Sender,
    Receiver,
}

impl Side {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Side::Sender => "Sender",
            Side::Receiver => "Receiver",
        }
    }
}

/// An SQS error, by the name of its shape in the SQS model (or of AWS's common error):
/// each has the HTTP status, Query code and JSON `__type` AWS answers it with. The fake
/// answers with these by itself, and [faults](crate::Fault) answer with any of them on
/// demand.
///
/// In JSON (serde), the variant's name: `"ThrottlingException"`.
///
/// # Example
/// ```
/// use fake_sqs::ErrorCode;
///
/// let code = ErrorCode::QueueDoesNotExist;
/// assert_eq!(code.query_code(), "AWS.SimpleQueueService.NonExistentQueue");
/// assert_eq!(code.status(), 400);
/// assert_eq!(serde_json::to_string(&ErrorCode::ThrottlingException).unwrap(), r#""ThrottlingException""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The queue does not exist (`AWS.SimpleQueueService.NonExistentQueue`, 400).
    QueueDoesNotExist,
    /// A queue of this name exists with other attributes (`QueueAlreadyExists`, 400).
    QueueNameExists,
    /// A queue of this name was deleted less than 60 s ago (400).
    QueueDeletedRecently,
    /// The queue was purged less than 60 s ago (403).
    PurgeQueueInProgress,
    /// A limit is reached, such as messages in flight (403).
    OverLimit,
    /// The receipt handle is not one of this queue's (404).
    ReceiptHandleIsInvalid,
    /// A move task or its queue does not exist (`ResourceNotFoundException`, 404).
    ResourceNotFound,
    /// The message is not in flight (400).
    MessageNotInflight,
    /// A batch of more than 10 entries (400).
    TooManyEntriesInBatchRequest,
    /// A batch without entries (400).
    EmptyBatchRequest,
    /// Two entries of a batch share an id (400).
    BatchEntryIdsNotDistinct,
    /// A batch whose messages add up to more than the size limit (400).
    BatchRequestTooLong,
    /// A batch entry id that is not 1 to 80 of `[A-Za-z0-9_-]` (400).
    InvalidBatchEntryId,
    /// An action or parameter the queue or provider does not support (400).
    UnsupportedOperation,
    /// An attribute name the queue does not have (400).
    InvalidAttributeName,
    /// An attribute value out of its range (400).
    InvalidAttributeValue,
    /// A message body with characters SQS does not allow (400).
    InvalidMessageContents,
    /// A parameter value out of its range (400).
    InvalidParameterValue,
    /// A required parameter is missing (400).
    MissingParameter,
    /// The caller may not do this (`AccessDenied`, 403).
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
    /// SQS throttles the request: more requests than the queue's quota allows, or a
    /// visibility configuration changed too recently (403). The AWS SDKs retry it.
    RequestThrottled,
    /// AWS's common throttling error, `ThrottlingException` (400). The AWS SDKs retry it.
    ThrottlingException,
    /// AWS KMS throttles the key of an encrypted queue (`KMS.ThrottlingException`, 400).
    /// The AWS SDKs do not retry it.
    KmsThrottled,
    /// An internal error of SQS (`InternalError`, 500): the service's fault, which the
    /// AWS SDKs retry.
    InternalError,
    /// SQS is unavailable for a moment (`ServiceUnavailable`, 503): the service's
    /// fault, which the AWS SDKs retry.
    ServiceUnavailable,
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
    /// Whose fault it is.
    pub side: Side,
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
            RequestThrottled => (
                "com.amazonaws.sqs#RequestThrottled",
                "RequestThrottled",
                403,
                true,
            ),
            ThrottlingException => (
                "com.amazon.coral.availability#ThrottlingException",
                "ThrottlingException",
                400,
                true,
            ),
            KmsThrottled => (
                "com.amazonaws.sqs#KmsThrottled",
                "KMS.ThrottlingException",
                400,
                true,
            ),
            InternalError => (
                "com.amazon.coral.service#InternalFailure",
                "InternalError",
                500,
                true,
            ),
            ServiceUnavailable => (
                "com.amazon.coral.availability#ServiceUnavailableException",
                "ServiceUnavailable",
                503,
                true,
            ),
        };
        let side = match self {
            InternalError | ServiceUnavailable => Side::Receiver,
            _ => Side::Sender,
        };
        Wire {
            json_type: shape,
            query_code,
            status,
            query_error_header: header,
            side,
        }
    }

    /// The text an answer of this code carries when nothing more particular is said:
    /// AWS's, where it was recorded (`fixtures/aws/errors.json` says which); for codes
    /// whose AWS text names a value (a queue, a parameter), the fake's general form.
    pub(crate) fn default_message(self) -> &'static str {
        use ErrorCode::*;
        match self {
            QueueDoesNotExist => QUEUE_DOES_NOT_EXIST,
            QueueNameExists => "A queue already exists with the same name and a different value for attribute.",
            QueueDeletedRecently => "You must wait 60 seconds after deleting a queue before you can create another queue with the same name.",
            PurgeQueueInProgress => "Only one PurgeQueue operation on the queue is allowed every 60 seconds.",
            OverLimit => "The maximum number of in flight messages is reached.",
            ReceiptHandleIsInvalid => "The input receipt handle is not a valid receipt handle.",
            ResourceNotFound => "The resource that you specified does not exist.",
            MessageNotInflight => "The message referred to isn't in flight.",
            TooManyEntriesInBatchRequest => "Maximum number of entries per request are 10.",
            EmptyBatchRequest => "There should be at least one entry in the request.",
            BatchEntryIdsNotDistinct => "Two or more batch entries in the request have the same Id.",
            BatchRequestTooLong => "Batch requests cannot be longer than 1048576 bytes.",
            InvalidBatchEntryId => "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
            UnsupportedOperation => "The operation is not supported.",
            InvalidAttributeName => "Unknown Attribute.",
            InvalidAttributeValue => "Invalid value for the parameter.",
            InvalidMessageContents => "The message contains characters outside the allowed set.",
            InvalidParameterValue => "One or more parameters are invalid.",
            MissingParameter => "The request is missing a required parameter.",
            AccessDenied => "Access to the resource is denied.",
            InvalidClientTokenId => "The security token included in the request is invalid.",
            MissingAuthenticationToken => "Request is missing Authentication Token",
            SignatureDoesNotMatch => "The request signature we calculated does not match the signature you provided.",
            IncompleteSignature => "The request signature does not conform to AWS standards.",
            MissingAction => "The request is missing an action or a required parameter.",
            InvalidAction => "The action or operation requested is invalid.",
            UnknownOperation => "The operation requested is unknown.",
            Serialization => "The request could not be read.",
            RequestEntityTooLarge => "The request body is too large.",
            RequestThrottled => "Request is throttled.",
            ThrottlingException => "Rate exceeded",
            KmsThrottled => "The request was denied due to request throttling by AWS KMS.",
            InternalError => "We encountered an internal error. Please try again.",
            ServiceUnavailable => "The request has failed due to a temporary failure of the server.",
        }
    }

    /// The code as the Query protocol names it, and as the AWS SDKs report it
    /// (`ProvideErrorMetadata::code`), also over JSON.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::ErrorCode;
    ///
    /// assert_eq!(ErrorCode::ThrottlingException.query_code(), "ThrottlingException");
    /// assert_eq!(ErrorCode::KmsThrottled.query_code(), "KMS.ThrottlingException");
    /// ```
    pub fn query_code(self) -> &'static str {
        self.wire().query_code
    }

    /// The HTTP status AWS answers this error with.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::ErrorCode;
    ///
    /// assert_eq!(ErrorCode::InternalError.status(), 500);
    /// assert_eq!(ErrorCode::ServiceUnavailable.status(), 503);
    /// assert_eq!(ErrorCode::RequestThrottled.status(), 403);
    /// ```
    pub fn status(self) -> u16 {
        self.wire().status
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

    const ALL: [ErrorCode; 34] = [
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
        RequestThrottled,
        ThrottlingException,
        KmsThrottled,
        InternalError,
        ServiceUnavailable,
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
            assert_eq!(row["fault"], wire.side.as_str(), "{name}");
            if let Some(text) = row["message"].as_str() {
                assert_eq!(text, code.default_message(), "{name}");
            }
        }
    }
}
