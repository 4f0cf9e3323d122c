//! The conformance runner's own tests (`cargo test --test conformance-runner`): its
//! scenario parsing, matching, normalizing and wire code (the unit tests of `runner/`),
//! and its endpoint path against answers `wiremock` plays (`offline.rs`). The scenarios
//! themselves are the tests of `conformance` (`main.rs`).

// The runner serves `conformance` too: what only that binary uses is unused here.
#![allow(dead_code)]

mod endpoint;
mod offline;
mod runner;
