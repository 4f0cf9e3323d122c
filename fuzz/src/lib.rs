//! Shared by the fuzz targets: what an input means as HTTP ([`script`]), what every
//! answer must be ([`check`]), and the thread the fake's code runs on ([`on_server_stack`]).

pub mod check;
pub mod script;

use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};

use fake_sqs::fuzzing::Server;
use fake_sqs::Dialect;

use script::{Handles, Script, Step};

/// The stack the fake's code gets in a target: what a server thread of the fake has
/// (Rust's and tokio's default, 2 MiB), so that recursion that would overflow a real
/// server's thread overflows here too, and is found as a crash.
pub const SERVER_STACK: usize = 2 * 1024 * 1024;

type Job = Box<dyn FnOnce() + Send>;

/// Runs `f` on a thread with a [`SERVER_STACK`] stack (libFuzzer's own thread has
/// 8 MiB). One long-lived thread, so that a run costs a channel round trip, not a spawn.
pub fn on_server_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    static WORKER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let worker = WORKER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("fake-sqs-worker".into())
            .stack_size(SERVER_STACK)
            .spawn(move || {
                for job in rx {
                    job();
                }
            })
            .expect("a worker thread");
        Mutex::new(tx)
    });
    let (tx, rx) = mpsc::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    worker
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send(job)
        .expect("the worker thread is alive");
    // A panic on the worker aborts the process (libFuzzer's hook), so an answer comes.
    rx.recv().expect("the worker answered")
}

/// The fake's dialect a script names.
pub fn dialect(name: &str) -> Dialect {
    match name {
        "scaleway" => Dialect::Scaleway,
        "yandex" => Dialect::Yandex,
        _ => Dialect::Aws,
    }
}

/// Runs a script on a fresh in-process server (after [`script::setup`]) and checks
/// every answer. Panics, with the request and the answer, on the first bad one.
pub fn run(script: &Script) {
    let server = Server::new(dialect(script.dialect));
    let mut handles = Handles::default();
    for step in script::setup(script.dialect).iter().chain(&script.steps) {
        match step {
            Step::Advance(secs) => server.advance(std::time::Duration::from_secs((*secs).into())),
            Step::Request(request) => {
                let request = request.with_handles(&handles);
                let Some(answer) = server.request(
                    &request.method,
                    &request.target,
                    &request.headers,
                    &request.body,
                ) else {
                    continue;
                };
                if let Err(problem) = check::answer(
                    script.dialect,
                    &request,
                    answer.status,
                    &answer.headers,
                    &answer.body,
                ) {
                    panic!(
                        "{problem}\n--- request\n{}\n--- answer: {} {:?}\n{}",
                        String::from_utf8_lossy(&script::write(
                            "aws",
                            &[Step::Request(request.clone())]
                        ))
                        .escape_debug(),
                        answer.status,
                        answer.headers,
                        String::from_utf8_lossy(&answer.body).escape_debug()
                    );
                }
                handles.capture(&answer.body);
            }
        }
    }
}
