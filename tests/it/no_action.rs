//! A request that names no action gets AWS's bare 404 (`fixtures/aws/no-action.json`):
//! the same body whatever protocol it tried to speak and whatever it asked for.

use fake_sqs::FakeSqs;

use crate::support::{aws_fact, create_queue, fake_and_client};

/// Sends one case of the fact file, with `<account>/<queue>` replaced by `queue_path`.
async fn send(sqs: &FakeSqs, case: &serde_json::Value, queue_path: &str) -> reqwest::Response {
    let path = case["path"]
        .as_str()
        .unwrap()
        .replace("/<account>/<queue>", queue_path);
    let method: reqwest::Method = case["method"].as_str().unwrap().parse().unwrap();
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", sqs.endpoint_url()))
        .body(case["body"].as_str().unwrap().to_owned());
    for (name, value) in case["headers"].as_object().unwrap() {
        request = request.header(name, value.as_str().unwrap());
    }
    request.send().await.expect("the fake answers")
}

/// Every case of the fact file gets exactly the recorded answer: 404, the bare body,
/// no content type.
#[tokio::test]
async fn requests_without_an_action_get_the_bare_404() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    let path = &url[sqs.endpoint_url().len()..];
    let fact = aws_fact("no-action.json");
    let expected = &fact["answer"];
    for case in fact["cases"].as_array().unwrap() {
        let answer = send(&sqs, case, path).await;
        let what = case["case"].as_str().unwrap();
        assert_eq!(answer.status().as_u16(), expected["status"], "{what}");
        assert!(
            answer.headers().get("content-type").is_none(),
            "{what}: {:?}",
            answer.headers()
        );
        assert!(answer.headers().get("x-amzn-requestid").is_some(), "{what}");
        let body = answer.text().await.unwrap();
        assert_eq!(body, expected["body"].as_str().unwrap(), "{what}");
    }
}

/// The answer comes before the credentials are looked at: a fake that verifies
/// signatures, or admits only the credentials it issued, answers an unsigned `GET /`
/// the same way.
#[tokio::test]
async fn unsigned_requests_without_an_action_get_the_404_in_strict_fakes_too() {
    let strict = crate::support::builder().verify_signatures().start().await;
    let scaleway = crate::support::builder()
        .dialect(fake_sqs::Dialect::Scaleway)
        .verify_signatures()
        .start()
        .await;
    let fact = aws_fact("no-action.json");
    let get_root = &fact["cases"][0];
    for sqs in [&strict, &scaleway] {
        let answer = send(sqs, get_root, "").await;
        assert_eq!(answer.status(), 404);
        assert_eq!(
            answer.text().await.unwrap(),
            "<UnknownOperationException/>\n"
        );
    }
}
