//! The two wire protocols of SQS, each a decoder into the same member tree
//! ([`params::Params`]) and an encoder from the same outcome and [`SqsError`].
//!
//! The engine never sees a wire format, and neither codec ever sees queue state.

#[cfg(test)]
pub(crate) mod heap_meter;
pub(crate) mod json;
pub(crate) mod limits;
pub(crate) mod params;
pub(crate) mod query;
pub(crate) mod request;

use serde_json::{Map, Value};

use crate::error::{ErrorCode, SqsError};
use crate::rules::CodecOptions;

/// The whole body of AWS's answer to a request that names no action at all (`GET /`,
/// a POST without `Action` or `X-Amz-Target`): status 404, no content type, XML even
/// when JSON was asked for; the front end of AWS's services writes it with a final
/// newline (`fixtures/aws/no-action.json`).
pub(crate) const NO_ACTION_BODY: &str = "<UnknownOperationException/>\n";

/// Which protocol a request came in on; its answer goes out the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    Json,
    Query,
}

/// What an action answers: nothing (the model has no output shape), or a result.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Empty,
    Result(Map<String, Value>),
}

impl Outcome {
    /// A result built from a `json!({...})` object.
    pub(crate) fn from_json(value: Value) -> Self {
        match value {
            Value::Object(map) => Outcome::Result(map),
            _ => Outcome::Result(Map::new()),
        }
    }

    pub(crate) fn result(&self) -> Option<&Map<String, Value>> {
        match self {
            Outcome::Empty => None,
            Outcome::Result(map) => Some(map),
        }
    }
}

/// An encoded answer, ready for HTTP.
pub(crate) struct Encoded {
    pub status: u16,
    /// `None` for the one answer AWS sends without a content type ([`NO_ACTION_BODY`]).
    pub content_type: Option<&'static str>,
    pub body: Vec<u8>,
    pub query_error: Option<String>,
}

/// Writes `outcome` in `protocol`'s format, as `options` say. `accepts_json`: the
/// request asked for JSON (`Accept: application/json`).
pub(crate) fn encode(
    protocol: Protocol,
    options: &CodecOptions,
    accepts_json: bool,
    action: &str,
    outcome: &Result<Outcome, SqsError>,
    request_id: &str,
) -> Encoded {
    let stripped;
    let outcome = if options.sender_fault_in_batches {
        outcome
    } else {
        stripped = outcome.clone().map(without_sender_fault);
        &stripped
    };
    if let Err(err) = outcome {
        if err.code == ErrorCode::UnknownOperation {
            return Encoded {
                status: options.status(err.code),
                content_type: None,
                body: NO_ACTION_BODY.as_bytes().to_vec(),
                query_error: None,
            };
        }
    }
    let namespace = options.xml_namespace;
    let protocol = if options.json_answers {
        protocol
    } else {
        Protocol::Query
    };
    // AWS answers a Query request that asks for JSON with the JSON form of its answer.
    if let (Protocol::Query, true, true, Ok(ok)) = (
        protocol,
        options.json_for_query_accept,
        accepts_json,
        outcome,
    ) {
        return Encoded {
            status: 200,
            content_type: Some("application/json"),
            body: query::encode::success_json(action, ok.result(), request_id).into_bytes(),
            query_error: None,
        };
    }
    match (protocol, outcome) {
        (Protocol::Json, Ok(outcome)) => Encoded {
            status: 200,
            content_type: Some("application/x-amz-json-1.0"),
            body: json::success(outcome.result()),
            query_error: None,
        },
        (Protocol::Json, Err(err)) => {
            let (body, query_error) = json::error(err);
            Encoded {
                status: options.status(err.code),
                content_type: Some("application/x-amz-json-1.0"),
                body,
                query_error,
            }
        }
        (Protocol::Query, Ok(outcome)) => Encoded {
            status: 200,
            content_type: Some("text/xml"),
            body: query::encode::success(action, outcome.result(), request_id, namespace),
            query_error: None,
        },
        (Protocol::Query, Err(err)) => Encoded {
            status: options.status(err.code),
            content_type: Some("text/xml"),
            body: query::encode::error(err, request_id, namespace),
            query_error: None,
        },
    }
}

/// Drops `SenderFault` from batch error entries (Yandex does not send it).
fn without_sender_fault(outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Result(mut map) => {
            if let Some(Value::Array(failed)) = map.get_mut("Failed") {
                for entry in failed {
                    if let Value::Object(entry) = entry {
                        entry.shift_remove("SenderFault");
                    }
                }
            }
            Outcome::Result(map)
        }
        empty => empty,
    }
}
