//! What a receipt handle may do: DeleteMessage and ChangeMessageVisibility, single and
//! batched. The handle's own rules are `receipt.rs`'s; these operations add the queue
//! preamble, the batches and the provider's visibility rule.

use super::chaos::ChaosState;
use super::queue::Queue;
use super::receipt::Receipt;
use super::store::HandleState;
use super::{Engine, Entries, QueueRef};
use crate::chaos::ChaosEvent;
use crate::error::{ErrorCode, SqsError};
use crate::rules::{Rules, VisibilityChange};

/// Reads a handle and checks that it belongs to `queue`.
fn receipt_for(queue: &Queue, handle: &str) -> Result<Receipt, SqsError> {
    let receipt = Receipt::decode(handle)?;
    if receipt.queue_id != queue.id {
        return Err(SqsError::new(
            ErrorCode::ReceiptHandleIsInvalid,
            format!("The input receipt handle \"{handle}\" is not a valid receipt handle."),
        ));
    }
    Ok(receipt)
}

/// Deletes the message a handle names (the rule: [`Queue::delete_by_receipt`]). Under
/// chaos, a handle older than the message's latest may succeed without deleting, as
/// AWS's documentation allows; `events` notes it.
fn delete_one(
    queue: &mut Queue,
    handle: &str,
    chaos: Option<&mut ChaosState>,
    events: &mut Vec<ChaosEvent>,
) -> Result<(), SqsError> {
    let receipt = receipt_for(queue, handle)?;
    if let Some(chaos) = chaos {
        let stale = queue.store.handle_state(receipt.key, receipt.nonce) == HandleState::Stale;
        if stale && chaos.ignores_stale_delete() {
            if let Some(content) = queue.store.get(receipt.key) {
                events.push(ChaosEvent::DeleteIgnored {
                    message_id: content.message_id().to_string(),
                });
            }
            return Ok(());
        }
    }
    queue.delete_by_receipt(receipt, handle)
}

/// Changes the visibility of the message a handle names to `timeout` seconds, counted
/// from `now`, under the provider's visibility rule (the rule of the handle:
/// [`Queue::change_visibility_by_receipt`]).
fn change_one(
    queue: &mut Queue,
    handle: &str,
    timeout: i64,
    now: u64,
    rules: &Rules,
) -> Result<(), SqsError> {
    let receipt = receipt_for(queue, handle)?;
    let state = queue.store.handle_state(receipt.key, receipt.nonce);
    // A provider's own timeout rule concerns messages that exist; a gone one is just
    // gone.
    if rules.visibility_change == VisibilityChange::ZeroOrQueueTimeout && state != HandleState::Gone
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
    queue.change_visibility_by_receipt(receipt, handle, timeout, now)
}

impl Engine {
    /// DeleteMessage. On a FIFO queue a delete can unblock the rest of a group: long
    /// polls wake for it.
    #[cfg(test)]
    pub(crate) fn delete(&self, target: &QueueRef, handle: &str) -> Result<(), SqsError> {
        self.delete_noting(target, handle, &mut Vec::new())
    }

    /// [`Engine::delete`], noting in `events` what chaos did to it.
    pub(crate) fn delete_noting(
        &self,
        target: &QueueRef,
        handle: &str,
        events: &mut Vec<ChaosEvent>,
    ) -> Result<(), SqsError> {
        self.on_queue_with_chaos(target, |queue, chaos, _| {
            delete_one(queue, handle, chaos, events)
        })
    }

    /// DeleteMessageBatch: each entry's handle (or the error it alone fails with);
    /// `events` notes what chaos did.
    pub(crate) fn delete_batch(
        &self,
        target: &QueueRef,
        entries: Entries<String>,
        events: &mut Vec<ChaosEvent>,
    ) -> Result<Entries<()>, SqsError> {
        self.on_queue_with_chaos(target, |queue, mut chaos, _| {
            Ok(entries
                .into_iter()
                .map(|(id, handle)| {
                    let done =
                        handle.and_then(|h| delete_one(queue, &h, chaos.as_deref_mut(), events));
                    (id, done)
                })
                .collect())
        })
    }

