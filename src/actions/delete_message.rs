//! DeleteMessage, and the per-handle rule DeleteMessageBatch shares.

use super::Ctx;
use crate::engine::queue::Queue;
use crate::engine::receipt::Receipt;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct DeleteMessage {
    url: String,
    handle: String,
}

/// Reads a handle and checks that it belongs to `queue`.
pub(crate) fn receipt_for(queue: &Queue, handle: &str) -> Result<Receipt, SqsError> {
    let receipt = Receipt::decode(handle)?;
    if receipt.queue_id != queue.id {
        return Err(SqsError::new(
            ErrorCode::ReceiptHandleIsInvalid,
            format!("The input receipt handle \"{handle}\" is not a valid receipt handle."),
        ));
    }
    Ok(receipt)
}

/// Deletes the message a handle names (the rule: [`Queue::delete_by_receipt`]).
pub(crate) fn delete_one(queue: &mut Queue, handle: &str) -> Result<(), SqsError> {
    let receipt = receipt_for(queue, handle)?;
    queue.delete_by_receipt(receipt, handle)
}

impl DeleteMessage {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(DeleteMessage {
            url: p.str("QueueUrl")?,
            handle: p.str("ReceiptHandle")?,
        })
    }

    pub(crate) fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        delete_one(queue, &self.handle)?;
        // On a FIFO queue a delete can unblock the rest of a group: wake long polls.
        if queue.is_fifo() {
            let waiters = queue.waiters.clone();
            drop(state);
            waiters.notify_waiters();
        }
        Ok(Outcome::Empty)
    }
}
