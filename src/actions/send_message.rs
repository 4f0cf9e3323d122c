//! SendMessage.

use super::outgoing::{sent_fields, Mode, Outgoing};
use super::Ctx;
use crate::engine::quotas::check_storage;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct SendMessage {
    url: String,
    message: Outgoing,
}

impl SendMessage {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(SendMessage {
            url: p.str("QueueUrl")?,
            message: Outgoing::parse(p)?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let quotas = engine.rules().quotas;
        let mut state = engine.lock();
        let used = if quotas.is_some() {
            state.stored_bytes(&target.owner)
        } else {
            0
        };
        let queue = state.queue_mut(&target, now)?;
        self.message
            .check_fifo_ids(queue, Mode::Single, engine.rules())?;
        let prepared = self
            .message
            .prepare(queue, ctx, now, &mut engine.ids(), Mode::Single)?;
        check_storage(quotas, used, prepared.message.content.size)?;
        let sent = queue.send(prepared.message, prepared.ready_at);
        let waiters = queue.waiters.clone();
        drop(state);
        if sent.stored {
            waiters.notify_waiters();
        }
        Ok(Outcome::Result(sent_fields(&sent)))
    }
}
