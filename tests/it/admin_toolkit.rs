//! The admin API's side of the test author's toolkit (issue 14): the request journal
//! with its filters and cursor, faults, chaos and expectations, and reset clearing
//! them. Each answer is read back into the Rust API's own type and compared with what
//! the handle says, so that the two cannot drift.

use aws_sdk_sqs::config::retry::RetryConfig;
use aws_sdk_sqs::error::ProvideErrorMetadata;
use fake_sqs::{Chaos, FakeSqs, FaultStatus, RecordedRequest, Verification};
use serde_json::{json, Value};

use crate::admin::{delete, get, post};
use crate::support::{builder, create_queue, fake};

/// A client that does not retry, so that one injected error is one failed call.
async fn client_without_retries(sqs: &FakeSqs) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

fn read<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"))
}

fn actions(requests: &Value) -> Vec<&str> {
    requests
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect()
}

/// The journal lists what `FakeSqs::requests` lists; its cursor reads only what is new,
/// and the filters narrow it by action and queue.
#[tokio::test]
async fn the_journal_reads_what_is_new_with_a_cursor() {
    let sqs = fake().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "jobs").await;
    for body in ["a", "b"] {
        client
            .send_message()
            .queue_url(&url)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }

    let all = get(&sqs, "requests").await;
    assert_eq!(all.status, 200);
    assert_eq!(all.body["cursor"], 3);
    let recorded: Vec<RecordedRequest> = read(&all.body["requests"]);
    assert_eq!(recorded, sqs.requests().to_vec());
    assert_eq!(all.body["requests"][1]["params"]["MessageBody"], "a");
    assert_eq!(all.body["requests"][1]["outcome"], "success");
    assert_eq!(all.body["requests"][1]["queue_url"], json!(url));

    // Only what is new since the cursor; nothing, with the same cursor, when nothing is.
    create_queue(&client, "emails").await;
    let new = get(&sqs, "requests?after=3").await;
    assert_eq!(actions(&new.body["requests"]), ["CreateQueue"]);
    assert_eq!(new.body["cursor"], 4);
    let none = get(&sqs, "requests?after=4").await;
    assert_eq!(
        (none.body["requests"].clone(), none.body["cursor"].clone()),
        (json!([]), json!(4))
    );

    // Filters: by action, by queue (name or URL), both, with the cursor.
    let sends = get(&sqs, "requests?action=SendMessage").await;
    assert_eq!(actions(&sends.body["requests"]), ["SendMessage"; 2]);
    assert_eq!(
        sends.body["cursor"], 4,
        "the cursor passes what the filter hides"
    );
    let jobs = get(&sqs, &format!("requests?queue={url}")).await;
    assert_eq!(
        actions(&jobs.body["requests"]),
        ["CreateQueue", "SendMessage", "SendMessage"]
    );
    let b = get(&sqs, "requests?after=2&action=SendMessage&queue=jobs").await;
    assert_eq!(b.body["requests"][0]["params"]["MessageBody"], "b");
    assert_eq!(b.body["requests"].as_array().unwrap().len(), 1);

    for bad in [
        "requests?after=-1",
        "requests?after=soon",
        "requests?action=SendMesage",
    ] {
        let answer = get(&sqs, bad).await;
        assert_eq!(
            (answer.status, answer.code()),
            (400, "invalid_argument"),
            "{bad}"
        );
    }

    // Emptied, it numbers from 1 again.
    let cleared = delete(&sqs, "requests").await;
    assert_eq!(cleared.body, json!({"requests": [], "cursor": 0}));
    assert!(sqs.requests().is_empty());
    client.list_queues().send().await.unwrap();
    let after = get(&sqs, "requests").await;
    assert_eq!(
        (
            after.body["requests"][0]["seq"].clone(),
            after.body["cursor"].clone()
        ),
        (json!(1), json!(1))
    );
}

