"""Bearer-JWT authentication and role checks as FastAPI dependencies.

Locally tokens are HS256 with a shared secret; an enterprise identity provider
signs RS256 and publishes its keys at a JWKS URL. The role comes from a claim
(`role` by default) holding one role or a list. Service accounts only ingest:
`CurrentPrincipal` is always a person, and a machine is let in only where a route
`require`s `Role.SERVICE`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pacer_shared.problems import Forbidden, Unauthorized, responses
from pacer_shared.settings import ServiceSettings


class Role(StrEnum):
    ASSISTANT = "assistant"
    MANAGER = "manager"
    HR = "hr"
    ADMIN = "admin"
    SERVICE = "service"
    """A machine account, e.g. a CRM posting to the ingest endpoint."""


PERSON_ROLES = (Role.ASSISTANT, Role.MANAGER, Role.HR, Role.ADMIN)


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[Role]

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        # The key set is cached for PyJWKClient's lifespan (5 minutes) and fetched again for an unknown key id; the
        # keys themselves are not cached on top (cache_keys), which would keep a key the provider removed trusted
        # until the process restarts.
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=False) if settings.jwt_jwks_url else None

    async def verify(self, token: str) -> Principal:
        s = self._settings
        try:
            if self._jwks is not None:
                # PyJWKClient fetches with urllib (blocking) and caches: keep it off the event loop.
                key: Any = (await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)).key
                algorithms = ["RS256"]
            else:
                key, algorithms = s.jwt_secret.get_secret_value(), ["HS256"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=s.jwt_audience,
                issuer=s.jwt_issuer,
                options={"require": ["sub", "exp"], "verify_aud": s.jwt_audience is not None},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("token expired") from error
        except jwt.PyJWTError as error:
            raise Unauthorized(f"invalid token: {error}") from error
        raw = claims.get(s.jwt_role_claim)
        names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
        roles = frozenset(Role(name) for name in names if name in Role.__members__.values())
        if not roles:
            raise Unauthorized(f"token has no Pacer role in claim {s.jwt_role_claim!r}")
        return Principal(subject=str(claims["sub"]), roles=roles)


def mint_local_token(
    settings: ServiceSettings, subject: str, role: Role | str, lifetime: timedelta = timedelta(hours=12)
) -> str:
    """An HS256 token for local use and tests; refused outside local mode."""
    if settings.environment != "local":
        raise RuntimeError("local tokens are minted only in local mode")
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": subject, settings.jwt_role_claim: str(role), "iat": now, "exp": now + lifetime}
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("a bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(credentials.credentials)


VerifiedPrincipal = Annotated[Principal, Depends(current_principal)]


def require(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets only the given roles through."""

    async def check(principal: VerifiedPrincipal) -> Principal:
        if not principal.has(*roles):
            raise Forbidden(f"requires one of the roles: {', '.join(sorted(roles))}")
        return principal

    return check


CurrentPrincipal = Annotated[Principal, Depends(require(*PERSON_ROLES))]
"""The calling person (any person's role); a service account's token is refused with 403."""

RESPONSES = responses(401, 403)
"""What a route behind a token may answer before its handler runs: declare it on the route or its router."""
