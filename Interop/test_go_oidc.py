"""go-oidc (github.com/coreos/go-oidc, Debian's golang-github-coreos-go-oidc-dev) logs in
against wechat-oidc.

`go-oidc/main.go` is a relying party made only of Debian's packaged Go libraries (go-oidc v2,
golang.org/x/oauth2, go-jose v2), built offline in GOPATH mode (GO111MODULE=off,
GOPATH=/usr/share/gocode). It discovers the provider, follows the login through the
auto-approving simulator with a cookie-jar client, exchanges the code, verifies the ID token
with `provider.Verifier(&oidc.Config{ClientID})` (RS256 signature against our JWKS, iss, aud,
exp), checks the nonce and at_hash, calls `provider.UserInfo`, and prints JSON.

The binary is built once into `Interop/.cache/` and rebuilt only when main.go or the Go
toolchain changes. Skipped (with the reason) where Go or the Debian Go packages are missing;
`.ci/run` installs them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from interop_support import Provider

HERE = Path(__file__).resolve().parent
SOURCE_DIR = HERE / "go-oidc"
CACHE_DIR = HERE / ".cache"
DEBIAN_GOPATH = Path("/usr/share/gocode")
GO_PACKAGES = {
    "golang-github-coreos-go-oidc-dev": DEBIAN_GOPATH / "src/github.com/coreos/go-oidc",
    "golang-golang-x-oauth2-dev": DEBIAN_GOPATH / "src/golang.org/x/oauth2",
    "golang-gopkg-square-go-jose.v2-dev": DEBIAN_GOPATH / "src/gopkg.in/square/go-jose.v2",
}
RUN_TIMEOUT = 120
SUB_PATTERN = re.compile(r"^[A-Za-z0-9]{24}$")


def _go_environment() -> dict[str, str]:
    """GOPATH mode over Debian's packaged sources: nothing is fetched (GOPROXY=off,
    GOFLAGS cleared so a developer's -mod=… can't interfere)."""
    return dict(
        os.environ,
        GO111MODULE="off",
        GOPATH=str(DEBIAN_GOPATH),
        GOFLAGS="",
        GOPROXY="off",
        GOCACHE=str(CACHE_DIR / "go-build"),
        CGO_ENABLED="0",
    )


@pytest.fixture(scope="session")
def go_rp() -> Path:
    go = shutil.which("go")
    if go is None:
        pytest.skip("no `go` on PATH: apt-get install golang-go (.ci/run does)")
    missing = [package for package, path in GO_PACKAGES.items() if not path.is_dir()]
    if missing:
        pytest.skip(f"Debian Go packages missing: apt-get install {' '.join(missing)} (.ci/run does)")
    env = _go_environment()
    version = subprocess.run([go, "version"], capture_output=True, text=True, env=env, timeout=60).stdout.strip()
    digest = hashlib.sha256()
    digest.update(version.encode())
    for source in sorted(SOURCE_DIR.glob("*.go")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    binary = CACHE_DIR / f"go-oidc-rp-{digest.hexdigest()[:16]}"
    if not binary.is_file():
        CACHE_DIR.mkdir(exist_ok=True)
        for stale in CACHE_DIR.glob("go-oidc-rp-*"):
            stale.unlink()
        partial = binary.with_suffix(".partial")
        built = subprocess.run(
            [go, "build", "-o", str(partial), "."],
            cwd=SOURCE_DIR, env=env, capture_output=True, text=True, timeout=600,
        )
        assert built.returncode == 0, f"go build failed ({version}):\n{built.stdout}\n{built.stderr}"
        partial.rename(binary)
    return binary


def run_rp(binary: Path, provider: Provider, client, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(binary), "-issuer", provider.issuer, "-client-id", client.client_id,
         "-client-secret", client.client_secret, "-redirect-uri", client.redirect_uri, *extra],
        capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )


def login(binary: Path, provider: Provider, client, auth_style: str) -> dict:
    done = run_rp(binary, provider, client, "-auth-style", auth_style, "-scope", "openid profile")
    assert done.returncode == 0, f"go-oidc RP exited {done.returncode}\nstderr:\n{done.stderr}\nstdout:\n{done.stdout}"
    return json.loads(done.stdout)


def check_login(result: dict, provider: Provider, client) -> None:
    claims, userinfo = result["id_token_claims"], result["userinfo"]

    # The authorization response: code, the state echoed, and iss (RFC 9207); nothing else.
    response = result["authorization_response"]
    assert set(response) == {"code", "state", "iss"}, response
    assert response["state"] == result["state"]
    assert response["iss"] == provider.issuer

    # The ID token, as go-oidc verified it (signature, iss, aud, exp) plus our exact checks.
    assert claims["iss"] == provider.issuer
    assert claims["aud"] in (client.client_id, [client.client_id]), claims["aud"]
    assert claims["azp"] == client.client_id
    assert claims["nonce"] == result["nonce"]
    assert SUB_PATTERN.match(claims["sub"]), claims["sub"]
    for name in ("iat", "exp", "auth_time"):
        assert isinstance(claims[name], int), f"{name} is not an integer NumericDate: {claims[name]!r}"
    assert claims["iat"] < claims["exp"]
    assert claims["auth_time"] <= claims["iat"]
    assert claims["amr"] == ["wechat_qr"]
    assert result["at_hash_checked"], "the ID token has no at_hash"
    assert not [name for name, value in claims.items() if value == ""], f"empty-string claims: {claims}"

    # The token response and userinfo.
    assert result["token_type"].lower() == "bearer"
    assert 0 < result["expires_in_approx"] <= 3600
    assert userinfo["sub"] == claims["sub"]
    assert userinfo["nickname"] == "Alice" == userinfo["name"], userinfo


def test_go_oidc_login_client_secret_basic_and_post(provider: Provider, go_rp: Path):
    basic_client = provider.register_client("go-oidc basic")
    post_client = provider.register_client("go-oidc post")
    basic = login(go_rp, provider, basic_client, "basic")
    check_login(basic, provider, basic_client)
    post = login(go_rp, provider, post_client, "post")
    check_login(post, provider, post_client)
    # One person (the simulator's auto-approved `alice`), one sub, whichever client asks.
    assert basic["id_token_claims"]["sub"] == post["id_token_claims"]["sub"]
    assert basic["nonce"] != post["nonce"]


def test_go_oidc_rejects_an_id_token_issued_to_another_client(provider: Provider, go_rp: Path):
    """The login runs as client A; go-oidc then verifies the ID token as client B would
    (`oidc.Config{ClientID: B}`): the audience check must refuse it."""
    client_a = provider.register_client("go-oidc A")
    client_b = provider.register_client("go-oidc B")
    done = run_rp(go_rp, provider, client_a, "-verify-client-id", client_b.client_id)
    assert done.returncode == 2, f"expected the verifier to reject the token (exit 2), got {done.returncode}\nstderr:\n{done.stderr}\nstdout:\n{done.stdout}"
    assert "oidc: expected audience" in done.stderr, done.stderr
    assert client_b.client_id in done.stderr
