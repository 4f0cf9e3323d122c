//! Operations on queues as a whole: create, find, list, delete, purge, attributes,
//! tags and the permission policy.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use super::attributes::{QueueAttributes, ALL_NAMES};
use super::queue::{check_name, Queue};
use super::quotas::check_queue_count;
use super::redrive_policy::check_target;
use super::{policy, Caller, Engine, QueueRef, State};
use crate::error::{ErrorCode, SqsError};
use crate::limits::{
    DELETED_NAME_COOLDOWN_MS, MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE, PURGE_COOLDOWN_MS,
};

/// What a tag may contain (the SQS Developer Guide, "Quotas related to queues"): Unicode
/// letters and digits, white space, and `_ . : / = + - @`.
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

const TAG_CHARACTERS: &str =
    "Tag keys and values may only contain Unicode letters, digits, white space, and _ . : / = + - @.";

/// Keys of 1 to 128 characters, values of at most 256, both of [`is_tag_char`]; at most
/// 50 of them.
fn validate_tags(tags: &[(String, String)]) -> Result<(), SqsError> {
    for (key, value) in tags {
        if key.is_empty() || key.chars().count() > MAX_TAG_KEY {
            return Err(SqsError::invalid_value(
                "Tag key",
                key,
                "Tag keys must be between 1 and 128 characters in length.",
            ));
        }
        if !key.chars().all(is_tag_char) {
            return Err(SqsError::invalid_value("Tag key", key, TAG_CHARACTERS));
        }
        if value.chars().count() > MAX_TAG_VALUE {
            return Err(SqsError::invalid_value(
                "Tag value",
                value,
                "Tag values may only be up to 256 characters in length.",
            ));
        }
        if !value.chars().all(is_tag_char) {
            return Err(SqsError::invalid_value("Tag value", value, TAG_CHARACTERS));
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(SqsError::invalid_parameter(format!(
            "Too many tags added for queue. A queue can have at most {MAX_TAGS} tags."
        )));
    }
    Ok(())
}

/// What [`Engine::check_queue_settings`] found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Setting {
    Name,
    Attribute(String),
    Tag(String),
    /// The tags together (too many).
    Tags,
}

/// A queue as a request names it: by URL (or name), or by ARN (move tasks).
pub(crate) enum QueueTarget {
    Ref(QueueRef),
    Arn(String),
}

/// One page of queues, in name order.
pub(crate) struct Page {
    /// The queues' URL paths, with the name of each.
    pub queues: Vec<(String, String)>,
    /// More queues follow the page.
    pub more: bool,
}

impl Engine {
    /// CreateQueue: a new queue of `owner`, or the existing one when the attributes asked
    /// for match its current ones; the queue's URL path.
    pub(crate) fn create_queue(
        &self,
        owner: &Caller,
        name: &str,
        attributes: &[(String, String)],
        tags: Vec<(String, String)>,
    ) -> Result<String, SqsError> {
        let now = self.now();
        let mut state = self.lock();
        self.create_queue_in(&mut state, now, owner, name, attributes, tags)
    }

    /// [`Engine::create_queue`] on state already locked.
    pub(crate) fn create_queue_in(
        &self,
        state: &mut State,
        now: u64,
        owner: &Caller,
        name: &str,
        attributes: &[(String, String)],
        tags: Vec<(String, String)>,
    ) -> Result<String, SqsError> {
        let fifo = attributes
            .iter()
            .any(|(k, v)| k == "FifoQueue" && v.eq_ignore_ascii_case("true"));
        check_name(name, fifo)?;
        validate_tags(&tags)?;
        let config = self.config();
        let (limits, rules) = (config.limits, config.rules);
        let id = state.next_queue_id();
        let tracking = state.tracking();
        let path = self.queue_path(&owner.account, id, name);
        let region = state.region_mut(owner);
        if let Some(existing) = region.queues.get(name) {
            return match existing.attributes.first_difference(attributes, limits)? {
                None => Ok(existing.path.clone()),
                Some(attribute) => Err(SqsError::new(
                    ErrorCode::QueueNameExists,
                    format!("A queue already exists with the same name and a different value for attribute {attribute}"),
                )),
            };
        }
        if config.deleted_queue_cooldown {
            if let Some(deleted) = region.deleted_at.get(name) {
                if now < deleted + DELETED_NAME_COOLDOWN_MS {
                    return Err(SqsError::new(
                        ErrorCode::QueueDeletedRecently,
                        "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
                    ));
                }
            }
        }
        check_queue_count(rules.quotas, region.queues.len())?;
        let mut queue_attributes = QueueAttributes::defaults(fifo, limits);
        queue_attributes.apply(attributes, limits)?;
        let (mut store, fifo_state) = Queue::new_store(
            fifo,
            queue_attributes.deduplication_scope == "messageGroup",
            rules.fifo_in_flight.limit(fifo, config.in_flight_limit),
        );
        store.set_one_per_group(rules.one_message_per_group);
        let arn = rules.arn.of(&owner.region, &owner.account, name);
        if let Some(policy) = &queue_attributes.redrive_policy {
            check_target(policy, &arn, fifo, owner, |name| {
                region.queues.get(name).map(Queue::as_target)
            })?;
        }
        region.deleted_at.remove(name);
        let mut queue = Queue {
            id,
            name: name.to_owned(),
            path: path.clone(),
            arn,
            attributes: queue_attributes,
            created_at: now,
            modified_at: now,
            tags: tags.into_iter().collect::<BTreeMap<_, _>>(),
            last_purge_at: None,
            store,
            fifo: fifo_state,
            waiters: Arc::default(),
            changed: false,
        };
        if tracking {
            queue.track_changes();
        }
        region.queues.insert(name.to_owned(), queue);
        Ok(path)
    }

