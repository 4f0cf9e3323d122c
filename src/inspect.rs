//! Read-only views of the fake's state, for assertions. Reading never changes
//! visibility, receive counts or anything else a client could observe.
//!
//! Every view serializes (with serde) to the JSON a snapshot or an admin API shows:
//! times as RFC 3339 strings with milliseconds, binary attribute values as base64.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::engine::attributes::ALL_NAMES;
use crate::engine::content::{Attribute, Value};
use crate::engine::message::Message;
use crate::engine::move_tasks::{MoveTask, TaskStatus};
use crate::engine::queue::Queue;
use crate::engine::store::Status;
use crate::engine::{Caller, Engine, State};

/// One queue, as it stands.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::FakeSqs;
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
/// client.send_message().queue_url(&url).message_body("a").send().await.unwrap();
///
/// let queue = sqs.queue(&url);
/// assert_eq!((queue.name.as_str(), queue.visible, queue.fifo), ("jobs", 1, false));
/// assert_eq!(serde_json::to_value(&queue).unwrap()["visible"], 1);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QueueInfo {
    /// The queue's name.
    pub name: String,
    /// The queue's URL, as SQS calls return it.
    pub url: String,
    /// The queue's ARN.
    pub arn: String,
    /// The owning account.
    pub account_id: String,
    /// The queue's region.
    pub region: String,
    /// Whether this is a FIFO queue.
    pub fifo: bool,
    /// Messages that a receive could return now.
    pub visible: usize,
    /// Messages received and neither deleted nor visible again.
    pub in_flight: usize,
    /// Messages sent with a delay that has not passed.
    pub delayed: usize,
    /// The queue's attributes, as GetQueueAttributes with `All` answers them (in the
    /// dialect's set): `VisibilityTimeout`, `RedrivePolicy`, `ApproximateNumberOfMessages`
    /// and so on, by name.
    pub attributes: BTreeMap<String, String>,
    /// The queue's tags.
    pub tags: BTreeMap<String, String>,
}

/// Where a message stands. In JSON, its `state` (`visible`, `in_flight`, `delayed`) and
/// for the last two `visible_at`, beside the message's other fields.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use fake_sqs::{ClockMode, FakeSqs, MessageState};
///
/// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
/// client.send_message().queue_url(&url).message_body("a").delay_seconds(10).send().await.unwrap();
///
/// let in_ten_seconds = sqs.clock().now() + Duration::from_secs(10);
/// assert_eq!(sqs.messages(&url)[0].state, MessageState::Delayed { visible_at: in_ten_seconds });
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MessageState {
    /// A receive could return it now.
    Visible,
    /// Received; visible again at the given time unless deleted.
    InFlight {
        /// When its visibility timeout ends.
        #[serde(with = "crate::serde_forms::rfc3339")]
        visible_at: SystemTime,
    },
    /// Sent with a delay; visible at the given time.
    Delayed {
        /// When its delay ends.
        #[serde(with = "crate::serde_forms::rfc3339")]
        visible_at: SystemTime,
    },
}

