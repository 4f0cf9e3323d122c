//! Message move tasks: moving messages out of a dead-letter queue, to one destination or
//! back to each message's own source queue, at an optional rate.
//!
//! A task runs on the fake's clock and without any background timer: whenever the engine
//! is next touched ([`State::queue_mut`] and the move-task actions), every running task
//! catches up with `now`. With a rate of `r` messages per second, a task that started at
//! `t0` has moved `min(to_move, (now - t0) * r / 1000)` messages, so a paused clock
//! advanced by one second moves exactly `r`. A task without a rate moves everything at
//! the first catch-up, that is at once.
//!
//! A cancel, as on AWS, does not stop a task at once: it is `CANCELLING` until its next
//! step would fall due, and then `CANCELLED`, having moved nothing more. A task whose
//! destination is gone when a message is due fails, with AWS's failure reason, and
//! keeps what it moved (`fixtures/aws/move-tasks.json`).

use std::collections::{BTreeSet, HashMap};

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::message::Message;
use super::queue::Queue;
use super::redrive_policy::parse_arn;
use super::{Engine, State};
use crate::error::{ErrorCode, SqsError};

/// The FailureReason of a task whose destination queue is gone (fixtures/aws/recorded.md
/// row 155, recorded on AWS; `fixtures/aws/move-tasks.json`).
const NON_EXISTENT_QUEUE: &str = "AWS.SimpleQueueService.NonExistentQueue";

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum TaskStatus {
    Running,
    /// Cancelled, but not yet at its next step; still the source's active task.
    Cancelling,
    Completed,
    Cancelled,
    Failed,
}

impl TaskStatus {
    fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Running => "RUNNING",
            TaskStatus::Cancelling => "CANCELLING",
            TaskStatus::Completed => "COMPLETED",
            TaskStatus::Cancelled => "CANCELLED",
            TaskStatus::Failed => "FAILED",
        }
    }

    /// Whether the task still holds its source: running, or cancelled but not stopped.
    pub(crate) fn is_active(self) -> bool {
        matches!(self, TaskStatus::Running | TaskStatus::Cancelling)
    }
}

/// One task, running or finished.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct MoveTask {
    pub id: String,
    pub source_arn: String,
    /// `None`: each message goes back to the queue it was dead-lettered from.
    pub destination_arn: Option<String>,
    /// Messages per second; `None` moves everything at once.
    pub rate: Option<u32>,
    /// Epoch milliseconds.
    pub started_at: u64,
    /// The source's visible messages when the task started.
    pub to_move: u64,
    pub moved: u64,
    pub status: TaskStatus,
    pub failure_reason: Option<String>,
}

impl MoveTask {
    /// Asks a running task to stop; it stops at its next step. `false` when it is not
    /// running (AWS cancels only a `RUNNING` task).
    pub(crate) fn cancel(&mut self) -> bool {
        if self.status != TaskStatus::Running {
            return false;
        }
        self.status = TaskStatus::Cancelling;
        true
    }

    /// When the task moves its next message; `None` without a rate (it moves all at once).
    fn next_step_at(&self) -> Option<u64> {
        let rate = u64::from(self.rate?);
        Some(self.started_at + ((self.moved + 1) * 1000).div_ceil(rate))
    }

    /// The TaskHandle: base64 of `{"taskId":…,"sourceArn":…}`, as AWS makes it.
    pub(crate) fn handle(&self) -> String {
        encode_handle(&self.id, &self.source_arn)
    }

    /// The task as ListMessageMoveTasks shows it (fixtures/aws/recorded.md rows 150-155).
    pub(crate) fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("ApproximateNumberOfMessagesMoved".into(), json!(self.moved));
        out.insert(
            "ApproximateNumberOfMessagesToMove".into(),
            json!(self.to_move),
        );
        if let Some(destination) = &self.destination_arn {
            out.insert("DestinationArn".into(), json!(destination));
        }
        if let Some(reason) = &self.failure_reason {
            out.insert("FailureReason".into(), json!(reason));
        }
        if let Some(rate) = self.rate {
            out.insert("MaxNumberOfMessagesPerSecond".into(), json!(rate));
        }
        out.insert("SourceArn".into(), json!(self.source_arn));
        out.insert("StartedTimestamp".into(), json!(self.started_at));
        out.insert("Status".into(), json!(self.status.as_str()));
        if self.status == TaskStatus::Running {
            out.insert("TaskHandle".into(), json!(self.handle()));
        }
        Value::Object(out)
    }
}

