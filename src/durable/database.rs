//! The data directory's SQLite database: its tables, reading the whole state back, and
//! writing one save's changes in one transaction.
//!
//! Write-ahead logging with `synchronous = FULL`: a commit returns once its log is
//! synced, so a committed save survives a killed process and a lost machine alike, and
//! a save cut short by a crash is rolled back when the database is next opened.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::engine::content::Content;
use crate::engine::dedup::{Original, SavedDedup};
use crate::engine::records::{Changes, Globals, Saved, SavedQueue};
use crate::engine::store::{SavedMessage, Status};
use crate::ids::Uuid;

/// What the database says of its own format; a data directory whose mark differs was
/// written by another version of the format and is refused rather than misread.
pub(crate) const FORMAT: &str = "fake-sqs data directory, format 1";

/// How long a fake waits for another to let go of the data directory.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The database file in a data directory.
pub(crate) const FILE: &str = "fake-sqs.sqlite3";

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS queues (id INTEGER PRIMARY KEY, record TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS messages (
        queue_id INTEGER NOT NULL,
        key INTEGER NOT NULL,
        content BLOB NOT NULL,
        status INTEGER NOT NULL,
        until INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        timer_order INTEGER NOT NULL,
        nonce INTEGER NOT NULL,
        receive_count INTEGER NOT NULL,
        first_receive_at INTEGER NOT NULL,
        PRIMARY KEY (queue_id, key)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS dedup (
        queue_id INTEGER NOT NULL,
        id TEXT NOT NULL,
        message_id BLOB NOT NULL,
        sequence TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (queue_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS dedup_expiry ON dedup (expires_at);
";

/// An open data directory.
pub(crate) struct Database {
    connection: Connection,
    /// The globals as last written, so that a save writes them only when they changed.
    globals: Option<Globals>,
    clock: Option<String>,
}

/// A data directory that cannot be used, and why.
#[derive(Debug)]
pub(crate) struct Refused {
    pub path: PathBuf,
    pub reason: String,
}

/// What the database holds besides the state: the settings it was written under.
pub(crate) struct Marks {
    /// The dialect (provider) it was written under.
    pub dialect: Option<String>,
    /// The clock as last saved: its mode and its time (epoch milliseconds).
    pub clock: Option<(String, u64)>,
    /// How many times a fake has opened it before this one.
    pub generation: u64,
}

impl Database {
    /// Opens (or creates) the database in `dir`, checks its format, and counts this
    /// opening as a new generation.
    pub(crate) fn open(dir: &Path) -> Result<(Database, Marks), Refused> {
        let path = dir.join(FILE);
        let refused = |reason: String| Refused {
            path: path.clone(),
            reason,
        };
        std::fs::create_dir_all(dir).map_err(|e| Refused {
            path: dir.to_owned(),
            reason: format!("cannot create the data directory: {e}"),
        })?;
        let connection =
            Connection::open(&path).map_err(|e| refused(format!("cannot open: {e}")))?;
        let sql = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => {
                refused("not a fake-sqs data directory: the file is not a SQLite database".into())
            }
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                refused(
                    "in use by another fake-sqs (one data directory serves one fake at a time)"
                        .into(),
                )
            }
            _ => refused(e.to_string()),
        };
        // One fake per directory: the first write takes an exclusive lock that is held
        // until the fake's writer closes the database. A fake that stops as another
        // starts (a restart in one process) is waited for, a few seconds at most.
        connection.busy_timeout(LOCK_WAIT).map_err(sql)?;
        connection
            .pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(sql)?;
        // WAL: a commit appends to the log and syncs it once; FULL: every commit syncs.
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        connection
            .pragma_update(None, "synchronous", "FULL")
            .map_err(sql)?;
        connection.execute_batch(SCHEMA).map_err(sql)?;
        let database = Database {
            connection,
            globals: None,
            clock: None,
        };
        match database.meta("format").map_err(sql)? {
            None => database.set_meta("format", FORMAT).map_err(sql)?,
            Some(format) if format == FORMAT => {}
            Some(format) => {
                return Err(refused(format!(
                    "written by another version of fake-sqs (its format is {format:?}, this version reads {FORMAT:?}); \
                     use a new data directory, or the version that wrote it"
                )))
            }
        }
        let generation = database
            .meta("generation")
            .map_err(sql)?
            .and_then(|g| g.parse::<u64>().ok())
            .unwrap_or(0);
        database
            .set_meta("generation", &(generation + 1).to_string())
            .map_err(sql)?;
        let clock = database.meta("clock").map_err(sql)?.and_then(|c| {
            let (mode, now) = c.split_once(' ')?;
            Some((mode.to_owned(), now.parse().ok()?))
        });
        let marks = Marks {
            dialect: database.meta("dialect").map_err(sql)?,
            clock,
            generation,
        };
        Ok((database, marks))
    }

    fn meta(&self, name: &str) -> rusqlite::Result<Option<String>> {
        self.connection
            .query_row("SELECT value FROM meta WHERE name = ?1", [name], |row| {
                row.get(0)
            })
            .optional()
    }

    pub(crate) fn set_meta(&self, name: &str, value: &str) -> rusqlite::Result<()> {
        self.connection.execute(
            "INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)",
            [name, value],
        )?;
        Ok(())
    }

    /// Whether the database holds a state (a fake has saved into it before).
    pub(crate) fn has_state(&self) -> rusqlite::Result<bool> {
        Ok(self.meta("globals")?.is_some())
    }

    /// The whole state.
    pub(crate) fn load(&mut self) -> Result<Saved, String> {
        let sql = |e: rusqlite::Error| e.to_string();
        let mut saved = Saved::default();
        if let Some(globals) = self.meta("globals").map_err(sql)? {
            saved.globals =
                serde_json::from_str(&globals).map_err(|e| format!("the global record: {e}"))?;
            self.globals = Some(saved.globals.clone());
        }
        self.clock = self.meta("clock").map_err(sql)?;
        let mut queues = self
            .connection
            .prepare("SELECT id, record FROM queues ORDER BY id")
            .map_err(sql)?;
        let rows = queues
            .query_map([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(sql)?;
        for row in rows {
            let (id, record) = row.map_err(sql)?;
            let queue: SavedQueue = serde_json::from_str(&record)
                .map_err(|e| format!("the record of queue {id}: {e}"))?;
            saved.queues.push(queue);
        }
        let mut messages = self
            .connection
            .prepare(
                "SELECT queue_id, key, content, status, until, received_at, timer_order, nonce, \
                 receive_count, first_receive_at FROM messages ORDER BY queue_id, key",
            )
            .map_err(sql)?;
        let mut rows = messages.query([]).map_err(sql)?;
        while let Some(row) = rows.next().map_err(sql)? {
            let queue_id = row.get::<_, i64>(0).map_err(sql)? as u64;
            let key = row.get::<_, i64>(1).map_err(sql)? as u64;
            let bytes: Vec<u8> = row.get(2).map_err(sql)?;
            let damaged = || format!("message {key} of queue {queue_id} is damaged");
            let content = Content::from_bytes(&bytes).ok_or_else(damaged)?;
            let until = row.get::<_, i64>(4).map_err(sql)? as u64;
            let order = row.get::<_, i64>(6).map_err(sql)? as u32;
            let status = match row.get::<_, i64>(3).map_err(sql)? {
                0 => Status::Ready,
                1 => Status::Delayed { until, order },
                2 => Status::InFlight {
                    until,
                    received_at: row.get::<_, i64>(5).map_err(sql)? as u64,
                    order,
                },
                _ => return Err(damaged()),
            };
            saved
                .messages
                .entry(queue_id)
                .or_default()
                .push(SavedMessage {
                    key,
                    content,
                    status,
                    nonce: row.get::<_, i64>(7).map_err(sql)? as u64,
                    receive_count: row.get::<_, i64>(8).map_err(sql)? as u32,
                    first_receive_at: row.get::<_, i64>(9).map_err(sql)? as u64,
                });
        }
        drop(rows);
        drop(messages);
        let mut dedup = self
            .connection
            .prepare("SELECT queue_id, id, message_id, sequence, expires_at FROM dedup ORDER BY expires_at")
            .map_err(sql)?;
        let mut rows = dedup.query([]).map_err(sql)?;
        while let Some(row) = rows.next().map_err(sql)? {
            let queue_id = row.get::<_, i64>(0).map_err(sql)? as u64;
            let id: String = row.get(1).map_err(sql)?;
            let message_id: Vec<u8> = row.get(2).map_err(sql)?;
            let sequence: String = row.get(3).map_err(sql)?;
            let damaged = || format!("deduplication id {id:?} of queue {queue_id} is damaged");
            let message_id: [u8; 16] = message_id.try_into().map_err(|_| damaged())?;
            let sequence_number = sequence.parse().map_err(|_| damaged())?;
            saved.dedup.entry(queue_id).or_default().push(SavedDedup {
                key: id,
                original: Original {
                    message_id: Uuid::from_bytes(message_id),
                    sequence_number,
                },
                expires_at: row.get::<_, i64>(4).map_err(sql)? as u64,
            });
        }
        Ok(saved)
    }

    /// Writes one save in one transaction: `changes`, the clock (`mode now`) if it
    /// moved, and the time before which deduplication ids are forgotten. Returns
    /// whether anything was written.
    pub(crate) fn save(
        &mut self,
        changes: Changes,
        clock: Option<String>,
        now: u64,
    ) -> rusqlite::Result<bool> {
        let globals_changed = self.globals.as_ref() != Some(&changes.globals);
        let clock_changed = clock.is_some() && clock != self.clock;
        if changes.is_empty() && !globals_changed && !clock_changed {
            return Ok(false);
        }
        let transaction = self.connection.transaction()?;
        write(&transaction, &changes, now)?;
        if globals_changed {
            let globals = serde_json::to_string(&changes.globals).expect("globals serialize");
            transaction.execute(
                "INSERT OR REPLACE INTO meta (name, value) VALUES ('globals', ?1)",
                [globals],
            )?;
        }
        if let Some(clock) = clock.as_ref().filter(|_| clock_changed) {
            transaction.execute(
                "INSERT OR REPLACE INTO meta (name, value) VALUES ('clock', ?1)",
                [clock],
            )?;
        }
        transaction.commit()?;
        if globals_changed {
            self.globals = Some(changes.globals);
        }
        if clock_changed {
            self.clock = clock;
        }
        Ok(true)
    }
}

/// The rows of one save, in the order [`Changes`] lists them.
fn write(tx: &Transaction<'_>, changes: &Changes, now: u64) -> rusqlite::Result<()> {
    if changes.wiped {
        tx.execute_batch("DELETE FROM queues; DELETE FROM messages; DELETE FROM dedup;")?;
    }
    for id in &changes.removed {
        let id = *id as i64;
        tx.execute("DELETE FROM queues WHERE id = ?1", [id])?;
        tx.execute("DELETE FROM messages WHERE queue_id = ?1", [id])?;
        tx.execute("DELETE FROM dedup WHERE queue_id = ?1", [id])?;
    }
    {
        let mut put =
            tx.prepare_cached("INSERT OR REPLACE INTO queues (id, record) VALUES (?1, ?2)")?;
        for queue in &changes.queues {
            let record = serde_json::to_string(queue).expect("a queue record serializes");
            put.execute(params![queue.id as i64, record])?;
        }
    }
    for id in &changes.cleared {
        tx.execute("DELETE FROM messages WHERE queue_id = ?1", [*id as i64])?;
    }
    {
        let mut put = tx.prepare_cached(
            "INSERT OR REPLACE INTO messages (queue_id, key, content, status, until, received_at, \
             timer_order, nonce, receive_count, first_receive_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for (queue_id, message) in &changes.messages {
            let (status, until, received_at, order) = match message.status {
                Status::Ready => (0, 0, 0, 0),
                Status::Delayed { until, order } => (1, until, 0, order),
                Status::InFlight {
                    until,
                    received_at,
                    order,
                } => (2, until, received_at, order),
            };
            put.execute(params![
                *queue_id as i64,
                message.key as i64,
                message.content.bytes(),
                status,
                until as i64,
                received_at as i64,
                order,
                message.nonce as i64,
                message.receive_count,
                message.first_receive_at as i64,
            ])?;
        }
    }
    {
        let mut gone =
            tx.prepare_cached("DELETE FROM messages WHERE queue_id = ?1 AND key = ?2")?;
        for (queue_id, key) in &changes.gone {
            gone.execute(params![*queue_id as i64, *key as i64])?;
        }
    }
    for id in &changes.dedup_cleared {
        tx.execute("DELETE FROM dedup WHERE queue_id = ?1", [*id as i64])?;
    }
    {
        let mut put = tx.prepare_cached(
            "INSERT OR REPLACE INTO dedup (queue_id, id, message_id, sequence, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (queue_id, saved) in &changes.dedup {
            put.execute(params![
                *queue_id as i64,
                saved.key,
                saved.original.message_id.as_bytes().as_slice(),
                saved.original.sequence_number.to_string(),
                saved.expires_at as i64,
            ])?;
        }
    }
    tx.execute("DELETE FROM dedup WHERE expires_at <= ?1", [now as i64])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("fake-sqs-db-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_database_of_another_format_is_refused_not_misread() {
        let dir = scratch("format");
        drop(Database::open(&dir).map_err(|r| r.reason).unwrap());
        let connection = Connection::open(dir.join(FILE)).unwrap();
        connection
            .execute(
                "UPDATE meta SET value = 'fake-sqs data directory, format 2' WHERE name = 'format'",
                [],
            )
            .unwrap();
        drop(connection);
        let refused = Database::open(&dir).err().expect("refused");
        assert!(
            refused.reason.contains("another version of fake-sqs"),
            "{}",
            refused.reason
        );
        assert!(refused.reason.contains("format 2"), "{}", refused.reason);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn one_data_directory_serves_one_fake_at_a_time() {
        let dir = scratch("lock");
        let (first, _) = Database::open(&dir).map_err(|r| r.reason).unwrap();
        let started = std::time::Instant::now();
        let refused = Database::open(&dir)
            .err()
            .expect("refused while the first holds it");
        assert!(
            refused.reason.contains("in use by another fake-sqs"),
            "{}",
            refused.reason
        );
        assert!(started.elapsed() >= LOCK_WAIT);
        drop(first);
        assert!(Database::open(&dir).is_ok(), "free once the first closes");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn generations_count_the_openings() {
        let dir = scratch("generation");
        let generations: Vec<u64> = (0..3)
            .map(|_| {
                Database::open(&dir)
                    .map_err(|r| r.reason)
                    .unwrap()
                    .1
                    .generation
            })
            .collect();
        assert_eq!(generations, [0, 1, 2]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
