//! Replays one scenario over one protocol against a target, judges every step, and
//! writes the normalized transcript.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use fake_sqs::{ClockMode, Dialect, FakeSqs};
use serde_json::{Map, Value};
use tokio::task::JoinHandle;

use super::matcher::{self, at, text};
use super::normalize::Normalizer;
use super::recording::{RecordedStep, Recording};
use super::scenario::{Scenario, Step, Who};
use super::wire::{Answer, Client, Endpoint, OtherAccount, Protocol};
use super::xml;

/// 2025-01-01T00:00:00Z: where the fake's paused clock starts.
pub const START_SECS: u64 = 1_735_689_600;

/// The queue-name prefix of the fake, and what every run prefix is written as.
pub const FAKE_PREFIX: &str = "cf-";

/// What a scenario runs against.
#[derive(Debug, Clone)]
pub enum Target {
    /// A fresh `FakeSqs` per scenario in the given dialect: paused clock, seeded ids.
    Fake(Dialect),
    /// A real endpoint; queue names get `prefix`.
    Endpoint {
        /// Where and who.
        endpoint: Box<Endpoint>,
        /// The unique queue-name prefix of this scenario run.
        prefix: String,
    },
}

/// How a scenario run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every step met its expectation.
    Pass,
    /// The first failing step, and why.
    Fail(String),
}

/// A finished run.
#[derive(Debug)]
pub struct Run {
    /// Pass or fail.
    pub outcome: Outcome,
    /// The normalized transcript.
    pub transcript: String,
    /// The normalized answers, step by step.
    pub recording: Recording,
}

/// Moves time: the fake's clock, or the wall clock.
enum Time {
    Fake(fake_sqs::Clock),
    Real,
}

impl Time {
    async fn wait(&self, seconds: f64) {
        let d = Duration::from_secs_f64(seconds);
        match self {
            Time::Fake(clock) => clock.advance(d),
            Time::Real => tokio::time::sleep(d).await,
        }
    }
}

type Pending = JoinHandle<Result<Answer, String>>;

/// The credentials the runner signs with against the fake.
const FAKE_ACCESS_KEY: &str = "AKIDCONFORMANCE";
const FAKE_SECRET_KEY: &str = "conformance-secret";
/// The second account's, for steps sent `"as": "other"`.
const FAKE_OTHER_ACCESS_KEY: &str = "AKIDCONFORMANCEOTHER";
const FAKE_OTHER_SECRET_KEY: &str = "conformance-other-secret";
const FAKE_OTHER_ACCOUNT: &str = "222222222222";

/// Runs `scenario` over `protocol` against `target`.
pub async fn run(target: &Target, scenario: &Scenario, protocol: Protocol) -> Run {
    match target {
        Target::Fake(dialect) => {
            let account = dialect.default_account();
            // Declared credentials make the fake strict, as AWS is: every request the
            // runner sends is signed at the fake's time and checked.
            let sqs = FakeSqs::builder()
                .dialect(*dialect)
                .credential(FAKE_ACCESS_KEY, FAKE_SECRET_KEY, account)
                .credential(
                    FAKE_OTHER_ACCESS_KEY,
                    FAKE_OTHER_SECRET_KEY,
                    FAKE_OTHER_ACCOUNT,
                )
                .clock(ClockMode::Paused(Some(
                    UNIX_EPOCH + Duration::from_secs(START_SECS),
                )))
                .seed(7)
                .start()
                .await;
            let endpoint = Endpoint {
                url: sqs.endpoint_url(),
                region: sqs.region().to_owned(),
                access_key: FAKE_ACCESS_KEY.into(),
                secret_key: FAKE_SECRET_KEY.into(),
                session_token: None,
                account: Some(account.to_owned()),
                other: Some(OtherAccount {
                    access_key: FAKE_OTHER_ACCESS_KEY.into(),
                    secret_key: FAKE_OTHER_SECRET_KEY.into(),
                    session_token: None,
                    account: FAKE_OTHER_ACCOUNT.into(),
                }),
            };
            let clock = sqs.clock().clone();
            let client = Client::new(endpoint).with_clock(move || clock.now());
            let time = Time::Fake(sqs.clock().clone());
            let mut runner = Runner::new(client, time, FAKE_PREFIX, scenario, protocol);
            runner.steps().await;
            runner.finish()
        }
        Target::Endpoint { endpoint, prefix } => {
            let client = Client::new((**endpoint).clone());
            let mut runner = Runner::new(client, Time::Real, prefix, scenario, protocol);
            runner.steps().await;
            runner.cleanup().await;
            runner.finish()
        }
    }
}

