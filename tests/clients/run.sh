#!/usr/bin/env bash
# Drives one realistic scenario through each real SQS client against a freshly started
# `fake-sqs` binary, and prints PASS/FAIL per client. Installs what the clients need
# itself (Python venvs, npm packages), caching them under target/clients and
# tests/clients/node_modules so re-runs are fast; a missing or broken cache is rebuilt.
#
# Usage: tests/clients/run.sh [client...]
#   clients: aws-cli boto3 boto3-query js-v3 boto3-localhost pytest node-test dashboard
#
# boto3-localhost runs the boto3 story against a server bound to 0.0.0.0 and reached as
# `localhost`: every queue URL it answers must name `localhost` and work (scenario.py
# checks each QueueUrl of every answer).
# pytest and node-test are a Python and a Node team's own tests of a worker
# (test_worker.py, worker.test.mjs): boto3 or client-sqs for SQS, requests or fetch for
# the admin API, against a server started with fixtures/queues.toml and a paused clock.
# dashboard drives the dashboard page (/_fake-sqs/ui) in headless Chromium
# (dashboard.test.mjs, playwright-core), against the same kind of server; it needs
# Chromium at /usr/bin/chromium (Debian's `chromium` package; .ci/run installs it).
# Exits non-zero if any client fails. Needs python3 (with venv), node and npm, and
# network access to PyPI and npm unless the cache is warm.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
clients_dir="$root/tests/clients"
cache="$root/target/clients"
logs="$cache/logs"
mkdir -p "$cache" "$logs"

# The last botocore that speaks AWS Query to SQS: JSON for good since 1.34.90
# (fixtures/aws/protocol.md §1.2). scenario.py checks each request on the wire.
query_botocore=1.34.89

# The clients talk to the fake only: no profile, config file, instance metadata, proxy.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SQS
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
  fi
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

# `start_server NAME [ARGS...]`: starts fake-sqs on a free port (loopback unless ARGS
# say otherwise); sets $endpoint.
start_server() {
  local out="$logs/$1.server.out"
  # Removed first: the shell truncates it only once the child runs, and the previous
  # run's URL must not be read in between.
  rm -f "$out"
  "$root/target/debug/fake-sqs" --port 0 --seed 7 "${@:2}" >"$out" 2>"$logs/$1.server.log" &
  server_pid=$!
  endpoint=""
  for _ in $(seq 200); do
    endpoint=$(head -n1 "$out" 2>/dev/null)
    [[ -n "$endpoint" ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "fake-sqs did not start; its log:"
  cat "$logs/$1.server.log"
  return 1
}

# `venv DIR PACKAGES...`: a virtualenv with these packages, reusing DIR when it works.
venv() {
  local dir=$1
  shift
  if ! "$dir/bin/python" -c "import sys" 2>/dev/null; then
    rm -rf "$dir"
    python3 -m venv "$dir" || return 1
  fi
  "$dir/bin/pip" install --quiet "$@"
}

install_aws_cli() { venv "$cache/venv-aws-cli" --upgrade awscli; }
install_boto3() { venv "$cache/venv-boto3" --upgrade boto3; }
install_boto3_query() {
  venv "$cache/venv-boto3-query" "boto3==$query_botocore" "botocore==$query_botocore"
}
install_boto3_localhost() { install_boto3; }
install_pytest() { venv "$cache/venv-pytest" --upgrade boto3 requests pytest; }
install_node_test() { install_js_v3; }
install_dashboard() {
  if [[ ! -x ${CHROMIUM:-/usr/bin/chromium} ]]; then
    echo "the dashboard client needs Chromium at ${CHROMIUM:-/usr/bin/chromium}: apt-get install chromium (or set CHROMIUM)"
    return 1
  fi
  install_js_v3
}
install_js_v3() {
  (cd "$clients_dir" && npm install --no-package-lock --no-audit --no-fund --loglevel=error)
}

run_aws_cli() { PATH="$cache/venv-aws-cli/bin:$PATH" bash "$clients_dir/aws_cli.sh" "$endpoint"; }
run_boto3() { "$cache/venv-boto3/bin/python" "$clients_dir/scenario.py" "$endpoint" json; }
run_boto3_query() { "$cache/venv-boto3-query/bin/python" "$clients_dir/scenario.py" "$endpoint" query; }
run_boto3_localhost() { "$cache/venv-boto3/bin/python" "$clients_dir/scenario.py" "$endpoint" json; }
run_js_v3() { node --no-warnings "$clients_dir/scenario.mjs" "$endpoint"; }
run_pytest() {
  FAKE_SQS_ENDPOINT="$endpoint" "$cache/venv-pytest/bin/pytest" -q -p no:cacheprovider \
    "$clients_dir/test_worker.py"
}
run_node_test() {
  FAKE_SQS_ENDPOINT="$endpoint" node --no-warnings --test "$clients_dir/worker.test.mjs"
}
run_dashboard() {
  FAKE_SQS_ENDPOINT="$endpoint" node --no-warnings --test "$clients_dir/dashboard.test.mjs"
}

# How each client's server is started, and the endpoint the client is given.
server_args() {
  case $1 in
    boto3-localhost) echo "--host 0.0.0.0" ;;
    # The teams' tests: their queues declared in a file, a clock that only they move.
    pytest | node-test | dashboard)
      echo "--config $root/fixtures/queues.toml --clock paused --clock-start 2025-01-01T00:00:00Z"
      ;;
  esac
}
reach_as() {
  # Bound to every interface, the server prints http://0.0.0.0:<port>; the client
  # reaches it as localhost.
  [[ $1 == boto3-localhost ]] && endpoint="http://localhost:${endpoint##*:}"
  return 0
}

