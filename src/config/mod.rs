//! Queues declared up front: created when the fake starts, and again by every reset,
//! from a config file (`fake-sqs --config queues.toml`,
//! [`FakeSqsBuilder::config_file`](crate::FakeSqsBuilder::config_file)) or from code
//! ([`FakeSqsBuilder::queue`](crate::FakeSqsBuilder::queue)).
//!
//! A declaration is what CreateQueue takes (name, attributes, tags), plus an owner and
//! a dead-letter queue named by name. This file turns declarations into engine
//! operations in an order that works (each dead-letter queue before the queues that use
//! it) and says where a declaration went wrong; `file.rs` reads the TOML form.

#[cfg(feature = "config")]
pub(crate) mod file;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Deserializer};

use crate::engine::initial::InitialQueue;
use crate::engine::queues::Setting;
use crate::engine::redrive_policy::parse_arn;
use crate::engine::{Caller, Engine};
use crate::error::SqsError;
use crate::rules::Rules;

/// A queue the fake creates when it starts and again after every
/// [`reset`](crate::FakeSqs::reset): what CreateQueue takes, with an optional owner
/// and dead-letter queue.
///
/// In a config file each is a `[[queue]]` table with the same fields
/// (`fixtures/queues.toml` in the repository is an example):
///
/// ```toml
/// [[queue]]
/// name = "jobs"
/// attributes = { VisibilityTimeout = 30 }
/// tags = { team = "billing" }
/// dead_letter = { queue = "jobs-dlq", max_receive_count = 3 }
///
/// [[queue]]
/// name = "jobs-dlq"
/// ```
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{FakeSqs, QueueConfig};
///
/// let sqs = FakeSqs::builder()
///     .queue(QueueConfig::new("jobs").attribute("VisibilityTimeout", "45").dead_letter("jobs-dlq", 3))
///     .queue(QueueConfig::new("jobs-dlq"))
///     .start()
///     .await;
/// let jobs = sqs.queue("jobs");
/// assert_eq!(jobs.attributes["VisibilityTimeout"], "45");
/// assert!(jobs.attributes["RedrivePolicy"].contains("jobs-dlq"));
///
/// // A reset empties the queues and keeps the declared ones.
/// sqs.reset();
/// assert_eq!(sqs.queues().len(), 2);
/// # }
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct QueueConfig {
    /// The queue's name; a name ending in `.fifo` makes a FIFO queue (`FifoQueue` need
    /// not be given).
    pub name: String,
    /// The region the queue belongs to (default: the fake's).
    #[serde(default)]
    pub region: Option<String>,
    /// The account the queue belongs to (default: the fake's).
    #[serde(default)]
    pub account_id: Option<String>,
    /// Attributes, as CreateQueue takes them (`VisibilityTimeout`, `DelaySeconds`,
    /// `RedrivePolicy`, ...). In a file, a value may be a string, a number, a boolean,
    /// or a table, written as JSON (for `RedriveAllowPolicy` or `Policy`).
    #[serde(default, deserialize_with = "attribute_values")]
    pub attributes: BTreeMap<String, String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The dead-letter queue, a queue of the same owner declared beside this one: the
    /// `RedrivePolicy` is made with its ARN.
    #[serde(default)]
    pub dead_letter: Option<DeadLetter>,
    /// Where it was declared, for errors.
    #[serde(skip)]
    origin: Origin,
}

/// Where a declaration's dead letters go: a queue by name, after so many receives.
///
/// # Example
/// ```
/// use fake_sqs::{DeadLetter, QueueConfig};
///
/// let jobs = QueueConfig::new("jobs").dead_letter("jobs-dlq", 5);
/// assert_eq!(jobs.dead_letter, Some(DeadLetter::new("jobs-dlq", 5)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeadLetter {
    /// The dead-letter queue's name.
    pub queue: String,
    /// How many receives a message may have before it moves there (`maxReceiveCount`).
    pub max_receive_count: u32,
}

impl DeadLetter {
    /// Dead letters go to `queue` after `max_receive_count` receives.
    ///
    /// # Example
    /// ```
    /// let dlq = fake_sqs::DeadLetter::new("jobs-dlq", 3);
    /// assert_eq!((dlq.queue.as_str(), dlq.max_receive_count), ("jobs-dlq", 3));
    /// ```
    pub fn new(queue: impl Into<String>, max_receive_count: u32) -> Self {
        DeadLetter {
            queue: queue.into(),
            max_receive_count,
        }
    }
}

