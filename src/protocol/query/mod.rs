//! The AWS Query protocol: form-encoded requests, XML answers.

pub(crate) mod decode;
pub(crate) mod encode;
