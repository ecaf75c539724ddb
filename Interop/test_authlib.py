"""Authlib (https://authlib.org) logs in against wechat-oidc.

The protocol runs through Authlib's `OAuth2Session` (requests integration): it builds the
authorization URL (state, nonce, PKCE S256), parses the redirect and checks `state`, and
authenticates at the token endpoint. The ID token is verified by Authlib's own OpenID client
code (`OpenIDMixin.parse_id_token`, the code its Flask/Django/Starlette integrations run):
discovery, keys from `jwks_uri`, RS256 signature, then `CodeIDToken` claims (iss, aud, exp, iat,
nonce, at_hash, azp).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import BaseApp, OAuth2Mixin, OAuthError, OpenIDMixin
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2 import rfc9207
from authlib.oidc import discovery
from joserfc.errors import BadSignatureError, InvalidClaimError

from interop_support import HTTP_TIMEOUT, SCOPE, Provider, RegisteredClient, browse_to_redirect_uri


class AuthlibOpenIDClient(OAuth2Mixin, OpenIDMixin, BaseApp):
    """Authlib's framework-neutral OpenID Connect client: the base its web-framework
    integrations (FlaskOAuth2App, StarletteOAuth2App, …) add only request plumbing to."""

    client_cls = OAuth2Session


@dataclass
class Login:
    session: OAuth2Session
    client: RegisteredClient
    nonce: str | None
    state: str
    code_verifier: str
    callback_url: str
    callback_params: dict[str, str]
    token: dict
    openid: AuthlibOpenIDClient


def authorize(provider: Provider, browser: requests.Session, client: RegisteredClient, auth_method: str, *, send_nonce: bool = True):
    """Builds the authorization request with Authlib and drives the browser to the redirect URI."""
    session = OAuth2Session(
        client_id=client.client_id,
        client_secret=client.client_secret,
        scope=SCOPE,
        redirect_uri=client.redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=auth_method,
        default_timeout=HTTP_TIMEOUT,
    )
    nonce, code_verifier = (generate_token(20) if send_nonce else None), generate_token(48)
    extra = {"nonce": nonce} if send_nonce else {}
    url, state = session.create_authorization_url(
        provider.metadata["authorization_endpoint"], code_verifier=code_verifier, **extra
    )
    result = browse_to_redirect_uri(browser, url, client.redirect_uri)
    return session, nonce, state, code_verifier, result


def login(provider: Provider, browser: requests.Session, client: RegisteredClient, auth_method: str, *, send_nonce: bool = True) -> Login:
    session, nonce, state, code_verifier, result = authorize(provider, browser, client, auth_method, send_nonce=send_nonce)
    assert "error" not in result.params, f"authorization error: {result.params}"
    assert result.params.get("state") == state, result.url
    assert result.params.get("iss") == provider.issuer, f"RFC 9207 iss: {result.url}"
    assert result.params.get("code"), result.url

    # Authlib parses the redirect (checking `state` itself) and redeems the code.
    token = session.fetch_token(
        provider.metadata["token_endpoint"],
        authorization_response=result.url,
        code_verifier=code_verifier,
    )
    openid = AuthlibOpenIDClient(
        framework=None,
        name="wechat-oidc",
        client_id=client.client_id,
        client_secret=client.client_secret,
        server_metadata_url=provider.issuer + "/.well-known/openid-configuration",
        client_kwargs={"default_timeout": HTTP_TIMEOUT},
    )
    return Login(session, client, nonce, state, code_verifier, result.url, result.params, dict(token), openid)


def verify_id_token(provider: Provider, login: Login, token: dict | None = None, nonce: str | None = None):
    """Authlib's own verification of the ID token: signature with the key from our JWKS (by
    `kid`), then the claims of a code-flow ID token."""
    claims_options = {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": login.client.client_id},
    }
    return login.openid.parse_id_token(
        token if token is not None else login.token,
        nonce=nonce or login.nonce,
        claims_options=claims_options,
    )


def jose_header(compact: str) -> dict:
    segment = compact.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def check_successful_login(provider: Provider, login: Login) -> dict:
    token = login.token
    assert token.get("token_type", "").lower() == "bearer", token
    assert token.get("access_token"), token
    assert isinstance(token.get("expires_in"), int) and 1 <= token["expires_in"] <= 31536000, token
    assert token.get("id_token"), token

    claims = verify_id_token(provider, login)
    assert claims["iss"] == provider.issuer
    aud = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    assert login.client.client_id in aud
    assert claims["nonce"] == login.nonce
    assert claims.get("at_hash"), "expected at_hash in a code-flow ID token (it is what lets Authlib bind it to the access token)"
    for name in ("iat", "exp"):
        assert isinstance(claims[name], int), f"{name} must be an integer NumericDate: {claims[name]!r}"
    assert claims["sub"] and len(claims["sub"]) <= 255

    header = jose_header(token["id_token"])
    assert header.get("alg") == "RS256", header
    kids = [key.get("kid") for key in login.openid.fetch_jwk_set()["keys"]]
    assert header.get("kid") in kids, (header, kids)

    # Userinfo with the access token (Authlib adds the Bearer header).
    response = login.session.get(provider.metadata["userinfo_endpoint"], timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, (response.status_code, response.headers, response.text)
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
    userinfo = response.json()
    assert userinfo["sub"] == claims["sub"], (userinfo, dict(claims))
    return dict(claims)


# ---------------------------------------------------------------------------------------------


def test_discovery_metadata_validates_with_authlib(provider: Provider):
    """Authlib's validators for OIDC Discovery + RFC 8414 + RFC 9207 metadata. The dev server
    runs on plain http on loopback (allowed for dev); Authlib insists on https for
    issuer/endpoints, so only the scheme of our own URLs is swapped before validating."""
    metadata = provider.metadata
    assert metadata["issuer"] == provider.issuer
    http_prefix = provider.issuer + "/"
    as_https = {
        key: ("https" + value[len("http"):] if isinstance(value, str) and (value == provider.issuer or value.startswith(http_prefix)) else value)
        for key, value in metadata.items()
    }
    discovery.OpenIDProviderMetadata(as_https).validate(metadata_classes=[rfc9207.AuthorizationServerMetadata])
    assert metadata.get("authorization_response_iss_parameter_supported") is True, metadata
    assert "S256" in metadata.get("code_challenge_methods_supported", []), metadata
    for method in ("client_secret_basic", "client_secret_post"):
        assert method in metadata.get("token_endpoint_auth_methods_supported", []), metadata


def test_code_flow_client_secret_basic(provider: Provider, browser: requests.Session):
    client = provider.register_client("authlib-basic")
    check_successful_login(provider, login(provider, browser, client, "client_secret_basic"))


def test_code_flow_client_secret_post(provider: Provider, browser: requests.Session):
    client = provider.register_client("authlib-post")
    check_successful_login(provider, login(provider, browser, client, "client_secret_post"))


def test_code_flow_public_client_with_pkce(provider: Provider, browser: requests.Session):
    client = provider.register_client("authlib-public", public=True)
    check_successful_login(provider, login(provider, browser, client, "none"))


def test_code_flow_without_nonce(provider: Provider, browser: requests.Session):
    """oidcc-ensure-request-without-nonce-succeeds-for-code-flow: no nonce sent, none in the token."""
    client = provider.register_client("authlib-no-nonce")
    first = login(provider, browser, client, "client_secret_basic", send_nonce=False)
    assert first.nonce is None
    claims = verify_id_token(provider, first)
    assert "nonce" not in claims, dict(claims)


def test_same_user_same_sub_across_logins(provider: Provider):
    """Two logins of one WeChat user by one client, in two browsers: one `sub`."""
    client = provider.register_client("authlib-twice")
    subs = []
    for _ in range(2):
        with requests.Session() as browser:
            subs.append(check_successful_login(provider, login(provider, browser, client, "client_secret_basic"))["sub"])
    assert subs[0] == subs[1], subs


def test_replayed_code_is_invalid_grant(provider: Provider, browser: requests.Session):
    client = provider.register_client("authlib-replay")
    first = login(provider, browser, client, "client_secret_basic")
    check_successful_login(provider, first)

    replay = OAuth2Session(
        client_id=client.client_id, client_secret=client.client_secret, scope=SCOPE,
        redirect_uri=client.redirect_uri, code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic", state=first.state,
        default_timeout=HTTP_TIMEOUT,
    )
    with pytest.raises(OAuthError) as raised:
        replay.fetch_token(
            provider.metadata["token_endpoint"],
            authorization_response=first.callback_url,
            code_verifier=first.code_verifier,
        )
    assert raised.value.error == "invalid_grant", raised.value

    # oidcc-codereuse: the access token issued for the code should stop working too.
    response = first.session.get(provider.metadata["userinfo_endpoint"], timeout=HTTP_TIMEOUT)
    assert response.status_code == 401, (
        f"after the code was replayed, the first access token still works at userinfo: "
        f"{response.status_code} {response.text[:300]}"
    )


def test_wrong_pkce_verifier_is_invalid_grant(provider: Provider, browser: requests.Session):
    client = provider.register_client("authlib-pkce")
    session, nonce, state, code_verifier, result = authorize(provider, browser, client, "client_secret_basic")
    with pytest.raises(OAuthError) as raised:
        session.fetch_token(
            provider.metadata["token_endpoint"],
            authorization_response=result.url,
            code_verifier=generate_token(48),
        )
    assert raised.value.error == "invalid_grant", raised.value


def test_tampered_id_token_fails_authlib_verification(provider: Provider, browser: requests.Session):
    client = provider.register_client("authlib-tamper")
    first = login(provider, browser, client, "client_secret_basic")
    verify_id_token(provider, first)  # the genuine one passes
    header, payload, signature = first.token["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "mallory"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = dict(first.token, id_token=".".join([header, forged_payload, signature]))
    with pytest.raises(BadSignatureError):
        verify_id_token(provider, first, token=forged)


def test_wrong_nonce_fails_authlib_verification(provider: Provider, browser: requests.Session):
    client = provider.register_client("authlib-nonce")
    first = login(provider, browser, client, "client_secret_basic")
    verify_id_token(provider, first)  # the genuine one passes
    with pytest.raises(InvalidClaimError):
        verify_id_token(provider, first, nonce=generate_token(20))