    /// Whether CreateQueue would take these attributes for a queue of this kind (FIFO
    /// or not) and these tags, checked one by one and without a queue: the error of
    /// the first that it would refuse, for a caller that wants to say which it is.
    pub(crate) fn check_queue_settings(
        &self,
        name: &str,
        fifo: bool,
        attributes: &[(String, String)],
        tags: &[(String, String)],
    ) -> Result<(), (Setting, SqsError)> {
        check_name(name, fifo).map_err(|e| (Setting::Name, e))?;
        let limits = self.config().limits;
        for (key, value) in attributes {
            let pair = [(key.clone(), value.clone())];
            QueueAttributes::defaults(fifo, limits)
                .apply(&pair, limits)
                .map_err(|e| (Setting::Attribute(key.clone()), e))?;
        }
        for (key, value) in tags {
            validate_tags(&[(key.clone(), value.clone())])
                .map_err(|e| (Setting::Tag(key.clone()), e))?;
        }
        validate_tags(tags).map_err(|e| (Setting::Tags, e))
    }

    /// GetQueueUrl: the URL path of queue `name` of `owner`.
    pub(crate) fn queue_path_of(&self, owner: &Caller, name: &str) -> Result<String, SqsError> {
        let state = self.lock();
        state
            .region(owner)
            .and_then(|r| r.queues.get(name))
            .map(|q| q.path.clone())
            .ok_or_else(SqsError::queue_does_not_exist)
    }

    /// The ARN and `Policy` of the queue `target` names (by URL, or by ARN when
    /// `by_arn`), for deciding who may act on it; `None` when there is no such queue or
    /// it has no policy (most queues: nothing is copied for them).
    pub(crate) fn access_facts(&self, target: &QueueTarget) -> Option<(String, String)> {
        let state = self.lock();
        let queue = match target {
            QueueTarget::Ref(target) => state
                .region(&target.owner)?
                .queues
                .get(&target.name)
                .filter(|q| target.incarnation.is_none_or(|id| id == q.id))?,
            QueueTarget::Arn(arn) => state.queue_by_arn(arn)?,
        };
        let policy = queue.attributes.policy.as_ref()?;
        Some((queue.arn.clone(), policy.clone()))
    }

