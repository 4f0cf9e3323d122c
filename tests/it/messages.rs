//! SendMessage and ReceiveMessage on standard queues: bodies, attributes, digests,
//! limits, and which attributes a receive returns.

use std::collections::HashMap;

use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{
    MessageAttributeValue, MessageSystemAttributeName as S, MessageSystemAttributeNameForSends,
    MessageSystemAttributeValue, QueueAttributeName as Q,
};

use crate::support::{code, create_queue, fake, fake_and_client, json, message, query, START_SECS};

fn string(v: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(v)
        .build()
        .unwrap()
}

fn typed(data_type: &str, v: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type(data_type)
        .string_value(v)
        .build()
        .unwrap()
}

/// A message comes back with its body, MessageId and AWS's MD5s (recorded vectors:
/// "test", {timestamp: Number}, fixtures/aws/recorded.md §7); a plain receive has exactly
/// MessageId, ReceiptHandle, MD5OfBody and Body.
#[tokio::test]
async fn send_and_receive_round_trip_with_awss_digests() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let sent = client
        .send_message()
        .queue_url(&url)
        .message_body("test")
        .message_attributes("timestamp", typed("Number", "1493147359900"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent.md5_of_message_body(),
        Some("098f6bcd4621d373cade4e832627b4f6")
    );
    assert_eq!(
        sent.md5_of_message_attributes(),
        Some("235c5c510d26fb653d073faed50ae77c")
    );
    assert!(sent.md5_of_message_system_attributes().is_none());
    assert!(sent.sequence_number().is_none());

    let received = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    let m = &received.messages()[0];
    assert_eq!(m.message_id(), sent.message_id());
    assert_eq!(m.body(), Some("test"));
    assert_eq!(m.md5_of_body(), Some("098f6bcd4621d373cade4e832627b4f6"));
    assert!(m.receipt_handle().is_some());
    assert!(m.attributes.is_none());
    assert!(m.message_attributes.is_none());
    assert!(m.md5_of_message_attributes.is_none());
}

/// Bodies come back byte for byte, XML-special characters and carriage returns included
/// (row 78), over both protocols.
#[tokio::test]
async fn special_characters_survive_both_protocols() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let body = "'\"&quot;&quot;\r<x>\u{e9}\u{1F600}";
    client
        .send_message()
        .queue_url(&url)
        .message_body(body)
        .send()
        .await
        .unwrap();
    let got = client
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(got.messages()[0].body(), Some(body));

    crate::support::query(
        &sqs,
        &[
            ("Action", "SendMessage"),
            ("QueueUrl", &url),
            ("MessageBody", body),
        ],
    )
    .await;
    let xml =
        crate::support::query(&sqs, &[("Action", "ReceiveMessage"), ("QueueUrl", &url)]).await;
    assert!(
        xml.body
            .contains("<Body>'&quot;&amp;quot;&amp;quot;&#xD;&lt;x&gt;\u{e9}\u{1F600}</Body>"),
        "{}",
        xml.body
    );
}

/// Binary, custom-typed and several attributes: stored exactly, and digested as AWS does
/// (rows 104, 110; fixtures/aws/protocol.md §3.2 vectors).
#[tokio::test]
async fn message_attributes_of_every_type_round_trip() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let binary = b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01".to_vec();
    let sent = client
        .send_message()
        .queue_url(&url)
        .message_body("b")
        .message_attributes(
            "attr1",
            MessageAttributeValue::builder()
                .data_type("Binary")
                .binary_value(Blob::new(binary.clone()))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent.md5_of_message_attributes(),
        Some("8cbe4db156db8a94db8b801b7addb984")
    );

    let sent = client
        .send_message()
        .queue_url(&url)
        .message_body("c")
        .message_attributes(
            "b",
            MessageAttributeValue::builder()
                .data_type("Binary.gif")
                .binary_value(Blob::new(vec![0, 1]))
                .build()
                .unwrap(),
        )
        .message_attributes("price", typed("Number.float", "3.14"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent.md5_of_message_attributes(),
        Some("113820582aa84a4afae05ade934a9aa7")
    );

    let got = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .message_attribute_names("All")
        .send()
        .await
        .unwrap();
    let first = &got.messages()[0].message_attributes().unwrap()["attr1"];
    assert_eq!(first.binary_value().unwrap().as_ref(), &binary[..]);
    assert_eq!(
        got.messages()[0].md5_of_message_attributes(),
        Some("8cbe4db156db8a94db8b801b7addb984")
    );
    let second = got.messages()[1].message_attributes().unwrap();
    assert_eq!(second["price"].data_type(), "Number.float");
    assert_eq!(second["price"].string_value(), Some("3.14"));
    assert_eq!(second["b"].binary_value().unwrap().as_ref(), &[0, 1]);
}

