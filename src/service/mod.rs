//! The service layer: the one place every SQS request passes, exactly once, between the
//! codecs and the actions.
//!
//! [`handle`] takes a decoded request and
//! 1. resolves the caller (`caller.rs`): account and region from the credential scope,
//!    the signature in strict mode, the issued credential where the provider issues
//!    them, the host its queue URLs name (`host.rs`);
//! 2. admits or refuses it under the provider's rules, then under the queue's owner and
//!    policy (`admission.rs`);
//! 3. asks the injected faults what becomes of it (`faults.rs`): a delay before it, an
//!    error or a dropped connection instead of it, failed batch entries around it;
//! 4. parses the action and dispatches it (`actions`), which runs one engine operation;
//! 5. records it, answered, in the journal, and counts it for the expectations
//!    (`controls.rs`), whatever the outcome: a request refused at step 1 or 2 is
//!    recorded with its error;
//! 6. hands back the outcome, for the codec to write.

pub(crate) mod admission;
pub(crate) mod caller;
pub(crate) mod controls;
pub(crate) mod faults;
mod host;
pub(crate) use host::base_url;
mod scope;
mod signature;

use std::borrow::Cow;
use std::sync::Arc;

use hyper::http::request::Parts;
use hyper::Method;
use serde_json::{Map, Value};

use crate::actions::{batch, Action, Ctx};
use crate::api::ActionName;
use crate::chaos::ChaosEvent;
use crate::durable::Saver;
use crate::engine::Engine;
use crate::error::{ErrorCode, SqsError};
use crate::faults::FaultId;
use crate::journal::{self, Kept, RecordedRequest, RequestOutcome};
use crate::protocol::params::Params;
use crate::protocol::request::Decoded;
use crate::protocol::{Outcome, Protocol};
use controls::Controls;
use faults::Effect;

/// What serves SQS requests: the engine, and the controls every request passes.
#[derive(Clone)]
pub(crate) struct Service {
    pub engine: Engine,
    pub controls: Arc<Controls>,
    /// With a data directory: waits until a request's changes are saved.
    pub saver: Option<Arc<Saver>>,
}

impl Service {
    /// Puts the fake back as it started: the engine's state (declared queues, chaos and
    /// clock included), then the controls beside it (faults, journal, expectations).
    /// `FakeSqs::reset` and the admin API's `POST /_fake-sqs/reset` both call it, so
    /// that what is cleared is said once.
    pub(crate) fn reset(&self) {
        self.engine.reset();
        self.controls.reset();
    }
}

/// One request as the server read and the codec decoded it.
pub(crate) struct Request<'a> {
    pub protocol: Protocol,
    /// The HTTP head: the credential scope and the signature are read from it.
    pub http: &'a Parts,
    /// The body as received, for the signature and the journal.
    pub body: &'a [u8],
    /// The action and members, or the codec's error (with the action as far as it was
    /// read): answered after the signature check, as the providers do.
    pub decoded: Result<Decoded, (String, SqsError)>,
}

/// What the service answers: the action as named on the wire, and its outcome.
pub(crate) struct Answer {
    pub action: String,
    pub outcome: Result<Outcome, SqsError>,
    /// An injected fault: the connection closes without this answer.
    pub drop_connection: bool,
}

impl Answer {
    fn error(action: String, err: SqsError) -> Self {
        Answer {
            action,
            outcome: Err(err),
            drop_connection: false,
        }
    }
}

/// What a request leaves for the journal besides its answer.
#[derive(Default)]
struct Notes {
    params: Option<Params>,
    faults: Vec<FaultId>,
    chaos: Vec<ChaosEvent>,
    /// The action, when it ran: one refused or answered by a fault changed nothing.
    ran: Option<ActionName>,
}

