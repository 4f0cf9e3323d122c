//! Engines for unit tests: no server, a paused clock, seeded ids, a dialect's rules.

use crate::clock::{Clock, ClockMode};
use crate::dialect::Dialect;
use crate::engine::attributes::AttributeLimits;
use crate::engine::{Caller, Config, Engine, QueueRef};
use crate::limits::IN_FLIGHT_LIMIT;

/// An engine in `dialect` and its clock, paused at 2025-01-01.
pub(crate) fn engine_in(dialect: Dialect) -> (Engine, Clock) {
    let start = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_735_689_600);
    let clock = Clock::new(ClockMode::Paused(Some(start)));
    let rules = dialect.rules();
    let config = Config {
        default_account: dialect.default_account().into(),
        default_region: dialect.default_region().into(),
        base_url: "http://127.0.0.1:9324".into(),
        follow_host: true,
        limits: AttributeLimits {
            max_message_size: rules.max_message_size,
            settable: rules.settable_attributes,
        },
        rules,
        verify_signatures: false,
        declared: Default::default(),
        deleted_queue_cooldown: true,
        purge_cooldown: true,
        in_flight_limit: IN_FLIGHT_LIMIT,
        seed: Some(7),
    };
    (Engine::new(clock.clone(), config), clock)
}

/// A Scaleway engine and its clock.
pub(crate) fn scaleway_engine() -> (Engine, Clock) {
    engine_in(Dialect::Scaleway)
}

/// An AWS engine and its clock.
pub(crate) fn engine() -> (Engine, Clock) {
    engine_in(Dialect::Aws)
}

/// The default owner of `engine`.
pub(crate) fn owner(engine: &Engine) -> Caller {
    Caller {
        account: engine.config().default_account.clone(),
        region: engine.config().default_region.clone(),
    }
}

/// Creates queue `name` of the default owner with `attributes`.
pub(crate) fn queue(engine: &Engine, name: &str, attributes: &[(&str, &str)]) -> QueueRef {
    let owner = owner(engine);
    let pairs: Vec<(String, String)> = attributes
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let url = engine
        .create_queue(&owner, name, &pairs, Vec::new())
        .expect("the queue is created");
    engine.queue_ref(&owner, &url)
}
