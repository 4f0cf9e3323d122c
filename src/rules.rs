//! A provider's rules as plain data: what the engine, the actions, the service and the
//! codecs read instead of asking which provider they serve.
//!
//! [`Rules`] is built once per dialect (`dialect/`), as a `static`, and held in the
//! engine's config. Nothing below the service layer names a provider: a rule that
//! differs between providers is a value here, and the code reads the value.

use crate::api::ActionName;
use crate::error::ErrorCode;

/// Everything that makes one SQS provider differ from another.
#[derive(Debug)]
pub(crate) struct Rules {
    /// The provider's name as its own error texts say it (`Scaleway Queues`).
    pub provider: &'static str,
    /// Which requests are admitted, before they are parsed.
    pub admission: Admission,
    /// Who a caller is: any signed request, or only one signed with a credential the
    /// provider issued.
    pub credentials: CredentialModel,
    /// The largest message (and `MaximumMessageSize`), and a batch's largest total.
    pub max_message_size: u32,
    /// Queue attributes CreateQueue and SetQueueAttributes accept (`None`: AWS's).
    pub settable_attributes: Option<&'static [&'static str]>,
    /// Queue attributes GetQueueAttributes shows (`None`: AWS's).
    pub shown_attributes: Option<&'static [&'static str]>,
    /// Message system attributes a receive may return (`None`: all of AWS's).
    pub system_attributes: Option<&'static [&'static str]>,
    /// How many messages a FIFO queue may have in flight.
    pub fifo_in_flight: FifoInFlight,
    /// A FIFO receive takes at most one message of each group.
    pub one_message_per_group: bool,
    /// FIFO messages need a MessageGroupId (a provider without groups has one implicit
    /// group per queue).
    pub requires_message_group: bool,
    /// Which timeouts ChangeMessageVisibility accepts.
    pub visibility_change: VisibilityChange,
    /// Per-account quotas, if the provider has any.
    pub quotas: Option<Quotas>,
    /// The path of a queue's URL below the endpoint.
    pub url: UrlShape,
    /// A queue's ARN.
    pub arn: ArnShape,
    /// How answers are written.
    pub codec: CodecOptions,
    /// The provider's management API (credentials, activation) is served beside SQS's.
    pub management_api: bool,
}

/// Which requests a provider takes at all.
#[derive(Debug)]
pub(crate) struct Admission {
    /// Requests in AWS JSON 1.0 are served (else refused with `MissingAction`).
    pub json: bool,
    /// The actions served and the permission each needs; `None`: all of SQS's, with no
    /// permission model.
    pub actions: Option<&'static [(ActionName, Need)]>,
    /// How an action outside `actions` is refused.
    pub unsupported_action: Unsupported,
    /// Parameters refused per action: of the request, and of each batch entry.
    pub unsupported_parameters: &'static [UnsupportedParameters],
}

/// Parameters a provider refuses on one action.
#[derive(Debug)]
pub(crate) struct UnsupportedParameters {
    pub action: ActionName,
    /// Members of the request.
    pub request: &'static [&'static str],
    /// Members of each batch entry.
    pub entry: &'static [&'static str],
}

/// How a provider answers an action it does not serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unsupported {
    /// As an unknown action: `InvalidAction`.
    AsUnknown,
    /// `UnsupportedOperation`, naming the provider.
    AsUnsupported,
}

/// The permission a credential needs for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Manage,
    Publish,
    Receive,
    ReceiveOrManage,
    /// Any one of the three.
    Any,
}

/// What an issued credential may do (Scaleway's `can_publish`, `can_receive`,
/// `can_manage`).
///
/// # Example
/// ```
/// use fake_sqs::{Dialect, FakeSqs, Permissions};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let consumer = Permissions { can_receive: true, ..Permissions::default() };
/// let sqs = FakeSqs::builder()
///     .dialect(Dialect::Scaleway)
///     .scaleway_credential("SCWCONSUMER000000000", "secret", consumer)
///     .start()
///     .await;
/// # drop(sqs);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Permissions {
    /// Send messages.
    pub can_publish: bool,
    /// Receive, delete, and change the visibility of messages.
    pub can_receive: bool,
    /// Everything else: create, list, configure, purge and delete queues.
    pub can_manage: bool,
}

