//! The SQS API (2012-11-05): its 23 actions, each declared once, in one table.
//!
//! [`for_each_action!`] holds the table; every list of actions in the crate is made
//! from it, so adding an action is one row here and one file in `actions/`:
//! - [`ActionName`] (below): the action's name on the wire, whether it addresses a queue
//!   or the service, whether AddPermission may grant it, its Query entry names;
//! - `actions::Action`: one variant per row, its parse and its dispatch;
//! - the dialects' tables (`dialect/`) and the permission rules (`engine::policy`),
//!   keyed by [`ActionName`], so the compiler checks every name they use.
//!
//! The columns: the action (also the type in `actions/<module>.rs`), its module, then
//! `root` when AWS answers the action only at the service's root URL and rejects it sent
//! to a queue's URL over Query (fixtures/aws/recorded.md rows 168 and 169), else `any`; then who
//! may call it on a queue: `owner` when only the queue's owner (AddPermission cannot
//! grant it), `account` when only callers of the queue's account (AddPermission may name
//! it, but cross-account permissions do not apply to it, as AWS's list of such actions
//! says: `fixtures/aws/queue-access.json`), `shared` when any account a queue's policy
//! allows; `batch` for the three batch actions whose entries are `<Action>RequestEntry`
//! in Query, else `single`.

/// Calls `$callback!` with the table of actions, one `Name module path grant kind
/// effect;` row each.
macro_rules! for_each_action {
    ($callback:ident) => {
        $callback! {
            AddPermission                 add_permission                  any  owner  single changes;
            CancelMessageMoveTask         cancel_message_move_task        any  account single changes;
            ChangeMessageVisibility       change_message_visibility       any  shared single changes;
            ChangeMessageVisibilityBatch  change_message_visibility_batch any  shared batch  changes;
            CreateQueue                   create_queue                    root owner  single changes;
            DeleteMessage                 delete_message                  any  shared single changes;
            DeleteMessageBatch            delete_message_batch            any  shared batch  changes;
            DeleteQueue                   delete_queue                    any  owner  single changes;
            GetQueueAttributes            get_queue_attributes            any  shared single reads;
            GetQueueUrl                   get_queue_url                   any  shared single reads;
            ListDeadLetterSourceQueues    list_dead_letter_source_queues  any  shared single reads;
            ListMessageMoveTasks          list_message_move_tasks         any  account single reads;
            ListQueueTags                 list_queue_tags                 any  account single reads;
            ListQueues                    list_queues                     root account single reads;
            PurgeQueue                    purge_queue                     any  shared single changes;
            ReceiveMessage                receive_message                 any  shared single changes;
            RemovePermission              remove_permission               any  owner  single changes;
            SendMessage                   send_message                    any  shared single changes;
            SendMessageBatch              send_message_batch              any  shared batch  changes;
            SetQueueAttributes            set_queue_attributes            any  owner  single changes;
            StartMessageMoveTask          start_message_move_task         any  account single changes;
            TagQueue                      tag_queue                       any  owner  single changes;
            UntagQueue                    untag_queue                     any  owner  single changes;
        }
    };
}
pub(crate) use for_each_action;

