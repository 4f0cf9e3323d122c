//! ChangeMessageVisibilityBatch.

use super::batch::{self, visibility_timeout, BatchResult};
use super::Ctx;
use crate::api::ActionName;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

/// One entry: its receipt handle and new timeout, or why the entry alone fails.
type Entry = Result<(String, i64), SqsError>;

pub(crate) struct ChangeMessageVisibilityBatch {
    url: String,
    entries: Vec<(String, Entry)>,
}

impl ChangeMessageVisibilityBatch {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let entries = batch::entries(p, ActionName::ChangeMessageVisibilityBatch)?
            .into_iter()
            .map(|(id, e)| {
                let entry = e
                    .str("ReceiptHandle")
                    .and_then(|h| Ok((h, visibility_timeout(&e)?)));
                (id, entry)
            })
            .collect();
        Ok(ChangeMessageVisibilityBatch { url, entries })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let results = engine.change_visibility_batch(&target, self.entries)?;
        Ok(BatchResult::of_entries(results).into_outcome())
    }
}
