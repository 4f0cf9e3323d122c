//! The `fake-sqs` command, started as a user's script starts it: flags and variables,
//! what it prints, how it fails, and how it holds up at the edges of the process.

mod support;

mod config;
mod connections;
mod crash;
mod flags;
mod output;