/// One message in a queue, with everything SQS keeps about it.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use aws_sdk_sqs::types::MessageAttributeValue;
/// use aws_sdk_sqs::primitives::Blob;
/// use fake_sqs::FakeSqs;
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs.fifo")
///     .attributes(aws_sdk_sqs::types::QueueAttributeName::FifoQueue, "true")
///     .send().await.unwrap().queue_url.unwrap();
/// let blob = MessageAttributeValue::builder().data_type("Binary")
///     .binary_value(Blob::new(vec![0, 159, 255])).build().unwrap();
/// client.send_message().queue_url(&url).message_body("work")
///     .message_group_id("user-1").message_deduplication_id("job-1")
///     .message_attributes("raw", blob)
///     .send().await.unwrap();
///
/// let m = &sqs.messages(&url)[0];
/// assert_eq!(m.group_id.as_deref(), Some("user-1"));
/// assert_eq!(m.deduplication_id.as_deref(), Some("job-1"));
/// assert!(m.sequence_number.is_some());
/// assert_eq!(m.attributes["raw"].data_type, "Binary");
/// assert_eq!(m.attributes["raw"].binary_value.as_deref(), Some(&[0, 159, 255][..]));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageInfo {
    /// The MessageId SendMessage returned.
    pub message_id: String,
    /// The body.
    pub body: String,
    /// Where it stands now.
    #[serde(flatten)]
    pub state: MessageState,
    /// How many times it has been received (`ApproximateReceiveCount`).
    pub receive_count: u32,
    /// When it was sent (`SentTimestamp`).
    #[serde(with = "crate::serde_forms::rfc3339")]
    pub sent_at: SystemTime,
    /// When it was first received (`ApproximateFirstReceiveTimestamp`), if it was.
    #[serde(with = "crate::serde_forms::rfc3339_opt")]
    pub first_received_at: Option<SystemTime>,
    /// Its `MessageGroupId`, if it was sent with one.
    pub group_id: Option<String>,
    /// Its `MessageDeduplicationId` (FIFO queues; the SHA-256 of the body with
    /// content-based deduplication).
    pub deduplication_id: Option<String>,
    /// Its `SequenceNumber` (FIFO queues).
    pub sequence_number: Option<String>,
    /// Who sent it (`SenderId`, as [`sender_id`](crate::sender_id) derives it).
    pub sender_id: String,
    /// Its `AWSTraceHeader`, if it was sent with one.
    pub trace_header: Option<String>,
    /// The queue it was dead-lettered from (`DeadLetterQueueSourceArn`), if it was.
    pub dead_letter_source_arn: Option<String>,
    /// Its user attributes, by name.
    pub attributes: BTreeMap<String, MessageAttribute>,
}

/// One user attribute of a message, as sent: its data type and its value.
///
/// In JSON, `data_type` and either `string_value` or `binary_value` (base64, as SQS's
/// own JSON carries it).
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use aws_sdk_sqs::types::MessageAttributeValue;
/// use fake_sqs::FakeSqs;
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
/// let tries = MessageAttributeValue::builder().data_type("Number").string_value("3").build().unwrap();
/// client.send_message().queue_url(&url).message_body("work")
///     .message_attributes("tries", tries).send().await.unwrap();
///
/// let tries = &sqs.messages(&url)[0].attributes["tries"];
/// assert_eq!((tries.data_type.as_str(), tries.as_str()), ("Number", Some("3")));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageAttribute {
    /// `String`, `Number` or `Binary`, with any custom suffix (`Number.float`).
    pub data_type: String,
    /// The value of a `String` or `Number` attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    /// The value of a `Binary` attribute, decoded.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_forms::base64_opt"
    )]
    pub binary_value: Option<Vec<u8>>,
}

impl MessageAttribute {
    /// The value of a `String` or `Number` attribute.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use aws_sdk_sqs::types::MessageAttributeValue;
    /// use fake_sqs::FakeSqs;
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("q").send().await.unwrap().queue_url.unwrap();
    /// let kind = MessageAttributeValue::builder().data_type("String").string_value("email").build().unwrap();
    /// client.send_message().queue_url(&url).message_body("b")
    ///     .message_attributes("kind", kind).send().await.unwrap();
    /// assert_eq!(sqs.messages(&url)[0].attributes["kind"].as_str(), Some("email"));
    /// # }
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        self.string_value.as_deref()
    }
}

