//! ChangeMessageVisibility, and the per-handle rule its batch form shares.

use super::delete_message::receipt_for;
use super::Ctx;
use crate::dialect::{scaleway, Dialect};
use crate::engine::queue::Queue;
use crate::engine::store::HandleState;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct ChangeMessageVisibility {
    url: String,
    handle: String,
    timeout: i64,
}

/// Checks a VisibilityTimeout parameter.
pub(crate) fn parse_timeout(p: &Params) -> Result<i64, SqsError> {
    p.opt_int_in(
        "VisibilityTimeout",
        0..=43_200,
        "Must be >= 0 and <= 43200, if provided.",
    )?
    .ok_or_else(|| SqsError::missing("VisibilityTimeout"))
}

/// Changes the visibility of the message a handle names, counted from `now` (the rule:
/// [`Queue::change_visibility_by_receipt`]).
pub(crate) fn change_one(
    queue: &mut Queue,
    handle: &str,
    timeout: i64,
    now: u64,
    dialect: Dialect,
) -> Result<(), SqsError> {
    let receipt = receipt_for(queue, handle)?;
    // Scaleway's timeout rule concerns messages that exist; a gone one is just gone.
    if dialect == Dialect::Scaleway
        && queue.store.handle_state(receipt.key, receipt.nonce) != HandleState::Gone
    {
        scaleway::check_visibility_change(timeout, queue.attributes.visibility_timeout)?;
    }
    queue.change_visibility_by_receipt(receipt, handle, timeout, now)
}

impl ChangeMessageVisibility {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(ChangeMessageVisibility {
            url: p.str("QueueUrl")?,
            handle: p.str("ReceiptHandle")?,
            timeout: parse_timeout(p)?,
        })
    }

    pub(crate) fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        change_one(
            queue,
            &self.handle,
            self.timeout,
            now,
            engine.config().dialect,
        )?;
        let waiters = queue.waiters.clone();
        drop(state);
        // A timeout of 0 makes the message visible now: long polls may take it.
        if self.timeout == 0 {
            waiters.notify_waiters();
        }
        Ok(Outcome::Empty)
    }
}
