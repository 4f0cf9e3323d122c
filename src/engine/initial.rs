//! What a fresh fake holds before its first request, and what a reset puts back: in the
//! Scaleway dialect, SQS activated for the default project and the builder's
//! credentials (and for the project of each credential declared with
//! `FakeSqsBuilder::credential`); the queues declared up front (a config file,
//! `FakeSqsBuilder::queue`); the builder's chaos, its random stream from the start.

use super::chaos::ChaosState;
use super::credentials::{Activation, Credential, Permissions};
use super::{Caller, Engine, State};
use crate::chaos::Chaos;
use crate::error::SqsError;

/// The initial state, as data.
#[derive(Debug, Clone, Default)]
pub(crate) struct Initial {
    /// The credentials issued at start, each with its project; `Some` where the
    /// provider issues credentials (Scaleway).
    pub scaleway_credentials: Option<Vec<IssuedAtStart>>,
    /// The declared queues, in creation order (each dead-letter queue before the queues
    /// that use it).
    pub queues: Vec<InitialQueue>,
    /// The builder's chaos.
    pub chaos: Chaos,
}

/// A credential a Scaleway fake starts with.
#[derive(Debug, Clone)]
pub(crate) struct IssuedAtStart {
    pub access_key: String,
    pub secret_key: String,
    pub permissions: Permissions,
    pub project: String,
}

/// One declared queue, as CreateQueue would take it.
#[derive(Debug, Clone)]
pub(crate) struct InitialQueue {
    pub owner: Caller,
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
}

impl Engine {
    /// Puts the initial state into `state` (empty): the error of the first declared
    /// queue that cannot be created, with its index. What was created at the start is
    /// created the same way by a reset.
    pub(crate) fn seed(&self, state: &mut State, now: u64) -> Result<(), (usize, SqsError)> {
        let initial = self.initial();
        if let Some(credentials) = &initial.scaleway_credentials {
            seed_scaleway(state, self, now, credentials);
        }
        state.chaos = ChaosState::new(initial.chaos, self.config().seed);
        for (i, queue) in initial.queues.iter().enumerate() {
            self.create_queue_in(
                state,
                now,
                &queue.owner,
                &queue.name,
                &queue.attributes,
                queue.tags.clone(),
            )
            .map_err(|e| (i, e))?;
        }
        Ok(())
    }
}

/// Activates SQS for the projects of the given credentials and adds them.
fn seed_scaleway(state: &mut State, engine: &Engine, now: u64, credentials: &[IssuedAtStart]) {
    let region = engine.config().default_region.clone();
    for (i, credential) in credentials.iter().enumerate() {
        let project = credential.project.clone();
        state.credentials.activations.insert(
            (project.clone(), region.clone()),
            Activation {
                created_at: now,
                updated_at: now,
                enabled: true,
            },
        );
        let IssuedAtStart {
            access_key,
            secret_key,
            permissions,
            ..
        } = credential;
        state.credentials.insert(Credential {
            id: format!("00000000-0000-4000-8000-{i:012}"),
            name: format!("fake-sqs-{i}"),
            project_id: project,
            region: region.clone(),
            created_at: now,
            updated_at: now,
            access_key: access_key.clone(),
            secret_key: secret_key.clone(),
            permissions: *permissions,
        });
    }
}
