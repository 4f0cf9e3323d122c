//! The admin API: the test author's controls over HTTP, for tests in any language, on
//! the same port as SQS under a prefix no queue URL can take (`/_fake-sqs/`: a queue
//! URL's first segment is an account id or a Scaleway project, never this).
//!
//! JSON in and out (but for the dashboard, `ui.rs`: a page for a browser over the same
//! endpoints). Each file serves one area and declares its endpoints as a table of
//! [`Route`]s; [`GROUPS`] lists the tables, and [`handle`] finds the route, reads the
//! request, and writes the answer or the error (`error.rs`). The bodies and answers
//! are the serde forms of the Rust API's own types ([`QueueInfo`](crate::QueueInfo),
//! [`MessageInfo`](crate::MessageInfo), [`ClockMode`](crate::ClockMode),
//! [`Fault`](crate::Fault), [`RecordedRequest`](crate::RecordedRequest),
//! [`ExpectationSpec`](crate::ExpectationSpec), ...), so the two cannot drift.
//!
//! An admin request is the test author's, as a call of the Rust API is: the server
//! routes it here before the service layer, so it is never signed or checked against
//! credentials and queue policies, never meets a fault, is never journaled or counted by
//! an expectation, and never counts as a request in flight for an auto-advancing clock
//! (a test waiting for receivers must not stop the clock it is waiting on).

