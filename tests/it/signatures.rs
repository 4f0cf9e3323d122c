//! Strict SigV4 (issue 13, fact 10): with credentials declared, the fake checks every
//! signature as AWS does, in the `Authorization` header and in presigned query strings,
//! and answers each fault with AWS's error (`fixtures/aws/signatures.json`), over both
//! protocols. The fakes here run on a clock paused at the real time, so that the SDK's
//! signatures (made with the real time) are current until the test moves the clock.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sdk_sqs::config::Region;
use aws_sdk_sqs::types::MessageSystemAttributeName as Attr;
use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use fake_sqs::{ClockMode, Dialect, FakeSqs, TEST_ACCESS_KEY, TEST_SECRET_KEY};

use crate::support::{aws_fact, code, create_queue, message, Answer};

const KEY: &str = "AKIAOWNER00000000000";
const SECRET: &str = "owner-secret";
const ACCOUNT: &str = "111111111111";

/// A strict fake that knows [`KEY`] (account [`ACCOUNT`]), on a paused clock that starts
/// at the real time.
async fn strict() -> FakeSqs {
    FakeSqs::builder()
        .clock(ClockMode::Paused(None))
        .credential(KEY, SECRET, ACCOUNT)
        .start()
        .await
}

/// An SDK client of `sqs` signing as `key`/`secret` in `region`.
async fn client_as(sqs: &FakeSqs, key: &str, secret: &str, region: &str) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// How a raw request is signed.
#[derive(Clone)]
struct Signer {
    key: &'static str,
    secret: &'static str,
    region: &'static str,
    service: &'static str,
    time: SystemTime,
    location: SignatureLocation,
    /// For presigned URLs: sign the payload as `UNSIGNED-PAYLOAD`, as botocore does.
    unsigned_payload: bool,
}

impl Signer {
    fn new() -> Self {
        Signer {
            key: KEY,
            secret: SECRET,
            region: "us-east-1",
            service: "sqs",
            time: SystemTime::now(),
            location: SignatureLocation::Headers,
            unsigned_payload: false,
        }
    }

    fn presigned(mut self) -> Self {
        self.location = SignatureLocation::QueryParams;
        self
    }

