//! Opening a data directory: its format and dialect checked, the clock and ids a
//! restarted fake goes on from, and the saved state put back (or the initial state
//! saved) before the writer starts.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::database::{Database, Marks, Refused};
use super::saver::Saver;
use super::writer;
use crate::config::ConfigError;
use crate::engine::Engine;

/// An opened data directory, before the fake that uses it starts.
pub(crate) struct Opened {
    database: Database,
    marks: Marks,
    dir: std::path::PathBuf,
}

fn refusal(refused: Refused) -> ConfigError {
    ConfigError {
        file: Some(refused.path),
        line: None,
        column: None,
        reason: refused.reason,
    }
}

/// Opens the data directory `dir` for a fake of `dialect`; refuses one of another
/// format or another dialect.
pub(crate) fn open(dir: &Path, dialect: &str) -> Result<Opened, ConfigError> {
    let (database, marks) = Database::open(dir).map_err(refusal)?;
    let opened = Opened {
        database,
        marks,
        dir: dir.to_owned(),
    };
    match opened.marks.dialect.as_deref() {
        None => opened
            .database
            .set_meta("dialect", dialect)
            .map_err(|e| opened.refused(e.to_string()))?,
        Some(saved) if saved == dialect => {}
        Some(saved) => {
            return Err(opened.refused(format!(
                "written by a fake of the {saved} dialect; this one is {dialect}"
            )))
        }
    }
    Ok(opened)
}

impl Opened {
    fn refused(&self, reason: String) -> ConfigError {
        refusal(Refused {
            path: self.dir.join(super::database::FILE),
            reason,
        })
    }

    /// The clock's time as last saved, when it was the fake's own (paused or
    /// auto-advancing): a clock of those modes starts there again.
    pub(crate) fn saved_time(&self) -> Option<SystemTime> {
        let (_, millis) = self.marks.clock.as_ref()?;
        Some(UNIX_EPOCH + Duration::from_millis(*millis))
    }

    /// How many fakes opened this data directory before: seeded ids start a
    /// stream of their own in each, so that none repeats an id already stored.
    pub(crate) fn generation(&self) -> u64 {
        self.marks.generation
    }

    /// Puts the saved state into `engine` (or, for a new data directory, lets
    /// `populate` put the initial state in and saves it), then starts the writer.
    pub(crate) fn start(
        mut self,
        engine: &Engine,
        populate: impl FnOnce(&Engine) -> Result<(), ConfigError>,
    ) -> Result<Arc<Saver>, ConfigError> {
        let has_state = self
            .database
            .has_state()
            .map_err(|e| self.refused(e.to_string()))?;
        if has_state {
            let saved = self
                .database
                .load()
                .map_err(|e| self.refused(format!("cannot be read: {e}")))?;
            engine
                .restore(saved)
                .map_err(|e| self.refused(format!("cannot be read: {e}")))?;
            // Queues declared since are created; declared queues that were saved
            // keep what they have.
            let _ = populate(engine);
        } else {
            engine.track_changes();
            populate(engine)?;
        }
        writer::save(&mut self.database, engine)
            .map_err(|e| self.refused(format!("cannot be written: {e}")))?;
        let (saver, woken) = Saver::new();
        let path = self.dir.join(super::database::FILE);
        writer::spawn(self.database, engine.clone(), Arc::downgrade(&saver), woken).map_err(
            |e| {
                refusal(Refused {
                    path,
                    reason: format!("cannot start its writer: {e}"),
                })
            },
        )?;
        Ok(saver)
    }
}
