"""One realistic SQS session driven through boto3, checked step by step.

Usage: python scenario.py ENDPOINT_URL {json|query}

The second argument is the wire protocol this botocore must speak; every request is
checked on its way out (a `before-send` hook), so a pinned old botocore that silently
moved to JSON, or a new one that fell back to Query, fails the run instead of passing
for the wrong reason. Exits non-zero on the first wrong answer.
"""

import hashlib
import json
import os
import sys
import urllib.parse
import urllib.request

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT, PROTOCOL = sys.argv[1], sys.argv[2]
if PROTOCOL not in ("json", "query"):
    sys.exit(f"unknown protocol {PROTOCOL!r}")

requests_seen = {"json": 0, "query": 0}


def check(condition, what):
    """Fails the run with a message naming the step, instead of a bare assert."""
    if not condition:
        print(f"FAIL: {what}", flush=True)
        sys.exit(1)


def known_gaps():
    """Ids listed in known-gaps.txt next to this script (see that file)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "known-gaps.txt")
    with open(path, encoding="utf-8") as lines:
        return {
            line.split()[0] for line in lines if line.strip() and not line.startswith("#")
        }


KNOWN_GAPS = known_gaps()


gap_failures = {}


def gap(gap_id, condition, what):
    """A check the fake may still fail, if `gap_id` is listed in known-gaps.txt."""
    if gap_id not in KNOWN_GAPS:
        check(condition, what)
        return
    gap_failures.setdefault(gap_id, 0)
    if not condition:
        gap_failures[gap_id] += 1
        print(f"KNOWN GAP {gap_id}: {what}")


def gaps_still_open():
    """Fails the run if every check of a listed gap passed: the line must go."""
    for gap_id, failures in gap_failures.items():
        check(failures > 0, f"all {gap_id} checks pass: delete it from known-gaps.txt")


def record_protocol(request, **_):
    """Classifies each outgoing request by how it is encoded on the wire."""
    headers = {
        k.lower(): v.decode() if isinstance(v, bytes) else v
        for k, v in request.headers.items()
    }
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    if "x-amz-target" in headers:
        check(headers["x-amz-target"].startswith("AmazonSQS."), f"target {headers}")
        requests_seen["json"] += 1
    else:
        check(b"Action=" in body, f"neither X-Amz-Target nor Action= in {body[:80]!r}")
        requests_seen["query"] += 1


session = boto3.session.Session(
    aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
)
sqs = session.client(
    "sqs", endpoint_url=ENDPOINT, config=Config(retries={"max_attempts": 1})
)
sqs.meta.events.register("before-send.sqs.*", record_protocol)

queue_urls_reached = set()


def reach(url):
    """Sends GetQueueAttributes to the queue URL itself, in this run's protocol, unsigned
    (the fake checks no signature here): the URL names a host that reaches the fake."""
    if PROTOCOL == "json":
        request = urllib.request.Request(
            url,
            data=json.dumps({"QueueUrl": url, "AttributeNames": ["QueueArn"]}).encode(),
            headers={
                "X-Amz-Target": "AmazonSQS.GetQueueAttributes",
                "Content-Type": "application/x-amz-json-1.0",
            },
        )
    else:
        query = urllib.parse.urlencode(
            {"Action": "GetQueueAttributes", "AttributeName.1": "QueueArn", "Version": "2012-11-05"}
        )
        request = urllib.request.Request(f"{url}?{query}")
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = answer.read().decode()
        check(answer.status == 200 and "QueueArn" in body, f"{url} answers {body[:200]}")


def check_queue_urls(parsed, model, **_):
    """Every QueueUrl an answer names starts with the endpoint this client used (AWS
    builds queue URLs from the request's host), and reaches the queue as an address."""
    if not isinstance(parsed, dict) or "Error" in parsed:
        return
    urls = [parsed["QueueUrl"]] if "QueueUrl" in parsed else []
    urls += parsed.get("QueueUrls", []) + parsed.get("queueUrls", [])
    for url in urls:
        check(
            url.startswith(ENDPOINT.rstrip("/") + "/"),
            f"{model.name}: queue URL {url} does not name the endpoint {ENDPOINT}",
        )
        if url not in queue_urls_reached:
            queue_urls_reached.add(url)
            reach(url)


sqs.meta.events.register("after-call.sqs.*", check_queue_urls)
check(
    sqs.meta.service_model.protocol == PROTOCOL,
    f"botocore {botocore.__version__} model speaks {sqs.meta.service_model.protocol}",
)


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def error_code(call, **kwargs):
    """Runs a call that must fail and returns its error code."""
    try:
        call(**kwargs)
    except ClientError as err:
        return err.response["Error"]["Code"]
    check(False, f"{call.__name__} succeeded but must fail")


def outcome(call, **kwargs):
    """Runs a call and returns its error code, or None when it succeeds."""
    try:
        call(**kwargs)
    except ClientError as err:
        return err.response["Error"]["Code"]
    return None


def receive_all(url, expected, **kwargs):
    """Receives until `expected` messages came back (AWS may split them over calls)."""
    got = []
    for _ in range(20):
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **kwargs)
        got.extend(answer.get("Messages", []))
        if len(got) >= expected:
            break
    check(len(got) == expected, f"received {len(got)} messages, expected {expected}")
    return got


