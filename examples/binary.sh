#!/usr/bin/env bash
# The fake-sqs binary driven from a shell script, as a test in any language can drive it:
# start it on a free port, read its endpoint URL from the first line of its stdout, talk
# SQS to it (here with curl, over the AWS JSON 1.0 protocol), and stop it.
#
# Usage: examples/binary.sh                                  (fake-sqs on PATH:
#                                                             cargo install fake-sqs-cli)
#        FAKE_SQS=target/debug/fake-sqs examples/binary.sh  (a build of this repository)
set -euo pipefail
fake_sqs=${FAKE_SQS:-fake-sqs}

# Port 0: any free port. A seed makes the ids the same on every run.
log=$(mktemp)
answer=$(mktemp)
coproc server { exec "$fake_sqs" --port 0 --seed 7 2>"$log"; }
server_pid=$server_PID
stop() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -f "$log" "$answer"
}
trap stop EXIT

# Its first line of stdout is the endpoint URL; reading it waits until the server listens.
if ! read -r -t 30 endpoint <&"${server[0]}"; then
  echo "fake-sqs did not start; its log:" >&2
  cat "$log" >&2
  exit 1
fi
echo "fake-sqs is listening on $endpoint"

# One SQS call over AWS JSON 1.0: `sqs Action '{"Json":"body"}'` prints the answer.
# The fake needs no signature in its default (AWS) dialect; SDKs sign anyway.
sqs() {
  curl --silent --show-error --fail-with-body "$endpoint/" \
    --header "Content-Type: application/x-amz-json-1.0" \
    --header "X-Amz-Target: AmazonSQS.$1" \
    --data "$2"
}

# The value of a string member of a flat JSON answer (enough for this script).
member() {
  sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}

url=$(sqs CreateQueue '{"QueueName":"jobs"}' | member QueueUrl)
echo "created $url"

sqs SendMessage "{\"QueueUrl\":\"$url\",\"MessageBody\":\"hello from a shell\"}" >/dev/null

received=$(sqs ReceiveMessage "{\"QueueUrl\":\"$url\",\"WaitTimeSeconds\":1}")
body=$(member Body <<<"$received")
handle=$(member ReceiptHandle <<<"$received")
echo "received: $body"
[[ $body == "hello from a shell" ]] || { echo "unexpected answer: $received" >&2; exit 1; }

sqs DeleteMessage "{\"QueueUrl\":\"$url\",\"ReceiptHandle\":\"$handle\"}" >/dev/null
left=$(sqs GetQueueAttributes "{\"QueueUrl\":\"$url\",\"AttributeNames\":[\"ApproximateNumberOfMessages\"]}" |
  member ApproximateNumberOfMessages)
echo "messages left: $left"
[[ $left == 0 ]] || exit 1

# An error is an SQS error, with AWS's code and status.
if sqs GetQueueUrl '{"QueueName":"missing"}' >"$answer" 2>/dev/null; then
  echo "GetQueueUrl of a missing queue succeeded" >&2
  exit 1
fi
echo "a missing queue: $(member __type <"$answer")"
echo "ok"