impl Permissions {
    /// All three permissions.
    ///
    /// # Example
    /// ```
    /// let all = fake_sqs::Permissions::all();
    /// assert!(all.can_publish && all.can_receive && all.can_manage);
    /// ```
    pub fn all() -> Self {
        Permissions {
            can_publish: true,
            can_receive: true,
            can_manage: true,
        }
    }
}

/// Who a caller is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialModel {
    /// The credential scope says the region; a 12-digit access key is the account, any
    /// other key the default account.
    Scope,
    /// Only keys the provider issued are accepted: the key's credential says the
    /// account (project) and region, and the account must have the service activated.
    Issued,
}

/// How many messages a FIFO queue may have in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FifoInFlight {
    /// The fake's configured limit, as for standard queues.
    Configured,
    /// Exactly this many.
    Exactly(usize),
    /// The configured limit, but at most this many.
    AtMost(usize),
}

impl FifoInFlight {
    /// The in-flight limit of a queue, given the fake's configured limit.
    pub(crate) fn limit(self, fifo: bool, configured: usize) -> usize {
        match (fifo, self) {
            (false, _) | (true, FifoInFlight::Configured) => configured,
            (true, FifoInFlight::Exactly(n)) => n,
            (true, FifoInFlight::AtMost(n)) => configured.min(n),
        }
    }
}

/// Which timeouts ChangeMessageVisibility accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VisibilityChange {
    /// Any in range (AWS).
    Any,
    /// Only 0 or the queue's own VisibilityTimeout.
    ZeroOrQueueTimeout,
}

/// Limits on what one account (project) may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quotas {
    /// Queues per account and region.
    pub max_queues: usize,
    /// Bytes all queues of an account and region may hold.
    pub max_stored_bytes: usize,
}

/// The path of a queue URL: `/<account_prefix><account>/[<queue id>/]<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UrlShape {
    /// Written before the account (`project-`), and taken off when read.
    pub account_prefix: &'static str,
    /// When set, a segment naming the queue's incarnation comes between account and
    /// name, starting with this prefix: a re-created queue gets a new URL.
    pub queue_id_prefix: Option<&'static str>,
}

/// A queue ARN: `<prefix>:<region>:<account_prefix><account>:<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArnShape {
    /// `arn:aws:sqs`.
    pub prefix: &'static str,
    /// Written before the account (`project-`).
    pub account_prefix: &'static str,
}

impl ArnShape {
    /// The ARN of queue `name` of `account` in `region`.
    pub(crate) fn of(&self, region: &str, account: &str, name: &str) -> String {
        format!(
            "{}:{region}:{}{account}:{name}",
            self.prefix, self.account_prefix
        )
    }
}

/// How the codecs write answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CodecOptions {
    /// XML answers carry SQS's namespace.
    pub xml_namespace: bool,
    /// Batch error entries carry `SenderFault`.
    pub sender_fault_in_batches: bool,
    /// Answers may be JSON (else every answer is XML, whatever was asked).
    pub json_answers: bool,
    /// A Query request with `Accept: application/json` gets the JSON form of its answer.
    pub json_for_query_accept: bool,
    /// HTTP statuses that differ from AWS's for an error code.
    pub status_overrides: &'static [(ErrorCode, u16)],
}

impl CodecOptions {
    /// The HTTP status of an error.
    pub(crate) fn status(&self, code: ErrorCode) -> u16 {
        self.status_overrides
            .iter()
            .find(|(c, _)| *c == code)
            .map_or_else(|| code.wire().status, |(_, s)| *s)
    }
}
