//! `/_fake-sqs/chaos`: read, set and turn off at-least-once chaos for standard queues,
//! as [`FakeSqs::chaos`](crate::FakeSqs::chaos) and
//! [`FakeSqs::set_chaos`](crate::FakeSqs::set_chaos) do. The body and the answer are
//! the JSON of a [`Chaos`].

use hyper::Method;

use super::{AdminError, Answer, Call, Handler, Route};
use crate::chaos::Chaos;

pub(super) const ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "chaos",
        summary: "the chaos in force for standard queues",
        handler: Handler::Now(read),
    },
    Route {
        method: Method::POST,
        path: "chaos",
        summary: "set the chaos: {\"duplicates\": 0.1, \"short_receives\": 0, \"out_of_order\": 0, \"stale_deletes\": 0, \"seed\": 7}",
        handler: Handler::Now(set),
    },
    Route {
        method: Method::DELETE,
        path: "chaos",
        summary: "turn chaos off",
        handler: Handler::Now(off),
    },
];

fn read(call: &Call) -> Answer {
    Ok(super::json(&call.service.engine.chaos()))
}

fn set(call: &Call) -> Answer {
    let chaos: Chaos = call.json_exact()?;
    for (name, rate) in [
        ("duplicates", chaos.duplicates),
        ("short_receives", chaos.short_receives),
        ("out_of_order", chaos.out_of_order),
        ("stale_deletes", chaos.stale_deletes),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(AdminError::invalid(format!(
                "{name} is a rate from 0 to 1, not {rate}"
            )));
        }
    }
    call.service.engine.set_chaos(chaos);
    read(call)
}

fn off(call: &Call) -> Answer {
    call.service.engine.set_chaos(Chaos::new());
    read(call)
}