    /// ChangeMessageVisibility: `timeout` seconds from now. A timeout of 0 makes the
    /// message receivable at once, and long polls take it.
    pub(crate) fn change_visibility(
        &self,
        target: &QueueRef,
        handle: &str,
        timeout: i64,
    ) -> Result<(), SqsError> {
        let rules = self.rules();
        self.on_queue(target, |queue, now| {
            change_one(queue, handle, timeout, now, rules)
        })
    }

    /// ChangeMessageVisibilityBatch: each entry's handle and timeout (or the error it
    /// alone fails with).
    pub(crate) fn change_visibility_batch(
        &self,
        target: &QueueRef,
        entries: Entries<(String, i64)>,
    ) -> Result<Entries<()>, SqsError> {
        let rules = self.rules();
        self.on_queue(target, |queue, now| {
            Ok(entries
                .into_iter()
                .map(|(id, entry)| {
                    let done = entry.and_then(|(h, t)| change_one(queue, &h, t, now, rules));
                    (id, done)
                })
                .collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::receiving::ReceiveRequest;
    use crate::engine::sending::{NewMessage, Sender};
    use crate::testing::{engine, queue};

    async fn send_and_receive(engine: &Engine, q: &QueueRef) -> String {
        let message = NewMessage {
            body: "m".into(),
            group_id: Some("g".into()),
            deduplication_id: Some("d".into()),
            ..NewMessage::default()
        };
        let sender = Sender {
            id: "me".into(),
            trace_header: None,
        };
        engine.send(q, message, &sender).unwrap();
        let request = ReceiveRequest {
            max: 1,
            ..ReceiveRequest::default()
        };
        let delivered = engine.receive(q, &request).await.unwrap();
        delivered[0].receipt_handle.clone()
    }

    /// Receipt-handle rules: on a standard queue the latest handle deletes even after
    /// its visibility ran out; on a FIFO queue it has expired.
    #[tokio::test]
    async fn delete_with_an_expired_handle_works_on_standard_not_on_fifo() {
        let (engine, clock) = engine();
        let standard = queue(&engine, "q", &[]);
        let fifo = queue(&engine, "q.fifo", &[("FifoQueue", "true")]);
        let standard_handle = send_and_receive(&engine, &standard).await;
        let fifo_handle = send_and_receive(&engine, &fifo).await;
        clock.advance(Duration::from_secs(31));
        engine.delete(&standard, &standard_handle).unwrap();
        let err = engine.delete(&fifo, &fifo_handle).unwrap_err();
        assert!(err.message.ends_with("The receipt handle has expired."));
        // A handle of another queue is not a valid handle here.
        let err = engine.delete(&fifo, &standard_handle).unwrap_err();
        assert_eq!(err.code, ErrorCode::ReceiptHandleIsInvalid);
    }

    /// ChangeMessageVisibility counts from now, and never past 12 hours from the receive.
    #[tokio::test]
    async fn change_visibility_is_bounded_by_twelve_hours_from_the_receive() {
        let (engine, clock) = engine();
        let q = queue(&engine, "q", &[]);
        let handle = send_and_receive(&engine, &q).await;
        clock.advance(Duration::from_secs(10));
        engine.change_visibility(&q, &handle, 43_190).unwrap();
        let err = engine.change_visibility(&q, &handle, 43_191).unwrap_err();
        assert!(err.message.contains("beyond the limit [43200 seconds]"));
        // Visibility 0: receivable at once.
        engine.change_visibility(&q, &handle, 0).unwrap();
        let request = ReceiveRequest {
            max: 1,
            ..ReceiveRequest::default()
        };
        assert_eq!(engine.receive(&q, &request).await.unwrap().len(), 1);
    }
}
