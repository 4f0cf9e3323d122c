//! PurgeQueue: every message goes, ready, delayed or in flight; once per 60 s.

use super::Ctx;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct PurgeQueue {
    url: String,
}

use crate::limits::PURGE_COOLDOWN_MS;

impl PurgeQueue {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(PurgeQueue {
            url: p.str("QueueUrl")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let cooldown = engine.config().purge_cooldown;
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        if let Some(last) = queue.last_purge_at {
            if cooldown && now < last + PURGE_COOLDOWN_MS {
                return Err(SqsError::new(
                    ErrorCode::PurgeQueueInProgress,
                    format!(
                        "Only one PurgeQueue operation on {} is allowed every 60 seconds.",
                        queue.name
                    ),
                ));
            }
        }
        queue.store.clear();
        if let Some(fifo) = queue.fifo.as_mut() {
            fifo.clear();
        }
        queue.last_purge_at = Some(now);
        Ok(Outcome::Empty)
    }
}
