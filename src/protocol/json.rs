//! AWS JSON 1.0: `X-Amz-Target: AmazonSQS.<Action>` with a JSON object body, answered
//! with JSON, errors as `{"__type", "message"}` plus the `x-amzn-query-error` header that
//! lets SDKs report the Query error code (the service is `awsQueryCompatible`).

use serde_json::{Map, Value};

use crate::error::{ErrorCode, SqsError, FAULT};

/// The members of a JSON request body. An empty body counts as `{}`.
pub(crate) fn decode(body: &[u8]) -> Result<Map<String, Value>, SqsError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(SqsError::new(
            ErrorCode::Serialization,
            "Start of structure or map found where not expected.",
        )),
        Err(_) => Err(SqsError::new(
            ErrorCode::Serialization,
            "The request body could not be parsed as JSON.",
        )),
    }
}

/// The body of a successful answer; actions without output answer `{}`.
pub(crate) fn success(result: Option<&Map<String, Value>>) -> Vec<u8> {
    match result {
        Some(map) => serde_json::to_vec(map).unwrap_or_else(|_| b"{}".to_vec()),
        None => b"{}".to_vec(),
    }
}

/// The body of an error answer and the value of its `x-amzn-query-error` header.
pub(crate) fn error(err: &SqsError) -> (Vec<u8>, Option<String>) {
    let wire = err.code.wire();
    let body = serde_json::json!({"__type": wire.json_type, "message": err.message});
    let header = wire
        .query_error_header
        .then(|| format!("{};{FAULT}", wire.query_code));
    (serde_json::to_vec(&body).unwrap_or_default(), header)
}
