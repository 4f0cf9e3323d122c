//! ReceiveMessage, with long polling.
//!
//! A long poll is the one operation that waits. It waits on three things at once, and
//! tries the receive again whenever one fires: a change to its queue that made messages
//! receivable (a send, a visibility change, a delete that unblocks a FIFO group) or
//! deleted it, a move of the fake's clock, and a real timer for the earliest moment
//! something could change by itself (the deadline, or a delayed or in-flight message
//! falling due). With a paused clock the real timer is off: only operations and
//! `advance` move anything (or, with an auto-advancing clock, the clock itself once every
//! request is such a sleeper). When the server shuts down, a waiting poll answers with
//! what it has.

use super::attempts::Handed;
use super::chaos::{with_chaos, ChaosState, REORDER_WINDOW};
use super::message::Message;
use super::queue::Queue;
use super::receipt::Receipt;
use super::store::Received;
use super::{Engine, QueueRef, State};
use crate::chaos::ChaosEvent;
use crate::error::{ErrorCode, SqsError};
use crate::ids::Ids;

/// What a receive asks for, checked for range by the caller.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReceiveRequest {
    /// At most this many messages (1 to 10).
    pub max: usize,
    /// Seconds the messages stay in flight; the queue's VisibilityTimeout when `None`.
    pub visibility_timeout: Option<u64>,
    /// Seconds to wait for a message; the queue's ReceiveMessageWaitTimeSeconds when
    /// `None`.
    pub wait_seconds: Option<u64>,
    /// A FIFO receive's ReceiveRequestAttemptId.
    pub attempt_id: Option<String>,
}

/// A message a receive hands out, with its receipt handle.
pub(crate) struct Delivered {
    pub message: Message,
    pub receipt_handle: String,
}

impl Engine {
    /// ReceiveMessage: up to `request.max` messages, waiting up to the wait time for the
    /// first. Over-received messages move to the dead-letter queue on the way.
    #[cfg(test)]
    pub(crate) async fn receive(
        &self,
        target: &QueueRef,
        request: &ReceiveRequest,
    ) -> Result<Vec<Delivered>, SqsError> {
        self.receive_noting(target, request, &mut Vec::new()).await
    }

    /// [`Engine::receive`], noting in `events` what chaos did to the receive.
    pub(crate) async fn receive_noting(
        &self,
        target: &QueueRef,
        request: &ReceiveRequest,
        events: &mut Vec<ChaosEvent>,
    ) -> Result<Vec<Delivered>, SqsError> {
        let clock = self.clock().clone();
        let mut clock_changes = clock.subscribe();
        let mut closing = self.closing();
        let (queue_id, queue_url, waiters, deadline, long_poll) = {
            let now = self.now();
            let mut state = self.lock();
            let queue = state.queue_mut(target, now)?;
            let wait = request.wait_seconds.unwrap_or(u64::from(
                queue.attributes.receive_message_wait_time_seconds,
            ));
            let url = format!("{}{}", self.config().base_url, queue.path);
            (
                queue.id,
                url,
                queue.waiters.clone(),
                now + wait * 1000,
                wait > 0,
            )
        };
        let look = Look {
            target,
            request,
            queue_id,
            deadline,
            long_poll,
        };
        loop {
            // Register for wake-ups before looking, so that nothing that happens between
            // the look and the wait is missed.
            let woken = waiters.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            clock_changes.borrow_and_update();

            let now = self.now();
            // A server shutting down answers now rather than cutting the poll off.
            let closed = *closing.borrow();
            let mut noted = Vec::new();
            let next_due = match self.try_receive(&look, now, closed, &mut noted)? {
                Attempt::Done(delivered) => {
                    events.extend(noted);
                    return Ok(delivered);
                }
                Attempt::Wait(next_due) => next_due,
            };
            let wake_at = next_due.map_or(deadline, |due| due.min(deadline));
            tokio::select! {
                _ = &mut woken => {}
                _ = clock_changes.changed() => {}
                _ = closing.changed() => {}
                _ = clock.sleep_until(wake_at, &queue_url) => {}
            }
        }
    }

