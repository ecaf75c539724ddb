"""conformance/: the files people give the OpenID Foundation conformance suite still fit the
provider.

The suite itself (a Java service with MongoDB) does not run in CI. What can drift here is ours:
`setup-clients.sh` against the real CLI and discovery document, and the `browser` blocks against
the real pages (the simulator's QR page, the provider's error page). So this test runs
`setup-clients.sh` against `wechat-oidc dev`, with a stand-in for the suite (a local HTTP server
answering on the suite's callback path with the suite's `submission_complete` marker), and
replays the basic plan's browser tasks in headless Chromium the way the suite's browser runner
does: the `match` patterns with Spring's simpleMatch semantics (`*` = anything), `click`,
`wait` on an element (optionally its text against a regexp) and `wait contains` on the URL.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from interop_support import Provider, free_port
from test_browser_pages import CHROMEDRIVER, CHROMIUM, chrome, manual_approval  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parent.parent
SETUP = REPO / "conformance" / "setup-clients.sh"
TEMPLATES = REPO / "conformance" / "templates"
PLANS = ["basic", "config", "dynamic", "formpost", "logout", "backchannel"]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


class FakeSuite(BaseHTTPRequestHandler):
    """Answers every GET/POST like the suite's callback page, once it has 'processed' it."""

    def _answer(self):
        body = b'<!doctype html><title>suite</title><p id="submission_complete">done</p>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def suite():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), FakeSuite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def configs(provider: Provider, suite: str, tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("conformance-out")
    env = dict(os.environ, WECHAT_OIDC_CLI=str(provider.binary),
               WECHAT_OIDC_DATABASE_URL=provider.database_url, WECHAT_OIDC_KEYS_DIR=str(provider.keys_dir))
    done = subprocess.run(
        ["bash", str(SETUP), "--issuer", provider.issuer, "--suite", suite, "--out", str(out), *PLANS],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, f"setup-clients.sh exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    # The plans the deployment can't serve yet are named, not hidden.
    assert "dynamic client registration" in done.stderr
    # Logout is offered: the logout plans' static clients get their post-logout URIs.
    assert "end_session_endpoint" not in done.stderr
    files = {}
    for template in sorted(TEMPLATES.glob("*.json")):
        filled = out / template.name
        assert filled.is_file(), f"no {filled}:\n{done.stdout}"
        assert stat.S_IMODE(filled.stat().st_mode) == 0o600, "a file with client secrets must be private"
        text = filled.read_text()
        assert "${" not in text, f"unfilled placeholder in {filled}"
        files[template.name.removesuffix(".json")] = json.loads(text)
        assert f"'{template.stem}" in done.stdout, f"no run-test-plan.py line for {template.stem}"
    ledger = (out / "registered-clients.txt").read_text().splitlines()
    assert len(ledger) == 3 * 4, ledger  # three clients for each static-client plan
    return files


def simple_match(pattern: str, text: str) -> bool:
    """Spring's PatternMatchUtils.simpleMatch, which the suite's browser runner uses."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), text, re.DOTALL) is not None


def locate(driver, kind: str, target: str):
    by = {"id": By.ID, "name": By.NAME, "xpath": By.XPATH, "css": By.CSS_SELECTOR, "class": By.CLASS_NAME}[kind]
    return by, target


def run_browser_block(driver, block: dict, start_url: str) -> list[str]:
    """What the suite does with one `browser` entry: open the URL it matched, then each task
    in order (skipping optional tasks whose `match` doesn't fit the current URL)."""
    assert simple_match(block["match"], start_url), (block["match"], start_url)
    driver.get(start_url)
    done = []
    for task in block["tasks"]:
        url = driver.current_url
        if not simple_match(task.get("match", "*"), url):
            assert task.get("optional"), f"task {task['task']!r} expected {task['match']} but the browser is at {url}"
            continue
        for command in task.get("commands", []):
            verb, kind, target = command[0], command[1], command[2]
            if verb == "click":
                driver.find_element(*locate(driver, kind, target)).click()
            elif verb == "wait" and kind == "contains":
                WebDriverWait(driver, command[3]).until(lambda d: target in d.current_url)
            elif verb == "wait":
                regexp = command[4] if len(command) > 4 else None
                def ready(d):
                    elements = d.find_elements(*locate(d, kind, target))
                    return elements and (regexp is None or re.search(regexp, elements[0].text))
                try:
                    WebDriverWait(driver, command[3]).until(ready)
                except TimeoutException:
                    raise AssertionError(f"task {task['task']!r}: timed out on {command} at {driver.current_url}")
            else:
                raise AssertionError(f"unexpected command {command}")
        done.append(task["task"])
    return done


def authorization_url(provider: Provider, client_id: str, redirect_uri: str, state: str) -> str:
    return provider.metadata["authorization_endpoint"] + "?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "scope": "openid profile", "state": state, "nonce": secrets.token_urlsafe(12),
    })


