//! `/_fake-sqs/faults`: add, list and remove injected faults, as
//! [`FakeSqs::add_fault`](crate::FakeSqs::add_fault),
//! [`FakeSqs::faults`](crate::FakeSqs::faults) and
//! [`FakeSqs::remove_fault`](crate::FakeSqs::remove_fault) do. A fault is the JSON of a
//! [`Fault`], a listed one that of a [`FaultStatus`](crate::FaultStatus).

use hyper::Method;
use serde_json::json;

use super::{AdminError, Answer, Call, Handler, Route};
use crate::faults::{Fault, FaultEffect, FaultId};

pub(super) const ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "faults",
        summary: "the faults, with how often each matched and applied",
        handler: Handler::Now(list),
    },
    Route {
        method: Method::POST,
        path: "faults",
        summary: "add a fault: {\"action\": \"ReceiveMessage\", \"queue\": \"jobs\", \"times\": 1, \"effect\": {\"error\": {\"code\": \"ThrottlingException\"}}}",
        handler: Handler::Now(add),
    },
    Route {
        method: Method::DELETE,
        path: "faults",
        summary: "remove a fault (?id=1), or every fault",
        handler: Handler::Now(remove),
    },
];

fn list(call: &Call) -> Answer {
    Ok(json!({ "faults": call.service.controls.faults().list() }))
}

fn add(call: &Call) -> Answer {
    let fault: Fault = call.json_exact()?;
    check(&fault)?;
    let mut faults = call.service.controls.faults();
    let id = faults.add(fault);
    let added = faults.list().into_iter().find(|f| f.id == id);
    Ok(super::json(&added))
}

/// What the Rust API's types allow but no fault can mean.
fn check(fault: &Fault) -> Result<(), AdminError> {
    if let Some(p) = fault.probability {
        if !(0.0..=1.0).contains(&p) {
            return Err(AdminError::invalid(format!(
                "probability is a chance from 0 to 1, not {p}"
            )));
        }
    }
    if fault.nth == Some(0) {
        return Err(AdminError::invalid(
            "nth counts the matching calls from 1 (the first is 1)",
        ));
    }
    if let (FaultEffect::FailEntries { .. }, Some(action)) = (&fault.effect, fault.action) {
        if action.request_entry().is_none() {
            return Err(AdminError::invalid(format!(
                "fail_entries applies to a batch action (SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch), not {action}"
            )));
        }
    }
    Ok(())
}

fn remove(call: &Call) -> Answer {
    let mut faults = call.service.controls.faults();
    let Some(id) = call.param("id") else {
        faults.clear();
        return Ok(json!({ "faults": [] }));
    };
    let id = id
        .parse::<u64>()
        .map(FaultId)
        .map_err(|_| AdminError::invalid(format!("id must be a fault's id, not {id:?}")))?;
    if !faults.remove(id) {
        return Err(AdminError::unknown_fault(id, &faults.list()));
    }
    Ok(json!({ "faults": faults.list() }))
}
