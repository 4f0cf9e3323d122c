//! AddPermission and RemovePermission maintain the queue's `Policy` as AWS writes it
//! (fixtures/aws/recorded.md §6); SetQueueAttributes can set a policy of one's own.

use aws_sdk_sqs::types::QueueAttributeName as Q;
use insta::assert_snapshot;
use serde_json::{json, Value};

use crate::support::{aws_fact, code, create_queue, fake_and_client, json, message, query};

const QUEUE_ARN: &str = "arn:aws:sqs:us-east-1:000000000000:shared";

async fn policy(client: &aws_sdk_sqs::Client, url: &str) -> Option<Value> {
    client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(Q::Policy)
        .send()
        .await
        .unwrap()
        .attributes
        .map(|a| serde_json::from_str(&a[&Q::Policy]).unwrap())
}

async fn add(
    client: &aws_sdk_sqs::Client,
    url: &str,
    label: &str,
    accounts: &[&str],
    actions: &[&str],
) -> Result<(), String> {
    let mut request = client.add_permission().queue_url(url).label(label);
    for a in accounts {
        request = request.aws_account_ids(*a);
    }
    for a in actions {
        request = request.actions(*a);
    }
    request
        .send()
        .await
        .map(|_| ())
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

/// The whole lifecycle of rows 51-57: a list of principals, a plain string for one,
/// duplicate labels, statements appended in order, removal down to no policy at all.
#[tokio::test]
async fn permissions_build_and_shrink_the_policy_document() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "shared").await;
    assert_eq!(policy(&client, &url).await, None);

    add(
        &client,
        &url,
        "crossaccountpermission",
        &["000000000000", "668614515564"],
        &["ReceiveMessage"],
    )
    .await
    .unwrap();
    let expected_first = json!({
        "Sid": "crossaccountpermission",
        "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::000000000000:root", "arn:aws:iam::668614515564:root"]},
        "Action": "SQS:ReceiveMessage",
        "Resource": QUEUE_ARN,
    });
    assert_eq!(
        policy(&client, &url).await,
        Some(json!({
            "Version": "2008-10-17",
            "Id": format!("{QUEUE_ARN}/SQSDefaultPolicy"),
            "Statement": [expected_first],
        }))
    );

    let err = add(
        &client,
        &url,
        "crossaccountpermission",
        &["668614515564"],
        &["SendMessage"],
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        "InvalidParameterValue: Value crossaccountpermission for parameter Label is invalid. Reason: Already exists."
    );

    add(
        &client,
        &url,
        "second",
        &["668614515564"],
        &["SendMessage", "DeleteMessage"],
    )
    .await
    .unwrap();
    let doc = policy(&client, &url).await.unwrap();
    let second = &doc["Statement"][1];
    assert_eq!(second["Sid"], "second");
    assert_eq!(second["Principal"]["AWS"], "arn:aws:iam::668614515564:root");
    assert_eq!(
        second["Action"],
        json!(["SQS:SendMessage", "SQS:DeleteMessage"])
    );

    client
        .remove_permission()
        .queue_url(&url)
        .label("crossaccountpermission")
        .send()
        .await
        .unwrap();
    let doc = policy(&client, &url).await.unwrap();
    assert_eq!(doc["Statement"].as_array().unwrap().len(), 1);
    assert_eq!(doc["Statement"][0]["Sid"], "second");
    assert_eq!(doc["Version"], "2008-10-17");

    let err = client
        .remove_permission()
        .queue_url(&url)
        .label("crossaccountpermission")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterValue");
    assert_eq!(
        message(&err),
        "Value crossaccountpermission for parameter Label is invalid. Reason: can't find label."
    );

    client
        .remove_permission()
        .queue_url(&url)
        .label("second")
        .send()
        .await
        .unwrap();
    assert_eq!(policy(&client, &url).await, None);
}

