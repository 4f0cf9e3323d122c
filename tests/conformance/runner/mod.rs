//! The conformance runner: scenarios (data) replayed at the wire level against the fake
//! or any SQS endpoint. See `conformance/README.md`.

pub mod matcher;
pub mod normalize;
pub mod profile;
pub mod recording;
pub mod report;
pub mod run;
pub mod scenario;
pub mod wire;
pub mod xml;
