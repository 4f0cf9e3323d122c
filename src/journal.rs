//! The request journal: every request the fake answered, in the order it answered them,
//! with what each asked and what it got. The service layer writes it after each request
//! (`service/mod.rs`); tests read it with [`FakeSqs::requests`](crate::FakeSqs::requests).
//!
//! It is always on and bounded: it keeps the latest 10,000 requests (set with
//! [`FakeSqsBuilder::journal_capacity`]), and at most 64 MiB of request bodies, dropping
//! the oldest first. Keeping a request costs a small record (time, action, outcome,
//! what faults and chaos did) and a copy of its body at the end of one buffer of
//! bodies, and in the usual case (a success) no allocation; its parameters are decoded
//! again from that body only when the journal is read, so that the server does no work
//! for a journal nobody reads.
//!
//! [`FakeSqsBuilder::journal_capacity`]: crate::FakeSqsBuilder::journal_capacity

use std::borrow::Cow;
use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::api::ActionName as Action;
use crate::chaos::ChaosEvent;
use crate::error::ErrorCode;
use crate::faults::FaultId;
use crate::protocol::{request, Protocol};
use crate::queue_match::same_queue;

/// How many requests the journal keeps unless the builder says otherwise.
pub(crate) const DEFAULT_JOURNAL_CAPACITY: usize = 10_000;

/// The most bytes of request bodies the journal keeps (64 MiB): past it, the oldest
/// requests go, so that a test sending large messages holds a bounded amount.
pub(crate) const JOURNAL_BODY_BUDGET: usize = 64 * 1024 * 1024;

/// How a recorded request ended.
///
/// In JSON (serde): `"success"`, `{"error": {"code": "ThrottlingException", "message":
/// "…"}}`, `"dropped"`.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{ErrorCode, FakeSqs, RequestOutcome};
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// client.get_queue_url().queue_name("missing").send().await.unwrap_err();
/// let outcome = &sqs.requests()[0].outcome;
/// assert_eq!(outcome.error_code(), Some(ErrorCode::QueueDoesNotExist));
/// assert!(!outcome.is_success());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RequestOutcome {
    /// The action was done and answered.
    Success,
    /// The request was answered with an SQS error.
    Error {
        /// The error.
        code: ErrorCode,
        /// Its text.
        message: String,
    },
    /// An injected fault closed the connection without an answer.
    Dropped,
}

impl RequestOutcome {
    /// Whether the request succeeded.
    ///
    /// # Example
    /// ```
    /// assert!(fake_sqs::RequestOutcome::Success.is_success());
    /// assert!(!fake_sqs::RequestOutcome::Dropped.is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        matches!(self, RequestOutcome::Success)
    }

    /// The error the request was answered with, if any.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{ErrorCode, RequestOutcome};
    ///
    /// let throttled = RequestOutcome::Error {
    ///     code: ErrorCode::ThrottlingException,
    ///     message: "Rate exceeded".into(),
    /// };
    /// assert_eq!(throttled.error_code(), Some(ErrorCode::ThrottlingException));
    /// assert_eq!(RequestOutcome::Success.error_code(), None);
    /// ```
    pub fn error_code(&self) -> Option<ErrorCode> {
        match self {
            RequestOutcome::Error { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// One request as the journal keeps it.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{ClockMode, FakeSqs, Protocol};
///
/// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
/// client.send_message().queue_url(&url).message_body("work").send().await.unwrap();
///
/// let send = &sqs.requests()[1];
/// assert_eq!(send.action, "SendMessage");
/// assert_eq!(send.protocol, Protocol::Json);
/// assert_eq!(send.queue_url.as_deref(), Some(url.as_str()));
/// assert_eq!(send.params["MessageBody"], "work");
/// assert!(send.outcome.is_success());
/// assert_eq!(send.at(), sqs.clock().now());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// Its place among the requests the fake answered, from 1.
    pub seq: u64,
    /// When it arrived, on the fake's clock, in milliseconds since the Unix epoch
    /// ([`RecordedRequest::at`] as a `SystemTime`).
    pub at_millis: u64,
    /// The action as the request named it (empty when it named none).
    pub action: String,
    /// The protocol it came in on.
    pub protocol: Protocol,
    /// The queue it was about: the `QueueUrl` it gave, else the one CreateQueue or
    /// GetQueueUrl answered.
    pub queue_url: Option<String>,
    /// Its parameters, decoded: the members of the SQS model by their JSON names
    /// (`QueueUrl`, `MessageBody`, `Entries`…). A Query request's values are all
    /// strings, as sent.
    pub params: serde_json::Value,
    /// How it ended.
    pub outcome: RequestOutcome,
    /// The faults that applied to it, in the order they were added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultId>,
    /// What chaos did to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chaos: Vec<ChaosEvent>,
}

impl RecordedRequest {
    /// When it arrived, on the fake's clock.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// use fake_sqs::{ClockMode, FakeSqs};
    ///
    /// let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
    /// let client = sqs.client().await;
    /// client.list_queues().send().await.unwrap();
    /// sqs.clock().advance(Duration::from_secs(60));
    /// client.list_queues().send().await.unwrap();
    /// let requests = sqs.requests();
    /// assert_eq!(requests[1].at().duration_since(requests[0].at()).unwrap(), Duration::from_secs(60));
    /// # }
    /// ```
    pub fn at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.at_millis)
    }

    /// Whether it was a request for `action`.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.client().await.list_queues().send().await.unwrap();
    /// assert!(sqs.requests()[0].is(Action::ListQueues));
    /// # }
    /// ```
    pub fn is(&self, action: Action) -> bool {
        self.action == action.as_str()
    }

    /// Whether it was about `queue`: a queue name, or a queue URL in any host form
    /// (only the account and name in its path count). A CreateQueue or GetQueueUrl that
    /// failed is about the `QueueName` it gave.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::FakeSqs;
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// let create = &sqs.requests()[0];
    /// assert!(create.is_about("jobs"));
    /// assert!(create.is_about(&url.replace("127.0.0.1", "localhost")));
    /// assert!(!create.is_about("other"));
    /// # }
    /// ```
    pub fn is_about(&self, queue: &str) -> bool {
        self.queue_named()
            .is_some_and(|named| same_queue(named, queue))
    }

    /// The queue the request named: its URL, or the `QueueName` of a request that names
    /// its queue so (CreateQueue, GetQueueUrl).
    pub(crate) fn queue_named(&self) -> Option<&str> {
        self.queue_url
            .as_deref()
            .or_else(|| self.params.get("QueueName").and_then(|v| v.as_str()))
    }
}

