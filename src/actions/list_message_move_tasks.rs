//! ListMessageMoveTasks: the latest tasks of a source queue, newest first.

use serde_json::{Map, Value};

use super::start_message_move_task::no_such_resource;
use super::Ctx;
use crate::engine::Engine;
use crate::error::SqsError;
use crate::limits::MOVE_TASKS_MAX_RESULTS;
use crate::protocol::params::Params;
use crate::protocol::Outcome;

pub(crate) struct ListMessageMoveTasks {
    source_arn: String,
    max_results: usize,
}

impl ListMessageMoveTasks {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let max_results = match p.opt_int("MaxResults")? {
            None => 1,
            Some(n) if MOVE_TASKS_MAX_RESULTS.contains(&n) => n as usize,
            Some(n) => {
                return Err(SqsError::invalid_value(
                    "MaxResults",
                    n,
                    "Must be between 1 and 10, if provided.",
                ))
            }
        };
        Ok(ListMessageMoveTasks {
            source_arn: p.str("SourceArn")?,
            max_results,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, _ctx: &Ctx) -> Result<Outcome, SqsError> {
        let now = engine.now();
        let mut state = engine.lock();
        state.settle_move_tasks(now);
        if state.queue_by_arn(&self.source_arn).is_none() {
            return Err(no_such_resource("SourceArn"));
        }
        let results: Vec<Value> = state
            .move_tasks
            .newest_first(&self.source_arn, self.max_results)
            .into_iter()
            .map(|t| t.to_json())
            .collect();
        let mut out = Map::new();
        out.insert("Results".into(), Value::Array(results));
        Ok(Outcome::Result(out))
    }
}