/// One message move task (StartMessageMoveTask), running or finished, as
/// [`FakeSqs::move_tasks`](crate::FakeSqs::move_tasks) shows it.
///
/// In JSON, its fields by these names, `status` as AWS writes it (`"RUNNING"`) and
/// `started_at` as an RFC 3339 time.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use aws_sdk_sqs::types::QueueAttributeName;
/// use fake_sqs::{ClockMode, FakeSqs, MoveTaskStatus};
///
/// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
/// let client = sqs.client().await;
/// let dlq = client.create_queue().queue_name("dlq").send().await.unwrap().queue_url.unwrap();
/// let dlq_arn = sqs.queue(&dlq).arn;
/// let policy = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":3}}"#);
/// let jobs = client.create_queue().queue_name("jobs")
///     .attributes(QueueAttributeName::RedrivePolicy, policy).send().await.unwrap().queue_url.unwrap();
/// client.send_message().queue_url(&dlq).message_body("failed job").send().await.unwrap();
/// client.start_message_move_task().source_arn(&dlq_arn).destination_arn(sqs.queue(&jobs).arn)
///     .max_number_of_messages_per_second(1).send().await.unwrap();
///
/// let task = &sqs.move_tasks()[0];
/// assert_eq!(task.source_arn, dlq_arn);
/// assert_eq!((task.status, task.messages_moved, task.messages_to_move), (MoveTaskStatus::Running, 0, 1));
/// assert_eq!(serde_json::to_value(task).unwrap()["status"], "RUNNING");
///
/// sqs.clock().advance(Duration::from_secs(1));
/// let task = &sqs.move_tasks()[0];
/// assert_eq!((task.status, task.messages_moved), (MoveTaskStatus::Completed, 1));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MoveTaskInfo {
    /// The task's id (inside its `TaskHandle`).
    pub task_id: String,
    /// The dead-letter queue it moves messages out of.
    pub source_arn: String,
    /// Where it moves them; `None`: each back to the queue it was dead-lettered from.
    pub destination_arn: Option<String>,
    /// Its `MaxNumberOfMessagesPerSecond`; `None`: as fast as it can (at once, here).
    pub max_messages_per_second: Option<u32>,
    /// Where it stands.
    pub status: MoveTaskStatus,
    /// When it started, on the fake's clock.
    #[serde(with = "crate::serde_forms::rfc3339")]
    pub started_at: SystemTime,
    /// The source's visible messages when it started: what it set out to move.
    pub messages_to_move: u64,
    /// How many it has moved.
    pub messages_moved: u64,
    /// Why it failed (`AWS.SimpleQueueService.NonExistentQueue`), if it did.
    pub failure_reason: Option<String>,
    /// The `TaskHandle` that cancels it, while it runs.
    pub task_handle: Option<String>,
}

/// Where a message move task stands, as ListMessageMoveTasks's `Status` says it.
///
/// # Example
/// ```
/// use fake_sqs::MoveTaskStatus;
///
/// assert_eq!(serde_json::to_value(MoveTaskStatus::Running).unwrap(), "RUNNING");
/// assert!(MoveTaskStatus::Cancelling.is_active() && !MoveTaskStatus::Completed.is_active());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum MoveTaskStatus {
    /// Moving messages.
    Running,
    /// Cancelled, and stopping at its next step; until then the source's one active task.
    Cancelling,
    /// Moved everything it set out to (or found nothing more to move).
    Completed,
    /// Cancelled and stopped; what it moved stays moved.
    Cancelled,
    /// Stopped because a queue it needed was gone; what it moved stays moved.
    Failed,
}

impl MoveTaskStatus {
    /// Whether the task still holds its source (running or cancelling): a source has at
    /// most one such task.
    ///
    /// # Example
    /// ```
    /// assert!(fake_sqs::MoveTaskStatus::Running.is_active());
    /// assert!(!fake_sqs::MoveTaskStatus::Failed.is_active());
    /// ```
    pub fn is_active(self) -> bool {
        matches!(self, MoveTaskStatus::Running | MoveTaskStatus::Cancelling)
    }
}

/// The answer of [`FakeSqs::try_messages`](crate::FakeSqs::try_messages) and
/// [`FakeSqs::try_queue`](crate::FakeSqs::try_queue) for a URL that names no queue of
/// the fake, with the URLs of those it has.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::FakeSqs;
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
///
/// let err = sqs.try_messages(&url.replace("jobs", "jbos")).unwrap_err();
/// assert_eq!(err.known, [url.clone()]);
/// assert!(err.to_string().contains(&url));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnknownQueue {
    /// The URL asked for.
    pub url: String,
    /// The URLs of every queue the fake has, in the order of [`FakeSqs::queues`](crate::FakeSqs::queues).
    pub known: Vec<String>,
}