prefix = f"ci-boto3-{PROTOCOL}"

# --- standard queue, attributes ------------------------------------------------
url = sqs.create_queue(
    QueueName=f"{prefix}-orders",
    Attributes={"VisibilityTimeout": "45", "MessageRetentionPeriod": "86400"},
    tags={"team": "payments"},
)["QueueUrl"]
check(url.endswith(f"/{prefix}-orders"), f"queue url {url}")
check(sqs.get_queue_url(QueueName=f"{prefix}-orders")["QueueUrl"] == url, "GetQueueUrl")
# Creating again with the same attributes is idempotent and gives the same URL.
same = sqs.create_queue(
    QueueName=f"{prefix}-orders",
    Attributes={"VisibilityTimeout": "45", "MessageRetentionPeriod": "86400"},
)
check(same["QueueUrl"] == url, "CreateQueue is idempotent")
check(
    error_code(
        sqs.create_queue,
        QueueName=f"{prefix}-orders",
        Attributes={"VisibilityTimeout": "46"},
    )
    == "QueueAlreadyExists",
    "CreateQueue with other attributes fails with QueueAlreadyExists",
)

attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
check(attrs["VisibilityTimeout"] == "45", f"VisibilityTimeout {attrs}")
check(attrs["MessageRetentionPeriod"] == "86400", f"MessageRetentionPeriod {attrs}")
check(attrs["DelaySeconds"] == "0", f"DelaySeconds {attrs}")
check(attrs["MaximumMessageSize"] == "1048576", f"MaximumMessageSize {attrs}")
check(attrs["ApproximateNumberOfMessages"] == "0", f"empty queue {attrs}")
check(
    attrs["QueueArn"].startswith("arn:aws:sqs:us-east-1:")
    and attrs["QueueArn"].endswith(f":{prefix}-orders"),
    f"QueueArn {attrs['QueueArn']}",
)
check("FifoQueue" not in attrs, "a standard queue has no FifoQueue attribute")

sqs.set_queue_attributes(QueueUrl=url, Attributes={"ReceiveMessageWaitTimeSeconds": "1"})
attrs = sqs.get_queue_attributes(
    QueueUrl=url, AttributeNames=["ReceiveMessageWaitTimeSeconds"]
)["Attributes"]
check(attrs == {"ReceiveMessageWaitTimeSeconds": "1"}, f"SetQueueAttributes {attrs}")
check(
    error_code(sqs.set_queue_attributes, QueueUrl=url, Attributes={"VisibilityTimeout": "43201"})
    == "InvalidAttributeValue",
    "VisibilityTimeout above 12 hours is refused",
)
sqs.set_queue_attributes(QueueUrl=url, Attributes={"ReceiveMessageWaitTimeSeconds": "0"})

names = sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
check(names == [url], f"ListQueues {names}")

# --- send, batch send, receive (botocore checks every MD5 itself) ---------------
body = "order 1 \u00e9t\u00e9 \U0001f680"
sent = sqs.send_message(
    QueueUrl=url,
    MessageBody=body,
    MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "order"},
        "amount": {"DataType": "Number", "StringValue": "12.5"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
    },
)
check(sent["MD5OfMessageBody"] == md5(body), "MD5OfMessageBody")
check("MD5OfMessageAttributes" in sent, "MD5OfMessageAttributes")

batch = sqs.send_message_batch(
    QueueUrl=url,
    Entries=[{"Id": f"e{i}", "MessageBody": f"order {i}"} for i in range(2, 5)],
)
check(sorted(e["Id"] for e in batch["Successful"]) == ["e2", "e3", "e4"], f"batch {batch}")
check(not batch.get("Failed"), f"batch failures {batch}")
for entry in batch["Successful"]:
    check(entry["MD5OfMessageBody"] == md5(f"order {entry['Id'][1:]}"), "batch MD5")

bad = sqs.send_message_batch(
    QueueUrl=url,
    Entries=[
        {"Id": "ok", "MessageBody": "fine"},
        {"Id": "late", "MessageBody": "too late", "DelaySeconds": 901},
    ],
)
check([e["Id"] for e in bad["Successful"]] == ["ok"], f"partial batch {bad}")
check(
    [e["Id"] for e in bad["Failed"]] == ["late"] and bad["Failed"][0]["SenderFault"],
    f"partial batch failure {bad}",
)
check(
    error_code(sqs.send_message, QueueUrl=url, MessageBody="nul \x00 byte")
    == "InvalidMessageContents",
    "a body with a character outside the allowed set",
)
check(
    error_code(sqs.send_message_batch, QueueUrl=url, Entries=[])
    == "AWS.SimpleQueueService.EmptyBatchRequest",
    "empty batch",
)

attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
check(attrs["Attributes"]["ApproximateNumberOfMessages"] == "5", f"depth {attrs}")

messages = receive_all(url, 5, AttributeNames=["All"], MessageAttributeNames=["All"])
bodies = sorted(m["Body"] for m in messages)
check(bodies == sorted([body, "order 2", "order 3", "order 4", "fine"]), f"bodies {bodies}")
first = next(m for m in messages if m["Body"] == body)
check(first["MessageAttributes"]["kind"]["StringValue"] == "order", "string attribute")
check(first["MessageAttributes"]["amount"]["DataType"] == "Number", "number attribute")
check(first["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\x01\xff", "binary attribute")
check(first["Attributes"]["ApproximateReceiveCount"] == "1", "receive count 1")
check(int(first["Attributes"]["SentTimestamp"]) > 1_600_000_000_000, "SentTimestamp in ms")
check(
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []) == [],
    "in-flight messages are invisible",
)
attrs = sqs.get_queue_attributes(
    QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
)["Attributes"]
check(attrs["ApproximateNumberOfMessagesNotVisible"] == "5", f"in flight {attrs}")

# --- visibility ----------------------------------------------------------------
sqs.change_message_visibility(
    QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0
)
again = receive_all(url, 1, AttributeNames=["ApproximateReceiveCount"])
check(again[0]["Body"] == body, "the released message comes back")
check(again[0]["Attributes"]["ApproximateReceiveCount"] == "2", "receive count 2")
others = [m for m in messages if m["Body"] != body]
vis = sqs.change_message_visibility_batch(
    QueueUrl=url,
    Entries=[
        {"Id": "a", "ReceiptHandle": others[0]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "b", "ReceiptHandle": others[1]["ReceiptHandle"], "VisibilityTimeout": 600},
    ],
)
check(sorted(e["Id"] for e in vis["Successful"]) == ["a", "b"], f"visibility batch {vis}")
back = receive_all(url, 1)
check(back[0]["Body"] == others[0]["Body"], "visibility 0 in a batch releases the message")
check(
    error_code(
        sqs.change_message_visibility,
        QueueUrl=url,
        ReceiptHandle=first["ReceiptHandle"],
        VisibilityTimeout=43201,
    )
    == "InvalidParameterValue",
    "visibility above 12 hours is refused",
)

