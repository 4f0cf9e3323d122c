//! The fake's clock never hangs a test: `wait_for_receivers` knows when a consumer is
//! idle, `set` moves to a time, and an auto-advancing clock jumps to the earliest moment
//! a waiting long poll would wake once nothing else is in flight.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_sqs::types::{MessageSystemAttributeName as M, QueueAttributeName as Q};
use fake_sqs::{ClockMode, FakeSqs};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{builder, create_queue, fake_and_client, START_SECS};

const START: Duration = Duration::from_secs(START_SECS);

/// A fake whose clock auto-advances from [`START_SECS`], and a client for it.
async fn auto_advancing() -> (FakeSqs, aws_sdk_sqs::Client) {
    let sqs = builder()
        .clock(ClockMode::AutoAdvance(Some(UNIX_EPOCH + START)))
        .start()
        .await;
    let client = sqs.client().await;
    (sqs, client)
}

/// How far the fake's clock has moved from [`START_SECS`].
fn elapsed(sqs: &FakeSqs) -> Duration {
    sqs.clock()
        .now()
        .duration_since(UNIX_EPOCH + START)
        .unwrap()
}

/// A long poll of `url` waiting `wait` seconds, in a task; its answer's bodies.
fn long_poll(
    client: &aws_sdk_sqs::Client,
    url: &str,
    wait: i32,
) -> tokio::task::JoinHandle<Vec<aws_sdk_sqs::types::Message>> {
    let request = client
        .receive_message()
        .queue_url(url)
        .wait_time_seconds(wait)
        .message_system_attribute_names(M::All);
    tokio::spawn(async move { request.send().await.unwrap().messages.unwrap_or_default() })
}

/// The time a received message was first received, from its system attribute.
fn first_received(message: &aws_sdk_sqs::types::Message) -> Duration {
    let millis: u64 = message.attributes().unwrap()[&M::ApproximateFirstReceiveTimestamp]
        .parse()
        .unwrap();
    Duration::from_millis(millis) - START
}

/// A request held in flight (its body is still to come), which keeps an auto-advancing
/// clock still until it is released.
struct Held(tokio::net::TcpStream);

const HELD_BODY: &str = "Action=ListQueues&Version=2012-11-05";

impl Held {
    /// Sends a request's head with `Expect: 100-continue` and returns once the fake
    /// asks for the body: from then on the request is in flight.
    async fn start(sqs: &FakeSqs) -> Held {
        let mut stream = tokio::net::TcpStream::connect(sqs.address()).await.unwrap();
        let head = format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nExpect: 100-continue\r\n\r\n",
            sqs.address(),
            HELD_BODY.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut continue_line = [0u8; 25];
        stream.read_exact(&mut continue_line).await.unwrap();
        assert_eq!(&continue_line, b"HTTP/1.1 100 Continue\r\n\r\n");
        Held(stream)
    }

    /// Sends the body: the request is answered and leaves the fake.
    async fn release(mut self) {
        self.0.write_all(HELD_BODY.as_bytes()).await.unwrap();
        let mut status = [0u8; 12];
        self.0.read_exact(&mut status).await.unwrap();
        assert_eq!(&status, b"HTTP/1.1 200");
    }
}

/// With a paused clock a long poll on an empty queue waits until the clock reaches its
/// deadline, however short: the hang a first worker test meets. `wait_for_receivers`
/// says when it waits, so the test can move the clock.
#[tokio::test]
async fn a_paused_clock_keeps_a_poll_waiting_until_it_is_moved() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    let poll = long_poll(&client, &url, 1);
    sqs.wait_for_receivers(1).await;
    assert!(!poll.is_finished());
    assert_eq!(sqs.waiting_receives(), 1);
    sqs.clock().advance(Duration::from_secs(1));
    assert!(poll.await.unwrap().is_empty());
    sqs.wait_for_receivers(0).await;
}

