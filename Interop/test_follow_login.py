"""Follow the Official Account to log in (`login.page: follow`) in a real headless Chromium: the
demo app's "Sign in with WeChat" lands on our page with the Official Account's parametric QR
(from the simulator's `showqrcode`); the test plays the phone (`POST /_simulator/scan`, whose
push dev's simulator delivers, signed, to our server URL) and WeChat's retry of the push; the
page's own polling script notices the scan and takes the
browser back to the app, signed in with amr wechat_oa_follow.

Screenshots are kept in `$WECHAT_OIDC_SCREENSHOTS` (default `Interop/screenshots/`).
"""

from __future__ import annotations

import hashlib
import time
import urllib.parse

import pytest
import requests
from selenium.webdriver.common.by import By

from interop_support import running_dev
from test_login_page import CHROMEDRIVER, CHROMIUM, make_chrome, screenshot, wait_for

# `wechat-oidc dev`'s push-URL token (DevCommand.devServerToken).
DEV_TOKEN = "wechatoidcdev"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


@pytest.fixture(scope="module")
def follow(tmp_path_factory):
    """`wechat-oidc dev --login-page follow`."""
    with running_dev(tmp_path_factory.mktemp("follow-login"), "--login-page", "follow") as issuer:
        yield issuer


def push(issuer: str, xml: str) -> requests.Response:
    """The event push as WeChat sends it in plain mode (WECHAT.md §5.3)."""
    timestamp, nonce = str(int(time.time())), "interop42"
    signature = hashlib.sha1("".join(sorted([DEV_TOKEN, timestamp, nonce])).encode()).hexdigest()
    query = urllib.parse.urlencode({"signature": signature, "timestamp": timestamp, "nonce": nonce})
    return requests.post(f"{issuer}/callback/wechat/events?{query}", data=xml.encode(), timeout=10)


@pytest.mark.parametrize("language,heading", [
    ("en-US", "Follow our Official Account to sign in"),
    ("zh-CN", "关注公众号登录"),
])
def test_scanning_the_follow_qr_signs_the_page_in(follow, tmp_path, language, heading):
    chrome = make_chrome(tmp_path, language=language)
    try:
        chrome.get(follow + "/demo")
        chrome.find_element(By.ID, "sign-in").click()
        assert wait_for(chrome, By.ID, "login-title").text == heading
        image = chrome.find_element(By.ID, "follow-qr")
        source = image.get_attribute("src")
        assert source.startswith(follow + "/wechat/cgi-bin/showqrcode?ticket="), source
        # The image loaded (the simulator's stand-in SVG).
        assert chrome.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image)
        ticket = urllib.parse.parse_qs(urllib.parse.urlsplit(source).query)["ticket"][0]
        time.sleep(1.5)  # the page polls at least once while waiting
        problems = [entry for entry in chrome.get_log("browser")
                    if entry["level"] == "SEVERE" and entry.get("source") != "network"]
        assert not problems, problems
        screenshot(chrome, f"follow-login-{language}")
        scan = requests.post(follow + "/wechat/_simulator/scan", json={"ticket": ticket, "user": "xiaoming"}, timeout=10)
        assert scan.status_code == 200, scan.text
        # dev's simulator delivered the signed push to our server URL itself…
        assert scan.json()["delivered"] is True and scan.json()["reply"] == "success", scan.text
        # …and WeChat's retry of it changes nothing.
        answer = push(follow, scan.json()["xml"])
        assert answer.status_code == 200 and answer.text == "success"
        welcome = wait_for(chrome, By.ID, "welcome")
        assert welcome.text.startswith("Signed in as")
        assert chrome.current_url.startswith(follow + "/demo")
        claims = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
                  for row in chrome.find_elements(By.CSS_SELECTOR, "#claims tr")}
        assert claims["amr"] == '["wechat_oa_follow"]'
        screenshot(chrome, f"follow-login-{language}-signed-in")
    finally:
        chrome.quit()
