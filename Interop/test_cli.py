"""The admin command line against the running server: clients and keys are managed in the
same database, and the server sees every change without a restart."""

from __future__ import annotations

import json
import time

import requests



def cli_json(provider, *args):
    result = provider.cli(*args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def token_status(provider, client_id, secret):
    response = requests.post(provider.metadata["token_endpoint"], auth=(client_id, secret),
                             data={"grant_type": "authorization_code", "code": "unknown"}, timeout=10)
    return response.status_code, response.json()["error"]


def test_clients_create_list_show_rotate_delete(provider):
    created = cli_json(provider, "clients", "create", "--name", "CLI app",
                       "--redirect-uri", "https://app.example/cb", "--redirect-uri", "https://app.example/cb2", "--json")
    assert set(created) >= {"client_id", "client_secret", "redirect_uris"}
    assert created["redirect_uris"] == ["https://app.example/cb", "https://app.example/cb2"]
    assert len(created["client_secret"]) >= 43
    client_id, secret = created["client_id"], created["client_secret"]

    listed = cli_json(provider, "clients", "list", "--json")
    assert client_id in [c["client_id"] for c in listed]
    assert all(c.get("client_secret") is None for c in listed)  # shown once only
    shown = cli_json(provider, "clients", "show", client_id, "--json")
    assert shown["client_name"] == "CLI app"

    # The running server authenticates the new client at once (invalid_grant, not invalid_client).
    assert token_status(provider, client_id, secret) == (400, "invalid_grant")
    rotated = cli_json(provider, "clients", "rotate-secret", client_id, "--json")
    assert rotated["client_secret"] != secret
    assert token_status(provider, client_id, secret) == (401, "invalid_client")
    assert token_status(provider, client_id, rotated["client_secret"]) == (400, "invalid_grant")

    assert provider.cli("clients", "delete", client_id).returncode == 0
    assert token_status(provider, client_id, rotated["client_secret"]) == (401, "invalid_client")
    missing = provider.cli("clients", "show", client_id)
    assert missing.returncode != 0


def test_clients_create_refuses_bad_redirect_uris(provider):
    for uri in ("https://app.example/cb#frag", "http://app.example/cb", "not a uri", "javascript:alert(1)"):
        result = provider.cli("clients", "create", "--name", "bad", "--redirect-uri", uri)
        assert result.returncode != 0, uri
        assert "redirect" in (result.stderr + result.stdout).lower()


def test_keys_rotate_is_published_without_restart(provider):
    before = requests.get(provider.metadata["jwks_uri"], timeout=10).json()["keys"]
    result = provider.cli("keys", "rotate")
    assert result.returncode == 0, result.stderr
    new_kid = result.stdout.split("\t")[0]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        keys = requests.get(provider.metadata["jwks_uri"], timeout=10).json()["keys"]
        if new_kid in [k["kid"] for k in keys]:
            break
        time.sleep(0.5)
    assert new_kid in [k["kid"] for k in keys]
    assert {k["kid"] for k in before} <= {k["kid"] for k in keys}  # old keys stay published
    # Pre-published: in the JWKS now, signing only after keys.prepublication (or `keys activate`).
    listing = provider.cli("keys", "list").stdout
    assert f"{new_kid}\tRS256\tnext" in listing
    activated = provider.cli("keys", "activate", "--", new_kid)  # a kid may begin with "-"
    assert activated.returncode == 0, activated.stderr
    assert f"{new_kid}\tRS256\tactive" in provider.cli("keys", "list").stdout
