//! Wiring for the AWS SDK for Rust: a config and a client already pointed at the fake.

use aws_config::BehaviorVersion;
use aws_sdk_sqs::config::{Credentials, Region};

use crate::builder::{TEST_ACCESS_KEY, TEST_SECRET_KEY};
use crate::fake::FakeSqs;

impl FakeSqs {
    /// An [`aws_config::SdkConfig`] for this fake: its endpoint, its region, and static
    /// test credentials.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(self.endpoint_url())
            .region(Region::new(self.region().to_owned()))
            .credentials_provider(Credentials::new(
                TEST_ACCESS_KEY,
                TEST_SECRET_KEY,
                None,
                None,
                "fake-sqs",
            ))
            .load()
            .await
    }

    /// An SQS client for this fake.
    pub async fn client(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.sdk_config().await)
    }
}
