//! SendMessageBatch: up to 10 messages; each entry succeeds or fails on its own, except
//! for the rules that fail the whole request.

use super::batch::{self, BatchResult};
use super::outgoing::{sent_fields, Mode, Outgoing};
use super::Ctx;
use crate::api::ActionName;
use crate::engine::quotas::check_storage;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct SendMessageBatch {
    url: String,
    /// Each entry's id and message, or the error that entry alone fails with.
    entries: Vec<(String, Result<Outgoing, SqsError>)>,
}

impl SendMessageBatch {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let entries = batch::entries(p, ActionName::SendMessageBatch)?
            .into_iter()
            .map(|(id, entry)| (id, Outgoing::parse(&entry)))
            .collect();
        Ok(SendMessageBatch { url, entries })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let total: usize = self
            .entries
            .iter()
            .filter_map(|(_, m)| m.as_ref().ok())
            .map(Outgoing::batch_size)
            .sum();
        // The total a batch may have, whatever the queue's MaximumMessageSize: the
        // provider's largest message.
        let max_batch_bytes = engine.rules().max_message_size as usize;
        if total > max_batch_bytes {
            return Err(SqsError::new(
                ErrorCode::BatchRequestTooLong,
                format!("Batch requests cannot be longer than {max_batch_bytes} bytes. You have sent {total} bytes."),
            ));
        }
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let quotas = engine.rules().quotas;
        let mut state = engine.lock();
        let mut used = if quotas.is_some() {
            state.stored_bytes(&target.owner)
        } else {
            0
        };
        let queue = state.queue_mut(&target, now)?;
        for (_, message) in &self.entries {
            if let Ok(message) = message {
                message.check_fifo_ids(queue, Mode::Batch, engine.rules())?;
            }
        }
        let mut result = BatchResult::new();
        let mut sent_any = false;
        for (id, message) in self.entries {
            let prepared = message
                .and_then(|m| m.prepare(queue, ctx, now, &mut engine.ids(), Mode::Batch))
                .and_then(|p| {
                    if quotas.is_some() {
                        check_storage(quotas, used, p.message.content.size)?;
                        used += p.message.content.size;
                    }
                    Ok(p)
                });
            match prepared {
                Ok(p) => {
                    let sent = queue.send(p.message, p.ready_at);
                    result.ok(&id, sent_fields(&sent));
                    sent_any |= sent.stored;
                }
                Err(err) => result.failed(&id, &err),
            }
        }
        let waiters = queue.waiters.clone();
        drop(state);
        if sent_any {
            waiters.notify_waiters();
        }
        Ok(result.into_outcome())
    }
}
