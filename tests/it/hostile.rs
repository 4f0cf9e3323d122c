//! Requests an attacker would send (issue 11). Each once killed the server, corrupted its
//! answers or stored what AWS refuses; each is now answered with an SQS error, every XML
//! answer stays well-formed, and the server goes on serving.

use fake_sqs::Dialect;

use crate::support::{
    assert_well_formed_xml, builder, create_queue, fake, fake_and_client, json, query_get_raw,
    query_raw, Answer,
};

/// `s` percent-encoded for a form body.
fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn assert_malformed(answer: &Answer) {
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(
        answer.body.contains("<Code>MalformedInput</Code>"),
        "{}",
        answer.body
    );
}

/// One key of 20,000 dotted segments (a 40 KB body) overflowed the decoder's stack and
/// aborted the process, by POST, by GET, and in the Scaleway dialect before any
/// credential was checked.
#[tokio::test]
async fn a_key_of_twenty_thousand_dotted_segments_is_refused() {
    let key = "a.".repeat(20_000);
    let sqs = fake().await;
    assert_malformed(&query_raw(&sqs, format!("Action=ListQueues&{key}")).await);
    assert_malformed(&query_get_raw(&sqs, &format!("Action=ListQueues&{key}")).await);
    assert_eq!(json(&sqs, "ListQueues", "{}").await.status, 200);

    let scaleway = builder().dialect(Dialect::Scaleway).start().await;
    assert_malformed(&query_raw(&scaleway, format!("Action=ListQueues&{key}")).await);
    assert_eq!(
        query_raw(&scaleway, "Action=ListQueues").await.status,
        403,
        "still serving, and still asking for credentials"
    );
}

/// Keys deeper than any SQS member, and more members than any SQS request has, are
/// malformed; a batch of twenty entries still gets AWS's own batch error.
#[tokio::test]
async fn requests_beyond_the_decoding_limits_are_malformed() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let deep = format!("Action=ListQueues&{}=x", ["a"; 17].join("."));
    assert_malformed(&query_raw(&sqs, deep).await);
    let seven = format!(
        "Action=SendMessage&QueueUrl={}&MessageBody=x&MessageAttribute.1.Name=n&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v&MessageAttribute.1.Value.StringListValue.1=w",
        enc(&url)
    );
    assert_eq!(query_raw(&sqs, seven).await.status, 200);

    let mut many = String::from("Action=ListQueues");
    for i in 0..10_001 {
        many.push_str(&format!("&k{i}="));
    }
    assert_malformed(&query_raw(&sqs, many).await);
    let mut members: Vec<String> = (0..10_001).map(|i| format!("\"k{i}\":0")).collect();
    let answer = json(&sqs, "ListQueues", &format!("{{{}}}", members.join(","))).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json()["__type"],
        "com.amazon.coral.service#SerializationException"
    );
    members.truncate(100);
    assert_eq!(
        json(&sqs, "ListQueues", &format!("{{{}}}", members.join(",")))
            .await
            .status,
        200
    );
    let deep_json = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let answer = json(
        &sqs,
        "ListQueues",
        &format!("{{\"QueueNamePrefix\":{deep_json}}}"),
    )
    .await;
    assert_eq!(answer.status, 400);

    let mut batch = format!("Action=SendMessageBatch&QueueUrl={}", enc(&url));
    for i in 1..=20 {
        batch.push_str(&format!(
            "&SendMessageBatchRequestEntry.{i}.Id=m{i}&SendMessageBatchRequestEntry.{i}.MessageBody=x"
        ));
    }
    let answer = query_raw(&sqs, batch).await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains(
        "<Message>Maximum number of entries per request are 10. You have sent 20.</Message>"
    ));
}

/// Invalid UTF-8 in a form value was replaced by U+FFFD and the message stored; JSON
/// refused it. Both refuse it now, each with its protocol's code for a malformed request.
#[tokio::test]
async fn invalid_utf8_is_refused_on_both_protocols() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let send = format!("Action=SendMessage&QueueUrl={}&MessageBody=", enc(&url));
    assert_malformed(&query_raw(&sqs, format!("{send}caf%E9")).await);
    let mut raw = send.into_bytes();
    raw.extend_from_slice(b"caf\xE9");
    assert_malformed(&query_raw(&sqs, raw).await);
    assert_malformed(&query_get_raw(&sqs, "Action=ListQueues&QueueNamePrefix=%C3%28").await);
    assert!(sqs.messages(&url).is_empty(), "nothing was stored");

    let mut body = format!("{{\"QueueUrl\":\"{url}\",\"MessageBody\":\"caf").into_bytes();
    body.extend_from_slice(b"\xE9\"}");
    let response = reqwest::Client::new()
        .post(sqs.endpoint_url())
        .header("x-amz-target", "AmazonSQS.SendMessage")
        .header("content-type", "application/x-amz-json-1.0")
        .body(body)
        .send()
        .await
        .expect("the fake answers");
    assert_eq!(response.status().as_u16(), 400);
    let text = response.text().await.expect("a body");
    let answer: serde_json::Value = serde_json::from_str(&text).expect("a JSON body");
    assert_eq!(
        answer["__type"],
        "com.amazon.coral.service#SerializationException"
    );
    assert!(sqs.messages(&url).is_empty());
}

