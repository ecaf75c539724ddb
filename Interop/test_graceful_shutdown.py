"""Graceful shutdown of `wechat-oidc serve` (swift-service-lifecycle): on SIGTERM the server
stops taking new connections but finishes the requests in flight, then exits 0.

A login's WeChat callback is kept in flight by the simulator (a 3 s delay on /sns/userinfo)
while the server receives SIGTERM; the callback must still complete the login.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, parse_qs

import pytest
import requests

from interop_support import DEFAULT_BIN, STARTUP_TIMEOUT, free_port

SIMULATOR_APPID = "wx5f3c2a1b0d9e8f70"
SIMULATOR_SECRET = "3b9d7e1c5a0f42e6b8c1d3e5f7a9b0c2"


def _wait(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[:2]} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer")


def test_sigterm_lets_an_in_flight_login_finish(tmp_path):
    binary = Path(os.environ.get("WECHAT_OIDC_BIN", str(DEFAULT_BIN)))
    port, simulator_port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{port}"
    simulator = f"http://127.0.0.1:{simulator_port}"
    env = dict(os.environ,
               WECHAT_OIDC_ISSUER=issuer, WECHAT_OIDC_HTTP_PORT=str(port),
               WECHAT_OIDC_DATABASE_URL=str(tmp_path / "db.sqlite"), WECHAT_OIDC_KEYS_DIR=str(tmp_path / "keys"),
               WECHAT_OIDC_WECHAT_OPEN_BASE_URL=simulator, WECHAT_OIDC_WECHAT_API_BASE_URL=simulator,
               WECHAT_OIDC_WEBSITE_APPID=SIMULATOR_APPID, WECHAT_OIDC_WEBSITE_SECRET=SIMULATOR_SECRET,
               WECHAT_OIDC_OPEN_PLATFORM_ID="gh_simulator0001")
    sim_log, server_log = tmp_path / "simulator.log", tmp_path / "server.log"
    sim = subprocess.Popen([str(binary), "simulator", "--port", str(simulator_port), "--callback-domain", f"127.0.0.1:{port}",
                            "--auto-approve", "alice"], stdout=open(sim_log, "wb"), stderr=subprocess.STDOUT)
    server = subprocess.Popen([str(binary), "serve"], env=env, stdout=open(server_log, "wb"), stderr=subprocess.STDOUT)
    try:
        _wait(simulator + "/", sim, sim_log)
        _wait(issuer + "/healthz", server, server_log)
        redirect_uri = f"http://127.0.0.1:{free_port()}/cb"
        created = subprocess.run([str(binary), "clients", "create", "--name", "rp", "--redirect-uri", redirect_uri, "--json"],
                                 env=env, capture_output=True, text=True, timeout=60, check=True)
        client = json.loads(created.stdout)
        # WeChat's /sns/userinfo answers after 3 s: the callback stays in flight that long.
        fault = requests.post(simulator + "/_simulator/faults", json={"endpoint": "userinfo", "fault": "delay", "ms": 3000}, timeout=10)
        assert fault.status_code == 200, fault.text

        browser = requests.Session()
        query = urlencode({"response_type": "code", "client_id": client["client_id"], "redirect_uri": redirect_uri,
                           "scope": "openid", "state": "s1", "nonce": "n1"})
        to_wechat = browser.get(f"{issuer}/authorize?{query}", allow_redirects=False, timeout=10)
        back = browser.get(to_wechat.headers["Location"].split("#")[0], allow_redirects=False, timeout=10)
        callback = back.headers["Location"]
        assert callback.startswith(issuer + "/callback/wechat?code=")

        outcome: dict = {}

        def finish_login() -> None:
            try:
                outcome["response"] = browser.get(callback, allow_redirects=False, timeout=30)
            except requests.RequestException as error:
                outcome["error"] = error

        worker = threading.Thread(target=finish_login)
        worker.start()
        time.sleep(1.0)  # the callback now waits on WeChat
        server.send_signal(signal.SIGTERM)
        worker.join(timeout=30)
        assert "error" not in outcome, f"the in-flight request failed: {outcome.get('error')}\n{server_log.read_text(errors='replace')[-2000:]}"
        response = outcome["response"]
        assert response.status_code == 303, response.text[:500]
        location = response.headers["Location"]
        assert location.startswith(redirect_uri), location
        assert "code" in parse_qs(urlsplit(location).query)
        assert server.wait(timeout=20) == 0, server_log.read_text(errors="replace")[-2000:]
        # And it no longer takes connections.
        with pytest.raises(requests.ConnectionError):
            requests.get(issuer + "/healthz", timeout=2)
    finally:
        for process in (server, sim):
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
