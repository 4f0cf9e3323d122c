//! DeleteQueue: the queue and its messages go at once; its name stays taken for 60 s.

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct DeleteQueue {
    url: String,
}

impl DeleteQueue {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(DeleteQueue {
            url: p.str("QueueUrl")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let mut state = engine.lock();
        let region = state.region_mut(&target.owner);
        let queue = region
            .queues
            .remove(&target.name)
            .ok_or_else(SqsError::queue_does_not_exist)?;
        region.deleted_at.insert(target.name, now);
        // Its tasks go with it; tasks moving messages into it fail at their next step.
        state.move_tasks.forget_source(&queue.arn);
        drop(state);
        // Long polls on the queue find it gone and answer at once instead of waiting.
        queue.waiters.notify_waiters();
        Ok(Outcome::Empty)
    }
}
