#!/usr/bin/env bash
# Measures the provider on this machine: full simulated logins/s and token exchanges/s
# (`wechat-oidc bench`, release build, real sockets on loopback), then `openssl speed` for
# RSA-2048 in the same run, since RS256 signing is the token endpoint's ceiling.
# Usage: bench/run.sh [wechat-oidc bench options, e.g. --exchanges 5000 --concurrency 64]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
swift build -c release --product wechat-oidc >/dev/null
echo "== $(date -u +%FT%TZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
.build/release/wechat-oidc bench "$@" 2>/dev/null
echo "== openssl speed -seconds 3 rsa2048 ($(openssl version))"
openssl speed -seconds 3 rsa2048 2>/dev/null | tail -2
