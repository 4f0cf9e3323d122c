//! A whole request, decoded: which protocol it speaks, its action and its members.

use hyper::header::HeaderName;
use hyper::http::request::Parts;
use hyper::Method;

use super::params::Params;
use super::{json, query, Protocol};
use crate::api::ActionName;
use crate::error::{ErrorCode, SqsError};

/// A request's action, as named on the wire, its members, and the pairs of its URL's
/// query string (where a presigned URL carries its credential).
pub(crate) struct Decoded {
    pub action: String,
    pub params: Params,
    pub query_pairs: Vec<(String, String)>,
}

/// The members of a request decoded before, from what the journal keeps of it: its
/// protocol and action, whether it was a POST, its path and query (`target`) and its
/// body, decoded again by [`decode`]; empty when they could not be decoded.
pub(crate) fn members_again(
    protocol: Protocol,
    action: &str,
    post: bool,
    target: &str,
    body: &[u8],
    base_url: &str,
) -> serde_json::Value {
    let method = if post { Method::POST } else { Method::GET };
    let mut request = hyper::Request::builder().method(method).uri(target);
    if protocol == Protocol::Json {
        request = request.header("x-amz-target", format!("AmazonSQS.{action}"));
    }
    let decoded = request
        .body(())
        .ok()
        .and_then(|r| decode(&r.into_parts().0, body, protocol, base_url).ok());
    match decoded {
        Some(decoded) => decoded.params.into_value(),
        None => serde_json::Value::Object(serde_json::Map::new()),
    }
}

/// `X-Amz-Target`, as a constant: looking a header up by a string parses the name first.
const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");

/// The protocol of a request: AWS JSON 1.0 names its action in `X-Amz-Target`, AWS
/// Query in its parameters.
pub(crate) fn protocol_of(parts: &Parts) -> Protocol {
    match parts.headers.get(X_AMZ_TARGET) {
        Some(_) => Protocol::Json,
        None => Protocol::Query,
    }
}

/// Decodes a request into its action and members. A Query request sent to a queue's
/// URL (`base_url` and the path) names that queue unless it says `QueueUrl` itself. On
/// error, the action as far as it was read.
pub(crate) fn decode(
    parts: &Parts,
    body: &[u8],
    protocol: Protocol,
    base_url: &str,
) -> Result<Decoded, (String, SqsError)> {
    let mut query_pairs = Vec::new();
    let query_string = parts.uri.query().unwrap_or_default();
    query::decode::parse_pairs(query_string.as_bytes(), &mut query_pairs)
        .map_err(|e| (String::new(), e))?;
    match protocol {
        Protocol::Json => {
            let target = parts
                .headers
                .get(X_AMZ_TARGET)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let action = target
                .strip_prefix("AmazonSQS.")
                .unwrap_or(target)
                .to_owned();
            if !target.starts_with("AmazonSQS.") {
                return Err((action.clone(), SqsError::invalid_action(&action)));
            }
            let members = json::decode(body).map_err(|e| (action.clone(), e))?;
            Ok(Decoded {
                action,
                params: Params::new(members, false),
                query_pairs,
            })
        }
        Protocol::Query => {
            let mut pairs = query_pairs.clone();
            if parts.method == Method::POST {
                query::decode::parse_pairs(body, &mut pairs).map_err(|e| (String::new(), e))?;
            }
            let Some(action) = pairs
                .iter()
                .find(|(k, _)| k == "Action")
                .map(|(_, v)| v.clone())
            else {
                return Err((
                    String::new(),
                    SqsError::new(ErrorCode::UnknownOperation, "No action was given."),
                ));
            };
            let path = parts.uri.path();
            let at_queue = path.trim_matches('/').contains('/');
            // Actions that address the service, not a queue: AWS rejects them at a
            // queue's URL.
            if at_queue && ActionName::parse(&action).is_some_and(ActionName::root_only) {
                return Err((action.clone(), SqsError::invalid_action(&action)));
            }
            let mut members = query::decode::members(
                &action,
                pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            )
            .map_err(|e| (action.clone(), e))?;
            if at_queue && !members.contains_key("QueueUrl") {
                let url = format!("{base_url}{path}");
                members.insert("QueueUrl".into(), url.into());
            }
            Ok(Decoded {
                action,
                params: Params::new(members, true),
                query_pairs,
            })
        }
    }
}
