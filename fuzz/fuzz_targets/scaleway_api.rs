//! Scaleway's management API (`/mnq/v1beta1/regions/...`) and the SQS endpoint it
//! governs, in process, in the Scaleway dialect: the same script as `request`, the
//! same checks, and JSON objects from the management API.
#![no_main]

use fake_sqs_fuzz::{run, script};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: fake_sqs_fuzz::init(), |data: &[u8]| {
    let script = script::for_target("scaleway_api", data).expect("a known target");
    run(&script);
});
