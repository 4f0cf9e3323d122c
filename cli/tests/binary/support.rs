//! Starting the built binary and stopping it whatever happens.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};

/// The command under test, as cargo built it for this test run.
pub const BINARY: &str = env!("CARGO_BIN_EXE_fake-sqs");

/// A spawned server, killed when dropped: also when an assertion fails first, so that no
/// test leaves a server behind.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `args` on port 0 and reads its endpoint URL from the first line
/// of stdout, as scripts do.
pub fn spawn_binary(args: &[&str]) -> (KillOnDrop, String) {
    spawn_binary_with_env(args, &[])
}

/// [`spawn_binary`] with `FAKE_SQS_*` (or other) variables set.
pub fn spawn_binary_with_env(args: &[&str], env: &[(&str, &str)]) -> (KillOnDrop, String) {
    let child = Command::new(BINARY)
        .args(["--port", "0"])
        .args(args)
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut server = KillOnDrop(child);
    let stdout = server.0.stdout.take().expect("piped stdout");
    let mut first = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a first line");
    (server, first.trim_end().to_owned())
}

/// A Query POST of `body`, written by hand, for raw sockets.
pub fn post(body: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}
