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
        let page = engine.dead_letter_source_queues(
            &target,
            self.paging.after.as_deref(),
            self.paging.limit(),
        )?;
        let mut out = Map::new();
        let urls: Vec<Value> = page
            .queues
            .iter()
            .map(|(_, path)| json!(ctx.queue_url(path)))
            .collect();
        out.insert("queueUrls".into(), Value::Array(urls));
        let last = page.queues.last().map(|(name, _)| name.as_str());
        self.paging.add_next_token(page.more, last, &mut out);
        Ok(Outcome::Result(out))
    }
}
