//! The AWS JSON 1.0 decoder and every action's parsing: the first line names the
//! action, the rest is the body. Must not panic; an error must be a JSON error answer.
#![no_main]

use fake_sqs::fuzzing::decode_json;
use fake_sqs_fuzz::{check, script};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: fake_sqs_fuzz::init(), |data: &[u8]| {
    let (action, body) = script::json_decode_input(data);
    if let Err(answer) = decode_json(&action, body) {
        let request = script::json_request(&action, body);
        if let Err(problem) =
            check::answer("aws", &request, answer.status, &answer.headers, &answer.body)
        {
            panic!("{problem}: {}", String::from_utf8_lossy(&answer.body));
        }
    }
});