impl std::fmt::Display for UnknownQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no queue of this fake has the URL {:?}; ", self.url)?;
        match self.known.as_slice() {
            [] => write!(f, "it has no queues"),
            known => write!(f, "its queues are: {}", known.join(", ")),
        }
    }
}

impl std::error::Error for UnknownQueue {}

fn at(millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(millis)
}

/// The state of a message of a settled store.
fn state_of(status: Status) -> MessageState {
    match status {
        Status::Ready => MessageState::Visible,
        Status::Delayed { until, .. } => MessageState::Delayed {
            visible_at: at(until),
        },
        Status::InFlight { until, .. } => MessageState::InFlight {
            visible_at: at(until),
        },
    }
}

fn attribute_info(attribute: &Attribute<'_>) -> MessageAttribute {
    let (string_value, binary_value) = match attribute.value {
        Value::String(s) => (Some(s.to_owned()), None),
        Value::Binary(b) => (None, Some(b.to_vec())),
        Value::StringList(_) | Value::BinaryList(_) => (None, None),
    };
    MessageAttribute {
        data_type: attribute.data_type.to_owned(),
        string_value,
        binary_value,
    }
}

fn message_info(message: &Message, status: Status) -> MessageInfo {
    let c = &message.content;
    let owned = |text: Option<&str>| text.map(str::to_owned);
    MessageInfo {
        message_id: c.message_id().to_string(),
        body: c.body().to_owned(),
        state: state_of(status),
        receive_count: message.receive_count,
        sent_at: at(c.sent_at()),
        first_received_at: message.first_receive_at.map(at),
        group_id: owned(c.group_id()),
        deduplication_id: owned(c.deduplication_id()),
        sequence_number: c.sequence_number().map(|n| n.to_string()),
        sender_id: c.sender_id().to_owned(),
        trace_header: owned(c.trace_header()),
        dead_letter_source_arn: owned(c.dead_letter_source_arn()),
        attributes: c
            .attributes()
            .map(|(name, attribute)| (name.to_owned(), attribute_info(&attribute)))
            .collect(),
    }
}

/// What inspection shows of queue `q` of `owner`, its URL starting with `base_url`;
/// `shown`: the attributes the dialect shows (`None`: all).
fn queue_info(base_url: &str, owner: &Caller, q: &Queue, shown: Option<&[&str]>) -> QueueInfo {
    QueueInfo {
        name: q.name.clone(),
        url: format!("{base_url}{}", q.path),
        arn: q.arn.clone(),
        account_id: owner.account.clone(),
        region: owner.region.clone(),
        fifo: q.is_fifo(),
        visible: q.store.visible(),
        in_flight: q.store.in_flight(),
        delayed: q.store.delayed(),
        attributes: ALL_NAMES
            .iter()
            .filter(|n| shown.is_none_or(|s| s.contains(n)))
            .filter_map(|n| q.attribute(n).map(|v| ((*n).to_owned(), v)))
            .collect(),
        tags: q.tags.clone(),
    }
}

/// The state, locked and brought to now, as the next SQS call would see it: what
/// inspection reads, without changing anything a client could observe.
fn settled(engine: &Engine) -> std::sync::MutexGuard<'_, crate::engine::State> {
    let now = engine.now();
    let mut state = engine.lock();
    state.settle_all(now);
    state
}

/// [`FakeSqs::queues`](crate::FakeSqs::queues): every queue, settled to now, with URLs
/// starting with `base_url`.
pub(crate) fn queues(engine: &Engine, base_url: &str) -> Vec<QueueInfo> {
    let state = settled(engine);
    let shown = engine.rules().shown_attributes;
    all_queues(&state)
        .into_iter()
        .map(|(owner, q)| queue_info(base_url, owner, q, shown))
        .collect()
}

/// [`FakeSqs::try_queue`](crate::FakeSqs::try_queue): the queue a URL names, its URL
/// starting with `base_url`.
pub(crate) fn queue(engine: &Engine, base_url: &str, url: &str) -> Result<QueueInfo, UnknownQueue> {
    let state = settled(engine);
    let (owner, queue) = find(engine, &state, base_url, url)?;
    Ok(queue_info(
        base_url,
        owner,
        queue,
        engine.rules().shown_attributes,
    ))
}

