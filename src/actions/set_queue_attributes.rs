//! SetQueueAttributes: validated as a whole; nothing changes unless all of it is valid.

use super::Ctx;
use crate::engine::redrive::check_target;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct SetQueueAttributes {
    url: String,
    attributes: Vec<(String, String)>,
}

impl SetQueueAttributes {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        if !p.has("Attributes") {
            return Err(SqsError::missing("Attributes"));
        }
        Ok(SetQueueAttributes {
            url,
            attributes: p.str_map("Attributes")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let limits = engine.config().limits;
        let now = engine.now();
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        let mut updated = queue.attributes.clone();
        updated.apply(&self.attributes, limits)?;
        let changes_redrive = self.attributes.iter().any(|(k, _)| k == "RedrivePolicy");
        if let Some(policy) = updated.redrive_policy.as_ref().filter(|_| changes_redrive) {
            let (arn, fifo) = (queue.arn.clone(), queue.is_fifo());
            check_target(
                policy,
                &arn,
                fifo,
                &target.owner,
                state.region(&target.owner),
            )?;
        }
        let queue = state.queue_mut(&target, now)?;
        queue.attributes = updated;
        queue.modified_at = now;
        Ok(Outcome::Empty)
    }
}
