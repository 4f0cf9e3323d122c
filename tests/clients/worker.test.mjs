// A worker's retry and dead-letter path, tested the way a TypeScript/JavaScript team
// would test it: @aws-sdk/client-sqs for SQS, fetch for fake-sqs's admin API, and
// Node's own test runner (node --test).
//
// The fake is the `fake-sqs` binary, started by run.sh with the queues of
// fixtures/queues.toml and a paused clock:
//
//   fake-sqs --config fixtures/queues.toml --clock paused --clock-start 2025-01-01T00:00:00Z
//
// and its URL in FAKE_SQS_ENDPOINT. `jobs` has a 30-second visibility timeout and sends
// a message to `jobs-dlq` once it has been received 3 times. Every test starts from a
// reset (those queues, empty; the clock back at its start; no faults, expectations or
// journal), and never sleeps: it moves the fake's clock instead. Faults make SQS fail
// on purpose, the journal shows what the worker sent, and expectations check it on the
// fake's side.
//
// Run: FAKE_SQS_ENDPOINT=http://127.0.0.1:9324 node --test tests/clients/worker.test.mjs

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

const endpoint = process.env.FAKE_SQS_ENDPOINT ?? "http://127.0.0.1:9324";
const admin = `${endpoint}/_fake-sqs`;
const start = "2025-01-01T00:00:00.000Z";

// --- The code under test: a worker, as an application would have it. ---------------

/** Receives what is there and hands each message to `handle`: deleted when it
 * resolves, left for SQS to deliver again when it throws. Returns the bodies handled. */
async function work(sqs, queueUrl, handle) {
  const answer = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  const handled = [];
  for (const message of answer.Messages ?? []) {
    try {
      await handle(message.Body);
    } catch {
      continue; // a failed job is retried by SQS, not here
    }
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
    handled.push(message.Body);
  }
  return handled;
}

// --- The admin API, with nothing but fetch. -----------------------------------------

