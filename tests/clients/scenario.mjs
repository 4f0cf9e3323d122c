// One realistic SQS session driven through @aws-sdk/client-sqs v3 (AWS JSON 1.0),
// checked step by step; the same story as scenario.py.
//
// Usage: node scenario.mjs ENDPOINT_URL
// Exits non-zero on the first wrong answer.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as sqsModule from "@aws-sdk/client-sqs";

const {
  SQSClient,
  CreateQueueCommand,
  GetQueueUrlCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  ListQueuesCommand,
  SendMessageCommand,
  SendMessageBatchCommand,
  ReceiveMessageCommand,
  ChangeMessageVisibilityCommand,
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  DeleteMessageBatchCommand,
  TagQueueCommand,
  UntagQueueCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  DeleteQueueCommand,
  QueueDoesNotExist,
} = sqsModule;

const endpoint = process.argv[2];
if (!endpoint) {
  console.error("usage: node scenario.mjs ENDPOINT_URL");
  process.exit(2);
}

/** Fails the run with a message naming the step, instead of a bare assert. */
function check(condition, what) {
  if (!condition) {
    console.log(`FAIL: ${what}`);
    process.exit(1);
  }
}

// Checks the fake may still fail, listed in known-gaps.txt (see that file).
const knownGaps = new Set(
  readFileSync(new URL("./known-gaps.txt", import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("#"))
    .map((line) => line.split(/\s+/)[0]),
);
const gapFailures = new Map();

function gap(gapId, condition, what) {
  if (!knownGaps.has(gapId)) return check(condition, what);
  if (!gapFailures.has(gapId)) gapFailures.set(gapId, 0);
  if (!condition) {
    gapFailures.set(gapId, gapFailures.get(gapId) + 1);
    console.log(`KNOWN GAP ${gapId}: ${what}`);
  }
}

const md5 = (text) => createHash("md5").update(text, "utf8").digest("hex");
const show = (value) => JSON.stringify(value, (k, v) => (k === "$metadata" ? undefined : v));

const sqs = new SQSClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
});

