"""Follow the Official Account to log in across three `wechat-oidc serve` replicas on one
PostgreSQL database (WECHAT.md §7: "Per-process maps for QR scan state break behind a load
balancer; fetching a global token per login burns the quota and invalidates other replicas'
tokens").

Logins start at once on different replicas; each one's QR page comes from one replica, WeChat's
push lands on a second, the browser polls and completes on a third. Across all of them the
Official Account's global token is fetched from WeChat exactly once (the replicas' own
`wechat_calls_total{api="/cgi-bin/stable_token"}` metrics).

Needs `WECHAT_OIDC_TEST_POSTGRES_URL` and `psql`, like `test_replicas.py`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from interop_support import HTTP_TIMEOUT
from test_replicas import Cluster, _client, _jwt_part, _token, pytestmark, run_cluster  # noqa: F401

OA_APPID = "wx7a1e4c9b2d6f0a35"
OA_SECRET = "9f2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e"
PUSH_TOKEN = "replicatoken9"


class FollowCluster(Cluster):
    def env(self, port: int | None = None) -> dict[str, str]:
        env = super().env(port)
        env.update({
            "WECHAT_OIDC_OFFICIAL_ACCOUNT_APPID": OA_APPID,
            "WECHAT_OIDC_OFFICIAL_ACCOUNT_SECRET": OA_SECRET,
            "WECHAT_OIDC_OFFICIAL_ACCOUNT_TOKEN": PUSH_TOKEN,
            "WECHAT_OIDC_LOGIN_PAGE": "follow",
        })
        return env


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    yield from run_cluster(tmp_path_factory.mktemp("follow-replicas"), FollowCluster, "follow_", [])


def _replica(cluster: Cluster, index: int) -> str:
    return f"http://127.0.0.1:{cluster.ports[index % 3]}"


def _push(cluster: Cluster, replica: int, xml: str) -> requests.Response:
    timestamp, nonce = str(int(time.time())), "n" + secrets.token_hex(4)
    signature = hashlib.sha1("".join(sorted([PUSH_TOKEN, timestamp, nonce])).encode()).hexdigest()
    query = urlencode({"signature": signature, "timestamp": timestamp, "nonce": nonce})
    return requests.post(f"{_replica(cluster, replica)}/callback/wechat/events?{query}", data=xml.encode(), timeout=HTTP_TIMEOUT)


def _stable_token_calls(cluster: Cluster) -> int:
    total = 0
    for index in range(3):
        metrics = requests.get(f"{_replica(cluster, index)}/metrics", timeout=HTTP_TIMEOUT).text
        for line in metrics.splitlines():
            if line.startswith("wechat_oidc_wechat_calls_total") and 'api="/cgi-bin/stable_token"' in line:
                total += int(float(line.rsplit(" ", 1)[1]))
    return total


def test_follow_logins_hop_between_replicas_with_one_global_token_fetch(cluster):
    client = _client(cluster)
    users = ["alice", "xiaoming", "noavatar"]
    pages: dict[int, tuple[requests.Session, str, str]] = {}
    errors: list[str] = []

    def start(index: int) -> None:
        try:
            session = requests.Session()
            query = urlencode({
                "response_type": "code", "client_id": client["client_id"], "redirect_uri": client["redirect_uri"],
                "scope": "openid profile", "state": f"s{index}", "nonce": "n",
            })
            page = session.get(f"{_replica(cluster, index)}/authorize?{query}", allow_redirects=False, timeout=HTTP_TIMEOUT)
            assert page.status_code == 200, page.text[:300]
            image = re.search(r'<img id="follow-qr" src="([^"]+)"', page.text)
            scene = re.search(r'data-status-url="/login/follow-status\?scene=([A-Za-z0-9]+)"', page.text)
            assert image and scene, page.text[:500]
            ticket = parse_qs(urlsplit(image.group(1).replace("&amp;", "&")).query)["ticket"][0]
            pages[index] = (session, ticket, scene.group(1))
        except Exception as error:  # reported below, with the replica's logs
            errors.append(f"login {index}: {error!r}")

    # Six logins start at once on the three replicas: none has a global token yet.
    threads = [threading.Thread(target=start, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, "\n".join(errors) + "\n" + cluster.log_tail()

    subs = {}
    for index, (session, ticket, scene) in sorted(pages.items()):
        user = users[index % 3]
        scan = requests.post(cluster.simulator + "/_simulator/scan", json={"ticket": ticket, "user": user}, timeout=HTTP_TIMEOUT)
        assert scan.status_code == 200, scan.text
        # WeChat's push lands on the next replica (and is retried on the one after).
        for hop in (1, 2):
            answer = _push(cluster, index + hop, scan.json()["xml"])
            assert answer.status_code == 200 and answer.text == "success", answer.text
        status = session.get(f"{_replica(cluster, index + 2)}/login/follow-status?scene={scene}", timeout=HTTP_TIMEOUT)
        assert status.json() == {"status": "scanned"}, status.text
        done = session.get(f"{_replica(cluster, index + 1)}/login/follow-complete?scene={scene}",
                           allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert done.status_code in (302, 303), done.text[:300]
        location = done.headers["Location"]
        code = parse_qs(urlsplit(location).query)["code"][0]
        token = _token(cluster, index % 3, client, code)
        assert token.status_code == 200, token.text
        claims = _jwt_part(token.json()["id_token"], 1)
        assert claims["amr"] == ["wechat_oa_follow"]
        subs.setdefault(user, set()).add(claims["sub"])
        # Single use, whichever replica is asked.
        again = session.get(f"{_replica(cluster, index + 2)}/login/follow-complete?scene={scene}",
                            allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert again.status_code == 400
    # One person, one sub, whichever replica signed them in.
    assert all(len(found) == 1 for found in subs.values()), subs
    assert len({sub for found in subs.values() for sub in found}) == 3
    assert _stable_token_calls(cluster) == 1