# `server_log_agrees NAME PROTOCOL`: every request the fake served spoke PROTOCOL and
# none got a 5xx; a second witness, next to the scripts' own on-the-wire checks.
server_log_agrees() {
  local log="$logs/$1.server.log" total wrong
  total=$(grep -c ' request action=' "$log")
  wrong=$(grep ' request action=' "$log" | grep -v -c "protocol=$2 ")
  if [[ $total -eq 0 || $wrong -ne 0 ]]; then
    echo "server log: $wrong of $total requests did not speak $2"
    return 1
  fi
  if grep -q ' status=5' "$log"; then
    echo "server log: server errors"
    grep ' status=5' "$log"
    return 1
  fi
  echo "server log: $total requests, all $2"
}

# `client NAME PROTOCOL`: install, start a fresh fake, run, check the log, stop.
failed=()
client() {
  local name=$1 protocol=$2 fn=${1//-/_} started=$SECONDS ok=1
  echo "== client $name"
  if ! "install_$fn"; then
    echo "install failed"
    ok=0
  # shellcheck disable=SC2046 # the server's arguments are words
  elif ! start_server "$name" $(server_args "$name"); then
    ok=0
  else
    reach_as "$name"
    local installed=$((SECONDS - started))
    timeout 300 bash -c "$(declare -f "run_$fn"); endpoint='$endpoint' clients_dir='$clients_dir' cache='$cache' run_$fn" || ok=0
    stop_server
    server_log_agrees "$name" "$protocol" || ok=0
    echo "(install ${installed}s, run $((SECONDS - started - installed))s)"
  fi
  if [[ $ok -eq 1 ]]; then
    echo "PASS $name ($((SECONDS - started))s)"
  else
    echo "FAIL $name ($((SECONDS - started))s; server log: $logs/$name.server.log)"
    failed+=("$name")
  fi
}

if [[ ! -x "$root/target/debug/fake-sqs" ]] || [[ "${FAKE_SQS_SKIP_BUILD:-}" != 1 ]]; then
  cargo build --quiet -p fake-sqs-cli || exit 1
fi

selected=("$@")
[[ ${#selected[@]} -eq 0 ]] && selected=(aws-cli boto3 boto3-query js-v3 boto3-localhost pytest node-test dashboard)
for name in "${selected[@]}"; do
  case $name in
    aws-cli | boto3 | js-v3 | boto3-localhost | pytest | node-test | dashboard) client "$name" Json ;;
    boto3-query) client "$name" Query ;;
    *) echo "unknown client $name" && failed+=("$name") ;;
  esac
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "real clients FAILED: ${failed[*]}"
  exit 1
fi
echo "real clients: all ${#selected[@]} PASS"
