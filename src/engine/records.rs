//! What a data directory keeps of the engine's state: the changes since the last save,
//! taken under the state lock ([`Engine::take_changes`]), and the whole state put back
//! at start ([`Engine::restore`]).
//!
//! The engine only says what changed and reads it back; where and how it is written
//! (`crate::durable`) is not its business. Messages are saved one by one, as the store
//! lists them; a queue's settings, counters and FIFO state as one record, whenever
//! anything about the queue changed; what is small and global (queue ids, recently
//! deleted names, issued credentials, move tasks) as one record on every save.
//! Not kept: the receive attempts of FIFO queues (a retried receive after a restart is
//! a new receive), chaos settings, and whatever the clock alone changes (timers that
//! fall due are due again when read back).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::attributes::QueueAttributes;
use super::credentials::{Activation, Credential};
use super::dedup::SavedDedup;
use super::move_tasks::MoveTask;
use super::queue::Queue;
use super::store::{SavedCounters, SavedMessage};
use super::{Caller, Engine, State};

/// A queue's settings and counters, saved whenever anything about the queue changed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SavedQueue {
    pub id: u64,
    pub account: String,
    pub region: String,
    pub name: String,
    pub attributes: QueueAttributes,
    pub created_at: u64,
    pub modified_at: u64,
    pub tags: BTreeMap<String, String>,
    pub last_purge_at: Option<u64>,
    pub counters: SavedCounters,
    pub fifo: Option<SavedFifo>,
}

/// What a FIFO queue keeps beside its messages (its deduplication ids are saved apart).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SavedFifo {
    /// A u128, as a decimal string (JSON numbers do not hold one).
    pub last_sequence: String,
    pub dedup_by_group: bool,
    /// The line of groups that can deliver, front first.
    pub line: Vec<String>,
}

/// What belongs to no one queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Globals {
    pub next_queue_id: u64,
    /// Recently deleted names (AWS keeps a name for 60 s).
    pub deleted: Vec<DeletedName>,
    pub credentials: Vec<Credential>,
    pub activations: Vec<SavedActivation>,
    pub move_tasks: Vec<MoveTask>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DeletedName {
    pub account: String,
    pub region: String,
    pub name: String,
    pub at: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SavedActivation {
    pub project: String,
    pub region: String,
    pub activation: Activation,
}

/// Everything that changed since the last save. Applied in field order: wipe, removed
/// queues, queues, cleared stores, messages, removed messages, deduplication ids.
#[derive(Default)]
pub(crate) struct Changes {
    /// The state was reset: everything saved before goes.
    pub wiped: bool,
    /// Queues deleted, by id, with their messages and ids.
    pub removed: Vec<u64>,
    pub queues: Vec<SavedQueue>,
    /// Queues whose messages were all dropped (PurgeQueue), before `messages`.
    pub cleared: Vec<u64>,
    /// Messages added or changed, by queue id.
    pub messages: Vec<(u64, SavedMessage)>,
    /// Messages gone, as (queue id, key).
    pub gone: Vec<(u64, u64)>,
    /// Queues whose deduplication ids were all forgotten, before `dedup`.
    pub dedup_cleared: Vec<u64>,
    pub dedup: Vec<(u64, SavedDedup)>,
    pub globals: Globals,
}

impl Changes {
    /// Whether anything but the globals (which the writer compares itself) changed.
    pub(crate) fn is_empty(&self) -> bool {
        !self.wiped
            && self.removed.is_empty()
            && self.queues.is_empty()
            && self.cleared.is_empty()
            && self.messages.is_empty()
            && self.gone.is_empty()
            && self.dedup_cleared.is_empty()
            && self.dedup.is_empty()
    }
}

/// The whole state as read back from a data directory.
#[derive(Default)]
pub(crate) struct Saved {
    pub globals: Globals,
    pub queues: Vec<SavedQueue>,
    /// By queue id, each in key order.
    pub messages: BTreeMap<u64, Vec<SavedMessage>>,
    /// By queue id, each in expiry order.
    pub dedup: BTreeMap<u64, Vec<SavedDedup>>,
}

impl Queue {
    fn has_changes(&self) -> bool {
        self.changed
            || self.store.has_changes()
            || self.fifo.as_ref().is_some_and(|f| f.dedup.has_changes())
    }

    fn saved(&self, owner: &Caller) -> SavedQueue {
        SavedQueue {
            id: self.id,
            account: owner.account.clone(),
            region: owner.region.clone(),
            name: self.name.clone(),
            attributes: self.attributes.clone(),
            created_at: self.created_at,
            modified_at: self.modified_at,
            tags: self.tags.clone(),
            last_purge_at: self.last_purge_at,
            counters: self.store.counters(),
            fifo: self.fifo.as_ref().map(|fifo| SavedFifo {
                last_sequence: fifo.last_sequence().to_string(),
                dedup_by_group: fifo.dedup.by_group(),
                line: self.store.line(),
            }),
        }
    }

    /// Moves this queue's listed changes into `changes`.
    fn take_changes(&mut self, owner: &Caller, changes: &mut Changes) {
        changes.queues.push(self.saved(owner));
        self.changed = false;
        let listed = self.store.take_changes();
        if listed.cleared {
            changes.cleared.push(self.id);
        }
        let mut keys = listed.keys;
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            match self.store.saved(key) {
                Some(message) => changes.messages.push((self.id, message)),
                None => changes.gone.push((self.id, key)),
            }
        }
        if let Some(fifo) = self.fifo.as_mut() {
            let (cleared, ids) = fifo.dedup.take_changes();
            if cleared {
                changes.dedup_cleared.push(self.id);
            }
            changes.dedup.extend(ids.into_iter().map(|d| (self.id, d)));
        }
    }
}

