//! Expectations, wiremock-style: what the code under test should call, checked when the
//! fake is dropped (or on demand), with a readable list of what was expected and what
//! came.
//!
//! An expectation counts the requests that match it from the moment it is added, as
//! the service layer records each one (`service/mod.rs`), so the count does not depend
//! on how much the journal keeps.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::ActionName as Action;
use crate::fake::FakeSqs;
use crate::journal::{RecordedRequest, RequestOutcome};

/// How many matching requests an expectation wants. In JSON (serde): `{"exactly": 3}`,
/// `{"at_least": 1}`, `{"at_most": 2}`.
///
/// # Example
/// ```
/// use fake_sqs::Times;
///
/// assert_eq!(Times::Exactly(3).to_string(), "exactly 3 requests");
/// assert_eq!(Times::AtLeast(1).to_string(), "at least 1 request");
/// assert_eq!(Times::AtMost(0).to_string(), "no request");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Times {
    /// Exactly this many.
    Exactly(u64),
    /// This many or more.
    AtLeast(u64),
    /// This many or fewer.
    AtMost(u64),
}

impl Times {
    /// Whether `n` requests are what this wants.
    pub(crate) fn allows(self, n: u64) -> bool {
        match self {
            Times::Exactly(k) => n == k,
            Times::AtLeast(k) => n >= k,
            Times::AtMost(k) => n <= k,
        }
    }
}

fn requests(n: u64) -> String {
    match n {
        0 => "no request".to_owned(),
        1 => "1 request".to_owned(),
        n => format!("{n} requests"),
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Times::Exactly(0) | Times::AtMost(0) => f.write_str("no request"),
            Times::Exactly(k) => write!(f, "exactly {}", requests(k)),
            Times::AtLeast(k) => write!(f, "at least {}", requests(k)),
            Times::AtMost(k) => write!(f, "at most {}", requests(k)),
        }
    }
}

/// What an expectation wants: requests for an action, optionally about one queue and
/// with some parameters, so many times. [`FakeSqs::expect`] builds one step by step;
/// [`FakeSqs::add_expectation`] takes one whole (from JSON, say).
///
/// `params` matches when the request's decoded parameters contain it: each member it
/// names, with the same value (objects member by member, lists item by item). A number
/// or a boolean equals the same value written as a string, as the Query protocol sends
/// them. In JSON (serde): `{"action": "DeleteMessage", "queue": "jobs", "times":
/// {"exactly": 3}}`.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{Action, ExpectationSpec, FakeSqs, Times};
///
/// let sqs = FakeSqs::start().await;
/// let spec: ExpectationSpec = serde_json::from_str(
///     r#"{"action": "CreateQueue", "params": {"QueueName": "jobs"}, "times": {"exactly": 1}}"#,
/// ).unwrap();
/// assert_eq!(spec, ExpectationSpec::new(Action::CreateQueue)
///     .with_params(serde_json::json!({"QueueName": "jobs"}))
///     .times(Times::Exactly(1)));
/// sqs.add_expectation(spec);
/// sqs.client().await.create_queue().queue_name("jobs").send().await.unwrap();
/// sqs.verify();
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExpectationSpec {
    /// The action of the requests it counts.
    pub action: Action,
    /// The queue they are about (a name, or a URL in any host form); any when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Parameters they carry; any when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
    /// How many of them it wants (at least one when not said).
    #[serde(default = "at_least_one")]
    pub times: Times,
}

fn at_least_one() -> Times {
    Times::AtLeast(1)
}

impl ExpectationSpec {
    /// Requests for `action`, at least one.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{Action, ExpectationSpec, Times};
    ///
    /// let spec = ExpectationSpec::new(Action::SendMessage);
    /// assert_eq!(spec.times, Times::AtLeast(1));
    /// ```
    pub fn new(action: Action) -> Self {
        ExpectationSpec {
            action,
            queue: None,
            params: None,
            times: at_least_one(),
        }
    }

    /// Only requests about `queue`.
    ///
    /// # Example
    /// ```
    /// let spec = fake_sqs::ExpectationSpec::new(fake_sqs::Action::PurgeQueue).on_queue("jobs");
    /// assert_eq!(spec.queue.as_deref(), Some("jobs"));
    /// ```
    pub fn on_queue(mut self, queue: impl Into<String>) -> Self {
        self.queue = Some(queue.into());
        self
    }