/// The requests of [`FakeSqs::requests`](crate::FakeSqs::requests), oldest first, with filters. It derefs to a
/// slice of [`RecordedRequest`]; in JSON (serde), a list of them.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{Action, FakeSqs};
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
/// for body in ["a", "b"] {
///     client.send_message().queue_url(&url).message_body(body).send().await.unwrap();
/// }
/// let sends = sqs.requests().by_action(Action::SendMessage).by_queue("jobs");
/// assert_eq!(sends.len(), 2);
/// let bodies: Vec<_> = sends.iter().map(|r| r.params["MessageBody"].as_str().unwrap()).collect();
/// assert_eq!(bodies, ["a", "b"]);
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Requests(Vec<RecordedRequest>);

impl Requests {
    /// Only the requests for `action`.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// client.list_queues().send().await.unwrap();
    /// client.create_queue().queue_name("jobs").send().await.unwrap();
    /// assert_eq!(sqs.requests().by_action(Action::CreateQueue).len(), 1);
    /// # }
    /// ```
    pub fn by_action(self, action: Action) -> Requests {
        Requests(self.0.into_iter().filter(|r| r.is(action)).collect())
    }

    /// Only the requests about `queue` (see [`RecordedRequest::is_about`]).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::FakeSqs;
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// for name in ["a", "b"] {
    ///     client.create_queue().queue_name(name).send().await.unwrap();
    /// }
    /// assert_eq!(sqs.requests().by_queue("b")[0].seq, 2);
    /// # }
    /// ```
    pub fn by_queue(self, queue: &str) -> Requests {
        Requests(self.0.into_iter().filter(|r| r.is_about(queue)).collect())
    }
}

impl std::ops::Deref for Requests {
    type Target = [RecordedRequest];

    fn deref(&self) -> &[RecordedRequest] {
        &self.0
    }
}

