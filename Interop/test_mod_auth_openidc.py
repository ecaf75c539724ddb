"""Apache httpd with mod_auth_openidc (Debian's apache2 + libapache2-mod-auth-openidc) protects a
directory with wechat-oidc as its OpenID provider.

Each Apache instance (one for the module's tests, one more for the wrong-secret negative) gets
a self-contained configuration in a temporary directory
(its own ServerRoot, PidFile, ErrorLog, runtime directory, a free loopback port), starts Debian's
`apache2 -f CONF -X` in the foreground, and points mod_auth_openidc at our discovery document
with a client registered by `wechat-oidc clients create`. `/protected/` is an SSI page that
echoes what mod_auth_openidc hands the application (OIDC_CLAIM_sub, the ID token payload, the
userinfo JSON, the access token). A `requests.Session` plays the browser: Apache → provider →
WeChat simulator (auto-approve) → provider → Apache's redirect URI → the protected page.

Plain http on loopback needs no weakening of the provider, only RP-side settings:
`OIDCCookieSameSite On` (Lax state and session cookies instead of the default `SameSite=None`,
which browsers refuse without `Secure`, i.e. over http; Lax works for this top-level redirect
flow), `OIDCSessionType server-cache`, and `OIDCStateInputHeaders none` (the state fingerprint
does not depend on the User-Agent). mod_auth_openidc only warns that the metadata URL and
redirect URI SHOULD be https.

Skipped, with the reason, only where apache2 or the module is not installed (`.ci/run`
installs both).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from interop_support import HTTP_TIMEOUT, Provider, RegisteredClient, free_port

APACHE_CANDIDATES = ["/usr/sbin/apache2", "/usr/sbin/httpd"]
MODULES_DIR = Path("/usr/lib/apache2/modules")
OPENIDC_MODULE = MODULES_DIR / "mod_auth_openidc.so"
STARTUP_TIMEOUT = 30.0
SCOPE = "openid profile"

# What the protected page shows: one NAME=value line per variable, values unescaped.
ECHOED = [
    "REMOTE_USER",
    "OIDC_CLAIM_sub",
    "OIDC_CLAIM_iss",
    "OIDC_CLAIM_nickname",
    "OIDC_id_token_payload",
    "OIDC_userinfo_json",
    "OIDC_access_token",
]


def apache_binary() -> str | None:
    for candidate in [shutil.which("apache2"), *APACHE_CANDIDATES]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


APACHE_CONF = """\
# Written by Interop/test_mod_auth_openidc.py for one test run.
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{root}/apache2.pid"
DefaultRuntimeDir "{root}/run"
ErrorLog "{root}/error.log"
LogLevel warn auth_openidc:info
LogFormat "%h \\"%r\\" %>s" short
CustomLog "{root}/access.log" short
{user_group}
LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so
LoadModule authn_core_module {modules}/mod_authn_core.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_user_module {modules}/mod_authz_user.so
LoadModule mime_module {modules}/mod_mime.so
LoadModule dir_module {modules}/mod_dir.so
LoadModule include_module {modules}/mod_include.so
LoadModule auth_openidc_module {modules}/mod_auth_openidc.so

TypesConfig /dev/null
DocumentRoot "{root}/htdocs"
<Directory "{root}/htdocs">
    Options +Includes
    AllowOverride None
    Require all granted
    DirectoryIndex index.shtml
    AddType "text/plain; charset=utf-8" .shtml
    AddOutputFilter INCLUDES .shtml
</Directory>

OIDCProviderMetadataURL {issuer}/.well-known/openid-configuration
OIDCClientID {client_id}
OIDCClientSecret {client_secret}
OIDCRedirectURI http://127.0.0.1:{port}/protected/redirect_uri
OIDCCryptoPassphrase {passphrase}
OIDCScope "{scope}"
OIDCResponseType code
OIDCSessionType server-cache
OIDCCookieSameSite On
OIDCStateInputHeaders none
OIDCRemoteUserClaim sub
OIDCPassClaimsAs environment
OIDCPassIDTokenAs claims payload
OIDCPassUserInfoAs claims json
OIDCHTTPTimeoutShort 10
OIDCHTTPTimeoutLong 30

<Location /protected/>
    AuthType openid-connect
    Require valid-user