    /// Only requests whose parameters contain `params`.
    ///
    /// # Example
    /// ```
    /// use serde_json::json;
    ///
    /// let spec = fake_sqs::ExpectationSpec::new(fake_sqs::Action::SendMessage)
    ///     .with_params(json!({"MessageBody": "hello"}));
    /// assert_eq!(spec.params, Some(json!({"MessageBody": "hello"})));
    /// ```
    pub fn with_params(mut self, params: Value) -> Self {
        self.params = Some(params);
        self
    }

    /// How many matching requests it wants.
    ///
    /// # Example
    /// ```
    /// use fake_sqs::{Action, ExpectationSpec, Times};
    ///
    /// let spec = ExpectationSpec::new(Action::DeleteMessage).times(Times::Exactly(3));
    /// assert_eq!(spec.times, Times::Exactly(3));
    /// ```
    pub fn times(mut self, times: Times) -> Self {
        self.times = times;
        self
    }

    /// Whether `request` is one it counts.
    pub(crate) fn matches(&self, request: &RecordedRequest) -> bool {
        request.is(self.action)
            && self.queue.as_deref().is_none_or(|q| request.is_about(q))
            && self
                .params
                .as_ref()
                .is_none_or(|wanted| contains(&request.params, wanted))
    }
}

impl fmt::Display for ExpectationSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.action)?;
        if let Some(queue) = &self.queue {
            write!(f, " on queue {queue:?}")?;
        }
        if let Some(params) = &self.params {
            write!(f, " with params {params}")?;
        }
        Ok(())
    }
}

/// Whether `actual` holds everything `wanted` says.
fn contains(actual: &Value, wanted: &Value) -> bool {
    match (actual, wanted) {
        (Value::Object(a), Value::Object(w)) => w
            .iter()
            .all(|(k, w)| a.get(k).is_some_and(|a| contains(a, w))),
        (Value::Array(a), Value::Array(w)) => {
            a.len() == w.len() && a.iter().zip(w).all(|(a, w)| contains(a, w))
        }
        (Value::String(a), Value::Number(_) | Value::Bool(_)) => written_as(wanted, a),
        (Value::Number(_) | Value::Bool(_), Value::String(w)) => written_as(actual, w),
        _ => actual == wanted,
    }
}

/// Whether the number or boolean `value` is written `text` (as Query sends it).
fn written_as(value: &Value, text: &str) -> bool {
    let written = value.to_string();
    written == text
}

/// The id of an added expectation. In JSON (serde), a number.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{Action, FakeSqs};
///
/// let sqs = FakeSqs::start().await;
/// let id = sqs.expect(Action::ListQueues).never().id();
/// assert_eq!(sqs.verification().expectations[0].id, id);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExpectationId(pub u64);

/// An expectation just added by [`FakeSqs::expect`], narrowed step by step: each method
/// changes it in the fake at once, so the whole chain is one statement and needs no
/// closing call. It counts from when [`FakeSqs::expect`] was called.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{Action, FakeSqs};
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
/// sqs.expect(Action::SendMessage).on_queue(&url).times(2);
/// sqs.expect(Action::PurgeQueue).never();
/// for body in ["a", "b"] {
///     client.send_message().queue_url(&url).message_body(body).send().await.unwrap();
/// }
/// // Verified here, when `sqs` is dropped.
/// # }
/// ```
#[derive(Debug)]
pub struct Expectation<'a> {
    pub(crate) fake: &'a FakeSqs,
    pub(crate) id: ExpectationId,
}

