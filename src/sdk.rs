//! Wiring for the AWS SDK for Rust: a config and a client already pointed at the fake.
//!
//! The config is built from parts, not loaded from the environment: a test's SDK
//! setup does not depend on the machine's `~/.aws` files or `AWS_*` variables, and the
//! crate needs neither `aws-config` nor a TLS stack, which the fake (plain HTTP on
//! loopback) has no use for.

mod plain_http;

use aws_sdk_sqs::config::{BehaviorVersion, Credentials, Region, SharedCredentialsProvider};
use aws_types::SdkConfig;

use crate::builder::{TEST_ACCESS_KEY, TEST_SECRET_KEY};
use crate::fake::FakeSqs;

impl FakeSqs {
    /// An SDK config for this fake: its endpoint, its region, static test credentials
    /// ([`TEST_ACCESS_KEY`](crate::TEST_ACCESS_KEY)), the latest behavior version, and
    /// an HTTP client for plain HTTP. The same type as `aws_config::SdkConfig`, so it
    /// also builds clients of other AWS services, or an SQS client with more settings.
    ///
    /// Nothing is read from the environment (`AWS_*` variables, `~/.aws` files), so a
    /// test behaves the same on every machine.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use aws_sdk_sqs::config::retry::RetryConfig;
    /// use fake_sqs::FakeSqs;
    ///
    /// let sqs = FakeSqs::start().await;
    /// let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
    ///     .retry_config(RetryConfig::disabled())
    ///     .build();
    /// let client = aws_sdk_sqs::Client::from_conf(config);
    /// assert!(client.list_queues().send().await.unwrap().queue_urls().is_empty());
    /// # }
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "aws-sdk")))]
    pub async fn sdk_config(&self) -> SdkConfig {
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(self.endpoint_url())
            .region(Region::new(self.region().to_owned()))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                TEST_ACCESS_KEY,
                TEST_SECRET_KEY,
                None,
                None,
                "fake-sqs",
            )))
            .http_client(plain_http::client())
            .build()
    }

    /// An SQS client for this fake, built from [`FakeSqs::sdk_config`].
    ///
    /// Build it on the runtime that uses it: its connections belong to the runtime it
    /// first ran on, and a client shared with a runtime that is blocked or gone stalls.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::FakeSqs;
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let created = client.create_queue().queue_name("jobs").send().await.unwrap();
    /// assert_eq!(created.queue_url(), Some(format!("{}/000000000000/jobs", sqs.endpoint_url()).as_str()));
    /// # }
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "aws-sdk")))]
    pub async fn client(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.sdk_config().await)
    }
}
