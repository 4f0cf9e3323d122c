//! TaskHandle decoding: any text is either not a handle, or names a task and source
//! that encode to a handle naming the same task and source.
#![no_main]

use fake_sqs::fuzzing::{decode_task_handle, encode_task_handle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: fake_sqs_fuzz::init(), |data: &[u8]| {
    let Ok(handle) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((id, source)) = decode_task_handle(handle) {
        let again = encode_task_handle(&id, &source);
        assert_eq!(decode_task_handle(&again), Some((id, source)));
    }
});
