//! TagQueue: adds tags, overwriting values of keys that exist.

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct TagQueue {
    url: String,
    tags: Vec<(String, String)>,
}

use crate::limits::{MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE};

/// Keys of 1 to 128 characters, values of at most 256.
pub(crate) fn validate_tags(tags: &[(String, String)]) -> Result<(), SqsError> {
    for (key, value) in tags {
        if key.is_empty() || key.chars().count() > MAX_TAG_KEY {
            return Err(SqsError::invalid_value(
                "Tag key",
                key,
                "Tag keys must be between 1 and 128 characters in length.",
            ));
        }
        if value.chars().count() > MAX_TAG_VALUE {
            return Err(SqsError::invalid_value(
                "Tag value",
                value,
                "Tag values may only be up to 256 characters in length.",
            ));
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(SqsError::invalid_parameter(format!(
            "Too many tags added for queue. A queue can have at most {MAX_TAGS} tags."
        )));
    }
    Ok(())
}

impl TagQueue {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let tags = p.str_map("Tags")?;
        if tags.is_empty() {
            return Err(SqsError::missing("Tags"));
        }
        Ok(TagQueue { url, tags })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        validate_tags(&self.tags)?;
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        let mut merged = queue.tags.clone();
        merged.extend(self.tags);
        if merged.len() > MAX_TAGS {
            return Err(SqsError::invalid_parameter(format!(
                "Too many tags added for queue {}. A queue can have at most {MAX_TAGS} tags.",
                queue.name
            )));
        }
        queue.tags = merged;
        Ok(Outcome::Empty)
    }
}
