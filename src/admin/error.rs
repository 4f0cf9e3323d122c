//! The admin API's errors: an HTTP status and a JSON body of a stable shape,
//! `{"code": "...", "message": "..."}`, with more fields for some codes (the queues
//! there are, for `unknown_queue`; the times, for `clock_backwards`). Codes are
//! snake_case words that never change once published; messages are for people.

use hyper::StatusCode;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::clock::ClockBackwards;
use crate::expect::Verification;
use crate::faults::{FaultId, FaultStatus};
use crate::inspect::UnknownQueue;
use crate::wait::ReceiversTimeout;

/// An admin request that failed.
#[derive(Debug)]
pub(crate) struct AdminError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// More fields of the body, beside `code` and `message`.
    pub details: Map<String, Value>,
}

impl AdminError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        AdminError {
            status,
            code,
            message: message.into(),
            details: Map::new(),
        }
    }

    /// With the fields of `value` (an object) beside `code` and `message`.
    fn with<T: Serialize>(mut self, value: &T) -> Self {
        if let Ok(Value::Object(fields)) = serde_json::to_value(value) {
            self.details = fields;
        }
        self
    }

    /// 400: the body is not JSON.
    pub(crate) fn malformed_json(err: &serde_json::Error) -> Self {
        AdminError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {err}"),
        )
    }

    /// 400: a parameter or field is missing, of the wrong type, or out of range.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        AdminError::new(StatusCode::BAD_REQUEST, "invalid_argument", message)
    }

    /// 404: no queue has the URL (or name) given.
    pub(crate) fn unknown_queue(err: &UnknownQueue) -> Self {
        AdminError::new(StatusCode::NOT_FOUND, "unknown_queue", err.to_string()).with(err)
    }

    /// 404: no endpoint has this path.
    pub(crate) fn unknown_endpoint(path: &str, known: Vec<String>) -> Self {
        AdminError::new(
            StatusCode::NOT_FOUND,
            "unknown_endpoint",
            format!(
                "no admin endpoint has the path {path:?}; GET {} lists them",
                super::PREFIX_SLASH
            ),
        )
        .with(&serde_json::json!({ "endpoints": known }))
    }

    /// 405: the path is an endpoint, but not with this method.
    pub(crate) fn method_not_allowed(method: &str, path: &str, allowed: &[&str]) -> Self {
        AdminError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{path} takes {}, not {method}", allowed.join(" or ")),
        )
        .with(&serde_json::json!({ "allowed": allowed }))
    }

    /// 404: the fake was started without its admin API.
    pub(crate) fn disabled() -> Self {
        AdminError::new(
            StatusCode::NOT_FOUND,
            "admin_api_disabled",
            "the admin API of this fake is disabled (--disable-admin-api, \
             FAKE_SQS_DISABLE_ADMIN_API, or FakeSqsBuilder::disable_admin_api)",
        )
    }

    /// 413: the body is larger than an admin request needs.
    pub(crate) fn too_large(limit: usize) -> Self {
        AdminError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("an admin request body may have at most {limit} bytes"),
        )
    }

    /// 409: the clock cannot go back.
    pub(crate) fn clock_backwards(err: &ClockBackwards) -> Self {
        AdminError::new(StatusCode::CONFLICT, "clock_backwards", err.to_string()).with(err)
    }

    /// 409: the long polls waited for were not there in time.
    pub(crate) fn receivers_timeout(err: &ReceiversTimeout) -> Self {
        AdminError::new(StatusCode::CONFLICT, "receivers_timeout", err.to_string()).with(err)
    }

    /// 404: no fault has this id (never added, removed, or gone with a reset).
    pub(crate) fn unknown_fault(id: FaultId, faults: &[FaultStatus]) -> Self {
        let ids: Vec<FaultId> = faults.iter().map(|f| f.id).collect();
        AdminError::new(
            StatusCode::NOT_FOUND,
            "unknown_fault",
            format!("no fault has the id {}; the faults now are {ids:?}", id.0),
        )
        .with(&serde_json::json!({ "id": id, "ids": ids }))
    }

    /// 409: an expectation is not met; the message is the readable report (what each
    /// expectation wanted and what came), the fields its parts.
    pub(crate) fn expectations_not_met(verification: &Verification) -> Self {
        AdminError::new(
            StatusCode::CONFLICT,
            "expectations_not_met",
            verification.to_string(),
        )
        .with(verification)
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("code".to_owned(), Value::from(self.code));
        body.insert("message".to_owned(), Value::from(self.message.clone()));
        for (k, v) in &self.details {
            body.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(body)
    }
}
