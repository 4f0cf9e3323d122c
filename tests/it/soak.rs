//! The integrity soak, small: concurrent producers and consumers over HTTP on a standard
//! and a FIFO queue, skipped deletes, resent batches and a clock that moves under them,
//! and at the end every message accounted for (see `benches/load/soak.rs`; the
//! benchmark runs the same workload with a million messages). The checker's own tests
//! show that it sees each kind of violation.

#[allow(dead_code)]
#[path = "../../benches/load/client.rs"]
mod client;

#[allow(dead_code)]
#[path = "../../benches/load/soak.rs"]
mod workload;

use serde_json::Value;
use workload::{Checker, Soak};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_producers_and_consumers_lose_and_duplicate_nothing() {
    let report = workload::run(Soak::small()).await;
    workload::print(&report);
    assert_eq!(report.violations, Vec::<String>::new());
    assert_eq!(report.lost, 0);
    // The run did exercise what it is about.
    assert!(report.redeliveries > 0, "{report:?}");
    assert!(report.skipped_deletes > 0, "{report:?}");
    assert!(report.resent_batches > 0, "{report:?}");
}

/// A soak of one group of three FIFO messages, all announced.
fn checker() -> (Checker, Soak) {
    let soak = Soak {
        standard_messages: 1,
        fifo_messages: 3,
        groups: 1,
        ..Soak::small()
    };
    let mut checker = Checker::new(soak);
    checker.announce(&[(0, 0), (0, 1), (0, 2)]);
    (checker, soak)
}

fn message(body: &str, id: &str) -> (String, String, String) {
    (body.to_owned(), "handle".to_owned(), id.to_owned())
}

#[test]
fn checker_sees_a_group_skipping_ahead_or_out_of_order() {
    let (mut c, soak) = checker();
    c.received(0, true, &[message("f:0:1", "b")], 0, 0, 0, soak);
    c.received(
        1,
        true,
        &[message("f:0:0", "a"), message("f:0:2", "c")],
        0,
        5_000,
        5_000,
        soak,
    );
    assert!(
        c.violations()[0].contains("skipped ahead"),
        "{:?}",
        c.violations()
    );
    assert!(
        c.violations()[1].contains("out of order"),
        "{:?}",
        c.violations()
    );
}

#[test]
fn checker_sees_a_group_held_by_two_consumers() {
    let (mut c, soak) = checker();
    c.received(0, true, &[message("f:0:0", "a")], 0, 0, 0, soak);
    c.received(1, true, &[message("f:0:0", "a")], 0, 1_000, 1_000, soak);
    assert!(
        c.violations()[0].contains("while consumer 0 held it"),
        "{:?}",
        c.violations()
    );
    // After the visibility timeout it is fine.
    let (mut c, soak) = checker();
    c.received(0, true, &[message("f:0:0", "a")], 0, 0, 0, soak);
    c.received(1, true, &[message("f:0:0", "a")], 0, 2_000, 2_000, soak);
    assert!(c.violations().is_empty(), "{:?}", c.violations());
}

#[test]
fn checker_sees_duplicates_and_deleted_messages_coming_back() {
    let (mut c, soak) = checker();
    let first = [message("f:0:0", "a")];
    let keys = c.received(0, true, &first, 0, 0, 0, soak);
    let sent = c.deleting(0, true, &first, &keys);
    c.deleted(true, &first, &sent, &[], &Value::Null);
    c.received(1, true, &[message("f:0:0", "other")], 1, 9_000, 9_000, soak);
    assert!(
        c.violations()[0].contains("duplicate"),
        "{:?}",
        c.violations()
    );
    assert!(
        c.violations()[1].contains("came back after its delete"),
        "{:?}",
        c.violations()
    );
}

#[test]
fn checker_counts_what_was_never_deleted_as_lost() {
    let (mut c, soak) = checker();
    assert_eq!(c.lost(), 4);
    let all = [
        message("f:0:0", "a"),
        message("f:0:1", "b"),
        message("f:0:2", "c"),
    ];
    let keys = c.received(0, true, &all, 0, 0, 0, soak);
    let sent = c.deleting(0, true, &all, &keys);
    c.deleted(true, &all, &sent, &[1], &Value::Null);
    assert_eq!(c.lost(), 2, "the failed delete and the standard message");
    assert!(c.violations().is_empty(), "{:?}", c.violations());
}
