"""Anonymous feedback as a review shows it: the feedback service's released aggregates, never a single text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from pacer_shared.talking_points import TalkingPoint, point, render


class AnonymousAggregate(BaseModel):
    """Released anonymous feedback about one subject (a team or a manager) in one window."""

    model_config = ConfigDict(frozen=True)

    subject_kind: str = Field(description="team | manager")
    subject_id: str
    window_start: datetime
    window_end: datetime
    submissions: int = Field(description="Submissions released for the window so far (never fewer than k)")
    themes: dict[str, int] = Field(description="Tag counts over the released submissions")
    released_on: date = Field(
        description="The day of the window's latest release (releases are scheduled; no finer time is shown)"
    )
    release_ids: list[str] = Field(exclude=True, default_factory=list)

    @field_serializer("released_on")
    def _day(self, day: date) -> str:
        return day.isoformat()  # MongoDB stores datetimes, not days: a completed review keeps its inputs as dumped

    @property
    def said(self) -> TalkingPoint:
        return point(
            "feedback.anonymous",
            subject_kind=self.subject_kind,
            subject=self.subject_id,
            **{"from": self.window_start.date().isoformat()},
            to=(self.window_end - timedelta(days=1)).date().isoformat(),
            submissions=str(self.submissions),
            themes=themes_text(self.themes),
        )

    @property
    def talking_point(self) -> str:
        return render(self.said)


def aggregates(releases: Iterable[Mapping[str, Any]], released_since: datetime) -> list[AnonymousAggregate]:
    """One aggregate per subject and window, as of its latest release; windows with no release since
    `released_since` are left out.

    Each AnonymousFeedbackPublished carries the window's running total of submissions but only the
    themes of its own batch, so a window's total is its latest count and its themes add up.
    """
    windows: dict[tuple[str, str, datetime, datetime], list[Mapping[str, Any]]] = {}
    for release in releases:
        key = (release["subject_kind"], release["subject_id"], release["window_start"], release["window_end"])
        windows.setdefault(key, []).append(release)
    shown = []
    for (kind, subject, start, end), batch in sorted(windows.items(), key=lambda item: (item[0][2], item[0][:2])):
        latest = max(r["at"] for r in batch)
        if latest < released_since:
            continue
        themes: Counter[str] = Counter()
        for release in batch:
            themes.update(release.get("themes") or {})
        shown.append(
            AnonymousAggregate(
                subject_kind=kind,
                subject_id=subject,
                window_start=start,
                window_end=end,
                submissions=max(r["submissions"] for r in batch),
                themes=dict(sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))),  # release order says nothing
                released_on=max(_released_on(r) for r in batch),
                release_ids=sorted(str(r["_id"]) for r in batch),
            )
        )
    return shown


def _released_on(release: Mapping[str, Any]) -> date:
    stored = release.get("released_on")
    return date.fromisoformat(stored) if stored else release["at"].date()


def themes_text(themes: Mapping[str, int]) -> str:
    """'teamwork (2), follow-up (1)': most frequent first."""
    return ", ".join(f"{tag} ({count})" for tag, count in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0])))
