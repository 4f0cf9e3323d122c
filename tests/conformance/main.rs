//! The conformance suite (`cargo test --test conformance`): every scenario of
//! `conformance/scenarios/` is its own test, once per target and protocol, named
//! `<target>/<protocol>/<scenario>`: `aws/json/fifo-orders-messages-within-a-group`.
//! Filter by any part of the name (`cargo test --test conformance fifo-` runs the FIFO
//! scenarios, `-- aws/query/` one protocol); a failure names its scenario.
//!
//! - `aws/…`: the fake in the AWS dialect, judged by the scenario, the `fake` profile
//!   and any AWS recording, with its transcript snapshotted under
//!   `conformance/snapshots/`.
//! - `scaleway/…`, `yandex/…`: the fake in those dialects, judged by the provider's
//!   profile (what the provider lacks is skipped, listed divergences are expected).
//! - `endpoint/…` (ignored): the scenarios against a real endpoint, with
//!   `cargo test --test conformance -- --ignored` (see `conformance/README.md`).
//!
//! The runner's own tests are in `conformance-runner` (`self_test.rs`).

// Shared with `conformance-runner`, whose offline tests use what this binary does not.
#[allow(dead_code)]
mod endpoint;
// The runner's unit tests run in `conformance-runner`; without libtest's harness their
// `#[test]` functions are left out here, and what only they use goes unused.
#[allow(unused_imports, dead_code)]
mod runner;

use std::collections::BTreeSet;

use fake_sqs::Dialect;
use libtest_mimic::{Arguments, Failed, Trial};
use runner::profile::Profile;
use runner::recording;
use runner::report::{table, Verdict};
use runner::run::{run, Outcome, Target};
use runner::scenario::{self, matches_filter, Scenario, ACTIONS};
use runner::wire::{Endpoint, OtherAccount, Protocol};

use endpoint::run_endpoint;

/// The scenarios `SQS_CONFORMANCE_FILTER` keeps (all when unset).
pub fn selected() -> Vec<Scenario> {
    let filter = std::env::var("SQS_CONFORMANCE_FILTER").unwrap_or_default();
    scenario::load_all()
        .into_iter()
        .filter(|s| matches_filter(s, &filter))
        .collect()
}

fn main() {
    let args = Arguments::from_args();
    let scenarios = selected();
    let mut trials = Vec::new();
    for protocol in Protocol::ALL {
        for scenario in &scenarios {
            trials.push(fake_trial(scenario.clone(), protocol));
        }
    }
    let dialects = [
        (Dialect::Scaleway, "scaleway", &Protocol::ALL[..]),
        (Dialect::Yandex, "yandex", &[Protocol::Query][..]),
    ];
    for (dialect, profile, protocols) in dialects {
        for &protocol in protocols {
            for scenario in &scenarios {
                trials.push(dialect_trial(dialect, profile, scenario.clone(), protocol));
            }
        }
    }
    trials.push(Trial::test(
        "scenarios_cover_every_action_and_profiles_name_real_scenarios",
        || {
            scenarios_cover_every_action_and_profiles_name_real_scenarios();
            Ok(())
        },
    ));
    trials.push(
        Trial::test("endpoint/scenarios_hold_on_the_configured_endpoint", || {
            block_on(scenarios_hold_on_the_configured_endpoint());
            Ok(())
        })
        .with_ignored_flag(true),
    );
    libtest_mimic::run(&args, trials).exit();
}

/// Runs `future` on a runtime of its own, as each test had with `#[tokio::test]`.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime for the test")
        .block_on(future)
}

/// A scenario the profile skips: an ignored test that says why.
fn skipped(name: String, why: String) -> Trial {
    Trial::test(name, move || {
        println!("skipped: {why}");
        Ok(())
    })
    .with_ignored_flag(true)
}

