//! Endpoint mode: the scenarios against a real SQS (AWS, Scaleway, Yandex or any
//! compatible server), configured from the environment. See `conformance/README.md`.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::runner::profile::Profile;
use crate::runner::recording;
use crate::runner::report::{table, Row, Verdict};
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
            let verdict = match profile.skip_reason(scenario, protocol) {
                Some(why) => Verdict::Skip(why),
                None => {
                    n += 1;
                    let target = Target::Endpoint {
                        endpoint: endpoint.clone(),
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

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The scenarios against the endpoint named by `SQS_CONFORMANCE_ENDPOINT`. Ignored by
/// default: it needs credentials, and on AWS it costs (a little) money.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs SQS_CONFORMANCE_ENDPOINT and credentials; see conformance/README.md"]
async fn scenarios_hold_on_the_configured_endpoint() {
    let Some(url) = env("SQS_CONFORMANCE_ENDPOINT") else {
        panic!(
            "set SQS_CONFORMANCE_ENDPOINT (e.g. https://sqs.eu-west-1.amazonaws.com), \
             AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and \
             SQS_CONFORMANCE_PROFILE (aws, scaleway, yandex, generic); see conformance/README.md"
        )
    };
    let endpoint = Endpoint {
        url,
        region: env("AWS_REGION")
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into()),
        access_key: env("AWS_ACCESS_KEY_ID").expect("AWS_ACCESS_KEY_ID"),
        secret_key: env("AWS_SECRET_ACCESS_KEY").expect("AWS_SECRET_ACCESS_KEY"),
        session_token: env("AWS_SESSION_TOKEN"),
    };
    let profile =
        Profile::load(&env("SQS_CONFORMANCE_PROFILE").unwrap_or_else(|| "generic".into()));
    let protocols: Vec<Protocol> = match env("SQS_CONFORMANCE_PROTOCOLS") {
        Some(list) => list.split(',').filter_map(Protocol::parse).collect(),
        None => Protocol::ALL.to_vec(),
    };
    let record = env("SQS_CONFORMANCE_RECORD").is_some_and(|v| v != "0");
    let scenarios = crate::selected();
    let done = run_endpoint(&endpoint, &profile, &scenarios, &protocols, record).await;
    println!(
        "conformance against {} (profile {}):\n{}",
        endpoint.url,
        profile.name,
        table(&done.rows)
    );
    let failed = done
        .rows
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Fail(_)))
        .count();
    assert_eq!(
        failed, 0,
        "{failed} scenario run(s) failed; see the table above"
    );
}
