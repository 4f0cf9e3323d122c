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
        let tags = engine.queue_tags(&target)?;
        let mut out = Map::new();
        if !tags.is_empty() {
            let tags = tags.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
            out.insert("Tags".into(), Value::Object(tags));
        }
        Ok(Outcome::Result(out))
    }
}
