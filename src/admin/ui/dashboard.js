"use strict";
// The dashboard's script: every 1.5 s it reads the admin API (the clock, the queues,
// the chosen queue's messages, the move tasks, and the journal's new requests from its
// cursor) and draws what changed. Its buttons move the fake's clock through the same
// API. What it draws from an answer is user data (queue names, bodies, attributes),
// so it goes into the page only as text: textContent and setAttribute, never markup.

const API = "/_fake-sqs";
const POLL_MS = 1500;
/** How many of the latest requests the journal table shows. */
const JOURNAL_SHOWN = 50;
/** How many of a queue's messages the page draws: a browser slows down past a few
 * hundred rows redrawn every refresh; the count says how many there are. */
const MESSAGES_SHOWN = 200;

const state = {
  /** The fake's time, in milliseconds since the epoch. */
  now: 0,
  queues: [],
  /** The URL of the queue whose messages are shown, kept in the page's #fragment. */
  selected: selectedFromHash(),
  /** The latest requests, newest first. */
  journal: [],
  /** The `seq` of the latest request read: the journal's cursor. */
  cursor: 0,
  /** What each table was last drawn from, so that an unchanged one is left alone. */
  drawn: {},
};

// --- Reading and driving the admin API ------------------------------------------------

async function api(method, path, body) {
  const answer = await fetch(API + path, {
    method,
    cache: "no-store",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json = null;
  try {
    json = await answer.json();
  } catch {
    // Not JSON: reported below by its status.
  }
  if (!answer.ok) {
    const error = new Error(json && json.message ? json.message : `HTTP ${answer.status}`);
    error.code = json && json.code;
    throw error;
  }
  return json;
}

/** Reads the requests recorded since the cursor into `state.journal`. */
async function readJournal() {
  const answer = await api("GET", `/requests?after=${state.cursor}`);
  if (answer.cursor < state.cursor) {
    // The journal was emptied (a reset): its numbering started again.
    state.cursor = 0;
    state.journal = [];
    return readJournal();
  }
  for (const request of answer.requests) state.journal.unshift(request);
  state.journal.length = Math.min(state.journal.length, JOURNAL_SHOWN);
  state.cursor = answer.cursor;
}

/** The chosen queue's messages; `null` when the queue is gone. */
async function readMessages(url) {
  try {
    return (await api("GET", `/messages?url=${encodeURIComponent(url)}`)).messages;
  } catch (error) {
    if (error.code === "unknown_queue") return null;
    throw error;
  }
}

async function refreshOnce() {
  const [clock, queues, tasks] = await Promise.all([
    api("GET", "/clock"),
    api("GET", "/queues"),
    api("GET", "/move-tasks"),
    readJournal(),
  ]);
  const selected = state.selected;
  // A queue that is gone is not asked for (the browser would log each 404).
  const known = queues.queues.some((queue) => queue.url === selected);
  const messages = known ? await readMessages(selected) : null;
  state.now = clock.now_ms;
  state.queues = queues.queues;
  drawClock(clock);
  drawQueues();
  drawDetail(selected, messages);
  drawTasks(tasks.move_tasks);
  drawJournal();
}

// One refresh at a time; one asked for meanwhile runs right after it.
let running = null;
let again = false;
let timer = null;

function refresh() {
  if (running) {
    again = true;
    return running;
  }
  clearTimeout(timer);
  running = refreshOnce()
    .then(() => setStatus(`Live: refreshes every ${POLL_MS / 1000} s`, false))
    .catch((error) => setStatus(`Cannot read the admin API (${error.message}); retrying`, true))
    .finally(() => {
      running = null;
      if (again) {
        again = false;
        refresh();
      } else {
        timer = setTimeout(refresh, POLL_MS);
      }
    });
  return running;
}

async function advance(by) {
  const problem = $("advance-error");
  try {
    const clock = await api("POST", "/clock/advance", { by });
    problem.textContent = "";
    state.now = clock.now_ms;
    drawClock(clock);
  } catch (error) {
    // Kept until the next advance: the refreshes do not wipe it.
    problem.textContent = error.message;
    return;
  }
  await refresh();
}

// --- Drawing --------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

/** An element: `props` are its class, text, data-* and other attributes, and event
 * handlers (`onclick`); children are elements or strings (as text). */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child);
  }
  return node;
}

/** Redraws `tbody` with `rows()` when `key` differs from what it was drawn from. */
function drawRows(tbody, key, rows) {
  const json = JSON.stringify(key);
  if (state.drawn[tbody] === json) return;
  state.drawn[tbody] = json;
  $(tbody).replaceChildren(...rows());
}

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

function drawClock(clock) {
  const now = $("clock-now");
  now.textContent = `${dateTime(clock.now_ms)} UTC`;
  now.setAttribute("datetime", clock.now);
  now.dataset.ms = String(clock.now_ms);
  const mode = $("clock-mode");
  mode.textContent = clock.mode.replace("_", "-");
  mode.className = `badge ${clock.mode}`;
}

