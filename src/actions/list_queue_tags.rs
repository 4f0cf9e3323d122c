//! ListQueueTags: the queue's tags; no `Tags` member at all when there are none.

use serde_json::{Map, Value};

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct ListQueueTags {
    url: String,
}

impl ListQueueTags {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(ListQueueTags {
            url: p.str("QueueUrl")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        let mut out = Map::new();
        if !queue.tags.is_empty() {
            let tags = queue
                .tags
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            out.insert("Tags".into(), Value::Object(tags));
        }
        Ok(Outcome::Result(out))
    }
}
