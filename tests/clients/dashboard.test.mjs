// The dashboard (/_fake-sqs/ui) in a real browser: headless Chromium from the Debian
// packages, driven with playwright-core, against the `fake-sqs` binary that run.sh
// starts with fixtures/queues.toml and a paused clock (as for worker.test.mjs). SQS is
// driven with @aws-sdk/client-sqs; the page is read from its DOM, as a person reads it,
// and its clock buttons are clicked as a person clicks them.
//
// It leaves a screenshot in fixtures/dashboard.png (shown in the README), or where
// DASHBOARD_SCREENSHOT says.
//
// Run: FAKE_SQS_ENDPOINT=http://127.0.0.1:9324 node --test tests/clients/dashboard.test.mjs

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  GetQueueUrlCommand,
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { chromium } from "playwright-core";

const endpoint = process.env.FAKE_SQS_ENDPOINT ?? "http://127.0.0.1:9324";
const admin = `${endpoint}/_fake-sqs`;
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshot =
  process.env.DASHBOARD_SCREENSHOT ??
  fileURLToPath(new URL("../../fixtures/dashboard.png", import.meta.url));

const sqs = new SQSClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});

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

// --- The browser ----------------------------------------------------------------------

let profile;
let context;
let page;
/** What the page did that it should not: script errors, CSP violations, requests that
 * left the fake. */
const problems = [];