impl State {
    fn globals(&self) -> Globals {
        let mut deleted = Vec::new();
        for (owner, region) in &self.regions {
            for (name, at) in &region.deleted_at {
                deleted.push(DeletedName {
                    account: owner.account.clone(),
                    region: owner.region.clone(),
                    name: name.clone(),
                    at: *at,
                });
            }
        }
        // Hash maps iterate in no set order: sorted, equal states save equal records.
        deleted.sort_by(|a, b| {
            (&a.account, &a.region, &a.name).cmp(&(&b.account, &b.region, &b.name))
        });
        let mut activations: Vec<SavedActivation> = self
            .credentials
            .activations
            .iter()
            .map(|((project, region), activation)| SavedActivation {
                project: project.clone(),
                region: region.clone(),
                activation: activation.clone(),
            })
            .collect();
        activations.sort_by(|a, b| (&a.project, &a.region).cmp(&(&b.project, &b.region)));
        Globals {
            next_queue_id: self.next_queue_id,
            deleted,
            credentials: self.credentials.all().cloned().collect(),
            activations,
            move_tasks: self.move_tasks.all().cloned().collect(),
        }
    }
}

impl Engine {
    /// Makes the state list its changes from now on (a new data directory is in use),
    /// before any queue exists.
    pub(crate) fn track_changes(&self) {
        let mut state = self.lock();
        debug_assert!(state.all_queues().next().is_none());
        state.tracking.on = true;
    }

    /// Everything changed since the last call, and the lists started anew.
    pub(crate) fn take_changes(&self) -> Changes {
        let mut state = self.lock();
        let mut changes = Changes {
            wiped: std::mem::take(&mut state.tracking.wiped),
            removed: std::mem::take(&mut state.tracking.removed),
            ..Changes::default()
        };
        for (owner, region) in state.regions.iter_mut() {
            for queue in region.queues.values_mut() {
                if queue.has_changes() {
                    queue.take_changes(owner, &mut changes);
                }
            }
        }
        changes.globals = state.globals();
        changes
    }

