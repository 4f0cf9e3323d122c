//! Queues belong to their account (issue 13, fact 9; `fixtures/aws/queue-access.json`):
//! only the owner, or whom the queue's policy allows, may act on a queue, over both
//! protocols; in the Scaleway dialect a credential reaches only its own project's queues.

use aws_credential_types::Credentials;
use aws_sdk_sqs::types::{QueueAttributeName as Q, SendMessageBatchRequestEntry};
use fake_sqs::{ClockMode, Dialect, FakeSqs, Permissions};
use serde_json::json;

use crate::support::{aws_fact, builder, code, create_queue, message, Answer};

const OWNER: &str = "111111111111";
const OTHER: &str = "222222222222";

/// A client signing with `key` (a 12-digit key is an account, without declared
/// credentials).
async fn client_as(sqs: &FakeSqs, key: &str, secret: &str) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::config::Builder::from(&sqs.sdk_config().await)
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// A Query request as account `account` (its credential scope; the fake checks no
/// signature here), sent to `path`.
async fn query_as(sqs: &FakeSqs, account: &str, path: &str, pairs: &[(&str, &str)]) -> Answer {
    let mut form = pairs.to_vec();
    form.push(("Version", "2012-11-05"));
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={account}/20250101/us-east-1/sqs/aws4_request, \
         SignedHeaders=host, Signature=0"
    );
    let response = reqwest::Client::new()
        .post(format!("{}{path}", sqs.endpoint_url()))
        .header("authorization", authorization)
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

/// The recorded answer to an action the caller may not take, for a request sent to
/// `url`: (status, code, message).
fn denied(url: &str) -> (u16, String, String) {
    let fact = aws_fact("queue-access.json");
    let case = &fact["cases"][0];
    (
        case["status"].as_u64().unwrap() as u16,
        case["error"].as_str().unwrap().to_owned(),
        case["message"]
            .as_str()
            .unwrap()
            .replace("<request url>", url),
    )
}

/// The SDK error's (code, message).
fn sdk_error<E: aws_sdk_sqs::error::ProvideErrorMetadata, R>(
    err: &aws_sdk_sqs::error::SdkError<E, R>,
) -> (String, String) {
    (code(err), message(err))
}

/// An owner's queue with one message in flight, and its URL and receipt handle.
async fn owners_queue(sqs: &FakeSqs, owner: &aws_sdk_sqs::Client) -> (String, String) {
    let url = create_queue(owner, "jobs").await;
    owner
        .send_message()
        .queue_url(&url)
        .message_body("work")
        .send()
        .await
        .unwrap();
    let received = owner
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
    let handle = received.messages()[0].receipt_handle().unwrap().to_owned();
    assert_eq!(sqs.queue(&url).in_flight, 1);
    (url, handle)
}

