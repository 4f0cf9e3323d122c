//! One file per SQS action: its typed input, its validation, and `apply`, which runs it
//! against the engine and returns an [`Outcome`]. Nothing here knows a wire format.

pub(crate) mod batch;
mod outgoing;
mod paging;

use std::sync::Mutex;

use crate::api::{for_each_action, ActionName};
use crate::chaos::ChaosEvent;
use crate::engine::sending::Sender;
use crate::engine::{Caller, Engine};
use crate::error::SqsError;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

/// What a request carries besides its members.
#[derive(Debug)]
pub(crate) struct Ctx {
    /// The account and region the request acts as.
    pub caller: Caller,
    /// Strict mode and no signature: the caller is nobody's, and may do only what a
    /// queue's policy grants to everyone.
    pub anonymous: bool,
    /// The access key the request was signed with, if any (SenderId).
    pub access_key: Option<String>,
    /// The `X-Amzn-Trace-Id` header, which SendMessage stores as AWSTraceHeader.
    pub trace_header: Option<String>,
    /// What queue URLs in the answer start with: the scheme and host the request was
    /// sent to (see `service::host`).
    pub base_url: String,
    /// What chaos did to the request, as the engine reported it: the action notes it
    /// here for the service layer's journal.
    pub chaos: ChaosNotes,
}

/// The chaos events of one request. Actions see their context by shared reference,
/// hence the lock (never contended: one request, one task).
#[derive(Debug, Default)]
pub(crate) struct ChaosNotes(Mutex<Vec<ChaosEvent>>);

impl ChaosNotes {
    pub(crate) fn note(&self, events: Vec<ChaosEvent>) {
        if !events.is_empty() {
            self.lock().extend(events);
        }
    }

    pub(crate) fn take(&self) -> Vec<ChaosEvent> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ChaosEvent>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Ctx {
    /// The URL of the queue at `path`, as this request's answer names it.
    pub(crate) fn queue_url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// What messages this caller sends record about it: as SenderId an IAM user id
    /// derived from its access key (the account id for a request without credentials,
    /// the root's; `anonymous` for an anonymous one, as IAM names its user id), and the
    /// request's trace header.
    pub(crate) fn sender(&self) -> Sender {
        let id = match (&self.access_key, self.anonymous) {
            (Some(key), _) => crate::ids::sender_id(key),
            (None, true) => "anonymous".to_owned(),
            (None, false) => self.caller.account.clone(),
        };
        Sender {
            id,
            trace_header: self.trace_header.clone(),
        }
    }
}

macro_rules! actions {
    ($($name:ident $module:ident $target:ident $grant:ident $kind:ident $effect:ident;)*) => {
        $(mod $module;)*

        /// A parsed request, one variant per action.
        pub(crate) enum Action {
            $($name($module::$name),)*
        }

        impl Action {
            /// Parses the members of `action`.
            pub(crate) fn parse(action: ActionName, p: &Params) -> Result<Action, SqsError> {
                match action {
                    $(ActionName::$name => $module::$name::parse(p).map(Action::$name),)*
                }
            }

            /// Runs the action. Only ReceiveMessage ever waits (long polling).
            pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
                match self {
                    $(Action::$name(a) => a.apply(engine, ctx).await,)*
                }
            }
        }
    };
}

for_each_action!(actions);
