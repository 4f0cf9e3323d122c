//! Read-only views of the fake's state, for assertions. Reading never changes
//! visibility, receive counts or anything else a client could observe.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::engine::store::Status;

/// One queue, as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueueInfo {
    /// The queue's name.
    pub name: String,
    /// The queue's URL, as SQS calls return it.
    pub url: String,
    /// The queue's ARN.
    pub arn: String,
    /// The owning account.
    pub account_id: String,
    /// The queue's region.
    pub region: String,
    /// Whether this is a FIFO queue.
    pub fifo: bool,
    /// Messages that a receive could return now.
    pub visible: usize,
    /// Messages received and neither deleted nor visible again.
    pub in_flight: usize,
    /// Messages sent with a delay that has not passed.
    pub delayed: usize,
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageState {
    /// A receive could return it now.
    Visible,
    /// Received; visible again at the given time unless deleted.
    InFlight {
        /// When its visibility timeout ends.
        visible_at: SystemTime,
    },
    /// Sent with a delay; visible at the given time.
    Delayed {
        /// When its delay ends.
        visible_at: SystemTime,
    },
}

/// One message in a queue.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MessageInfo {
    /// The MessageId SendMessage returned.
    pub message_id: String,
    /// The body.
    pub body: String,
    /// Where it stands now.
    pub state: MessageState,
    /// How many times it has been received.
    pub receive_count: u32,
    /// Its user attributes: string values as sent, binary values base64-encoded.
    pub attributes: BTreeMap<String, String>,
    /// Its MessageGroupId, if it was sent with one.
    pub group_id: Option<String>,
    /// When it was sent.
    pub sent_at: SystemTime,
}

fn at(millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(millis)
}

/// The state of a message of a settled store.
fn state_of(status: Status) -> MessageState {
    match status {
        Status::Ready => MessageState::Visible,
        Status::Delayed { until, .. } => MessageState::Delayed {
            visible_at: at(until),
        },
        Status::InFlight { until, .. } => MessageState::InFlight {
            visible_at: at(until),
        },
    }
}

pub(crate) fn message_info(
    message: &crate::engine::message::Message,
    status: Status,
) -> MessageInfo {
    use base64::Engine as _;
    let c = &message.content;
    let attributes = c
        .attributes
        .iter()
        .map(|(k, v)| {
            let text = match (&v.string_value, &v.binary_value) {
                (Some(s), _) => s.clone(),
                (None, Some(b)) => base64::engine::general_purpose::STANDARD.encode(b),
                _ => String::new(),
            };
            (k.clone(), text)
        })
        .collect();
    MessageInfo {
        message_id: c.message_id.clone(),
        body: c.body.clone(),
        state: state_of(status),
        receive_count: message.receive_count,
        attributes,
        group_id: c.group_id.clone(),
        sent_at: at(c.sent_at),
    }
}