/// MessageAttributeNames selects: All, `*`, `.*`, exact names, `prefix.*`; the MD5 is
/// recomputed over what is returned; unknown or illegal names select nothing
/// (rows 103-109, with the MD5s recorded from AWS).
#[tokio::test]
async fn message_attribute_names_select_and_digest_the_subset() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let queue_no_vt = |client: &aws_sdk_sqs::Client| {
        client
            .set_queue_attributes()
            .queue_url(&url)
            .attributes(Q::VisibilityTimeout, "0")
            .send()
    };
    queue_no_vt(&client).await.unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .message_attributes("Help.Me", string("Me"))
        .message_attributes("Hello", string("There"))
        .message_attributes("General", string("Kenobi"))
        .send()
        .await
        .unwrap();
    let cases: Vec<(Vec<&str>, Vec<&str>, Option<&str>)> = vec![
        (vec![], vec![], None),
        (
            vec!["All"],
            vec!["General", "Hello", "Help.Me"],
            Some("4c360f3fdafd970e05fae2f149d997f5"),
        ),
        (
            vec!["*"],
            vec!["General", "Hello", "Help.Me"],
            Some("4c360f3fdafd970e05fae2f149d997f5"),
        ),
        (
            vec![".*"],
            vec!["General", "Hello", "Help.Me"],
            Some("4c360f3fdafd970e05fae2f149d997f5"),
        ),
        (vec!["Foo", "Help"], vec![], None),
        (
            vec!["Hello", "General"],
            vec!["General", "Hello"],
            Some("fca026605781cb4126a1e9044df24232"),
        ),
        (
            vec!["Foo", "Hello"],
            vec!["Hello"],
            Some("a311262e065454b75da111d535b8dacd"),
        ),
        (
            vec!["Hel.*"],
            vec!["Hello", "Help.Me"],
            Some("83fee93c1bcd8b9a5a923ffacdc636c7"),
        ),
        (vec!["AWS."], vec![], None),
        (vec!["..foo"], vec![], None),
    ];
    for (names, want, md5) in cases {
        let mut req = client.receive_message().queue_url(&url);
        for n in &names {
            req = req.message_attribute_names(*n);
        }
        let got = req.send().await.unwrap();
        let m = &got.messages()[0];
        let mut keys: Vec<_> = m
            .message_attributes()
            .map(|a| a.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort();
        assert_eq!(keys, want, "{names:?}");
        assert_eq!(m.md5_of_message_attributes(), md5, "{names:?}");
    }
}

