#!/usr/bin/env bash
# Measures token-endpoint exchanges/s with an external load generator, each paired with
# `openssl speed -seconds 3 rsa2048` from the same run (RS256 signing is the endpoint's ceiling;
# the aim of issue 2 is exchanges/s >= 75 % of openssl's single-process RSA-2048 signs/s).
#
#   bench/run.sh [--runs 3] [--duration 10] [--connections 32] [--threads 2] [--mint direct|login]
#                [--database-url postgres://…] [--replicas N]
#   bench/run.sh --in-process [wechat-oidc bench options]   # the older all-in-one-process bench
#
# The server (`wechat-oidc bench --serve-only`, release build) runs in its own process, pre-mints
# authorization codes into its real code store (or through full simulated logins with
# --mint login), and writes one token request per code; wrk (bench/token-exchange.lua) posts
# each code exactly once and any non-200 response invalidates the run. Needs wrk
# (`apt-get install wrk`); installs nothing itself. SKIP_BUILD=1 uses the binary as built;
# BIN=PATH (with SKIP_BUILD=1) measures another build, e.g. an older commit.
# --database-url runs the server on that database (PostgreSQL) instead of a SQLite file;
# --replicas N adds N-1 `wechat-oidc serve` processes on the same database and keys directory
# (ports PORT+1…), and each run drives every replica at once with its own share of the codes
# and connections (one wrk per replica); the rate is their sum.
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

RUNS=3 DURATION=10 CONNECTIONS=32 THREADS=2 MINT=direct PORT=18090 MAX_RATE=5000 DATABASE_URL= REPLICAS=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --mint) MINT=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --max-rate) MAX_RATE=$2; shift 2 ;;  # codes minted per run = max-rate × duration
        --database-url) DATABASE_URL=$2; shift 2 ;;
        --replicas) REPLICAS=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=
