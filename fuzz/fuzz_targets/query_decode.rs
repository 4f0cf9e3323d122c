//! The AWS Query decoder (dotted keys into the member tree) and every action's
//! parsing: the input is a form body. Must not panic or overflow a server thread's
//! stack; an error must be a well-formed XML error answer.
#![no_main]

use fake_sqs::fuzzing::decode_query;
use fake_sqs_fuzz::{check, on_server_stack, script};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let form = data.to_vec();
    on_server_stack(move || {
        if let Err(answer) = decode_query(&form) {
            let request = script::query_request("/", &form);
            if let Err(problem) = check::answer(
                "aws",
                &request,
                answer.status,
                &answer.headers,
                &answer.body,
            ) {
                panic!("{problem}: {}", String::from_utf8_lossy(&answer.body));
            }
        }
    });
});