def test_setup_clients_registers_the_suites_redirect_uris(configs, provider: Provider, suite: str):
    basic = configs["oidcc-basic-certification-test-plan"]
    assert basic["server"]["discoveryUrl"] == provider.issuer + "/.well-known/openid-configuration"
    assert basic["browser"][0]["match"] == provider.metadata["authorization_endpoint"] + "*"
    ids = set()
    for plan in ("oidcc-basic-certification-test-plan", "oidcc-formpost-basic-certification-test-plan",
                 "oidcc-rp-initiated-logout-certification-test-plan",
                 "oidcc-backchannel-rp-initiated-logout-certification-test-plan"):
        config = configs[plan]
        for role in ("client", "client2", "client_secret_post"):
            client_id = config[role]["client_id"]
            ids.add(client_id)
            shown = provider.cli("clients", "show", client_id, "--json")
            assert shown.returncode == 0, shown.stderr
            callback = f"{suite}/test/a/{config['alias']}/callback"
            assert json.loads(shown.stdout)["redirect_uris"] == [callback, callback + "?dummy1=lorem&dummy2=ipsum"]
    assert len(ids) == 12, "every plan has clients of its own"
    assert configs["oidcc-config-certification-test-plan"].keys() == {"alias", "description", "server"}
    assert "client_id" not in configs["oidcc-dynamic-certification-test-plan"]["client"]


@needs_chromium
def test_basic_plan_browser_block_logs_in_through_the_simulator_qr_page(configs, provider: Provider, chrome, tmp_path):
    basic = configs["oidcc-basic-certification-test-plan"]
    client = basic["client"]
    redirect_uri = json.loads(provider.cli("clients", "show", client["client_id"], "--json").stdout)["redirect_uris"][0]
    state = secrets.token_urlsafe(12)
    with manual_approval(provider):
        tasks = run_browser_block(chrome, basic["browser"][0], authorization_url(provider, client["client_id"], redirect_uri, state))
        chrome.save_screenshot(str(tmp_path / "callback.png"))
    # Both tasks ran: the QR page's Confirm, then the suite's callback page.
    assert len(tasks) == 2, tasks
    landed = urlsplit(chrome.current_url)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == redirect_uri
    params = {name: values[0] for name, values in parse_qs(landed.query).items()}
    assert params["state"] == state and params["iss"] == provider.issuer and params["code"]


@needs_chromium
def test_basic_plan_prompt_login_override_captures_the_qr_page(configs, provider: Provider, chrome):
    basic = configs["oidcc-basic-certification-test-plan"]
    block = basic["override"]["oidcc-prompt-login"]["browser"][0]
    client = basic["client"]
    redirect_uri = json.loads(provider.cli("clients", "show", client["client_id"], "--json").stdout)["redirect_uris"][0]
    with manual_approval(provider):
        tasks = run_browser_block(chrome, block, authorization_url(provider, client["client_id"], redirect_uri, "s1"))
    assert len(tasks) == 2, tasks


@needs_chromium
def test_basic_plan_unregistered_redirect_uri_override_waits_for_our_error_page(configs, provider: Provider, chrome, suite: str):
    basic = configs["oidcc-basic-certification-test-plan"]
    block = basic["override"]["oidcc-ensure-registered-redirect-uri"]["browser"][0]
    client = basic["client"]
    unregistered = f"{suite}/test/a/{basic['alias']}/callback/not-registered"
    tasks = run_browser_block(chrome, block, authorization_url(provider, client["client_id"], unregistered, "s2"))
    assert tasks == ["wechat-oidc error page"]
    assert chrome.current_url.startswith(provider.metadata["authorization_endpoint"])


def test_templates_only_use_placeholders_setup_fills():
    known = {"SUITE", "ALIAS", "ISSUER", "AUTHORIZATION_ENDPOINT", "END_SESSION_ENDPOINT", "WECHAT_USER",
             "CLIENT_ID", "CLIENT_SECRET", "CLIENT2_ID", "CLIENT2_SECRET", "CLIENT_POST_ID", "CLIENT_POST_SECRET"}
    for template in TEMPLATES.glob("*.json"):
        text = template.read_text()
        json.loads(text)
        used = set(re.findall(r"\$\{([A-Z0-9_]+)\}", text))
        assert used <= known, (template.name, used - known)
