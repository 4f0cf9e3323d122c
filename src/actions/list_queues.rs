//! ListQueues: queue URLs in name order, by prefix, a page at a time.

use std::ops::Bound;

use serde_json::{json, Map, Value};

use super::paging::Paging;
use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct ListQueues {
    prefix: String,
    paging: Paging,
}

impl ListQueues {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(ListQueues {
            prefix: p.opt_str("QueueNamePrefix")?.unwrap_or_default(),
            paging: Paging::parse(p)?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let state = engine.lock();
        let Some(region) = state.region(&ctx.caller) else {
            return Ok(Outcome::Result(Map::new()));
        };
        let limit = self.paging.limit();
        // Names with a prefix are one contiguous run in name order: start at the prefix
        // (or after the page token, if that is further) and stop at the first name
        // without it, so that a prefix costs O(log n + page), not a walk of every queue.
        let start = match &self.paging.after {
            Some(a) if a.as_str() >= self.prefix.as_str() => Bound::Excluded(a.as_str()),
            _ => Bound::Included(self.prefix.as_str()),
        };
        let mut matching = region
            .queues
            .range::<str, _>((start, Bound::Unbounded))
            .take_while(|(name, _)| name.starts_with(&self.prefix))
            .map(|(_, q)| q);
        let page: Vec<_> = matching.by_ref().take(limit).collect();
        let more = matching.next().is_some();
        let mut out = Map::new();
        if !page.is_empty() {
            let urls: Vec<Value> = page.iter().map(|q| json!(q.url)).collect();
            out.insert("QueueUrls".into(), Value::Array(urls));
        }
        let last = page.last().map(|q| q.name.as_str());
        self.paging.add_next_token(more, last, &mut out);
        Ok(Outcome::Result(out))
    }
}
