//! RemovePermission: drops the statement a label names from the queue's `Policy`; the
//! attribute goes away with its last statement.

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct RemovePermission {
    url: String,
    label: String,
}

impl RemovePermission {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(RemovePermission {
            url: p.str("QueueUrl")?,
            label: p.str("Label")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        engine.remove_permission(&target, &self.label)?;
        Ok(Outcome::Empty)
    }
}
