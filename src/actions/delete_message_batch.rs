//! DeleteMessageBatch.

use super::batch::{self, BatchResult};
use super::delete_message::delete_one;
use super::Ctx;
use crate::api::ActionName;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct DeleteMessageBatch {
    url: String,
    entries: Vec<(String, Result<String, SqsError>)>,
}

impl DeleteMessageBatch {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let entries = batch::entries(p, ActionName::DeleteMessageBatch)?
            .into_iter()
            .map(|(id, e)| (id, e.str("ReceiptHandle")))
            .collect();
        Ok(DeleteMessageBatch { url, entries })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        let mut result = BatchResult::new();
        for (id, handle) in self.entries {
            match handle.and_then(|h| delete_one(queue, &h)) {
                Ok(()) => result.ok(&id, Default::default()),
                Err(err) => result.failed(&id, &err),
            }
        }
        // On a FIFO queue a delete can unblock the rest of a group: wake long polls.
        if queue.is_fifo() {
            let waiters = queue.waiters.clone();
            drop(state);
            waiters.notify_waiters();
        }
        Ok(result.into_outcome())
    }
}
