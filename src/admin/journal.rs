//! `/_fake-sqs/requests`: the request journal, as
//! [`FakeSqs::requests`](crate::FakeSqs::requests) gives it, each request a
//! [`RecordedRequest`](crate::RecordedRequest). Filters narrow it (`action`, `queue`),
//! and a cursor reads only what is new: each answer's `cursor` is the `seq` of the
//! latest request recorded, and `?after=<cursor>` returns the requests recorded since.

use hyper::Method;
use serde_json::json;

use super::{AdminError, Answer, Call, Handler, Route};
use crate::api::ActionName;

pub(super) const ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "requests",
        summary: "the request journal: ?after=<cursor>&action=SendMessage&queue=<URL or name>",
        handler: Handler::Now(requests),
    },
    Route {
        method: Method::DELETE,
        path: "requests",
        summary: "empty the journal (numbering starts again from 1)",
        handler: Handler::Now(clear),
    },
];

fn requests(call: &Call) -> Answer {
    let after = match call.param("after") {
        None => 0,
        Some(after) => after.parse::<u64>().map_err(|_| {
            AdminError::invalid(format!(
                "after must be a request's seq (a whole number), not {after:?}"
            ))
        })?,
    };
    let action = match call.param("action") {
        None => None,
        Some(name) => Some(
            name.parse::<ActionName>()
                .map_err(|e| AdminError::invalid(e.to_string()))?,
        ),
    };
    let (mut requests, cursor) = call
        .service
        .controls
        .journal()
        .requests_after(&call.base_url, after);
    if let Some(action) = action {
        requests = requests.by_action(action);
    }
    if let Some(queue) = call.param("queue") {
        requests = requests.by_queue(queue);
    }
    Ok(json!({ "requests": requests, "cursor": cursor }))
}

fn clear(call: &Call) -> Answer {
    call.service.controls.journal().clear();
    Ok(json!({ "requests": [], "cursor": 0 }))
}
