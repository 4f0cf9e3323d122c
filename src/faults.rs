//! Fault injection: SQS misbehaving on purpose, so that a test can prove the code under
//! test survives it.
//!
//! A [`Fault`] is plain data: which requests it matches (action, queue, protocol, which
//! of the matching calls, a probability) and what it does to them (an SQS error, a
//! delay, a dropped connection, failed batch entries). The service layer decides, for
//! every request and before the action runs, which faults apply (`service/faults.rs`).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::api::ActionName as Action;
use crate::error::ErrorCode;
use crate::protocol::Protocol;

/// What a fault does to a request it applies to. In JSON (serde): `{"error": {"code":
/// "ThrottlingException"}}`, `{"latency": {"millis": 200}}`, `"drop_connection"`,
/// `{"fail_entries": {"ids": ["b"], "code": "InternalError"}}`.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use fake_sqs::{ErrorCode, Fault, FaultEffect};
///
/// let fault = Fault::latency(Duration::from_millis(200));
/// assert_eq!(fault.effect, FaultEffect::Latency { millis: 200 });
/// let json = serde_json::to_value(Fault::error(ErrorCode::InternalError).effect).unwrap();
/// assert_eq!(json, serde_json::json!({"error": {"code": "InternalError"}}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultEffect {
    /// Answers with this SQS error instead of doing the action: the queue is untouched.
    Error {
        /// The error, with AWS's status, Query code and JSON `__type`.
        code: ErrorCode,
        /// Its text; AWS's usual text for the code when `None`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Waits this long, in real time, before the action (which then runs as usual).
    Latency {
        /// The delay, in milliseconds.
        millis: u64,
    },
    /// Closes the connection without an answer, instead of doing the action.
    DropConnection,
    /// For a batch action (SendMessageBatch, DeleteMessageBatch,
    /// ChangeMessageVisibilityBatch): the entries with these ids fail with this error,
    /// and are not done; the others are done and succeed.
    FailEntries {
        /// The ids of the entries that fail.
        ids: Vec<String>,
        /// Their error.
        code: ErrorCode,
        /// Its text; AWS's usual text for the code when `None`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
}

/// A fault to inject: which requests it matches, and what it does to them.
///
/// It matches requests for its `action` (any action when `None`), about its `queue` (a
/// name, or a URL in any host form; any queue when `None`), over its `protocol` (either
/// when `None`). Among the matching requests it applies to the `nth` (counted from 1;
/// from the first when `None`) and those after it, `times` times in all (once when
/// `nth` is set, else without end when `None`), each with the `probability` given (from
/// the fake's seeded random stream: the same on every run of a seeded fake).
///
/// An error or a dropped connection applies *instead of* the action: nothing happens to
/// the queue. A latency applies *before* it, in real time (client timeouts are real
/// time too), and the action then runs; it delays the answer, not the fake's clock.
/// Faults are tried in the order they were added: every matching latency applies, and
/// the first matching fault of another kind ends the search. They are decided once the
/// fake knows the request's action and has admitted its caller (a request for no SQS
/// action, or that the provider refuses, gets that answer, fault or not).
///
/// Added with [`FakeSqs::add_fault`](crate::FakeSqs::add_fault), which returns the [`FaultId`] that
/// [`FakeSqs::remove_fault`](crate::FakeSqs::remove_fault) takes. In JSON (serde), its fields, each optional but
/// `effect`: `{"action": "SendMessage", "queue": "jobs", "times": 2, "effect":
/// {"error": {"code": "ThrottlingException"}}}`.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use aws_sdk_sqs::error::ProvideErrorMetadata;
/// use aws_sdk_sqs::config::retry::RetryConfig;
/// use fake_sqs::{Action, ErrorCode, FakeSqs, Fault};
///
/// let sqs = FakeSqs::start().await;
/// let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
///     .retry_config(RetryConfig::disabled())
///     .build();
/// let client = aws_sdk_sqs::Client::from_conf(config);
/// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
///
/// sqs.add_fault(Fault::error(ErrorCode::ServiceUnavailable).on(Action::SendMessage).times(1));
/// let err = client.send_message().queue_url(&url).message_body("a").send().await.unwrap_err();
/// assert_eq!(err.code(), Some("ServiceUnavailable"));
/// assert_eq!(err.raw_response().unwrap().status().as_u16(), 503);
/// // Instead of the action: nothing was sent. And the fault is spent.
/// assert!(sqs.messages(&url).is_empty());
/// client.send_message().queue_url(&url).message_body("a").send().await.unwrap();
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fault {
    /// The action it matches; any when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// The queue it matches, by name or URL; any when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// The protocol it matches; either when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// The first matching call it applies to, counted from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<u64>,
    /// How many times it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    /// The chance (0 to 1) that it applies to a call it could apply to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// What it does.
    pub effect: FaultEffect,
}

impl Fault {
    fn with(effect: FaultEffect) -> Self {
        Fault {
            action: None,
            queue: None,
            protocol: None,
            nth: None,
            times: None,
            probability: None,
            effect,
        }
    }

    /// Answers with the SQS error `code` (its status, Query code, JSON `__type`, and
    /// AWS's text) instead of doing the action.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use aws_sdk_sqs::error::ProvideErrorMetadata;
    /// use fake_sqs::{ErrorCode, FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.add_fault(Fault::error(ErrorCode::KmsThrottled));
    /// let err = sqs.client().await.list_queues().send().await.unwrap_err();
    /// assert_eq!(err.code(), Some("KMS.ThrottlingException"));
    /// # }
    /// ```
    pub fn error(code: ErrorCode) -> Self {
        Fault::with(FaultEffect::Error {
            code,
            message: None,
        })
    }

    /// Waits `delay` in real time before the action, which then runs.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::{Duration, Instant};
    /// use fake_sqs::{Action, FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.add_fault(Fault::latency(Duration::from_millis(50)).on(Action::ListQueues));
    /// let started = Instant::now();
    /// sqs.client().await.list_queues().send().await.unwrap();
    /// assert!(started.elapsed() >= Duration::from_millis(50));
    /// # }
    /// ```
    pub fn latency(delay: Duration) -> Self {
        Fault::with(FaultEffect::Latency {
            millis: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// Closes the connection without an answer, instead of doing the action. The AWS
    /// SDK for Rust reports it as a dispatch failure (after its retries).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use aws_sdk_sqs::config::retry::RetryConfig;
    /// use fake_sqs::{Action, FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
    ///     .retry_config(RetryConfig::disabled())
    ///     .build();
    /// sqs.add_fault(Fault::drop_connection().on(Action::ListQueues));
    /// let err = aws_sdk_sqs::Client::from_conf(config).list_queues().send().await.unwrap_err();
    /// assert!(matches!(err, aws_sdk_sqs::error::SdkError::DispatchFailure(_)));
    /// # }
    /// ```
    pub fn drop_connection() -> Self {
        Fault::with(FaultEffect::DropConnection)
    }

    /// For a batch action: the entries with these ids fail with `code`, and the others
    /// are done.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use aws_sdk_sqs::types::SendMessageBatchRequestEntry as Entry;
    /// use fake_sqs::{Action, ErrorCode, FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// sqs.add_fault(Fault::fail_entries(["b"], ErrorCode::InternalError).on(Action::SendMessageBatch));
    ///
    /// let entry = |id: &str| Entry::builder().id(id).message_body(id).build().unwrap();
    /// let sent = client.send_message_batch().queue_url(&url)
    ///     .entries(entry("a")).entries(entry("b"))
    ///     .send().await.unwrap();
    /// assert_eq!(sent.successful()[0].id(), "a");
    /// assert_eq!((sent.failed()[0].id(), sent.failed()[0].code()), ("b", "InternalError"));
    /// assert!(!sent.failed()[0].sender_fault());
    /// assert_eq!(sqs.messages(&url).len(), 1);
    /// # }
    /// ```
    pub fn fail_entries<I, S>(ids: I, code: ErrorCode) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Fault::with(FaultEffect::FailEntries {
            ids: ids.into_iter().map(Into::into).collect(),
            code,
            message: None,
        })
    }

    /// Matches only requests for `action`.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{Action, ErrorCode, Fault};
    ///
    /// let fault = Fault::error(ErrorCode::RequestThrottled).on(Action::ReceiveMessage);
    /// assert_eq!(fault.action, Some(Action::ReceiveMessage));
    /// ```
    pub fn on(mut self, action: Action) -> Self {
        self.action = Some(action);
        self
    }

    /// Matches only requests about `queue`: a queue name, or its URL in any host form.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{ErrorCode, FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let jobs = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// let other = client.create_queue().queue_name("other").send().await.unwrap().queue_url.unwrap();
    /// sqs.add_fault(Fault::error(ErrorCode::AccessDenied).on_queue("jobs"));
    /// client.purge_queue().queue_url(&other).send().await.unwrap();
    /// client.purge_queue().queue_url(&jobs).send().await.unwrap_err();
    /// # }
    /// ```
    pub fn on_queue(mut self, queue: impl Into<String>) -> Self {
        self.queue = Some(queue.into());
        self
    }

    /// Matches only requests over `protocol`.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{ErrorCode, Fault, Protocol};
    ///
    /// let fault = Fault::error(ErrorCode::InternalError).over(Protocol::Query);
    /// assert_eq!(fault.protocol, Some(Protocol::Query));
    /// ```
    pub fn over(mut self, protocol: Protocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// Applies from the `n`-th matching call on (counted from 1), once unless
    /// [`Fault::times`] says more: `nth(3)` is the third call alone, `nth(3).times(2)`
    /// the third and fourth.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, ErrorCode, FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// sqs.add_fault(Fault::error(ErrorCode::QueueDoesNotExist).on(Action::ListQueues).nth(2));
    /// assert!(client.list_queues().send().await.is_ok());
    /// assert!(client.list_queues().send().await.is_err());
    /// assert!(client.list_queues().send().await.is_ok());
    /// # }
    /// ```
    pub fn nth(mut self, n: u64) -> Self {
        self.nth = Some(n.max(1));
        self
    }

    /// Applies `k` times, then is spent (it stays listed in [`FakeSqs::faults`](crate::FakeSqs::faults)).
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{ErrorCode, Fault};
    ///
    /// let fault = Fault::error(ErrorCode::ThrottlingException).times(2);
    /// assert_eq!(fault.times, Some(2));
    /// ```
    pub fn times(mut self, k: u64) -> Self {
        self.times = Some(k);
        self
    }

    /// Applies to each call it could apply to with chance `p` (0 to 1), drawn from
    /// the fake's seeded random stream.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{ErrorCode, Fault};
    ///
    /// let flaky = Fault::error(ErrorCode::InternalError).probability(0.1);
    /// assert_eq!(flaky.probability, Some(0.1));
    /// ```
    pub fn probability(mut self, p: f64) -> Self {
        self.probability = Some(p);
        self
    }

    /// The text of the error this fault answers with, instead of AWS's usual one.
    /// Only errors and failed batch entries have a text.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use aws_sdk_sqs::error::ProvideErrorMetadata;
    /// use fake_sqs::{ErrorCode, FakeSqs, Fault};
    ///
    /// let sqs = FakeSqs::start().await;
    /// let text = "Access to the resource https://sqs.us-east-1.amazonaws.com/ is denied.";
    /// sqs.add_fault(Fault::error(ErrorCode::AccessDenied).message(text));
    /// let err = sqs.client().await.list_queues().send().await.unwrap_err();
    /// assert_eq!(err.message(), Some(text));
    /// # }
    /// ```
    pub fn message(mut self, text: impl Into<String>) -> Self {
        match &mut self.effect {
            FaultEffect::Error { message, .. } | FaultEffect::FailEntries { message, .. } => {
                *message = Some(text.into());
            }
            FaultEffect::Latency { .. } | FaultEffect::DropConnection => {}
        }
        self
    }
}

/// The id of an added fault, for [`FakeSqs::remove_fault`](crate::FakeSqs::remove_fault). In JSON (serde), a number.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{ErrorCode, FakeSqs, Fault};
///
/// let sqs = FakeSqs::start().await;
/// let id = sqs.add_fault(Fault::error(ErrorCode::InternalError));
/// assert_eq!(sqs.faults()[0].id, id);
/// assert_eq!(serde_json::to_string(&id).unwrap(), "1");
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FaultId(pub u64);

/// A fault as [`FakeSqs::faults`](crate::FakeSqs::faults) lists it: its id, itself, and how it has fared.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{Action, ErrorCode, FakeSqs, Fault};
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// sqs.add_fault(Fault::error(ErrorCode::QueueDoesNotExist).on(Action::ListQueues).nth(2));
/// for _ in 0..3 {
///     let _ = client.list_queues().send().await;
/// }
/// let status = &sqs.faults()[0];
/// assert_eq!((status.matched, status.applied, status.spent), (3, 1, true));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FaultStatus {
    /// Its id.
    pub id: FaultId,
    /// The fault.
    pub fault: Fault,
    /// How many requests it matched (action, queue, protocol).
    pub matched: u64,
    /// How many it applied to.
    pub applied: u64,
    /// Whether it will apply to no more (its `nth` and `times` are used up).
    pub spent: bool,
}
