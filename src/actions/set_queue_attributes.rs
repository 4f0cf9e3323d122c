//! SetQueueAttributes: validated as a whole; nothing changes unless all of it is valid.

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct SetQueueAttributes {
    url: String,
    attributes: Vec<(String, String)>,
}

impl SetQueueAttributes {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        if !p.has("Attributes") {
            return Err(SqsError::missing("Attributes"));
        }
        Ok(SetQueueAttributes {
            url,
            attributes: p.str_map("Attributes")?,
        })
    }

    pub(crate) fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let limits = engine.config().limits;
        let now = engine.now();
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        let mut updated = queue.attributes.clone();
        updated.apply(&self.attributes, limits)?;
        queue.attributes = updated;
        queue.modified_at = now;
        Ok(Outcome::Empty)
    }
}
