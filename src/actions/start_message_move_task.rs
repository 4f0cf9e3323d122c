//! StartMessageMoveTask: starts moving the messages of a dead-letter queue, to a given
//! queue or back to the queues they came from (see [`crate::engine::move_tasks`]).

use serde_json::json;

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::limits::MOVE_TASK_RATE;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct StartMessageMoveTask {
    source_arn: String,
    destination_arn: Option<String>,
    rate: Option<u32>,
}

impl StartMessageMoveTask {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let rate = match p.opt_int("MaxNumberOfMessagesPerSecond")? {
            None => None,
            Some(n) if MOVE_TASK_RATE.contains(&n) => Some(n as u32),
            Some(n) => {
                return Err(SqsError::invalid_value(
                    "MaxNumberOfMessagesPerSecond",
                    n,
                    "Must be between 1 and 500, if provided.",
                ))
            }
        };
        Ok(StartMessageMoveTask {
            source_arn: p.str("SourceArn")?,
            destination_arn: p.opt_str("DestinationArn")?.filter(|d| !d.is_empty()),
            rate,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, _ctx: &Ctx) -> Result<Outcome, SqsError> {
        let handle = engine.start_move_task(self.source_arn, self.destination_arn, self.rate)?;
        Ok(Outcome::from_json(json!({ "TaskHandle": handle })))
    }
}
