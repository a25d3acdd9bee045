"""Local mode's "sign in as": the roster to choose from and a local token for the person chosen.

It lets a newcomer try the console without an identity provider. Anyone who can reach the service may act as
anyone, so it answers only in local mode; production signs in through OpenID Connect.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from pacer_goals.api.deps import GoalsDep
from pacer_shared.auth import Role, mint_local_token
from pacer_shared.mongo import Document
from pacer_shared.problems import Forbidden, NotFound, responses
from pacer_shared.settings import ServiceSettings

TOKEN_HOURS = 12


def local_mode_only(request: Request) -> None:
    settings: ServiceSettings = request.app.state.settings
    if settings.environment != "local":
        raise Forbidden("signing in as someone is available only in local mode; sign in with your identity provider")


# Router-level, so the refusal comes before anything else the route depends on is resolved.
router = APIRouter(
    prefix="/v1/local-sign-in",
    tags=["local sign-in"],
    dependencies=[Depends(local_mode_only)],
    responses=responses(403),
)


class RosterPerson(BaseModel):
    person_id: str
    display_name: str
    role: Role
    team_id: str | None
    locale: str


class RosterPage(BaseModel):
    items: list[RosterPerson]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class SignInIn(BaseModel):
    person_id: str = Field(min_length=1, max_length=200)


class SignInOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(description="Seconds the token is valid")
    person: RosterPerson


def _shown(person: Document) -> RosterPerson:
    return RosterPerson(
        person_id=person["_id"],
        display_name=person["display_name"],
        role=person["role"],
        team_id=person.get("team_id"),
        locale=person.get("locale") or "en",
    )


@router.get("/people", summary="The people one may sign in as (local mode only), in id order")
async def roster(
    goals: GoalsDep, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 100
) -> RosterPage:
    people = await goals.runtime.people.page(cursor, limit + 1)
    shown = [_shown(person) for person in people[:limit]]
    return RosterPage(items=shown, next_cursor=shown[-1].person_id if len(people) > limit else None)


@router.post("", summary="A local token for a person of the roster (local mode only)", responses=responses(404, 422))
async def sign_in_as(body: SignInIn, goals: GoalsDep) -> SignInOut:
    person = await goals.runtime.people.get(body.person_id)
    if person is None or not person.get("active", True):
        raise NotFound(f"person {body.person_id!r} is not in the roster (yet)")
    shown = _shown(person)
    token = mint_local_token(goals.runtime.settings, shown.person_id, shown.role, timedelta(hours=TOKEN_HOURS))
    return SignInOut(access_token=token, expires_in=TOKEN_HOURS * 3600, person=shown)