/// System attributes: All gives exactly four on a standard queue; single names filter;
/// names that do not apply are dropped; AttributeNames and MessageSystemAttributeNames
/// are the same list (rows 92-97).
#[tokio::test]
async fn system_attributes_are_selected_by_name() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::VisibilityTimeout, "0")
        .send()
        .await
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .send()
        .await
        .unwrap();
    sqs.clock().advance(std::time::Duration::from_millis(1500));

    let all = client
        .receive_message()
        .queue_url(&url)
        .message_system_attribute_names(S::All)
        .send()
        .await
        .unwrap();
    let attrs = all.messages()[0].attributes().unwrap().clone();
    let expected: HashMap<S, String> = [
        (
            S::ApproximateFirstReceiveTimestamp,
            (START_SECS * 1000 + 1500).to_string(),
        ),
        (S::ApproximateReceiveCount, "1".to_string()),
        (S::SenderId, fake_sqs::sender_id(fake_sqs::TEST_ACCESS_KEY)),
        (S::SentTimestamp, (START_SECS * 1000).to_string()),
    ]
    .into_iter()
    .collect();
    assert_eq!(attrs, expected);

    #[allow(deprecated)]
    let legacy = client
        .receive_message()
        .queue_url(&url)
        .attribute_names(Q::All)
        .send()
        .await
        .unwrap();
    let attrs = legacy.messages()[0].attributes().unwrap();
    assert_eq!(attrs.len(), 4);
    assert_eq!(attrs[&S::ApproximateReceiveCount], "2");
    assert_eq!(
        attrs[&S::ApproximateFirstReceiveTimestamp],
        (START_SECS * 1000 + 1500).to_string()
    );

    let some = client
        .receive_message()
        .queue_url(&url)
        .message_system_attribute_names(S::SenderId)
        .message_system_attribute_names(S::SequenceNumber)
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = some.messages()[0]
        .attributes()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, vec![S::SenderId]);
}

