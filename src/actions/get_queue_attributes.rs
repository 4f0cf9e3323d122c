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
        let now = engine.now();
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        let shown = engine.rules().shown_attributes;
        if let Some(shown) = shown {
            if let Some(hidden) = self
                .names
                .iter()
                .find(|n| *n != "All" && !shown.contains(&n.as_str()))
            {
                return Err(SqsError::unknown_attribute(hidden));
            }
        }
        let wanted: Vec<&str> = if self.names.iter().any(|n| n == "All") {
            ALL_NAMES
                .iter()
                .copied()
                .filter(|n| shown.is_none_or(|s| s.contains(n)))
                .collect()
        } else {
            ALL_NAMES
                .iter()
                .copied()
                .filter(|n| self.names.iter().any(|w| w == n))
                .collect()
        };
        let mut attributes = Map::new();
        for name in wanted {
            if let Some(value) = queue.attribute(name) {
                attributes.insert(name.to_owned(), Value::String(value));
            }
        }
        let mut out = Map::new();
        if !attributes.is_empty() {
            out.insert("Attributes".into(), Value::Object(attributes));
        }
        Ok(Outcome::Result(out))
    }
}
