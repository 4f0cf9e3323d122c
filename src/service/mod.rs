//! The service layer: the one place every SQS request passes, between the codecs and
//! the actions.

pub(crate) mod admission;
pub(crate) mod caller;
