"""The pages as a person sees them, in a real headless browser (Debian's Chromium driven by
Selenium): the demo app's "Sign in with WeChat", the simulator's QR page with Confirm and
Cancel, and the provider's error page. Screenshots land in the pytest temp folder.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


@pytest.fixture
def chrome(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1000,1200", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@contextmanager
def manual_approval(provider):
    """Turn the simulator's auto-approve off for one test, so the QR page shows."""
    control = provider.issuer + "/wechat/_simulator/auto-approve"
    assert requests.post(control, json={"user": None}, timeout=10).status_code == 200
    try:
        yield
    finally:
        requests.post(control, json={"user": "alice"}, timeout=10)


def wait_for(driver, by, value):
    return WebDriverWait(driver, 20).until(EC.presence_of_element_located((by, value)))


def test_demo_sign_in_with_wechat_confirm(provider, chrome, tmp_path):
    with manual_approval(provider):
        chrome.get(provider.issuer + "/demo")
        chrome.save_screenshot(str(tmp_path / "1-demo.png"))
        chrome.find_element(By.ID, "sign-in").click()
        # The simulator's QR page: a Confirm button per test user.
        confirm = wait_for(chrome, By.CSS_SELECTOR, 'button[name="user"][value="xiaoming"]')
        assert "/wechat/connect/qrconnect" in chrome.current_url
        chrome.save_screenshot(str(tmp_path / "2-qrconnect.png"))
        confirm.click()
        welcome = wait_for(chrome, By.ID, "welcome")
        chrome.save_screenshot(str(tmp_path / "3-signed-in.png"))
        assert welcome.text == "Signed in as 小明🐼"
        claims = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
                  for row in chrome.find_elements(By.CSS_SELECTOR, "#claims tr")}
        assert claims["iss"] == provider.issuer
        assert claims["aud"] == "demo"
        assert claims["amr"] == '["wechat_qr"]'
        userinfo = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
                    for row in chrome.find_elements(By.CSS_SELECTOR, "#userinfo tr")}
        assert userinfo["sub"] == claims["sub"]
        assert userinfo["nickname"] == "小明🐼"


def test_demo_cancel_at_wechat_reaches_the_app_as_access_denied(provider, chrome):
    with manual_approval(provider):
        chrome.get(provider.issuer + "/demo")
        chrome.find_element(By.ID, "sign-in").click()
        wait_for(chrome, By.CSS_SELECTOR, 'button[name="cancel"]').click()
        message = wait_for(chrome, By.ID, "error-message")
        assert "access_denied" in message.text


def test_unknown_client_gets_the_error_page_not_a_redirect(provider, chrome, tmp_path):
    chrome.get(provider.issuer + "/authorize?response_type=code&client_id=nobody"
               "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&scope=openid&state=x")
    title = wait_for(chrome, By.ID, "error-title")
    chrome.save_screenshot(str(tmp_path / "error-page.png"))
    assert chrome.current_url.startswith(provider.issuer + "/authorize")
    assert title.text == "This sign-in request cannot be completed"
    assert wait_for(chrome, By.ID, "error-code").text == "invalid_client"
    assert chrome.find_element(By.ID, "error-title-zh").text == "登录未能完成"
