//! ListQueues: queue URLs in name order, by prefix, a page at a time.

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
        let page = engine.list_queues(
            &ctx.caller,
            &self.prefix,
            self.paging.after.as_deref(),
            self.paging.limit(),
        );
        let mut out = Map::new();
        if !page.queues.is_empty() {
            let urls: Vec<Value> = page
                .queues
                .iter()
                .map(|(_, path)| json!(ctx.queue_url(path)))
                .collect();
            out.insert("QueueUrls".into(), Value::Array(urls));
        }
        let last = page.queues.last().map(|(name, _)| name.as_str());
        self.paging.add_next_token(page.more, last, &mut out);
        Ok(Outcome::Result(out))
    }
}