// Every request must be AWS JSON 1.0: a Query fallback would pass for the wrong reason.
let jsonRequests = 0;
sqs.middlewareStack.add(
  (next) => async (args) => {
    const headers = Object.fromEntries(
      Object.entries(args.request.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    check(
      (headers["x-amz-target"] ?? "").startsWith("AmazonSQS.") &&
        headers["content-type"] === "application/x-amz-json-1.0",
      `request is not AWS JSON 1.0: ${show(headers)}`,
    );
    jsonRequests += 1;
    return next(args);
  },
  { step: "finalizeRequest", name: "assertJsonProtocol" },
);

const send = (Command, input) => sqs.send(new Command(input));

/** Runs a call and returns its error, or null when it succeeds. */
async function outcome(Command, input) {
  try {
    await send(Command, input);
    return null;
  } catch (err) {
    if (err.$metadata === undefined) throw err;
    return err;
  }
}

/** Runs a call that must fail and returns its error code (the Query code, as AWS gives). */
async function errorCode(Command, input) {
  const err = await outcome(Command, input);
  check(err !== null, `${Command.name} succeeded but must fail`);
  return err.Code ?? err.name;
}

/** Receives until `expected` messages came back (AWS may split them over calls). */
async function receiveAll(QueueUrl, expected, extra = {}) {
  const got = [];
  for (let i = 0; i < 20 && got.length < expected; i++) {
    const answer = await send(ReceiveMessageCommand, { QueueUrl, MaxNumberOfMessages: 10, ...extra });
    got.push(...(answer.Messages ?? []));
  }
  check(got.length === expected, `received ${got.length} messages, expected ${expected}`);
  return got;
}

const prefix = "ci-js-json";

// --- standard queue, attributes ------------------------------------------------
const createInput = {
  QueueName: `${prefix}-orders`,
  Attributes: { VisibilityTimeout: "45", MessageRetentionPeriod: "86400" },
  tags: { team: "payments" },
};
const url = (await send(CreateQueueCommand, createInput)).QueueUrl;
check(url.endsWith(`/${prefix}-orders`), `queue url ${url}`);
check((await send(GetQueueUrlCommand, { QueueName: `${prefix}-orders` })).QueueUrl === url, "GetQueueUrl");
check((await send(CreateQueueCommand, createInput)).QueueUrl === url, "CreateQueue is idempotent");
check(
  (await errorCode(CreateQueueCommand, {
    QueueName: `${prefix}-orders`,
    Attributes: { VisibilityTimeout: "46" },
  })) === "QueueAlreadyExists",
  "CreateQueue with other attributes fails with QueueAlreadyExists",
);

let attrs = (await send(GetQueueAttributesCommand, { QueueUrl: url, AttributeNames: ["All"] })).Attributes;
check(attrs.VisibilityTimeout === "45", `VisibilityTimeout ${show(attrs)}`);
check(attrs.MessageRetentionPeriod === "86400", `MessageRetentionPeriod ${show(attrs)}`);
check(attrs.MaximumMessageSize === "1048576", `MaximumMessageSize ${show(attrs)}`);
check(attrs.ApproximateNumberOfMessages === "0", `empty queue ${show(attrs)}`);
check(
  attrs.QueueArn.startsWith("arn:aws:sqs:us-east-1:") && attrs.QueueArn.endsWith(`:${prefix}-orders`),
  `QueueArn ${attrs.QueueArn}`,
);
check(!("FifoQueue" in attrs), "a standard queue has no FifoQueue attribute");

await send(SetQueueAttributesCommand, { QueueUrl: url, Attributes: { DelaySeconds: "3" } });
attrs = (await send(GetQueueAttributesCommand, { QueueUrl: url, AttributeNames: ["DelaySeconds"] })).Attributes;
check(show(attrs) === '{"DelaySeconds":"3"}', `SetQueueAttributes ${show(attrs)}`);
check(
  (await errorCode(SetQueueAttributesCommand, { QueueUrl: url, Attributes: { DelaySeconds: "901" } })) ===
    "InvalidAttributeValue",
  "DelaySeconds above 15 minutes is refused",
);
await send(SetQueueAttributesCommand, { QueueUrl: url, Attributes: { DelaySeconds: "0" } });

const listed = (await send(ListQueuesCommand, { QueueNamePrefix: prefix })).QueueUrls ?? [];
check(show(listed) === show([url]), `ListQueues ${show(listed)}`);

// --- send, batch send, receive ---------------------------------------------------
const body = "order 1 \u00e9t\u00e9 \u{1f680}";
const sent = await send(SendMessageCommand, {
  QueueUrl: url,
  MessageBody: body,
  MessageAttributes: {
    kind: { DataType: "String", StringValue: "order" },
    amount: { DataType: "Number", StringValue: "12.5" },
    blob: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 255]) },
  },
});
check(sent.MD5OfMessageBody === md5(body), "MD5OfMessageBody");
check(/^[0-9a-f]{32}$/.test(sent.MD5OfMessageAttributes ?? ""), "MD5OfMessageAttributes");

const batch = await send(SendMessageBatchCommand, {
  QueueUrl: url,
  Entries: [2, 3, 4].map((i) => ({ Id: `e${i}`, MessageBody: `order ${i}` })),
});
check(show(batch.Successful.map((e) => e.Id).sort()) === '["e2","e3","e4"]', `batch ${show(batch)}`);
check(!batch.Failed?.length, `batch failures ${show(batch)}`);
for (const e of batch.Successful) check(e.MD5OfMessageBody === md5(`order ${e.Id.slice(1)}`), "batch MD5");

const partial = await send(SendMessageBatchCommand, {
  QueueUrl: url,
  Entries: [
    { Id: "ok", MessageBody: "fine" },
    { Id: "late", MessageBody: "too late", DelaySeconds: 901 },
  ],
});
check(show(partial.Successful.map((e) => e.Id)) === '["ok"]', `partial batch ${show(partial)}`);
check(
  partial.Failed.length === 1 && partial.Failed[0].Id === "late" && partial.Failed[0].SenderFault === true,
  `partial batch failure ${show(partial)}`,
);
check(
  (await errorCode(SendMessageCommand, { QueueUrl: url, MessageBody: "nul \u0000 byte" })) ===
    "InvalidMessageContents",
  "a body with a character outside the allowed set",
);
check(
  (await errorCode(SendMessageBatchCommand, { QueueUrl: url, Entries: [] })) ===
    "AWS.SimpleQueueService.EmptyBatchRequest",
  "empty batch",
);