/// The TaskHandle of task `id` on `source_arn`.
pub(crate) fn encode_handle(id: &str, source_arn: &str) -> String {
    let doc = json!({ "taskId": id, "sourceArn": source_arn });
    base64::engine::general_purpose::STANDARD.encode(doc.to_string())
}

/// Reads a TaskHandle into (task id, source ARN); `None` when it is not one.
pub(crate) fn decode_handle(handle: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(handle.trim())
        .ok()?;
    let doc: Value = serde_json::from_slice(&bytes).ok()?;
    let id = doc.get("taskId")?.as_str()?.to_owned();
    let source = doc.get("sourceArn")?.as_str()?.to_owned();
    Some((id, source))
}

/// All tasks of all sources.
#[derive(Default)]
pub(crate) struct MoveTasks {
    /// By source ARN, oldest first.
    by_source: HashMap<String, Vec<MoveTask>>,
    /// Sources with a running task: the only ones a catch-up visits.
    running: BTreeSet<String>,
}

impl MoveTasks {
    /// The active task of `source_arn` (running or cancelling), if any: AWS allows one
    /// per source.
    pub(crate) fn running(&self, source_arn: &str) -> Option<&MoveTask> {
        self.by_source
            .get(source_arn)?
            .iter()
            .rev()
            .find(|t| t.status.is_active())
    }

    /// Every task, running or finished, by source and oldest first.
    pub(crate) fn all(&self) -> impl Iterator<Item = &MoveTask> {
        let mut sources: Vec<&String> = self.by_source.keys().collect();
        sources.sort();
        sources.into_iter().flat_map(|s| self.by_source[s].iter())
    }

    /// Puts back tasks read from a data directory, in the order [`MoveTasks::all`] gave.
    #[cfg(feature = "durable")]
    pub(crate) fn restore(&mut self, tasks: Vec<MoveTask>) {
        for task in tasks {
            if task.status.is_active() {
                self.running.insert(task.source_arn.clone());
            }
            self.by_source
                .entry(task.source_arn.clone())
                .or_default()
                .push(task);
        }
    }

    pub(crate) fn start(&mut self, task: MoveTask) {
        self.running.insert(task.source_arn.clone());
        self.by_source
            .entry(task.source_arn.clone())
            .or_default()
            .push(task);
    }

    /// Up to `max` tasks of `source_arn`, newest first.
    pub(crate) fn newest_first(&self, source_arn: &str, max: usize) -> Vec<&MoveTask> {
        self.by_source
            .get(source_arn)
            .map(|tasks| tasks.iter().rev().take(max).collect())
            .unwrap_or_default()
    }

    pub(crate) fn get_mut(&mut self, source_arn: &str, id: &str) -> Option<&mut MoveTask> {
        self.by_source
            .get_mut(source_arn)?
            .iter_mut()
            .find(|t| t.id == id)
    }

    /// When the next running task with a rate moves its next message, so that a long
    /// poll on a real clock wakes for it.
    pub(crate) fn next_step_at(&self) -> Option<u64> {
        self.running
            .iter()
            .filter_map(|source| self.running(source))
            .filter_map(MoveTask::next_step_at)
            .min()
    }

    /// Marks the task of `source_arn` as no longer running.
    pub(crate) fn stopped(&mut self, source_arn: &str) {
        self.running.remove(source_arn);
    }

    /// Drops every task of a deleted source queue: a queue created later under the same
    /// name starts with none.
    pub(crate) fn forget_source(&mut self, source_arn: &str) {
        self.by_source.remove(source_arn);
        self.running.remove(source_arn);
    }
}

/// A message as a move task delivers it: the same MessageId, body, attributes and
/// SentTimestamp, but received never and from no dead-letter source.
fn redriven(message: Message) -> Message {
    Message {
        content: message.content.with_dead_letter_source(None),
        receive_count: 0,
        first_receive_at: None,
    }
}

impl State {
    /// The queue an ARN names, if it exists.
    pub(crate) fn queue_by_arn_mut(&mut self, arn: &str) -> Option<&mut Queue> {
        let r = parse_arn(arn)?;
        self.regions
            .get_mut(&r.owner)?
            .queues
            .get_mut(&r.name)
            .filter(|q| q.arn == arn)
    }

    /// The queue an ARN names, if it exists.
    pub(crate) fn queue_by_arn(&self, arn: &str) -> Option<&Queue> {
        let r = parse_arn(arn)?;
        self.regions
            .get(&r.owner)?
            .queues
            .get(&r.name)
            .filter(|q| q.arn == arn)
    }

