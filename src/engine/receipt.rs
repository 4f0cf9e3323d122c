//! Receipt handles. A handle names its queue, its message and the receive that made it,
//! so a lookup needs no table; the random nonce makes each one unguessable and unique.
//!
//! What a handle still lets a caller do (delete the message, change its visibility) is
//! AWS's rule, kept here as [`Queue::delete_by_receipt`] and
//! [`Queue::change_visibility_by_receipt`]; the facts are in
//! `fixtures/aws/receipt-handles.json`.

use base64::Engine as _;

use super::queue::Queue;
use super::store::HandleState;
use crate::error::{ErrorCode, SqsError};

/// A message may stay invisible at most 12 hours from the receive that made it in flight.
const MAX_VISIBILITY_MS: u64 = 43_200_000;

/// `Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`
fn expired(handle: &str) -> SqsError {
    SqsError::invalid_value("ReceiptHandle", handle, "The receipt handle has expired.")
}

/// The answer to a visibility change whose message is gone (AWS-RECORDED.md row 126).
fn not_available(handle: &str) -> SqsError {
    SqsError::invalid_value(
        "ReceiptHandle",
        handle,
        "Message does not exist or is not available for visibility timeout change.",
    )
}

/// What a receipt handle names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Receipt {
    pub queue_id: u64,
    pub key: u64,
    pub nonce: u64,
}

impl Receipt {
    /// The handle's text: the nonce, then the queue id and message key masked by it,
    /// base64-encoded (so no two handles share a visible prefix).
    pub(crate) fn encode(&self) -> String {
        let mut bytes = [0u8; 24];
        bytes[..8].copy_from_slice(&self.nonce.to_be_bytes());
        bytes[8..16].copy_from_slice(&(self.queue_id ^ self.nonce).to_be_bytes());
        bytes[16..].copy_from_slice(&(self.key ^ self.nonce.rotate_left(17)).to_be_bytes());
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// Reads a handle; anything that is not one of ours is `ReceiptHandleIsInvalid`.
    pub(crate) fn decode(handle: &str) -> Result<Receipt, SqsError> {
        let invalid = || {
            SqsError::new(
                ErrorCode::ReceiptHandleIsInvalid,
                format!("The input receipt handle \"{handle}\" is not a valid receipt handle."),
            )
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(handle)
            .map_err(|_| invalid())?;
        let bytes: [u8; 24] = bytes.try_into().map_err(|_| invalid())?;
        let word = |i: usize| u64::from_be_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        let nonce = word(0);
        if nonce == 0 {
            return Err(invalid());
        }
        Ok(Receipt {
            queue_id: word(8) ^ nonce,
            key: word(16) ^ nonce.rotate_left(17),
            nonce,
        })
    }
}

impl Queue {
    /// Deletes the message `receipt` names, as AWS does (`fixtures/aws/receipt-handles.json`):
    /// - a message that is already gone: success, nothing to do (repeats answer 200);
    /// - a standard queue: any handle ever issued for the message deletes it while it
    ///   exists, from its latest receive or an earlier one, in flight or not;
    /// - a FIFO queue: the latest handle while the message is in flight; a handle whose
    ///   visibility ran out, or that a later receive replaced, has expired.
    pub(crate) fn delete_by_receipt(
        &mut self,
        receipt: Receipt,
        handle: &str,
    ) -> Result<(), SqsError> {
        match self.store.handle_state(receipt.key, receipt.nonce) {
            HandleState::Gone => Ok(()),
            HandleState::Expired | HandleState::Stale if self.is_fifo() => Err(expired(handle)),
            HandleState::Current | HandleState::Expired | HandleState::Stale => {
                self.store.remove(receipt.key);
                Ok(())
            }
        }
    }

    /// Makes the message `receipt` names invisible for `timeout` seconds from `now`, as
    /// AWS does (`fixtures/aws/receipt-handles.json`):
    /// - a message that is gone: "Message does not exist or is not available for
    ///   visibility timeout change";
    /// - a standard queue: any handle ever issued for the message; a message in flight
    ///   stays within 12 hours of the receive that made it so, a visible one goes in
    ///   flight again from now;
    /// - a FIFO queue: the latest handle while in flight; once its visibility ran out it
    ///   has expired, and a handle a later receive replaced is refused.
    pub(crate) fn change_visibility_by_receipt(
        &mut self,
        receipt: Receipt,
        handle: &str,
        timeout: i64,
        now: u64,
    ) -> Result<(), SqsError> {
        let until = now + timeout as u64 * 1000;
        let received_at = self.store.received_at(receipt.key);
        match self.store.handle_state(receipt.key, receipt.nonce) {
            HandleState::Gone => Err(not_available(handle)),
            HandleState::Expired if self.is_fifo() => Err(expired(handle)),
            HandleState::Stale if self.is_fifo() => Err(match received_at {
                None => SqsError::new(
                    ErrorCode::MessageNotInflight,
                    "The message referred to isn't in flight.",
                ),
                Some(_) => not_available(handle),
            }),
            HandleState::Current | HandleState::Expired | HandleState::Stale => {
                let Some(received_at) = received_at else {
                    self.store.set_in_flight(receipt.key, until, now);
                    return Ok(());
                };
                if until > received_at + MAX_VISIBILITY_MS {
                    return Err(SqsError::invalid_value(
                        "VisibilityTimeout",
                        timeout,
                        "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
                    ));
                }
                self.store.set_in_flight(receipt.key, until, received_at);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_round_trip_and_garbage_is_invalid() {
        let r = Receipt {
            queue_id: 3,
            key: 99,
            nonce: 0xdead_beef_1234,
        };
        assert_eq!(Receipt::decode(&r.encode()).unwrap(), r);
        let err = Receipt::decode("garbage").unwrap_err();
        assert_eq!(
            err.message,
            "The input receipt handle \"garbage\" is not a valid receipt handle."
        );
    }
}
