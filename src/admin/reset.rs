//! `POST /_fake-sqs/reset`: [`FakeSqs::reset`](crate::FakeSqs::reset) over HTTP. The
//! answer lists the queues after it: the declared ones (a config file), empty.

use hyper::Method;
use serde_json::json;

use super::{Answer, Call, Handler, Route};
use crate::inspect;

pub(super) const ROUTES: &[Route] = &[Route {
    method: Method::POST,
    path: "reset",
    summary:
        "back to the state at start: declared queues only, empty; clock and ids from the start",
    handler: Handler::Now(reset),
}];

fn reset(call: &Call) -> Answer {
    call.service.reset();
    Ok(json!({ "queues": inspect::queues(&call.service.engine, &call.base_url) }))
}
