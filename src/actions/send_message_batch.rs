//! SendMessageBatch: up to 10 messages; each entry succeeds or fails on its own, except
//! for the rules that fail the whole request.

use super::batch::{self, BatchResult};
use super::outgoing::{self, sent_fields};
use super::Ctx;
use crate::api::ActionName;
use crate::engine::sending::NewMessage;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct SendMessageBatch {
    url: String,
    /// Each entry's id and message, or the error that entry alone fails with.
    entries: Vec<(String, Result<NewMessage, SqsError>)>,
}

impl SendMessageBatch {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let entries = batch::entries(p, ActionName::SendMessageBatch)?
            .into_iter()
            .map(|(id, entry)| (id, outgoing::parse(&entry)))
            .collect();
        Ok(SendMessageBatch { url, entries })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let mut result = BatchResult::new();
        for (id, sent) in engine.send_batch(&target, self.entries, &ctx.sender())? {
            match sent {
                Ok(sent) => result.ok(&id, sent_fields(&sent)),
                Err(err) => result.failed(&id, &err),
            }
        }
        Ok(result.into_outcome())
    }
}
