//! The thread that saves: woken by requests (or every [`TICK`] for what changed
//! without one, such as the clock moved from the Rust API), it takes every change
//! listed since its last save and writes them in one transaction, then tells the
//! requests that waited.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::database::Database;
use super::saver::{Progress, Saver};
use crate::clock::{Clock, ClockMode};
use crate::engine::Engine;

/// How long a change no request waits for may stay unsaved.
const TICK: Duration = Duration::from_millis(250);

/// Starts the writer. It stops, after a last save, once the saver is gone.
pub(crate) fn spawn(
    mut database: Database,
    engine: Engine,
    saver: Weak<Saver>,
    woken: Receiver<()>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("fake-sqs-data-dir".into())
        .spawn(move || {
            let mut failure: Option<Arc<str>> = None;
            loop {
                let stopping = matches!(woken.recv_timeout(TICK), Err(RecvTimeoutError::Disconnected));
                while woken.try_recv().is_ok() {}
                let Some(saver) = saver.upgrade() else {
                    // The fake is gone: save what is left, answer no one.
                    if failure.is_none() {
                        let _ = save(&mut database, &engine);
                    }
                    return;
                };
                let through = saver.requested();
                if failure.is_none() {
                    if let Err(e) = save(&mut database, &engine) {
                        tracing::error!("the data directory cannot be written: {e}; no change is acknowledged from now on");
                        failure = Some(format!("the data directory cannot be written: {e}").into());
                    }
                }
                saver.report(Progress {
                    saved_through: through,
                    failure: failure.clone(),
                });
                if stopping {
                    return;
                }
            }
        })
        .map(drop)
}

/// One save: the engine's changes, the clock, and the deduplication ids past their time.
pub(crate) fn save(database: &mut Database, engine: &Engine) -> rusqlite::Result<bool> {
    let changes = engine.take_changes();
    let now = engine.now();
    database.save(changes, clock_mark(engine.clock()), now)
}

/// The clock as a data directory keeps it (`paused 1735689600000`), when its time is
/// the fake's own: a clock that follows real time needs none.
pub(crate) fn clock_mark(clock: &Clock) -> Option<String> {
    match clock.mode() {
        ClockMode::System => None,
        ClockMode::Paused(_) => Some(format!("paused {}", clock.now_millis())),
        ClockMode::AutoAdvance(_) => Some(format!("auto_advance {}", clock.now_millis())),
    }
}
