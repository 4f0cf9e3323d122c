//! `/_fake-sqs/expectations`: add expectations and verify them, as
//! [`FakeSqs::add_expectation`](crate::FakeSqs::add_expectation) and
//! [`FakeSqs::verify`](crate::FakeSqs::verify) do. An expectation is the JSON of an
//! [`ExpectationSpec`]; verifying answers 200 when every one is met, else 409 with the
//! readable report as the message (what each wanted, what came) and the
//! [`Verification`](crate::Verification) beside it. Nothing is checked when the server
//! stops: a test in another language verifies before it ends.

use hyper::Method;
use serde_json::json;

use super::{AdminError, Answer, Call, Handler, Route};
use crate::expect::ExpectationSpec;

pub(super) const ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "expectations",
        summary: "every expectation, checked, met or not (always 200)",
        handler: Handler::Now(list),
    },
    Route {
        method: Method::POST,
        path: "expectations",
        summary: "add an expectation: {\"action\": \"DeleteMessage\", \"queue\": \"jobs\", \"times\": {\"exactly\": 1}}",
        handler: Handler::Now(add),
    },
    Route {
        method: Method::DELETE,
        path: "expectations",
        summary: "remove every expectation, unchecked",
        handler: Handler::Now(clear),
    },
    Route {
        method: Method::POST,
        path: "expectations/verify",
        summary: "check every expectation: 200 when all are met, 409 with what came when one is not",
        handler: Handler::Now(verify),
    },
];

fn list(call: &Call) -> Answer {
    Ok(super::json(
        &call.service.controls.expectations().verification(),
    ))
}

fn add(call: &Call) -> Answer {
    let spec: ExpectationSpec = call.json_exact()?;
    let id = call.service.controls.expectations().add(spec.clone());
    Ok(json!({ "id": id, "expectation": spec }))
}

fn clear(call: &Call) -> Answer {
    call.service.controls.expectations().clear();
    list(call)
}

fn verify(call: &Call) -> Answer {
    let verification = call.service.controls.expectations().verification();
    match verification.is_met() {
        true => Ok(super::json(&verification)),
        false => Err(AdminError::expectations_not_met(&verification)),
    }
}
