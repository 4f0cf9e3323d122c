//! DeleteMessageBatch.

use super::batch::{self, BatchResult};
use super::Ctx;
use crate::api::ActionName;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct DeleteMessageBatch {
    url: String,
    entries: Vec<(String, Result<String, SqsError>)>,
}

impl DeleteMessageBatch {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let entries = batch::entries(p, ActionName::DeleteMessageBatch)?
            .into_iter()
            .map(|(id, e)| (id, e.str("ReceiptHandle")))
            .collect();
        Ok(DeleteMessageBatch { url, entries })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let mut chaos = Vec::new();
        let results = engine.delete_batch(&target, self.entries, &mut chaos);
        ctx.chaos.note(chaos);
        let results = results?;
        Ok(BatchResult::of_entries(results).into_outcome())
    }
}
