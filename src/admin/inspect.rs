//! `/_fake-sqs/queues`, `/_fake-sqs/queue` and `/_fake-sqs/messages`: the fake's
//! queues and messages as [`FakeSqs::queues`], [`FakeSqs::queue`] and
//! [`FakeSqs::messages`] show them, changing nothing a client could see. A queue is
//! named by `?url=`: its URL with any host (`localhost`, the advertised one), or its
//! name (in the default account). Queue URLs in the answers name the host the admin
//! request was sent to, as SQS's answers do.
//!
//! [`FakeSqs::queues`]: crate::FakeSqs::queues
//! [`FakeSqs::queue`]: crate::FakeSqs::queue
//! [`FakeSqs::messages`]: crate::FakeSqs::messages

use hyper::Method;
use serde_json::json;

use super::{AdminError, Answer, Call, Handler, Route};
use crate::inspect;

pub(super) const ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "queues",
        summary: "every queue, with its counts, attributes and tags",
        handler: Handler::Now(queues),
    },
    Route {
        method: Method::GET,
        path: "queue",
        summary: "one queue: ?url=<queue URL or name>",
        handler: Handler::Now(queue),
    },
    Route {
        method: Method::GET,
        path: "messages",
        summary: "the messages of a queue, with their state: ?url=<queue URL or name>",
        handler: Handler::Now(messages),
    },
];

const URL: &str = "a queue URL (any host) or a queue name";

fn queues(call: &Call) -> Answer {
    Ok(json!({ "queues": inspect::queues(&call.service.engine, &call.base_url) }))
}

fn queue(call: &Call) -> Answer {
    let url = call.required("url", URL)?;
    let queue = inspect::queue(&call.service.engine, &call.base_url, url)
        .map_err(|e| AdminError::unknown_queue(&e))?;
    Ok(super::json(&queue))
}

fn messages(call: &Call) -> Answer {
    let url = call.required("url", URL)?;
    let messages = inspect::messages(&call.service.engine, &call.base_url, url)
        .map_err(|e| AdminError::unknown_queue(&e))?;
    Ok(json!({ "messages": messages }))
}