/// Where in a file a declaration, or one of its fields, was written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin {
    pub file: Option<Arc<Path>>,
    /// The `[[queue]]` table.
    pub table: Option<Place>,
    /// Its fields: `name`, `dead_letter`, `attributes.<Name>`, `tags.<key>`, ...
    pub fields: HashMap<String, Place>,
}

/// A line and column, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    pub line: usize,
    pub column: usize,
}

impl QueueConfig {
    /// A queue named `name`, of the fake's default account and region, with SQS's
    /// default attributes.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{FakeSqs, QueueConfig};
    ///
    /// let sqs = FakeSqs::builder().queue(QueueConfig::new("orders.fifo")).start().await;
    /// assert!(sqs.queue("orders.fifo").fifo);
    /// # }
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        QueueConfig {
            name: name.into(),
            region: None,
            account_id: None,
            attributes: BTreeMap::new(),
            tags: BTreeMap::new(),
            dead_letter: None,
            origin: Origin::default(),
        }
    }

    /// Sets an attribute, as CreateQueue takes it.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{FakeSqs, QueueConfig};
    ///
    /// let slow = QueueConfig::new("slow").attribute("DelaySeconds", "10");
    /// let sqs = FakeSqs::builder().queue(slow).start().await;
    /// assert_eq!(sqs.queue("slow").attributes["DelaySeconds"], "10");
    /// # }
    /// ```
    pub fn attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(name.into(), value.into());
        self
    }

    /// Adds a tag.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{FakeSqs, QueueConfig};
    ///
    /// let sqs = FakeSqs::builder().queue(QueueConfig::new("jobs").tag("team", "billing")).start().await;
    /// assert_eq!(sqs.queue("jobs").tags["team"], "billing");
    /// # }
    /// ```
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Sends messages received more than `max_receive_count` times to the queue named
    /// `queue`, which must be declared too (in any order: it is created first).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{FakeSqs, QueueConfig};
    ///
    /// let sqs = FakeSqs::builder()
    ///     .queue(QueueConfig::new("jobs").dead_letter("jobs-dlq", 1))
    ///     .queue(QueueConfig::new("jobs-dlq"))
    ///     .start()
    ///     .await;
    /// let policy = &sqs.queue("jobs").attributes["RedrivePolicy"];
    /// assert_eq!(policy, &format!(r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":1}}"#, sqs.queue("jobs-dlq").arn));
    /// # }
    /// ```
    pub fn dead_letter(mut self, queue: impl Into<String>, max_receive_count: u32) -> Self {
        self.dead_letter = Some(DeadLetter::new(queue, max_receive_count));
        self
    }

    /// The region the queue belongs to, instead of the fake's default.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{FakeSqs, QueueConfig};
    ///
    /// let sqs = FakeSqs::builder().queue(QueueConfig::new("jobs").region("eu-west-1")).start().await;
    /// assert_eq!(sqs.queue("jobs").region, "eu-west-1");
    /// # }
    /// ```
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The account the queue belongs to, instead of the fake's default.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{FakeSqs, QueueConfig};
    ///
    /// let sqs = FakeSqs::builder().queue(QueueConfig::new("jobs").account_id("123456789012")).start().await;
    /// assert!(sqs.queues()[0].url.ends_with("/123456789012/jobs"));
    /// # }
    /// ```
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// The owner: the declared account and region, or the fake's.
    fn owner(&self, defaults: &Caller) -> Caller {
        Caller {
            account: self
                .account_id
                .clone()
                .unwrap_or_else(|| defaults.account.clone()),
            region: self
                .region
                .clone()
                .unwrap_or_else(|| defaults.region.clone()),
        }
    }

    /// An error about this declaration, at `field` if the file says where it is.
    fn error(&self, field: Option<&str>, reason: impl std::fmt::Display) -> ConfigError {
        let origin = &self.origin;
        let place = field
            .and_then(|f| origin.fields.get(f))
            .or(origin.table.as_ref());
        ConfigError {
            file: origin.file.as_deref().map(Path::to_path_buf),
            line: place.map(|p| p.line),
            column: place.map(|p| p.column),
            reason: format!("queue {:?}: {reason}", self.name),
        }
    }
}