impl IntoIterator for Requests {
    type Item = RecordedRequest;
    type IntoIter = std::vec::IntoIter<RecordedRequest>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Requests {
    type Item = &'a RecordedRequest;
    type IntoIter = std::slice::Iter<'a, RecordedRequest>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A request as the journal keeps it, its body aside in the journal's buffer of bodies,
/// decoded again only when the journal is read. Decoded member trees would cost the
/// server a map and a string per member for every request, kept alive and freed
/// thousands of requests later, for a journal most tests never read; a body of its own
/// per request, an allocation and a free of memory long gone from the cache.
pub(crate) struct Kept {
    pub seq: u64,
    pub at_millis: u64,
    pub action: Cow<'static, str>,
    pub protocol: Protocol,
    /// Whether it was a POST: a Query request's members are in its body then.
    pub post: bool,
    /// Its path and query, when other than `/`.
    pub target: Option<Box<str>>,
    /// The QueueUrl that CreateQueue or GetQueueUrl answered.
    pub answered_url: Option<String>,
    pub outcome: RequestOutcome,
    pub faults: Vec<FaultId>,
    pub chaos: Vec<ChaosEvent>,
}

impl Kept {
    /// The request as [`FakeSqs::requests`](crate::FakeSqs::requests) shows it, its
    /// members decoded again as they were when it came (queue URLs of Query requests
    /// sent to a queue's path under `base_url`).
    fn recorded(&self, body: &[u8], base_url: &str) -> RecordedRequest {
        let params = request::members_again(
            self.protocol,
            &self.action,
            self.post,
            self.target.as_deref().unwrap_or("/"),
            body,
            base_url,
        );
        RecordedRequest {
            seq: self.seq,
            at_millis: self.at_millis,
            action: self.action.to_string(),
            protocol: self.protocol,
            queue_url: queue_url(&params, self.answered_url.as_deref()),
            params,
            outcome: self.outcome.clone(),
            faults: self.faults.clone(),
            chaos: self.chaos.clone(),
        }
    }
}

/// The queue a request was about: the `QueueUrl` it gave, else the one its answer gave.
pub(crate) fn queue_url(params: &serde_json::Value, answered: Option<&str>) -> Option<String> {
    params
        .get("QueueUrl")
        .and_then(serde_json::Value::as_str)
        .or(answered)
        .map(str::to_owned)
}

/// The bounded ring of recorded requests.
pub(crate) struct Journal {
    /// The requests kept, oldest first, each with the length of its body.
    entries: VecDeque<(Kept, usize)>,
    /// Their bodies, end to end, oldest first: one buffer written in order and dropped
    /// from the front, so that keeping a body allocates nothing once the buffer has
    /// grown to the journal's usual size.
    bodies: VecDeque<u8>,
    capacity: usize,
    /// The `seq` of the next request recorded (counted even when none is kept).
    next_seq: u64,
}

impl Journal {
    pub(crate) fn new(capacity: usize) -> Self {
        Journal {
            entries: VecDeque::new(),
            bodies: VecDeque::new(),
            capacity,
            next_seq: 1,
        }
    }

    /// Whether it keeps anything (a capacity of 0 turns it off).
    pub(crate) fn is_on(&self) -> bool {
        self.capacity > 0
    }

    /// The `seq` the next request gets; counts it.
    pub(crate) fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Keeps `request`, whose body was `body`, dropping the oldest past the bounds.
    pub(crate) fn push(&mut self, request: Kept, body: &[u8]) {
        if !self.is_on() {
            return;
        }
        self.bodies.extend(body);
        self.entries.push_back((request, body.len()));
        while self.entries.len() > self.capacity
            || (self.bodies.len() > JOURNAL_BODY_BUDGET && self.entries.len() > 1)
        {
            if let Some((_, len)) = self.entries.pop_front() {
                self.bodies.drain(..len);
            }
        }
    }

    /// The requests kept, decoded (queue URLs under `base_url`).
    pub(crate) fn requests(&self, base_url: &str) -> Requests {
        self.decoded_from(0, base_url)
    }

    /// The requests kept from the `first`-th on, decoded, each with its own body out of
    /// the shared buffer (which holds the bodies in the entries' order).
    fn decoded_from(&self, first: usize, base_url: &str) -> Requests {
        let mut start: usize = self.entries.range(..first).map(|(_, len)| len).sum();
        let mut body = Vec::new();
        let requests = self.entries.range(first..).map(|(kept, len)| {
            body.clear();
            body.extend(self.bodies.range(start..start + len));
            start += len;
            kept.recorded(&body, base_url)
        });
        Requests(requests.collect())
    }

    /// Forgets every request; numbering starts again from 1.
    pub(crate) fn clear(&mut self) {
        *self = Journal::new(self.capacity);
    }
}

/// Reading only what is new: the admin API's cursor (`GET /_fake-sqs/requests?after=N`).
impl Journal {
    /// The requests kept that were recorded after request `after` (a
    /// [`RecordedRequest::seq`]), decoded (queue URLs under `base_url`), and the `seq`
    /// of the latest request recorded, kept or not: where the next read starts. Only the
    /// new ones are decoded.
    pub(crate) fn requests_after(&self, base_url: &str, after: u64) -> (Requests, u64) {
        // Kept in `seq` order: the new ones are a run at the end.
        let first_new = self.entries.partition_point(|(k, _)| k.seq <= after);
        (self.decoded_from(first_new, base_url), self.next_seq - 1)
    }
}

impl Requests {
    /// Only the requests recorded after request `seq`: what is new since a test last
    /// looked, as the admin API's cursor gives it.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::FakeSqs;
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// client.list_queues().send().await.unwrap();
    /// let seen = sqs.requests().last().map_or(0, |r| r.seq);
    /// client.create_queue().queue_name("jobs").send().await.unwrap();
    ///
    /// let new: Vec<_> = sqs.requests().after(seen).iter().map(|r| r.action.clone()).collect();
    /// assert_eq!(new, ["CreateQueue"]);
    /// # }
    /// ```
    pub fn after(self, seq: u64) -> Requests {
        Requests(self.0.into_iter().filter(|r| r.seq > seq).collect())
    }
}
