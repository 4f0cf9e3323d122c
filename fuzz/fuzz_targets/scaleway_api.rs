//! Scaleway's management API (`/mnq/v1beta1/regions/...`) and the SQS endpoint it
//! governs, in process, in the Scaleway dialect: the same script as `request`, the
//! same checks, and JSON objects from the management API.
#![no_main]

use fake_sqs_fuzz::{on_server_stack, run, script};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let script = script::for_target("scaleway_api", data).expect("a known target");
    on_server_stack(move || run(&script));
});