/// A list index that does not fit a u64 was dropped without a word, so the attribute it
/// carried was silently ignored.
#[tokio::test]
async fn list_indexes_beyond_u64_are_refused() {
    let sqs = fake().await;
    let answer = query_raw(
        &sqs,
        "Action=CreateQueue&QueueName=q&Attribute.18446744073709551616.Name=VisibilityTimeout&Attribute.18446744073709551616.Value=5",
    )
    .await;
    assert_malformed(&answer);
    assert!(sqs.queues().is_empty());
    let answer = query_raw(
        &sqs,
        "Action=CreateQueue&QueueName=q&Attribute.18446744073709551615.Name=VisibilityTimeout&Attribute.18446744073709551615.Value=5",
    )
    .await;
    assert_eq!(answer.status, 200, "the largest u64 is a valid index");
}

/// Characters XML 1.0 forbids went out as they came in: in errors that echo input, in
/// batch error entries, and from stored tags (after which every ListQueueTags of the
/// queue was unparseable). Values AWS validates are refused on the way in; what an
/// answer echoes is made safe on the way out.
#[tokio::test]
async fn forbidden_xml_characters_never_reach_an_answer() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let u = enc(&url);
    // (request, expected status, expected code)
    let cases: Vec<(String, u16, &str)> = vec![
        ("Action=ListQueues&MaxResults=%01".into(), 400, "InvalidParameterValue"),
        ("Action=ListQueues&MaxResults=%EF%BF%BE".into(), 400, "InvalidParameterValue"),
        ("Action=List%01Queues".into(), 400, "InvalidAction"),
        (
            format!("Action=GetQueueAttributes&QueueUrl={u}&AttributeName.1=%EF%BF%BF"),
            400,
            "InvalidAttributeName",
        ),
        (
            format!("Action=SetQueueAttributes&QueueUrl={u}&Attribute.1.Name=%1F&Attribute.1.Value=1"),
            400,
            "InvalidAttributeName",
        ),
        (
            format!("Action=SendMessage&QueueUrl={u}&MessageBody=x&MessageAttribute.1.Name=a%02&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v"),
            400,
            "InvalidParameterValue",
        ),
        (
            format!("Action=SendMessageBatch&QueueUrl={u}&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.1.DelaySeconds=%08"),
            200,
            "",
        ),
        (
            format!("Action=ChangeMessageVisibilityBatch&QueueUrl={u}&ChangeMessageVisibilityBatchRequestEntry.1.Id=a&ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle=%0B&ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=1"),
            200,
            "",
        ),
        (
            format!("Action=DeleteMessage&QueueUrl={u}&ReceiptHandle=a%0Cb"),
            404,
            "ReceiptHandleIsInvalid",
        ),
        (
            format!("Action=TagQueue&QueueUrl={u}&Tag.1.Key=k&Tag.1.Value=a%01b"),
            400,
            "InvalidParameterValue",
        ),
        (
            format!("Action=TagQueue&QueueUrl={u}&Tag.1.Key=%EF%BF%BE&Tag.1.Value=v"),
            400,
            "InvalidParameterValue",
        ),
        (
            "Action=CreateQueue&QueueName=t&Tag.1.Key=k&Tag.1.Value=%1B".into(),
            400,
            "InvalidParameterValue",
        ),
        (
            "Action=CreateQueue&QueueName=q%01".into(),
            400,
            "InvalidParameterValue",
        ),
        (
            format!("Action=SetQueueAttributes&QueueUrl={u}&Attribute.1.Name=KmsMasterKeyId&Attribute.1.Value=k%01"),
            400,
            "InvalidAttributeValue",
        ),
        (
            format!("Action=SetQueueAttributes&QueueUrl={u}&Attribute.1.Name=Policy&Attribute.1.Value=%7B%22a%22%3A%22%EF%BF%BF%22%7D"),
            400,
            "InvalidAttributeValue",
        ),
        (
            format!("Action=AddPermission&QueueUrl={u}&Label=a%01&AWSAccountId.1=123456789012&ActionName.1=SendMessage"),
            400,
            "InvalidParameterValue",
        ),
    ];
    for (request, status, code) in &cases {
        let answer = query_raw(&sqs, request.as_str()).await;
        assert_well_formed_xml(&answer.body);
        assert_eq!(answer.status, *status, "{request}: {}", answer.body);
        assert!(
            answer.body.contains(&format!("<Code>{code}</Code>"))
                || (code.is_empty() && answer.body.contains("<BatchResultErrorEntry>")),
            "{request}: {}",
            answer.body
        );
    }

    // The same tag over JSON is refused too, so no stored value can break a Query answer.
    let answer = json(
        &sqs,
        "TagQueue",
        &format!(r#"{{"QueueUrl":"{url}","Tags":{{"k":"a\u0001b"}}}}"#),
    )
    .await;
    assert_eq!(answer.status, 400);
    let answer = query_raw(&sqs, format!("Action=ListQueueTags&QueueUrl={u}")).await;
    assert_well_formed_xml(&answer.body);
    assert_eq!(answer.status, 200);
    let answer = query_raw(
        &sqs,
        format!("Action=GetQueueAttributes&QueueUrl={u}&AttributeName.1=All"),
    )
    .await;
    assert_well_formed_xml(&answer.body);
}

/// The checker every XML answer passes through is strict: it refuses what XML 1.0
/// forbids, raw or as a character reference, and accepts what it allows.
#[test]
fn the_xml_checker_refuses_what_xml_1_0_forbids() {
    for bad in [
        "\u{1}", "\u{1F}", "&#x1;", "&#0;", "\u{FFFE}", "\u{FFFF}", "&#xFFFE;",
    ] {
        let doc = format!("<?xml version=\"1.0\"?><a>{bad}</a>");
        assert!(roxmltree::Document::parse(&doc).is_err(), "{bad:?}");
    }
    for good in ["\t", "\n", "&#xD;", "\u{FFFD}", "\u{10000}", "&quot;"] {
        assert_well_formed_xml(&format!("<?xml version=\"1.0\"?><a>{good}</a>"));
    }
}