struct Runner<'a> {
    client: Client,
    time: Time,
    scenario: &'a Scenario,
    protocol: Protocol,
    vars: BTreeMap<String, String>,
    normalizer: Normalizer,
    transcript: String,
    recording: Recording,
    outcome: Outcome,
    created: Vec<String>,
    pending: BTreeMap<String, (String, Pending)>,
}

impl<'a> Runner<'a> {
    fn new(
        client: Client,
        time: Time,
        prefix: &str,
        scenario: &'a Scenario,
        protocol: Protocol,
    ) -> Self {
        let mut vars = BTreeMap::new();
        vars.insert("prefix".to_owned(), prefix.to_owned());
        let endpoint = client.endpoint();
        vars.insert(
            "endpoint".to_owned(),
            endpoint.url.trim_end_matches('/').to_owned(),
        );
        vars.insert(
            "other_region".to_owned(),
            endpoint.other_region().to_owned(),
        );
        if let Some(account) = &endpoint.account {
            vars.insert("account".to_owned(), account.clone());
        }
        if let Some(other) = &endpoint.other {
            vars.insert("other_account".to_owned(), other.account.clone());
        }
        Runner {
            client,
            time,
            scenario,
            protocol,
            vars,
            normalizer: Normalizer::with_prefix(prefix, FAKE_PREFIX),
            transcript: format!("# {} ({})\n", scenario.name, protocol.as_str()),
            recording: Recording {
                scenario: scenario.name.clone(),
                protocol,
                provider: String::new(),
                steps: Vec::new(),
            },
            outcome: Outcome::Pass,
            created: Vec::new(),
            pending: BTreeMap::new(),
        }
    }

    async fn steps(&mut self) {
        let steps = self.scenario.steps.clone();
        for (i, step) in steps.iter().enumerate() {
            let n = i + 1;
            if let Err(why) = self.step(n, step).await {
                self.outcome = Outcome::Fail(format!("step {n}: {why}"));
                self.transcript.push_str(&format!("!! step {n} failed\n"));
                return;
            }
        }
    }

    async fn step(&mut self, n: usize, step: &Step) -> Result<(), String> {
        if let Some(seconds) = step.wait {
            self.transcript
                .push_str(&format!("\n## {n}. wait {seconds}s\n"));
            self.time.wait(seconds).await;
            return Ok(());
        }
        if let Some(http) = &step.http {
            let http = substitute_http(http, &self.vars)?;
            let headers: String = http
                .headers
                .iter()
                .map(|(k, v)| format!("\n> {k}: {v}"))
                .collect();
            self.transcript.push_str(&format!(
                "\n## {n}. {} {}{}{headers}\n> {}\n",
                http.method,
                http.url,
                if http.signed { " (signed)" } else { "" },
                serde_json::to_string(&http.body).expect("JSON"),
            ));
            let answer = self.client.raw(self.protocol, &http).await?;
            self.render_raw(&answer);
            self.recording.steps.push(RecordedStep {
                step: n,
                action: format!("{} {}", http.method, http.url),
                status: answer.status,
                error: answer.error.as_ref().map(|e| e.code.clone()),
                message: answer.error.as_ref().map(|e| e.message.clone()),
                members: Value::Null,
            });
            return self.judge(step, &answer);
        }
        let (action, result) = if let Some(name) = &step.await_name {
            let (action, handle) = self
                .pending
                .remove(name)
                .ok_or_else(|| format!("nothing started as {name}"))?;
            self.transcript
                .push_str(&format!("\n## {n}. await {name} ({action})\n"));
            let result = self.collect(handle).await;
            (action, result)
        } else {
            let action = step.action.clone().expect("validated");
            let params = substitute(&step.params, &self.vars)?;
            self.transcript.push_str(&format!(
                "\n## {n}. {action}{}{}{}\n> {}\n",
                if step.start.is_some() {
                    " (started)"
                } else {
                    ""
                },
                match step.as_ {
                    Some(Who::Other) => " (as the other account)",
                    Some(Who::Anonymous) => " (anonymous)",
                    None => "",
                },
                step.sign
                    .as_ref()
                    .map(|s| format!(" (signed: {s:?})"))
                    .unwrap_or_default(),
                serde_json::to_string(&elide(&params)).expect("JSON")
            ));
            let (who, signing) = (step.as_, step.sign.clone());
            if let Some(name) = &step.start {
                let client = self.client.clone();
                let protocol = self.protocol;
                let (a, p) = (action.clone(), params.clone());
                let handle = tokio::spawn(async move {
                    client
                        .call_as(protocol, &a, &p, who, signing.as_ref())
                        .await
                });
                self.pending.insert(name.clone(), (action, handle));
                return Ok(());
            }
            let result = self
                .client
                .call_as(self.protocol, &action, &params, who, signing.as_ref())
                .await;
            (action, result)
        };
        let answer = result?;
        self.learn(&action, &answer);
        self.render(&answer);
        self.recording.steps.push(RecordedStep {
            step: n,
            action: action.clone(),
            status: answer.status,
            error: answer.error.as_ref().map(|e| e.code.clone()),
            message: answer.error.as_ref().map(|e| e.message.clone()),
            members: answer.members.clone(),
        });
        self.judge(step, &answer)?;
        for (name, path) in &step.capture {
            let value = at(&answer.members, path)
                .ok_or_else(|| format!("capture {name}: nothing at {path}"))?;
            self.vars.insert(name.clone(), text(value));
        }
        Ok(())
    }