async function adminCall(method, path, body) {
  const answer = await fetch(`${admin}/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await answer.json();
  assert.equal(answer.status, 200, JSON.stringify(json));
  return json;
}

const adminGet = (path) => adminCall("GET", path);
const adminPost = (path, body) => adminCall("POST", path, body);

/** Moves the fake's clock forward: what would be a wait in production. */
const advance = (by) => adminPost("clock/advance", { by });

const messages = async (queue) =>
  (await adminGet(`messages?url=${encodeURIComponent(queue)}`)).messages;

/** The requests the fake answered after `after` (a cursor), and the next cursor. */
async function journal(after = 0, filters = {}) {
  const query = new URLSearchParams({ after: String(after), ...filters });
  const { requests, cursor } = await adminGet(`requests?${query}`);
  return { requests, cursor };
}

const expect = (expectation) => adminPost("expectations", expectation);

/** 200 when every expectation is met; else the fake's report of what came. */
async function verify() {
  const answer = await fetch(`${admin}/expectations/verify`, { method: "POST" });
  const json = await answer.json();
  assert.equal(answer.status, 200, json.message);
}

// --- Setup. -------------------------------------------------------------------------

const sqs = new SQSClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 3,
});

const queueUrl = async (name) =>
  (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;

// Each test starts from the declared queues, empty, and the clock at its start.
beforeEach(() => adminPost("reset"));

// --- Tests. -------------------------------------------------------------------------

test("the fake starts with the declared queues and a paused clock", async () => {
  const names = (await adminGet("queues")).queues.map((q) => q.name);
  assert.deepEqual(names, ["jobs", "jobs", "jobs-dlq", "orders.fifo"]);
  const clock = await adminGet("clock");
  assert.deepEqual([clock.now, clock.mode], [start, "paused"]);
  const jobs = await adminGet("queue?url=jobs");
  assert.equal(jobs.attributes.VisibilityTimeout, "30");
  assert.match(jobs.attributes.RedrivePolicy, /"maxReceiveCount":3/);
});

test("a failed job comes back after the visibility timeout", async () => {
  const jobs = await queueUrl("jobs");
  await sqs.send(new SendMessageCommand({ QueueUrl: jobs, MessageBody: "resize image 42" }));
  const attempts = [];
  const flaky = async (body) => {
    attempts.push(body);
    if (attempts.length === 1) throw new Error("the image service is down");
  };

  assert.deepEqual(await work(sqs, jobs, flaky), []);
  const [message] = await messages("jobs");
  assert.equal(message.state, "in_flight");
  assert.equal(message.visible_at, "2025-01-01T00:00:30.000Z");
  assert.equal(message.receive_count, 1);

  // Within the visibility timeout nobody else gets it.
  await advance("29s");
  assert.deepEqual(await work(sqs, jobs, flaky), []);
  assert.deepEqual(attempts, ["resize image 42"]);

  // Past it, it comes back, and the second attempt succeeds.
  await advance("2s");
  assert.deepEqual(await work(sqs, jobs, flaky), ["resize image 42"]);
  assert.equal(attempts.length, 2);
  assert.deepEqual(await messages("jobs"), []);
});

test("a job that always fails ends in the dead-letter queue", async () => {
  await expect({ action: "DeleteMessage", queue: "jobs", times: { exactly: 0 } });
  const jobs = await queueUrl("jobs");
  const dlq = await queueUrl("jobs-dlq");
  await sqs.send(new SendMessageCommand({ QueueUrl: jobs, MessageBody: "corrupt image 7" }));
  const broken = async (body) => {
    throw new Error(`cannot decode ${body}`);
  };

  for (let attempt = 1; attempt <= 3; attempt++) {
    assert.deepEqual(await work(sqs, jobs, broken), []);
    assert.equal((await messages("jobs"))[0].receive_count, attempt);
    await advance("31s");
  }

  // The fourth receive finds it received 3 times: SQS moves it to the dead-letter queue.
  assert.deepEqual(await work(sqs, jobs, broken), []);
  assert.deepEqual(await messages("jobs"), []);
  const [dead] = await messages("jobs-dlq");
  assert.equal(dead.body, "corrupt image 7");
  assert.equal(dead.dead_letter_source_arn, "arn:aws:sqs:us-east-1:000000000000:jobs");

  // And an operator's tool reading the dead-letter queue sees it, with its history.
  const answer = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ["All"], WaitTimeSeconds: 0 }),
  );
  assert.equal(answer.Messages.length, 1);
  assert.equal(answer.Messages[0].Body, "corrupt image 7");
  assert.match(answer.Messages[0].Attributes.DeadLetterQueueSourceArn, /:jobs$/);
  // The worker never deleted it: it gave up on it, as it should.
  await verify();
});

test("a throttled receive is retried and the job done once", async () => {
  await expect({ action: "DeleteMessage", queue: "jobs", times: { exactly: 1 } });
  const jobs = await queueUrl("jobs");
  await sqs.send(new SendMessageCommand({ QueueUrl: jobs, MessageBody: "send invoice 9" }));
  let { cursor } = await journal();
  const throttle = await adminPost("faults", {
    action: "ReceiveMessage",
    queue: "jobs",
    times: 1,
    effect: { error: { code: "ThrottlingException" } },
  });

  assert.deepEqual(await work(sqs, jobs, async () => {}), ["send invoice 9"]);

  // The journal, read from the cursor: the SDK was throttled once and retried.
  const read = await journal(cursor);
  assert.deepEqual(
    read.requests.map((r) => r.action),
    ["ReceiveMessage", "ReceiveMessage", "DeleteMessage"],
  );
  const [throttled, retried, deleted] = read.requests;
  assert.equal(throttled.outcome.error.code, "ThrottlingException");
  assert.deepEqual(throttled.faults, [throttle.id]);
  assert.equal(retried.outcome, "success");
  assert.equal(deleted.params.QueueUrl, jobs);
  const [fault] = (await adminGet("faults")).faults;
  assert.deepEqual([fault.applied, fault.spent], [1, true]);
  cursor = read.cursor;
  assert.deepEqual(await journal(cursor), { requests: [], cursor });
  await verify();
});