/// `set` moves the clock to a time: a poll whose deadline it passes answers.
#[tokio::test]
async fn set_moves_the_clock_to_a_time_and_wakes_polls() {
    let (sqs, client) = fake_and_client().await;
    let url = create_queue(&client, "jobs").await;
    let poll = long_poll(&client, &url, 20);
    sqs.wait_for_receivers(1).await;
    let deadline = sqs.clock().now() + Duration::from_secs(20);
    sqs.clock().set(deadline);
    assert_eq!(sqs.clock().now(), deadline);
    assert!(poll.await.unwrap().is_empty());
}

/// What the issue measured: a 1 s long poll on a paused clock was still waiting after
/// 3 s of real time. With auto-advance nobody moves the clock, and it answers.
#[tokio::test]
async fn an_auto_advancing_clock_answers_a_long_poll_that_nobody_advances() {
    let (sqs, client) = auto_advancing().await;
    let url = create_queue(&client, "jobs").await;
    assert!(long_poll(&client, &url, 1).await.unwrap().is_empty());
    assert_eq!(
        elapsed(&sqs),
        Duration::from_secs(1),
        "exactly to the deadline"
    );
    assert!(long_poll(&client, &url, 20).await.unwrap().is_empty());
    assert_eq!(elapsed(&sqs), Duration::from_secs(21));
}

/// The clock jumps to the earliest moment that matters to a waiting poll (here a delay
/// ending), not to its deadline.
#[tokio::test]
async fn auto_advance_stops_where_a_delayed_message_becomes_visible() {
    let (sqs, client) = auto_advancing().await;
    let url = create_queue(&client, "jobs").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("later")
        .delay_seconds(7)
        .send()
        .await
        .unwrap();
    let got = long_poll(&client, &url, 20).await.unwrap();
    assert_eq!(got[0].body(), Some("later"));
    assert_eq!(first_received(&got[0]), Duration::from_secs(7));
    assert_eq!(elapsed(&sqs), Duration::from_secs(7));
}

/// A visibility timeout ending brings a received message back to a waiting poll.
#[tokio::test]
async fn auto_advance_stops_where_a_visibility_timeout_ends() {
    let (sqs, client) = auto_advancing().await;
    let url = create_queue(&client, "jobs").await;
    client
        .send_message()
        .queue_url(&url)
        .message_body("retry me")
        .send()
        .await
        .unwrap();
    client
        .receive_message()
        .queue_url(&url)
        .visibility_timeout(12)
        .send()
        .await
        .unwrap();
    let got = long_poll(&client, &url, 20).await.unwrap();
    assert_eq!(got[0].body(), Some("retry me"));
    assert_eq!(elapsed(&sqs), Duration::from_secs(12));
}

/// Two polls on two queues: the clock stops first where the earlier one wakes (a delay
/// of 3 s on one queue), before the other's deadline of 20 s.
#[tokio::test]
async fn auto_advance_serves_the_earliest_of_several_polls_first() {
    let (sqs, client) = auto_advancing().await;
    let idle = create_queue(&client, "idle").await;
    let busy = create_queue(&client, "busy").await;
    client
        .send_message()
        .queue_url(&busy)
        .message_body("soon")
        .delay_seconds(3)
        .send()
        .await
        .unwrap();
    // Both polls wait before the clock may move (a poll alone would have it to itself).
    let held = Held::start(&sqs).await;
    let idle_poll = long_poll(&client, &idle, 20);
    let busy_poll = long_poll(&client, &busy, 20);
    sqs.wait_for_receivers(2).await;
    held.release().await;
    let got = busy_poll.await.unwrap();
    assert_eq!(first_received(&got[0]), Duration::from_secs(3));
    assert!(idle_poll.await.unwrap().is_empty());
    assert_eq!(elapsed(&sqs), Duration::from_secs(20));
}