/// A config file or a declared queue that the fake cannot start with: where, and why.
///
/// The binary prints it and exits with status 2; [`FakeSqsBuilder::config_file`]
/// returns it for a file it cannot read or parse, and
/// [`FakeSqsBuilder::try_start`] for a declared queue that CreateQueue would refuse
/// (inside its `std::io::Error`, of kind `InvalidData`).
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{ConfigError, FakeSqs, QueueConfig};
///
/// let bad = QueueConfig::new("jobs").attribute("VisibilityTimeout", "a day");
/// let err = FakeSqs::builder().queue(bad).try_start().await.unwrap_err();
/// let err: &ConfigError = err.get_ref().unwrap().downcast_ref().unwrap();
/// assert_eq!(
///     err.reason,
///     "queue \"jobs\": attribute VisibilityTimeout: Invalid value for the parameter VisibilityTimeout. (InvalidAttributeValue)"
/// );
/// # }
/// ```
///
/// [`FakeSqsBuilder::config_file`]: crate::FakeSqsBuilder::config_file
/// [`FakeSqsBuilder::try_start`]: crate::FakeSqsBuilder::try_start
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigError {
    /// The file, if the queue was declared in one.
    pub file: Option<PathBuf>,
    /// The line in the file (from 1).
    pub line: Option<usize>,
    /// The column in the line (from 1).
    pub column: Option<usize>,
    /// What is wrong, naming the queue where there is one.
    pub reason: String,
}

impl std::fmt::Display for ConfigError {
    /// `queues.toml:7:1: queue "jobs": ...`, as compilers write a place in a file.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
            if let Some(line) = self.line {
                write!(f, "{line}:")?;
                if let Some(column) = self.column {
                    write!(f, "{column}:")?;
                }
            }
            write!(f, " ")?;
        }
        f.write_str(&self.reason)
    }
}

impl std::error::Error for ConfigError {}

/// Takes a TOML value of any kind as an attribute's text: strings as they are, numbers
/// and booleans as SQS writes them, tables and arrays as JSON.
fn attribute_values<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    use serde_json::Value;
    let values = BTreeMap::<String, Value>::deserialize(d)?;
    values
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => {
                    return Err(serde::de::Error::custom(format!(
                        "attribute {name} has no value"
                    )))
                }
                json => json.to_string(),
            };
            Ok((name, text))
        })
        .collect()
}