macro_rules! action_names {
    ($($name:ident $module:ident $target:ident $grant:ident $kind:ident $effect:ident;)*) => {
        /// One SQS action, by name: what [faults](crate::Fault),
        /// [expectations](crate::FakeSqs::expect) and the [request
        /// journal](crate::FakeSqs::requests) match on. Public as `fake_sqs::Action`.
        ///
        /// In JSON (serde), and in its `Display` and `FromStr` forms, the action's
        /// name on the wire: `"SendMessage"`.
        ///
        /// # Example
        /// ```
        /// use fake_sqs::Action;
        ///
        /// assert_eq!(Action::SendMessage.as_str(), "SendMessage");
        /// assert_eq!("DeleteMessage".parse::<Action>(), Ok(Action::DeleteMessage));
        /// assert_eq!(serde_json::to_string(&Action::ReceiveMessage).unwrap(), r#""ReceiveMessage""#);
        /// ```
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum ActionName {
            $(
                #[doc = concat!("`", stringify!($name), "`")]
                $name,
            )*
        }

        impl ActionName {
            /// Every action, in name order.
            pub(crate) const ALL: &'static [ActionName] = &[$(ActionName::$name,)*];

            /// The name on the wire (`Action=` in Query, `AmazonSQS.<name>` in JSON).
            ///
            /// # Example
            /// ```
            /// assert_eq!(fake_sqs::Action::ChangeMessageVisibility.as_str(), "ChangeMessageVisibility");
            /// ```
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ActionName::$name => stringify!($name),)*
                }
            }

            /// The action a wire name names, if it is one of SQS's.
            pub(crate) fn parse(name: &str) -> Option<ActionName> {
                match name {
                    $(stringify!($name) => Some(ActionName::$name),)*
                    _ => None,
                }
            }

            /// Whether AWS rejects the action sent to a queue's URL (Query): it
            /// addresses the service, not a queue.
            pub(crate) fn root_only(self) -> bool {
                match self {
                    $(ActionName::$name => action_names!(@root $target),)*
                }
            }

            /// Whether only the queue's owner may call it: AddPermission cannot grant it.
            pub(crate) fn owner_only(self) -> bool {
                match self {
                    $(ActionName::$name => action_names!(@owner $grant),)*
                }
            }

            /// Whether a queue's policy can let another account call it.
            pub(crate) fn cross_account(self) -> bool {
                match self {
                    $(ActionName::$name => action_names!(@shared $grant),)*
                }
            }

            /// The name policies give its permission: a batch action's is its single
            /// action's (`SendMessage` allows `SendMessageBatch`).
            pub(crate) fn permission(self) -> &'static str {
                match self {
                    $(ActionName::$name => action_names!(@permission $name $kind),)*
                }
            }

            /// The Query name of one entry of a batch action
            /// (`SendMessageBatchRequestEntry`); `None` for the others.
            pub(crate) fn request_entry(self) -> Option<&'static str> {
                match self {
                    $(ActionName::$name => action_names!(@entry $name $kind),)*
                }
            }

            /// Whether the action may change the fake's state: with a data directory,
            /// its answer waits until the change is saved.
            pub(crate) fn changes_state(self) -> bool {
                match self {
                    $(ActionName::$name => action_names!(@changes $effect),)*
                }
            }

            /// The Query element of one entry of the action's result list
            /// (`SendMessageBatchResultEntry`, `ListMessageMoveTasksResultEntry`).
            pub(crate) fn result_entry(self) -> &'static str {
                match self {
                    $(ActionName::$name => concat!(stringify!($name), "ResultEntry"),)*
                }
            }
        }
    };
    (@root root) => { true };
    (@root any) => { false };
    (@owner owner) => { true };
    (@owner $other:ident) => { false };
    (@shared shared) => { true };
    (@shared $other:ident) => { false };
    (@permission $name:ident batch) => { stringify!($name).trim_end_matches("Batch") };
    (@permission $name:ident single) => { stringify!($name) };
    (@changes changes) => { true };
    (@changes reads) => { false };
    (@entry $name:ident batch) => { Some(concat!(stringify!($name), "RequestEntry")) };
    (@entry $name:ident single) => { None };
}

for_each_action!(action_names);

impl std::fmt::Display for ActionName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a name that is not one of SQS's 23 actions.
///
/// # Example
/// ```
/// let err = "Nope".parse::<fake_sqs::Action>().unwrap_err();
/// assert_eq!(err.to_string(), "\"Nope\" is not an SQS action");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAction(pub String);

impl std::fmt::Display for UnknownAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not an SQS action", self.0)
    }
}

impl std::error::Error for UnknownAction {}

impl std::str::FromStr for ActionName {
    type Err = UnknownAction;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ActionName::parse(name).ok_or_else(|| UnknownAction(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::ActionName;

    #[test]
    fn the_table_names_23_actions_that_read_back() {
        assert_eq!(ActionName::ALL.len(), 23);
        for action in ActionName::ALL {
            assert_eq!(ActionName::parse(action.as_str()), Some(*action));
        }
        assert_eq!(ActionName::parse("Nope"), None);
        assert_eq!(
            ActionName::SendMessageBatch.request_entry(),
            Some("SendMessageBatchRequestEntry")
        );
        assert!(ActionName::CreateQueue.root_only());
        assert!(!ActionName::GetQueueUrl.root_only());
        assert!(ActionName::TagQueue.owner_only());
        assert!(!ActionName::ListQueueTags.owner_only());
        assert!(!ActionName::ListQueueTags.cross_account());
        assert!(ActionName::PurgeQueue.cross_account());
        assert_eq!(ActionName::DeleteMessageBatch.permission(), "DeleteMessage");
        assert_eq!(ActionName::ReceiveMessage.permission(), "ReceiveMessage");
    }
}