/// Another account acts on none of the owner's queue: every action that names it is
/// refused with AWS's answer, over JSON (the SDK) and Query, and the queue is intact.
#[tokio::test]
async fn another_account_may_not_act_on_a_queue() {
    let sqs = builder().start().await;
    let owner = client_as(&sqs, OWNER, "x").await;
    let (url, handle) = owners_queue(&sqs, &owner).await;
    assert!(url.ends_with(&format!("/{OWNER}/jobs")));
    let other = client_as(&sqs, OTHER, "x").await;
    let root = format!("{}/", sqs.endpoint_url());
    let (_, c, m) = denied(&root);
    let expected = (c, m);

    macro_rules! refused {
        ($call:expr) => {
            let err = $call.send().await.unwrap_err();
            assert_eq!(sdk_error(&err), expected, "{}", stringify!($call));
        };
    }
    refused!(other.send_message().queue_url(&url).message_body("x"));
    refused!(other.send_message_batch().queue_url(&url).entries(
        SendMessageBatchRequestEntry::builder()
            .id("1")
            .message_body("x")
            .build()
            .unwrap()
    ));
    refused!(other.receive_message().queue_url(&url));
    refused!(other
        .delete_message()
        .queue_url(&url)
        .receipt_handle(&handle));
    refused!(other
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&handle)
        .visibility_timeout(0));
    refused!(other.purge_queue().queue_url(&url));
    refused!(other.delete_queue().queue_url(&url));
    refused!(other.get_queue_attributes().queue_url(&url));
    refused!(other
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::DelaySeconds, "5"));
    refused!(other
        .add_permission()
        .queue_url(&url)
        .label("mine")
        .aws_account_ids(OTHER)
        .actions("*"));
    refused!(other.tag_queue().queue_url(&url).tags("k", "v"));
    refused!(other.list_queue_tags().queue_url(&url));
    refused!(other.list_dead_letter_source_queues().queue_url(&url));

    // Query, at the root and at the queue's URL: the refusal names where it was sent.
    let at_root = query_as(
        &sqs,
        OTHER,
        "/",
        &[("Action", "PurgeQueue"), ("QueueUrl", &url)],
    )
    .await;
    assert_eq!(at_root.error(), denied(&root));
    let path = &url[sqs.endpoint_url().len()..];
    let at_queue = query_as(&sqs, OTHER, path, &[("Action", "ReceiveMessage")]).await;
    assert_eq!(at_queue.error(), denied(&url));

    // Nothing changed: the message is still in flight, the queue has no tags or policy.
    let queue = sqs.queue(&url);
    assert_eq!((queue.visible, queue.in_flight), (0, 1));
    let attributes = owner
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(Q::All)
        .send()
        .await
        .unwrap();
    assert!(!attributes.attributes().unwrap().contains_key(&Q::Policy));
    assert_eq!(attributes.attributes().unwrap()[&Q::DelaySeconds], "0");

    // The other account's own queues are its own.
    let theirs = create_queue(&other, "jobs").await;
    assert!(theirs.ends_with(&format!("/{OTHER}/jobs")));
    assert_eq!(
        other.list_queues().send().await.unwrap().queue_urls(),
        [theirs]
    );
}

/// AddPermission lets another account in, for the actions it names (and their batch
/// forms) and no others; RemovePermission shuts it out again. Actions that are the
/// owner account's alone stay so even under `*`.
#[tokio::test]
async fn add_permission_lets_another_account_in() {
    let sqs = builder().start().await;
    let owner = client_as(&sqs, OWNER, "x").await;
    let (url, _) = owners_queue(&sqs, &owner).await;
    let other = client_as(&sqs, OTHER, "x").await;
    owner
        .add_permission()
        .queue_url(&url)
        .label("partner")
        .aws_account_ids(OTHER)
        .actions("SendMessage")
        .actions("ReceiveMessage")
        .send()
        .await
        .unwrap();
    other
        .send_message()
        .queue_url(&url)
        .message_body("from a partner")
        .send()
        .await
        .unwrap();
    other
        .send_message_batch()
        .queue_url(&url)
        .entries(
            SendMessageBatchRequestEntry::builder()
                .id("1")
                .message_body("batch")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let got = other
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    assert_eq!(got.messages().len(), 2);
    let err = other
        .purge_queue()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");

    owner
        .add_permission()
        .queue_url(&url)
        .label("everything")
        .aws_account_ids(OTHER)
        .actions("*")
        .send()
        .await
        .unwrap();
    other.purge_queue().queue_url(&url).send().await.unwrap();
    // Cross-account permissions do not apply to these.
    let err = other
        .list_queue_tags()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let err = other
        .delete_queue()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");

    for label in ["partner", "everything"] {
        owner
            .remove_permission()
            .queue_url(&url)
            .label(label)
            .send()
            .await
            .unwrap();
    }
    let err = other
        .send_message()
        .queue_url(&url)
        .message_body("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

/// A policy set as the Policy attribute is enforced: principals by id or root ARN,
/// actions with wildcards in any case, resources with wildcards; a Deny wins, over the
/// owner too.
#[tokio::test]
async fn a_policy_attribute_is_enforced() {
    let sqs = builder().start().await;
    let owner = client_as(&sqs, OWNER, "x").await;
    let (url, _) = owners_queue(&sqs, &owner).await;
    let other = client_as(&sqs, OTHER, "x").await;
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{OTHER}:root")},
             "Action": ["SQS:Get*", "sqs:send*"], "Resource": format!("arn:aws:sqs:*:{OWNER}:*")},
            {"Effect": "Deny", "Principal": "*", "Action": "sqs:PurgeQueue", "Resource": "*"},
        ],
    });
    owner
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::Policy, policy.to_string())
        .send()
        .await
        .unwrap();
    other
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(Q::QueueArn)
        .send()
        .await
        .unwrap();
    other
        .send_message()
        .queue_url(&url)
        .message_body("x")
        .send()
        .await
        .unwrap();
    let err = other
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    // The Deny holds against the owner as well.
    let err = owner
        .purge_queue()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    owner
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap();
}