# --- delete, single and batch ----------------------------------------------------
sqs.delete_message(QueueUrl=url, ReceiptHandle=again[0]["ReceiptHandle"])
handles = [back[0]["ReceiptHandle"]] + [m["ReceiptHandle"] for m in others[1:]]
deleted = sqs.delete_message_batch(
    QueueUrl=url,
    Entries=[{"Id": f"d{i}", "ReceiptHandle": h} for i, h in enumerate(handles)]
    + [{"Id": "bogus", "ReceiptHandle": "not-a-receipt-handle"}],
)
check(len(deleted["Successful"]) == 4, f"batch delete {deleted}")
check(
    [(e["Id"], e["Code"]) for e in deleted["Failed"]] == [("bogus", "ReceiptHandleIsInvalid")],
    f"batch delete failure {deleted}",
)
check(
    error_code(sqs.delete_message, QueueUrl=url, ReceiptHandle="not-a-receipt-handle")
    == "ReceiptHandleIsInvalid",
    "DeleteMessage with a bad handle",
)
attrs = sqs.get_queue_attributes(
    QueueUrl=url,
    AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
)["Attributes"]
check(
    attrs == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"},
    f"queue empty after deletes {attrs}",
)

# --- tags ----------------------------------------------------------------------
sqs.tag_queue(QueueUrl=url, Tags={"env": "ci", "team": "billing"})
tags = sqs.list_queue_tags(QueueUrl=url)["Tags"]
check(tags == {"env": "ci", "team": "billing"}, f"tags {tags}")
sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
tags = sqs.list_queue_tags(QueueUrl=url)["Tags"]
check(tags == {"env": "ci"}, f"tags after untag {tags}")

# --- purge ---------------------------------------------------------------------
sqs.send_message_batch(
    QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "junk"} for i in range(10)]
)
sqs.purge_queue(QueueUrl=url)
attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
check(attrs["Attributes"]["ApproximateNumberOfMessages"] == "0", f"purged {attrs}")
check(
    error_code(sqs.purge_queue, QueueUrl=url)
    == "AWS.SimpleQueueService.PurgeQueueInProgress",
    "a second purge within 60 seconds is refused",
)

# --- FIFO queue ----------------------------------------------------------------
fifo = sqs.create_queue(
    QueueName=f"{prefix}-ledger.fifo",
    Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
)["QueueUrl"]
attrs = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["All"])["Attributes"]
check(attrs.get("FifoQueue") == "true", f"FifoQueue {attrs}")
check(attrs.get("ContentBasedDeduplication") == "true", f"ContentBasedDeduplication {attrs}")
check(attrs.get("DeduplicationScope") == "queue", f"DeduplicationScope {attrs}")
check(
    error_code(sqs.create_queue, QueueName=f"{prefix}-bad", Attributes={"FifoQueue": "true"})
    == "InvalidParameterValue",
    "a FIFO queue name must end in .fifo",
)
gap(
    "fifo-messages",
    outcome(sqs.send_message, QueueUrl=fifo, MessageBody="no group") == "MissingParameter",
    "FIFO send without MessageGroupId is refused with MissingParameter",
)
one = sqs.send_message(QueueUrl=fifo, MessageBody="credit 1", MessageGroupId="acct-1")
dup = sqs.send_message(QueueUrl=fifo, MessageBody="credit 1", MessageGroupId="acct-1")
gap("fifo-messages", dup["MessageId"] == one["MessageId"], "content-based deduplication")
gap("fifo-messages", "SequenceNumber" in one, f"SequenceNumber among {sorted(one)}")
fifo_batch = sqs.send_message_batch(
    QueueUrl=fifo,
    Entries=[
        {"Id": f"c{i}", "MessageBody": f"credit {i}", "MessageGroupId": "acct-1"}
        for i in range(2, 5)
    ]
    + [
        {
            "Id": "x",
            "MessageBody": "other",
            "MessageGroupId": "acct-2",
            "MessageDeduplicationId": "explicit",
        }
    ],
)
check(len(fifo_batch["Successful"]) == 4, f"FIFO batch {fifo_batch}")
seqs = [e.get("SequenceNumber", "0") for e in fifo_batch["Successful"]]
gap(
    "fifo-messages",
    all(len(s) == 20 and s.isdigit() for s in seqs) and sorted(seqs) == seqs,
    f"FIFO batch sequence numbers: 20 digits, increasing {seqs}",
)
# Drain the queue with receives that do not release anything: every message of a
# group comes in send order, and each exactly once.
got = []
for _ in range(10):
    answer = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10, AttributeNames=["All"])
    if not answer.get("Messages"):
        break
    got.extend(answer["Messages"])
