"""Three `wechat-oidc serve` replicas on one PostgreSQL database, as behind a load balancer.

Nothing a login needs may live in one process's memory: a login's steps hop between replicas
(authorize on the first, WeChat's callback on the second, token and userinfo on the third), an
authorization code replayed concurrently at all three is redeemed exactly once, and a key
rotation made with the CLI is honoured by every replica without a restart.

Needs `WECHAT_OIDC_TEST_POSTGRES_URL` (a database the tests may create schemas in; `.ci/run`
starts one) and `psql`; skipped, saying so, without them.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
import requests

from interop_support import DEFAULT_BIN, HTTP_TIMEOUT, STARTUP_TIMEOUT, free_port

POSTGRES_URL = os.environ.get("WECHAT_OIDC_TEST_POSTGRES_URL")
SIMULATOR_APPID = "wx5f3c2a1b0d9e8f70"
SIMULATOR_SECRET = "3b9d7e1c5a0f42e6b8c1d3e5f7a9b0c2"

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL or not shutil.which("psql"),
    reason="replica tests skipped: WECHAT_OIDC_TEST_POSTGRES_URL is unset or psql is missing",
)


class Cluster:
    def __init__(self, binary: Path, root: Path, database_url: str, issuer_port: int, ports: list[int], simulator: str):
        self.binary, self.root, self.database_url = binary, root, database_url
        self.issuer = f"http://127.0.0.1:{issuer_port}"
        self.ports, self.simulator = ports, simulator
        self.keys_dir = root / "keys"
        self.processes: list[subprocess.Popen] = []

    def env(self, port: int | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "WECHAT_OIDC_ISSUER": self.issuer,
            "WECHAT_OIDC_DATABASE_URL": self.database_url,
            "WECHAT_OIDC_KEYS_DIR": str(self.keys_dir),
            "WECHAT_OIDC_WECHAT_OPEN_BASE_URL": self.simulator,
            "WECHAT_OIDC_WECHAT_API_BASE_URL": self.simulator,
            "WECHAT_OIDC_WEBSITE_APPID": SIMULATOR_APPID,
            "WECHAT_OIDC_WEBSITE_SECRET": SIMULATOR_SECRET,
            "WECHAT_OIDC_OPEN_PLATFORM_ID": "gh_simulator0001",
            "WECHAT_OIDC_KEYS_REFRESH_INTERVAL": "1",
            "WECHAT_OIDC_KEYS_PREPUBLICATION": "0",
            "WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS": "0",
        })
        if port is not None:
            env["WECHAT_OIDC_HTTP_PORT"] = str(port)
        return env

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([str(self.binary), *args], env=self.env(), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"wechat-oidc {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        return done

    def url(self, replica: int, url: str) -> str:
        """`url` (built on the issuer) sent to replica `replica` instead, as a load balancer would."""
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == self.issuer, url
        return urlunsplit((parts.scheme, f"127.0.0.1:{self.ports[replica]}", parts.path, parts.query, parts.fragment))

    def log_tail(self) -> str:
        tails = []
        for path in sorted(self.root.glob("*.log")):
            lines = path.read_text(errors="replace").splitlines()[-30:]
            tails.append(f"--- {path.name}\n" + "\n".join(lines))
        return "\n".join(tails)


def _wait_for(url: str, process: subprocess.Popen, cluster: Cluster) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args} exited with {process.returncode}:\n{cluster.log_tail()}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    pytest.fail(f"{url} did not answer within {STARTUP_TIMEOUT:.0f} s:\n{cluster.log_tail()}")


def run_cluster(root: Path, cluster_type: type[Cluster], schema_prefix: str, simulator_args: list[str]):
    """A simulator process and three `serve` replicas (of `cluster_type`, whose `env` they get) on
    a fresh schema of the test database, migrated once before they start; yields the cluster
    once every replica is ready, then stops them and drops the schema."""
    binary = Path(os.environ.get("WECHAT_OIDC_BIN", str(DEFAULT_BIN)))
    schema = schema_prefix + secrets.token_hex(4)
    psql_url = POSTGRES_URL.split("?", 1)[0]
    subprocess.run(["psql", psql_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"CREATE SCHEMA {schema}"], check=True, timeout=60)
    separator = "&" if "?" in POSTGRES_URL else "?"
    database_url = f"{POSTGRES_URL}{separator}schema={schema}"
    ports = [free_port() for _ in range(3)]
    simulator_port = free_port()
    simulator = f"http://127.0.0.1:{simulator_port}"
    cluster = cluster_type(binary, root, database_url, ports[0], ports, simulator)
    logs = []
    try:
        sim_log = open(root / "simulator.log", "wb")
        logs.append(sim_log)
        simulator_process = subprocess.Popen(
            [str(binary), "simulator", "--port", str(simulator_port), "--callback-domain", f"127.0.0.1:{ports[0]}", *simulator_args],
            stdin=subprocess.DEVNULL, stdout=sim_log, stderr=subprocess.STDOUT,
        )
        cluster.processes.append(simulator_process)
        # The schema is migrated once, explicitly, before the replicas start.
        cluster.cli("migrate")
        for index, port in enumerate(ports):
            log = open(root / f"replica-{index}.log", "wb")
            logs.append(log)
            cluster.processes.append(subprocess.Popen(
                [str(binary), "serve"], env=cluster.env(port), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            ))
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                requests.get(simulator + "/", timeout=2)
                break
            except requests.RequestException:
                if simulator_process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the simulator did not start:\n{cluster.log_tail()}")
                time.sleep(0.25)
        for index, port in enumerate(ports):
            _wait_for(f"http://127.0.0.1:{port}/readyz", cluster.processes[index + 1], cluster)
        yield cluster
    finally:
        for process in cluster.processes:
            if process.poll() is None:
                process.terminate()
        for process in cluster.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
        subprocess.run(["psql", psql_url, "-q", "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], timeout=60)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    yield from run_cluster(tmp_path_factory.mktemp("replicas"), Cluster, "replicas_", ["--auto-approve", "alice"])


def _client(cluster: Cluster) -> dict:
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    done = cluster.cli("clients", "create", "--name", "replica rp", "--redirect-uri", redirect_uri, "--json")
    client = json.loads(done.stdout)
    client["redirect_uri"] = redirect_uri
    return client


def _login(cluster: Cluster, client: dict, hops: tuple[int, int]) -> str:
    """Authorize on replica hops[0], WeChat's callback on replica hops[1]; returns the code."""
    session = requests.Session()
    query = urlencode({
        "response_type": "code", "client_id": client["client_id"], "redirect_uri": client["redirect_uri"],
        "scope": "openid profile wechat", "state": "s-" + secrets.token_hex(4), "nonce": "n-1",
    })
    response = session.get(cluster.url(hops[0], f"{cluster.issuer}/authorize?{query}"), allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert response.status_code == 303, response.text[:500]
    # WeChat's qrconnect (the simulator approves at once) sends the browser to our callback.
    wechat = session.get(response.headers["Location"].split("#", 1)[0], allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert wechat.status_code in (302, 303), wechat.text[:500]
    callback = wechat.headers["Location"]
    answer = session.get(cluster.url(hops[1], callback), allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert answer.status_code in (302, 303), f"callback on replica {hops[1]}: {answer.status_code} {answer.text[:500]}"
    location = answer.headers["Location"]
    assert location.startswith(client["redirect_uri"]), location
    params = dict(part.split("=", 1) for part in urlsplit(location).query.split("&"))
    assert "code" in params, location
    return requests.utils.unquote(params["code"])


def _token(cluster: Cluster, replica: int, client: dict, code: str) -> requests.Response:
    return requests.post(
        f"http://127.0.0.1:{cluster.ports[replica]}/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": client["redirect_uri"]},
        auth=(client["client_id"], client["client_secret"]), timeout=HTTP_TIMEOUT,
    )


def _jwt_part(token: str, index: int) -> dict:
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_a_login_hopping_between_three_replicas(cluster):
    client = _client(cluster)
    code = _login(cluster, client, hops=(0, 1))
    token = _token(cluster, 2, client, code)
    assert token.status_code == 200, token.text
    body = token.json()
    claims = _jwt_part(body["id_token"], 1)
    assert claims["iss"] == cluster.issuer
    assert claims["aud"] == client["client_id"] or client["client_id"] in claims["aud"]
    for replica in range(3):
        userinfo = requests.get(
            f"http://127.0.0.1:{cluster.ports[replica]}/userinfo",
            headers={"Authorization": f"Bearer {body['access_token']}"}, timeout=HTTP_TIMEOUT,
        )
        assert userinfo.status_code == 200, userinfo.text
        assert userinfo.json()["sub"] == claims["sub"]


def test_a_code_replayed_at_every_replica_at_once_is_redeemed_once(cluster):
    client = _client(cluster)
    for _ in range(3):
        code = _login(cluster, client, hops=(1, 2))
        results: list[requests.Response] = []
        barrier = threading.Barrier(6)

        def redeem(replica: int) -> None:
            barrier.wait()
            results.append(_token(cluster, replica, client, code))

        threads = [threading.Thread(target=redeem, args=(index % 3,)) for index in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        statuses = sorted(response.status_code for response in results)
        assert statuses == [200, 400, 400, 400, 400, 400], [(r.status_code, r.text) for r in results]
        assert all(r.json()["error"] == "invalid_grant" for r in results if r.status_code == 400)
        # The replay revoked what the code issued (RFC 6749 §4.1.2), on every replica.
        winner = next(r for r in results if r.status_code == 200).json()
        for replica in range(3):
            userinfo = requests.get(
                f"http://127.0.0.1:{cluster.ports[replica]}/userinfo",
                headers={"Authorization": f"Bearer {winner['access_token']}"}, timeout=HTTP_TIMEOUT,
            )
            assert userinfo.status_code == 401, userinfo.text


def test_a_key_rotation_on_one_is_honoured_by_all(cluster):
    def published() -> list[frozenset[str]]:
        return [
            frozenset(key["kid"] for key in requests.get(f"http://127.0.0.1:{port}/jwks", timeout=HTTP_TIMEOUT).json()["keys"])
            for port in cluster.ports
        ]

    before = published()
    assert len(set(before)) == 1, f"the replicas disagree about the JWKS before rotation: {before}"
    old_kids = set(before[0])
    cluster.cli("keys", "rotate")
    new_kid = None
    deadline = time.monotonic() + 20
    client = _client(cluster)
    while time.monotonic() < deadline:
        kids = published()
        if len(set(kids)) == 1 and kids[0] > before[0]:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the rotated key did not reach every replica's JWKS: {kids}")
    # Every replica now signs with the new key.
    deadline = time.monotonic() + 20
    signers: set[str] = set()
    while time.monotonic() < deadline:
        signers = set()
        for replica in range(3):
            code = _login(cluster, client, hops=(replica, replica))
            token = _token(cluster, replica, client, code)
            assert token.status_code == 200, token.text
            signers.add(_jwt_part(token.json()["id_token"], 0)["kid"])
        if not signers & old_kids and len(signers) == 1:
            new_kid = signers.pop()
            break
        time.sleep(0.5)
    assert new_kid is not None, f"replicas still sign with the old key: {signers}"
