//! Integration tests: each drives a running fake over HTTP, with the AWS SDK for Rust
//! or with raw Query/JSON requests, and moves the fake's clock instead of sleeping.

mod support;

mod access;
mod admin;
mod admin_toolkit;
mod batch;
mod chaos;
mod client_regressions;
mod clock;
mod connections;
mod dashboard;
#[cfg(feature = "durable")]
mod data_dir;
mod declared_queues;
mod dlq;
mod errors;
mod expectations;
mod faults;
mod fifo;
mod fifo_group_line;
mod hostile;
mod inspection;
mod journal;
mod lifecycle;
mod list_queues_prefix;
mod long_poll;
mod message_timers;
mod messages;
mod move_tasks;
mod no_action;
mod permissions;
mod protocols;
mod queue_urls;
#[rustfmt::skip]
mod readme;
mod reset;
mod robustness;
mod scaleway;
mod signatures;
mod soak;
mod visibility;
mod yandex;