group1 = [m["Body"] for m in got if m["Attributes"].get("MessageGroupId") == "acct-1"]
gap(
    "fifo-messages",
    group1 == ["credit 1", "credit 2", "credit 3", "credit 4"],
    f"group acct-1 delivered once each, in order: {group1}",
)
check(sorted(m["Body"] for m in got).count("other") == 1, "group acct-2 delivered")
sqs.delete_message_batch(
    QueueUrl=fifo,
    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)],
)

# --- missing queue, delete -----------------------------------------------------
check(
    error_code(sqs.get_queue_url, QueueName=f"{prefix}-missing")
    == "AWS.SimpleQueueService.NonExistentQueue",
    "GetQueueUrl of a missing queue",
)
missing_url = url.rsplit("/", 1)[0] + f"/{prefix}-missing"
try:
    sqs.send_message(QueueUrl=missing_url, MessageBody="x")
    check(False, "SendMessage to a missing queue succeeded")
except sqs.exceptions.QueueDoesNotExist as err:
    check(
        err.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue",
        f"modeled QueueDoesNotExist carries the query code {err.response['Error']}",
    )
    check(err.response["ResponseMetadata"]["HTTPStatusCode"] == 400, "status 400")
    check(err.response["Error"]["Type"] == "Sender", f"fault {err.response['Error']}")
    check(
        err.response["Error"].get("QueryErrorCode")
        == ("QueueDoesNotExist" if PROTOCOL == "json" else None),
        f"QueryErrorCode (the JSON __type) {err.response['Error']}",
    )

sqs.delete_queue(QueueUrl=url)
sqs.delete_queue(QueueUrl=fifo)
check(sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", []) == [], "queues deleted")
try:
    sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    check(False, "GetQueueAttributes of a deleted queue succeeded")
except sqs.exceptions.QueueDoesNotExist as err:
    # fixtures/aws/recorded.md rows 33 and 34: the Query text names the WSDL version.
    text = "The specified queue does not exist."
    if PROTOCOL == "query":
        text = "The specified queue does not exist for this wsdl version."
    check(err.response["Error"]["Message"] == text, f"a deleted queue is gone {err.response}")

# --- the protocol really was the one we expected ---------------------------------
gaps_still_open()
other = "query" if PROTOCOL == "json" else "json"
check(requests_seen[other] == 0, f"{requests_seen[other]} requests spoke {other}")
check(requests_seen[PROTOCOL] > 40, f"only {requests_seen[PROTOCOL]} requests seen")
check(len(queue_urls_reached) >= 2, f"queue URLs reached: {queue_urls_reached}")
print(
    f"boto3 {boto3.__version__} / botocore {botocore.__version__}: "
    f"{requests_seen[PROTOCOL]} {PROTOCOL} requests, all answers right, "
    f"{len(queue_urls_reached)} queue URLs under {ENDPOINT} reached"
)