    /// Brings every running task to `now`.
    pub(crate) fn settle_move_tasks(&mut self, now: u64) {
        if self.move_tasks.running.is_empty() {
            return;
        }
        let sources: Vec<String> = self.move_tasks.running.iter().cloned().collect();
        for source in sources {
            self.settle_move_task(&source, now);
        }
    }

    fn settle_move_task(&mut self, source_arn: &str, now: u64) {
        let Some(task) = self.move_tasks.running(source_arn).cloned() else {
            self.move_tasks.stopped(source_arn);
            return;
        };
        if task.status == TaskStatus::Cancelling {
            // It stops where its next message would have moved, having moved no more.
            if task.next_step_at().is_none_or(|step| now >= step) {
                if let Some(stored) = self.move_tasks.get_mut(source_arn, &task.id) {
                    stored.status = TaskStatus::Cancelled;
                }
                self.move_tasks.stopped(source_arn);
            }
            return;
        }
        let due = match task.rate {
            Some(rate) => {
                let allowed = now.saturating_sub(task.started_at) * u64::from(rate) / 1000;
                allowed.min(task.to_move)
            }
            None => task.to_move,
        };
        let mut moved = task.moved;
        let mut status = TaskStatus::Running;
        let mut failure = None;
        while moved < due {
            let Some(source) = self.queue_by_arn_mut(source_arn) else {
                status = TaskStatus::Failed;
                failure = Some(NON_EXISTENT_QUEUE);
                break;
            };
            source.settle(now);
            let Some(next) = source.store.first_ready() else {
                // Nothing left to move (the rest was received, deleted or purged).
                status = TaskStatus::Completed;
                break;
            };
            let destination = task
                .destination_arn
                .clone()
                .or_else(|| next.dead_letter_source_arn().map(str::to_owned));
            let exists = destination
                .as_deref()
                .is_some_and(|d| self.queue_by_arn(d).is_some());
            let (true, Some(destination)) = (exists, destination) else {
                // The message stays in the dead-letter queue; nothing is lost.
                status = TaskStatus::Failed;
                failure = Some(NON_EXISTENT_QUEUE);
                break;
            };
            let Some(message) = self
                .queue_by_arn_mut(source_arn)
                .and_then(|q| q.store.take_first_ready())
            else {
                break;
            };
            if let Some(target) = self.queue_by_arn_mut(&destination) {
                target.store.push(redriven(message), None);
                target.waiters.notify_waiters();
            }
            moved += 1;
        }
        if status == TaskStatus::Running && moved >= task.to_move {
            status = TaskStatus::Completed;
        }
        if let Some(stored) = self.move_tasks.get_mut(source_arn, &task.id) {
            stored.moved = moved;
            stored.status = status;
            stored.failure_reason = failure.map(str::to_owned);
        }
        if status != TaskStatus::Running {
            self.move_tasks.stopped(source_arn);
        }
    }
}

/// `ResourceNotFoundException` for a parameter naming a queue that does not exist.
fn no_such_resource(parameter: &str) -> SqsError {
    SqsError::new(
        ErrorCode::ResourceNotFound,
        format!("The resource that you specified for the {parameter} parameter doesn't exist."),
    )
}

impl Engine {
    /// StartMessageMoveTask: starts moving the visible messages of the dead-letter queue
    /// `source_arn` to `destination_arn`, or back to their sources, at `rate` messages
    /// per second or all at once. Answers the TaskHandle.
    pub(crate) fn start_move_task(
        &self,
        source_arn: String,
        destination_arn: Option<String>,
        rate: Option<u32>,
    ) -> Result<String, SqsError> {
        let now = self.now();
        let mut state = self.lock();
        let source_ref = parse_arn(&source_arn)
            .filter(|_| state.queue_by_arn(&source_arn).is_some())
            .ok_or_else(|| no_such_resource("SourceArn"))?;
        if state.dead_letter_sources(&source_ref).is_empty() {
            return Err(SqsError::invalid_parameter(
                "Source queue must be configured as a Dead Letter Queue.",
            ));
        }
        if let Some(destination) = &destination_arn {
            if state.queue_by_arn(destination).is_none() {
                return Err(no_such_resource("DestinationArn"));
            }
        }
        let to_move = state.queue_mut(&source_ref, now)?.store.visible() as u64;
        if state.move_tasks.running(&source_arn).is_some() {
            return Err(SqsError::invalid_parameter(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
            ));
        }
        let task = MoveTask {
            id: self.ids().uuid(),
            source_arn,
            destination_arn,
            rate,
            started_at: now,
            to_move,
            moved: 0,
            status: TaskStatus::Running,
            failure_reason: None,
        };
        let handle = task.handle();
        state.move_tasks.start(task);
        // A task without a rate moves everything now; one with a rate moves nothing yet.
        state.settle_move_tasks(now);
        Ok(handle)
    }