/// One scenario against the fake (AWS dialect) over `protocol`: it must pass (or fail
/// as the `fake` profile expects), match any AWS recording, and its transcript must be
/// the snapshot's.
fn fake_trial(scenario: Scenario, protocol: Protocol) -> Trial {
    let name = format!("aws/{}/{}", protocol.as_str(), scenario.name);
    let fake = Profile::load("fake");
    if let Some(why) = fake.skip_reason(&scenario, protocol) {
        return skipped(name, why);
    }
    Trial::test(name, move || {
        let done = block_on(run(&Target::Fake(Dialect::Aws), &scenario, protocol));
        let mut verdict = match &done.outcome {
            Outcome::Pass => Verdict::Pass,
            Outcome::Fail(why) => match fake.divergence(&scenario.name, None) {
                Some(d) => Verdict::Known(format!("{why} [{}]", d.reason)),
                None => Verdict::Fail(why.clone()),
            },
        };
        if let Some(recorded) = recording::load("aws", &scenario.name, protocol) {
            let aws = Profile::load("aws");
            let diffs = recording::differences(&done.recording, &recorded, &aws);
            if !diffs.is_empty() && verdict == Verdict::Pass {
                verdict = Verdict::Fail(format!("differs from AWS: {}", diffs.join("; ")));
            }
        }
        match verdict {
            Verdict::Fail(why) => return Err(Failed::from(why)),
            Verdict::Known(why) => println!("known divergence: {why}"),
            Verdict::Pass | Verdict::Skip(_) => {}
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../../conformance/snapshots");
        settings.set_prepend_module_to_snapshot(false);
        let transcript = done.transcript;
        settings.bind(|| {
            insta::assert_snapshot!(
                format!("{}.{}", scenario.name, protocol.as_str()),
                transcript
            );
        });
        Ok(())
    })
}

/// One scenario against the fake in `dialect` over `protocol`, judged by the provider's
/// profile: what the provider lacks is skipped, a failure the profile lists as a known
/// divergence of the provider is expected, any other failure fails. (No AWS recordings
/// or snapshots: the yardstick here is the provider, not AWS.)
fn dialect_trial(dialect: Dialect, profile: &str, scenario: Scenario, protocol: Protocol) -> Trial {
    let name = format!("{profile}/{}/{}", protocol.as_str(), scenario.name);
    let profile = Profile::load(profile);
    if let Some(why) = profile.skip_reason(&scenario, protocol) {
        return skipped(name, why);
    }
    Trial::test(name, move || {
        match block_on(run(&Target::Fake(dialect), &scenario, protocol)).outcome {
            Outcome::Pass => Ok(()),
            Outcome::Fail(why) => match profile.divergence(&scenario.name, None) {
                Some(d) => {
                    println!("known divergence: {why} [{}]", d.reason);
                    Ok(())
                }
                None => Err(Failed::from(why)),
            },
        }
    })
}

/// The suite is as broad as promised: at least 80 scenarios, every one of the 23
/// actions used, and every pending or divergent entry names a real scenario.
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

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The scenarios against the endpoint named by `SQS_CONFORMANCE_ENDPOINT`. Ignored by
/// default: it needs credentials, and on AWS it costs (a little) money (needs
/// SQS_CONFORMANCE_ENDPOINT and credentials; see conformance/README.md).
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
        account: env("SQS_CONFORMANCE_ACCOUNT_ID"),
        other: match (
            env("SQS_CONFORMANCE_OTHER_ACCESS_KEY_ID"),
            env("SQS_CONFORMANCE_OTHER_SECRET_ACCESS_KEY"),
            env("SQS_CONFORMANCE_OTHER_ACCOUNT_ID"),
        ) {
            (Some(access_key), Some(secret_key), Some(account)) => Some(OtherAccount {
                access_key,
                secret_key,
                session_token: env("SQS_CONFORMANCE_OTHER_SESSION_TOKEN"),
                account,
            }),
            _ => None,
        },
    };
    let profile =
        Profile::load(&env("SQS_CONFORMANCE_PROFILE").unwrap_or_else(|| "generic".into()));
    let protocols: Vec<Protocol> = match env("SQS_CONFORMANCE_PROTOCOLS") {
        Some(list) => list.split(',').filter_map(Protocol::parse).collect(),
        None => Protocol::ALL.to_vec(),
    };
    let record = env("SQS_CONFORMANCE_RECORD").is_some_and(|v| v != "0");
    let scenarios = selected();
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
