//! A faithful, fast Amazon SQS for integration tests.
//!
//! `fake-sqs` gives each test its own SQS. [`FakeSqs::start`] binds a server on an
//! ephemeral loopback port that speaks both SQS wire protocols (AWS JSON 1.0 and AWS
//! Query) as AWS does, with AWS's error codes, texts and statuses. Each fake has fresh
//! state, its own server thread, and a [`Clock`] the test moves, so visibility
//! timeouts, delays and retention need no sleeping.
//!
//! ```toml
//! [dev-dependencies]
//! fake-sqs = "0.1"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! # A tour
//!
//! ## Start a fake
//!
//! [`FakeSqs::start`] gives a server with AWS's defaults; [`FakeSqs::client`] gives an
//! [`aws_sdk_sqs::Client`] already pointed at it, with test credentials and the fake's
//! region. Dropping the [`FakeSqs`] stops its server.
//!
//! ```
//! use fake_sqs::FakeSqs;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), aws_sdk_sqs::Error> {
//! let sqs = FakeSqs::start().await;
//! let client = sqs.client().await;
//!
//! let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
//! client.send_message().queue_url(&url).message_body("work").send().await?;
//! let received = client.receive_message().queue_url(&url).send().await?;
//! assert_eq!(received.messages()[0].body(), Some("work"));
//! # Ok(())
//! # }
//! ```
//!
//! There is no global state: every fake is its own server, so tests run in parallel and
//! a test may start several. The server runs on a thread of its own, so a fake serves
//! under `#[tokio::test]`, on a multi-thread runtime, and in code that blocks
//! ([`FakeSqsBuilder::start_blocking`] starts one without a runtime).
//!
//! Code that builds its own client takes [`FakeSqs::endpoint_url`] (and any
//! credentials), or [`FakeSqs::sdk_config`], which also builds clients with other
//! settings. Tools in other languages use the [binary](#the-binary).
//!
//! ## The clock
//!
//! Every timer of the fake (visibility timeouts, delays, retention, the 60-second
//! cooldowns, long-poll deadlines) reads the fake's [`Clock`]. By default it follows
//! real time; [`ClockMode::Paused`] stands it still until the test calls
//! [`Clock::advance`] or [`Clock::set`], which also wake long polls whose wait has
//! passed. [`ClockMode::AutoAdvance`] is paused too, but moves by itself to the next
//! moment something would happen whenever the only requests in the fake are long polls
//! waiting: a test that forgets to move the clock does not hang.
//!
//! ```
//! use std::time::Duration;
//! use fake_sqs::{ClockMode, FakeSqs};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), aws_sdk_sqs::Error> {
//! let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
//! let client = sqs.client().await;
//! let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
//! client.send_message().queue_url(&url).message_body("work").send().await?;
//!
//! // Received and not deleted: in flight for the queue's 30 s visibility timeout.
//! client.receive_message().queue_url(&url).send().await?;
//! assert!(client.receive_message().queue_url(&url).send().await?.messages().is_empty());
//!
//! // 31 s later, without sleeping, it is back.
//! sqs.clock().advance(Duration::from_secs(31));
//! let again = client.receive_message().queue_url(&url).send().await?;
//! assert_eq!(again.messages()[0].body(), Some("work"));
//! # Ok(())
//! # }
//! ```
//!
//! A worker that long-polls waits in the fake until a message arrives or the clock
//! passes its wait. [`FakeSqs::wait_for_receivers`] waits (without sleeping) until the
//! worker is idle in a poll, so that the test knows when to send or to move the clock:
//!
//! ```
//! use std::time::Duration;
//! use fake_sqs::{ClockMode, FakeSqs};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
//! let client = sqs.client().await;
//! let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
//!
//! // A 20 s long poll on an empty queue: it waits.
//! let poll = tokio::spawn({
//!     let (client, url) = (client.clone(), url.clone());
//!     async move { client.receive_message().queue_url(url).wait_time_seconds(20).send().await }
//! });
//! sqs.wait_for_receivers(1).await;
//!
//! // The clock passes the wait: the poll answers, empty.
//! sqs.clock().advance(Duration::from_secs(20));
//! assert!(poll.await??.messages().is_empty());
//! # Ok(())
//! # }
//! ```
//!
//! ## Inspection
//!
//! [`FakeSqs::queues`], [`FakeSqs::queue`] and [`FakeSqs::messages`] show the fake's
//! state for assertions. Reading changes nothing a client could see: no receive count,
//! no visibility. A URL that names no queue panics with the URLs there are (the `try_`
//! forms return the error), so an assertion cannot pass on a misspelt URL. The views
//! serialize with serde, for `insta::assert_json_snapshot!`.
//!
//! ```
//! use fake_sqs::{FakeSqs, MessageState};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), aws_sdk_sqs::Error> {
//! let sqs = FakeSqs::start().await;
//! let client = sqs.client().await;
//! let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
//! client.send_message().queue_url(&url).message_body("work").send().await?;
//! client.receive_message().queue_url(&url).send().await?;
//!
//! let queue = &sqs.queues()[0];
//! assert_eq!((queue.name.as_str(), queue.visible, queue.in_flight), ("jobs", 0, 1));
//! let message = &sqs.messages(&url)[0];
//! assert_eq!(message.receive_count, 1);
//! assert!(matches!(message.state, MessageState::InFlight { .. }));
//! # Ok(())
//! # }
//! ```
//!
//! ## Seeds
//!
//! MessageIds, receipt handles and RequestIds are random unless the fake has a
//! [seed](FakeSqsBuilder::seed): then the same requests get the same ids on every run,
//! which makes snapshots of whole answers stable. [`FakeSqsBuilder::advertised_url`]
//! keeps the ephemeral port out of queue URLs, for the same reason.
//!
//! ```
//! use fake_sqs::FakeSqs;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), aws_sdk_sqs::Error> {
//! async fn first_message_id(sqs: &FakeSqs) -> Result<String, aws_sdk_sqs::Error> {
//!     let client = sqs.client().await;
//!     let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
//!     let sent = client.send_message().queue_url(url).message_body("work").send().await?;
//!     Ok(sent.message_id.unwrap())
//! }
//!
//! let one = FakeSqs::builder().seed(42).start().await;
//! let two = FakeSqs::builder().seed(42).start().await;
//! assert_eq!(first_message_id(&one).await?, first_message_id(&two).await?);
//! # Ok(())
//! # }
//! ```
//!
//! ## One fake for many tests
//!
//! A fake starts in well under a millisecond, so one per test is the simple choice. A
//! `static` fake can serve a whole test binary instead: [`FakeSqsBuilder::start_blocking`]
//! starts it without `.await`, and [`FakeSqs::reset`] empties it on the same port. Each
//! test builds its own client, on its own runtime: a client keeps its connections on the
//! runtime it first ran on, and stalls when shared with another.
//!
//! ```
//! use std::sync::LazyLock;
//! use fake_sqs::FakeSqs;
//!
//! static SQS: LazyLock<FakeSqs> = LazyLock::new(|| FakeSqs::builder().start_blocking());
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), aws_sdk_sqs::Error> {
//! // In each test:
//! let client = SQS.client().await;
//! client.create_queue().queue_name("mine").send().await?;
//! SQS.reset();
//! assert!(SQS.queues().is_empty());
//! # Ok(())
//! # }
//! ```
//!
//! ## Testing failure paths
//!
//! The fake misbehaves on purpose, and records what the code under test called.
//! A [`Fault`] ([`FakeSqs::add_fault`]) answers matching requests with any SQS error
//! ([`ErrorCode`], with AWS's status and codes) instead of doing them, delays them in
//! real time, drops their connection, or fails chosen entries of a batch.
//! [`FakeSqs::requests`] is the journal of every request answered. Here the AWS SDK's
//! retry policy gets through two throttled sends:
//!
//! ```
//! use std::time::Duration;
//! use aws_sdk_sqs::config::retry::RetryConfig;
//! use fake_sqs::{Action, ErrorCode, FakeSqs, Fault};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), aws_sdk_sqs::Error> {
//! let sqs = FakeSqs::start().await;
//! let retries = RetryConfig::standard().with_initial_backoff(Duration::from_millis(10));
//! let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await).retry_config(retries).build();
//! let client = aws_sdk_sqs::Client::from_conf(config);
//! let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
//!
//! sqs.add_fault(Fault::error(ErrorCode::ThrottlingException).on(Action::SendMessage).times(2));
//! client.send_message().queue_url(&url).message_body("work").send().await?;
//!
//! let sends = sqs.requests().by_action(Action::SendMessage);
//! assert_eq!(sends.len(), 3);
//! assert_eq!(sends[0].outcome.error_code(), Some(ErrorCode::ThrottlingException));
//! assert_eq!(sqs.messages(&url).len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! [Expectations](FakeSqs::expect) say what the code should call; dropping the fake
//! checks them, and fails the test with what was expected and what came.
//! [`Chaos`] gives standard queues the liberties of at-least-once delivery, seeded:
//! duplicates (even of deleted messages), short receives, messages out of order, and
//! deletes with older receipt handles that do not delete.
//!
//! ```
//! use fake_sqs::{Action, Chaos, FakeSqs};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), aws_sdk_sqs::Error> {
//! let sqs = FakeSqs::builder().seed(7).chaos(Chaos::new().duplicates(1.0)).start().await;
//! let client = sqs.client().await;
//! let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
//! sqs.expect(Action::DeleteMessage).on_queue(&url).times(2);
//!
//! client.send_message().queue_url(&url).message_body("once").send().await?;
//! for _ in 0..2 {
//!     // The second receive delivers the deleted message again: at least once.
//!     let received = client.receive_message().queue_url(&url).send().await?;
//!     let message = &received.messages()[0];
//!     assert_eq!(message.body(), Some("once"));
//!     let handle = message.receipt_handle().unwrap();
//!     client.delete_message().queue_url(&url).receipt_handle(handle).send().await?;
//! }
//! sqs.verify(); // as dropping `sqs` would
//! # Ok(())
//! # }
//! ```
//!
//! ## AWS's rules, and relaxing them
//!
//! The defaults are AWS's behaviour, strict: a deleted queue's name is taken for 60
//! seconds, a queue may be purged once a minute, 120,000 messages may be in flight.
//! A test that wants otherwise says so: [`FakeSqsBuilder::allow_immediate_queue_recreation`],
//! [`FakeSqsBuilder::allow_repeated_purge`], [`FakeSqsBuilder::in_flight_limit`].
//!
//! Queues belong to their account: only the owner, or an account the queue's policy
//! allows (AddPermission, or a `Policy` attribute), may act on one. Any access key works
//! until credentials are declared with [`FakeSqsBuilder::credential`]; then each acts as
//! its account and every signature is checked, as on AWS (unknown keys, wrong secrets,
//! stale timestamps, presigned URLs). Queue URLs name the host each request was sent to.
//!
//! ## Dialects
//!
//! Teams on another SQS-compatible provider can have a fake that fails where their
//! provider fails: [`Dialect::Scaleway`] (Scaleway Messaging and Queuing: its subset of
//! the API, its credentials and permissions, its management API) and
//! [`Dialect::Yandex`] (Yandex Message Queue: the Query protocol only, its URLs, its
//! attribute set and limits).
//!
//! ```
//! use aws_sdk_sqs::error::ProvideErrorMetadata;
//! use fake_sqs::{Dialect, FakeSqs};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), aws_sdk_sqs::Error> {
//! let sqs = FakeSqs::builder().dialect(Dialect::Scaleway).start().await;
//! assert_eq!(sqs.region(), "fr-par");
//! let client = sqs.client().await;
//! let url = client.create_queue().queue_name("jobs").send().await?.queue_url.unwrap();
//!
//! // Scaleway has no queue tags.
//! let err = client.tag_queue().queue_url(&url).tags("team", "a").send().await.unwrap_err();
//! assert_eq!(err.code(), Some("AWS.SimpleQueueService.UnsupportedOperation"));
//! # Ok(())
//! # }
//! ```
//!
//! ## The binary
//!
//! The same server runs standalone, for tools and tests in any language:
//!
//! ```sh
//! cargo install fake-sqs-cli      # the `fake-sqs` command
//! fake-sqs --port 0 --seed 7        # prints its endpoint URL, e.g. http://127.0.0.1:41234
//! ```
//!
//! Its flags (`--host`, `--port`, `--dialect`, `--region`, `--account-id`, `--seed`,
//! `--config`, `--clock`, `--clock-start`, the relaxations, `--advertised-url`,
//! `--credential`, `--threads`, the connection timeouts, ..., each also read from a `FAKE_SQS_*`
//! variable) are the builder's settings; `fake-sqs --help` lists them. It logs one line
//! per request to stderr.
//!
//! On the same port, under `/_fake-sqs/`, it serves an admin API in JSON: the clock
//! (read, advance, set, mode), the queues and messages as [`FakeSqs::queues`] and
//! [`FakeSqs::messages`] show them, the request journal (with filters and a cursor),
//! faults, chaos and expectations (verified: 200, or 409 with the report), reset, and
//! waiting for long polls, so that a test in Python or TypeScript has the controls a
//! Rust test has, with the same types in JSON. Every fake serves it, the one a Rust
//! test starts too ([`FakeSqsBuilder::disable_admin_api`] turns it off). The README
//! lists the endpoints with `curl` examples. `/_fake-sqs/ui` is a dashboard over it, for
//! a browser: the queues, their messages, the move tasks ([`FakeSqs::move_tasks`]),
//! the clock with buttons that move it, and the latest requests.
//!
//! ## Queues declared up front
//!
//! [`FakeSqsBuilder::queue`] declares a queue that the fake creates when it starts and
//! again after every reset, with its attributes, tags and dead-letter queue;
//! [`FakeSqsBuilder::config_file`] (feature `config`) and the binary's `--config` read
//! the same declarations from a TOML file.
//!
//! ```
//! use fake_sqs::{FakeSqs, QueueConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let sqs = FakeSqs::builder()
//!     .queue(QueueConfig::new("jobs").attribute("VisibilityTimeout", "10").dead_letter("jobs-dlq", 3))
//!     .queue(QueueConfig::new("jobs-dlq"))
//!     .start()
//!     .await;
//! assert_eq!(sqs.queues().len(), 2);
//! # }
//! ```
//!
//! # Features
//!
//! | Feature | Default | What it adds |
//! |---|---|---|
//! | `aws-sdk` | yes | [`FakeSqs::sdk_config`] and [`FakeSqs::client`], with the AWS SDK for Rust (`aws-sdk-sqs`, without a TLS stack: the fake speaks plain HTTP) |
//! | `config` | no | [`FakeSqsBuilder::config_file`]: queues from a TOML file (`toml`, parsing only); the `fake-sqs` command turns it on |
//! | `durable` | no | [`FakeSqsBuilder::data_dir`]: queues, messages and the clock kept in a data directory across restarts (`rusqlite`, with SQLite built in); the `fake-sqs` command turns it on |
//!
//! Without `aws-sdk`, the crate has no AWS SDK dependency: point any client at
//! [`FakeSqs::endpoint_url`].

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// A tour of the house, for contributors (users read the guide above). One request takes
// one road, each layer importing only those below it:
//
//   server      HTTP only: reads the body, has the codec decode it, hands it to the
//   │           service, writes the codec's answer (`server/route.rs`); the Scaleway
//   │           management API (`server/scaleway_api.rs`) calls engine operations, and
//   │           so does the admin API (`admin/`, paths under `/_fake-sqs/`).
//   protocol    the codecs: a request becomes an action name and a member tree
//   │           (`protocol/request.rs`, `params.rs`), an outcome becomes JSON or XML.
//   service     the one place every request passes: who is calling (`caller.rs`:
//   │           scope, account, signature (`signature.rs`), issued credential, the
//   │           host queue URLs name (`host.rs`)), admission under the provider's
//   │           rules and the queue's policy (`admission.rs`, reading
//   │           `engine/policy.rs`), injected faults (`faults.rs`), dispatch, then
//   │           the journal and expectations (`controls.rs`), whatever the outcome.
//   actions     one file per action: parse the members, call one engine operation,
//   │           shape the answer; never each other.
//   engine      the state and every SQS rule: operations per area (`queues.rs`,
//               `sending.rs`, `receiving.rs` with long polling, `handles.rs`,
//               `move_tasks.rs`, `dead_letter.rs`, `credentials.rs`, `chaos.rs`), one
//               queue preamble (`Engine::on_queue`) that also wakes long polls.
//
// Beside the road: `api.rs` declares each action once (one table row); `rules.rs` is a
// provider as data, which `dialect/` fills for AWS, Scaleway and Yandex and the engine
// holds in its config; `limits.rs` names AWS's limits once; `error.rs` is the one table
// of SQS errors; `clock.rs` is the only source of time. The test author's controls are
// data with a file each (`faults.rs`, `chaos.rs`, `journal.rs`, `expect.rs`), serde
// types that the Rust API and the admin API share, and `toolkit.rs` puts them on the
// handle; `queue_match.rs` says when a queue named by a test is the one a request named.

mod actions;
mod admin;
mod api;
mod builder;
mod chaos;
mod clock;
mod config;
mod dialect;
mod durable;
mod engine;
mod error;
mod expect;
mod fake;
mod faults;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod ids;
mod inspect;
mod journal;
mod limits;
mod protocol;
mod queue_match;
mod rules;
#[cfg(feature = "aws-sdk")]
mod sdk;
mod serde_forms;
mod server;
mod service;
#[cfg(test)]
mod testing;
mod toolkit;
mod wait;

pub use api::{ActionName as Action, UnknownAction};
pub use builder::{FakeSqsBuilder, TEST_ACCESS_KEY, TEST_SECRET_KEY};
pub use chaos::{Chaos, ChaosEvent};
pub use clock::{Clock, ClockBackwards, ClockMode};
pub use config::{ConfigError, DeadLetter, QueueConfig};
pub use dialect::Dialect;
pub use error::ErrorCode;
pub use expect::{
    Expectation, ExpectationId, ExpectationReport, ExpectationSpec, Times, Verification,
};
pub use fake::FakeSqs;
pub use faults::{Fault, FaultEffect, FaultId, FaultStatus};
pub use ids::sender_id;
pub use inspect::{
    MessageAttribute, MessageInfo, MessageState, MoveTaskInfo, MoveTaskStatus, QueueInfo,
    UnknownQueue,
};
pub use journal::{RecordedRequest, RequestOutcome, Requests};
pub use protocol::Protocol;
pub use rules::Permissions;
pub use wait::{ReceiversTimeout, RECEIVERS_TIMEOUT};
