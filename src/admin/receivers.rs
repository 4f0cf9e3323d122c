//! `/_fake-sqs/receivers` and `/_fake-sqs/wait-for-receivers`: how many ReceiveMessage
//! long polls are waiting, and waiting until `n` are, as
//! [`FakeSqs::wait_for_receivers`](crate::FakeSqs::wait_for_receivers) does. The wait's
//! bound is real time (the server's timer), whatever the fake's clock does.

use hyper::Method;
use serde_json::json;

use super::{parse_duration, AdminError, Answer, Call, Handler, Later, Route};
use crate::wait::{self, RECEIVERS_TIMEOUT};

pub(super) const ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "receivers",
        summary: "the long polls waiting now",
        handler: Handler::Now(receivers),
    },
    Route {
        method: Method::GET,
        path: "wait-for-receivers",
        summary: "wait until n long polls wait: ?n=1&timeout=30s (409 when time runs out)",
        handler: Handler::Later(wait_for_receivers),
    },
];

fn receivers(call: &Call) -> Answer {
    let waiting_on = call.service.engine.clock().sleeping_on();
    Ok(json!({ "waiting": waiting_on.len(), "waiting_on": waiting_on }))
}

fn wait_for_receivers(call: Call) -> Later {
    Box::pin(async move {
        let n = match call.param("n") {
            None => 1,
            Some(n) => n.parse::<usize>().map_err(|_| {
                AdminError::invalid(format!("n must be a whole number of long polls, not {n:?}"))
            })?,
        };
        let timeout = match call.param("timeout") {
            None => RECEIVERS_TIMEOUT,
            Some(t) => parse_duration(t, "timeout")?,
        };
        wait::receivers(call.service.engine.clock(), n, timeout)
            .await
            .map_err(|e| AdminError::receivers_timeout(&e))?;
        receivers(&call)
    })
}
