//! Endpoint mode: the scenarios against a real SQS (AWS, Scaleway, Yandex or any
//! compatible server), configured from the environment. See `conformance/README.md`.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::runner::profile::Profile;
use crate::runner::recording;
use crate::runner::report::{Row, Verdict};
use crate::runner::run::{run, Outcome, Run, Target};
use crate::runner::scenario::Scenario;
use crate::runner::wire::{Endpoint, Protocol};

/// What one endpoint run produced.
pub struct EndpointRun {
    /// One row per scenario and protocol.
    pub rows: Vec<Row>,
    /// The finished runs (skipped ones have none).
    pub runs: Vec<Run>,
}

/// Runs `scenarios` over `protocols` against `endpoint` as `profile` allows. Queue names
/// get a prefix unique to the run and the scenario (AWS refuses to re-create a deleted
/// name for 60 s). With `record`, stores each transcript under
/// `fixtures/recorded/<profile>/`.
pub async fn run_endpoint(
    endpoint: &Endpoint,
    profile: &Profile,
    scenarios: &[Scenario],
    protocols: &[Protocol],
    record: bool,
) -> EndpointRun {
    let run_id = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() % 0x100_0000)
        .unwrap_or(0);
    let mut rows = Vec::new();
    let mut runs = Vec::new();
    let mut n = 0;
    for scenario in scenarios {
        for &protocol in protocols {
            let skip = profile.skip_reason(scenario, protocol).or_else(|| {
                let needs = scenario.needs_other_account();
                let has = endpoint.other.is_some() && endpoint.account.is_some();
                (needs && !has).then(|| {
                    "needs a second account: SQS_CONFORMANCE_ACCOUNT_ID and \
                     SQS_CONFORMANCE_OTHER_{ACCESS_KEY_ID,SECRET_ACCESS_KEY,ACCOUNT_ID}"
                        .to_owned()
                })
            });
            let verdict = match skip {
                Some(why) => Verdict::Skip(why),
                None => {
                    n += 1;
                    let target = Target::Endpoint {
                        endpoint: Box::new(endpoint.clone()),
                        prefix: format!("cf{run_id:x}{}{n}-", &protocol.as_str()[..1]),
                    };
                    let mut done = run(&target, scenario, protocol).await;
                    let verdict = match &done.outcome {
                        Outcome::Pass => Verdict::Pass,
                        Outcome::Fail(why) => match profile.divergence(&scenario.name, None) {
                            Some(d) => Verdict::Known(format!("{why} [{}]", d.reason)),
                            None => Verdict::Fail(why.clone()),
                        },
                    };
                    done.recording.provider = profile.name.clone();
                    if record {
                        match recording::save(&done.recording) {
                            Ok(path) => eprintln!("recorded {}", path.display()),
                            Err(e) => eprintln!("could not record {}: {e}", scenario.name),
                        }
                    }
                    runs.push(done);
                    verdict
                }
            };
            // A full run against a real endpoint takes minutes: show progress.
            eprintln!("{:5} {} {:?}", protocol.as_str(), scenario.name, verdict);
            rows.push(Row {
                scenario: scenario.name.clone(),
                protocol,
                verdict,
            });
        }
    }
    EndpointRun { rows, runs }
}