const messages = await receiveAll(url, 5, {
  MessageSystemAttributeNames: ["All"],
  MessageAttributeNames: ["All"],
});
const bodies = messages.map((m) => m.Body).sort();
check(show(bodies) === show([body, "order 2", "order 3", "order 4", "fine"].sort()), `bodies ${show(bodies)}`);
const first = messages.find((m) => m.Body === body);
check(first.MD5OfBody === md5(body), "MD5OfBody on receive");
check(first.MessageAttributes.kind.StringValue === "order", "string attribute");
check(first.MessageAttributes.amount.DataType === "Number", "number attribute");
check(show([...first.MessageAttributes.blob.BinaryValue]) === "[0,1,255]", "binary attribute");
check(first.MD5OfMessageAttributes === sent.MD5OfMessageAttributes, "MD5OfMessageAttributes on receive");
check(first.Attributes.ApproximateReceiveCount === "1", "receive count 1");
check(
  ((await send(ReceiveMessageCommand, { QueueUrl: url, MaxNumberOfMessages: 10 })).Messages ?? []).length === 0,
  "in-flight messages are invisible",
);

// --- visibility ----------------------------------------------------------------
await send(ChangeMessageVisibilityCommand, {
  QueueUrl: url,
  ReceiptHandle: first.ReceiptHandle,
  VisibilityTimeout: 0,
});
const again = await receiveAll(url, 1, { MessageSystemAttributeNames: ["ApproximateReceiveCount"] });
check(again[0].Body === body, "the released message comes back");
check(again[0].Attributes.ApproximateReceiveCount === "2", "receive count 2");
const others = messages.filter((m) => m.Body !== body);
const vis = await send(ChangeMessageVisibilityBatchCommand, {
  QueueUrl: url,
  Entries: [
    { Id: "a", ReceiptHandle: others[0].ReceiptHandle, VisibilityTimeout: 0 },
    { Id: "b", ReceiptHandle: others[1].ReceiptHandle, VisibilityTimeout: 600 },
    { Id: "c", ReceiptHandle: "not-a-receipt-handle", VisibilityTimeout: 5 },
  ],
});
check(show(vis.Successful.map((e) => e.Id).sort()) === '["a","b"]', `visibility batch ${show(vis)}`);
check(
  vis.Failed.length === 1 && vis.Failed[0].Id === "c" && vis.Failed[0].Code === "ReceiptHandleIsInvalid",
  `visibility batch failure ${show(vis)}`,
);
const back = await receiveAll(url, 1);
check(back[0].Body === others[0].Body, "visibility 0 in a batch releases the message");

// --- delete, single and batch ------------------------------------------------------
await send(DeleteMessageCommand, { QueueUrl: url, ReceiptHandle: again[0].ReceiptHandle });
const handles = [back[0].ReceiptHandle, ...others.slice(1).map((m) => m.ReceiptHandle)];
const deleted = await send(DeleteMessageBatchCommand, {
  QueueUrl: url,
  Entries: handles.map((ReceiptHandle, i) => ({ Id: `d${i}`, ReceiptHandle })),
});
check(deleted.Successful.length === 4 && !deleted.Failed?.length, `batch delete ${show(deleted)}`);
attrs = (
  await send(GetQueueAttributesCommand, {
    QueueUrl: url,
    AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
  })
).Attributes;
check(
  attrs.ApproximateNumberOfMessages === "0" && attrs.ApproximateNumberOfMessagesNotVisible === "0",
  `queue empty after deletes ${show(attrs)}`,
);

// --- tags ----------------------------------------------------------------------
await send(TagQueueCommand, { QueueUrl: url, Tags: { env: "ci", team: "billing" } });
let tags = (await send(ListQueueTagsCommand, { QueueUrl: url })).Tags;
check(show(tags) === show({ env: "ci", team: "billing" }) || show(tags) === show({ team: "billing", env: "ci" }), `tags ${show(tags)}`);
await send(UntagQueueCommand, { QueueUrl: url, TagKeys: ["team"] });
tags = (await send(ListQueueTagsCommand, { QueueUrl: url })).Tags;
check(show(tags) === '{"env":"ci"}', `tags after untag ${show(tags)}`);

// --- purge ---------------------------------------------------------------------
await send(SendMessageBatchCommand, {
  QueueUrl: url,
  Entries: [...Array(10).keys()].map((i) => ({ Id: `${i}`, MessageBody: "junk" })),
});
await send(PurgeQueueCommand, { QueueUrl: url });
attrs = (await send(GetQueueAttributesCommand, { QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }))
  .Attributes;
check(attrs.ApproximateNumberOfMessages === "0", `purged ${show(attrs)}`);
check(
  (await errorCode(PurgeQueueCommand, { QueueUrl: url })) === "AWS.SimpleQueueService.PurgeQueueInProgress",
  "a second purge within 60 seconds is refused",
);