before(async () => {
  await adminCall("POST", "reset");
  profile = mkdtempSync(join(tmpdir(), "fake-sqs-dashboard-"));
  // A fresh profile; no background traffic: the machine's network is closed, and
  // Chromium's own services misbehave when they cannot reach theirs.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1360, height: 900 },
    timeout: 60_000,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("request", (request) => {
    if (!request.url().startsWith(`${endpoint}/_fake-sqs/`) && !request.url().startsWith("data:")) {
      problems.push(`request outside the admin API: ${request.url()}`);
    }
  });
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

// --- Reading the page -----------------------------------------------------------------

/** The counts the queue table shows for `name` (in the default region). */
async function countsShown(name) {
  const row = page.locator(`#queue-rows tr[data-name="${name}"]`).filter({ hasText: "us-east-1" });
  const cell = async (column) => Number(await row.locator(`td.${column}`).textContent());
  return { visible: await cell("visible"), inFlight: await cell("in-flight"), delayed: await cell("delayed") };
}

/** Waits until the queue table shows these counts for `name`. */
async function waitForCounts(name, wanted) {
  let shown;
  for (let tries = 0; tries < 100; tries++) {
    shown = await countsShown(name).catch(() => null);
    if (shown && JSON.stringify(shown) === JSON.stringify(wanted)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(shown, wanted, `the counts of ${name} the page shows`);
}

const clockShown = () => page.locator("#clock-now").textContent();

/** Waits until the page's clock reads `text`. */
async function waitForClock(text) {
  await page.locator("#clock-now", { hasText: text }).waitFor();
}

// --- The story ------------------------------------------------------------------------

test("the dashboard shows queues, messages, move tasks and the journal, and moves the clock", async () => {
  // What an app did before anyone looked: a queue, three messages, one of them being
  // worked on (30 s visibility timeout); and two dead letters being moved back slowly.
  const demo = (await sqs.send(new CreateQueueCommand({
    QueueName: "thumbnails",
    Attributes: { VisibilityTimeout: "30" },
    tags: { team: "media" },
  }))).QueueUrl;
  const hostile = `<img src=x onerror="document.title='pwned'"><b>not bold</b>`;
  for (const body of ["resize image 42", "resize image 43", hostile]) {
    await sqs.send(new SendMessageCommand({
      QueueUrl: demo,
      MessageBody: body,
      MessageAttributes: { kind: { DataType: "String", StringValue: "<script>alert(1)</script>" } },
    }));
  }
  const received = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: demo,
    MaxNumberOfMessages: 1,
    VisibilityTimeout: 30,
    WaitTimeSeconds: 0,
  }));
  assert.equal(received.Messages.length, 1);
  const jobsDlq = (await sqs.send(new GetQueueUrlCommand({ QueueName: "jobs-dlq" }))).QueueUrl;
  for (const body of ["corrupt image 7", "corrupt image 8"]) {
    await sqs.send(new SendMessageCommand({ QueueUrl: jobsDlq, MessageBody: body }));
  }
  await sqs.send(new StartMessageMoveTaskCommand({
    SourceArn: "arn:aws:sqs:us-east-1:000000000000:jobs-dlq",
    DestinationArn: "arn:aws:sqs:us-east-1:000000000000:jobs",
    MaxNumberOfMessagesPerSecond: 1,
  }));
  const before = await adminCall("GET", "messages?url=thumbnails");

  // The page: the queues and their counts, the clock, the dead-letter links.
  const answer = await page.goto(`${admin}/ui`);
  assert.equal(answer.status(), 200);
  assert.match(answer.headers()["content-type"], /^text\/html/);
  await waitForCounts("thumbnails", { visible: 2, inFlight: 1, delayed: 0 });
  await waitForCounts("jobs-dlq", { visible: 2, inFlight: 0, delayed: 0 });
  assert.equal(await clockShown(), "2025-01-01 00:00:00.000 UTC");
  assert.equal(await page.locator("#clock-mode").textContent(), "paused");
  const jobsRow = page.locator('#queue-rows tr[data-name="jobs"]').filter({ hasText: "us-east-1" });
  assert.equal(await jobsRow.locator("td.dead-letter button").textContent(), "jobs-dlq");
  const dlqRow = page.locator('#queue-rows tr[data-name="jobs-dlq"]');
  assert.equal(await dlqRow.locator("td.fed-by button").textContent(), "jobs");

  // The move task, running at one message a second on a clock that stands still.
  const task = page.locator("#task-rows tr").first();
  assert.equal(await task.getAttribute("data-status"), "RUNNING");
  assert.equal(await task.locator("td.moved").textContent(), "0");

  // The journal, newest first: every SQS request so far, none from the page itself.
  const actions = await page.locator("#request-rows tr td:nth-child(3)").allTextContents();
  assert.deepEqual(actions.reverse(), [
    "CreateQueue", "SendMessage", "SendMessage", "SendMessage", "ReceiveMessage",
    "GetQueueUrl", "SendMessage", "SendMessage", "StartMessageMoveTask",
  ]);
  const seqs = await page.locator("#request-rows tr").evaluateAll((rows) => rows.map((r) => Number(r.dataset.seq)));
  assert.deepEqual(seqs, [9, 8, 7, 6, 5, 4, 3, 2, 1]);

  // The queue's messages, chosen by clicking its name: each with its state, the
  // user's text shown as text (not markup).
  await page.locator('#queue-rows tr[data-name="thumbnails"] td:first-child button').click();
  await page.locator("#message-rows tr").nth(2).waitFor();
  const states = await page.locator("#message-rows tr").evaluateAll((rows) => rows.map((r) => r.dataset.state));
  assert.deepEqual(states.toSorted(), ["in_flight", "visible", "visible"]);
  const inFlight = page.locator('#message-rows tr[data-state="in_flight"]');
  assert.match(await inFlight.locator("td.state").textContent(), /visible again in 30 s/);
  assert.equal(await inFlight.locator("td.receives").textContent(), "1");
  assert.ok(await page.locator("#message-rows td.body", { hasText: hostile }).count() === 1, "the body, as text");
  assert.equal(await page.locator("#message-rows td.body *, #message-rows img, #message-rows script").count(), 0);
  assert.equal(await page.locator("#attribute-rows th", { hasText: "VisibilityTimeout" }).count(), 1);
  assert.equal(await page.locator("#tag-rows td").textContent(), "media");
  assert.notEqual(await page.title(), "pwned");

  await page.screenshot({ path: screenshot, fullPage: true });

  // Looking changed nothing: the peek the page made (every 1.5 s) left each message
  // as it was.
  assert.deepEqual(await adminCall("GET", "messages?url=thumbnails"), before);

  // The clock, moved from the page: past the 30 s visibility timeout, the message in
  // flight is visible again; the move task has moved both dead letters back.
  await page.getByRole("button", { name: "+30 s" }).click();
  await waitForClock("2025-01-01 00:00:30.000 UTC");
  await page.getByRole("button", { name: "+1 s" }).click();
  await waitForClock("2025-01-01 00:00:31.000 UTC");
  await waitForCounts("thumbnails", { visible: 3, inFlight: 0, delayed: 0 });
  assert.deepEqual(
    await page.locator("#message-rows tr").evaluateAll((rows) => rows.map((r) => r.dataset.state)),
    ["visible", "visible", "visible"],
  );
  await waitForCounts("jobs-dlq", { visible: 0, inFlight: 0, delayed: 0 });
  await page.locator('#task-rows tr[data-status="COMPLETED"]').waitFor();
  assert.equal(await page.locator("#task-rows tr td.moved").textContent(), "2");
  assert.equal((await adminCall("GET", "clock")).now, "2025-01-01T00:00:31.000Z");

  // A duration typed in; and one the fake refuses, reported on the page.
  await page.locator("#advance-by").fill("5m");
  await page.getByRole("button", { name: "Advance", exact: true }).click();
  await waitForClock("2025-01-01 00:05:31.000 UTC");
  assert.deepEqual(problems, []);
  await page.locator("#advance-by").fill("soon");
  await page.getByRole("button", { name: "Advance", exact: true }).click();
  await page.locator("#advance-error", { hasText: "not a duration" }).waitFor();
  assert.equal((await adminCall("GET", "clock")).now, "2025-01-01T00:05:31.000Z");
  // The browser reports the 400 in its console; that one is expected.
  const refused = (p) => /status of 400/.test(p);
  assert.equal(problems.filter(refused).length, 1, problems.join("\n"));
  problems.splice(0, problems.length, ...problems.filter((p) => !refused(p)));

  // New requests reach the journal table through its cursor.
  await sqs.send(new SendMessageCommand({ QueueUrl: demo, MessageBody: "resize image 44" }));
  const latest = (await adminCall("GET", "requests")).cursor;
  await page.locator(`#request-rows tr[data-seq="${latest}"]`).waitFor();
  assert.equal(await page.locator("#request-rows tr").first().getAttribute("data-seq"), String(latest));
  assert.equal(await page.locator(`#request-rows tr[data-seq="${latest}"]`).count(), 1, "read once");

  assert.deepEqual(problems, []);
});
