#!/usr/bin/env bash
# Discovery, JWKS and a trivial route under load, and the server's memory idle and under load.
#
#   bench/endpoints.sh [--duration 10] [--connections 32] [--threads 2]
#
# Starts the release `wechat-oidc bench --serve-only` (the provider as `dev` builds it, SQLite),
# measures its RSS idle, then runs wrk against GET /healthz (a route that only returns "ok":
# the floor of Hummingbird plus our middleware), GET /.well-known/openid-configuration and
# GET /jwks (both served from bytes serialized once), printing requests/s, p50/p99 and the ratio
# to /healthz; then the peak RSS. Needs wrk. SKIP_BUILD=1 / BIN=PATH as in bench/run.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SCRATCH=${SCRATCH:-.build-release}
BIN=${BIN:-$SCRATCH/release/wechat-oidc}
DURATION=10 CONNECTIONS=32 THREADS=2 PORT=18095
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    swift build -c release --product wechat-oidc --scratch-path "$SCRATCH" >/dev/null
fi
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" bench --serve-only --port "$PORT" --codes 10 --codes-file "$WORK/codes.txt" --data-dir "$WORK/data" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do [[ -f "$WORK/codes.txt" ]] && break; sleep 0.5; done
[[ -f "$WORK/codes.txt" ]] || { cat "$WORK/server.log" >&2; exit 1; }
rss_mb() { awk -v key="$1" '$1 == key":" { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
sleep 2
echo "== $(date -u +%FT%TZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== server RSS idle: $(rss_mb VmRSS) MiB"

declare -A RATES
for path in /healthz /.well-known/openid-configuration /jwks; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PORT$path" >/dev/null  # warm-up
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$path")
    rate=$(awk '/^Requests\/sec/ { print $2 }' <<< "$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<< "$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<< "$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<< "$out" || true)
    RATES[$path]=$rate
    ratio=$(awk -v r="$rate" -v b="${RATES[/healthz]}" 'BEGIN { printf "%.1f", 100 * r / b }')
    echo "GET $path: requests/s=$rate p50=$p50 p99=$p99 (${ratio} % of /healthz) ${errors}"
done
echo "== server RSS after the load: $(rss_mb VmRSS) MiB, peak $(rss_mb VmHWM) MiB"
