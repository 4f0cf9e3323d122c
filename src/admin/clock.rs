//! `/_fake-sqs/clock`: read the fake's clock, move it forward by a duration or to a
//! time, and change how it moves (system, paused, auto-advance). Every answer is the
//! clock as it stands after the request.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{parse_duration, AdminError, Answer, Call, Handler, Route};
use crate::clock::{Clock, ClockMode};

pub(super) const ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "clock",
        summary: "the fake's time and clock mode",
        handler: Handler::Now(read),
    },
    Route {
        method: Method::POST,
        path: "clock/advance",
        summary: "move the clock forward: {\"by\": \"31s\"} or {\"by_ms\": 31000}",
        handler: Handler::Now(advance),
    },
    Route {
        method: Method::POST,
        path: "clock/set",
        summary: "move the clock forward to a time: {\"to\": \"2025-01-01T12:00:00Z\"} or {\"to_ms\": ...}",
        handler: Handler::Now(set),
    },
    Route {
        method: Method::POST,
        path: "clock/mode",
        summary: "change how the clock moves: {\"mode\": \"system\" | \"paused\" | \"auto_advance\"}",
        handler: Handler::Now(mode),
    },
];

/// The clock as the admin API shows it.
#[derive(Serialize)]
struct ClockView {
    #[serde(with = "crate::serde_forms::rfc3339")]
    now: SystemTime,
    now_ms: u64,
    #[serde(flatten)]
    mode: ClockMode,
}

fn view(clock: &Clock) -> Answer {
    let now_ms = clock.now_millis();
    Ok(super::json(&ClockView {
        now: UNIX_EPOCH + Duration::from_millis(now_ms),
        now_ms,
        mode: clock.mode(),
    }))
}

fn read(call: &Call) -> Answer {
    view(call.service.engine.clock())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    by: Option<String>,
    by_ms: Option<Value>,
}

fn advance(call: &Call) -> Answer {
    let by = match call.json::<Advance>()? {
        Advance {
            by: Some(by),
            by_ms: None,
        } => parse_duration(&by, "by")?,
        Advance {
            by: None,
            by_ms: Some(ms),
        } => Duration::from_millis(whole_millis(&ms, "by_ms")?),
        _ => {
            return Err(AdminError::invalid(
                "give one of by (a duration such as \"31s\") and by_ms (milliseconds)",
            ))
        }
    };
    let clock = call.service.engine.clock();
    clock.advance(by);
    view(clock)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Set {
    to: Option<String>,
    to_ms: Option<Value>,
}

fn set(call: &Call) -> Answer {
    let to = match call.json::<Set>()? {
        Set {
            to: Some(to),
            to_ms: None,
        } => crate::serde_forms::parse_time(&to)
            .map_err(|e| AdminError::invalid(format!("to: {e}")))?,
        Set {
            to: None,
            to_ms: Some(ms),
        } => UNIX_EPOCH + Duration::from_millis(whole_millis(&ms, "to_ms")?),
        _ => {
            return Err(AdminError::invalid(
                "give one of to (an RFC 3339 time such as \"2025-01-01T12:00:00Z\") and to_ms \
                 (milliseconds since the Unix epoch)",
            ))
        }
    };
    let clock = call.service.engine.clock();
    clock
        .try_set(to)
        .map_err(|e| AdminError::clock_backwards(&e))?;
    view(clock)
}

fn mode(call: &Call) -> Answer {
    let mode: ClockMode = call.json()?;
    let clock = call.service.engine.clock();
    // A start time moves the clock first, and may not move it back.
    clock
        .try_set_mode(mode)
        .map_err(|e| AdminError::clock_backwards(&e))?;
    view(clock)
}

/// A JSON number of milliseconds that is whole and not negative.
fn whole_millis(value: &Value, what: &str) -> Result<u64, AdminError> {
    match value.as_u64() {
        Some(ms) => Ok(ms),
        None if value.as_f64().is_some_and(|f| f < 0.0) => Err(AdminError::invalid(format!(
            "{what} is negative ({value}): the fake's clock only moves forward"
        ))),
        None => Err(AdminError::invalid(format!(
            "{what} must be a whole number of milliseconds, not {value}"
        ))),
    }
}
