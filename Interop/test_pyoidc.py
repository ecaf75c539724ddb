"""pyoidc (PyPI package `oic`) logs in against wechat-oidc.

pyoidc reads our discovery document and JWKS (`provider_config`), builds the authorization
request (state, nonce, PKCE S256), parses and verifies the authorization response (including the
RFC 9207 `iss` parameter), redeems the code (verifying the ID token's signature against our JWKS,
`iss`, `aud`, `exp`, `iat` and `nonce` with its own code) and calls userinfo.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import pytest
import requests
from jwkest import BadSignature
from jwkest.jws import left_hash
from oic import rndstr
from oic.oauth2.message import ErrorResponse
from oic.oic.message import AuthorizationErrorResponse
from oic.oic import Client
from oic.oic.message import (
    AccessTokenResponse,
    AuthorizationRequest,
    AuthorizationResponse,
    IdToken,
    OpenIDSchema,
    RegistrationResponse,
)
from oic.utils.authn.client import CLIENT_AUTHN_METHOD

from interop_support import SCOPE, Provider, RegisteredClient, browse_to_redirect_uri


@dataclass
class Login:
    client: Client
    registered: RegisteredClient
    state: str
    nonce: str
    code_verifier: str
    callback_url: str
    authorization_response: AuthorizationResponse


def new_client(provider: Provider, registered: RegisteredClient, auth_method: str) -> Client:
    client = Client(client_authn_method=CLIENT_AUTHN_METHOD)
    client.provider_config(provider.issuer)  # discovery + JWKS into the key jar
    registration = {
        "client_id": registered.client_id,
        "redirect_uris": [registered.redirect_uri],
        "token_endpoint_auth_method": auth_method,
    }
    if registered.client_secret:
        registration["client_secret"] = registered.client_secret
    client.store_registration_info(RegistrationResponse(**registration))
    client.redirect_uris = [registered.redirect_uri]
    return client


def authorize(provider: Provider, browser: requests.Session, registered: RegisteredClient, auth_method: str) -> Login:
    client = new_client(provider, registered, auth_method)
    state, nonce = rndstr(32), rndstr(32)
    pkce_args, code_verifier = client.add_code_challenge()
    assert pkce_args["code_challenge_method"] == "S256"
    url, _, _, _ = client.request_info(
        AuthorizationRequest,
        method="GET",
        request_args={
            "client_id": client.client_id,
            "response_type": "code",
            "scope": SCOPE.split(),
            "state": state,
            "nonce": nonce,
            "redirect_uri": registered.redirect_uri,
            **pkce_args,
        },
    )
    assert url.startswith(provider.metadata["authorization_endpoint"] + "?"), url
    result = browse_to_redirect_uri(browser, url, registered.redirect_uri)
    # pyoidc checks the response, including that `iss` equals the discovered issuer.
    response = client.parse_response(AuthorizationResponse, info=result.url, sformat="urlencoded")
    assert isinstance(response, AuthorizationResponse), f"{type(response).__name__}: {response.to_dict()}"
    assert response["state"] == state
    assert response.get("iss") == provider.issuer, f"RFC 9207 iss missing or wrong: {result.url}"
    return Login(client, registered, state, nonce, code_verifier, result.url, response)


def redeem(login: Login, auth_method: str):
    return login.client.do_access_token_request(
        state=login.state,
        request_args={
            "code": login.authorization_response["code"],
            "redirect_uri": login.registered.redirect_uri,
            "code_verifier": login.code_verifier,
        },
        authn_method=auth_method,
    )


def full_login(provider: Provider, browser: requests.Session, registered: RegisteredClient, auth_method: str):
    login = authorize(provider, browser, registered, auth_method)
    token = redeem(login, auth_method)
    assert isinstance(token, AccessTokenResponse), f"{type(token).__name__}: {token.to_dict()}"

    id_token = token["id_token"]  # pyoidc replaced the JWT with the verified IdToken
    assert isinstance(id_token, IdToken), type(id_token)
    assert id_token["iss"] == provider.issuer
    assert id_token["aud"] == [registered.client_id], id_token["aud"]
    assert id_token["nonce"] == login.nonce
    assert id_token.jws_header["alg"] == "RS256", id_token.jws_header
    assert id_token.jws_header.get("kid"), id_token.jws_header
    assert token["token_type"].lower() == "bearer"
    assert isinstance(token.get("expires_in"), int) and token["expires_in"] >= 1, token.to_dict()
    assert id_token["at_hash"] == left_hash(token["access_token"], "HS256"), "at_hash does not match the access token"

    # Userinfo, as pyoidc does it by default (POST, Bearer header), and with GET.
    for method in ("POST", "GET"):
        userinfo = login.client.do_user_info_request(method=method, state=login.state)
        assert isinstance(userinfo, OpenIDSchema), f"{method} userinfo: {type(userinfo).__name__}: {userinfo.to_dict()}"
        assert userinfo["sub"] == id_token["sub"], (method, userinfo.to_dict(), id_token.to_dict())
    return login, token


# ---------------------------------------------------------------------------------------------


def test_provider_config(provider: Provider):
    client = Client(client_authn_method=CLIENT_AUTHN_METHOD)
    config = client.provider_config(provider.issuer)
    assert config["issuer"] == provider.issuer
    for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert config[name].startswith(provider.issuer + "/"), (name, config[name])
    keys = client.keyjar.get_signing_key("RSA", owner=provider.issuer)
    assert keys, "pyoidc found no RSA signing key in our JWKS"
    assert all(key.kid for key in keys), [key.to_dict() for key in keys]


def test_code_flow_client_secret_basic(provider: Provider, browser: requests.Session):
    full_login(provider, browser, provider.register_client("pyoidc-basic"), "client_secret_basic")


def test_code_flow_client_secret_post(provider: Provider, browser: requests.Session):
    full_login(provider, browser, provider.register_client("pyoidc-post"), "client_secret_post")


def test_code_flow_public_client_with_pkce(provider: Provider, browser: requests.Session):
    # pyoidc has no "none" authentication method: a public client sends client_id in the body.
    registered = provider.register_client("pyoidc-public", public=True)
    login = authorize(provider, browser, registered, "none")
    token = login.client.do_access_token_request(
        state=login.state,
        request_args={
            "code": login.authorization_response["code"],
            "redirect_uri": registered.redirect_uri,
            "code_verifier": login.code_verifier,
            "client_id": registered.client_id,
        },
        authn_method="",
    )
    assert isinstance(token, AccessTokenResponse), f"{type(token).__name__}: {token.to_dict()}"
    assert token["id_token"]["aud"] == [registered.client_id]
    assert token["id_token"]["nonce"] == login.nonce


def test_replayed_code_is_invalid_grant(provider: Provider, browser: requests.Session):
    registered = provider.register_client("pyoidc-replay")
    login, _ = full_login(provider, browser, registered, "client_secret_basic")
    replay = redeem(login, "client_secret_basic")
    assert isinstance(replay, ErrorResponse), f"replayed code accepted: {replay.to_dict()}"
    assert replay["error"] == "invalid_grant", replay.to_dict()


def test_tampered_id_token_fails_pyoidc_verification(provider: Provider, browser: requests.Session):
    registered = provider.register_client("pyoidc-tamper")
    login, token = full_login(provider, browser, registered, "client_secret_basic")
    header, payload, signature = token["id_token_jwt"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "mallory"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    genuine = {"access_token": token["access_token"], "token_type": "Bearer", "id_token": token["id_token_jwt"]}
    forged = dict(genuine, id_token=".".join([header, forged_payload, signature]))
    # The same check passes on the genuine response and fails on the forged one.
    parsed = login.client.parse_response(AccessTokenResponse, info=json.dumps(genuine), sformat="json", state=login.state)
    assert parsed["id_token"]["sub"] == token["id_token"]["sub"]
    with pytest.raises(BadSignature):
        login.client.parse_response(AccessTokenResponse, info=json.dumps(forged), sformat="json", state=login.state)


def test_unsupported_response_type_is_an_error_redirect(provider: Provider, browser: requests.Session):
    """An authorization request pyoidc can make but we don't serve (implicit `id_token`): the
    error comes back to the registered redirect URI with `state` and `iss`, and pyoidc parses it
    as an authorization error response."""
    registered = provider.register_client("pyoidc-error")
    client = new_client(provider, registered, "client_secret_basic")
    state = rndstr(32)
    url, _, _, _ = client.request_info(
        AuthorizationRequest,
        method="GET",
        request_args={
            "client_id": client.client_id,
            "response_type": "id_token",
            "scope": SCOPE.split(),
            "state": state,
            "nonce": rndstr(32),
            "redirect_uri": registered.redirect_uri,
        },
    )
    result = browse_to_redirect_uri(browser, url, registered.redirect_uri)
    assert "code" not in result.params, result.url
    assert result.params.get("iss") == provider.issuer, result.url
    response = client.parse_response(AuthorizationResponse, info=result.url, sformat="urlencoded")
    assert isinstance(response, AuthorizationErrorResponse), f"{type(response).__name__}: {response.to_dict()}"
    assert response["error"] in ("unsupported_response_type", "invalid_request"), response.to_dict()
    assert response["state"] == state
