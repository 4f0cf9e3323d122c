//! UntagQueue: removes tags by key; keys that are not there are ignored, as on AWS.

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct UntagQueue {
    url: String,
    keys: Vec<String>,
}

impl UntagQueue {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let keys = p.str_list("TagKeys")?;
        if keys.is_empty() {
            return Err(SqsError::missing("TagKeys"));
        }
        Ok(UntagQueue { url, keys })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        engine.untag_queue(&target, &self.keys)?;
        Ok(Outcome::Empty)
    }
}