    /// One look at the queue: the messages received, or when to look again.
    fn try_receive(
        &self,
        look: &Look<'_>,
        now: u64,
        closed: bool,
        events: &mut Vec<ChaosEvent>,
    ) -> Result<Attempt, SqsError> {
        let mut state = self.lock();
        with_chaos(&mut state, |state, chaos| {
            self.try_receive_in(state, chaos, look, now, closed, events)
        })
    }

    /// [`Engine::try_receive`], with the state locked and its chaos lent out.
    fn try_receive_in(
        &self,
        state: &mut State,
        chaos: Option<&mut ChaosState>,
        look: &Look<'_>,
        now: u64,
        closed: bool,
        events: &mut Vec<ChaosEvent>,
    ) -> Result<Attempt, SqsError> {
        let Look {
            target,
            request,
            queue_id,
            deadline,
            long_poll,
        } = *look;
        let dead_letter_target = state.dead_letter_target(target);
        let queue = state.queue_mut(target, now)?;
        if queue.id != queue_id {
            return Err(SqsError::queue_does_not_exist());
        }
        let mut chaos = chaos.filter(|c| c.applies_to(queue));
        let visibility = request
            .visibility_timeout
            .unwrap_or(u64::from(queue.attributes.visibility_timeout));
        let visibility_ms = visibility * 1000;
        if !queue.is_fifo() && queue.store.at_in_flight_limit() {
            return Err(SqsError::new(
                ErrorCode::OverLimit,
                "The maximum number of in flight messages is reached.",
            ));
        }
        let (mut received, dead) = match retry(request, queue, now, visibility_ms) {
            Some(again) => (again, Vec::new()),
            None => {
                let available = queue.store.visible();
                let max = match chaos.as_deref_mut() {
                    Some(c) => c.receive_limit(request.max, available, long_poll, events),
                    None => request.max,
                };
                let mut draw = chaos
                    .as_deref_mut()
                    .filter(|_| available > 0)
                    .and_then(|c| c.reorder(events));
                let shuffle = draw
                    .as_mut()
                    .map(|d| (REORDER_WINDOW, d as &mut dyn FnMut(usize) -> usize));
                let mut ids = self.ids();
                let (received, dead) = queue.receive_or_dead_letter(
                    now,
                    max,
                    visibility_ms,
                    dead_letter_target.as_ref().map(|(_, max)| *max),
                    || nonce(&mut ids),
                    shuffle,
                );
                drop(ids);
                remember(request, queue, now, visibility_ms, &received);
                (received, dead)
            }
        };
        if let Some(chaos) = chaos {
            // A duplicate repeats an earlier delivery, not one of this receive's, and is
            // itself not remembered: it is repeated once.
            let duplicate = (received.len() < request.max)
                .then(|| chaos.duplicate(queue_id, events))
                .flatten();
            chaos.remember(queue_id, &received);
            if let Some((key, message)) = duplicate {
                let nonce = nonce(&mut self.ids());
                received.push(Received {
                    key,
                    nonce,
                    message,
                });
            }
        }
        if let Some((dlq, _)) = dead_letter_target.filter(|_| !dead.is_empty()) {
            let source_arn = queue.arn.clone();
            state.dead_letter(&dlq, &source_arn, dead);
        }
        let queue = state.queue_mut(target, now)?;
        if !received.is_empty() || now >= deadline || closed {
            let delivered = received
                .into_iter()
                .map(|r| Delivered {
                    receipt_handle: Receipt {
                        queue_id,
                        key: r.key,
                        nonce: r.nonce,
                    }
                    .encode(),
                    message: r.message,
                })
                .collect();
            return Ok(Attempt::Done(delivered));
        }
        let due = queue.store.next_due();
        // A move task may bring messages here before anything in this queue falls due.
        let next = due.into_iter().chain(state.move_tasks.next_step_at()).min();
        Ok(Attempt::Wait(next))
    }
}

/// What every look of one receive shares.
#[derive(Clone, Copy)]
struct Look<'a> {
    target: &'a QueueRef,
    request: &'a ReceiveRequest,
    queue_id: u64,
    deadline: u64,
    /// Whether the receive waits for messages (then a short receive returns at least
    /// one).
    long_poll: bool,
}

