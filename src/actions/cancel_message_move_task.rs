//! CancelMessageMoveTask: stops a running task; what it moved stays moved, the rest
//! stays in the dead-letter queue.

use serde_json::json;

use super::Ctx;
use crate::engine::move_tasks::decode_handle;
use crate::engine::Engine;
use crate::error::SqsError;
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
        let moved = engine.cancel_move_task(&self.task_id, &self.source_arn)?;
        Ok(Outcome::from_json(
            json!({ "ApproximateNumberOfMessagesMoved": moved }),
        ))
    }
}
