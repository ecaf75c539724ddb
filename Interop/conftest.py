"""Interop tests: stock OpenID Connect client libraries log in against a real wechat-oidc.

One `wechat-oidc dev` process is started for the whole pytest session on a free loopback port,
with temporary data and keys folders and the WeChat simulator approving every login as the
simulated user `alice`. Each library registers its own clients with `wechat-oidc clients create`,
drives the login with a cookie-keeping `requests.Session` standing in for the browser, and then
does everything else (token request, ID token verification against our JWKS, userinfo) with its
own code.

The binary is `$WECHAT_OIDC_BIN`, or `<repo>/.build/debug/wechat-oidc`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import warnings
from pathlib import Path

import pytest
import requests

from interop_support import DEFAULT_BIN, STARTUP_TIMEOUT, SIMULATED_USER, Provider, free_port
_PROVIDERS: list[Provider] = []
SIGTERM_GRACE = 10.0


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after SIGTERM_GRACE seconds (and say so: a server should stop
    promptly on SIGTERM)."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    try:
        process.wait(timeout=SIGTERM_GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)
        warnings.warn(f"wechat-oidc dev did not exit within {SIGTERM_GRACE:.0f} s of SIGTERM; killed it")
    else:
        elapsed = time.monotonic() - started
        if elapsed > 5:
            warnings.warn(f"wechat-oidc dev took {elapsed:.1f} s to exit after SIGTERM")


@pytest.fixture(scope="session")
def provider(tmp_path_factory) -> Provider:
    binary = Path(os.environ.get("WECHAT_OIDC_BIN", str(DEFAULT_BIN)))
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"no wechat-oidc binary at {binary}: build it with `swift build --product wechat-oidc` or set WECHAT_OIDC_BIN")

    root = tmp_path_factory.mktemp("wechat-oidc")
    data_dir, keys_dir = root / "data", root / "keys"
    data_dir.mkdir()
    keys_dir.mkdir()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    log_path = root / "provider.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [str(binary), "dev", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(data_dir), "--keys-dir", str(keys_dir), "--auto-approve", SIMULATED_USER],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ, LOG_LEVEL=os.environ.get("LOG_LEVEL", "info")),
    )
    instance = Provider(binary=binary, issuer=issuer, data_dir=data_dir, log_path=log_path, keys_dir=keys_dir)
    _PROVIDERS.append(instance)
    try:
        discovery_url = issuer + "/.well-known/openid-configuration"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last_error = "no answer"
        while True:
            if process.poll() is not None:
                pytest.fail(f"wechat-oidc dev exited with {process.returncode} before serving discovery:\n{instance.log_tail()}")
            try:
                response = requests.get(discovery_url, timeout=2)
                if response.status_code == 200:
                    instance.metadata = response.json()
                    break
                last_error = f"HTTP {response.status_code}"
            except (requests.ConnectionError, requests.Timeout, ValueError) as error:
                last_error = repr(error)
            if time.monotonic() > deadline:
                pytest.fail(f"wechat-oidc dev did not serve {discovery_url} within {STARTUP_TIMEOUT:.0f} s ({last_error}):\n{instance.log_tail()}")
            time.sleep(0.25)
        yield instance
    finally:
        _stop(process)
        log.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """When something failed, show the end of the provider's log: CI output is all we get."""
    if exitstatus != 0:
        for instance in _PROVIDERS:
            terminalreporter.section(f"wechat-oidc dev log (last lines of {instance.log_path})")
            terminalreporter.write_line(instance.log_tail(80))


@pytest.fixture
def browser():
    with requests.Session() as session:
        yield session
