//! GetQueueUrl: the URL of a queue by name, optionally in another account.

use serde_json::json;

use super::Ctx;
use crate::engine::{Caller, Engine};
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct GetQueueUrl {
    name: String,
    owner: Option<String>,
}

impl GetQueueUrl {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(GetQueueUrl {
            name: p.str("QueueName")?,
            owner: p
                .opt_str("QueueOwnerAWSAccountId")?
                .filter(|s| !s.is_empty()),
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let owner = Caller {
            account: self.owner.unwrap_or_else(|| ctx.caller.account.clone()),
            region: ctx.caller.region.clone(),
        };
        let path = engine.queue_path_of(&owner, &self.name)?;
        Ok(Outcome::from_json(json!({ "QueueUrl": ctx.queue_url(&path) })))
    }
}