/// A receipt's nonce: 0 marks "never received", so it is skipped.
fn nonce(ids: &mut Ids) -> u64 {
    loop {
        let n = ids.next_u64();
        if n != 0 {
            break n;
        }
    }
}

/// The result of one look.
enum Attempt {
    Done(Vec<Delivered>),
    /// Nothing yet; something may change by itself at this time.
    Wait(Option<u64>),
}

/// A retry of a remembered FIFO receive attempt: the same messages with the same
/// handles, their visibility timeout started again (as AWS documents), if none of them
/// changed since. An attempt whose messages changed is forgotten, and this receive is a
/// new one.
fn retry(
    request: &ReceiveRequest,
    queue: &mut Queue,
    now: u64,
    visibility_ms: u64,
) -> Option<Vec<Received>> {
    let id = request.attempt_id.as_deref()?;
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
        let message = queue.store.in_flight_as(h.key, h.nonce, until)?;
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

/// Remembers a FIFO receive made with an attempt id, so a retry can repeat it. An
/// empty receive is not remembered: retrying it is simply receiving again.
fn remember(
    request: &ReceiveRequest,
    queue: &mut Queue,
    now: u64,
    visibility_ms: u64,
    received: &[Received],
) {
    let (Some(id), Some(fifo)) = (request.attempt_id.as_deref(), queue.fifo.as_mut()) else {
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::sending::{NewMessage, Sender};
    use crate::testing::{engine, queue};

    fn send(engine: &Engine, q: &QueueRef, body: &str, group: Option<&str>) {
        let message = NewMessage {
            body: body.into(),
            group_id: group.map(Into::into),
            deduplication_id: Some(body.into()),
            ..NewMessage::default()
        };
        let sender = Sender {
            id: "me".into(),
            trace_header: None,
        };
        engine.send(q, message, &sender).unwrap();
    }

    fn bodies(delivered: &[Delivered]) -> Vec<&str> {
        delivered.iter().map(|d| d.message.content.body()).collect()
    }

    fn request(max: usize) -> ReceiveRequest {
        ReceiveRequest {
            max,
            ..ReceiveRequest::default()
        }
    }

    /// The FIFO group lock: while a message of a group is in flight, nothing after it in
    /// that group is delivered; other groups are.
    #[tokio::test]
    async fn receive_holds_a_fifo_group_while_a_message_is_in_flight() {
        let (engine, clock) = engine();
        let q = queue(&engine, "q.fifo", &[("FifoQueue", "true")]);
        send(&engine, &q, "a1", Some("a"));
        send(&engine, &q, "a2", Some("a"));
        send(&engine, &q, "b1", Some("b"));
        assert_eq!(
            bodies(&engine.receive(&q, &request(1)).await.unwrap()),
            ["a1"]
        );
        assert_eq!(
            bodies(&engine.receive(&q, &request(10)).await.unwrap()),
            ["b1"]
        );
        assert!(engine.receive(&q, &request(10)).await.unwrap().is_empty());
        // The visibility timeout runs out: the group delivers again, in order.
        clock.advance(Duration::from_secs(30));
        let again = engine.receive(&q, &request(10)).await.unwrap();
        assert_eq!(bodies(&again), ["a1", "a2", "b1"]);
    }

    /// A long poll waits for a send, and answers with it.
    #[tokio::test]
    async fn receive_waits_for_a_send() {
        let (engine, _clock) = engine();
        let q = queue(&engine, "q", &[]);
        let poll = {
            let (engine, q) = (engine.clone(), q.clone());
            tokio::spawn(async move {
                let wait = ReceiveRequest {
                    wait_seconds: Some(20),
                    ..request(1)
                };
                engine.receive(&q, &wait).await
            })
        };
        while engine.clock().sleeping_on().is_empty() {
            tokio::task::yield_now().await;
        }
        send(&engine, &q, "m", None);
        let delivered = poll.await.unwrap().unwrap();
        assert_eq!(bodies(&delivered), ["m"]);
    }
}