mod chaos;
mod clock;
mod error;
mod expectations;
mod faults;
mod inspect;
mod journal;
mod move_tasks;
mod receivers;
mod reset;
mod ui;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Body;
use hyper::{Method, Request, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::server::body;
use crate::service::Service;
pub(crate) use error::AdminError;

/// The first path segment of every admin path, which no queue URL may start with (so no
/// account may be named so).
pub(crate) const SEGMENT: &str = "_fake-sqs";

/// The prefix of every admin path: `/` and [`SEGMENT`].
pub(crate) const PREFIX: &str = "/_fake-sqs";

/// The index of the admin API.
const PREFIX_SLASH: &str = "/_fake-sqs/";

/// The largest admin request body read.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Whether `path` belongs to the admin API.
pub(crate) fn is_admin_path(path: &str) -> bool {
    path.strip_prefix(PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Every endpoint, one table per file.
const GROUPS: &[&[Route]] = &[
    &[Route {
        method: Method::GET,
        path: "",
        summary: "this list of endpoints",
        handler: Handler::Now(index),
    }],
    clock::ROUTES,
    inspect::ROUTES,
    move_tasks::ROUTES,
    receivers::ROUTES,
    journal::ROUTES,
    faults::ROUTES,
    chaos::ROUTES,
    expectations::ROUTES,
    reset::ROUTES,
    ui::ROUTES,
];

/// One endpoint: a method and a path under the prefix (`clock/advance`).
pub(crate) struct Route {
    pub method: Method,
    pub path: &'static str,
    /// What it does, for the index.
    pub summary: &'static str,
    pub handler: Handler,
}

/// What an endpoint answers: a JSON value with 200, or an error.
pub(crate) type Answer = Result<Value, AdminError>;

/// An answer that takes time (it waits on something).
pub(crate) type Later = Pin<Box<dyn Future<Output = Answer> + Send>>;

/// How an endpoint answers.
pub(crate) enum Handler {
    /// At once.
    Now(fn(&Call) -> Answer),
    /// After waiting.
    Later(fn(Call) -> Later),
    /// With a page for people (the dashboard), not JSON.
    Page(fn() -> Response<Full<Bytes>>),
}

/// One admin request, as a handler gets it.
pub(crate) struct Call {
    /// The engine, and the faults, journal and expectations.
    pub service: Service,
    /// What queue URLs in the answer start with: the scheme and host the request was
    /// sent to, as in SQS's answers.
    pub base_url: String,
    query: Vec<(String, String)>,
    body: Bytes,
}

impl Call {
    /// The body, read as `T`. An empty body reads as `{}`, so that an endpoint whose
    /// fields are all optional takes a bare `curl -X POST`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, AdminError> {
        let body: &[u8] = match self.body.iter().all(u8::is_ascii_whitespace) {
            true => b"{}",
            false => &self.body,
        };
        // JSON first, then its shape: serde_json calls some shape errors (a number
        // where an enum goes) syntax errors when it reads both at once.
        let value: Value =
            serde_json::from_slice(body).map_err(|e| AdminError::malformed_json(&e))?;
        T::deserialize(value).map_err(|e| AdminError::invalid(e.to_string()))
    }

    /// The body, read as `T`, one of the Rust API's own types, which may ignore fields
    /// it does not know: here a field that `T` does not have is refused, so that a
    /// misspelt one (`"acton"`) does not quietly widen a fault or an expectation.
    pub fn json_exact<T: DeserializeOwned + serde::Serialize>(&self) -> Result<T, AdminError> {
        let given: Value = self.json()?;
        let value = T::deserialize(&given).map_err(|e| AdminError::invalid(e.to_string()))?;
        match unknown_field(&given, &json(&value)) {
            Some(path) => Err(AdminError::invalid(format!("unknown field `{path}`"))),
            None => Ok(value),
        }
    }

    /// The query parameter `name`, if given.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The query parameter `name`, which the endpoint needs; `what` says what it is.
    pub fn required(&self, name: &str, what: &str) -> Result<&str, AdminError> {
        self.param(name).ok_or_else(|| {
            AdminError::invalid(format!("the query parameter {name} is required: {what}"))
        })
    }
}

/// The first field of `given` (a request body) that `read` (what it was read as,
/// written back) does not have, by its path (`effect.eror`). A field given as `null`
/// may be missing: it reads as absent.
fn unknown_field(given: &Value, read: &Value) -> Option<String> {
    let (Value::Object(given), Value::Object(read)) = (given, read) else {
        return None;
    };
    given.iter().find_map(|(key, value)| match read.get(key) {
        None if !value.is_null() => Some(key.clone()),
        None => None,
        Some(written) => unknown_field(value, written).map(|inner| format!("{key}.{inner}")),
    })
}

/// A duration as the admin API takes them: a number and a unit, such as `31s`, `1500ms`
/// or `2m 30s`. `what` names the field, for the error.
pub(crate) fn parse_duration(text: &str, what: &str) -> Result<Duration, AdminError> {
    if text.trim_start().starts_with('-') {
        return Err(AdminError::invalid(format!(
            "{what} is negative ({text:?}): the fake's clock only moves forward"
        )));
    }
    humantime::parse_duration(text).map_err(|e| {
        AdminError::invalid(format!(
            "{what} is not a duration such as \"31s\", \"1500ms\" or \"2m 30s\" ({text:?}: {e})"
        ))
    })
}

/// Answers one admin request; `enabled` is false when the fake was started without
/// its admin API.
pub(crate) async fn handle<B>(
    req: Request<B>,
    service: &Service,
    enabled: bool,
) -> Response<Full<Bytes>>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if !enabled {
        return reply(Err(AdminError::disabled()));
    }
    let (parts, body) = req.into_parts();
    let path = parts.uri.path();
    let sub = path
        .strip_prefix(PREFIX)
        .unwrap_or("")
        .trim_start_matches('/')
        .trim_end_matches('/');
    let same_path = || {
        GROUPS
            .iter()
            .flat_map(|g| g.iter())
            .filter(|r| r.path == sub)
    };
    let Some(route) = same_path().find(|r| r.method == parts.method) else {
        let allowed: Vec<&str> = same_path().map(|r| r.method.as_str()).collect();
        let err = match allowed.is_empty() {
            true => AdminError::unknown_endpoint(path, endpoints()),
            false => AdminError::method_not_allowed(parts.method.as_str(), path, &allowed),
        };
        return reply(Err(err));
    };
    let base_url = crate::service::base_url(service.engine.config(), &parts);
    let query = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    // Drained before the 413 as SQS bodies are; a broken body is never run either.
    let body = match body::read_within(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => return reply(Err(AdminError::too_large(MAX_BODY_BYTES))),
    };
    let call = Call {
        service: service.clone(),
        base_url,
        query,
        body,
    };
    let answer = match &route.handler {
        Handler::Now(now) => now(&call),
        Handler::Later(later) => later(call).await,
        Handler::Page(page) => return page(),
    };
    reply(answer)
}

/// `METHOD /_fake-sqs/path` of every endpoint.
fn endpoints() -> Vec<String> {
    GROUPS
        .iter()
        .flat_map(|g| g.iter())
        .map(|r| format!("{} {PREFIX_SLASH}{}", r.method, r.path))
        .collect()
}

/// `GET /_fake-sqs/`: every endpoint, with what it does.
fn index(_: &Call) -> Answer {
    let endpoints: Vec<Value> = GROUPS
        .iter()
        .flat_map(|g| g.iter())
        .map(|r| {
            serde_json::json!({
                "method": r.method.as_str(),
                "path": format!("{PREFIX_SLASH}{}", r.path),
                "summary": r.summary,
            })
        })
        .collect();
    Ok(serde_json::json!({ "endpoints": endpoints }))
}

/// The HTTP answer: pretty JSON (people read it with curl too) and a newline.
fn reply(answer: Answer) -> Response<Full<Bytes>> {
    let mut response = Response::builder().header("content-type", "application/json");
    let body = match answer {
        Ok(value) => value,
        Err(err) => {
            response = response.status(err.status);
            if let Some(Value::Array(allowed)) = err.details.get("allowed") {
                let allowed: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                response = response.header("allow", allowed.join(", "));
            }
            err.body()
        }
    };
    let mut bytes = serde_json::to_vec_pretty(&body).unwrap_or_default();
    bytes.push(b'\n');
    response
        .body(Full::new(Bytes::from(bytes)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// The JSON of a value of the Rust API (whose serde forms cannot fail).
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    /// The three spellings of the admin path (constants, since `concat!` takes only
    /// literals) say the same.
    #[test]
    fn the_prefixes_are_the_segment() {
        assert_eq!(super::PREFIX, format!("/{}", super::SEGMENT));
        assert_eq!(super::PREFIX_SLASH, format!("/{}/", super::SEGMENT));
    }
}
