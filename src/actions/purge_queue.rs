//! PurgeQueue: every message goes, ready, delayed or in flight; once per 60 s.

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct PurgeQueue {
    url: String,
}

impl PurgeQueue {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(PurgeQueue {
            url: p.str("QueueUrl")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        engine.purge(&target)?;
        Ok(Outcome::Empty)
    }
}
