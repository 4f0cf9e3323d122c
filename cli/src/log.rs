//! The command's log output: a line per request to stderr, written in batches.
//!
//! Writing each line with its own `write(2)` cost about as much system CPU as the rest of
//! a SendMessage (benches/README.md, issue 17), so lines go into a shared buffer and a
//! thread of ours writes whatever has gathered every few milliseconds, in one call. A
//! reader of the log sees each line at most [`FLUSH_EVERY`] late; nothing is lost at exit,
//! because [`Log::write_out`] runs before the process ends.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a line may wait in the buffer: short enough that a person tailing the log
/// sees it as it happens.
const FLUSH_EVERY: Duration = Duration::from_millis(20);

/// Past this many bytes a line's writer flushes at once rather than let the buffer grow.
const HIGH_WATER: usize = 1 << 20;

/// The shared buffer, as tracing-subscriber's writer.
#[derive(Clone)]
pub(crate) struct Log {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl Log {
    /// A log whose flushing thread runs for the life of the process.
    pub(crate) fn start() -> Log {
        let log = Log {
            buffer: Arc::new(Mutex::new(Vec::with_capacity(64 * 1024))),
        };
        let flusher = log.clone();
        std::thread::Builder::new()
            .name("fake-sqs-log".into())
            .spawn(move || loop {
                std::thread::sleep(FLUSH_EVERY);
                flusher.write_out();
            })
            .expect("a thread for the log");
        log
    }

    /// Writes what has gathered to stderr.
    pub(crate) fn write_out(&self) {
        let pending = {
            let mut buffer = self.buffer.lock().unwrap_or_else(|p| p.into_inner());
            if buffer.is_empty() {
                return;
            }
            std::mem::replace(&mut *buffer, Vec::with_capacity(64 * 1024))
        };
        let _ = std::io::stderr().lock().write_all(&pending);
    }
}

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let full = {
            let mut buffer = self.buffer.lock().unwrap_or_else(|p| p.into_inner());
            buffer.extend_from_slice(bytes);
            buffer.len() >= HIGH_WATER
        };
        if full {
            self.write_out();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;

    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}
