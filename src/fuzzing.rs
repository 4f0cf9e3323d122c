//! Entry points for the coverage-guided fuzz targets in `fuzz/` (cargo feature
//! `fuzzing`, off by default). Not part of the API: hidden from the docs, compiled only
//! with the feature, and free to change with the internals it reaches.
//!
//! Each decoder is reachable on its own, and [`Server`] runs the whole request path in
//! process (no socket, no thread): the same `route::handle` hyper calls, on a paused
//! clock and seeded ids, so one input always gives the same answers.

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

use crate::actions::Action;
use crate::api::ActionName;
use crate::clock::{Clock, ClockMode};
use crate::dialect::Dialect;
use crate::engine::move_tasks;
use crate::engine::receipt::Receipt;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::{self, json, query, Protocol};
use crate::server::route;
use crate::FakeSqsBuilder;

/// 2025-01-01T00:00:00Z: where the in-process server's paused clock starts.
pub const START_SECS: u64 = 1_735_689_600;

/// The request id the decoder entry points put in their error answers.
const REQUEST_ID: &str = "00000000-0000-4000-8000-000000000000";

/// An answer as it would go on the wire.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// The value of header `name` (lower case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn error_answer(protocol: Protocol, action: &str, err: SqsError) -> Answer {
    let codec = &Dialect::Aws.rules().codec;
    let encoded = protocol::encode(protocol, codec, false, action, &Err(err), REQUEST_ID);
    let mut headers: Vec<(String, String)> = encoded
        .content_type
        .map(|t| ("content-type".to_owned(), t.to_owned()))
        .into_iter()
        .collect();
    if let Some(q) = encoded.query_error {
        headers.push(("x-amzn-query-error".to_owned(), q));
    }
    Answer {
        status: encoded.status,
        headers,
        body: encoded.body,
    }
}

/// Parses `params` as the input of the action named `action`, as the service does.
fn parse(action: &str, params: &Params) -> Result<Action, SqsError> {
    let name = ActionName::parse(action).ok_or_else(|| SqsError::invalid_action(action))?;
    Action::parse(name, params)
}

/// Decodes an AWS JSON 1.0 body for `action` and parses it into the action's typed
/// input. `Err` holds the error answer the server would send.
pub fn decode_json(action: &str, body: &[u8]) -> Result<(), Answer> {
    let members = json::decode(body).map_err(|e| error_answer(Protocol::Json, action, e))?;
    let params = Params::new(members, false);
    match parse(action, &params) {
        Err(err) => Err(error_answer(Protocol::Json, action, err)),
        Ok(_) => Ok(()),
    }
}

/// Decodes an AWS Query form body (`Action=...&...`) and parses it into the action's
/// typed input. `Err` holds the error answer the server would send.
pub fn decode_query(form: &[u8]) -> Result<(), Answer> {
    let mut pairs = Vec::new();
    query::decode::parse_pairs(form, &mut pairs)
        .map_err(|e| error_answer(Protocol::Query, "", e))?;
    let Some(action) = pairs
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone())
    else {
        let err = SqsError::new(ErrorCode::UnknownOperation, "No action was given.");
        return Err(error_answer(Protocol::Query, "", err));
    };
    let members =
        query::decode::members(&action, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| error_answer(Protocol::Query, &action, e))?;
    let params = Params::new(members, true);
    match parse(&action, &params) {
        Err(err) => Err(error_answer(Protocol::Query, &action, err)),
        Ok(_) => Ok(()),
    }
}

/// Reads a receipt handle into (queue id, message key, nonce); `Err` holds the
/// `ReceiptHandleIsInvalid` message.
pub fn decode_receipt_handle(handle: &str) -> Result<(u64, u64, u64), String> {
    Receipt::decode(handle)
        .map(|r| (r.queue_id, r.key, r.nonce))
        .map_err(|e| e.message.into_owned())
}

/// The receipt handle of (queue id, message key, nonce).
pub fn encode_receipt_handle(queue_id: u64, key: u64, nonce: u64) -> String {
    Receipt {
        queue_id,
        key,
        nonce,
    }
    .encode()
}

/// Reads a TaskHandle into (task id, source ARN).
pub fn decode_task_handle(handle: &str) -> Option<(String, String)> {
    move_tasks::decode_handle(handle)
}

/// The TaskHandle of task `id` on `source_arn`.
pub fn encode_task_handle(id: &str, source_arn: &str) -> String {
    move_tasks::encode_handle(id, source_arn)
}

/// The whole request path in process: a fresh engine in one dialect, a paused clock at
/// [`START_SECS`] and ids seeded with 0, answering requests given as bytes.
pub struct Server {
    engine: Engine,
    clock: Clock,
}

thread_local! {
    /// One runtime per thread for every [`Server`]: it holds no state between requests
    /// (each runs to its end), and building one per run cost a tenth of a run.
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
}

impl Server {
    /// A fresh server in `dialect`, whose queue URLs start with
    /// `http://127.0.0.1:9324`.
    pub fn new(dialect: Dialect) -> Self {
        let (engine, clock, _) = FakeSqsBuilder::default()
            .dialect(dialect)
            .clock(ClockMode::Paused(Some(
                UNIX_EPOCH + Duration::from_secs(START_SECS),
            )))
            .seed(0)
            .engine("http://127.0.0.1:9324".to_owned());
        Server { engine, clock }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Answers one request, as the server would over HTTP; `None` when the method,
    /// target or a header is not valid HTTP (hyper would not hand such a request to
    /// the fake). A long poll that waits gets the clock moved by its longest wait,
    /// 20 s, as often as it keeps waiting (a few times at most).
    pub fn request(
        &self,
        method: &str,
        target: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Option<Answer> {
        let mut builder = hyper::Request::builder().method(method).uri(target);
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let request = builder.body(Full::new(Bytes::copy_from_slice(body))).ok()?;
        let engine = &self.engine;
        let clock = &self.clock;
        let response = RUNTIME.with(|runtime| {
            runtime.block_on(async move {
                let answer = route::handle(request, engine);
                tokio::pin!(answer);
                for _ in 0..LONG_POLL_ADVANCES {
                    tokio::select! {
                        biased;
                        response = &mut answer => return Some(response),
                        () = tokio::task::yield_now() => clock.advance(LONG_POLL_STEP),
                    }
                }
                None
            })
        });
        let response =
            response.expect("a request that waits for ever (long poll on a paused clock)");
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = RUNTIME
            .with(|runtime| runtime.block_on(response.into_body().collect()))
            .map(|b| b.to_bytes().to_vec())
            .unwrap_or_default();
        Some(Answer {
            status,
            headers,
            body,
        })
    }
}

/// How far the clock moves each time a request is found waiting: SQS's longest wait.
pub const LONG_POLL_STEP: Duration = Duration::from_secs(20);

/// How many times a waiting request gets the clock moved before it counts as hung.
const LONG_POLL_ADVANCES: usize = 8;
