//! Provider dialects: the same engine behaving like AWS (the default), Scaleway
//! Messaging and Queuing, or Yandex Message Queue.
//!
//! A dialect is data: [`Dialect::rules`] gives the provider's [`Rules`] (which requests
//! are admitted, which attributes exist, the limits, the URL and ARN shapes, quotas, how
//! answers are written), and the layers read those values. Nothing here runs a request.

mod aws;
mod scaleway;
mod yandex;

use crate::rules::Rules;

/// Which SQS provider the fake behaves like.
///
/// # Example
/// ```
/// use fake_sqs::{Dialect, FakeSqs};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let sqs = FakeSqs::builder().dialect(Dialect::Yandex).start().await;
/// // Yandex speaks the AWS Query protocol only (as boto3 and the AWS CLI can).
/// let answer = reqwest::Client::new()
///     .post(sqs.endpoint_url())
///     .form(&[("Action", "CreateQueue"), ("QueueName", "jobs")])
///     .send()
///     .await
///     .unwrap()
///     .text()
///     .await
///     .unwrap();
/// // Its queue URLs are /<folder id>/<queue id>/<name>.
/// let folder = Dialect::Yandex.default_account();
/// let start = format!("<QueueUrl>{}/{folder}/", sqs.endpoint_url());
/// assert!(answer.contains(&start) && answer.contains("/jobs</QueueUrl>"));
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Dialect {
    /// Amazon SQS (the default).
    #[default]
    Aws,
    /// Scaleway Messaging and Queuing (Queues): AWS's API minus what Scaleway's
    /// compatibility matrix leaves out, 256 KB messages, credentials with
    /// `can_publish` / `can_receive` / `can_manage`, and the management API under
    /// `/mnq/v1beta1/`.
    Scaleway,
    /// Yandex Message Queue: the Query protocol only, its own URL shape, attribute set,
    /// limits and XML.
    Yandex,
}

impl Dialect {
    /// The region SDKs use with this provider.
    /// A fake in this dialect has it unless [`FakeSqsBuilder::region`] says otherwise.
    ///
    /// [`FakeSqsBuilder::region`]: crate::FakeSqsBuilder::region
    ///
    /// # Example
    /// ```
    /// use fake_sqs::Dialect;
    ///
    /// assert_eq!(Dialect::Aws.default_region(), "us-east-1");
    /// assert_eq!(Dialect::Scaleway.default_region(), "fr-par");
    /// assert_eq!(Dialect::Yandex.default_region(), "ru-central1");
    /// ```
    pub fn default_region(self) -> &'static str {
        match self {
            Dialect::Aws => "us-east-1",
            Dialect::Scaleway => "fr-par",
            Dialect::Yandex => "ru-central1",
        }
    }

    /// The default owner of queues: an AWS account id, a Scaleway project id, or a
    /// Yandex folder id.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{Dialect, FakeSqs};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = FakeSqs::builder().dialect(Dialect::Scaleway).start().await;
    /// assert_eq!(sqs.account_id(), Dialect::Scaleway.default_account());
    /// # }
    /// ```
    pub fn default_account(self) -> &'static str {
        match self {
            Dialect::Aws => "000000000000",
            Dialect::Scaleway => "00000000-0000-4000-8000-000000000000",
            Dialect::Yandex => "b1g0000000000000fake",
        }
    }

    /// The provider's rules, which every layer reads.
    pub(crate) fn rules(self) -> &'static Rules {
        match self {
            Dialect::Aws => &aws::RULES,
            Dialect::Scaleway => &scaleway::RULES,
            Dialect::Yandex => &yandex::RULES,
        }
    }
}
