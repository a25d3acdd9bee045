"""Every API needs a bearer JWT; failures are 401/403 problem+json. No stack needed: auth runs before any I/O."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from pacer_shared.auth import Role, mint_local_token
from pacer_testkit.probe import ProbeSettings, build

NOTE = {"note_id": "n1", "person_id": "p1"}


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=build(ProbeSettings())), base_url="http://probe"
    ) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: httpx.Response, status: int, detail_part: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert detail_part in body["detail"]


async def test_no_token_is_401(http: httpx.AsyncClient) -> None:
    response = await http.post("/v1/probe/notes", json=NOTE)
    assert_problem(response, 401, "bearer token is required")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_token_signed_with_another_secret_is_401(http: httpx.AsyncClient) -> None:
    forged = jwt.encode(
        {"sub": "mallory", "role": "admin", "exp": 4102444800},
        "a-different-secret-of-thirty-two-bytes",
        algorithm="HS256",
    )
    assert_problem(
        await http.post("/v1/probe/notes", json=NOTE, headers=bearer(forged)), 401, "Signature verification failed"
    )


async def test_an_expired_token_is_401(http: httpx.AsyncClient) -> None:
    expired = mint_local_token(ProbeSettings(), "root", Role.ADMIN, lifetime=timedelta(seconds=-5))
    assert_problem(await http.post("/v1/probe/notes", json=NOTE, headers=bearer(expired)), 401, "token expired")


async def test_a_token_without_a_pacer_role_is_401(http: httpx.AsyncClient) -> None:
    token = mint_local_token(ProbeSettings(), "root", "superuser")
    assert_problem(await http.post("/v1/probe/notes", json=NOTE, headers=bearer(token)), 401, "no Pacer role")


async def test_the_wrong_role_is_403(http: httpx.AsyncClient) -> None:
    token = mint_local_token(ProbeSettings(), "ann", Role.ASSISTANT)
    assert_problem(await http.post("/v1/probe/notes", json=NOTE, headers=bearer(token)), 403, "admin")


async def test_a_body_that_breaks_the_schema_is_422_naming_the_field(http: httpx.AsyncClient) -> None:
    token = mint_local_token(ProbeSettings(), "root", Role.ADMIN)
    response = await http.post("/v1/probe/notes", json={"note_id": ""}, headers=bearer(token))
    assert_problem(response, 422, "note_id")
    assert {error["field"] for error in response.json()["errors"]} == {"body.note_id", "body.person_id"}


async def test_a_body_that_is_not_json_is_400_as_documented(http: httpx.AsyncClient) -> None:
    token = {**bearer(mint_local_token(ProbeSettings(), "root", Role.ADMIN)), "Content-Type": "application/json"}
    response = await http.post("/v1/probe/notes", content=b'{"note_id": "n-1",', headers=token)
    assert_problem(response, 400, "JSON")
    documented = (await http.get("/openapi.json")).json()["paths"]["/v1/probe/notes"]["post"]["responses"]
    assert "400" in documented


@pytest.fixture
def identity_provider() -> Iterator[tuple[rsa.RSAPrivateKey, str]]:
    """An enterprise identity provider's signing key and the JWKS URL publishing its public half."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "idp-1", "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield key, f"http://127.0.0.1:{server.server_port}/jwks.json"
    finally:
        server.shutdown()


async def test_rs256_tokens_from_an_identity_provider_are_verified_through_its_jwks(
    identity_provider: tuple[rsa.RSAPrivateKey, str],
) -> None:
    key, jwks_url = identity_provider
    settings = ProbeSettings(jwt_jwks_url=jwks_url, jwt_issuer="https://idp.example.com", jwt_audience="pacer")
    app = build(settings)
    claims = {
        "sub": "hr-1",
        "role": ["hr"],
        "iss": "https://idp.example.com",
        "aud": "pacer",
        "exp": datetime.now(UTC) + timedelta(minutes=5),
    }
    signed = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "idp-1"})
    wrong_audience = jwt.encode({**claims, "aud": "other"}, key, algorithm="RS256", headers={"kid": "idp-1"})
    numeric_role = jwt.encode({**claims, "role": 5}, key, algorithm="RS256", headers={"kid": "idp-1"})
    local = mint_local_token(ProbeSettings(), "root", Role.ADMIN)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://probe") as client:
        assert_problem(await client.post("/v1/probe/notes", json=NOTE, headers=bearer(signed)), 403, "admin")
        assert_problem(await client.post("/v1/probe/notes", json=NOTE, headers=bearer(wrong_audience)), 401, "Audience")
        assert_problem(
            await client.post("/v1/probe/notes", json=NOTE, headers=bearer(numeric_role)), 401, "no Pacer role"
        )
        assert_problem(await client.post("/v1/probe/notes", json=NOTE, headers=bearer(local)), 401, "invalid token")


async def test_with_an_audience_set_a_shared_secret_token_for_another_audience_or_none_is_401() -> None:
    """Outside local mode an HS256 secret needs an audience: one secret is often shared by several systems, and a token
    any of them minted (no `aud`, or its own) must not open Pacer."""
    secret = "a-production-secret-of-forty-characters!"
    app = build(ProbeSettings(jwt_secret=secret, jwt_audience="pacer"))
    claims = {"sub": "root", "role": "admin", "exp": datetime.now(UTC) + timedelta(minutes=5)}
    ours = jwt.encode({**claims, "aud": "pacer"}, secret, algorithm="HS256")
    theirs = jwt.encode({**claims, "aud": "crm"}, secret, algorithm="HS256")
    unaddressed = jwt.encode(claims, secret, algorithm="HS256")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://probe") as client:
        assert_problem(await client.post("/v1/probe/notes", json=NOTE, headers=bearer(theirs)), 401, "Audience")
        assert_problem(await client.post("/v1/probe/notes", json=NOTE, headers=bearer(unaddressed)), 401, "aud")
        accepted = await client.get("/v1/probe/notes/none", headers=bearer(ours))
        assert accepted.status_code != 401, accepted.text
