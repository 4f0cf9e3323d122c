//! `/_fake-sqs/move-tasks`: every message move task of every dead-letter queue, running
//! or finished, as [`FakeSqs::move_tasks`](crate::FakeSqs::move_tasks) shows them (each
//! a [`MoveTaskInfo`](crate::MoveTaskInfo)), changing nothing a client could see.

use hyper::Method;
use serde_json::json;

use super::{Answer, Call, Handler, Route};
use crate::inspect;

pub(super) const ROUTES: &[Route] = &[Route {
    method: Method::GET,
    path: "move-tasks",
    summary: "every message move task: source, destination, status, counts",
    handler: Handler::Now(move_tasks),
}];

fn move_tasks(call: &Call) -> Answer {
    Ok(json!({ "move_tasks": inspect::move_tasks(&call.service.engine) }))
}
