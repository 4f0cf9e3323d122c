//! ListDeadLetterSourceQueues: the queues whose RedrivePolicy names this one, in name
//! order, a page at a time. The answer's list is `queueUrls`, lower-case, as in the API
//! model.

use serde_json::{json, Map, Value};

use super::paging::Paging;
use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct ListDeadLetterSourceQueues {
    url: String,
    paging: Paging,
}

impl ListDeadLetterSourceQueues {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        Ok(ListDeadLetterSourceQueues {
            url,
            paging: Paging::parse(p)?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let mut state = engine.lock();
        state.queue_mut(&target, now)?;
        let limit = self.paging.limit();
        let sources = state.dead_letter_sources(&target);
        let mut matching = sources
            .iter()
            .filter(|(name, _)| self.paging.after.as_deref().is_none_or(|a| *name > a));
        let page: Vec<_> = matching.by_ref().take(limit).collect();
        let more = matching.next().is_some();
        let mut out = Map::new();
        let urls: Vec<Value> = page.iter().map(|(_, q)| json!(q.url)).collect();
        out.insert("queueUrls".into(), Value::Array(urls));
        let last = page.last().map(|(name, _)| *name);
        self.paging.add_next_token(more, last, &mut out);
        Ok(Outcome::Result(out))
    }
}