/// A fault added over HTTP applies to the SDK's requests as one added in Rust does,
/// lists with its counters (the same list as `FakeSqs::faults`), and is removed by id.
#[tokio::test]
async fn faults_are_added_listed_and_removed() {
    let sqs = fake().await;
    let client = client_without_retries(&sqs).await;
    let url = create_queue(&client, "jobs").await;

    let added = post(
        &sqs,
        "faults",
        r#"{"action": "SendMessage", "queue": "jobs", "times": 1,
            "effect": {"error": {"code": "ThrottlingException"}}}"#,
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(
        added.body,
        json!({
            "id": 1,
            "fault": {"action": "SendMessage", "queue": "jobs", "times": 1,
                      "effect": {"error": {"code": "ThrottlingException"}}},
            "matched": 0, "applied": 0, "spent": false
        })
    );

    let err = client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ThrottlingException"));
    assert!(sqs.messages(&url).is_empty(), "instead of the action");
    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();

    let listed = get(&sqs, "faults").await;
    let faults: Vec<FaultStatus> = read(&listed.body["faults"]);
    assert_eq!(faults, sqs.faults());
    assert_eq!(
        (
            &listed.body["faults"][0]["applied"],
            &listed.body["faults"][0]["spent"]
        ),
        (&json!(1), &json!(true))
    );
    // The journal says which fault answered.
    let journal = get(&sqs, "requests?action=SendMessage").await;
    assert_eq!(journal.body["requests"][0]["faults"], json!([1]));
    assert_eq!(
        journal.body["requests"][0]["outcome"]["error"]["code"],
        "ThrottlingException"
    );

    let removed = delete(&sqs, "faults?id=1").await;
    assert_eq!(
        (removed.status, removed.body.clone()),
        (200, json!({"faults": []}))
    );
    let again = delete(&sqs, "faults?id=1").await;
    assert_eq!((again.status, again.code()), (404, "unknown_fault"));
    assert_eq!(again.body["id"], 1);

    // Without an id, every fault goes.
    for _ in 0..2 {
        post(&sqs, "faults", r#"{"effect": {"latency": {"millis": 1}}}"#).await;
    }
    assert_eq!(sqs.faults().len(), 2);
    assert_eq!(delete(&sqs, "faults").await.body, json!({"faults": []}));
    assert!(sqs.faults().is_empty());
}

/// A fault the fake cannot take is refused with a 400 that says why, and not added.
#[tokio::test]
async fn faults_that_mean_nothing_are_refused() {
    let sqs = fake().await;
    for (body, code, says) in [
        (
            r#"{"acton": "SendMessage", "effect": "drop_connection"}"#,
            "invalid_argument",
            "unknown field `acton`",
        ),
        (
            r#"{"effect": {"error": {"code": "ThrottlingException", "mesage": "x"}}}"#,
            "invalid_argument",
            "unknown field `effect.error.mesage`",
        ),
        (
            r#"{"action": "SendMessage"}"#,
            "invalid_argument",
            "missing field `effect`",
        ),
        (
            r#"{"effect": {"error": {"code": "Throttled"}}}"#,
            "invalid_argument",
            "unknown variant `Throttled`",
        ),
        (
            r#"{"action": "SendMesage", "effect": "drop_connection"}"#,
            "invalid_argument",
            "SendMesage",
        ),
        (
            r#"{"probability": 2, "effect": "drop_connection"}"#,
            "invalid_argument",
            "probability",
        ),
        (
            r#"{"nth": 0, "effect": "drop_connection"}"#,
            "invalid_argument",
            "nth",
        ),
        (
            r#"{"action": "SendMessage", "effect": {"fail_entries": {"ids": ["a"], "code": "InternalError"}}}"#,
            "invalid_argument",
            "batch action",
        ),
        (r#"{"effect": "#, "malformed_json", "not valid JSON"),
    ] {
        let answer = post(&sqs, "faults", body).await;
        assert_eq!(
            (answer.status, answer.code()),
            (400, code),
            "{body}: {}",
            answer.body
        );
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains(says), "{body}: {message}");
    }
    assert!(sqs.faults().is_empty());
}

/// Chaos reads and sets as `FakeSqs::chaos` and `set_chaos` do; DELETE turns it off.
#[tokio::test]
async fn chaos_is_read_set_and_turned_off() {
    let sqs = fake().await;
    let off = get(&sqs, "chaos").await;
    assert_eq!(
        off.body,
        json!({"duplicates": 0.0, "short_receives": 0.0, "out_of_order": 0.0, "stale_deletes": 0.0})
    );

    let set = post(&sqs, "chaos", r#"{"stale_deletes": 1, "seed": 7}"#).await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(sqs.chaos(), Chaos::new().stale_deletes(1.0).seed(7));
    assert_eq!(read::<Chaos>(&set.body), sqs.chaos());

    for bad in [
        r#"{"duplicates": 1.5}"#,
        r#"{"duplicates": -0.1}"#,
        r#"{"duplicate": 0.5}"#,
    ] {
        let answer = post(&sqs, "chaos", bad).await;
        assert_eq!(
            (answer.status, answer.code()),
            (400, "invalid_argument"),
            "{bad}"
        );
    }
    assert_eq!(
        sqs.chaos(),
        Chaos::new().stale_deletes(1.0).seed(7),
        "unchanged"
    );

    assert_eq!(
        read::<Chaos>(&delete(&sqs, "chaos").await.body),
        Chaos::new()
    );
    assert_eq!(sqs.chaos(), Chaos::new());
}

/// An expectation added over HTTP is verified over HTTP: 409 with the readable report
/// while it is not met, 200 once it is. The report is the one `FakeSqs::verification`
/// gives.
#[tokio::test]
async fn expectations_verify_to_200_or_409_with_the_report() {
    let sqs = fake().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "jobs").await;

    let added = post(
        &sqs,
        "expectations",
        r#"{"action": "DeleteMessage", "queue": "jobs", "times": {"exactly": 1}}"#,
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(
        added.body,
        json!({"id": 1, "expectation": {"action": "DeleteMessage", "queue": "jobs", "times": {"exactly": 1}}})
    );

    let unmet = post(&sqs, "expectations/verify", "").await;
    assert_eq!((unmet.status, unmet.code()), (409, "expectations_not_met"));
    assert_eq!(unmet.body["message"], sqs.verification().to_string());
    assert!(
        unmet.body["message"].as_str().unwrap().contains(
            "NOT MET: DeleteMessage on queue \"jobs\": expected exactly 1 request, received 0"
        ),
        "{}",
        unmet.body["message"]
    );
    assert_eq!(unmet.body["expectations"][0]["received"], 0);

    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    let received = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    let handle = received.messages()[0].receipt_handle().unwrap();
    client
        .delete_message()
        .queue_url(&url)
        .receipt_handle(handle)
        .send()
        .await
        .unwrap();

    let met = post(&sqs, "expectations/verify", "").await;
    assert_eq!(met.status, 200, "{}", met.body);
    let verification: Verification = read(&met.body);
    assert!(verification.is_met());
    assert_eq!(verification, sqs.verification());
    assert_eq!(
        read::<Verification>(&get(&sqs, "expectations").await.body),
        verification
    );

    // A second, never met: listing still answers 200; clearing removes both, unchecked.
    post(
        &sqs,
        "expectations",
        r#"{"action": "PurgeQueue", "times": {"at_least": 1}}"#,
    )
    .await;
    let listed = get(&sqs, "expectations").await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["expectations"][1]["met"], false);
    let cleared = delete(&sqs, "expectations").await;
    assert_eq!(cleared.body, json!({"expectations": []}));
    assert_eq!(post(&sqs, "expectations/verify", "").await.status, 200);

    for bad in [
        r#"{"action": "DeleteMessage", "times": {"exactly": -1}}"#,
        r#"{"action": "DeleteMessage", "times": 1}"#,
        r#"{"action": "DeleteMessage", "queue": "jobs", "tims": {"exactly": 1}}"#,
        r#"{"queue": "jobs"}"#,
    ] {
        let answer = post(&sqs, "expectations", bad).await;
        assert_eq!(
            (answer.status, answer.code()),
            (400, "invalid_argument"),
            "{bad}"
        );
    }
    assert!(sqs.verification().expectations.is_empty());
}

/// A reset over HTTP clears what the toolkit holds: the journal (numbered from 1 again),
/// the faults, the expectations (unchecked), and chaos goes back to the builder's.
#[tokio::test]
async fn reset_clears_the_journal_faults_and_expectations() {
    let sqs = builder()
        .chaos(Chaos::new().duplicates(0.5).seed(3))
        .start()
        .await;
    let client = sqs.client().await;
    create_queue(&client, "jobs").await;
    post(
        &sqs,
        "faults",
        r#"{"action": "PurgeQueue", "effect": "drop_connection"}"#,
    )
    .await;
    post(&sqs, "expectations", r#"{"action": "PurgeQueue"}"#).await;
    post(&sqs, "chaos", r#"{"stale_deletes": 1}"#).await;

    assert_eq!(post(&sqs, "reset", "").await.status, 200);
    assert_eq!(
        get(&sqs, "requests").await.body,
        json!({"requests": [], "cursor": 0})
    );
    assert_eq!(get(&sqs, "faults").await.body, json!({"faults": []}));
    assert_eq!(
        get(&sqs, "expectations").await.body,
        json!({"expectations": []})
    );
    assert_eq!(sqs.chaos(), Chaos::new().duplicates(0.5).seed(3));
    client.list_queues().send().await.unwrap();
    assert_eq!(sqs.requests()[0].seq, 1);
}
