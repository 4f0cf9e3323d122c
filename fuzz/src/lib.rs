//! Shared by the fuzz targets: what an input means as HTTP ([`script`]), what every
//! answer must be ([`check`]), a stack as deep as a server thread's ([`init`]), and a
//! script's run against the in-process server ([`run`]).

pub mod check;
pub mod script;

use fake_sqs::fuzzing::Server;
use fake_sqs::Dialect;

use script::{Handles, Script, Step};

/// The stack the fake's code gets in a target: what a server thread of the fake has
/// (Rust's and tokio's default, 2 MiB), so that recursion that would overflow a real
/// server's thread overflows here too, and is found as a crash.
pub const SERVER_STACK: usize = 2 * 1024 * 1024;

/// Every target's `init`: makes the thread the targets run on (libFuzzer's main
/// thread) overflow where a server thread would, and report it as a crash.
///
/// The code runs on libFuzzer's own thread, not a thread of its own, so that the
/// stack-depth feature of the coverage (`-sanitizer-coverage-stack-depth`, read from
/// this thread) leads the fuzzer towards deeper recursion. The main thread's stack
/// grows on demand up to `RLIMIT_STACK`: lowered to [`SERVER_STACK`], it ends where a
/// server thread's does. A signal handler on an alternate stack turns the overflow's
/// SIGSEGV into an abort that libFuzzer reports with the input; without it the process
/// would just die, input unsaved (libFuzzer's SIGSEGV handler would run on the
/// overflowed stack, and Rust's, which prints the overflow, is not installed: libFuzzer
/// owns `main`).
pub fn init() {
    const ALT_STACK: usize = 256 * 1024;
    // Leaked on purpose: the thread lives as long as the process.
    let alt_stack: &'static mut [u8] = Box::leak(vec![0u8; ALT_STACK].into_boxed_slice());
    extern "C" fn on_fault(_: libc::c_int) {
        const MESSAGE: &[u8] =
            b"fake-sqs-fuzz: SIGSEGV, most likely a stack overflow (a server thread has 2 MiB)\n";
        // SAFETY: write(2) and abort(3) are async-signal-safe.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::abort();
        }
    }
    // SAFETY: plain system calls on values that outlive them; the alternate stack stays
    // valid for the life of the process; the handler is async-signal-safe.
    unsafe {
        let limit = libc::rlimit {
            rlim_cur: SERVER_STACK as libc::rlim_t,
            rlim_max: libc::RLIM_INFINITY,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_STACK, &limit), 0, "setrlimit");
        let alt = libc::stack_t {
            ss_sp: alt_stack.as_mut_ptr().cast(),
            ss_flags: 0,
            ss_size: ALT_STACK,
        };
        assert_eq!(
            libc::sigaltstack(&alt, std::ptr::null_mut()),
            0,
            "sigaltstack"
        );
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_fault as extern "C" fn(libc::c_int) as usize;
        action.sa_flags = libc::SA_ONSTACK;
        for signal in [libc::SIGSEGV, libc::SIGBUS] {
            assert_eq!(
                libc::sigaction(signal, &action, std::ptr::null_mut()),
                0,
                "sigaction"
            );
        }
    }
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
    for step in &script.all_steps() {
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