    /// CancelMessageMoveTask: the running task `task_id` of `source_arn` stops at its
    /// next step (CANCELLING until then); what it moved stays moved. Answers how many it
    /// has moved.
    pub(crate) fn cancel_move_task(
        &self,
        task_id: &str,
        source_arn: &str,
    ) -> Result<u64, SqsError> {
        let now = self.now();
        let mut state = self.lock();
        state.settle_move_tasks(now);
        if state.queue_by_arn(source_arn).is_none() {
            return Err(no_such_resource("SourceArn"));
        }
        let task = state
            .move_tasks
            .get_mut(source_arn, task_id)
            .ok_or_else(|| SqsError::new(ErrorCode::ResourceNotFound, "Task does not exist."))?;
        // It stops at its next step, as on AWS (see the module's comment).
        if !task.cancel() {
            return Err(SqsError::invalid_parameter(
                "Only active tasks can be cancelled.",
            ));
        }
        Ok(task.moved)
    }

    /// ListMessageMoveTasks: the latest `max` tasks of `source_arn`, newest first, as
    /// the answer shows each.
    pub(crate) fn list_move_tasks(
        &self,
        source_arn: &str,
        max: usize,
    ) -> Result<Vec<Value>, SqsError> {
        let now = self.now();
        let mut state = self.lock();
        state.settle_move_tasks(now);
        if state.queue_by_arn(source_arn).is_none() {
            return Err(no_such_resource("SourceArn"));
        }
        Ok(state
            .move_tasks
            .newest_first(source_arn, max)
            .into_iter()
            .map(MoveTask::to_json)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_decodes_to_its_task_and_source() {
        let task = MoveTask {
            id: "id-1".into(),
            source_arn: "arn:aws:sqs:us-east-1:000000000000:dlq".into(),
            destination_arn: None,
            rate: None,
            started_at: 0,
            to_move: 0,
            moved: 0,
            status: TaskStatus::Running,
            failure_reason: None,
        };
        assert_eq!(
            decode_handle(&task.handle()),
            Some((task.id.clone(), task.source_arn.clone()))
        );
        assert_eq!(decode_handle("foobared"), None);
    }

    /// A task with a rate moves that many messages per second of the fake's clock, and
    /// only one task may run per source.
    #[tokio::test]
    async fn start_move_task_moves_at_its_rate_on_the_clock() {
        use crate::engine::receiving::ReceiveRequest;
        use crate::engine::sending::{NewMessage, Sender};
        use crate::testing::{engine, queue};
        let (engine, clock) = engine();
        let dlq = queue(&engine, "dlq", &[]);
        let target = queue(&engine, "target", &[]);
        let arn = |q: &crate::engine::QueueRef| {
            format!(
                "arn:aws:sqs:{}:{}:{}",
                q.owner.region, q.owner.account, q.name
            )
        };
        let policy = format!(
            r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":1}}"#,
            arn(&dlq)
        );
        queue(&engine, "source", &[("RedrivePolicy", &policy)]);
        let sender = Sender {
            id: "me".into(),
            trace_header: None,
        };
        for n in 0..3 {
            let message = NewMessage {
                body: format!("m{n}"),
                ..NewMessage::default()
            };
            engine.send(&dlq, message, &sender).unwrap();
        }
        engine
            .start_move_task(arn(&dlq), Some(arn(&target)), Some(1))
            .unwrap();
        let again = engine.start_move_task(arn(&dlq), None, None).unwrap_err();
        assert!(again
            .message
            .starts_with("There is already a task running."));
        clock.advance(std::time::Duration::from_secs(2));
        let request = ReceiveRequest {
            max: 10,
            ..ReceiveRequest::default()
        };
        assert_eq!(engine.receive(&target, &request).await.unwrap().len(), 2);
        let tasks = engine.list_move_tasks(&arn(&dlq), 1).unwrap();
        assert_eq!(tasks[0]["ApproximateNumberOfMessagesMoved"], 2);
        assert_eq!(tasks[0]["Status"], "RUNNING");
    }
}
