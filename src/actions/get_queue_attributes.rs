//! GetQueueAttributes: `All`, or the names asked for that this queue shows.

use serde_json::{Map, Value};

use super::Ctx;
use crate::engine::attributes::ALL_NAMES;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct GetQueueAttributes {
    url: String,
    names: Vec<String>,
}

impl GetQueueAttributes {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let names = p.str_list("AttributeNames")?;
        for name in &names {
            if name != "All" && !ALL_NAMES.contains(&name.as_str()) {
                return Err(SqsError::unknown_attribute(name));
            }
        }
        Ok(GetQueueAttributes {
            url: p.str("QueueUrl")?,
            names,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let attributes: Map<String, Value> = engine
            .queue_attributes(&target, &self.names)?
            .into_iter()
            .map(|(name, value)| (name.to_owned(), Value::String(value)))
            .collect();
        let mut out = Map::new();
        if !attributes.is_empty() {
            out.insert("Attributes".into(), Value::Object(attributes));
        }
        Ok(Outcome::Result(out))
    }
}
