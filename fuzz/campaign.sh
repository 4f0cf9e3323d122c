#!/usr/bin/env bash
# Runs one fuzz target and prints its figures (see fuzz/README.md).
#
#   fuzz/campaign.sh TARGET [RUNS]          RUNS executions (default 10,000,000); new
#                                           inputs go into fuzz/corpus/TARGET
#   fuzz/campaign.sh TARGET --seconds N     N seconds; new inputs go to a scratch
#                                           directory, the corpus is left as it is (CI)
#
# KEEP_GOING=1 carries on after a crash (libFuzzer's -fork=1 -ignore_crashes=1), to see
# what else a target finds while a known defect is being fixed. Crashes are saved in
# fuzz/artifacts/TARGET/; the exit status is non-zero when there is one.
set -euo pipefail
cd "$(dirname "$0")"

target=${1:?usage: fuzz/campaign.sh TARGET [RUNS | --seconds N]}
shift
limit=(-runs=10000000)
corpus=corpus/$target
scratch=
if [[ ${1:-} == --seconds ]]; then
  limit=(-max_total_time="${2:?--seconds N}")
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
elif [[ -n ${1:-} ]]; then
  limit=(-runs="$1")
fi

# Inputs large enough for the Query decoder's deepest keys (a server thread overflowed
# at about 26 KB of `a.` segments before the decoder was made iterative).
case $target in
  query_decode | request | scaleway_api) max_len=65536 ;;
  *) max_len=8192 ;;
esac

mkdir -p "$corpus" "artifacts/$target"
# The fake has no unsafe code: no sanitizer, about 20 times the executions per second.
# What is found: panics (debug assertions on, so integer overflow too), stack
# overflows, answers that fail the checks, hangs (-timeout) and memory blow-ups.
cargo +nightly fuzz build -s none "$target" >&2

dirs=("$corpus")
[[ -n $scratch ]] && dirs=("$scratch" "$corpus")
[[ -d seeds/$target ]] && dirs+=("seeds/$target")
flags=(-max_len="$max_len" -timeout=10 -print_final_stats=1 -artifact_prefix="artifacts/$target/")
[[ -f dict/$target.dict ]] && flags+=(-dict="dict/$target.dict")
[[ ${KEEP_GOING:-0} == 1 ]] && flags+=(-fork=1 -ignore_crashes=1)

log=$(mktemp)
before=$(find "artifacts/$target" -type f | wc -l)
status=0
"target/x86_64-unknown-linux-gnu/release/$target" "${flags[@]}" "${limit[@]}" "${dirs[@]}" \
  >"$log" 2>&1 || status=$?
after=$(find "artifacts/$target" -type f | wc -l)

stat() { grep -a "^stat::$1:" "$log" | tail -1 | awk '{print $2}'; }
last=$(grep -aE '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
files=$(find "$corpus" -type f | wc -l)
bytes=$(du -sk "$corpus" | cut -f1)
echo "== fuzz $target: executions $(stat number_of_executed_units)," \
  "$(stat average_exec_per_sec) exec/s, cov ${cov:-?}, ft ${ft:-?}," \
  "corpus $files files ($bytes KB), new crashes $((after - before))"
if ((status != 0 || after > before)); then
  grep -aE 'panicked|SIGSEGV|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -20 || true
  rm -f "$log"
  exit 1
fi
rm -f "$log"