/// Labels, accounts and action names are checked before anything changes.
#[tokio::test]
async fn add_permission_validates_its_input() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "shared").await;
    let long = "x".repeat(81);
    let cases: Vec<(&str, Vec<&str>, Vec<&str>, &str)> = vec![
        ("bad label", vec!["668614515564"], vec!["SendMessage"], "InvalidParameterValue: Value bad label for parameter Label is invalid."),
        (&long, vec!["668614515564"], vec!["SendMessage"], "InvalidParameterValue: Value xxx"),
        ("ok", vec!["668614515564"], vec!["Explode"], "InvalidParameterValue: Value Explode for parameter ActionName is invalid."),
        ("ok", vec!["668614515564"], vec!["DeleteQueue"], "InvalidParameterValue: Value SQS:DeleteQueue for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action."),
        ("ok", vec!["not-an-account"], vec!["SendMessage"], "InvalidParameterValue: Value [not-an-account] for parameter PrincipalId is invalid. Reason: Unable to verify."),
        (
            "ok",
            vec!["668614515564"],
            vec!["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl", "PurgeQueue", "ListQueueTags"],
            "OverLimit: 8 Actions were found, maximum allowed is 7.",
        ),
    ];
    for (label, accounts, actions, expected) in cases {
        let err = add(&client, &url, label, &accounts, &actions)
            .await
            .unwrap_err();
        assert!(err.starts_with(expected), "{label}: {err}");
    }
    assert_eq!(policy(&client, &url).await, None);

    add(&client, &url, "everything_-1", &["668614515564"], &["*"])
        .await
        .unwrap();
    let doc = policy(&client, &url).await.unwrap();
    assert_eq!(doc["Statement"][0]["Action"], "SQS:*");
}

/// An empty or unverifiable AWSAccountIds list: each case of
/// `fixtures/aws/add-permission-principals.json` gets its recorded code, status and text
/// (the whole list in brackets) over both protocols, and the policy stays unset.
#[tokio::test]
async fn unverifiable_accounts_are_named_in_brackets() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "shared").await;
    let fact = aws_fact("add-permission-principals.json");
    for case in fact["cases"].as_array().unwrap() {
        let accounts: Vec<&str> = case["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let want = (
            case["status"].as_u64().unwrap() as u16,
            case["error"].as_str().unwrap().to_owned(),
            case["message"].as_str().unwrap().to_owned(),
        );
        let keys: Vec<String> = (1..=accounts.len())
            .map(|i| format!("AWSAccountId.{i}"))
            .collect();
        let mut pairs = vec![
            ("Action", "AddPermission"),
            ("QueueUrl", url.as_str()),
            ("Label", "l"),
            ("ActionName.1", "SendMessage"),
        ];
        pairs.extend(
            keys.iter()
                .map(String::as_str)
                .zip(accounts.iter().copied()),
        );
        let body = json!({"QueueUrl": url, "Label": "l", "AWSAccountIds": accounts,
                          "Actions": ["SendMessage"]});
        let over_query = query(&sqs, &pairs).await;
        let over_json = json(&sqs, "AddPermission", &body.to_string()).await;
        assert_eq!(over_query.error(), want, "{} (Query)", case["case"]);
        assert_eq!(over_json.error(), want, "{} (JSON)", case["case"]);
    }
    assert_eq!(policy(&client, &url).await, None);
}

/// A policy of one's own is stored as sent; AddPermission appends to its statements.
#[tokio::test]
async fn set_queue_attributes_policy_is_kept_and_extended() {
    let (_sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "shared").await;
    let own = json!({
        "Version": "2012-10-17",
        // A Deny for everyone would lock the owner out too, as on AWS (tests/it/access.rs).
        "Statement": [{"Sid": "mine", "Effect": "Deny", "Principal": {"AWS": "123456789012"}, "Action": "sqs:*", "Resource": QUEUE_ARN}],
    });
    client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::Policy, own.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(policy(&client, &url).await, Some(own.clone()));

    add(&client, &url, "mine", &["668614515564"], &["SendMessage"])
        .await
        .unwrap_err();
    add(&client, &url, "theirs", &["668614515564"], &["SendMessage"])
        .await
        .unwrap();
    let doc = policy(&client, &url).await.unwrap();
    assert_eq!(doc["Version"], "2012-10-17");
    assert_eq!(doc["Statement"][0], own["Statement"][0]);
    assert_eq!(doc["Statement"][1]["Sid"], "theirs");

    let err = client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(Q::Policy, "not json")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidAttributeValue");
}

/// The Query protocol: AddPermission with `AWSAccountId.N`/`ActionName.N`, then the
/// Policy document as GetQueueAttributes writes it.
#[tokio::test]
async fn query_policy_document() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "shared").await;
    let added = query(
        &sqs,
        &[
            ("Action", "AddPermission"),
            ("QueueUrl", &url),
            ("Label", "crossaccountpermission"),
            ("AWSAccountId.1", "000000000000"),
            ("AWSAccountId.2", "668614515564"),
            ("ActionName.1", "ReceiveMessage"),
        ],
    )
    .await;
    assert_snapshot!("query_add_permission", added.snapshot());
    let got = query(
        &sqs,
        &[
            ("Action", "GetQueueAttributes"),
            ("QueueUrl", &url),
            ("AttributeName.1", "Policy"),
        ],
    )
    .await;
    assert_snapshot!("query_policy_document", got.snapshot());
}