/// SenderId is an IAM user's unique id, `AIDA` and 17 upper-case letters and digits,
/// derived from the access key the message was sent with, never the key itself; the
/// same key gives the same id in every fake, whatever its seed; a request without
/// credentials is the account's root, whose SenderId is the account id
/// (`fixtures/aws/sender-id.json`). Both protocols carry it alike.
#[tokio::test]
async fn sender_id_is_an_iam_user_id_derived_from_the_access_key() {
    let sqs = fake().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "q").await;
    // A raw Query SendMessage whose body names its signer; the fake reads the access
    // key from the credential scope (it checks no signatures in the AWS dialect).
    let send = |key: &'static str, body: &'static str| {
        let pairs = vec![
            ("Action", "SendMessage"),
            ("QueueUrl", url.as_str()),
            ("MessageBody", body),
        ];
        let url = sqs.endpoint_url();
        async move {
            let mut form = pairs.clone();
            form.push(("Version", "2012-11-05"));
            let mut request = reqwest::Client::new().post(url).form(&form);
            if !key.is_empty() {
                let scope = format!("Credential={key}/20250101/us-east-1/sqs/aws4_request");
                request = request.header(
                    "authorization",
                    format!("AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, Signature=00"),
                );
            }
            assert_eq!(request.send().await.unwrap().status(), 200);
        }
    };
    send("AKIAOTHERKEY", "AKIAOTHERKEY").await;
    send("", "unsigned").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body(fake_sqs::TEST_ACCESS_KEY)
        .send()
        .await
        .unwrap();

    let over_json = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .message_system_attribute_names(S::SenderId)
        .send()
        .await
        .unwrap();
    let by_body: HashMap<&str, &str> = over_json
        .messages()
        .iter()
        .map(|m| {
            (
                m.body().unwrap(),
                m.attributes().unwrap()[&S::SenderId].as_str(),
            )
        })
        .collect();
    // The derivation is fixed: a test may write these ids down.
    assert_eq!(by_body[fake_sqs::TEST_ACCESS_KEY], "AIDAOOAHEWQSWT4SDMONT");
    assert_eq!(by_body["AKIAOTHERKEY"], "AIDAMT2KBGJXJVOHUX5WP");
    assert_eq!(by_body["unsigned"], "000000000000");
    for key in [fake_sqs::TEST_ACCESS_KEY, "AKIAOTHERKEY"] {
        let id = by_body[key];
        assert_eq!(id, fake_sqs::sender_id(key));
        assert_eq!(id.len(), 21);
        assert!(id.starts_with("AIDA"));
        assert!(id[4..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    }

    sqs.clock().advance(std::time::Duration::from_secs(31));
    let over_query = query(
        &sqs,
        &[
            ("Action", "ReceiveMessage"),
            ("QueueUrl", &url),
            ("MaxNumberOfMessages", "10"),
            ("AttributeName.1", "SenderId"),
        ],
    )
    .await;
    for (body, id) in by_body {
        let shown = format!(
            "<Body>{body}</Body><Attribute><Name>SenderId</Name><Value>{id}</Value></Attribute>"
        );
        assert!(over_query.body.contains(&shown), "{}", over_query.body);
    }
}

/// AWSTraceHeader: sent as a system attribute (with its own MD5, not changing the
/// attributes MD5) or as the X-Amzn-Trace-Id header, and returned when asked for
/// (rows 77, 102; fixtures/aws/protocol.md §3.3 vector).
#[tokio::test]
async fn trace_header_is_stored_and_digested() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    let sent = client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .message_attributes("Foo", string("Bar"))
        .message_system_attributes(
            MessageSystemAttributeNameForSends::AwsTraceHeader,
            MessageSystemAttributeValue::builder()
                .data_type("String")
                .string_value(trace)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent.md5_of_message_system_attributes(),
        Some("5ae4d5d7636402d80f4eb6d213245a88")
    );
    assert_eq!(
        sent.md5_of_message_attributes(),
        Some("ae7155c6026991b6d54b11589678bf9c")
    );

    let with_header = reqwest::Client::new()
        .post(sqs.endpoint_url())
        .header("x-amz-target", "AmazonSQS.SendMessage")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-trace-id", "Root=1-abc")
        .body(format!(r#"{{"QueueUrl":"{url}","MessageBody":"h"}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(with_header.status(), 200);

    let got = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .message_system_attribute_names(S::SentTimestamp)
        .message_system_attribute_names(S::AwsTraceHeader)
        .send()
        .await
        .unwrap();
    let traces: Vec<_> = got
        .messages()
        .iter()
        .map(|m| m.attributes().unwrap()[&S::AwsTraceHeader].clone())
        .collect();
    assert_eq!(traces, vec![trace.to_string(), "Root=1-abc".to_string()]);
    assert_eq!(got.messages()[0].attributes().unwrap().len(), 2);
}

/// Body rules: empty is MissingParameter; characters outside XML's set are
/// InvalidMessageContents (rows 58, 74).
#[tokio::test]
async fn bodies_must_be_non_empty_and_valid_xml_characters() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let err = client
        .send_message()
        .queue_url(&url)
        .message_body("")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "MissingParameter");
    assert_eq!(
        message(&err),
        "The request must contain the parameter MessageBody."
    );

    for bad in ["\u{0}", "\u{8}", "a\u{13}b", "\u{FFFF}"] {
        let err = client
            .send_message()
            .queue_url(&url)
            .message_body(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "InvalidMessageContents", "{bad:?}");
    }
    let answer = json(
        &sqs,
        "SendMessage",
        &format!(r#"{{"QueueUrl":"{url}","MessageBody":"\u0001"}}"#),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json()["message"],
        "Invalid binary character '#x1' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]."
    );
    client
        .send_message()
        .queue_url(&url)
        .message_body("\t\n\r ok")
        .send()
        .await
        .unwrap();
}

/// Size: body plus attribute names, types and values count against MaximumMessageSize
/// (rows 59, 60); exactly the maximum is fine.
#[tokio::test]
async fn size_limit_counts_body_and_attributes() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let err = client
        .send_message()
        .queue_url(&url)
        .message_body("a".repeat(1_048_569))
        .message_attributes("k", string("x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(
        message(&err),
        "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes."
    );
    client
        .send_message()
        .queue_url(&url)
        .message_body("a".repeat(1_048_568))
        .message_attributes("k", string("x"))
        .send()
        .await
        .unwrap();

    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::MaximumMessageSize, "1024")
        .send()
        .await
        .unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("a".repeat(1024))
        .send()
        .await
        .unwrap();
    let err = client
        .send_message()
        .queue_url(&url)
        .message_body("a".repeat(1020))
        .message_attributes("k", string("xy"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."
    );
}

/// Attribute rules: non-empty values, known type prefixes, valid names, at most ten,
/// numbers that are numbers, valid characters (rows 61, 75, 76).
#[tokio::test]
async fn message_attributes_are_validated() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let send_one = |name: &str, value: MessageAttributeValue| {
        client
            .send_message()
            .queue_url(&url)
            .message_body("m")
            .message_attributes(name, value)
            .send()
    };
    let err = send_one("ErrorDetails", string("")).await.unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(
        message(&err),
        "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'."
    );
    for bad_name in [
        "aWs.x",
        "AMAZON.x",
        ".x",
        "x.",
        "a..b",
        "a!b",
        &"n".repeat(257),
    ] {
        let err = send_one(bad_name, string("v")).await.unwrap_err();
        assert_eq!(code(&err), "InvalidParameterValue", "{bad_name}");
        assert!(
            message(&err).contains("invalid"),
            "{bad_name}: {}",
            message(&err)
        );
    }
    send_one("attr.1\u{f8}\u{df}\u{e4}", string("v"))
        .await
        .unwrap();
    for bad_type in [
        "Invalid",
        "Strin",
        "Number.",
        &format!("Number.{}", "x".repeat(256)),
    ] {
        let err = send_one("a", typed(bad_type, "1")).await.unwrap_err();
        assert_eq!(code(&err), "InvalidParameterValue", "{bad_type}");
    }
    let err = send_one("n", typed("Number", "one")).await.unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    let err = send_one("s", string("a\u{8}b")).await.unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");

    let mut req = client.send_message().queue_url(&url).message_body("m");
    for i in 0..11 {
        req = req.message_attributes(format!("a{i}"), string("v"));
    }
    let err = req.send().await.unwrap_err();
    assert_eq!(
        message(&err),
        "Number of message attributes [11] exceeds the allowed maximum [10]."
    );
}

