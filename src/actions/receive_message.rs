//! ReceiveMessage, with long polling.
//!
//! A long poll is the one request that waits. It waits on three things at once, and
//! re-tries the receive whenever one fires: a send to (or deletion of) its queue, a move
//! of the fake's clock, and a real timer for the earliest moment something could change
//! by itself (the deadline, or a delayed or in-flight message falling due). With a
//! paused clock the real timer is off: only sends and `advance` move anything.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::outgoing::{invalid_fifo_id, valid_fifo_id};
use super::Ctx;
use crate::engine::attempts::Handed;
use crate::engine::digest::md5_of_attributes;
use crate::engine::message::Message;
use crate::engine::queue::Queue;
use crate::engine::receipt::Receipt;
use crate::engine::store::Received;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::limits;
use crate::protocol::params::Params;
use crate::protocol::Outcome;
use crate::rules::Rules;

pub(crate) struct ReceiveMessage {
    url: String,
    max: usize,
    visibility_timeout: Option<u64>,
    wait_seconds: Option<u64>,
    system_names: BTreeSet<String>,
    attribute_names: Vec<String>,
    attempt_id: Option<String>,
}

impl ReceiveMessage {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let max = p
            .opt_int_in(
                "MaxNumberOfMessages",
                limits::MAX_NUMBER_OF_MESSAGES,
                "Must be between 1 and 10, if provided.",
            )?
            .map_or(1, |n| n as usize);
        let visibility_timeout = p
            .opt_int_in(
                "VisibilityTimeout",
                limits::VISIBILITY_TIMEOUT,
                "Must be >= 0 and <= 43200, if provided.",
            )?
            .map(|n| n as u64);
        let wait_seconds = p
            .opt_int_in(
                "WaitTimeSeconds",
                limits::WAIT_TIME_SECONDS,
                "Must be >= 0 and <= 20, if provided.",
            )?
            .map(|n| n as u64);
        let mut system_names: BTreeSet<String> =
            p.str_list("AttributeNames")?.into_iter().collect();
        system_names.extend(p.str_list("MessageSystemAttributeNames")?);
        let attempt_id = p.opt_str("ReceiveRequestAttemptId")?;
        if let Some(id) = &attempt_id {
            if !valid_fifo_id(id) {
                return Err(invalid_fifo_id("ReceiveRequestAttemptId", id));
            }
        }
        Ok(ReceiveMessage {
            attempt_id,
            url,
            max,
            visibility_timeout,
            wait_seconds,
            system_names,
            attribute_names: p.str_list("MessageAttributeNames")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let clock = engine.clock().clone();
        let mut clock_changes = clock.subscribe();
        let (queue_id, waiters, deadline) = {
            let now = engine.now();
            let mut state = engine.lock();
            let queue = state.queue_mut(&target, now)?;
            let wait = self.wait_seconds.unwrap_or(u64::from(
                queue.attributes.receive_message_wait_time_seconds,
            ));
            (queue.id, queue.waiters.clone(), now + wait * 1000)
        };
        loop {
            // Register for wake-ups before looking, so that nothing that happens between
            // the look and the wait is missed.
            let woken = waiters.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            clock_changes.borrow_and_update();

            let now = engine.now();
            let next_due = {
                let mut state = engine.lock();
                let dead_letter_target = state.dead_letter_target(&target);
                let queue = state.queue_mut(&target, now)?;
                if queue.id != queue_id {
                    return Err(SqsError::queue_does_not_exist());
                }
                let visibility = self
                    .visibility_timeout
                    .unwrap_or(u64::from(queue.attributes.visibility_timeout));
                let visibility_ms = visibility * 1000;
                if !queue.is_fifo() && queue.store.at_in_flight_limit() {
                    return Err(SqsError::new(
                        ErrorCode::OverLimit,
                        "The maximum number of in flight messages is reached.",
                    ));
                }
                let (received, dead) = match self.retry(queue, now, visibility_ms) {
                    Some(again) => (again, Vec::new()),
                    None => {
                        let mut ids = engine.ids();
                        let (received, dead) = queue.receive_or_dead_letter(
                            now,
                            self.max,
                            visibility_ms,
                            dead_letter_target.as_ref().map(|(_, max)| *max),
                            || {
                                // 0 marks "never received"; skip it.
                                loop {
                                    let n = ids.next_u64();
                                    if n != 0 {
                                        break n;
                                    }
                                }
                            },
                        );
                        drop(ids);
                        self.remember(queue, now, visibility_ms, &received);
                        (received, dead)
                    }
                };
                if let Some((dlq, _)) = dead_letter_target.filter(|_| !dead.is_empty()) {
                    let source_arn = queue.arn.clone();
                    state.dead_letter(&dlq, &source_arn, dead);
                }
                let queue = state.queue_mut(&target, now)?;
                if !received.is_empty() || now >= deadline {
                    let messages: Vec<Value> = received
                        .into_iter()
                        .map(|r| {
                            let handle = Receipt {
                                queue_id,
                                key: r.key,
                                nonce: r.nonce,
                            }
                            .encode();
                            self.render(&r.message, &handle, engine.rules())
                        })
                        .collect();
                    let mut out = Map::new();
                    if !messages.is_empty() {
                        out.insert("Messages".into(), Value::Array(messages));
                    }
                    return Ok(Outcome::Result(out));
                }
                let due = queue.store.next_due();
                // A move task may bring messages here before anything in this queue falls due.
                due.into_iter().chain(state.move_tasks.next_step_at()).min()
            };
            let wake_at = next_due.map_or(deadline, |due| due.min(deadline));
            let real_wait = async {
                if clock.is_paused() {
                    std::future::pending::<()>().await
                } else {
                    let ms = wake_at.saturating_sub(clock.now_millis());
                    tokio::time::sleep(Duration::from_millis(ms)).await
                }
            };
            let _waiting = engine.waiting();
            tokio::select! {
                _ = &mut woken => {}
                _ = clock_changes.changed() => {}
                _ = real_wait => {}
            }
        }
    }

    /// A retry of a remembered FIFO receive attempt: the same messages with the same
    /// handles, their visibility timeout started again (as AWS documents), if none of
    /// them changed since. An attempt whose messages changed is forgotten, and this
    /// receive is a new one.
    fn retry(&self, queue: &mut Queue, now: u64, visibility_ms: u64) -> Option<Vec<Received>> {
        let id = self.attempt_id.as_deref()?;
        let fifo = queue.fifo.as_mut()?;
        let handed = fifo.attempts.find(now, id)?.to_vec();
        let unchanged = handed
            .iter()
            .all(|h| queue.store.in_flight_as(h.key, h.nonce, h.until).is_some());
        if !unchanged {
            fifo.attempts.forget(id);
            return None;
        }
        let until = now + visibility_ms;
        let mut again = Vec::with_capacity(handed.len());
        for h in &handed {
            let received_at = queue.store.received_at(h.key).unwrap_or(now);
            queue.store.set_in_flight(h.key, until, received_at);
            let message = queue.store.in_flight_as(h.key, h.nonce, until)?.clone();
            again.push(Received {
                key: h.key,
                nonce: h.nonce,
                message,
            });
        }
        let refreshed = handed.iter().map(|h| Handed { until, ..*h }).collect();
        queue.fifo.as_mut()?.attempts.refresh(id, refreshed);
        Some(again)
    }

    /// Remembers a FIFO receive made with an attempt id, so a retry can repeat it.
    /// An empty receive is not remembered: retrying it is simply receiving again.
    fn remember(&self, queue: &mut Queue, now: u64, visibility_ms: u64, received: &[Received]) {
        let (Some(id), Some(fifo)) = (self.attempt_id.as_deref(), queue.fifo.as_mut()) else {
            return;
        };
        if received.is_empty() {
            return;
        }
        let handed = received
            .iter()
            .map(|r| Handed {
                key: r.key,
                nonce: r.nonce,
                until: now + visibility_ms,
            })
            .collect();
        fifo.attempts.record(now, id, handed);
    }

    fn wants(&self, name: &str) -> bool {
        self.system_names.contains("All") || self.system_names.contains(name)
    }

    /// One message as the receiver sees it, with the attributes it asked for.
    fn render(&self, message: &Message, handle: &str, rules: &Rules) -> Value {
        let c = &message.content;
        let mut out = Map::new();
        out.insert("MessageId".into(), json!(c.message_id));
        out.insert("ReceiptHandle".into(), json!(handle));
        out.insert("MD5OfBody".into(), json!(c.md5_of_body));
        out.insert("Body".into(), json!(c.body));

        let mut system = Map::new();
        let mut put = |name: &str, value: Option<String>| {
            if let Some(v) = value {
                let shown = rules.system_attributes.is_none_or(|s| s.contains(&name));
                if self.wants(name) && shown {
                    system.insert(name.to_owned(), Value::String(v));
                }
            }
        };
        put("SenderId", Some(c.sender_id.clone()));
        put(
            "ApproximateFirstReceiveTimestamp",
            message.first_receive_at.map(|t| t.to_string()),
        );
        put(
            "ApproximateReceiveCount",
            Some(message.receive_count.to_string()),
        );
        put("SentTimestamp", Some(c.sent_at.to_string()));
        put("AWSTraceHeader", c.trace_header.clone());
        put("SequenceNumber", c.sequence_number.clone());
        put("MessageDeduplicationId", c.deduplication_id.clone());
        put("MessageGroupId", c.group_id.clone());
        put("DeadLetterQueueSourceArn", c.dead_letter_source_arn.clone());
        if !system.is_empty() {
            out.insert("Attributes".into(), Value::Object(system));
        }

        let selected: Vec<_> = c
            .attributes
            .iter()
            .filter(|(name, _)| self.wants_attribute(name))
            .collect();
        if let Some(md5) = md5_of_attributes(selected.iter().copied()) {
            out.insert("MD5OfMessageAttributes".into(), json!(md5));
            let attrs = selected
                .into_iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect();
            out.insert("MessageAttributes".into(), Value::Object(attrs));
        }
        Value::Object(out)
    }

    /// `All`, `*` and `.*` select every attribute; `prefix.*` those starting with
    /// `prefix`; anything else only the attribute of exactly that name.
    fn wants_attribute(&self, name: &str) -> bool {
        self.attribute_names.iter().any(|want| match want.as_str() {
            "All" | "*" | ".*" => true,
            w => match w.strip_suffix(".*") {
                Some(prefix) => name.starts_with(prefix),
                None => w == name,
            },
        })
    }
}
