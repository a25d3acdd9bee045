"""Events published by the feedback service on `feedback.events`.

Anonymous feedback is only ever published as an aggregate: no event carries its author.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field, model_validator

from pacer_shared import topics
from pacer_shared.events.base import EventData, SealedText, Sealing, upcaster


class FeedbackKind(StrEnum):
    PRAISE = "praise"
    IMPROVEMENT = "improvement"


class FeedbackDirection(StrEnum):
    DOWNWARD = "downward"
    UPWARD = "upward"
    PEER = "peer"
    REQUESTED = "requested"


class Visibility(StrEnum):
    PRIVATE = "private"
    TEAM = "team"


class FeedbackGiven(EventData):
    """Named feedback. Version 2 carries its text sealed (`sealed_text`) under the keys of its author and its
    recipient: erasing either destroys that person's key, and every copy of the text on the topics can no longer
    be read (`pacer_shared.shredding`). Version 1 carried it in clear as `text`."""

    version = 2
    event_type = "FeedbackGiven"
    topic = topics.FEEDBACK_EVENTS
    subject_field = "recipient_id"
    sealing = Sealing(texts=("text",), people=("author_id", "recipient_id"), bound_to="feedback_id")

    feedback_id: str
    author_id: str
    recipient_id: str
    kind: FeedbackKind
    direction: FeedbackDirection
    visibility: Visibility = Visibility.PRIVATE
    sealed_text: SealedText | None = Field(
        default=None,
        description="The text, sealed for [author_id, recipient_id] with `feedback_id` as associated data",
    )
    text: str | None = Field(default=None, description="The text in clear: in events of version 1 only")
    tags: list[str] = []
    goal_id: str | None = None
    review_id: str | None = None
    request_id: str | None = None

    @model_validator(mode="after")
    def _has_text(self) -> FeedbackGiven:
        if (self.sealed_text is None) == (self.text is None):
            raise ValueError("one of sealed_text (version 2) and text (version 1)")
        return self


class FeedbackRequested(EventData):
    event_type = "FeedbackRequested"
    topic = topics.FEEDBACK_EVENTS
    subject_field = "about_id"

    request_id: str
    about_id: str
    requested_by: str
    respondent_ids: list[str]
    due_at: AwareDatetime


class AnonymousFeedbackPublished(EventData):
    """An aggregate released once at least k people have written about the subject in the window.

    Released on a schedule (a fixed hour of the organisation's day), never inside an author's request: the
    envelope's `time` is that scheduled moment, and readers are shown `released_on`, the day, not the time."""

    event_type = "AnonymousFeedbackPublished"
    topic = topics.FEEDBACK_EVENTS
    subject_field = "subject_id"

    subject_id: str = Field(description="The team or manager the feedback is about, or 'company'")
    subject_kind: str = Field(description="team | manager | company")
    window_start: AwareDatetime
    window_end: AwareDatetime
    submissions: int = Field(ge=3)
    themes: dict[str, int] = Field(default={}, description="Tag counts of this release, most frequent first")
    texts: list[str] = Field(default=[], description="This release's texts, shuffled")
    manager_id: str | None = Field(default=None, description="The manager the results concern, who may see them")
    released_on: date | None = Field(
        default=None,
        description="The day of the scheduled release in the organisation's zone: all the time a reader may see "
        "(absent from releases made before releases were scheduled)",
    )


upcaster(FeedbackGiven, from_version=1)(dict)  # read as written: `text` in clear, nothing sealed