/// MessageGroupId on a standard queue (fair queues): accepted and returned, never a
/// SequenceNumber; a bad id is rejected with AWS's text (rows 66-68, 73, 101).
#[tokio::test]
async fn standard_queues_accept_message_group_ids() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let sent = client
        .send_message()
        .queue_url(&url)
        .message_body("m")
        .message_group_id("test")
        .send()
        .await
        .unwrap();
    assert!(sent.sequence_number().is_none());
    let got = client
        .receive_message()
        .queue_url(&url)
        .message_system_attribute_names(S::All)
        .send()
        .await
        .unwrap();
    let attrs = got.messages()[0].attributes().unwrap();
    assert_eq!(attrs.len(), 5);
    assert_eq!(attrs[&S::MessageGroupId], "test");

    for bad in ["group 123", &"a".repeat(129)] {
        let err = client
            .send_message()
            .queue_url(&url)
            .message_body("m")
            .message_group_id(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            message(&err),
            format!("Value {bad} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
        );
    }
}

/// ReceiveMessage parameter ranges (rows 89-91).
#[tokio::test]
async fn receive_parameters_are_range_checked() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "q").await;
    let err = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(11)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
    );
    let err = client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    for wait in [21, -1] {
        let err = client
            .receive_message()
            .queue_url(&url)
            .wait_time_seconds(wait)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "InvalidParameterValue");
        assert_eq!(
            message(&err),
            format!("Value {wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
        );
    }
    let err = client
        .receive_message()
        .queue_url(&url)
        .visibility_timeout(43_201)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
}

/// A bare queue name works where a QueueUrl is expected (row 79).
#[tokio::test]
async fn queue_url_may_be_the_bare_name() {
    let (_sqs, client) = fake_and_client().await;
    create_queue(&client, "named").await;
    client
        .send_message()
        .queue_url("named")
        .message_body("m")
        .send()
        .await
        .unwrap();
    let got = client
        .receive_message()
        .queue_url("named")
        .send()
        .await
        .unwrap();
    assert_eq!(got.messages().len(), 1);
}
