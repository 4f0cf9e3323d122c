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

/// The format of a log line: `2025-01-01T00:00:00.000000Z  INFO request action=SendMessage
/// protocol=Json status=200 error="" micros=41`, as tracing-subscriber's default writes
/// it without colors, but written directly: the default spent about 9,000 instructions
/// on each request's line, a seventh of the server's work per SendMessage
/// (benches/README.md, issue 17).
pub(crate) struct Line;

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for Line
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        use std::fmt::Write as _;
        let mut line = String::with_capacity(128);
        timestamp(&mut line, std::time::SystemTime::now());
        let _ = write!(line, " {:>5}", event.metadata().level());
        let mut fields = Fields(&mut line);
        event.record(&mut fields);
        line.push('\n');
        writer.write_str(&line)
    }
}

/// Writes an event's fields after its message: `name=value`, strings quoted.
struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        use std::fmt::Write as _;
        if field.name() == "message" {
            self.0.push(' ');
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.0.push(' ');
        self.0.push_str(field.name());
        self.0.push('=');
        self.0.push_str(itoa::Buffer::new().format(value));
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write as _;
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

/// RFC 3339 in UTC with microseconds, as the default format writes times.
fn timestamp(out: &mut String, now: std::time::SystemTime) {
    let since = now
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    let digits = |out: &mut String, n: u64, width: usize| {
        let buffer = &mut itoa::Buffer::new();
        let text = buffer.format(n);
        for _ in text.len()..width {
            out.push('0');
        }
        out.push_str(text);
    };
    digits(out, year as u64, 4);
    out.push('-');
    digits(out, month, 2);
    out.push('-');
    digits(out, day, 2);
    out.push('T');
    digits(out, rest / 3600, 2);
    out.push(':');
    digits(out, rest / 60 % 60, 2);
    out.push(':');
    digits(out, rest % 60, 2);
    out.push('.');
    digits(out, u64::from(since.subsec_micros()), 6);
    out.push('Z');
}

/// The proleptic Gregorian date of a count of days since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u64, u64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    fn at(secs: u64, micros: u32) -> String {
        let mut out = String::new();
        super::timestamp(&mut out, UNIX_EPOCH + Duration::new(secs, micros * 1000));
        out
    }

    #[test]
    fn timestamps_are_rfc_3339_with_microseconds() {
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(at(1_735_689_600, 42), "2025-01-01T00:00:00.000042Z");
        // A leap day, and the last second of a year.
        assert_eq!(at(1_709_208_000, 0), "2024-02-29T12:00:00.000000Z");
        assert_eq!(at(1_767_225_599, 999_999), "2025-12-31T23:59:59.999999Z");
    }
}
