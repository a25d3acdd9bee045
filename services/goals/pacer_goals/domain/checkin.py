"""A weekly check-in: due with the week's summary, answered by the assistant, or reminded of once, gently."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pacer_goals.domain.errors import GoalRuleViolation
from pacer_shared.events import EventData
from pacer_shared.events.goals import GoalCheckInOverdue, GoalCheckInRecorded, GoalNote

LOWEST_CONFIDENCE, HIGHEST_CONFIDENCE = 1, 5


class CheckInStatus(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    """Unanswered when the reminder went out: the manager's dashboard shows it until it is answered."""
    RECORDED = "recorded"


@dataclass(frozen=True)
class CheckInAnswer:
    progress_notes: dict[str, str]
    """By goal id: what moved, what did not."""
    obstacles: str
    help_needed: str
    confidence: int


@dataclass
class CheckIn:
    checkin_id: str
    owner_id: str
    team_id: str | None
    week_start: datetime
    due_at: datetime
    remind_at: datetime | None
    goal_titles: dict[str, str]
    """The goals the check-in is about (open when it fell due), by id."""
    status: CheckInStatus = CheckInStatus.DUE
    reminded_at: datetime | None = None
    recorded_at: datetime | None = None
    answer: CheckInAnswer | None = None
    events: list[EventData] = field(default_factory=list, repr=False)

    @property
    def overdue(self) -> bool:
        return self.status is CheckInStatus.OVERDUE

    def record(self, answer: CheckInAnswer, now: datetime) -> None:
        if self.status is CheckInStatus.RECORDED:
            raise GoalRuleViolation("this check-in is already answered")
        if not LOWEST_CONFIDENCE <= answer.confidence <= HIGHEST_CONFIDENCE:
            raise GoalRuleViolation(f"confidence: from {LOWEST_CONFIDENCE} to {HIGHEST_CONFIDENCE}")
        if unknown := sorted(set(answer.progress_notes) - set(self.goal_titles)):
            raise GoalRuleViolation(
                f"goals: {', '.join(unknown)} not part of this check-in",
                code="checkin_goal_unknown",
                field="body.goals",
                ctx={"goals": ", ".join(unknown)},
            )
        late = self.status is CheckInStatus.OVERDUE
        self.status, self.recorded_at, self.answer, self.remind_at = CheckInStatus.RECORDED, now, answer, None
        self.events.append(
            GoalCheckInRecorded(
                checkin_id=self.checkin_id,
                owner_id=self.owner_id,
                team_id=self.team_id,
                week_start=self.week_start,
                due_at=self.due_at,
                recorded_at=now,
                late=late,
                goals=[
                    GoalNote(goal_id=goal_id, title=title, progress_note=answer.progress_notes.get(goal_id, ""))
                    for goal_id, title in self.goal_titles.items()
                ],
                obstacles=answer.obstacles,
                help_needed=answer.help_needed,
                confidence=answer.confidence,
            )
        )

    def remind(self, now: datetime) -> None:
        """Once, when the reminder time has come and no answer has: later calls change nothing."""
        if self.status is not CheckInStatus.DUE or self.remind_at is None or now < self.remind_at:
            return
        self.status, self.reminded_at, self.remind_at = CheckInStatus.OVERDUE, now, None
        self.events.append(
            GoalCheckInOverdue(
                checkin_id=self.checkin_id, owner_id=self.owner_id, week_start=self.week_start, due_at=self.due_at
            )
        )
