//! The whole request path, in process: a script of HTTP requests (see `src/script.rs`)
//! against a fresh fake in the dialect it names. Every answer must be a well-formed SQS
//! success or error for its protocol, with an SQS status, never a 5xx (`src/check.rs`).
#![no_main]

use fake_sqs_fuzz::{run, script};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: fake_sqs_fuzz::init(), |data: &[u8]| {
    let script = script::parse(data);
    run(&script);
});
