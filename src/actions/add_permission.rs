//! AddPermission: grants actions on a queue to accounts, as a statement of the queue's
//! `Policy` (see [`crate::engine::policy`]).

use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct AddPermission {
    url: String,
    label: String,
    accounts: Vec<String>,
    actions: Vec<String>,
}

impl AddPermission {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(AddPermission {
            url: p.str("QueueUrl")?,
            label: p.str("Label")?,
            accounts: p.str_list("AWSAccountIds")?,
            actions: p.str_list("Actions")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        engine.add_permission(&target, &self.label, &self.accounts, &self.actions)?;
        Ok(Outcome::Empty)
    }
}