    /// Waits for a background action. On the fake nothing else moves time, so when the
    /// answer does not come the clock is nudged a second at a time: a long poll that
    /// started after the scenario's own `wait` still reaches its deadline.
    async fn collect(&mut self, mut handle: Pending) -> Result<Answer, String> {
        let joined = match &self.time {
            Time::Real => handle.await,
            Time::Fake(clock) => {
                let mut nudges = 0;
                loop {
                    match tokio::time::timeout(Duration::from_millis(50), &mut handle).await {
                        Ok(done) => break done,
                        Err(_) if nudges < 60 => {
                            nudges += 1;
                            clock.advance(Duration::from_secs(1));
                        }
                        Err(_) => return Err("the background action never answered".into()),
                    }
                }
            }
        };
        joined.map_err(|e| format!("background action: {e}"))?
    }

    fn learn(&mut self, action: &str, answer: &Answer) {
        if let Some(id) = &answer.request_id {
            self.normalizer.learn("request-id", id);
        }
        self.normalizer.learn_members(&answer.members);
        if action == "CreateQueue" && answer.error.is_none() {
            if let Some(url) = answer.members.get("QueueUrl").and_then(Value::as_str) {
                if !self.created.iter().any(|u| u == url) {
                    self.created.push(url.to_owned());
                }
            }
        }
    }

    fn render(&mut self, answer: &Answer) {
        self.transcript.push_str(&format!("< {}\n", answer.status));
        for (k, v) in &answer.headers {
            self.transcript.push_str(&format!("{k}: {v}\n"));
        }
        let body = match self.protocol {
            Protocol::Json => match serde_json::from_str::<Value>(&answer.body) {
                Ok(v) => serde_json::to_string_pretty(&v).expect("JSON"),
                Err(_) => answer.body.clone(),
            },
            Protocol::Query => xml::pretty(&answer.body),
        };
        if body.trim().is_empty() {
            self.transcript.push_str("(empty body)\n");
        } else {
            self.transcript.push_str(body.trim_end());
            self.transcript.push('\n');
        }
    }

    /// A raw step's answer: status, headers, and the body exactly as received.
    fn render_raw(&mut self, answer: &Answer) {
        self.transcript.push_str(&format!("< {}\n", answer.status));
        for (k, v) in &answer.headers {
            self.transcript.push_str(&format!("{k}: {v}\n"));
        }
        self.transcript.push_str(&format!(
            "{}\n",
            serde_json::to_string(&answer.body).expect("JSON")
        ));
    }

    fn judge(&self, step: &Step, answer: &Answer) -> Result<(), String> {
        let expect = step.expect.clone().unwrap_or_default();
        let mut problems = Vec::new();
        if let Some(http) = &step.http {
            // A raw step is judged by its status and body (and its error code, when one
            // is named).
            let status = expect.status.unwrap_or(200);
            if answer.status != status {
                problems.push(format!("expected status {status}, got {}", answer.status));
            }
            if let Some(body) = &expect.body {
                let body = substitute_text(body, &self.vars)?;
                if answer.body.trim_end() != body.trim_end() {
                    problems.push(format!("expected body {body:?}, got {:?}", answer.body));
                }
            }
            if let Some(code) = &expect.error {
                let got = answer.error.as_ref().map(|e| e.code.as_str());
                if got != Some(code.as_str()) {
                    problems.push(format!("expected error {code}, got {got:?}"));
                }
            }
            return match problems.is_empty() {
                true => Ok(()),
                false => Err(format!("{}: {}", http.method, problems.join("; "))),
            };
        }
        match (&expect.error, &answer.error) {
            (Some(code), Some(got)) => {
                if &got.code != code {
                    problems.push(format!("expected error {code}, got {}", got.code));
                }
                let message = match self.protocol {
                    Protocol::Query => expect.message_query.as_ref().or(expect.message.as_ref()),
                    Protocol::Json => expect.message.as_ref(),
                };
                if let Some(message) = message {
                    let message = substitute_text(message, &self.vars)?;
                    if got.message != message {
                        problems.push(format!(
                            "expected message {message:?}, got {:?}",
                            got.message
                        ));
                    }
                }
                if let Some(pattern) = &expect.message_matches {
                    let pattern = format!("^(?:{})$", substitute_text(pattern, &self.vars)?);
                    let re = regex_lite::Regex::new(&pattern)
                        .map_err(|e| format!("message_matches {pattern:?}: {e}"))?;
                    if !re.is_match(&got.message) {
                        problems.push(format!(
                            "expected a message matching {pattern:?}, got {:?}",
                            got.message
                        ));
                    }
                }
            }
            (Some(code), None) => problems.push(format!("expected error {code}, got success")),
            (None, Some(got)) => problems.push(format!(
                "expected success, got {} {}: {}",
                answer.status, got.code, got.message
            )),
            (None, None) => {}
        }
        let status = expect
            .status
            .unwrap_or(if expect.error.is_some() { 400 } else { 200 });
        if answer.status != status {
            problems.push(format!("expected status {status}, got {}", answer.status));
        }
        if let (Some(fields), None) = (&expect.fields, &answer.error) {
            let fields = substitute(fields, &self.vars)?;
            matcher::check(&fields, Some(&answer.members), "", &mut problems);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            let action = step
                .action
                .clone()
                .or_else(|| step.await_name.clone())
                .unwrap_or_default();
            Err(format!("{action}: {}", problems.join("; ")))
        }
    }

