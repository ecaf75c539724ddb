#!/usr/bin/env bash
# Interop tests: stock OIDC relying parties (Authlib, pyoidc, go-oidc, Apache mod_auth_openidc)
# log in against wechat-oidc.
# Creates Interop/.venv if missing, installs the pinned requirements (again only when
# requirements.txt changes), then runs pytest; the exit code is pytest's.
# The provider binary: $WECHAT_OIDC_BIN, default .build/debug/wechat-oidc.
# Extra arguments go to pytest (e.g. `Interop/run.sh -k authlib -x`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' >/dev/null 2>&1; then
    echo "interop: creating $venv with $("$python" --version 2>&1)"
    rm -rf "$venv"
    "$python" -m venv "$venv"
fi

stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "interop: installing requirements.txt"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$here/requirements.txt"
    echo "$want" >"$stamp"
fi

cd "$here"
exec "$venv/bin/python" -m pytest "$@"
