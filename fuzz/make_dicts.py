#!/usr/bin/env python3
"""Writes fuzz/dict/<target>.dict: the words libFuzzer splices into inputs (action
and member names, Query's dotted list keys, headers, the script's own words)."""

import pathlib

DICT = pathlib.Path(__file__).resolve().parent / "dict"

ACTIONS = """AddPermission CancelMessageMoveTask ChangeMessageVisibility
ChangeMessageVisibilityBatch CreateQueue DeleteMessage DeleteMessageBatch DeleteQueue
GetQueueAttributes GetQueueUrl ListDeadLetterSourceQueues ListMessageMoveTasks
ListQueueTags ListQueues PurgeQueue ReceiveMessage RemovePermission SendMessage
SendMessageBatch SetQueueAttributes StartMessageMoveTask TagQueue UntagQueue""".split()

MEMBERS = """QueueUrl QueueName Attributes tags Tags TagKeys AttributeNames
MessageSystemAttributeNames MessageAttributeNames MaxNumberOfMessages VisibilityTimeout
WaitTimeSeconds ReceiveRequestAttemptId MessageBody DelaySeconds MessageAttributes
MessageSystemAttributes MessageDeduplicationId MessageGroupId ReceiptHandle Entries Id
Label AWSAccountIds Actions SourceArn DestinationArn MaxNumberOfMessagesPerSecond
TaskHandle MaxResults NextToken QueueNamePrefix QueueOwnerAWSAccountId DataType
StringValue BinaryValue StringListValues BinaryListValues""".split()

ATTRIBUTES = """All DelaySeconds MaximumMessageSize MessageRetentionPeriod Policy
ReceiveMessageWaitTimeSeconds VisibilityTimeout RedrivePolicy RedriveAllowPolicy
FifoQueue ContentBasedDeduplication DeduplicationScope FifoThroughputLimit
KmsMasterKeyId KmsDataKeyReusePeriodSeconds SqsManagedSseEnabled QueueArn
ApproximateNumberOfMessages ApproximateReceiveCount SentTimestamp SenderId
MessageGroupId SequenceNumber AWSTraceHeader messageGroup perQueue perMessageGroupId
String Number Binary String.custom""".split()

QUERY_KEYS = """Attribute.1.Name= Attribute.1.Value= Attribute.2.Name= Tag.1.Key= Tag.1.Value=
AttributeName.1= MessageAttributeName.1= MessageSystemAttributeName.1= TagKey.1=
AWSAccountId.1= ActionName.1= MessageAttribute.1.Name= MessageAttribute.1.Value.DataType=
MessageAttribute.1.Value.StringValue= MessageAttribute.1.Value.BinaryValue=
MessageAttribute.1.Value.StringListValue.1= MessageSystemAttribute.1.Name=
MessageSystemAttribute.1.Value.DataType= MessageSystemAttribute.1.Value.StringValue=
SendMessageBatchRequestEntry.1.Id= SendMessageBatchRequestEntry.1.MessageBody=
DeleteMessageBatchRequestEntry.1.Id= DeleteMessageBatchRequestEntry.1.ReceiptHandle=
ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout= .member. .member.1
.1. .1 .2 .10 .11 a. . = & Version=2012-11-05 QueueUrl=fuzz QueueUrl=fuzz.fifo
QueueUrl=%2F000000000000%2Ffuzz QueueUrl=%2F000000000000%2Ffuzz.fifo
%00 %01 %0D %1F %7F %C3%A9 %EF%BF%BE %EF%BF%BF %F0%9F%98%80 %FF %2B %25 %26 %3D +
18446744073709551615 18446744073709551616 -1 0 1 10 20 43200 1209600 262144 9999999999""".split()

SCRIPT_WORDS = [
    "POST /", "GET /", "PUT /", "\n----\n", "ADVANCE 31", "ADVANCE 301", "DIALECT yandex\n----\n",
    "DIALECT scaleway\n----\n", "Content-Type: application/x-www-form-urlencoded\n",
    "Content-Type: application/x-amz-json-1.0\n", "X-Amz-Target: AmazonSQS.",
    "Accept: application/json\n", "X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793\n",
    "Authorization: AWS4-HMAC-SHA256 Credential=AKIAFAKESQSTESTKEY00/20250101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0\n",
    "Authorization: AWS4-HMAC-SHA256 Credential=111122223333/20250101/eu-west-1/sqs/aws4_request, SignedHeaders=host, Signature=0\n",
    "X-Amz-Credential=", "X-Amz-Date=20250101T000000Z", "/000000000000/fuzz", "/000000000000/fuzz.fifo",
    "/000000000000/fuzz-dlq", "{receipt}", "{receipt_form}", "{task}", "{task_form}", "\n\n",
    "arn:aws:sqs:us-east-1:000000000000:fuzz-dlq", "arn:aws:sqs:us-east-1:000000000000:fuzz",
]

SCALEWAY_WORDS = [
    "/mnq/v1beta1/regions/fr-par/", "/mnq/v1beta1/regions/nl-ams/", "activate-sqs", "deactivate-sqs",
    "sqs-info", "sqs-credentials", "sqs-credentials/00000000-0000-4000-8000-000000000000",
    "X-Auth-Token: t\n", "PATCH /", "DELETE /", "project_id", "page_size", "page",
    "\"permissions\"", "\"can_publish\"", "\"can_receive\"", "\"can_manage\"", "\"name\"",
    "00000000-0000-4000-8000-000000000000", "/project-00000000-0000-4000-8000-000000000000/fuzz",
]

JSON_WORDS = ["{", "}", "[", "]", ":", ",", "\"\"", "null", "true", "false", "1e999", "-0",
              "\\u0000", "\\ud800", "\\\"", "{\"QueueUrl\":\"/000000000000/fuzz\"", "\"Entries\":[{\"Id\":\"a\"",
              "\"MessageAttributes\":{\"a\":{\"DataType\":\"String\",\"StringValue\":\"v\"}}"]

HANDLE_WORDS = ["eyJ0YXNrSWQiOiI", "InNvdXJjZUFybiI6", "==", "=", "+", "/", "AAAAAAAA", "////////"]


def quote(word):
    out = []
    for b in word.encode():
        if b == 0x22 or b == 0x5C:
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append(f"\\x{b:02X}")
    return '"' + "".join(out) + '"'


def write(target, words):
    seen, lines = set(), []
    for w in words:
        if w and w not in seen:
            seen.add(w)
            lines.append(quote(w))
    (DICT / f"{target}.dict").write_text("\n".join(lines) + "\n")


def main():
    DICT.mkdir(exist_ok=True)
    names = ACTIONS + MEMBERS + ATTRIBUTES
    query = [f"Action={a}" for a in ACTIONS] + [f"{m}=" for m in MEMBERS] + QUERY_KEYS + names
    json_words = [f'"{m}"' for m in MEMBERS + ATTRIBUTES] + JSON_WORDS + ACTIONS
    write("query_decode", query)
    write("json_decode", [a + "\n" for a in ACTIONS] + json_words)
    write("request", SCRIPT_WORDS + query + json_words)
    write("scaleway_api", SCALEWAY_WORDS + SCRIPT_WORDS + query[:40] + json_words)
    write("receipt_handle", HANDLE_WORDS)
    write("task_handle", HANDLE_WORDS + ["taskId", "sourceArn"])


if __name__ == "__main__":
    main()
