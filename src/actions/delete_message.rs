//! DeleteMessage, and the per-handle rule DeleteMessageBatch shares.

use super::Ctx;
use crate::engine::queue::Queue;
use crate::engine::receipt::Receipt;
use crate::engine::store::HandleState;
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

/// `Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`
pub(crate) fn expired(handle: &str) -> SqsError {
    SqsError::invalid_value("ReceiptHandle", handle, "The receipt handle has expired.")
}

/// Deletes the message a handle names, as AWS does:
/// - a message that is already gone: success, nothing to do;
/// - the latest handle: deleted, even on a standard queue whose timeout ran out;
/// - an older handle on a standard queue: success, but the message stays (AWS: "the
///   request succeeds, but the message might not be deleted");
/// - on a FIFO queue, a handle whose visibility ran out is expired.
pub(crate) fn delete_one(queue: &mut Queue, handle: &str) -> Result<(), SqsError> {
    let receipt = receipt_for(queue, handle)?;
    match queue.store.handle_state(receipt.key, receipt.nonce) {
        HandleState::Gone => Ok(()),
        HandleState::Current => {
            queue.store.remove(receipt.key);
            Ok(())
        }
        HandleState::Expired | HandleState::Stale if queue.is_fifo() => Err(expired(handle)),
        HandleState::Expired => {
            queue.store.remove(receipt.key);
            Ok(())
        }
        HandleState::Stale => Ok(()),
    }
}

impl DeleteMessage {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(DeleteMessage {
            url: p.str("QueueUrl")?,
            handle: p.str("ReceiptHandle")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
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