/// The declarations as engine operations, in an order that works: the index of each
/// declaration and the CreateQueue it becomes, every dead-letter queue before the
/// queues that name it. The queue names, attributes and tags are the engine's to check
/// (see [`creation_error`]); this checks what only the declarations can say: no queue
/// declared twice, no dead-letter queue that is not declared, no cycle.
pub(crate) fn resolve(
    queues: &[QueueConfig],
    defaults: &Caller,
    rules: &Rules,
) -> Result<Vec<(usize, InitialQueue)>, ConfigError> {
    let mut by_key: HashMap<(Caller, &str), usize> = HashMap::new();
    for (i, queue) in queues.iter().enumerate() {
        if queue.account_id.as_deref() == Some(crate::admin::SEGMENT) {
            return Err(queue.error(
                Some("account_id"),
                format!(
                    "the account id {} is the admin API's path prefix",
                    crate::admin::SEGMENT
                ),
            ));
        }
        let key = (queue.owner(defaults), queue.name.as_str());
        if let Some(&first) = by_key.get(&key) {
            let at = match queues[first].origin.table {
                Some(place) => format!(" (first at line {})", place.line),
                None => String::new(),
            };
            return Err(queue.error(Some("name"), format!("declared twice{at}")));
        }
        by_key.insert(key, i);
    }

    let mut declared = Vec::with_capacity(queues.len());
    // The declaration each one's dead-letter queue is, when it is one of them.
    let mut target = vec![None; queues.len()];
    for (i, queue) in queues.iter().enumerate() {
        let owner = queue.owner(defaults);
        let mut attributes = queue.attributes.clone();
        if queue.name.ends_with(".fifo") && !attributes.contains_key("FifoQueue") {
            attributes.insert("FifoQueue".to_owned(), "true".to_owned());
        }
        if let Some(dead_letter) = &queue.dead_letter {
            if attributes.contains_key("RedrivePolicy") {
                return Err(queue.error(
                    Some("dead_letter"),
                    "has both dead_letter and a RedrivePolicy attribute: give one",
                ));
            }
            let Some(&dlq) = by_key.get(&(owner.clone(), dead_letter.queue.as_str())) else {
                return Err(queue.error(
                    Some("dead_letter"),
                    format!(
                        "its dead-letter queue {:?} is not declared (a dead-letter queue \
                         belongs to the same account and region)",
                        dead_letter.queue
                    ),
                ));
            };
            let arn = rules
                .arn
                .of(&owner.region, &owner.account, &dead_letter.queue);
            let policy = crate::engine::redrive_policy::RedrivePolicy {
                target_arn: arn,
                max_receive_count: dead_letter.max_receive_count,
            };
            attributes.insert("RedrivePolicy".to_owned(), policy.to_attribute());
            target[i] = Some(dlq);
        } else if let Some(policy) = attributes.get("RedrivePolicy") {
            // A policy written out names its queue by ARN: created first if declared.
            target[i] = serde_json::from_str::<serde_json::Value>(policy)
                .ok()
                .and_then(|p| p["deadLetterTargetArn"].as_str().and_then(parse_arn))
                .and_then(|r| by_key.get(&(r.owner, r.name.as_str())).copied());
        }
        declared.push(InitialQueue {
            owner,
            name: queue.name.clone(),
            attributes: attributes.into_iter().collect(),
            tags: queue
                .tags
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        });
    }

    // Each queue after its dead-letter queue, otherwise in the order declared. Each
    // queue has at most one: the chain from a queue is a path, or ends in a cycle.
    let mut placed = vec![false; queues.len()];
    let mut order = Vec::with_capacity(queues.len());
    for start in 0..queues.len() {
        let mut chain = vec![start];
        while let Some(next) = target[*chain.last().unwrap_or(&start)] {
            if placed[next] {
                break;
            }
            if let Some(at) = chain.iter().position(|&q| q == next) {
                let names: Vec<&str> = chain[at..]
                    .iter()
                    .chain([&next])
                    .map(|&q| queues[q].name.as_str())
                    .collect();
                return Err(queues[next].error(
                    Some("dead_letter"),
                    format!("dead-letter queues form a cycle: {}", names.join(" → ")),
                ));
            }
            chain.push(next);
        }
        for &q in chain.iter().rev() {
            if !placed[q] {
                placed[q] = true;
                order.push(q);
            }
        }
    }
    let mut declared: Vec<Option<InitialQueue>> = declared.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .filter_map(|i| declared[i].take().map(|q| (i, q)))
        .collect())
}

/// The error to report when CreateQueue refused `queue` (declared as `created`) with
/// `err`: at the attribute or tag that it refuses alone, if one is, else at the name or
/// the dead-letter queue the error is about, else at the queue.
pub(crate) fn creation_error(
    engine: &Engine,
    queue: &QueueConfig,
    created: &InitialQueue,
    err: &SqsError,
) -> ConfigError {
    let fifo = created
        .attributes
        .iter()
        .any(|(k, v)| k == "FifoQueue" && v.eq_ignore_ascii_case("true"));
    let why = format!("{} ({})", err.message, err.code.wire().query_code);
    match engine.check_queue_settings(&created.name, fifo, &created.attributes, &created.tags) {
        Err((Setting::Attribute(name), e)) => {
            let field = format!("attributes.{name}");
            let field = match (name.as_str(), queue.dead_letter.is_some()) {
                ("RedrivePolicy", true) => "dead_letter".to_owned(),
                _ => field,
            };
            let why = format!("{} ({})", e.message, e.code.wire().query_code);
            queue.error(Some(&field), format!("attribute {name}: {why}"))
        }
        Err((Setting::Tag(key), e)) => {
            let why = format!("{} ({})", e.message, e.code.wire().query_code);
            queue.error(Some(&format!("tags.{key}")), format!("tag {key:?}: {why}"))
        }
        Err((Setting::Name, _)) => queue.error(Some("name"), why),
        Err((Setting::Tags, _)) => queue.error(Some("tags"), why),
        Ok(()) if created.attributes.iter().any(|(k, _)| k == "RedrivePolicy") => {
            let field = match queue.dead_letter {
                Some(_) => "dead_letter",
                None => "attributes.RedrivePolicy",
            };
            queue.error(Some(field), why)
        }
        Ok(()) => queue.error(None, why),
    }
}
