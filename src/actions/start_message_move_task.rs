//! StartMessageMoveTask: starts moving the messages of a dead-letter queue, to a given
//! queue or back to the queues they came from (see [`crate::engine::move_tasks`]).

use serde_json::json;

use super::Ctx;
use crate::engine::move_tasks::{MoveTask, TaskStatus};
use crate::engine::redrive::parse_arn;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct StartMessageMoveTask {
    source_arn: String,
    destination_arn: Option<String>,
    rate: Option<u32>,
}

use crate::limits::MOVE_TASK_RATE;

/// `ResourceNotFoundException` for a parameter naming a queue that does not exist.
pub(crate) fn no_such_resource(parameter: &str) -> SqsError {
    SqsError::new(
        ErrorCode::ResourceNotFound,
        format!("The resource that you specified for the {parameter} parameter doesn't exist."),
    )
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
        let now = engine.now();
        let mut state = engine.lock();
        let source_ref = parse_arn(&self.source_arn)
            .filter(|_| state.queue_by_arn(&self.source_arn).is_some())
            .ok_or_else(|| no_such_resource("SourceArn"))?;
        if state.dead_letter_sources(&source_ref).is_empty() {
            return Err(SqsError::invalid_parameter(
                "Source queue must be configured as a Dead Letter Queue.",
            ));
        }
        if let Some(destination) = &self.destination_arn {
            if state.queue_by_arn(destination).is_none() {
                return Err(no_such_resource("DestinationArn"));
            }
        }
        let to_move = state.queue_mut(&source_ref, now)?.store.visible() as u64;
        if state.move_tasks.running(&self.source_arn).is_some() {
            return Err(SqsError::invalid_parameter(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
            ));
        }
        let task = MoveTask {
            id: engine.ids().uuid(),
            source_arn: self.source_arn,
            destination_arn: self.destination_arn,
            rate: self.rate,
            started_at: now,
            to_move,
            moved: 0,
            status: TaskStatus::Running,
            failure_reason: None,
        };
        let handle = task.handle();
        state.move_tasks.start(task);
        // A task without a rate moves everything now; one with a rate moves nothing yet.
        state.settle_move_tasks(now);
        Ok(Outcome::from_json(json!({ "TaskHandle": handle })))
    }
}
