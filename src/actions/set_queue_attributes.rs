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

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        engine.set_queue_attributes(&target, &self.attributes)?;
        Ok(Outcome::Empty)
    }
}
