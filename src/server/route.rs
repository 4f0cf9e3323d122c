//! One request over HTTP: read the body, let the codec decode it, hand it to the
//! service layer, and write the codec's answer. Nothing here knows an SQS rule.

use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Body;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};

use super::body::{self, MAX_BODY_BYTES};
use super::scaleway_api;
use crate::admin;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::{self, request};
use crate::service::{self, Answer, Service};

/// An injected fault: the connection closes without an answer. As the service's error,
/// it makes hyper close the connection without writing a response.
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an injected fault dropped the connection")
    }
}

impl std::error::Error for Dropped {}

/// Answers one request: the admin API's (served, or refused when `admin_api` is off)
/// or an SQS one, or drops its connection ([`Dropped`]). Generic over the body so that
/// the same path serves hyper's connections and in-process callers (the fuzz targets).
pub(crate) async fn handle<B>(
    req: Request<B>,
    service: &Service,
    admin_api: bool,
) -> Result<Response<Full<Bytes>>, Dropped>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let changes = req.method() != hyper::Method::GET;
    if admin::is_admin_path(req.uri().path()) {
        let answer = admin::handle(req, service, admin_api).await;
        // The admin API changes the clock and resets: saved before it answers too.
        if changes {
            saved(service).await;
        }
        return Ok(answer);
    }
    let engine = &service.engine;
    // An auto-advancing clock moves only when every request in flight is a sleeping poll.
    let _busy = engine.clock().busy();
    let rules = engine.rules();
    if rules.management_api && scaleway_api::is_management_path(req.uri().path()) {
        let answer = scaleway_api::handle(req, engine).await;
        if changes {
            saved(service).await;
        }
        return Ok(answer);
    }
    let started = Instant::now();
    let request_id = engine.ids().uuid();
    let (parts, body) = req.into_parts();
    let accepts_json = parts
        .headers
        .get(hyper::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let protocol = request::protocol_of(&parts);
    let Answer {
        action,
        outcome,
        drop_connection,
    } = match body::read(body).await {
        Ok(body) => {
            let base_url = &engine.config().base_url;
            let decoded = request::decode(&parts, &body, protocol, base_url);
            let request = service::Request {
                protocol,
                http: &parts,
                body: &body,
                decoded,
            };
            service::handle(service, request).await
        }
        // Nobody reads an answer on a broken connection; it gets the same one, never a
        // run of the half that arrived.
        Err(body::Unread::TooLarge | body::Unread::Broken) => Answer {
            action: String::new(),
            outcome: Err(SqsError::new(
                ErrorCode::RequestEntityTooLarge,
                format!("Request body must be at most {MAX_BODY_BYTES} bytes."),
            )),
            drop_connection: false,
        },
    };
    if drop_connection {
        tracing::info!(target: "fake_sqs::request", action = %action, "connection dropped (injected fault)");
        return Err(Dropped);
    }
    let encoded = protocol::encode(
        protocol,
        &rules.codec,
        accepts_json,
        &action,
        &outcome,
        &request_id,
    );
    tracing::info!(
        target: "fake_sqs::request",
        action = %action,
        protocol = ?protocol,
        status = encoded.status,
        error = outcome.as_ref().err().map(|e| e.code.wire().query_code).unwrap_or(""),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    Ok(respond(encoded, request_id).unwrap_or_else(|| Response::new(Full::new(Bytes::new()))))
}

/// With a data directory: waits until what an admin or management request changed is
/// saved. One that cannot be saved is logged by the writer, and every SQS request that
/// follows fails, so its answer stands.
async fn saved(service: &Service) {
    if let Some(saver) = &service.saver {
        let _ = saver.saved().await;
    }
}

/// The HTTP answer: status, request id, content type, Query error code, body. Header
/// names are constants, not parsed again for every answer. `None` if a value cannot be
/// a header (which no answer the codecs write has).
fn respond(encoded: protocol::Encoded, request_id: String) -> Option<Response<Full<Bytes>>> {
    const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
    const QUERY_ERROR: HeaderName = HeaderName::from_static("x-amzn-query-error");
    let status = StatusCode::from_u16(encoded.status).ok()?;
    let mut response = Response::new(Full::new(Bytes::from(encoded.body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(REQUEST_ID, HeaderValue::try_from(request_id).ok()?);
    if let Some(content_type) = encoded.content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if let Some(q) = encoded.query_error {
        headers.insert(QUERY_ERROR, HeaderValue::try_from(q).ok()?);
    }
    Some(response)
}