    /// ListQueues: up to `limit` queues of `owner` whose names start with `prefix`,
    /// after the name `after`, in name order.
    pub(crate) fn list_queues(
        &self,
        owner: &Caller,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Page {
        let state = self.lock();
        let Some(region) = state.region(owner) else {
            return Page {
                queues: Vec::new(),
                more: false,
            };
        };
        // Names with a prefix are one contiguous run in name order: start at the prefix
        // (or after the page token, if that is further) and stop at the first name
        // without it, so that a prefix costs O(log n + page), not a walk of every queue.
        let start = match after {
            Some(a) if a >= prefix => Bound::Excluded(a),
            _ => Bound::Included(prefix),
        };
        let mut matching = region
            .queues
            .range::<str, _>((start, Bound::Unbounded))
            .take_while(|(name, _)| name.starts_with(prefix))
            .map(|(name, q)| (name.clone(), q.path.clone()));
        let queues: Vec<_> = matching.by_ref().take(limit).collect();
        let more = matching.next().is_some();
        Page { queues, more }
    }

    /// DeleteQueue: the queue and its messages go at once; its name stays taken for
    /// 60 s; its move tasks go with it. Long polls on it answer at once.
    pub(crate) fn delete_queue(&self, target: &QueueRef) -> Result<(), SqsError> {
        let now = self.now();
        let mut state = self.lock();
        let queue = state.remove_queue(target, now)?;
        drop(state);
        queue.waiters.notify_waiters();
        Ok(())
    }

    /// GetQueueAttributes: the attributes named (or `All`) that this queue shows, in
    /// the order the fake answers `All`. Names the provider does not show are unknown.
    pub(crate) fn queue_attributes(
        &self,
        target: &QueueRef,
        names: &[String],
    ) -> Result<Vec<(&'static str, String)>, SqsError> {
        let shown = self.rules().shown_attributes;
        self.on_queue(target, |queue, _| {
            if let Some(shown) = shown {
                if let Some(hidden) = names
                    .iter()
                    .find(|n| *n != "All" && !shown.contains(&n.as_str()))
                {
                    return Err(SqsError::unknown_attribute(hidden));
                }
            }
            let all = names.iter().any(|n| n == "All");
            Ok(ALL_NAMES
                .iter()
                .copied()
                .filter(|n| match all {
                    true => shown.is_none_or(|s| s.contains(n)),
                    false => names.iter().any(|w| w == n),
                })
                .filter_map(|n| queue.attribute(n).map(|v| (n, v)))
                .collect())
        })
    }

    /// SetQueueAttributes: validated as a whole; nothing changes unless all of it is
    /// valid. A new RedrivePolicy must name a dead-letter queue that accepts this one.
    pub(crate) fn set_queue_attributes(
        &self,
        target: &QueueRef,
        pairs: &[(String, String)],
    ) -> Result<(), SqsError> {
        let limits = self.config().limits;
        self.on_queue_in_state(target, |state, now| {
            let queue = state.queue_mut(target, now)?;
            let mut updated = queue.attributes.clone();
            updated.apply(pairs, limits)?;
            let changes_redrive = pairs.iter().any(|(k, _)| k == "RedrivePolicy");
            if let Some(policy) = updated.redrive_policy.as_ref().filter(|_| changes_redrive) {
                let (arn, fifo) = (queue.arn.clone(), queue.is_fifo());
                let region = state.region(&target.owner);
                check_target(policy, &arn, fifo, &target.owner, |name| {
                    region
                        .and_then(|r| r.queues.get(name))
                        .map(Queue::as_target)
                })?;
            }
            let queue = state.queue_mut(target, now)?;
            queue.attributes = updated;
            queue.modified_at = now;
            queue.changed = true;
            Ok(())
        })
    }

    /// TagQueue: adds tags, overwriting the values of keys that exist.
    pub(crate) fn tag_queue(
        &self,
        target: &QueueRef,
        tags: Vec<(String, String)>,
    ) -> Result<(), SqsError> {
        validate_tags(&tags)?;
        self.on_queue(target, |queue, _| {
            let mut merged = queue.tags.clone();
            merged.extend(tags);
            if merged.len() > MAX_TAGS {
                return Err(SqsError::invalid_parameter(format!(
                    "Too many tags added for queue {}. A queue can have at most {MAX_TAGS} tags.",
                    queue.name
                )));
            }
            queue.tags = merged;
            queue.changed = true;
            Ok(())
        })
    }

    /// UntagQueue: removes tags by key; keys that are not there are ignored.
    pub(crate) fn untag_queue(&self, target: &QueueRef, keys: &[String]) -> Result<(), SqsError> {
        self.on_queue(target, |queue, _| {
            for key in keys {
                queue.tags.remove(key);
            }
            queue.changed = true;
            Ok(())
        })
    }

    /// ListQueueTags.
    pub(crate) fn queue_tags(
        &self,
        target: &QueueRef,
    ) -> Result<BTreeMap<String, String>, SqsError> {
        self.on_queue(target, |queue, _| Ok(queue.tags.clone()))
    }

    /// PurgeQueue: every message goes, ready, delayed or in flight, and a FIFO queue
    /// forgets its deduplication ids and receive attempts; once per 60 s (unless the
    /// fake allows repeats).
    pub(crate) fn purge(&self, target: &QueueRef) -> Result<(), SqsError> {
        let cooldown = self.config().purge_cooldown;
        self.on_queue(target, |queue, now| {
            if let Some(last) = queue.last_purge_at {
                if cooldown && now < last + PURGE_COOLDOWN_MS {
                    return Err(SqsError::new(
                        ErrorCode::PurgeQueueInProgress,
                        format!(
                            "Only one PurgeQueue operation on {} is allowed every 60 seconds.",
                            queue.name
                        ),
                    ));
                }
            }
            queue.store.clear();
            if let Some(fifo) = queue.fifo.as_mut() {
                fifo.clear();
            }
            queue.last_purge_at = Some(now);
            queue.changed = true;
            Ok(())
        })
    }

    /// AddPermission: a statement of the queue's Policy granting `actions` to
    /// `accounts` under `label`.
    pub(crate) fn add_permission(
        &self,
        target: &QueueRef,
        label: &str,
        accounts: &[String],
        actions: &[String],
    ) -> Result<(), SqsError> {
        self.on_queue(target, |queue, now| {
            let policy = policy::add(
                queue.attributes.policy.as_deref(),
                &queue.arn,
                label,
                accounts,
                actions,
            )?;
            queue.attributes.policy = Some(policy);
            queue.modified_at = now;
            queue.changed = true;
            Ok(())
        })
    }

    /// RemovePermission: drops the statement `label`; the Policy goes with its last one.
    pub(crate) fn remove_permission(&self, target: &QueueRef, label: &str) -> Result<(), SqsError> {
        self.on_queue(target, |queue, now| {
            queue.attributes.policy = policy::remove(queue.attributes.policy.as_deref(), label)?;
            queue.modified_at = now;
            queue.changed = true;
            Ok(())
        })
    }

    /// ListDeadLetterSourceQueues: up to `limit` queues whose RedrivePolicy names this
    /// one, after the name `after`, in name order.
    pub(crate) fn dead_letter_source_queues(
        &self,
        target: &QueueRef,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page, SqsError> {
        self.on_queue_in_state(target, |state, _| {
            let sources = state.dead_letter_sources(target);
            let mut matching = sources
                .iter()
                .filter(|(name, _)| after.is_none_or(|a| *name > a))
                .map(|(name, q)| (name.to_string(), q.path.clone()));
            let queues: Vec<_> = matching.by_ref().take(limit).collect();
            let more = matching.next().is_some();
            Ok(Page { queues, more })
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::receiving::ReceiveRequest;
    use crate::engine::sending::{NewMessage, Sender};
    use crate::testing::{engine, owner, queue};

    /// A deleted queue's name stays taken for 60 s, and long polls on it answer.
    #[test]
    fn delete_queue_keeps_the_name_for_a_minute() {
        let (engine, clock) = engine();
        let q = queue(&engine, "q", &[]);
        engine.delete_queue(&q).unwrap();
        let owner = owner(&engine);
        let err = engine
            .create_queue(&owner, "q", &[], Vec::new())
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::QueueDeletedRecently);
        assert_eq!(
            engine.delete_queue(&q).unwrap_err().code,
            ErrorCode::QueueDoesNotExist
        );
        clock.advance(Duration::from_secs(60));
        engine.create_queue(&owner, "q", &[], Vec::new()).unwrap();
    }

    /// PurgeQueue empties the queue, and a second purge within 60 s is refused.
    #[tokio::test]
    async fn purge_empties_the_queue_once_a_minute() {
        let (engine, clock) = engine();
        let q = queue(&engine, "q", &[]);
        let sender = Sender {
            id: "me".into(),
            trace_header: None,
        };
        let message = NewMessage {
            body: "m".into(),
            ..NewMessage::default()
        };
        engine.send(&q, message, &sender).unwrap();
        engine.purge(&q).unwrap();
        let request = ReceiveRequest {
            max: 10,
            ..ReceiveRequest::default()
        };
        assert!(engine.receive(&q, &request).await.unwrap().is_empty());
        let err = engine.purge(&q).unwrap_err();
        assert_eq!(err.code, ErrorCode::PurgeQueueInProgress);
        clock.advance(Duration::from_secs(60));
        engine.purge(&q).unwrap();
    }

    /// CreateQueue is idempotent for the same attributes and refuses different ones.
    #[test]
    fn create_queue_compares_the_current_attributes() {
        let (engine, _) = engine();
        let owner = owner(&engine);
        let delay = |v: &str| vec![("DelaySeconds".to_string(), v.to_string())];
        let url = engine
            .create_queue(&owner, "q", &delay("1"), Vec::new())
            .unwrap();
        assert_eq!(
            engine.create_queue(&owner, "q", &[], Vec::new()).unwrap(),
            url
        );
        let err = engine
            .create_queue(&owner, "q", &delay("2"), Vec::new())
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::QueueNameExists);
        let q = engine.queue_ref(&owner, &url);
        engine.set_queue_attributes(&q, &delay("2")).unwrap();
        assert_eq!(
            engine
                .create_queue(&owner, "q", &delay("2"), Vec::new())
                .unwrap(),
            url
        );
    }
}