    /// Puts back a state read from a data directory, in place of an empty one, and
    /// lists changes from then on. Fails, naming the record, on one that cannot be a
    /// queue of this fake (a data directory written under other settings).
    pub(crate) fn restore(&self, saved: Saved) -> Result<(), String> {
        let now = self.now();
        let config = self.config();
        let rules = config.rules;
        let mut state = self.lock();
        let Saved {
            globals,
            queues,
            mut messages,
            mut dedup,
        } = saved;
        state.next_queue_id = globals.next_queue_id;
        for deleted in globals.deleted {
            let owner = Caller {
                account: deleted.account,
                region: deleted.region,
            };
            state
                .region_mut(&owner)
                .deleted_at
                .insert(deleted.name, deleted.at);
        }
        for credential in globals.credentials {
            state.credentials.insert(credential);
        }
        for saved in globals.activations {
            state
                .credentials
                .activations
                .insert((saved.project, saved.region), saved.activation);
        }
        state.move_tasks.restore(globals.move_tasks);
        for saved in queues {
            let fifo = saved.attributes.fifo;
            if fifo != saved.fifo.is_some() {
                return Err(format!(
                    "queue {} is FIFO in one record and not in another",
                    saved.name
                ));
            }
            let (mut store, mut fifo_state) = Queue::new_store(
                fifo,
                saved.fifo.as_ref().is_some_and(|f| f.dedup_by_group),
                rules.fifo_in_flight.limit(fifo, config.in_flight_limit),
            );
            store.set_one_per_group(rules.one_message_per_group);
            for message in messages.remove(&saved.id).unwrap_or_default() {
                // Keys are handed out below the saved next key: one past it is damage,
                // and would make the store allocate up to it.
                if message.key >= saved.counters.next_key {
                    return Err(format!(
                        "message {} of queue {} is past the queue's next key {}",
                        message.key, saved.name, saved.counters.next_key
                    ));
                }
                store.restore(message);
            }
            let line = saved
                .fifo
                .as_ref()
                .map(|f| f.line.as_slice())
                .unwrap_or_default();
            store.restored(saved.counters, line);
            if let (Some(state), Some(record)) = (fifo_state.as_mut(), saved.fifo.as_ref()) {
                let last = record.last_sequence.parse().map_err(|_| {
                    format!(
                        "queue {}: sequence number {:?}",
                        saved.name, record.last_sequence
                    )
                })?;
                state.restore_sequence(last);
                for id in dedup.remove(&saved.id).unwrap_or_default() {
                    if id.expires_at > now {
                        state.dedup.restore(id);
                    }
                }
            }
            let owner = Caller {
                account: saved.account,
                region: saved.region,
            };
            // The URL path and the ARN follow from the owner and the name under the
            // dialect's rules, which the data directory was written under too.
            let path = self.queue_path(&owner.account, saved.id, &saved.name);
            let arn = rules.arn.of(&owner.region, &owner.account, &saved.name);
            let mut queue = Queue {
                id: saved.id,
                name: saved.name,
                path,
                arn,
                attributes: saved.attributes,
                created_at: saved.created_at,
                modified_at: saved.modified_at,
                tags: saved.tags,
                last_purge_at: saved.last_purge_at,
                store,
                fifo: fifo_state,
                waiters: Default::default(),
                changed: false,
            };
            queue.track_changes();
            // Read back, not changed.
            queue.changed = false;
            state.next_queue_id = state.next_queue_id.max(queue.id);
            state
                .region_mut(&owner)
                .queues
                .insert(queue.name.clone(), queue);
        }
        state.tracking.on = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::attributes::{AttributeLimits, QueueAttributes};
    use crate::engine::content::{Content, Parts};
    use crate::engine::store::Status;

    fn saved_with_key(key: u64, next_key: u64) -> Saved {
        let queue = SavedQueue {
            id: 1,
            account: "000000000000".into(),
            region: "us-east-1".into(),
            name: "jobs".into(),
            attributes: QueueAttributes::defaults(false, AttributeLimits::default()),
            created_at: 0,
            modified_at: 0,
            tags: BTreeMap::new(),
            last_purge_at: None,
            counters: SavedCounters {
                next_key,
                next_timer: 0,
            },
            fifo: None,
        };
        let content = Content::new(&Parts {
            message_id: crate::ids::Uuid::from_bytes([1; 16]),
            body: "x",
            md5_of_body: crate::engine::digest::md5_of_body("x"),
            attributes: &[],
            trace_header: None,
            sender_id: "",
            sent_at: 0,
            group_id: None,
            deduplication_id: None,
            sequence_number: None,
            dead_letter_source_arn: None,
            size: 1,
        });
        let message = SavedMessage {
            key,
            content,
            status: Status::Ready,
            nonce: 0,
            receive_count: 0,
            first_receive_at: 0,
        };
        Saved {
            queues: vec![queue],
            messages: BTreeMap::from([(1, vec![message])]),
            ..Saved::default()
        }
    }

    fn engine() -> Engine {
        let (service, _) = crate::FakeSqs::builder()
            .service("http://127.0.0.1:1".into())
            .expect("a fake");
        service.engine
    }

    #[test]
    fn a_message_past_its_queue_s_next_key_is_damage() {
        let err = engine()
            .restore(saved_with_key(u64::MAX, 3))
            .expect_err("refused");
        assert!(err.contains("past the queue's next key"), "{err}");
        let engine = engine();
        engine
            .restore(saved_with_key(2, 3))
            .expect("a key below the next one");
        assert_eq!(engine.lock().all_queues().count(), 1);
    }
}