    /// Deletes every queue the scenario created, whatever happened.
    async fn cleanup(&mut self) {
        for (_, (_, handle)) in std::mem::take(&mut self.pending) {
            let _ = handle.await;
        }
        for url in std::mem::take(&mut self.created) {
            let params = Value::Object(Map::from_iter([(
                "QueueUrl".to_owned(),
                Value::String(url.clone()),
            )]));
            // Best effort: a queue that cannot be deleted is reported by the provider's
            // console, and must not hide the scenario's own verdict.
            let _ = self
                .client
                .call(self.protocol, "DeleteQueue", &params)
                .await;
        }
    }

    fn finish(mut self) -> Run {
        if let Outcome::Fail(why) = &self.outcome {
            self.transcript.push_str(&format!("\n!! {why}\n"));
        }
        let transcript = self.normalizer.apply(&self.transcript);
        let mut recording = self.recording.clone();
        for step in &mut recording.steps {
            step.members = self.normalizer.apply_value(&step.members);
            step.message = step.message.as_ref().map(|m| self.normalizer.apply(m));
        }
        Run {
            outcome: self.outcome,
            transcript,
            recording,
        }
    }
}

/// A raw step with `${name}` replaced in its URL, headers and body.
fn substitute_http(
    http: &super::scenario::HttpStep,
    vars: &BTreeMap<String, String>,
) -> Result<super::scenario::HttpStep, String> {
    let mut out = http.clone();
    out.url = substitute_text(&http.url, vars)?;
    out.body = substitute_text(&http.body, vars)?;
    for value in out.headers.values_mut() {
        *value = substitute_text(value, vars)?;
    }
    Ok(out)
}

/// Replaces `${name}` in every string of a value.
pub fn substitute(value: &Value, vars: &BTreeMap<String, String>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => Value::String(substitute_text(s, vars)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute(v, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(substitute_text(k, vars)?, substitute(v, vars)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// Replaces `${name}` in one string; `${name*N}` repeats a value N times (long bodies).
pub fn substitute_text(s: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed ${{ in {s:?}"))?;
        let name = &after[..end];
        match name.split_once('*') {
            Some((literal, times)) => {
                let times: usize = times.parse().map_err(|_| format!("bad repeat {name}"))?;
                out.push_str(&literal.repeat(times));
            }
            None => out.push_str(
                vars.get(name)
                    .ok_or_else(|| format!("no captured value named {name}"))?,
            ),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The value with long strings shortened, so that a 1 MiB body does not fill a snapshot.
fn elide(value: &Value) -> Value {
    match value {
        Value::String(s) if s.chars().count() > 256 => {
            let head: String = s.chars().take(16).collect();
            Value::String(format!("{head}…({} chars)", s.chars().count()))
        }
        Value::Array(items) => Value::Array(items.iter().map(elide).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), elide(v))).collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_fills_captures_and_repeats() {
        let vars = BTreeMap::from([("q".to_owned(), "http://h/1/q".to_owned())]);
        assert_eq!(
            substitute_text("${q}?${ab*3}.", &vars).unwrap(),
            "http://h/1/q?ababab."
        );
        assert!(substitute_text("${missing}", &vars).is_err());
        assert!(substitute_text("${q", &vars).is_err());
    }
}