REPLICA_PIDS=()
cleanup() {
    for pid in ${REPLICA_PIDS[@]+"${REPLICA_PIDS[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
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
DB_ARGS=()
[[ -n "$DATABASE_URL" ]] && DB_ARGS=(--database-url "$DATABASE_URL")
"$BIN" bench --serve-only --port "$PORT" --codes "$TOTAL" --mint "$MINT" --concurrency "$CONNECTIONS" \
    --codes-file "$WORK/codes.txt" --data-dir "$WORK/data" ${DB_ARGS[@]+"${DB_ARGS[@]}"} > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 1200); do
    [[ -f "$WORK/codes.txt" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.5
done
[[ -f "$WORK/codes.txt" ]] || { echo "server did not mint codes in time" >&2; exit 1; }
sleep 0.5
cat "$WORK/server.log"

# More replicas: `serve` on the same database and keys, same issuer, no rate limits.
PORTS=("$PORT")
if ((REPLICAS > 1)); then
    [[ -n "$DATABASE_URL" ]] || { echo "--replicas needs --database-url (replicas share a database server)" >&2; exit 2; }
    for i in $(seq 1 $((REPLICAS - 1))); do
        port=$((PORT + i))
        WECHAT_OIDC_ISSUER="http://127.0.0.1:$PORT" WECHAT_OIDC_HTTP_PORT=$port WECHAT_OIDC_DATABASE_URL="$DATABASE_URL" \
        WECHAT_OIDC_KEYS_DIR="$WORK/data/keys" WECHAT_OIDC_WEBSITE_APPID=wx5f3c2a1b0d9e8f70 \
        WECHAT_OIDC_WEBSITE_SECRET=3b9d7e1c5a0f42e6b8c1d3e5f7a9b0c2 WECHAT_OIDC_OPEN_PLATFORM_ID=gh_simulator0001 \
        WECHAT_OIDC_WECHAT_OPEN_BASE_URL="http://127.0.0.1:$PORT/wechat" WECHAT_OIDC_WECHAT_API_BASE_URL="http://127.0.0.1:$PORT/wechat" \
        WECHAT_OIDC_RATE_LIMIT_PER_ADDRESS=0 WECHAT_OIDC_RATE_LIMIT_PER_CLIENT=0 WECHAT_OIDC_LOG_LEVEL=error \
            "$BIN" serve > "$WORK/replica$i.log" 2>&1 &
        REPLICA_PIDS+=($!)
        PORTS+=("$port")
    done
    for port in "${PORTS[@]:1}"; do
        for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$WORK"/replica*.log >&2; exit 1; }
    done
    echo "== $REPLICAS replicas on ports ${PORTS[*]} sharing $(sed 's#//[^@]*@#//***@#' <<< "$DATABASE_URL")"
fi

# Slice the requests: a warm-up, then one disjoint file per run (the header line in each).
slice() { awk -v from="$1" -v to="$2" 'NR == 1 || (NR > from + 1 && NR <= to + 1)' "$WORK/codes.txt" > "$3"; }
slice 0 "$WARMUP" "$WORK/warmup.txt"
wrk -t"$THREADS" -c"$CONNECTIONS" -d1s -s bench/token-exchange.lua "http://127.0.0.1:$PORT" -- "$WORK/warmup.txt" "$THREADS" \
    | grep -q "VALID" || { echo "warm-up failed" >&2; exit 1; }

# Server CPU time (user + system) per exchange: less sensitive to other load than the rate.
TICKS=$(getconf CLK_TCK)
server_ticks() { cat "/proc/$SERVER_PID/stat" ${REPLICA_PIDS[@]+$(printf '/proc/%s/stat ' "${REPLICA_PIDS[@]}")} | awk '{ t += $14 + $15 } END { print t }'; }

rss_mb() { awk -v key="$1" '$1 == key":" { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
echo "== server RSS before the runs: $(rss_mb VmRSS) MiB"
echo "== wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency -s bench/token-exchange.lua, then openssl speed -seconds 3 rsa2048"
for run in $(seq 1 "$RUNS"); do
    from=$((WARMUP + (run - 1) * PER_RUN))
    share=$((PER_RUN / REPLICAS))
    before=$(server_ticks)
    WRK_PIDS=()
    for r in $(seq 0 $((REPLICAS - 1))); do
        slice $((from + r * share)) $((from + (r + 1) * share)) "$WORK/run$run-$r.txt"
        wrk -t"$THREADS" -c$((CONNECTIONS / REPLICAS)) -d"${DURATION}s" --latency -s bench/token-exchange.lua \
            "http://127.0.0.1:${PORTS[$r]}" -- "$WORK/run$run-$r.txt" "$THREADS" > "$WORK/wrk$run-$r.txt" &
        WRK_PIDS+=($!)
    done
    wait "${WRK_PIDS[@]}"
    after=$(server_ticks)
    result=$(cat "$WORK"/wrk$run-*.txt | grep -E "^(RESULT|first non-200)")
    signs=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { print $(NF-1) }')
    rate=$(grep "^RESULT" <<< "$result" | sed -n 's/.* rate=\([0-9.]*\).*/\1/p' | awk '{ t += $1 } END { printf "%.1f", t }')
    ratio=$(awk -v r="$rate" -v s="$signs" 'BEGIN { printf "%.1f", 100 * r / s }')
    exchanges=$(grep "^RESULT" <<< "$result" | sed -n 's/.*exchanges=\([0-9]*\).*/\1/p' | awk '{ t += $1 } END { print t }')
    cpu=$(awk -v t=$((after - before)) -v hz="$TICKS" -v n="$exchanges" 'BEGIN { printf "%.2f", n ? 1000 * t / hz / n : 0 }')
    while read -r line; do echo "run $run: ${line#RESULT }"; done < <(grep "^RESULT" <<< "$result")
    echo "run $run: total exchanges/s=$rate over $REPLICAS replica(s) server_cpu_ms_per_exchange=$cpu"
    grep "^first non-200" <<< "$result" || true
    echo "run $run: openssl rsa2048 sign/s=$signs ($(awk -v s="$signs" 'BEGIN { printf "%.2f", 1000 / s }') ms/sign)  exchanges/s ÷ signs/s = $ratio %"
done
echo "== server RSS after the runs: $(rss_mb VmRSS) MiB, peak $(rss_mb VmHWM) MiB"
