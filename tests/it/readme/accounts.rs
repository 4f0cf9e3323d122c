use aws_sdk_sqs::config::Credentials;
use aws_sdk_sqs::error::ProvideErrorMetadata;
use fake_sqs::FakeSqs;

#[tokio::test]
async fn a_partner_sends_once_the_queue_allows_it() -> Result<(), Box<dyn std::error::Error>> {
    // Declared credentials: each key acts as its account, and signatures are checked.
    let sqs = FakeSqs::builder()
        .credential("AKIAPRODUCER00000000", "producer-secret", "111111111111")
        .credential("AKIAPARTNER000000000", "partner-secret", "222222222222")
        .start()
        .await;
    let config = sqs.sdk_config().await;
    let client_of = |key: &str, secret: &str| {
        let config = aws_sdk_sqs::config::Builder::from(&config)
            .credentials_provider(Credentials::new(key, secret, None, None, "test"))
            .build();
        aws_sdk_sqs::Client::from_conf(config)
    };
    let producer = client_of("AKIAPRODUCER00000000", "producer-secret");
    let partner = client_of("AKIAPARTNER000000000", "partner-secret");
    let url = producer.create_queue().queue_name("orders").send().await?.queue_url.unwrap();

    let refused = partner.send_message().queue_url(&url).message_body("hi").send().await;
    assert_eq!(refused.unwrap_err().code(), Some("AccessDenied"));

    producer
        .add_permission()
        .queue_url(&url)
        .label("partner")
        .aws_account_ids("222222222222")
        .actions("SendMessage")
        .send()
        .await?;
    partner.send_message().queue_url(&url).message_body("hi").send().await?;
    Ok(())
}
