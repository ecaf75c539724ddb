"""Helpers shared by the interop tests: the provider handle and a cookie-keeping "browser"."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, parse_qs

import requests

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BIN = REPO / ".build" / "debug" / "wechat-oidc"
STARTUP_TIMEOUT = 60.0
HTTP_TIMEOUT = 30.0
SIMULATED_USER = "alice"
SCOPE = "openid profile wechat"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_dev(root: Path, *extra_args: str):
    """`wechat-oidc dev` with its own data and keys under `root`, on a free port, without
    auto-approval (a person confirms), plus `extra_args`; yields its issuer once /readyz
    answers, and stops it afterwards."""
    import pytest  # the helpers are imported by pytest modules only

    binary = Path(os.environ.get("WECHAT_OIDC_BIN", str(DEFAULT_BIN)))
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    log_path = root / "dev.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [str(binary), "dev", "--port", str(port), "--data-dir", str(root / "data"), "--keys-dir", str(root / "keys"), *extra_args],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"dev exited with {process.returncode}: {log_path.read_text(errors='replace')[-3000:]}")
            try:
                if requests.get(issuer + "/readyz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dev {' '.join(extra_args)} did not start")
            time.sleep(0.25)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@dataclass
class RegisteredClient:
    client_id: str
    client_secret: str | None
    redirect_uri: str
    raw: dict


@dataclass
class Provider:
    """A running `wechat-oidc dev`."""

    binary: Path
    issuer: str
    data_dir: Path
    log_path: Path
    keys_dir: Path | None = None
    metadata: dict = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return str(self.data_dir / "wechat-oidc.sqlite")

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, WECHAT_OIDC_DATABASE_URL=self.database_url)
        if self.keys_dir is not None:
            env["WECHAT_OIDC_KEYS_DIR"] = str(self.keys_dir)
        return subprocess.run(
            [str(self.binary), *args], env=env, capture_output=True, text=True, timeout=120
        )

    def register_client(self, name: str, *, public: bool = False, redirect_uri: str | None = None) -> RegisteredClient:
        """`wechat-oidc clients create --json`, by default with a fresh loopback redirect URI
        (nothing listens there: the tests stop at the redirect and hand its URL to the library);
        `redirect_uri` for an RP that does listen (e.g. Apache with mod_auth_openidc)."""
        redirect_uri = redirect_uri or f"http://127.0.0.1:{free_port()}/callback"
        args = ["clients", "create", "--name", name, "--redirect-uri", redirect_uri, "--json"]
        if public:
            args.append("--public")
        done = self.cli(*args)
        assert done.returncode == 0, (
            f"`wechat-oidc {' '.join(args)}` exited {done.returncode}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        )
        try:
            raw = json.loads(done.stdout)
        except json.JSONDecodeError as error:
            raise AssertionError(f"`clients create --json` printed no JSON object: {error}\n{done.stdout}")
        assert raw["redirect_uris"] == [redirect_uri], raw
        if public:
            assert not raw.get("client_secret"), f"a public client got a secret: {raw}"
        else:
            assert raw.get("client_secret"), f"a confidential client got no secret: {raw}"
        return RegisteredClient(raw["client_id"], raw.get("client_secret"), redirect_uri, raw)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


# ---------------------------------------------------------------------------------------------
# The "browser"


class BrowserError(AssertionError):
    pass


@dataclass
class AuthorizationResult:
    """Where the provider finally sent the browser: the RP's redirect URI with the response."""

    url: str
    params: dict[str, str]
    hops: list[str]


def _single_valued(url: str) -> dict[str, str]:
    parsed = parse_qs(urlsplit(url).query, keep_blank_values=True)
    repeated = [name for name, values in parsed.items() if len(values) != 1]
    assert not repeated, f"repeated parameters {repeated} in {url}"
    return {name: values[0] for name, values in parsed.items()}


def browse_to_redirect_uri(
    session: requests.Session, authorization_url: str, redirect_uri: str, max_hops: int = 10
) -> AuthorizationResult:
    """Follow redirects like a browser (keeping cookies in `session`) from the authorization
    request until the provider sends us to `redirect_uri`; don't fetch that URL."""
    url, hops = authorization_url, []
    for _ in range(max_hops):
        response = session.get(url, allow_redirects=False, timeout=HTTP_TIMEOUT)
        location = response.headers.get("Location")
        hops.append(f"GET {url} -> {response.status_code}" + (f" Location: {location}" if location else ""))
        if response.status_code not in (301, 302, 303, 307, 308) or not location:
            raise BrowserError(
                "the login stopped at a page instead of redirecting:\n  " + "\n  ".join(hops)
                + f"\nheaders: {dict(response.headers)}\nbody: {response.text[:2000]}"
            )
        url = requests.compat.urljoin(url, location)
        if url.split("?", 1)[0] == redirect_uri.split("?", 1)[0]:
            return AuthorizationResult(url=url, params=_single_valued(url), hops=hops)
    raise BrowserError("too many redirects:\n  " + "\n  ".join(hops))
