//! The conformance suite: every scenario of `conformance/scenarios/` against the fake
//! over both protocols (`cargo test --test conformance`), and against a real endpoint on
//! demand (`cargo test --test conformance -- --ignored`, see `conformance/README.md`).

mod endpoint;
mod offline;
mod runner;

use std::collections::BTreeSet;

use fake_sqs::Dialect;
use runner::profile::Profile;
use runner::recording;
use runner::report::{table, Row, Verdict};
use runner::run::{run, Outcome, Target};
use runner::scenario::{self, matches_filter, Scenario, ACTIONS};
use runner::wire::Protocol;

/// The scenarios `SQS_CONFORMANCE_FILTER` keeps (all when unset).
pub fn selected() -> Vec<Scenario> {
    let filter = std::env::var("SQS_CONFORMANCE_FILTER").unwrap_or_default();
    scenario::load_all()
        .into_iter()
        .filter(|s| matches_filter(s, &filter))
        .collect()
}

/// Runs every selected scenario against the fake over `protocol`, compares with AWS
/// recordings where they exist, prints the table, then checks the snapshots.
async fn fake_suite(protocol: Protocol) {
    let fake = Profile::load("fake");
    let aws = Profile::load("aws");
    let mut rows = Vec::new();
    let mut transcripts = Vec::new();
    for scenario in selected() {
        let verdict = match fake.skip_reason(&scenario, protocol) {
            Some(why) => Verdict::Skip(why),
            None => {
                let done = run(&Target::Fake(Dialect::Aws), &scenario, protocol).await;
                let mut verdict = match &done.outcome {
                    Outcome::Pass => Verdict::Pass,
                    Outcome::Fail(why) => match fake.divergence(&scenario.name, None) {
                        Some(d) => Verdict::Known(format!("{why} [{}]", d.reason)),
                        None => Verdict::Fail(why.clone()),
                    },
                };
                if let Some(recorded) = recording::load("aws", &scenario.name, protocol) {
                    let diffs = recording::differences(&done.recording, &recorded, &aws);
                    if !diffs.is_empty() && verdict == Verdict::Pass {
                        verdict = Verdict::Fail(format!("differs from AWS: {}", diffs.join("; ")));
                    }
                }
                transcripts.push((scenario.name.clone(), done.transcript));
                verdict
            }
        };
        rows.push(Row {
            scenario: scenario.name.clone(),
            protocol,
            verdict,
        });
    }
    println!("{}", table(&rows));
    let failed: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Fail(_)))
        .collect();
    let failed: Vec<Row> = failed.into_iter().cloned().collect();
    assert!(
        failed.is_empty(),
        "{} scenario(s) failed against the fake:\n{}",
        failed.len(),
        table(&failed)
    );

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../conformance/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, transcript) in &transcripts {
            insta::assert_snapshot!(format!("{name}.{}", protocol.as_str()), transcript);
        }
    });
}

/// Runs every selected scenario against the fake in `dialect`, judged by the provider's
/// profile: what the provider lacks is skipped, a failure the profile lists as a known
/// divergence of the provider is expected, any other failure fails the test. (No AWS
/// recordings or snapshots: the yardstick here is the provider, not AWS.)
async fn dialect_suite(dialect: Dialect, profile: &str, protocol: Protocol) {
    let profile = Profile::load(profile);
    let mut rows = Vec::new();
    for scenario in selected() {
        let verdict = match profile.skip_reason(&scenario, protocol) {
            Some(why) => Verdict::Skip(why),
            None => match run(&Target::Fake(dialect), &scenario, protocol)
                .await
                .outcome
            {
                Outcome::Pass => Verdict::Pass,
                Outcome::Fail(why) => match profile.divergence(&scenario.name, None) {
                    Some(d) => Verdict::Known(format!("{why} [{}]", d.reason)),
                    None => Verdict::Fail(why),
                },
            },
        };
        rows.push(Row {
            scenario: scenario.name.clone(),
            protocol,
            verdict,
        });
    }
    println!("{}", table(&rows));
    let failed: Vec<Row> = rows
        .into_iter()
        .filter(|r| matches!(r.verdict, Verdict::Fail(_)))
        .collect();
    assert!(
        failed.is_empty(),
        "{} scenario(s) failed against the fake in the {} dialect:\n{}",
        failed.len(),
        profile.name,
        table(&failed)
    );
}

/// The fake in the Scaleway dialect holds to the Scaleway profile, over JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scaleway_dialect_matches_the_scaleway_profile_over_json() {
    dialect_suite(Dialect::Scaleway, "scaleway", Protocol::Json).await;
}

/// The fake in the Scaleway dialect holds to the Scaleway profile, over Query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scaleway_dialect_matches_the_scaleway_profile_over_query() {
    dialect_suite(Dialect::Scaleway, "scaleway", Protocol::Query).await;
}

/// The fake in the Yandex dialect holds to the Yandex profile (Query only).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_yandex_dialect_matches_the_yandex_profile() {
    dialect_suite(Dialect::Yandex, "yandex", Protocol::Query).await;
}

/// Every scenario against the fake over AWS JSON 1.0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_holds_on_the_fake_over_json() {
    fake_suite(Protocol::Json).await;
}

/// Every scenario against the fake over AWS Query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_holds_on_the_fake_over_query() {
    fake_suite(Protocol::Query).await;
}

/// The suite is as broad as promised: at least 80 scenarios, every one of the 23
/// actions used, and every pending or divergent entry names a real scenario.
#[test]
fn scenarios_cover_every_action_and_profiles_name_real_scenarios() {
    let all = scenario::load_all();
    assert!(all.len() >= 80, "only {} scenarios", all.len());
    let used: BTreeSet<&str> = all.iter().flat_map(|s| s.actions()).collect();
    let missing: Vec<&&str> = ACTIONS.iter().filter(|a| !used.contains(**a)).collect();
    assert!(
        missing.is_empty(),
        "actions without a scenario: {missing:?}"
    );
    let names: BTreeSet<&str> = all.iter().map(|s| s.name.as_str()).collect();
    for profile in ["fake", "aws", "scaleway", "yandex", "generic"] {
        let p = Profile::load(profile);
        for listed in p.pending.iter().chain(&p.divergences) {
            assert!(
                names.contains(listed.scenario.as_str()),
                "profile {profile} names unknown scenario {}",
                listed.scenario
            );
        }
    }
}
