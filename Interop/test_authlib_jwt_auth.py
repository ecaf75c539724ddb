"""Authlib's RFC 7523 client authentication logs in against wechat-oidc: `client_secret_jwt`
(HS256 with the client secret) and `private_key_jwt` (RS256, PS256 and ES256 with the client's own key,
registered with `clients create --jwks-file`), through `OAuth2Session` with Authlib's
`ClientSecretJWT` / `PrivateKeyJWT` auth methods (OpenID Connect Core §9). Authlib builds the
assertion itself (iss, sub, aud = the token endpoint, exp, jti); an assertion signed with the
wrong secret is refused as invalid_client.
"""

from __future__ import annotations

import json

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import ClientSecretJWT, PrivateKeyJWT
from joserfc.jwk import ECKey, RSAKey

from interop_support import HTTP_TIMEOUT, SCOPE, Provider, browse_to_redirect_uri, free_port


def create_client(provider: Provider, name: str, *args: str) -> tuple[dict, str]:
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    done = provider.cli("clients", "create", "--name", name, "--redirect-uri", redirect_uri, "--json", *args)
    assert done.returncode == 0, f"clients create exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout), redirect_uri


def session_for(provider: Provider, client_id: str, secret_or_key, redirect_uri: str, method: str, auth) -> OAuth2Session:
    session = OAuth2Session(
        client_id=client_id, client_secret=secret_or_key, scope=SCOPE, redirect_uri=redirect_uri,
        code_challenge_method="S256", token_endpoint_auth_method=method, default_timeout=HTTP_TIMEOUT,
    )
    session.register_client_auth_method(auth)
    return session


def code(provider: Provider, browser: requests.Session, session: OAuth2Session, redirect_uri: str) -> tuple[str, str]:
    verifier = generate_token(48)
    url, _ = session.create_authorization_url(provider.metadata["authorization_endpoint"], code_verifier=verifier, nonce=generate_token(20))
    result = browse_to_redirect_uri(browser, url, redirect_uri)
    assert result.params.get("code"), result.url
    return result.url, verifier


def redeem(provider: Provider, browser: requests.Session, session: OAuth2Session, redirect_uri: str) -> dict:
    url, verifier = code(provider, browser, session, redirect_uri)
    token = session.fetch_token(provider.metadata["token_endpoint"], authorization_response=url, code_verifier=verifier)
    assert token.get("id_token") and token.get("access_token"), token
    return dict(token)


def test_discovery_lists_the_jwt_methods(provider: Provider):
    metadata = provider.metadata
    for method in ("client_secret_jwt", "private_key_jwt"):
        assert method in metadata["token_endpoint_auth_methods_supported"], metadata
    assert set(metadata["token_endpoint_auth_signing_alg_values_supported"]) >= {"HS256", "RS256", "ES256", "PS256"}, metadata


def test_client_secret_jwt(provider: Provider, browser: requests.Session):
    raw, redirect_uri = create_client(provider, "authlib-client-secret-jwt", "--auth-method", "client_secret_jwt")
    assert raw["token_endpoint_auth_method"] == "client_secret_jwt"
    endpoint = provider.metadata["token_endpoint"]
    session = session_for(provider, raw["client_id"], raw["client_secret"], redirect_uri, "client_secret_jwt", ClientSecretJWT(endpoint))
    redeem(provider, browser, session, redirect_uri)
    # A wrong secret signs an assertion the provider refuses.
    wrong = session_for(provider, raw["client_id"], raw["client_secret"] + "x", redirect_uri, "client_secret_jwt", ClientSecretJWT(endpoint))
    url, verifier = code(provider, browser, wrong, redirect_uri)
    try:
        wrong.fetch_token(endpoint, authorization_response=url, code_verifier=verifier)
    except Exception as error:  # Authlib raises OAuthError with the provider's error code
        assert "invalid_client" in str(error), error
    else:
        raise AssertionError("an assertion signed with a wrong secret was accepted")


def _private_key_jwt(provider: Provider, browser: requests.Session, key, alg: str):
    public = key.as_dict(private=False)
    public.update({"kid": f"authlib-{alg.lower()}", "use": "sig"})
    jwks_path = provider.data_dir / f"authlib-{alg.lower()}-jwks.json"
    jwks_path.write_text(json.dumps({"keys": [public]}))
    raw, redirect_uri = create_client(provider, f"authlib-private-key-jwt-{alg.lower()}", "--auth-method", "private_key_jwt", "--jwks-file", str(jwks_path))
    assert "client_secret" not in raw, raw
    endpoint = provider.metadata["token_endpoint"]
    # Authlib reads a PEM as an RSA key only; a joserfc key object works for every type.
    session = session_for(provider, raw["client_id"], key, redirect_uri, "private_key_jwt", PrivateKeyJWT(endpoint, alg=alg))
    redeem(provider, browser, session, redirect_uri)


def test_private_key_jwt_rs256(provider: Provider, browser: requests.Session):
    _private_key_jwt(provider, browser, RSAKey.generate_key(2048), "RS256")


def test_private_key_jwt_es256(provider: Provider, browser: requests.Session):
    _private_key_jwt(provider, browser, ECKey.generate_key("P-256"), "ES256")


def test_private_key_jwt_ps256(provider: Provider, browser: requests.Session):
    _private_key_jwt(provider, browser, RSAKey.generate_key(2048), "PS256")