// --- FIFO queue ----------------------------------------------------------------
const fifo = (
  await send(CreateQueueCommand, {
    QueueName: `${prefix}-ledger.fifo`,
    Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
  })
).QueueUrl;
attrs = (await send(GetQueueAttributesCommand, { QueueUrl: fifo, AttributeNames: ["All"] })).Attributes;
check(attrs.FifoQueue === "true" && attrs.ContentBasedDeduplication === "true", `FIFO attributes ${show(attrs)}`);
check(
  (await errorCode(CreateQueueCommand, { QueueName: `${prefix}-bad`, Attributes: { FifoQueue: "true" } })) ===
    "InvalidParameterValue",
  "a FIFO queue name must end in .fifo",
);
const noGroup = await outcome(SendMessageCommand, { QueueUrl: fifo, MessageBody: "no group" });
gap("fifo-messages", noGroup?.Code === "MissingParameter", "FIFO send without MessageGroupId is refused");
const one = await send(SendMessageCommand, { QueueUrl: fifo, MessageBody: "credit 1", MessageGroupId: "acct-1" });
const dup = await send(SendMessageCommand, { QueueUrl: fifo, MessageBody: "credit 1", MessageGroupId: "acct-1" });
gap("fifo-messages", dup.MessageId === one.MessageId, "content-based deduplication");
gap("fifo-messages", /^\d{20}$/.test(one.SequenceNumber ?? ""), `SequenceNumber ${one.SequenceNumber}`);
const fifoBatch = await send(SendMessageBatchCommand, {
  QueueUrl: fifo,
  Entries: [
    ...[2, 3, 4].map((i) => ({ Id: `c${i}`, MessageBody: `credit ${i}`, MessageGroupId: "acct-1" })),
    { Id: "x", MessageBody: "other", MessageGroupId: "acct-2", MessageDeduplicationId: "explicit" },
  ],
});
check(fifoBatch.Successful.length === 4, `FIFO batch ${show(fifoBatch)}`);
const got = [];
for (let i = 0; i < 10; i++) {
  const answer = await send(ReceiveMessageCommand, {
    QueueUrl: fifo,
    MaxNumberOfMessages: 10,
    MessageSystemAttributeNames: ["All"],
  });
  if (!answer.Messages?.length) break;
  got.push(...answer.Messages);
}
const group1 = got.filter((m) => m.Attributes.MessageGroupId === "acct-1").map((m) => m.Body);
gap(
  "fifo-messages",
  show(group1) === show(["credit 1", "credit 2", "credit 3", "credit 4"]),
  `group acct-1 delivered once each, in order: ${show(group1)}`,
);
check(got.filter((m) => m.Body === "other").length === 1, "group acct-2 delivered");
await send(DeleteMessageBatchCommand, {
  QueueUrl: fifo,
  Entries: got.map((m, i) => ({ Id: `${i}`, ReceiptHandle: m.ReceiptHandle })),
});

// --- missing queue, delete -----------------------------------------------------
check(
  (await errorCode(GetQueueUrlCommand, { QueueName: `${prefix}-missing` })) ===
    "AWS.SimpleQueueService.NonExistentQueue",
  "GetQueueUrl of a missing queue",
);
const missing = await outcome(SendMessageCommand, {
  QueueUrl: url.replace(/[^/]+$/, `${prefix}-missing`),
  MessageBody: "x",
});
check(missing instanceof QueueDoesNotExist, `the modeled QueueDoesNotExist is raised: ${missing?.name}`);
check(missing.Code === "AWS.SimpleQueueService.NonExistentQueue", `query code ${missing.Code}`);
check(missing.$metadata.httpStatusCode === 400, "status 400");
check(missing.Type === "Sender" && missing.$fault === "client", `fault ${missing.Type} ${missing.$fault}`);
check(missing.message === "The specified queue does not exist.", `message ${missing.message}`);

await send(DeleteQueueCommand, { QueueUrl: url });
await send(DeleteQueueCommand, { QueueUrl: fifo });
check(((await send(ListQueuesCommand, { QueueNamePrefix: prefix })).QueueUrls ?? []).length === 0, "queues deleted");
check(
  (await errorCode(GetQueueAttributesCommand, { QueueUrl: url, AttributeNames: ["All"] })) ===
    "AWS.SimpleQueueService.NonExistentQueue",
  "a deleted queue is gone",
);

for (const [gapId, failures] of gapFailures) {
  check(failures > 0, `all ${gapId} checks pass: delete it from known-gaps.txt`);
}
check(jsonRequests > 40, `only ${jsonRequests} requests seen`);
const version = createRequire(import.meta.url)("@aws-sdk/client-sqs/package.json").version;
console.log(`@aws-sdk/client-sqs ${version}: ${jsonRequests} json requests, all answers right`);
