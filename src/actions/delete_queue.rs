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
        engine.delete_queue(&target)?;
        Ok(Outcome::Empty)
    }
}
