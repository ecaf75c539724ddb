"""Our own login page (`login.page: embedded`) in a real headless Chromium: the demo app's
"Sign in with WeChat" lands on our page, which names the app and embeds WeChat's QR in an
iframe as `wxLogin.js` does; confirming inside the iframe sends the *top* window through our
callback back to the app. In English and Chinese, on a desktop and a phone-sized screen.

Screenshots of every page are kept in `$WECHAT_OIDC_SCREENSHOTS` (default
`Interop/screenshots/`) for people to look at.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from interop_support import REPO, running_dev

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = Path(os.environ.get("WECHAT_OIDC_SCREENSHOTS", str(REPO / "Interop" / "screenshots")))
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """`wechat-oidc dev --login-page embedded`, without auto-approval (a person confirms)."""
    with running_dev(tmp_path_factory.mktemp("login-page"), "--login-page", "embedded") as issuer:
        yield issuer


WECHAT_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
             "Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN")


def make_chrome(tmp_path, *, language: str, phone: bool = False, user_agent: str | None = None):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    if phone:
        # A phone's screen (desktop windows have a minimum width, so emulate the device).
        emulation = {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2}}
        if user_agent:
            emulation["userAgent"] = user_agent
        options.add_experimental_option("mobileEmulation", emulation)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1100,1000",
                     f"--lang={language}", f"--user-data-dir={tmp_path / ('profile-' + language + ('-phone' if phone else ''))}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


def screenshot(driver, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def wait_for(driver, by, value):
    return WebDriverWait(driver, 20).until(EC.presence_of_element_located((by, value)))


@pytest.mark.parametrize("language,title,continue_to", [
    ("en-US", "Sign in with WeChat", "to continue to wechat-oidc demo app"),
    ("zh-CN", "使用微信登录", "继续前往 wechat-oidc demo app"),
])
def test_login_page_embeds_the_qr_and_confirming_in_it_signs_in(embedded, tmp_path, language, title, continue_to):
    chrome = make_chrome(tmp_path, language=language)
    try:
        chrome.get(embedded + "/demo")
        chrome.find_element(By.ID, "sign-in").click()
        heading = wait_for(chrome, By.ID, "login-title")
        assert chrome.current_url.startswith(embedded + "/authorize?")
        assert heading.text == title
        assert chrome.find_element(By.ID, "client-name").text == continue_to
        assert chrome.find_element(By.TAG_NAME, "html").get_attribute("lang") == ("en" if language == "en-US" else "zh-CN")
        status = chrome.find_element(By.ID, "status")
        assert status.get_attribute("role") == "status"
        # The fresh-QR button appears only once the QR has expired.
        assert not chrome.find_element(By.ID, "refresh").is_displayed()
        frame = chrome.find_element(By.ID, "wechat-qr")
        assert frame.size["width"] >= 300 and frame.size["height"] >= 400, frame.size
        # The page ran its script (allowed by its CSP hash): no script or CSP errors (network
        # errors, such as the offline simulated avatars, do not count).
        problems = [entry for entry in chrome.get_log("browser")
                    if entry["level"] == "SEVERE" and entry.get("source") != "network"]
        assert not problems, problems
        time.sleep(0.5)
        screenshot(chrome, f"login-page-{language}")
        # Inside WeChat's iframe: a person confirms as xiaoming.
        chrome.switch_to.frame(frame)
        wait_for(chrome, By.CSS_SELECTOR, 'button[name="user"][value="xiaoming"]').click()
        chrome.switch_to.default_content()
        welcome = wait_for(chrome, By.ID, "welcome")
        assert welcome.text == "Signed in as 小明🐼"
        assert chrome.current_url.startswith(embedded + "/demo")
        screenshot(chrome, f"login-page-{language}-signed-in")
    finally:
        chrome.quit()


def test_login_page_on_a_phone_sized_screen(embedded, tmp_path):
    chrome = make_chrome(tmp_path, language="zh-CN", phone=True)
    try:
        chrome.get(embedded + "/demo")
        chrome.find_element(By.ID, "sign-in").click()
        wait_for(chrome, By.ID, "login-title")
        frame = chrome.find_element(By.ID, "wechat-qr")
        # Nothing overflows the 390 px wide screen.
        widths = chrome.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[1] == 390, widths
        assert widths[0] <= 390, widths
        assert frame.size["width"] <= 390
        screenshot(chrome, "login-page-phone")
        # The other language is one tap away.
        chrome.find_element(By.ID, "other-language").click()
        assert wait_for(chrome, By.ID, "login-title").text == "Sign in with WeChat"
        screenshot(chrome, "login-page-phone-en")
    finally:
        chrome.quit()


def test_inside_wechat_on_a_phone_the_official_account_door_is_taken(embedded, tmp_path):
    """A phone whose browser says MicroMessenger: no QR page at all; WeChat's web authorization
    (the simulated Official Account consent) signs the person in, with amr wechat_oa."""
    chrome = make_chrome(tmp_path, language="zh-CN", phone=True, user_agent=WECHAT_UA)
    try:
        assert "MicroMessenger" in chrome.execute_script("return navigator.userAgent")
        chrome.get(embedded + "/demo")
        chrome.find_element(By.ID, "sign-in").click()
        allow = wait_for(chrome, By.CSS_SELECTOR, 'button[name="user"][value="alice"]')
        assert "/wechat/connect/oauth2/authorize" in chrome.current_url
        assert not chrome.find_elements(By.ID, "wechat-qr")
        screenshot(chrome, "in-wechat-consent-phone")
        allow.click()
        wait_for(chrome, By.ID, "welcome")
        claims = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
                  for row in chrome.find_elements(By.CSS_SELECTOR, "#claims tr")}
        assert claims["amr"] == '["wechat_oa"]'
        screenshot(chrome, "in-wechat-signed-in-phone")
    finally:
        chrome.quit()
