"""A worker's retry and dead-letter path, tested the way a Python team would test it:
boto3 for SQS, `requests` for fake-sqs's admin API, pytest to run it.

The fake is the `fake-sqs` binary, started by run.sh with the queues of
fixtures/queues.toml and a paused clock:

    fake-sqs --config fixtures/queues.toml --clock paused --clock-start 2025-01-01T00:00:00Z

and its URL in FAKE_SQS_ENDPOINT. `jobs` has a 30-second visibility timeout and sends a
message to `jobs-dlq` once it has been received 3 times. Every test starts from a reset
(those queues, empty; the clock back at its start; no faults, expectations or journal),
and never sleeps: it moves the fake's clock instead. Faults make SQS fail on purpose,
the journal shows what the worker sent, and expectations check it on the fake's side.

Run: FAKE_SQS_ENDPOINT=http://127.0.0.1:9324 pytest tests/clients/test_worker.py
"""

import os

import boto3
import pytest
import requests
from botocore.config import Config

ENDPOINT = os.environ.get("FAKE_SQS_ENDPOINT", "http://127.0.0.1:9324")
ADMIN = f"{ENDPOINT}/_fake-sqs"
START = "2025-01-01T00:00:00.000Z"


# --- The code under test: a worker, as an application would have it. -----------------


def work(sqs, queue_url, handle):
    """Receives what is there and hands each message to `handle`: deleted when it
    returns, left for SQS to deliver again when it raises. Returns the bodies handled."""
    answer = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
    )
    handled = []
    for message in answer.get("Messages", []):
        try:
            handle(message["Body"])
        except Exception:  # noqa: BLE001 - a failed job is retried by SQS, not here
            continue
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        handled.append(message["Body"])
    return handled


# --- The admin API, with nothing but requests. ----------------------------------------


def admin_get(path, **params):
    answer = requests.get(f"{ADMIN}/{path}", params=params, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def admin_post(path, body=None):
    answer = requests.post(f"{ADMIN}/{path}", json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def advance(by):
    """Moves the fake's clock forward: what would be a wait in production."""
    return admin_post("clock/advance", {"by": by})


def messages(queue):
    return admin_get("messages", url=queue)["messages"]


def journal(after=0, **filters):
    """The requests the fake answered after `after` (a cursor), and the next cursor."""
    answer = admin_get("requests", after=after, **filters)
    return answer["requests"], answer["cursor"]


def expect(**expectation):
    return admin_post("expectations", expectation)


def verify():
    """200 when every expectation is met; else the fake's report of what came."""
    answer = requests.post(f"{ADMIN}/expectations/verify", timeout=30)
    assert answer.status_code == 200, answer.json()["message"]


# --- Fixtures. --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def reset():
    """Each test starts from the declared queues, empty, and the clock at its start."""
    admin_post("reset")


@pytest.fixture
def sqs():
    return boto3.client(
        "sqs",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"mode": "standard", "max_attempts": 3}),
    )


@pytest.fixture
def jobs(sqs):
    return sqs.get_queue_url(QueueName="jobs")["QueueUrl"]


@pytest.fixture
def dlq(sqs):
    return sqs.get_queue_url(QueueName="jobs-dlq")["QueueUrl"]


# --- Tests. -----------------------------------------------------------------------------


def test_the_fake_starts_with_the_declared_queues_and_a_paused_clock():
    names = [q["name"] for q in admin_get("queues")["queues"]]
    assert names == ["jobs", "jobs", "jobs-dlq", "orders.fifo"]
    clock = admin_get("clock")
    assert (clock["now"], clock["mode"]) == (START, "paused")
    jobs = admin_get("queue", url="jobs")
    assert jobs["attributes"]["VisibilityTimeout"] == "30"
    assert '"maxReceiveCount":3' in jobs["attributes"]["RedrivePolicy"]


def test_a_failed_job_comes_back_after_the_visibility_timeout(sqs, jobs):
    sqs.send_message(QueueUrl=jobs, MessageBody="resize image 42")
    attempts = []

    def flaky(body):
        attempts.append(body)
        if len(attempts) == 1:
            raise RuntimeError("the image service is down")

    assert work(sqs, jobs, flaky) == []
    [message] = messages("jobs")
    assert message["state"] == "in_flight"
    assert message["visible_at"] == "2025-01-01T00:00:30.000Z"
    assert message["receive_count"] == 1

    # Within the visibility timeout nobody else gets it.
    advance("29s")
    assert work(sqs, jobs, flaky) == []
    assert attempts == ["resize image 42"]

    # Past it, it comes back, and the second attempt succeeds.
    advance("2s")
    assert work(sqs, jobs, flaky) == ["resize image 42"]
    assert attempts == ["resize image 42"] * 2
    assert messages("jobs") == []


def test_a_job_that_always_fails_ends_in_the_dead_letter_queue(sqs, jobs, dlq):
    expect(action="DeleteMessage", queue="jobs", times={"exactly": 0})
    sqs.send_message(QueueUrl=jobs, MessageBody="corrupt image 7")

    def broken(body):
        raise ValueError(f"cannot decode {body}")

    for attempt in range(1, 4):
        assert work(sqs, jobs, broken) == []
        assert messages("jobs")[0]["receive_count"] == attempt
        advance("31s")

    # The fourth receive finds it received 3 times: SQS moves it to the dead-letter queue.
    assert work(sqs, jobs, broken) == []
    assert messages("jobs") == []
    [dead] = messages("jobs-dlq")
    assert dead["body"] == "corrupt image 7"
    assert dead["dead_letter_source_arn"] == "arn:aws:sqs:us-east-1:000000000000:jobs"

    # And an operator's tool reading the dead-letter queue sees it, with its history.
    answer = sqs.receive_message(
        QueueUrl=dlq, AttributeNames=["All"], WaitTimeSeconds=0
    )
    [message] = answer["Messages"]
    assert message["Body"] == "corrupt image 7"
    assert message["Attributes"]["DeadLetterQueueSourceArn"].endswith(":jobs")
    # The worker never deleted it: it gave up on it, as it should.
    verify()


def test_a_throttled_receive_is_retried_and_the_job_done_once(sqs, jobs):
    expect(action="DeleteMessage", queue="jobs", times={"exactly": 1})
    sqs.send_message(QueueUrl=jobs, MessageBody="send invoice 9")
    _, cursor = journal()
    throttle = admin_post(
        "faults",
        {
            "action": "ReceiveMessage",
            "queue": "jobs",
            "times": 1,
            "effect": {"error": {"code": "ThrottlingException"}},
        },
    )

    assert work(sqs, jobs, lambda body: None) == ["send invoice 9"]

    # The journal, read from the cursor: boto3 was throttled once and retried.
    new, cursor = journal(after=cursor)
    assert [r["action"] for r in new] == ["ReceiveMessage", "ReceiveMessage", "DeleteMessage"]
    throttled, retried, deleted = new
    assert throttled["outcome"] == {
        "error": {"code": "ThrottlingException", "message": throttled["outcome"]["error"]["message"]}
    }
    assert throttled["faults"] == [throttle["id"]]
    assert retried["outcome"] == "success"
    assert deleted["params"]["QueueUrl"] == jobs
    [fault] = admin_get("faults")["faults"]
    assert (fault["applied"], fault["spent"]) == (1, True)
    assert journal(after=cursor) == ([], cursor)
    verify()
