//! ReceiveMessage: the messages, with the system and message attributes asked for. The
//! receive itself, long polling included, is the engine's.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::Ctx;
use crate::engine::digest::md5_of_attributes;
use crate::engine::message::{attribute_json, Message};
use crate::engine::receiving::ReceiveRequest;
use crate::engine::sending::{invalid_fifo_id, valid_fifo_id};
use crate::engine::Engine;
use crate::error::SqsError;
use crate::limits;
use crate::protocol::params::Params;
use crate::protocol::Outcome;
use crate::rules::Rules;

pub(crate) struct ReceiveMessage {
    url: String,
    request: ReceiveRequest,
    system_names: BTreeSet<String>,
    attribute_names: Vec<String>,
}

impl ReceiveMessage {
    pub(crate) fn parse(p: &Params) -> Result<Self, SqsError> {
        let url = p.str("QueueUrl")?;
        let max = p
            .opt_int_in(
                "MaxNumberOfMessages",
                limits::MAX_NUMBER_OF_MESSAGES,
                "Must be between 1 and 10, if provided.",
            )?
            .map_or(1, |n| n as usize);
        let visibility_timeout = p
            .opt_int_in(
                "VisibilityTimeout",
                limits::VISIBILITY_TIMEOUT,
                "Must be >= 0 and <= 43200, if provided.",
            )?
            .map(|n| n as u64);
        let wait_seconds = p
            .opt_int_in(
                "WaitTimeSeconds",
                limits::WAIT_TIME_SECONDS,
                "Must be >= 0 and <= 20, if provided.",
            )?
            .map(|n| n as u64);
        let mut system_names: BTreeSet<String> =
            p.str_list("AttributeNames")?.into_iter().collect();
        system_names.extend(p.str_list("MessageSystemAttributeNames")?);
        let attempt_id = p.opt_str("ReceiveRequestAttemptId")?;
        if let Some(id) = &attempt_id {
            if !valid_fifo_id(id) {
                return Err(invalid_fifo_id("ReceiveRequestAttemptId", id));
            }
        }
        Ok(ReceiveMessage {
            url,
            request: ReceiveRequest {
                max,
                visibility_timeout,
                wait_seconds,
                attempt_id,
            },
            system_names,
            attribute_names: p.str_list("MessageAttributeNames")?,
        })
    }

    pub(crate) async fn apply(self, engine: &Engine, ctx: &Ctx) -> Result<Outcome, SqsError> {
        let target = engine.queue_ref(&ctx.caller, &self.url);
        let mut chaos = Vec::new();
        let delivered = engine
            .receive_noting(&target, &self.request, &mut chaos)
            .await;
        ctx.chaos.note(chaos);
        let delivered = delivered?;
        let rules = engine.rules();
        let messages: Vec<Value> = delivered
            .iter()
            .map(|d| self.render(&d.message, &d.receipt_handle, rules))
            .collect();
        let mut out = Map::new();
        if !messages.is_empty() {
            out.insert("Messages".into(), Value::Array(messages));
        }
        Ok(Outcome::Result(out))
    }

    fn wants(&self, name: &str) -> bool {
        self.system_names.contains("All") || self.system_names.contains(name)
    }

    /// One message as the receiver sees it, with the attributes it asked for.
    fn render(&self, message: &Message, handle: &str, rules: &Rules) -> Value {
        let c = &message.content;
        let mut out = Map::new();
        out.insert("MessageId".into(), json!(c.message_id().to_string()));
        out.insert("ReceiptHandle".into(), json!(handle));
        out.insert("MD5OfBody".into(), json!(c.md5_of_body().to_string()));
        out.insert("Body".into(), json!(c.body()));

        let mut system = Map::new();
        let mut put = |name: &str, value: Option<String>| {
            if let Some(v) = value {
                let shown = rules.system_attributes.is_none_or(|s| s.contains(&name));
                if self.wants(name) && shown {
                    system.insert(name.to_owned(), Value::String(v));
                }
            }
        };
        put("SenderId", Some(c.sender_id().to_owned()));
        put(
            "ApproximateFirstReceiveTimestamp",
            message.first_receive_at.map(|t| t.to_string()),
        );
        put(
            "ApproximateReceiveCount",
            Some(message.receive_count.to_string()),
        );
        put("SentTimestamp", Some(c.sent_at().to_string()));
        put("AWSTraceHeader", c.trace_header().map(str::to_owned));
        put("SequenceNumber", c.sequence_number().map(|n| n.to_string()));
        put("MessageDeduplicationId", c.deduplication_id().map(str::to_owned));
        put("MessageGroupId", c.group_id().map(str::to_owned));
        put(
            "DeadLetterQueueSourceArn",
            c.dead_letter_source_arn().map(str::to_owned),
        );
        if !system.is_empty() {
            out.insert("Attributes".into(), Value::Object(system));
        }

        let selected: Vec<_> = c
            .attributes()
            .filter(|(name, _)| self.wants_attribute(name))
            .collect();
        if let Some(md5) = md5_of_attributes(selected.iter().copied()) {
            out.insert("MD5OfMessageAttributes".into(), json!(md5.to_string()));
            let attrs = selected
                .iter()
                .map(|(name, attribute)| ((*name).to_owned(), attribute_json(attribute)))
                .collect();
            out.insert("MessageAttributes".into(), Value::Object(attrs));
        }
        Value::Object(out)
    }

    /// `All`, `*` and `.*` select every attribute; `prefix.*` those starting with
    /// `prefix`; anything else only the attribute of exactly that name.
    fn wants_attribute(&self, name: &str) -> bool {
        self.attribute_names.iter().any(|want| match want.as_str() {
            "All" | "*" | ".*" => true,
            w => match w.strip_suffix(".*") {
                Some(prefix) => name.starts_with(prefix),
                None => w == name,
            },
        })
    }
}
