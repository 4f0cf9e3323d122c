//! CreateQueue: a new queue, or the existing one when the attributes asked for match.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::json;

use super::Ctx;
use crate::engine::attributes::QueueAttributes;
use crate::engine::queue::Queue;
use crate::engine::quotas::check_queue_count;
use crate::engine::redrive::check_target;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct CreateQueue {
    name: String,
    attributes: Vec<(String, String)>,
    tags: Vec<(String, String)>,
}

use crate::limits::{DELETED_NAME_COOLDOWN_MS, MAX_QUEUE_NAME};

impl CreateQueue {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        Ok(CreateQueue {
            name: p.str("QueueName")?,
            attributes: p.str_map("Attributes")?,
            tags: p.str_map("tags")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let fifo = self
            .attributes
            .iter()
            .any(|(k, v)| k == "FifoQueue" && v.eq_ignore_ascii_case("true"));
        validate_name(&self.name, fifo)?;
        super::tag_queue::validate_tags(&self.tags)?;
        let limits = engine.config().limits;
        let now = engine.now();
        let rules = engine.rules();
        let mut state = engine.lock();
        let id = state.next_queue_id();
        let url = engine.queue_url(&ctx.caller.account, id, &self.name);
        let region = state.region_mut(&ctx.caller);
        if let Some(existing) = region.queues.get(&self.name) {
            return match existing.attributes.first_difference(&self.attributes, limits)? {
                None => Ok(Outcome::from_json(json!({ "QueueUrl": existing.url }))),
                Some(attribute) => Err(SqsError::new(
                    ErrorCode::QueueNameExists,
                    format!("A queue already exists with the same name and a different value for attribute {attribute}"),
                )),
            };
        }
        if engine.config().deleted_queue_cooldown {
            if let Some(deleted) = region.deleted_at.get(&self.name) {
                if now < deleted + DELETED_NAME_COOLDOWN_MS {
                    return Err(SqsError::new(
                        ErrorCode::QueueDeletedRecently,
                        "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
                    ));
                }
            }
        }
        check_queue_count(rules.quotas, region.queues.len())?;
        let mut attributes = QueueAttributes::defaults(fifo, limits);
        attributes.apply(&self.attributes, limits)?;
        let (mut store, fifo_state) = Queue::new_store(
            fifo,
            attributes.deduplication_scope == "messageGroup",
            rules
                .fifo_in_flight
                .limit(fifo, engine.config().in_flight_limit),
        );
        store.set_one_per_group(rules.one_message_per_group);
        let arn = rules
            .arn
            .of(&ctx.caller.region, &ctx.caller.account, &self.name);
        if let Some(policy) = &attributes.redrive_policy {
            check_target(policy, &arn, fifo, &ctx.caller, Some(region))?;
        }
        region.deleted_at.remove(&self.name);
        region.queues.insert(
            self.name.clone(),
            Queue {
                id,
                name: self.name,
                url: url.clone(),
                arn,
                attributes,
                created_at: now,
                modified_at: now,
                tags: self.tags.into_iter().collect::<BTreeMap<_, _>>(),
                last_purge_at: None,
                store,
                fifo: fifo_state,
                waiters: Arc::default(),
            },
        );
        Ok(Outcome::from_json(json!({ "QueueUrl": url })))
    }
}

/// 1 to 80 of `[A-Za-z0-9_-]`; a FIFO queue's name also ends in `.fifo`, which counts.
fn validate_name(name: &str, fifo: bool) -> Result<(), SqsError> {
    let stem = if fifo {
        name.strip_suffix(".fifo")
    } else {
        Some(name)
    };
    let valid = stem.is_some_and(|s| {
        !s.is_empty()
            && name.len() <= MAX_QUEUE_NAME
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    });
    if valid {
        return Ok(());
    }
    Err(SqsError::invalid_parameter(if fifo {
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.".to_string()
    } else {
        format!("Value {name} for parameter QueueName is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.")
    }))
}