impl Expectation<'_> {
    fn change(self, change: impl FnOnce(&mut ExpectationSpec)) -> Self {
        self.fake.controls().expectations().change(self.id, change);
        self
    }

    /// Counts only requests about `queue`: a queue name, or its URL in any host form.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.expect(Action::CreateQueue).on_queue("jobs").times(1);
    /// sqs.client().await.create_queue().queue_name("jobs").send().await.unwrap();
    /// # }
    /// ```
    pub fn on_queue(self, queue: &str) -> Self {
        let queue = queue.to_owned();
        self.change(|spec| spec.queue = Some(queue))
    }

    /// Counts only requests whose parameters contain `params` (see
    /// [`ExpectationSpec`]).
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    /// use serde_json::json;
    ///
    /// let sqs = FakeSqs::start().await;
    /// let client = sqs.client().await;
    /// let url = client.create_queue().queue_name("jobs").send().await.unwrap().queue_url.unwrap();
    /// sqs.expect(Action::SendMessage).with_params(json!({"MessageBody": "b", "DelaySeconds": 5})).times(1);
    /// client.send_message().queue_url(&url).message_body("a").send().await.unwrap();
    /// client.send_message().queue_url(&url).message_body("b").delay_seconds(5).send().await.unwrap();
    /// # }
    /// ```
    pub fn with_params(self, params: Value) -> Self {
        self.change(|spec| spec.params = Some(params))
    }

    /// Wants exactly `n` matching requests.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.expect(Action::ListQueues).times(2);
    /// let client = sqs.client().await;
    /// client.list_queues().send().await.unwrap();
    /// client.list_queues().send().await.unwrap();
    /// # }
    /// ```
    pub fn times(self, n: u64) -> Self {
        self.change(|spec| spec.times = Times::Exactly(n))
    }

    /// Wants `n` matching requests or more.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.expect(Action::ListQueues).at_least(1);
    /// sqs.client().await.list_queues().send().await.unwrap();
    /// # }
    /// ```
    pub fn at_least(self, n: u64) -> Self {
        self.change(|spec| spec.times = Times::AtLeast(n))
    }

    /// Wants `n` matching requests or fewer.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.expect(Action::ListQueues).at_most(1);
    /// sqs.client().await.list_queues().send().await.unwrap();
    /// # }
    /// ```
    pub fn at_most(self, n: u64) -> Self {
        self.change(|spec| spec.times = Times::AtMost(n))
    }

    /// Wants no matching request.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// sqs.expect(Action::DeleteQueue).never();
    /// sqs.client().await.list_queues().send().await.unwrap();
    /// # }
    /// ```
    pub fn never(self) -> Self {
        self.change(|spec| spec.times = Times::Exactly(0))
    }

    /// Its id, for [`FakeSqs::verification`]'s reports.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use fake_sqs::{Action, ExpectationId, FakeSqs};
    ///
    /// let sqs = FakeSqs::start().await;
    /// assert_eq!(sqs.expect(Action::ListQueues).at_least(0).id(), ExpectationId(1));
    /// # }
    /// ```
    pub fn id(&self) -> ExpectationId {
        self.id
    }
}

/// How many received requests an [`ExpectationReport`] lists, of those that matched and
/// of those for the same action that did not.
const LISTED: usize = 10;

/// One expectation, checked: what it wanted, and what came.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{Action, FakeSqs};
///
/// let sqs = FakeSqs::start().await;
/// let client = sqs.client().await;
/// sqs.expect(Action::CreateQueue).on_queue("jobs").times(1);
/// client.create_queue().queue_name("work").send().await.unwrap();
///
/// let report = &sqs.verification().expectations[0];
/// assert!(!report.met);
/// assert_eq!(report.received, 0);
/// assert_eq!(report.other_requests.len(), 1); // a CreateQueue, of another queue
/// # sqs.clear_expectations();
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExpectationReport {
    /// Its id.
    pub id: ExpectationId,
    /// What it wanted.
    pub expectation: ExpectationSpec,
    /// How many matching requests came.
    pub received: u64,
    /// Whether that is what it wanted.
    pub met: bool,
    /// The first matching requests (up to 10), one line each: sequence number,
    /// action, queue, outcome.
    pub matching_requests: Vec<String>,
    /// The first requests for the same action that did not match (up to 10): often
    /// the call that was meant, with another queue or parameters.
    pub other_requests: Vec<String>,
}

impl fmt::Display for ExpectationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: expected {}, received {}",
            if self.met { "met" } else { "NOT MET" },
            self.expectation,
            self.expectation.times,
            self.received
        )?;
        for (title, lines) in [
            ("received", &self.matching_requests),
            ("same action, not matching", &self.other_requests),
        ] {
            if !lines.is_empty() {
                write!(f, "\n      {title}:")?;
                for line in lines {
                    write!(f, "\n        {line}")?;
                }
            }
        }
        Ok(())
    }
}

