//! ChangeMessageVisibility.

use super::batch::visibility_timeout;
use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct ChangeMessageVisibility {
    url: String,
    handle: String,
    timeout: i64,
}

impl ChangeMessageVisibility {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(ChangeMessageVisibility {
            url: p.str("QueueUrl")?,
            handle: p.str("ReceiptHandle")?,
            timeout: visibility_timeout(p)?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        engine.change_visibility(&target, &self.handle, self.timeout)?;
        Ok(Outcome::Empty)
    }
}
