//! ListMessageMoveTasks: the latest tasks of a source queue, newest first.

use serde_json::{Map, Value};

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
        let results = engine.list_move_tasks(&self.source_arn, self.max_results)?;
        let mut out = Map::new();
        out.insert("Results".into(), Value::Array(results));
        Ok(Outcome::Result(out))
    }
}