/// Every expectation of a fake, checked: [`FakeSqs::verification`]. Its `Display` is
/// the message [`FakeSqs::verify`] panics with.
///
/// # Example
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use fake_sqs::{Action, FakeSqs};
///
/// let sqs = FakeSqs::start().await;
/// sqs.expect(Action::SendMessage).times(3);
/// let verification = sqs.verification();
/// assert!(!verification.is_met());
/// assert!(verification.to_string().contains(
///     "NOT MET: SendMessage: expected exactly 3 requests, received 0"
/// ));
/// # sqs.clear_expectations();
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Verification {
    /// Each expectation, in the order added.
    pub expectations: Vec<ExpectationReport>,
}

impl Verification {
    /// Whether every expectation is met.
    ///
    /// # Example
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let sqs = fake_sqs::FakeSqs::start().await;
    /// assert!(sqs.verification().is_met());
    /// # }
    /// ```
    pub fn is_met(&self) -> bool {
        self.expectations.iter().all(|e| e.met)
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unmet = self.expectations.iter().filter(|e| !e.met).count();
        write!(
            f,
            "FakeSqs: {unmet} of {} expectations not met",
            self.expectations.len()
        )?;
        for report in &self.expectations {
            write!(f, "\n  {report}")?;
        }
        Ok(())
    }
}

/// One expectation and what it has counted.
struct Counted {
    id: ExpectationId,
    spec: ExpectationSpec,
    received: u64,
    matching: Vec<String>,
    others: Vec<String>,
}

/// The expectations of one fake.
pub(crate) struct Expectations {
    entries: Vec<Counted>,
    next_id: u64,
}

impl Expectations {
    pub(crate) fn new() -> Self {
        Expectations {
            entries: Vec::new(),
            next_id: 1,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn add(&mut self, spec: ExpectationSpec) -> ExpectationId {
        let id = ExpectationId(self.next_id);
        self.next_id += 1;
        self.entries.push(Counted {
            id,
            spec,
            received: 0,
            matching: Vec::new(),
            others: Vec::new(),
        });
        id
    }

    fn change(&mut self, id: ExpectationId, change: impl FnOnce(&mut ExpectationSpec)) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            change(&mut entry.spec);
        }
    }

    /// Counts `request` for the expectations it matches.
    pub(crate) fn observe(&mut self, request: &RecordedRequest) {
        for entry in &mut self.entries {
            if entry.spec.matches(request) {
                entry.received += 1;
                if entry.matching.len() < LISTED {
                    entry.matching.push(line(request));
                }
            } else if request.is(entry.spec.action) && entry.others.len() < LISTED {
                entry.others.push(line(request));
            }
        }
    }

    pub(crate) fn verification(&self) -> Verification {
        Verification {
            expectations: self
                .entries
                .iter()
                .map(|e| ExpectationReport {
                    id: e.id,
                    expectation: e.spec.clone(),
                    received: e.received,
                    met: e.spec.times.allows(e.received),
                    matching_requests: e.matching.clone(),
                    other_requests: e.others.clone(),
                })
                .collect(),
        }
    }

    pub(crate) fn clear(&mut self) {
        *self = Expectations::new();
    }
}

/// A request in one line: `#4 DeleteMessage http://…/jobs: success`.
fn line(request: &RecordedRequest) -> String {
    let queue = request.queue_named().unwrap_or("(no queue)");
    let outcome = match &request.outcome {
        RequestOutcome::Success => "success".to_owned(),
        RequestOutcome::Error { code, .. } => format!("error {}", code.query_code()),
        RequestOutcome::Dropped => "connection dropped".to_owned(),
    };
    format!("#{} {} {queue}: {outcome}", request.seq, request.action)
}

#[cfg(test)]
mod tests {
    use super::contains;
    use serde_json::json;

    #[test]
    fn params_match_as_a_subset_with_query_strings_for_numbers() {
        let sent = json!({"QueueUrl": "u", "DelaySeconds": "5", "Entries": [{"Id": "a"}]});
        assert!(contains(&sent, &json!({"DelaySeconds": 5})));
        assert!(contains(&sent, &json!({"Entries": [{"Id": "a"}]})));
        assert!(!contains(&sent, &json!({"Entries": []})));
        assert!(!contains(&sent, &json!({"MessageBody": "x"})));
        assert!(contains(&json!({"N": 5}), &json!({"N": "5"})));
    }
}