/// [`FakeSqs::try_messages`](crate::FakeSqs::try_messages): the messages of the queue
/// a URL names, in send order.
pub(crate) fn messages(
    engine: &Engine,
    base_url: &str,
    url: &str,
) -> Result<Vec<MessageInfo>, UnknownQueue> {
    let state = settled(engine);
    let (_, queue) = find(engine, &state, base_url, url)?;
    Ok(queue
        .store
        .peek()
        .into_iter()
        .map(|(m, status)| message_info(&m, status))
        .collect())
}

/// [`FakeSqs::move_tasks`](crate::FakeSqs::move_tasks): every move task of every
/// source, brought to now as the next SQS call would bring it, oldest first.
pub(crate) fn move_tasks(engine: &Engine) -> Vec<MoveTaskInfo> {
    let state = settled(engine);
    let mut tasks: Vec<MoveTaskInfo> = state.move_tasks.all().map(move_task_info).collect();
    // Stable: one source's tasks started in the same millisecond keep their order.
    tasks.sort_by(|a, b| (a.started_at, &a.source_arn).cmp(&(b.started_at, &b.source_arn)));
    tasks
}

fn move_task_info(task: &MoveTask) -> MoveTaskInfo {
    let status = match task.status {
        TaskStatus::Running => MoveTaskStatus::Running,
        TaskStatus::Cancelling => MoveTaskStatus::Cancelling,
        TaskStatus::Completed => MoveTaskStatus::Completed,
        TaskStatus::Cancelled => MoveTaskStatus::Cancelled,
        TaskStatus::Failed => MoveTaskStatus::Failed,
    };
    MoveTaskInfo {
        task_id: task.id.clone(),
        source_arn: task.source_arn.clone(),
        destination_arn: task.destination_arn.clone(),
        max_messages_per_second: task.rate,
        status,
        started_at: at(task.started_at),
        messages_to_move: task.to_move,
        messages_moved: task.moved,
        failure_reason: task.failure_reason.clone(),
        // As ListMessageMoveTasks: only a running task can be cancelled.
        task_handle: (status == MoveTaskStatus::Running).then(|| task.handle()),
    }
}

/// Every queue of every account and region, by name, then region.
pub(crate) fn all_queues(state: &State) -> Vec<(&Caller, &Queue)> {
    let mut all: Vec<_> = state.all_queues().collect();
    all.sort_by(|(a_owner, a), (b_owner, b)| {
        (&a.name, &a_owner.region, &a_owner.account).cmp(&(
            &b.name,
            &b_owner.region,
            &b_owner.account,
        ))
    });
    all
}

/// The queue a URL names, whatever its scheme, host and port (`localhost`, the
/// advertised host, AWS's own): only the path says which queue it is, as it does for
/// the fake's own requests. A bare name is a queue of the default account. Two regions
/// can hold a queue at the same URL; the default region's comes first, then the others
/// by name. The known queues of the error have URLs starting with `base_url`.
pub(crate) fn find<'s>(
    engine: &Engine,
    state: &'s State,
    base_url: &str,
    url: &str,
) -> Result<(&'s Caller, &'s Queue), UnknownQueue> {
    let config = engine.config();
    let default = Caller {
        account: config.default_account.clone(),
        region: config.default_region.clone(),
    };
    let wanted = engine.queue_ref(&default, url);
    all_queues(state)
        .into_iter()
        .filter(|(owner, q)| {
            owner.account == wanted.owner.account
                && q.name == wanted.name
                && wanted.incarnation.is_none_or(|id| id == q.id)
        })
        .min_by_key(|(owner, _)| owner.region != default.region)
        .ok_or_else(|| UnknownQueue {
            url: url.to_owned(),
            known: all_queues(state)
                .into_iter()
                .map(|(_, q)| format!("{base_url}{}", q.path))
                .collect(),
        })
}
