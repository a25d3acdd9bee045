"""Weekly check-in routes: the assistant answers the week's check-in; managers read their reports' answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from pacer_goals.api.deps import GoalsDep
from pacer_goals.domain.checkin import HIGHEST_CONFIDENCE, LOWEST_CONFIDENCE, CheckIn, CheckInAnswer, CheckInStatus
from pacer_goals.service import answers
from pacer_goals.service.context import Goals
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/checkins", tags=["checkins"], responses=RESPONSES)

Text = Annotated[str, Field(max_length=4000)]


class GoalNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goal_id: str = Field(min_length=1, max_length=128)
    progress_note: Text = ""


class CheckInAnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goals: list[GoalNoteIn] = Field(default_factory=list, max_length=100, description="Progress notes per goal")
    obstacles: Text = ""
    help_needed: Text = ""
    confidence: int = Field(
        ge=LOWEST_CONFIDENCE, le=HIGHEST_CONFIDENCE, description="How sure of reaching the goals: 1 (not) to 5 (very)"
    )

    def answer(self) -> CheckInAnswer:
        return CheckInAnswer(
            progress_notes={note.goal_id: note.progress_note for note in self.goals},
            obstacles=self.obstacles,
            help_needed=self.help_needed,
            confidence=self.confidence,
        )


class CheckInRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner_id: str = Field(min_length=1, max_length=128, description="The assistant asked (one of your reports)")


class GoalNoteOut(BaseModel):
    goal_id: str
    title: str
    progress_note: str


class CheckInOut(BaseModel):
    checkin_id: str
    owner_id: str
    owner_name: str = Field(description="The assistant's display name from the roster (their id if unknown)")
    team_id: str | None
    week_start: datetime
    due_at: datetime
    status: CheckInStatus = Field(description="due, overdue (reminded and still unanswered) or recorded")
    reminded_at: datetime | None
    recorded_at: datetime | None
    goals: list[GoalNoteOut] = Field(description="The goals the check-in asks about, with the answer's notes")
    obstacles: str | None
    help_needed: str | None
    confidence: int | None

    @classmethod
    def of(cls, checkin: CheckIn, names: dict[str, str]) -> CheckInOut:
        answer = checkin.answer
        notes = answer.progress_notes if answer else {}
        return cls(
            checkin_id=checkin.checkin_id,
            owner_id=checkin.owner_id,
            owner_name=names.get(checkin.owner_id, checkin.owner_id),
            team_id=checkin.team_id,
            week_start=checkin.week_start,
            due_at=checkin.due_at,
            status=checkin.status,
            reminded_at=checkin.reminded_at,
            recorded_at=checkin.recorded_at,
            goals=[
                GoalNoteOut(goal_id=goal_id, title=title, progress_note=notes.get(goal_id, ""))
                for goal_id, title in checkin.goal_titles.items()
            ],
            obstacles=answer.obstacles if answer else None,
            help_needed=answer.help_needed if answer else None,
            confidence=answer.confidence if answer else None,
        )


class CheckInPage(BaseModel):
    items: list[CheckInOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


@router.get(
    "", summary="Check-ins you may see, newest first, a page at a time (yours; a manager's also their reports')"
)
async def list_checkins(
    goals: GoalsDep,
    principal: CurrentPrincipal,
    owner_id: Annotated[str | None, Query(description="Whose; the latest answer: status=recorded&limit=1")] = None,
    status: Annotated[
        list[CheckInStatus] | None, Query(description="Any of these (repeat it: status=due&status=overdue)")
    ] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> CheckInPage:
    found, next_cursor = await answers.list_checkins(goals, principal, owner_id, status, cursor, limit)
    names = await _names(goals, found)
    return CheckInPage(items=[CheckInOut.of(checkin, names) for checkin in found], next_cursor=next_cursor)


@router.post(
    "",
    status_code=201,
    summary="Ask an assistant for a check-in now, on top of the weekly one (their manager, hr)",
    responses=responses(403, 422),
)
async def request_checkin(body: CheckInRequestIn, goals: GoalsDep, principal: CurrentPrincipal) -> CheckInOut:
    checkin = await answers.request_checkin(goals, principal, body.owner_id)
    return CheckInOut.of(checkin, await _names(goals, [checkin]))


@router.get("/{checkin_id}", summary="One check-in with its answer", responses=responses(404))
async def get_checkin(checkin_id: str, goals: GoalsDep, principal: CurrentPrincipal) -> CheckInOut:
    checkin = await answers.get_checkin(goals, principal, checkin_id)
    return CheckInOut.of(checkin, await _names(goals, [checkin]))


@router.post(
    "/{checkin_id}/answer",
    summary="Answer the week's check-in (the assistant it asks, once); the manager is told",
    responses=responses(404, 409, 422),
)
async def answer(checkin_id: str, body: CheckInAnswerIn, goals: GoalsDep, principal: CurrentPrincipal) -> CheckInOut:
    checkin = await answers.record_answer(goals, principal, checkin_id, body.answer())
    return CheckInOut.of(checkin, await _names(goals, [checkin]))


async def _names(goals: Goals, checkins: list[CheckIn]) -> dict[str, str]:
    people = await goals.runtime.people.many(c.owner_id for c in checkins)
    return {person_id: str(person.get("display_name") or person_id) for person_id, person in people.items()}
