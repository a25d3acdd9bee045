"""Request and response bodies of the feedback API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from pacer_feedback.domain.anonymity import THEMES
from pacer_feedback.service.anonymous import SubjectKind
from pacer_shared.events.feedback import FeedbackDirection, FeedbackKind, Visibility

Tag = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$", description=f"one of {', '.join(THEMES)}, or your own")]
Text = Annotated[str, AfterValidator(lambda text: _not_blank(text)), Field(min_length=1, max_length=4000)]


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("the text is empty")
    return text.strip()


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient_id: str = Field(min_length=1)
    kind: FeedbackKind
    text: Text
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    visibility: Visibility = Field(default=Visibility.PRIVATE, description="team: shared with the team as recognition")
    goal_id: str | None = None
    review_id: str | None = None


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FeedbackKind
    text: Text
    tags: list[Tag] = Field(default_factory=list, max_length=10)


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text


class RecipientOut(BaseModel):
    person_id: str
    display_name: str
    direction: FeedbackDirection = Field(description="What feedback to them is: downward, upward or peer")


class FeedbackOut(BaseModel):
    feedback_id: str
    author_id: str
    recipient_id: str
    kind: FeedbackKind
    direction: str
    visibility: Visibility
    text: str
    tags: list[str]
    goal_id: str | None
    review_id: str | None
    request_id: str | None
    created_at: datetime
    replies: list[dict[str, Any]]

    @classmethod
    def of(cls, document: dict[str, Any]) -> FeedbackOut:
        return cls(feedback_id=document["_id"], **{k: v for k, v in document.items() if k != "_id"})


class FeedbackPage(BaseModel):
    items: list[FeedbackOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    about_id: str = Field(min_length=1)
    respondent_ids: list[str] = Field(min_length=1, max_length=30)
    due_at: AwareDatetime = Field(description="With its UTC offset, e.g. 2026-12-01T17:00:00+08:00")


class AnonymousIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_kind: SubjectKind = SubjectKind.COMPANY
    subject_id: str | None = Field(
        default=None, description="The team or manager, unless the feedback is about the company"
    )
    category: str = Field(pattern=r"^(suggestion|problem|concern)$")
    text: Text
    tags: list[Tag] = Field(default_factory=list, max_length=10)


class AnonymousReceipt(BaseModel):
    reply_token: str = Field(description="Shown once. Keep it to read answers and reply; it cannot be recovered.")
    note: str = "Nothing that identifies you was stored. Results are shown only once at least k people have written."


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reply_token: str = Field(min_length=20, max_length=200)


class AuthorReplyIn(TokenIn):
    text: Text


class AnonymousTerms(BaseModel):
    """How anonymous feedback is kept apart from its authors, for a writer to read before writing."""

    threshold: int = Field(description="k: results about a subject are shown only once k people wrote in its window")
    window: str = Field(description="The window submissions count in: a calendar month")
    daily_limit: int = Field(description="Anonymous submissions one person may make per day")
    release_hour: int = Field(description="Hour of the organisation's day at which results and replies come out")
    organisation_timezone: str
    next_release_at: AwareDatetime = Field(description="The next scheduled release: the same for everyone")


class ThreadEntry(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", description="author | manager | hr")
    text: str
    week: str = Field(description="Monday of the week it was written: no finer time is kept")


class ThreadOut(BaseModel):
    """The author's view of a submission: its text, the answers, and their own replies waiting for a release."""

    category: str
    text: str
    week: str
    thread: list[ThreadEntry]
    pending_replies: list[ThreadEntry]


class ReleasedSubmission(BaseModel):
    submission_id: str
    category: str
    text: str
    thread: list[ThreadEntry]


class ReleasedWindow(BaseModel):
    """The released submissions of one window; a window below k is never listed."""

    window: str = Field(description="The calendar month, YYYY-MM")
    submissions: int
    themes: dict[str, int] = Field(description="Tag counts, most frequent first")
    items: list[ReleasedSubmission]
