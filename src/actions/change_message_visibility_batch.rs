//! ChangeMessageVisibilityBatch.

use super::batch::{self, BatchResult};
use super::change_message_visibility::{change_one, parse_timeout};
use super::Ctx;
use crate::api::ActionName;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

/// One entry: its receipt handle and new timeout, or why the entry alone fails.
type Entry = Result<(String, i64), SqsError>;

pub(crate) struct ChangeMessageVisibilityBatch {
    url: String,
    entries: Vec<(String, Entry)>,
}

impl ChangeMessageVisibilityBatch {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let entries = batch::entries(p, ActionName::ChangeMessageVisibilityBatch)?
            .into_iter()
            .map(|(id, e)| {
                let entry = e
                    .str("ReceiptHandle")
                    .and_then(|h| Ok((h, parse_timeout(&e)?)));
                (id, entry)
            })
            .collect();
        Ok(ChangeMessageVisibilityBatch { url, entries })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let rules = engine.rules();
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        let mut result = BatchResult::new();
        let mut made_visible = false;
        for (id, entry) in self.entries {
            match entry.and_then(|(h, t)| change_one(queue, &h, t, now, rules).map(|()| t)) {
                Ok(t) => {
                    made_visible |= t == 0;
                    result.ok(&id, Default::default());
                }
                Err(err) => result.failed(&id, &err),
            }
        }
        let waiters = queue.waiters.clone();
        drop(state);
        if made_visible {
            waiters.notify_waiters();
        }
        Ok(result.into_outcome())
    }
}
