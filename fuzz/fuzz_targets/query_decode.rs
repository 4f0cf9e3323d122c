//! The AWS Query decoder (dotted keys into the member tree) and every action's
//! parsing: the input is a form body. Must not panic or overflow a server thread's
//! stack; an error must be a well-formed XML error answer.
#![no_main]

use fake_sqs::fuzzing::decode_query;
use fake_sqs_fuzz::{check, script};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: fake_sqs_fuzz::init(), |data: &[u8]| {
    if let Err(answer) = decode_query(data) {
        let request = script::query_request("/", data);
        if let Err(problem) =
            check::answer("aws", &request, answer.status, &answer.headers, &answer.body)
        {
            panic!("{problem}: {}", String::from_utf8_lossy(&answer.body));
        }
    }
});