/// Runs one request through the service, and records it.
pub(crate) async fn handle(service: &Service, request: Request<'_>) -> Answer {
    let arrived = service.engine.now();
    let (protocol, http, body) = (request.protocol, request.http, request.body);
    let mut notes = Notes::default();
    let mut answer = run(service, request, &mut notes).await;
    if let Some(saver) = &service.saver {
        save(saver, &mut answer, notes.ran).await;
    }
    let sent = Sent {
        arrived,
        protocol,
        http,
        body,
    };
    record(service, &sent, &answer, notes);
    answer
}

/// With a data directory: an answer goes out once what its request changed is saved
/// (an action that ran and may change the state: see `api.rs`); a request whose change
/// cannot be saved fails.
async fn save(saver: &Saver, answer: &mut Answer, ran: Option<ActionName>) {
    if !ran.is_some_and(ActionName::changes_state) {
        return;
    }
    if let Err(reason) = saver.saved().await {
        answer.outcome = Err(crate::durable::unsaved(&reason));
    }
}

/// What the journal keeps of a request as it came.
struct Sent<'a> {
    /// When it arrived, on the fake's clock.
    arrived: u64,
    protocol: Protocol,
    http: &'a Parts,
    body: &'a [u8],
}

/// Caller, admission, faults, dispatch.
async fn run(service: &Service, request: Request<'_>, notes: &mut Notes) -> Answer {
    let engine = &service.engine;
    // A request that names no action at all is answered before its credentials are
    // looked at: AWS answers an unsigned `GET /` with its 404 too.
    if let Err((action, err)) = &request.decoded {
        if err.code == ErrorCode::UnknownOperation {
            return Answer::error(action.clone(), err.clone());
        }
    }
    if let Err(err) = caller::verify_signature(engine, request.http, request.body) {
        // Refused before its action runs, but still a request for that action: the
        // journal and the expectations see it so.
        let action = match request.decoded {
            Ok(decoded) => {
                notes.params = Some(decoded.params);
                decoded.action
            }
            Err((action, _)) => action,
        };
        return Answer::error(action, err);
    }
    let Decoded {
        action,
        params,
        query_pairs,
    } = match request.decoded {
        Ok(decoded) => decoded,
        Err((action, err)) => return Answer::error(action, err),
    };
    let mut ctx = caller::identify(engine, request.http, &query_pairs);
    let permissions = caller::bind_issued_credential(engine, &mut ctx);
    // Refusals name the URL the request was sent to, as AWS's do.
    let resource = SentTo {
        base_url: &ctx.base_url,
        path: request.http.uri.path(),
    };
    let admitted = permissions.and_then(|permissions| {
        admission::admit(
            engine.rules(),
            request.protocol,
            &action,
            &params,
            permissions,
            &resource,
        )
    });
    let name = admitted
        .and_then(|()| ActionName::parse(&action).ok_or_else(|| SqsError::invalid_action(&action)))
        .and_then(|name| {
            admission::admit_to_queue(engine, &ctx, name, &params, &resource)?;
            Ok(name)
        });
    let name = match name {
        Ok(name) => name,
        Err(err) => {
            notes.params = Some(params);
            return Answer::error(action, err);
        }
    };
    let decision = {
        let mut faults = service.controls.faults();
        if faults.is_empty() {
            faults::Decision::default()
        } else {
            let queue = params
                .get_str("QueueUrl")
                .or_else(|| params.get_str("QueueName"));
            faults.decide(name, queue, request.protocol)
        }
    };
    notes.faults = decision.applied;
    if !decision.delay.is_zero() {
        // Real time, as a slow service is: the fake's clock does not move.
        tokio::time::sleep(decision.delay).await;
    }
    let mut drop_connection = false;
    let outcome = match decision.effect {
        None => {
            notes.ran = Some(name);
            dispatch(engine, name, &params, &ctx).await
        }
        Some(Effect::Answer(err)) => Err(err),
        Some(Effect::DropConnection) => {
            drop_connection = true;
            Err(SqsError::new(
                ErrorCode::InternalError,
                "The connection was closed without an answer.",
            ))
        }
        Some(Effect::FailEntries(ids, err)) => {
            notes.ran = Some(name);
            fail_entries(engine, name, &params, &ctx, &ids, err).await
        }
    };
    notes.params = Some(params);
    notes.chaos = ctx.chaos.take();
    Answer {
        action,
        outcome,
        drop_connection,
    }
}