/// A message move task's next step is a moment that matters to a poll of its
/// destination: at 1 message per second, the first arrives 1 s after the start.
#[tokio::test]
async fn auto_advance_stops_at_a_move_tasks_next_step() {
    let (sqs, client) = auto_advancing().await;
    let arn = |name: &str| format!("arn:aws:sqs:us-east-1:000000000000:{name}");
    let dlq = create_queue(&client, "dlq").await;
    let target = create_queue(&client, "target").await;
    client
        .create_queue()
        .queue_name("work")
        .attributes(
            Q::RedrivePolicy,
            format!(
                r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":1}}"#,
                arn("dlq")
            ),
        )
        .send()
        .await
        .unwrap();
    client
        .send_message()
        .queue_url(&dlq)
        .message_body("redriven")
        .send()
        .await
        .unwrap();
    client
        .start_message_move_task()
        .source_arn(arn("dlq"))
        .destination_arn(arn("target"))
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .unwrap();
    let got = long_poll(&client, &target, 20).await.unwrap();
    assert_eq!(got[0].body(), Some("redriven"));
    assert_eq!(elapsed(&sqs), Duration::from_secs(1));
}

/// The clock does not move while any request other than a waiting poll is in flight:
/// here one whose body is still to come. When it is answered, the poll's turn comes.
#[tokio::test]
async fn auto_advance_waits_for_every_other_request_to_finish() {
    let (sqs, client) = auto_advancing().await;
    let url = create_queue(&client, "jobs").await;
    let held = Held::start(&sqs).await;
    let poll = long_poll(&client, &url, 20);
    sqs.wait_for_receivers(1).await;
    assert_eq!(elapsed(&sqs), Duration::ZERO);
    assert!(!poll.is_finished());

    held.release().await;
    assert!(poll.await.unwrap().is_empty());
    assert_eq!(elapsed(&sqs), Duration::from_secs(20));
}

/// The error names what was waiting, and says why a receive may not wait.
#[tokio::test]
async fn try_wait_for_receivers_reports_what_was_waiting() {
    let sqs = builder().advertised_url("http://sqs.test").start().await;
    let client = sqs.client().await;
    let url = create_queue(&client, "jobs").await;
    let _poll = long_poll(&client, &url, 20);
    sqs.wait_for_receivers(1).await;
    let err = sqs
        .try_wait_for_receivers(2, Duration::from_millis(50))
        .await
        .unwrap_err();
    assert_eq!(err.waiting_on, ["http://sqs.test/000000000000/jobs"]);
    assert_eq!(
        err.to_string(),
        "expected 2 long polls waiting, found 1 after 50ms (on http://sqs.test/000000000000/jobs); \
         a receive waits only when it has no message to return and its WaitTimeSeconds (or the \
         queue's ReceiveMessageWaitTimeSeconds) is above 0, and only on this fake's endpoint"
    );
}

/// The bound is real time kept by the fake's own thread, not a timer of the caller's
/// runtime (which may be paused, and jump straight to it, or have no timers at all).
#[test]
fn the_bound_of_wait_for_receivers_needs_no_timer_of_the_callers_runtime() {
    let sqs = builder().start_blocking();
    let no_timers = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let started = Instant::now();
    let err = no_timers
        .block_on(sqs.try_wait_for_receivers(1, Duration::from_millis(100)))
        .unwrap_err();
    assert_eq!(err.after, Duration::from_millis(100));
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert!(no_timers
        .block_on(sqs.try_wait_for_receivers(0, Duration::ZERO))
        .is_ok());
}

/// A clock cannot go back: SQS's timers count on it.
#[tokio::test]
#[should_panic(
    expected = "Clock::set cannot move the fake's clock back, from 2025-01-01T00:00:10.000Z to 2025-01-01T00:00:00.000Z"
)]
async fn set_refuses_to_move_the_clock_back() {
    let (sqs, _client) = fake_and_client().await;
    sqs.clock().advance(Duration::from_secs(10));
    sqs.clock().set(SystemTime::UNIX_EPOCH + START);
}
