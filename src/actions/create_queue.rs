//! CreateQueue: a new queue, or the existing one when the attributes asked for match.

use serde_json::json;

use super::Ctx;
use crate::engine::{queue, Engine};
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct CreateQueue {
    name: String,
    attributes: Vec<(String, String)>,
    tags: Vec<(String, String)>,
}

impl CreateQueue {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(CreateQueue {
            name: queue::name_given(p.opt_str("QueueName")?)?,
            attributes: p.str_map("Attributes")?,
            tags: p.str_map("tags")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let path = engine.create_queue(&ctx.caller, &self.name, &self.attributes, self.tags)?;
        Ok(Outcome::from_json(json!({ "QueueUrl": ctx.queue_url(&path) })))
    }
}