/// Parses the action and runs it.
async fn dispatch(
    engine: &Engine,
    name: ActionName,
    params: &Params,
    ctx: &Ctx,
) -> Result<Outcome, SqsError> {
    Action::parse(name, params)?.apply(engine, ctx).await
}

/// A batch whose entries with the ids in `ids` fail with `err`: the others are done, and
/// the answer lists both. A request that is invalid as sent gets its error, and an
/// action that is not a batch runs as usual.
async fn fail_entries(
    engine: &Engine,
    name: ActionName,
    params: &Params,
    ctx: &Ctx,
    ids: &[String],
    err: SqsError,
) -> Result<Outcome, SqsError> {
    if name.request_entry().is_none() {
        return dispatch(engine, name, params, ctx).await;
    }
    Action::parse(name, params)?;
    let (kept, failed) = params.without_entries("Entries", |id| ids.iter().any(|f| f == id));
    let done = if kept.entries("Entries")?.is_some_and(|e| !e.is_empty()) {
        dispatch(engine, name, &kept, ctx).await?
    } else {
        Outcome::Empty
    };
    let mut answer = match done {
        Outcome::Result(map) => map,
        Outcome::Empty => Map::new(),
    };
    answer
        .entry("Successful")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = answer
        .entry("Failed")
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        list.extend(failed.iter().map(|id| batch::failed_entry(id, &err)));
    }
    Ok(Outcome::Result(answer))
}

/// Writes the request in the journal and counts it for the expectations, when either
/// wants it (with neither, nothing is built).
fn record(service: &Service, sent: &Sent<'_>, answer: &Answer, notes: Notes) {
    let controls = &service.controls;
    let mut journal = controls.journal();
    let seq = journal.next_seq();
    let mut expectations = controls.expectations();
    let expecting = !expectations.is_empty();
    if !journal.is_on() && !expecting {
        return;
    }
    let answered_url = answer
        .outcome
        .as_ref()
        .ok()
        .and_then(Outcome::result)
        .and_then(|r| r.get("QueueUrl"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let outcome = match &answer.outcome {
        _ if answer.drop_connection => RequestOutcome::Dropped,
        Ok(_) => RequestOutcome::Success,
        Err(err) => RequestOutcome::Error {
            code: err.code,
            message: err.message.to_string(),
        },
    };
    if expecting {
        let params = notes
            .params
            .map_or_else(|| Value::Object(Map::new()), Params::into_value);
        let request = RecordedRequest {
            seq,
            at_millis: sent.arrived,
            action: answer.action.clone(),
            protocol: sent.protocol,
            queue_url: journal::queue_url(&params, answered_url.as_deref()),
            params,
            outcome: outcome.clone(),
            faults: notes.faults.clone(),
            chaos: notes.chaos.clone(),
        };
        expectations.observe(&request);
    }
    drop(expectations);
    if !journal.is_on() {
        return;
    }
    let target = sent
        .http
        .uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .filter(|pq| *pq != "/")
        .map(Box::from);
    let action = match ActionName::parse(&answer.action) {
        Some(name) => Cow::Borrowed(name.as_str()),
        None => Cow::Owned(answer.action.clone()),
    };
    journal.push(
        Kept {
            seq,
            at_millis: sent.arrived,
            action,
            protocol: sent.protocol,
            post: sent.http.method == Method::POST,
            target,
            answered_url,
            outcome,
            faults: notes.faults,
            chaos: notes.chaos,
        },
        sent.body,
    );
}

/// The URL a request was sent to, written out only when a refusal names it (most
/// requests are admitted, and need not pay for the string).
struct SentTo<'a> {
    base_url: &'a str,
    path: &'a str,
}

impl std::fmt::Display for SentTo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.base_url, self.path)
    }
}
