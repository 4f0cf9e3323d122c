//! SendMessage.

use super::outgoing::{self, sent_fields};
use super::Ctx;
use crate::engine::sending::NewMessage;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct SendMessage {
    url: String,
    message: NewMessage,
}

impl SendMessage {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(SendMessage {
            url: p.str("QueueUrl")?,
            message: outgoing::parse(p)?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let sent = engine.send(&target, self.message, &ctx.sender())?;
        Ok(Outcome::Result(sent_fields(&sent)))
    }
}
