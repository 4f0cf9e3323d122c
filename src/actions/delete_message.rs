//! DeleteMessage.

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct DeleteMessage {
    url: String,
    handle: String,
}

impl DeleteMessage {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(DeleteMessage {
            url: p.str("QueueUrl")?,
            handle: p.str("ReceiptHandle")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let mut chaos = Vec::new();
        let deleted = engine.delete_noting(&target, &self.handle, &mut chaos);
        ctx.chaos.note(chaos);
        deleted?;
        Ok(Outcome::Empty)
    }
}