/// A statement with a condition is read the safe way: its Allow grants nothing, its
/// Deny denies (the fake evaluates no condition).
#[tokio::test]
async fn statements_with_conditions_are_read_the_safe_way() {
    let sqs = builder().start().await;
    let owner = client_as(&sqs, OWNER, "x").await;
    let (url, _) = owners_queue(&sqs, &owner).await;
    let other = client_as(&sqs, OTHER, "x").await;
    let statement = |effect: &str, action: &str| {
        json!({"Effect": effect, "Principal": "*", "Action": action, "Resource": "*",
               "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:t"}}})
    };
    let policy = json!({"Statement": [
        statement("Allow", "sqs:SendMessage"),
        statement("Deny", "sqs:DeleteMessage"),
    ]});
    owner
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::Policy, policy.to_string())
        .send()
        .await
        .unwrap();
    let err = other
        .send_message()
        .queue_url(&url)
        .message_body("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let err = owner
        .delete_message()
        .queue_url(&url)
        .receipt_handle("any")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

/// GetQueueUrl with QueueOwnerAWSAccountId follows the same rule, and refuses as AWS
/// does, as if the queue did not exist; allowed, it answers.
#[tokio::test]
async fn get_queue_url_of_another_account_follows_the_policy() {
    let sqs = builder().start().await;
    let owner = client_as(&sqs, OWNER, "x").await;
    let (url, _) = owners_queue(&sqs, &owner).await;
    let other = client_as(&sqs, OTHER, "x").await;
    let lookup = || {
        other
            .get_queue_url()
            .queue_name("jobs")
            .queue_owner_aws_account_id(OWNER)
            .send()
    };
    let fact = aws_fact("queue-access.json");
    let case = &fact["cases"][1];
    let err = lookup().await.unwrap_err();
    assert_eq!(
        sdk_error(&err),
        (
            case["error"].as_str().unwrap().to_owned(),
            case["message"].as_str().unwrap().to_owned()
        )
    );
    let query = query_as(
        &sqs,
        OTHER,
        "/",
        &[
            ("Action", "GetQueueUrl"),
            ("QueueName", "jobs"),
            ("QueueOwnerAWSAccountId", OWNER),
        ],
    )
    .await;
    assert_eq!(
        query.error(),
        (
            400,
            case["error"].as_str().unwrap().to_owned(),
            case["message"].as_str().unwrap().to_owned()
        )
    );
    owner
        .add_permission()
        .queue_url(&url)
        .label("lookup")
        .aws_account_ids(OTHER)
        .actions("GetQueueUrl")
        .send()
        .await
        .unwrap();
    assert_eq!(lookup().await.unwrap().queue_url.unwrap(), url);
}

/// Move tasks are the owner account's alone, whatever the policy allows.
#[tokio::test]
async fn move_tasks_are_the_owner_accounts() {
    let sqs = builder().start().await;
    let owner = client_as(&sqs, OWNER, "x").await;
    let dlq = create_queue(&owner, "dlq").await;
    owner
        .add_permission()
        .queue_url(&dlq)
        .label("all")
        .aws_account_ids(OTHER)
        .actions("*")
        .send()
        .await
        .unwrap();
    let arn = format!("arn:aws:sqs:us-east-1:{OWNER}:dlq");
    let other = client_as(&sqs, OTHER, "x").await;
    let err = other
        .start_message_move_task()
        .source_arn(&arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let err = other
        .list_message_move_tasks()
        .source_arn(&arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
}

/// In strict mode an unsigned request is anonymous: it may do what a policy grants to
/// everyone, and nothing else; its messages' SenderId is `anonymous`.
#[tokio::test]
async fn anonymous_callers_get_what_policies_grant_everyone() {
    let sqs = FakeSqs::builder()
        .clock(ClockMode::Paused(None))
        .credential("AKIAOWNER00000000000", "owner-secret", OWNER)
        .start()
        .await;
    let owner = client_as(&sqs, "AKIAOWNER00000000000", "owner-secret").await;
    let url = create_queue(&owner, "public").await;
    let path = &url[sqs.endpoint_url().len()..];
    let unsigned = |pairs: Vec<(&'static str, String)>| {
        let url = format!("{}{path}", sqs.endpoint_url());
        async move {
            let mut form = pairs;
            form.push(("Version", "2012-11-05".into()));
            let response = reqwest::Client::new()
                .post(url)
                .form(&form)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let send = || {
        unsigned(vec![
            ("Action", "SendMessage".into()),
            ("MessageBody", "hi".into()),
        ])
    };
    let (status, body) = send().await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");

    let policy = json!({"Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "sqs:SendMessage", "Resource": format!("arn:aws:sqs:us-east-1:{OWNER}:public")}]});
    owner
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::Policy, policy.to_string())
        .send()
        .await
        .unwrap();
    let (status, body) = send().await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(sqs.messages(&url)[0].sender_id, "anonymous");
    let (status, _) = unsigned(vec![("Action", "ReceiveMessage".into())]).await;
    assert_eq!(status, 403);
    let root = reqwest::Client::new()
        .post(sqs.endpoint_url())
        .form(&[("Action", "ListQueues"), ("Version", "2012-11-05")])
        .send()
        .await
        .unwrap();
    assert_eq!(root.status(), 403);
}

/// Scaleway: a credential reaches only its own project's queues, whatever its
/// permissions; even a publish-only key of another project cannot send into them.
#[tokio::test]
async fn scaleway_credentials_reach_only_their_projects_queues() {
    const PROJECT_B: &str = "bbbbbbbb-0000-4000-8000-00000000000b";
    let publish_only = Permissions {
        can_publish: true,
        ..Permissions::default()
    };
    // Declaring a credential makes the fake strict: its clock starts at the real time,
    // as the SDK signs with it.
    let sqs = FakeSqs::builder()
        .clock(ClockMode::Paused(None))
        .dialect(Dialect::Scaleway)
        .credential("SCWPROJECTB000000000", "b-secret", PROJECT_B)
        .scaleway_credential("SCWPUBLISHER00000000", "p-secret", publish_only)
        .start()
        .await;
    let project_b = client_as(&sqs, "SCWPROJECTB000000000", "b-secret").await;
    let url = create_queue(&project_b, "b-jobs").await;
    assert!(url.contains(&format!("/project-{PROJECT_B}/")), "{url}");
    project_b
        .send_message()
        .queue_url(&url)
        .message_body("b's own")
        .send()
        .await
        .unwrap();

    // The default project's keys: one with every permission, one publish-only.
    let project_a = sqs.client().await;
    let publisher = client_as(&sqs, "SCWPUBLISHER00000000", "p-secret").await;
    let err = project_a
        .receive_message()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let err = project_a
        .purge_queue()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let err = project_a
        .delete_queue()
        .queue_url(&url)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    let err = publisher
        .send_message()
        .queue_url(&url)
        .message_body("intruder")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AccessDenied");
    assert_eq!(sqs.messages(&url).len(), 1);
    // Each project lists its own.
    assert!(project_a
        .list_queues()
        .send()
        .await
        .unwrap()
        .queue_urls
        .is_none());
}
