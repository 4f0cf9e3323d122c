//! Receipt handle decoding: any text is either refused with `ReceiptHandleIsInvalid`
//! (whose message quotes it) or names a (queue, message, receive) that encodes back to
//! exactly the same text, so no two texts name the same receive.
#![no_main]

use fake_sqs::fuzzing::{decode_receipt_handle, encode_receipt_handle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: fake_sqs_fuzz::init(), |data: &[u8]| {
    let Ok(handle) = std::str::from_utf8(data) else {
        return;
    };
    match decode_receipt_handle(handle) {
        Ok((queue, key, nonce)) => {
            assert_eq!(encode_receipt_handle(queue, key, nonce), handle);
        }
        Err(message) => assert!(message.contains(handle), "{message}"),
    }
});
