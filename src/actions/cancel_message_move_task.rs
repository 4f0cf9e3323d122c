//! CancelMessageMoveTask: stops a running task; what it moved stays moved, the rest
//! stays in the dead-letter queue.

use serde_json::json;

use super::start_message_move_task::no_such_resource;
use super::Ctx;
use crate::engine::move_tasks::{decode_handle, TaskStatus};
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct CancelMessageMoveTask {
    task_id: String,
    source_arn: String,
}

impl CancelMessageMoveTask {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let handle = p.str("TaskHandle")?;
        // AWS does not echo the handle in this message (fixtures/aws/recorded.md row 159).
        let (task_id, source_arn) = decode_handle(&handle).ok_or_else(|| {
            SqsError::invalid_parameter("Value for parameter TaskHandle is invalid.")
        })?;
        Ok(CancelMessageMoveTask {
            task_id,
            source_arn,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, _ctx: &Ctx) -> Result<Outcome, SqsError> {
        let now = engine.now();
        let mut state = engine.lock();
        state.settle_move_tasks(now);
        if state.queue_by_arn(&self.source_arn).is_none() {
            return Err(no_such_resource("SourceArn"));
        }
        let task = state
            .move_tasks
            .get_mut(&self.source_arn, &self.task_id)
            .ok_or_else(|| SqsError::new(ErrorCode::ResourceNotFound, "Task does not exist."))?;
        if task.status != TaskStatus::Running {
            return Err(SqsError::invalid_parameter(
                "Only active tasks can be cancelled.",
            ));
        }
        task.status = TaskStatus::Cancelled;
        let moved = task.moved;
        state.move_tasks.stopped(&self.source_arn);
        Ok(Outcome::from_json(
            json!({ "ApproximateNumberOfMessagesMoved": moved }),
        ))
    }
}
