//! ChangeMessageVisibility, and the per-handle rule its batch form shares.

use super::delete_message::{expired, receipt_for};
use super::Ctx;
use crate::engine::queue::Queue;
use crate::engine::store::HandleState;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Outcome;
use crate::rules::{Rules, VisibilityChange};

pub(crate) struct ChangeMessageVisibility {
    url: String,
    handle: String,
    timeout: i64,
}

use crate::limits::{MAX_VISIBILITY_MS, VISIBILITY_TIMEOUT};

/// Checks a VisibilityTimeout parameter.
pub(crate) fn parse_timeout(p: &Params) -> Result<i64, SqsError> {
    p.opt_int_in(
        "VisibilityTimeout",
        VISIBILITY_TIMEOUT,
        "Must be >= 0 and <= 43200, if provided.",
    )?
    .ok_or_else(|| SqsError::missing("VisibilityTimeout"))
}

/// Changes the visibility of the message a handle names, counted from `now`.
pub(crate) fn change_one(
    queue: &mut Queue,
    handle: &str,
    timeout: i64,
    now: u64,
    rules: &Rules,
) -> Result<(), SqsError> {
    let receipt = receipt_for(queue, handle)?;
    let until = now + timeout as u64 * 1000;
    let not_available = || {
        SqsError::invalid_value(
            "ReceiptHandle",
            handle,
            "Message does not exist or is not available for visibility timeout change.",
        )
    };
    let state = queue.store.handle_state(receipt.key, receipt.nonce);
    // A provider's own timeout rule concerns messages that exist; a gone one is just
    // gone.
    if rules.visibility_change == VisibilityChange::ZeroOrQueueTimeout
        && state != HandleState::Gone
    {
        let queue_timeout = queue.attributes.visibility_timeout;
        if timeout != 0 && timeout != i64::from(queue_timeout) {
            return Err(SqsError::invalid_value(
                "VisibilityTimeout",
                timeout,
                &format!(
                    "{} accepts only 0 or the queue's VisibilityTimeout ({queue_timeout}).",
                    rules.provider
                ),
            ));
        }
    }
    match state {
        HandleState::Gone => Err(not_available()),
        HandleState::Current => {
            let received_at = queue.store.received_at(receipt.key).unwrap_or(now);
            if until > received_at + MAX_VISIBILITY_MS {
                return Err(SqsError::invalid_value(
                    "VisibilityTimeout",
                    timeout,
                    "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
                ));
            }
            queue.store.set_in_flight(receipt.key, until, received_at);
            Ok(())
        }
        HandleState::Expired if queue.is_fifo() => Err(expired(handle)),
        // AWS accepts the latest handle of a standard-queue message whose timeout ran
        // out, and hides the message again.
        HandleState::Expired => {
            queue.store.set_in_flight(receipt.key, until, now);
            Ok(())
        }
        HandleState::Stale => match queue.store.received_at(receipt.key) {
            None => Err(SqsError::new(
                ErrorCode::MessageNotInflight,
                "The message referred to isn't in flight.",
            )),
            Some(_) => Err(not_available()),
        },
    }
}

impl ChangeMessageVisibility {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(ChangeMessageVisibility {
            url: p.str("QueueUrl")?,
            handle: p.str("ReceiptHandle")?,
            timeout: parse_timeout(p)?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let now = engine.now();
        let mut state = engine.lock();
        let queue = state.queue_mut(&target, now)?;
        change_one(
            queue,
            &self.handle,
            self.timeout,
            now,
            engine.rules(),
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
