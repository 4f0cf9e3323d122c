//! A faithful, fast Amazon SQS for integration tests.
//!
//! [`FakeSqs::start`] binds a server on an ephemeral loopback port that speaks both SQS
//! wire protocols (AWS JSON 1.0 and AWS Query) as AWS does, with AWS's error codes,
//! texts and statuses. Each fake has fresh state, its own server thread, and a
//! [`Clock`] the test can move, so visibility timeouts, delays and retention need no
//! sleeping.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::time::Duration;
//! use fake_sqs::{ClockMode, FakeSqs};
//!
//! // A fake whose clock moves only when told to.
//! let sqs = FakeSqs::builder().clock(ClockMode::Paused(None)).start().await;
//! let client = sqs.client().await;
//!
//! let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
//! client.send_message().queue_url(&url).message_body("work").send().await.unwrap();
//!
//! // Receive without deleting: the message is in flight for 30 s.
//! let first = client.receive_message().queue_url(&url).send().await.unwrap();
//! assert_eq!(first.messages().len(), 1);
//! assert!(client.receive_message().queue_url(&url).send().await.unwrap().messages().is_empty());
//!
//! // Move the clock past the visibility timeout: the message is back.
//! sqs.clock().advance(Duration::from_secs(31));
//! let again = client.receive_message().queue_url(&url).send().await.unwrap();
//! assert_eq!(again.messages()[0].body(), Some("work"));
//! # }
//! ```
//!
//! # Tools for tests
//! - [`FakeSqs::wait_for_receivers`] waits until a worker's long poll is waiting, so a
//!   test can send to it or move the clock; [`Clock::set`] moves the clock to a time;
//!   [`ClockMode::AutoAdvance`] moves it by itself when only long polls are waiting.
//! - [`FakeSqs::queues`], [`FakeSqs::queue`] and [`FakeSqs::messages`] show the state
//!   without changing it, panic on a URL that names no queue, and serialize with serde
//!   (for `insta::assert_json_snapshot!`); [`FakeSqsBuilder::advertised_url`] keeps the
//!   ephemeral port out of queue URLs.
//! - [`FakeSqs::reset`] empties a fake on the same port, so one `static` fake can serve
//!   a whole test binary. Dropping a fake answers the long polls still waiting on it.
//!
//! # Layout
//! - `server`: hyper on its own runtime thread; `server::route` decodes, dispatches
//!   and encodes one request.
//! - `protocol`: the JSON and Query codecs, both to and from one member tree.
//! - `actions`: one file per SQS action: typed input, validation, apply.
//! - `engine`: queues and messages behind one lock; time only from [`Clock`].
//! - `clock`, `inspect`, `wait`: the test's side: time, read-only views, waiting for
//!   consumers.

#![warn(missing_docs)]

mod actions;
mod api;
mod builder;
mod clock;
mod dialect;
mod engine;
mod error;
mod fake;
mod ids;
mod inspect;
mod limits;
mod protocol;
mod rules;
#[cfg(feature = "aws-sdk")]
mod sdk;
mod server;
mod service;
#[cfg(test)]
mod testing;
mod wait;

pub use builder::{FakeSqsBuilder, TEST_ACCESS_KEY, TEST_SECRET_KEY};
pub use clock::{Clock, ClockMode};
pub use dialect::Dialect;
pub use engine::credentials::Permissions;
pub use fake::FakeSqs;
pub use ids::sender_id;
pub use inspect::{MessageAttribute, MessageInfo, MessageState, QueueInfo, UnknownQueue};
pub use wait::{ReceiversTimeout, RECEIVERS_TIMEOUT};