/** A queue link: its name, choosing it when clicked. */
function queueLink(queue) {
  return el("button", {
    type: "button",
    class: "link",
    title: queue.url,
    text: queue.name,
    onclick: () => select(queue.url),
  });
}

/** A queue named by its ARN: a link when the fake has it, else the ARN. */
function arnLink(arn) {
  const queue = state.queues.find((q) => q.arn === arn);
  if (queue) return queueLink(queue);
  return el("span", { class: "mono", title: "no such queue now", text: arn });
}

/** A queue's RedrivePolicy, read; `null` without one (or an unreadable one). */
function redrivePolicy(queue) {
  const text = queue.attributes.RedrivePolicy;
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function count(n, name) {
  return el("td", { class: `num ${name}${n === 0 ? " zero" : ""}`, text: n });
}

function drawQueues() {
  const queues = state.queues;
  $("queue-count").textContent = `(${queues.length})`;
  $("no-queues").hidden = queues.length > 0;
  drawRows("queue-rows", [queues, state.selected], () => {
    const feeds = new Map();
    for (const queue of queues) {
      const policy = redrivePolicy(queue);
      if (policy && policy.deadLetterTargetArn) {
        const sources = feeds.get(policy.deadLetterTargetArn) ?? [];
        sources.push(queue);
        feeds.set(policy.deadLetterTargetArn, sources);
      }
    }
    return queues.map((queue) => {
      const policy = redrivePolicy(queue);
      const deadLetter = policy && policy.deadLetterTargetArn
        ? [arnLink(policy.deadLetterTargetArn),
           el("span", { class: "muted", text: ` after ${policy.maxReceiveCount} receives` })]
        : el("span", { class: "muted", text: "–" });
      const sources = feeds.get(queue.arn) ?? [];
      const fedBy = sources.length
        ? sources.flatMap((source, i) => (i ? [", ", queueLink(source)] : [queueLink(source)]))
        : el("span", { class: "muted", text: "–" });
      return el("tr", {
        "data-url": queue.url,
        "data-name": queue.name,
        class: queue.url === state.selected ? "selected" : null,
      },
        el("td", {}, queueLink(queue), queue.fifo ? [" ", el("span", { class: "badge", text: "FIFO" })] : null),
        el("td", { class: "muted", text: `${queue.region} / ${queue.account_id}` }),
        count(queue.visible, "visible"),
        count(queue.in_flight, "in-flight"),
        count(queue.delayed, "delayed"),
        el("td", { class: "dead-letter" }, deadLetter),
        el("td", { class: "fed-by" }, fedBy),
      );
    });
  });
}

function keyValueRows(map) {
  return Object.entries(map).map(([name, value]) =>
    el("tr", {}, el("th", { text: name }), el("td", { class: "mono", text: value })));
}

function drawDetail(url, messages) {
  const section = $("queue-detail");
  if (!url) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  const queue = state.queues.find((q) => q.url === url);
  // The name, or the URL of a queue that is gone.
  $("detail-name").textContent = queue ? queue.name : queueName(url);
  $("detail-arn").textContent = queue ? queue.arn : url;
  $("detail-gone").hidden = Boolean(queue);
  const attributes = queue ? queue.attributes : {};
  const tags = queue ? queue.tags : {};
  drawRows("attribute-rows", attributes, () => keyValueRows(attributes));
  drawRows("tag-rows", tags, () => keyValueRows(tags));
  $("no-tags").hidden = !queue || Object.keys(tags).length > 0;
  const all = messages ?? [];
  const list = all.slice(0, MESSAGES_SHOWN);
  $("message-count").textContent =
    all.length > list.length ? `(the first ${list.length} of ${all.length})` : `(${all.length})`;
  $("no-messages").hidden = all.length > 0;
  drawRows("message-rows", [list, state.now], () => list.map(messageRow));
}

function messageRow(message) {
  const badge = el("span", { class: `badge ${message.state}`, text: message.state.replace("_", " ") });
  const until = message.visible_at
    ? el("div", { class: "when muted", title: message.visible_at },
        `${message.state === "in_flight" ? "visible again" : "visible"} ${relative(Date.parse(message.visible_at))}`)
    : null;
  // A FIFO message's group, deduplication id and sequence number, under its id.
  const fifo = [
    message.group_id ? el("div", { class: "muted", text: `group ${short(message.group_id, 24)}`, title: message.group_id }) : null,
    message.deduplication_id ? el("div", { class: "muted", text: `dedup ${short(message.deduplication_id, 12)}`, title: message.deduplication_id }) : null,
    message.sequence_number ? el("div", { class: "muted", text: `seq …${message.sequence_number.slice(-6)}`, title: message.sequence_number }) : null,
  ];
  return el("tr", { "data-id": message.message_id, "data-state": message.state },
    el("td", { class: "id" }, el("div", { title: message.message_id, text: short(message.message_id, 8) }), fifo),
    el("td", { class: "state" }, badge, until),
    el("td", { class: "num receives", text: message.receive_count }),
    el("td", { class: "when", title: message.sent_at, text: timeOfDay(Date.parse(message.sent_at)) }),
    el("td", { class: "body", title: message.body.length > 400 ? message.body : null, text: short(message.body, 400) }),
    el("td", {}, attributeList(message)),
  );
}

function attributeList(message) {
  const items = Object.entries(message.attributes).map(([name, attribute]) => {
    const value = attribute.string_value ?? `(${base64Length(attribute.binary_value ?? "")} bytes)`;
    return el("li", {}, el("b", { text: name }), `: ${short(value, 80)} `,
      el("span", { class: "muted", text: attribute.data_type }));
  });
  if (message.dead_letter_source_arn) {
    items.push(el("li", { class: "muted" }, "dead-lettered from ", arnLink(message.dead_letter_source_arn)));
  }
  return items.length ? el("ul", { class: "attrs" }, items) : null;
}

function drawTasks(tasks) {
  $("task-count").textContent = `(${tasks.length})`;
  $("no-tasks").hidden = tasks.length > 0;
  drawRows("task-rows", [tasks, state.queues.map((q) => q.arn)], () =>
    tasks.map((task) => el("tr", { "data-task": task.task_id, "data-status": task.status },
      el("td", {}, arnLink(task.source_arn)),
      el("td", {}, task.destination_arn
        ? arnLink(task.destination_arn)
        : el("span", { class: "muted", text: "back to their source queues" })),
      el("td", {}, el("span", { class: `badge ${task.status}`, text: task.status.toLowerCase() })),
      el("td", { class: "num moved", text: task.messages_moved }),
      el("td", { class: "num", text: task.messages_to_move }),
      el("td", { class: "num", text: task.max_messages_per_second ?? "all at once" }),
      el("td", { class: "when", title: task.started_at, text: dateTime(Date.parse(task.started_at)) }),
      el("td", { class: "error", text: task.failure_reason ?? "" }),
    )));
}

function outcome(request) {
  const o = request.outcome;
  if (o === "success") return el("span", { class: "badge success", text: "success" });
  if (o === "dropped") return el("span", { class: "badge dropped", text: "connection dropped" });
  if (o && o.error) return el("span", { class: "badge error", title: o.error.message, text: o.error.code });
  return el("span", { text: JSON.stringify(o) });
}

function drawJournal() {
  const requests = state.journal;
  $("no-requests").hidden = requests.length > 0;
  drawRows("request-rows", requests.map((r) => r.seq), () => requests.map((request) => {
    const extra = [];
    if (request.faults && request.faults.length) extra.push(` fault ${request.faults.map((f) => `#${f}`).join(", ")}`);
    if (request.chaos && request.chaos.length) extra.push(" chaos");
    return el("tr", { "data-seq": request.seq },
      el("td", { class: "num muted", text: request.seq }),
      el("td", { class: "when", title: dateTime(request.at_millis), text: timeOfDay(request.at_millis) }),
      el("td", { text: request.action || "(none)" }),
      el("td", { class: "mono", title: request.queue_url ?? null, text: request.queue_url ? queueName(request.queue_url) : "" }),
      el("td", { class: "muted", text: request.protocol }),
      el("td", {}, outcome(request), extra.map((t) => el("span", { class: "muted", text: t }))),
    );
  }));
}

// --- Choosing a queue -----------------------------------------------------------------

function selectedFromHash() {
  const match = /^#queue=(.*)$/.exec(location.hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

function select(url) {
  location.hash = `queue=${encodeURIComponent(url)}`;
}

window.addEventListener("hashchange", () => {
  state.selected = selectedFromHash();
  refresh();
});

// --- Words and times ------------------------------------------------------------------

function short(text, max) {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function queueName(url) {
  return url.replace(/\/+$/, "").split("/").pop();
}

function base64Length(text) {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** `2025-01-01 00:00:30.000` (UTC: the fake's clock has no time zone). */
function dateTime(ms) {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

function timeOfDay(ms) {
  return new Date(ms).toISOString().slice(11, 23);
}

/** `in 29 s`, `4 min 30 s ago`: a time against the fake's clock. */
function relative(ms) {
  const gap = ms - state.now;
  if (gap === 0) return "now";
  const words = duration(Math.abs(gap));
  return gap > 0 ? `in ${words}` : `${words} ago`;
}

function duration(ms) {
  const s = Math.round(ms / 1000);
  if (ms < 1000) return `${ms} ms`;
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  if (s < 86400) return `${Math.floor(s / 3600)} h${s % 3600 >= 60 ? ` ${Math.floor((s % 3600) / 60)} min` : ""}`;
  return `${Math.floor(s / 86400)} d${s % 86400 >= 3600 ? ` ${Math.floor((s % 86400) / 3600)} h` : ""}`;
}

// --- Start ----------------------------------------------------------------------------

for (const button of document.querySelectorAll("button.advance")) {
  button.addEventListener("click", () => advance(button.dataset.by));
}
$("advance-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const by = $("advance-by").value.trim();
  if (by) advance(by);
});
refresh();
