//! Queue URLs follow the host a request was sent to, as AWS builds them
//! (`<scheme>://<Host>/<account>/<name>`); an advertised URL wins; a request that names no
//! host gets the bound address. Issue 13, fact 3.

use std::net::SocketAddr;

use aws_sdk_sqs::types::QueueAttributeName as Q;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{builder, create_queue, Answer};

/// An SDK client of `sqs` that reaches it through `endpoint` instead of its own URL.
async fn client_via(sqs: &fake_sqs::FakeSqs, endpoint: &str) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .endpoint_url(endpoint)
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// A Query request with `Host: host`, sent to the fake's own address.
async fn query_with_host(sqs: &fake_sqs::FakeSqs, host: &str, pairs: &[(&str, &str)]) -> Answer {
    let mut form = pairs.to_vec();
    form.push(("Version", "2012-11-05"));
    let response = reqwest::Client::new()
        .post(sqs.endpoint_url())
        .header("host", host)
        .form(&form)
        .send()
        .await
        .expect("the fake answers");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// The text of `<QueueUrl>` elements in a Query answer.
fn queue_urls(body: &str) -> Vec<String> {
    body.split("<QueueUrl>")
        .skip(1)
        .map(|rest| rest.split("</QueueUrl>").next().unwrap().to_owned())
        .collect()
}

/// A fake bound to every interface answers each client with the host that client used:
/// `localhost` to one, `127.0.0.1` to the other, in CreateQueue, GetQueueUrl, ListQueues
/// and ListDeadLetterSourceQueues (JSON, through the SDK), and each URL works.
#[tokio::test]
async fn every_queue_url_names_the_host_the_client_used() {
    let sqs = builder()
        .bind(SocketAddr::from(([0, 0, 0, 0], 0)))
        .start()
        .await;
    let port = sqs.address().port();
    for (i, host) in ["localhost", "127.0.0.1"].into_iter().enumerate() {
        let endpoint = format!("http://{host}:{port}");
        let client = client_via(&sqs, &endpoint).await;
        let dlq = create_queue(&client, &format!("dlq-{}", i)).await;
        let dlq_arn = client
            .get_queue_attributes()
            .queue_url(&dlq)
            .attribute_names(Q::QueueArn)
            .send()
            .await
            .unwrap()
            .attributes()
            .unwrap()[&Q::QueueArn]
            .clone();
        let source = client
            .create_queue()
            .queue_name(format!("jobs-{}", i))
            .attributes(
                Q::RedrivePolicy,
                format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":3}}"#),
            )
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        let found = client
            .get_queue_url()
            .queue_name(format!("jobs-{}", i))
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        let listed = client.list_queues().send().await.unwrap().queue_urls;
        let sources = client
            .list_dead_letter_source_queues()
            .queue_url(&dlq)
            .send()
            .await
            .unwrap()
            .queue_urls;
        let expected = format!("{endpoint}/000000000000/jobs-{}", i);
        assert_eq!(source, expected);
        assert_eq!(found, expected);
        assert_eq!(sources, std::slice::from_ref(&expected));
        let listed = listed.unwrap();
        assert!(!listed.is_empty());
        assert!(
            listed
                .iter()
                .all(|u| u.starts_with(&format!("{endpoint}/"))),
            "{listed:?}"
        );
        // The URL works as it is: as the QueueUrl parameter, and as where to send.
        client
            .send_message()
            .queue_url(&source)
            .message_body("hello")
            .send()
            .await
            .unwrap();
        let at_url = reqwest::Client::new()
            .get(&source)
            .query(&[("Action", "GetQueueAttributes"), ("AttributeName.1", "All")])
            .send()
            .await
            .unwrap();
        assert_eq!(at_url.status(), 200);
        let body = at_url.text().await.unwrap();
        assert!(
            body.contains("<Name>ApproximateNumberOfMessages</Name><Value>1</Value>"),
            "{body}"
        );
    }
    // Inspection, which no request carries a host for, names the bound address.
    assert!(sqs.queues()[0].url.starts_with(&sqs.endpoint_url()));
}

/// The Query protocol follows the `Host` header too: a client that reaches the fake as
/// `sqs:9324` (another container) gets `sqs:9324` URLs.
#[tokio::test]
async fn query_answers_follow_the_host_header() {
    let sqs = builder().start().await;
    let created = query_with_host(
        &sqs,
        "sqs:9324",
        &[("Action", "CreateQueue"), ("QueueName", "jobs")],
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(
        queue_urls(&created.body),
        ["http://sqs:9324/000000000000/jobs"]
    );
    let found = query_with_host(
        &sqs,
        "localhost",
        &[("Action", "GetQueueUrl"), ("QueueName", "jobs")],
    )
    .await;
    assert_eq!(
        queue_urls(&found.body),
        ["http://localhost/000000000000/jobs"]
    );
    let listed = query_with_host(&sqs, "[::1]:9324", &[("Action", "ListQueues")]).await;
    assert_eq!(
        queue_urls(&listed.body),
        ["http://[::1]:9324/000000000000/jobs"]
    );
    // A queue URL under any host names the same queue.
    let sent = query_with_host(
        &sqs,
        "elsewhere",
        &[
            ("Action", "SendMessage"),
            ("QueueUrl", "http://sqs:9324/000000000000/jobs"),
            ("MessageBody", "a"),
        ],
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sqs.messages("jobs").len(), 1);
}

/// An advertised URL wins over the host of the request.
#[tokio::test]
async fn an_advertised_url_wins_over_the_host() {
    let sqs = builder().advertised_url("http://sqs.test").start().await;
    let created = query_with_host(
        &sqs,
        "localhost:1234",
        &[("Action", "CreateQueue"), ("QueueName", "jobs")],
    )
    .await;
    assert_eq!(
        queue_urls(&created.body),
        ["http://sqs.test/000000000000/jobs"]
    );
    let client = sqs.client().await;
    let listed = client
        .list_queues()
        .send()
        .await
        .unwrap()
        .queue_urls
        .unwrap();
    assert_eq!(listed, ["http://sqs.test/000000000000/jobs"]);
}

/// A request that names no host (HTTP/1.0 without `Host`) gets the bound address, and a
/// `Host` that is not a plain host and port is not copied into URLs.
#[tokio::test]
async fn without_a_usable_host_urls_name_the_bound_address() {
    let sqs = builder().start().await;
    let body = "Action=CreateQueue&QueueName=jobs&Version=2012-11-05";
    let mut stream = tokio::net::TcpStream::connect(sqs.address()).await.unwrap();
    let request = format!(
        "POST / HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let expected = format!("{}/000000000000/jobs", sqs.endpoint_url());
    assert_eq!(
        queue_urls(&answer),
        std::slice::from_ref(&expected),
        "{answer}"
    );

    let odd = query_with_host(
        &sqs,
        "user@evil.test",
        &[("Action", "GetQueueUrl"), ("QueueName", "jobs")],
    )
    .await;
    assert_eq!(queue_urls(&odd.body), [expected]);
}
