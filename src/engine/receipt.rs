//! Receipt handles. A handle names its queue, its message and the receive that made it,
//! so a lookup needs no table; the random nonce makes each one unguessable and unique.

use base64::Engine as _;

use crate::error::{ErrorCode, SqsError};

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