    /// Signs `method url` with `headers` and `body`: the headers to add and the query
    /// parameters to append.
    #[allow(clippy::type_complexity)]
    fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (Vec<(String, String)>, Vec<(String, String)>) {
        let identity: Identity = Credentials::new(self.key, self.secret, None, None, "t").into();
        let mut settings = SigningSettings::default();
        settings.signature_location = self.location;
        settings.expires_in = Some(Duration::from_secs(60));
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name(self.service)
            .time(self.time)
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let body = match self.unsigned_payload {
            true => SignableBody::UnsignedPayload,
            false => SignableBody::Bytes(body),
        };
        let signable = SignableRequest::new(method, url, headers.iter().copied(), body).unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let (headers, params) = instructions.into_parts();
        (
            headers
                .iter()
                .map(|h| (h.name().to_owned(), h.value().to_owned()))
                .collect(),
            params
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Sends a signed Query POST of `pairs` to the fake's root.
    async fn query(&self, sqs: &FakeSqs, pairs: &[(&str, &str)]) -> Answer {
        let mut form = pairs.to_vec();
        form.push(("Version", "2012-11-05"));
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let url = format!("{}/", sqs.endpoint_url());
        let headers = [("content-type", "application/x-www-form-urlencoded")];
        self.send("POST", &url, &headers, body.into_bytes()).await
    }

    /// Sends a signed JSON request for `action`.
    async fn json(&self, sqs: &FakeSqs, action: &str, body: &str) -> Answer {
        let url = format!("{}/", sqs.endpoint_url());
        let target = format!("AmazonSQS.{action}");
        let headers = [
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amz-target", target.as_str()),
        ];
        self.send("POST", &url, &headers, body.as_bytes().to_vec())
            .await
    }

    async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Answer {
        let (added_headers, params) = self.sign(method, url, headers, &body);
        let mut url = reqwest::Url::parse(url).unwrap();
        url.query_pairs_mut().extend_pairs(params);
        let mut request = reqwest::Client::new()
            .request(method.parse().unwrap(), url)
            .body(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        for (k, v) in added_headers {
            request = request.header(k, v);
        }
        let response = request.send().await.expect("the fake answers");
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }
}

/// A presigned Query GET URL for `pairs`, signed by `signer` (the URL only: anyone who
/// holds it may send it, as with AWS).
fn presigned_url(sqs: &FakeSqs, signer: &Signer, pairs: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse(&format!("{}/", sqs.endpoint_url())).unwrap();
    url.query_pairs_mut()
        .extend_pairs(pairs)
        .append_pair("Version", "2012-11-05");
    let (_, params) = signer
        .clone()
        .presigned()
        .sign("GET", url.as_str(), &[], b"");
    url.query_pairs_mut().extend_pairs(params);
    url.to_string()
}

async fn get(url: &str) -> Answer {
    let response = reqwest::get(url).await.expect("the fake answers");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// The case of `fixtures/aws/signatures.json` named `name`: (code, status, message).
fn case(name: &str) -> (String, u16, String) {
    let fact = aws_fact("signatures.json");
    let case = fact["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == name)
        .unwrap_or_else(|| panic!("no case {name}"));
    (
        case["error"].as_str().unwrap().to_owned(),
        case["status"].as_u64().unwrap() as u16,
        case["message"].as_str().unwrap_or("").to_owned(),
    )
}

/// A declared credential acts as its account, and its messages carry its SenderId.
#[tokio::test]
async fn a_declared_credential_acts_as_its_account() {
    let sqs = strict().await;
    let client = client_as(&sqs, KEY, SECRET, "us-east-1").await;
    let url = create_queue(&client, "jobs").await;
    assert!(url.ends_with(&format!("/{ACCOUNT}/jobs")), "{url}");
    client
        .send_message()
        .queue_url(&url)
        .message_body("a")
        .send()
        .await
        .unwrap();
    let got = client
        .receive_message()
        .queue_url(&url)
        .message_system_attribute_names(Attr::SenderId)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.messages()[0].attributes().unwrap()[&Attr::SenderId],
        fake_sqs::sender_id(KEY)
    );
    // The fake's own client keeps working, as the default account.
    let own = sqs.client().await;
    let own_url = create_queue(&own, "mine").await;
    assert!(own_url.ends_with("/000000000000/mine"));
}

/// Each signing fault gets AWS's answer, through the SDK (JSON) and over Query.
#[tokio::test]
async fn signing_faults_get_aws_answers_on_both_protocols() {
    let sqs = strict().await;

    // Unknown key, wrong secret, another region: the SDK (JSON).
    let stranger = client_as(&sqs, "AKIAUNKNOWN000000000", "x", "us-east-1").await;
    let err = stranger.list_queues().send().await.unwrap_err();
    let (c, _, m) = case("unknown access key");
    assert_eq!((code(&err), message(&err)), (c, m));
    let forger = client_as(&sqs, KEY, "guessed", "us-east-1").await;
    let err = forger.list_queues().send().await.unwrap_err();
    let (c, _, m) = case("wrong secret");
    assert_eq!((code(&err), message(&err)), (c, m));
    let elsewhere = client_as(&sqs, KEY, SECRET, "eu-west-1").await;
    let err = elsewhere.list_queues().send().await.unwrap_err();
    let (c, _, m) = case("another region's scope");
    assert_eq!(
        (code(&err), message(&err)),
        (c, m.replace("<region>", "eu-west-1"))
    );

    // The same over both protocols, signed by hand, with the status.
    let good = Signer::new();
    let faults: [(&str, Signer); 4] = [
        (
            "unknown access key",
            Signer {
                key: "AKIAUNKNOWN000000000",
                ..good.clone()
            },
        ),
        (
            "wrong secret",
            Signer {
                secret: "guessed",
                ..good.clone()
            },
        ),
        (
            "another region's scope",
            Signer {
                region: "eu-west-1",
                ..good.clone()
            },
        ),
        (
            "another service's scope",
            Signer {
                service: "sns",
                ..good.clone()
            },
        ),
    ];
    for (name, signer) in faults {
        let (c, status, m) = case(name);
        let m = m.replace("<region>", "eu-west-1");
        let query = signer.query(&sqs, &[("Action", "ListQueues")]).await;
        assert_eq!(
            query.error(),
            (status, c.clone(), m.clone()),
            "Query, {name}"
        );
        let json = signer.json(&sqs, "ListQueues", "{}").await;
        assert_eq!(json.error(), (status, c, m), "JSON, {name}");
    }
    assert_eq!(
        good.query(&sqs, &[("Action", "ListQueues")]).await.status,
        200
    );
    assert_eq!(good.json(&sqs, "ListQueues", "{}").await.status, 200);
}

/// A timestamp more than 15 minutes from the fake's clock, either way, is refused with
/// AWS's text; up to 15 minutes is fine.
#[tokio::test]
async fn timestamps_must_be_within_fifteen_minutes_of_the_fake_clock() {
    let sqs = strict().await;
    let signed_now = Signer::new();
    sqs.clock().advance(Duration::from_secs(14 * 60));
    assert_eq!(signed_now.json(&sqs, "ListQueues", "{}").await.status, 200);

    sqs.clock().advance(Duration::from_secs(2 * 60));
    let (code, status, _) = case("stale timestamp");
    let pattern = regex_lite::Regex::new(
        r"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$",
    )
    .unwrap();
    for answer in [
        signed_now.json(&sqs, "ListQueues", "{}").await,
        signed_now.query(&sqs, &[("Action", "ListQueues")]).await,
    ] {
        let (s, c, m) = answer.error();
        assert_eq!((s, c.as_str()), (status, code.as_str()));
        assert!(pattern.is_match(&m), "{m}");
    }
    // The SDK, signing with the real time, is now in the fake's past too.
    let err = sqs.client().await.list_queues().send().await.unwrap_err();
    assert!(
        message(&err).starts_with("Signature expired: "),
        "{}",
        message(&err)
    );

    let from_the_future = Signer {
        time: SystemTime::now() + Duration::from_secs(16 * 60 + 16 * 60),
        ..Signer::new()
    };
    let (s, c, m) = from_the_future.json(&sqs, "ListQueues", "{}").await.error();
    let (code, status, _) = case("timestamp in the future");
    assert_eq!((s, c.as_str()), (status, code.as_str()));
    assert!(m.starts_with("Signature not yet current: "), "{m}");
}

/// A presigned URL (the signature in the query string, as the SDKs' presigners make it)
/// works until its timestamp is 15 minutes old, whatever its X-Amz-Expires says; a
/// changed parameter or a wrong secret breaks it.
#[tokio::test]
async fn presigned_urls_are_verified() {
    let sqs = strict().await;
    let client = client_as(&sqs, KEY, SECRET, "us-east-1").await;
    let url = create_queue(&client, "jobs").await;
    let send = [
        ("Action", "SendMessage"),
        ("QueueUrl", url.as_str()),
        ("MessageBody", "presigned"),
    ];
    let signer = Signer::new();
    let presigned = presigned_url(&sqs, &signer, &send);
    assert_eq!(get(&presigned).await.status, 200);
    // botocore's presigned URLs leave the payload unsigned.
    let botocore_style = Signer {
        unsigned_payload: true,
        ..Signer::new()
    };
    assert_eq!(
        get(&presigned_url(&sqs, &botocore_style, &send))
            .await
            .status,
        200
    );
    assert_eq!(sqs.messages(&url).len(), 2);

    let (code, status, message) = case("wrong secret");
    let tampered = presigned.replace("MessageBody=presigned", "MessageBody=tampered");
    assert_eq!(
        get(&tampered).await.error(),
        (status, code.clone(), message.clone())
    );
    let forged = presigned_url(
        &sqs,
        &Signer {
            secret: "guessed",
            ..Signer::new()
        },
        &send,
    );
    assert_eq!(get(&forged).await.error(), (status, code, message));
    let incomplete = presigned
        .split("&X-Amz-Signature=")
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(get(&incomplete).await.error().1, "IncompleteSignature");

    // X-Amz-Expires was 60 s: SQS ignores it, only the 15 minutes count.
    sqs.clock().advance(Duration::from_secs(10 * 60));
    assert_eq!(get(&presigned).await.status, 200);
    sqs.clock().advance(Duration::from_secs(6 * 60));
    let (s, c, m) = get(&presigned).await.error();
    assert_eq!((s, c.as_str()), (403, "SignatureDoesNotMatch"));
    assert!(m.starts_with("Signature expired: "), "{m}");
}

/// A presigned request over the JSON protocol (the signature in the query string, the
/// action in `X-Amz-Target`) is verified the same way.
#[tokio::test]
async fn presigned_json_requests_are_verified() {
    let sqs = strict().await;
    let presigner = Signer::new().presigned();
    assert_eq!(presigner.json(&sqs, "ListQueues", "{}").await.status, 200);
    let forged = Signer {
        secret: "guessed",
        ..Signer::new()
    }
    .presigned();
    let (status, code, _) = forged.json(&sqs, "ListQueues", "{}").await.error();
    assert_eq!((status, code.as_str()), (403, "SignatureDoesNotMatch"));
}

/// `verify_signatures()` alone makes the AWS dialect strict with the fake's own test
/// credential: the fake's client works, a stranger is refused.
#[tokio::test]
async fn verify_signatures_alone_knows_the_test_credential() {
    let sqs = FakeSqs::builder()
        .clock(ClockMode::Paused(None))
        .verify_signatures()
        .start()
        .await;
    sqs.client().await.list_queues().send().await.unwrap();
    let stranger = client_as(&sqs, "AKIAUNKNOWN000000000", "x", "us-east-1").await;
    let err = stranger.list_queues().send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidClientTokenId");
    let forger = client_as(&sqs, TEST_ACCESS_KEY, "guessed", "us-east-1").await;
    let err = forger.list_queues().send().await.unwrap_err();
    assert_eq!(code(&err), "SignatureDoesNotMatch");
}

/// Without declared credentials the fake checks nothing, as before: any key signs.
#[tokio::test]
async fn without_declared_credentials_signatures_are_not_checked() {
    let sqs = crate::support::fake().await;
    let anyone = client_as(&sqs, "AKIAUNKNOWN000000000", "x", "eu-west-1").await;
    anyone.list_queues().send().await.unwrap();
}

/// The Scaleway dialect verifies presigned URLs too, with its issued credentials.
#[tokio::test]
async fn scaleway_strict_mode_verifies_presigned_urls() {
    let sqs = FakeSqs::builder()
        .dialect(Dialect::Scaleway)
        .clock(ClockMode::Paused(None))
        .verify_signatures()
        .start()
        .await;
    let good = Signer {
        key: TEST_ACCESS_KEY,
        secret: TEST_SECRET_KEY,
        region: "fr-par",
        ..Signer::new()
    };
    let list = [("Action", "ListQueues")];
    assert_eq!(get(&presigned_url(&sqs, &good, &list)).await.status, 200);
    let forged = Signer {
        secret: "guessed",
        ..good.clone()
    };
    let (status, code, _) = get(&presigned_url(&sqs, &forged, &list)).await.error();
    assert_eq!((status, code.as_str()), (403, "SignatureDoesNotMatch"));
}
