#!/usr/bin/env bash
# Measures token-endpoint exchanges/s with an external load generator, each paired with
# `openssl speed -seconds 3 rsa2048` from the same run (RS256 signing is the endpoint's ceiling;
# the aim of issue 2 is exchanges/s >= 75 % of openssl's single-process RSA-2048 signs/s).
#
#   bench/run.sh [--runs 3] [--duration 10] [--connections 32] [--threads 2] [--mint direct|login]
#   bench/run.sh --in-process [wechat-oidc bench options]   # the older all-in-one-process bench
#
# The server (`wechat-oidc bench --serve-only`, release build) runs in its own process, pre-mints
# authorization codes into its real code store (or through full simulated logins with
# --mint login), and writes one token request per code; wrk (bench/token-exchange.lua) posts
# each code exactly once and any non-200 response invalidates the run. Needs wrk
# (`apt-get install wrk`); installs nothing itself. SKIP_BUILD=1 uses the binary as built;
# BIN=PATH (with SKIP_BUILD=1) measures another build, e.g. an older commit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SCRATCH=${SCRATCH:-.build-release}
BIN=${BIN:-$SCRATCH/release/wechat-oidc}

if [[ "${1:-}" == "--in-process" ]]; then
    shift
    swift build -c release --product wechat-oidc --scratch-path "$SCRATCH" 2>&1 | grep -E "error|Compiling|Build" >&2 || true
    echo "== $(date -u +%FT%TZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    "$BIN" bench "$@" 2>/dev/null
    echo "== openssl speed -seconds 3 rsa2048 ($(openssl version))"
    openssl speed -seconds 3 rsa2048 2>/dev/null | tail -2
    exit 0
fi

RUNS=3 DURATION=10 CONNECTIONS=32 THREADS=2 MINT=direct PORT=18090 MAX_RATE=2000
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --mint) MINT=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --max-rate) MAX_RATE=$2; shift 2 ;;  # codes minted per run = max-rate × duration
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    swift build -c release --product wechat-oidc --scratch-path "$SCRATCH" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
fi

PER_RUN=$((MAX_RATE * DURATION))
WARMUP=2000
TOTAL=$((WARMUP + RUNS * PER_RUN))
echo "== $(date -u +%FT%TZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(openssl version)"
echo "== server: $BIN bench --serve-only (minting $TOTAL codes, --mint $MINT)"
"$BIN" bench --serve-only --port "$PORT" --codes "$TOTAL" --mint "$MINT" --concurrency "$CONNECTIONS" \
    --codes-file "$WORK/codes.txt" --data-dir "$WORK/data" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 1200); do
    [[ -f "$WORK/codes.txt" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.5
done
[[ -f "$WORK/codes.txt" ]] || { echo "server did not mint codes in time" >&2; exit 1; }
sleep 0.5
cat "$WORK/server.log"

# Slice the requests: a warm-up, then one disjoint file per run (the header line in each).
slice() { awk -v from="$1" -v to="$2" 'NR == 1 || (NR > from + 1 && NR <= to + 1)' "$WORK/codes.txt" > "$3"; }
slice 0 "$WARMUP" "$WORK/warmup.txt"
wrk -t"$THREADS" -c"$CONNECTIONS" -d1s -s bench/token-exchange.lua "http://127.0.0.1:$PORT" -- "$WORK/warmup.txt" "$THREADS" \
    | grep -q "VALID" || { echo "warm-up failed" >&2; exit 1; }

# Server CPU time (user + system) per exchange: less sensitive to other load than the rate.
TICKS=$(getconf CLK_TCK)
server_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }

echo "== wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency -s bench/token-exchange.lua, then openssl speed -seconds 3 rsa2048"
for run in $(seq 1 "$RUNS"); do
    from=$((WARMUP + (run - 1) * PER_RUN))
    slice "$from" $((from + PER_RUN)) "$WORK/run$run.txt"
    before=$(server_ticks)
    result=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/token-exchange.lua \
        "http://127.0.0.1:$PORT" -- "$WORK/run$run.txt" "$THREADS" | grep -E "^(RESULT|first non-200)")
    after=$(server_ticks)
    signs=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { print $(NF-1) }')
    rate=$(sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<< "$result" | head -1)
    ratio=$(awk -v r="$rate" -v s="$signs" 'BEGIN { printf "%.1f", 100 * r / s }')
    exchanges=$(sed -n 's/.*exchanges=\([0-9]*\).*/\1/p' <<< "$result" | head -1)
    cpu=$(awk -v t=$((after - before)) -v hz="$TICKS" -v n="$exchanges" 'BEGIN { printf "%.2f", n ? 1000 * t / hz / n : 0 }')
    echo "run $run: $(head -1 <<< "$result" | sed 's/^RESULT //') server_cpu_ms_per_exchange=$cpu"
    grep "^first non-200" <<< "$result" || true
    echo "run $run: openssl rsa2048 sign/s=$signs ($(awk -v s="$signs" 'BEGIN { printf "%.2f", 1000 / s }') ms/sign)  exchanges/s ÷ signs/s = $ratio %"
done
