//! TagQueue: adds tags, overwriting values of keys that exist.

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct TagQueue {
    url: String,
    tags: Vec<(String, String)>,
}

impl TagQueue {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let tags = p.str_map("Tags")?;
        if tags.is_empty() {
            return Err(SqsError::missing("Tags"));
        }
        Ok(TagQueue { url, tags })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        engine.tag_queue(&target, self.tags)?;
        Ok(Outcome::Empty)
    }
}