</Location>
"""

PAGE = "".join(f'{name}=<!--#echo encoding="none" var="{name}" -->\n' for name in ECHOED)


@dataclass
class Apache:
    root: Path
    port: int
    client: RegisteredClient
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def error_log(self, lines: int = 60) -> str:
        try:
            text = (self.root / "error.log").read_text(errors="replace")
        except OSError:
            return "(no error.log)"
        return "\n".join(text.splitlines()[-lines:])


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def running_apache(provider: Provider, *, wrong_secret: bool = False):
    """Registers a client for a fresh Apache on a free port, starts it, and stops it after."""
    binary = apache_binary()
    if binary is None:
        pytest.skip("apache2 is not installed: apt-get install apache2 libapache2-mod-auth-openidc (.ci/run does)")
    if not OPENIDC_MODULE.is_file():
        pytest.skip(f"{OPENIDC_MODULE} is missing: apt-get install libapache2-mod-auth-openidc (.ci/run does)")

    port = free_port()
    client = provider.register_client(
        "Apache mod_auth_openidc", redirect_uri=f"http://127.0.0.1:{port}/protected/redirect_uri"
    )
    secret = ("wrong-" + client.client_secret) if wrong_secret else client.client_secret
    # Not under pytest's 0700 tmp tree: when run as root, Apache serves files as www-data.
    root = Path(tempfile.mkdtemp(prefix="wechat-oidc-apache-"))
    (root / "run").mkdir()
    (root / "htdocs" / "protected").mkdir(parents=True)
    (root / "htdocs" / "protected" / "index.shtml").write_text(PAGE)
    for path in [root, root / "htdocs", root / "htdocs" / "protected"]:
        path.chmod(0o755)
    (root / "htdocs" / "protected" / "index.shtml").chmod(0o644)
    # Apache refuses to serve as root; as root it switches to www-data, otherwise it stays who it is.
    user_group = "User www-data\nGroup www-data" if os.geteuid() == 0 else ""
    conf = root / "apache2.conf"
    conf.write_text(APACHE_CONF.format(
        root=root, port=port, modules=MODULES_DIR, user_group=user_group, issuer=provider.issuer,
        client_id=client.client_id, client_secret=secret,
        passphrase=secrets.token_urlsafe(32), scope=SCOPE,
    ))
    checked = subprocess.run([binary, "-f", str(conf), "-t"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, f"apache2 -t rejected {conf}:\n{checked.stdout}{checked.stderr}"

    output = open(root / "apache2.out", "wb")
    process = subprocess.Popen(
        [binary, "-f", str(conf), "-X"], stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    instance = Apache(root=root, port=port, client=client, process=process)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"apache2 exited with {process.returncode}:\n{(root / 'apache2.out').read_text(errors='replace')}\n{instance.error_log()}")
            try:
                requests.get(instance.base + "/", timeout=2)
                break
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline:
                    pytest.fail(f"apache2 did not answer on {instance.base} within {STARTUP_TIMEOUT:.0f} s:\n{instance.error_log()}")
                time.sleep(0.2)
        yield instance
    finally:
        _stop(process)
        output.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def apache(provider: Provider):
    with running_apache(provider) as instance:
        yield instance


def page_values(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        name, separator, value = line.partition("=")
        if separator and name in ECHOED:
            values[name] = value
    return values


def test_unauthenticated_request_is_sent_to_our_authorization_endpoint(apache: Apache, provider: Provider):
    response = requests.get(apache.base + "/protected/", allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert response.status_code == 302, f"{response.status_code} {response.text[:500]}\n{apache.error_log()}"
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == provider.metadata["authorization_endpoint"]
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert query["client_id"] == apache.client.client_id
    assert query["redirect_uri"] == apache.client.redirect_uri
    assert query["response_type"] == "code"
    assert query["scope"] == SCOPE
    assert query["state"] and query["nonce"]
    assert any(cookie.startswith("mod_auth_openidc_state_") for cookie in response.cookies.keys()), response.headers


def test_login_through_apache_reaches_the_protected_page(apache: Apache, provider: Provider):
    with requests.Session() as browser:
        response = browser.get(apache.base + "/protected/", timeout=HTTP_TIMEOUT)
        hops = [f"{hop.status_code} {hop.url} -> {hop.headers.get('Location')}" for hop in response.history]
        # (The fragment is test_no_wechat_fragment_reaches_the_redirect_uri's business.)
        assert response.status_code == 200 and response.url.split("#")[0] == apache.base + "/protected/", (
            f"ended at {response.status_code} {response.url}\nhops:\n  " + "\n  ".join(hops)
            + f"\nbody: {response.text[:1500]}\napache error.log:\n{apache.error_log()}\nprovider log:\n{provider.log_tail(30)}"
        )
        # The round trip went Apache → our /authorize → WeChat simulator → our callback → Apache's redirect URI.
        assert any("/protected/redirect_uri?" in hop for hop in hops), hops
        values = page_values(response.text)

        id_token = json.loads(values["OIDC_id_token_payload"])
        userinfo_seen_by_apache = json.loads(values["OIDC_userinfo_json"])
        assert id_token["iss"] == provider.issuer == values["OIDC_CLAIM_iss"]
        assert id_token["aud"] in (apache.client.client_id, [apache.client.client_id])
        assert id_token["azp"] == apache.client.client_id
        assert re.fullmatch(r"[A-Za-z0-9]{24}", values["OIDC_CLAIM_sub"]), values
        assert values["OIDC_CLAIM_sub"] == id_token["sub"] == values["REMOTE_USER"]
        # mod_auth_openidc called our userinfo endpoint with its access token (the profile
        # claims are not in the ID token).
        assert userinfo_seen_by_apache["sub"] == id_token["sub"]
        assert values["OIDC_CLAIM_nickname"] == userinfo_seen_by_apache["nickname"] == "Alice"

        # Our own userinfo call with the access token Apache obtained names the same person.
        userinfo = requests.get(
            provider.metadata["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {values['OIDC_access_token']}"}, timeout=HTTP_TIMEOUT,
        )
        assert userinfo.status_code == 200, userinfo.text
        assert userinfo.json()["sub"] == values["OIDC_CLAIM_sub"]

        # The Apache session now stands on its own: no further trip to the provider.
        again = browser.get(apache.base + "/protected/", allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert again.status_code == 200, again.headers
        assert page_values(again.text)["OIDC_CLAIM_sub"] == values["OIDC_CLAIM_sub"]


def test_apache_with_a_wrong_client_secret_is_refused_at_our_token_endpoint(provider: Provider):
    """The negative: same setup, but Apache authenticates with a wrong secret. Our token
    endpoint must answer invalid_client, and Apache must not let the browser in."""
    with running_apache(provider, wrong_secret=True) as apache, requests.Session() as browser:
        response = browser.get(apache.base + "/protected/", timeout=HTTP_TIMEOUT)
        assert "OIDC_CLAIM_sub=" not in response.text, response.text[:500]
        # mod_auth_openidc 2.4.12 serves its error page with status 200.
        assert "OpenID Connect Provider error" in response.text, (response.status_code, response.text[:1000])
        assert response.url.split("?")[0] == apache.base + "/protected/redirect_uri"
        log = apache.error_log(200)
        assert '"invalid_client"' in log and "failed to resolve the code" in log, log


def test_no_wechat_fragment_reaches_the_redirect_uri(apache: Apache):
    """The RP's redirect URI should arrive as the provider built it, without WeChat's
    `#wechat_redirect` (a browser carries a fragment over redirects whose Location has none;
    requests does the same). Single-page RPs read the fragment; the provider's redirect to the
    RP ends in an explicit empty fragment (`…&iss=…#`) to stop the inheritance."""
    with requests.Session() as browser:
        response = browser.get(apache.base + "/protected/", timeout=HTTP_TIMEOUT)
    # Browsers honour an explicit empty fragment in Location (RFC 9110 §10.2.2: only a Location
    # *without* a fragment inherits one); requests treats "…#" like no fragment, so check what
    # the provider sent rather than the URL requests assembled.
    to_rp = [hop.headers["Location"] for hop in response.history
             if "/protected/redirect_uri?" in hop.headers.get("Location", "")]
    assert to_rp, [hop.url for hop in response.history]
    assert to_rp[0].endswith("#"), to_rp[0]
