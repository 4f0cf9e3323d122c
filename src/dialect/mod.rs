//! Provider dialects: the same engine behaving like AWS (the default), Scaleway
//! Messaging and Queuing, or Yandex Message Queue.
//!
//! A dialect decides which requests are admitted (protocols, actions, parameters,
//! permissions), which attributes exist, the limits, the URL and ARN shapes, and how
//! answers are written. Everything else is the shared engine.

pub(crate) mod credentials;
pub(crate) mod scaleway;
pub(crate) mod yandex;

use crate::actions::Ctx;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::protocol::params::Params;
use crate::protocol::Protocol;

/// Which SQS provider the fake behaves like.
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
    pub fn default_region(self) -> &'static str {
        match self {
            Dialect::Aws => "us-east-1",
            Dialect::Scaleway => "fr-par",
            Dialect::Yandex => "ru-central1",
        }
    }

    /// The default owner of queues: an AWS account id, a Scaleway project id, or a
    /// Yandex folder id.
    pub fn default_account(self) -> &'static str {
        match self {
            Dialect::Aws => "000000000000",
            Dialect::Scaleway => "00000000-0000-4000-8000-000000000000",
            Dialect::Yandex => "b1g0000000000000fake",
        }
    }

    /// The largest message (and MaximumMessageSize) the provider allows.
    pub(crate) fn max_message_size(self) -> u32 {
        match self {
            Dialect::Aws => crate::limits::MAX_MESSAGE_SIZE,
            Dialect::Scaleway | Dialect::Yandex => 262_144,
        }
    }

    /// Queue attributes CreateQueue and SetQueueAttributes accept (`None`: AWS's).
    pub(crate) fn settable_attributes(self) -> Option<&'static [&'static str]> {
        match self {
            Dialect::Aws => None,
            Dialect::Scaleway => Some(scaleway::SETTABLE_ATTRIBUTES),
            Dialect::Yandex => Some(yandex::SETTABLE_ATTRIBUTES),
        }
    }

    /// Queue attributes GetQueueAttributes shows (`None`: AWS's).
    pub(crate) fn shown_attributes(self) -> Option<&'static [&'static str]> {
        match self {
            Dialect::Aws => None,
            Dialect::Scaleway => Some(scaleway::SHOWN_ATTRIBUTES),
            Dialect::Yandex => Some(yandex::SHOWN_ATTRIBUTES),
        }
    }

    /// Whether a receive may return this message system attribute.
    pub(crate) fn shows_system_attribute(self, name: &str) -> bool {
        match self {
            Dialect::Scaleway => scaleway::SYSTEM_ATTRIBUTES.contains(&name),
            Dialect::Aws | Dialect::Yandex => true,
        }
    }

    /// The in-flight limit of a queue, given the fake's configured limit: Scaleway lets a
    /// FIFO queue have one message in flight, Yandex 20,000.
    pub(crate) fn in_flight_limit(self, fifo: bool, configured: usize) -> usize {
        match (self, fifo) {
            (Dialect::Scaleway, true) => 1,
            (Dialect::Yandex, true) => configured.min(yandex::FIFO_IN_FLIGHT_LIMIT),
            _ => configured,
        }
    }

    /// Whether a FIFO receive takes at most one message per group (Yandex).
    pub(crate) fn one_message_per_group(self) -> bool {
        self == Dialect::Yandex
    }

    /// Whether FIFO messages need a MessageGroupId (Scaleway has no groups).
    pub(crate) fn requires_message_group(self) -> bool {
        self != Dialect::Scaleway
    }

    /// Whether XML answers carry SQS's namespace.
    pub(crate) fn xml_namespace(self) -> bool {
        self != Dialect::Yandex
    }

    /// Whether batch error entries carry `SenderFault`.
    pub(crate) fn sender_fault_in_batches(self) -> bool {
        self != Dialect::Yandex
    }

    /// The HTTP status of an error in this dialect (Yandex answers 400 for an invalid
    /// receipt handle where AWS's model says 404).
    pub(crate) fn status(self, code: ErrorCode) -> u16 {
        match (self, code) {
            (Dialect::Yandex, ErrorCode::ReceiptHandleIsInvalid) => 400,
            _ => code.wire().status,
        }
    }

    /// The protocol answers go out in: Yandex knows only XML.
    pub(crate) fn answer_protocol(self, asked: Protocol) -> Protocol {
        match self {
            Dialect::Yandex => Protocol::Query,
            _ => asked,
        }
    }

    /// The path of a queue's URL below the endpoint.
    pub(crate) fn queue_path(self, account: &str, queue_id: u64, name: &str) -> String {
        match self {
            Dialect::Aws => format!("/{account}/{name}"),
            Dialect::Scaleway => format!("/project-{account}/{name}"),
            Dialect::Yandex => format!("/{account}/{}/{name}", yandex::queue_id(queue_id)),
        }
    }

    /// A queue's ARN.
    pub(crate) fn queue_arn(self, region: &str, account: &str, name: &str) -> String {
        match self {
            Dialect::Aws => format!("arn:aws:sqs:{region}:{account}:{name}"),
            Dialect::Scaleway => format!("arn:scw:sqs:{region}:project-{account}:{name}"),
            Dialect::Yandex => format!("yrn:yc:ymq:{region}:{account}:{name}"),
        }
    }

    /// The account (project, folder) a URL path segment names.
    pub(crate) fn account_of_segment(self, segment: &str) -> &str {
        match self {
            Dialect::Scaleway => segment.strip_prefix("project-").unwrap_or(segment),
            _ => segment,
        }
    }
}

/// Checks that the dialect admits this request at all, before it is parsed: protocol,
/// action, parameters and the caller's permissions.
pub(crate) fn admit(
    engine: &Engine,
    protocol: Protocol,
    action: &str,
    params: &Params,
    ctx: &mut Ctx,
) -> Result<(), SqsError> {
    match engine.config().dialect {
        Dialect::Aws => Ok(()),
        Dialect::Yandex => yandex::admit(protocol, action),
        Dialect::Scaleway => scaleway::admit(engine, action, params, ctx),
    }
}
