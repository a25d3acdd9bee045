"""What the feedback use cases need: the shared runtime, the settings and the repositories."""

from __future__ import annotations

from dataclasses import dataclass

from pacer_feedback.adapters.anonymous import AnonymousFeedback
from pacer_feedback.adapters.named import FeedbackRequests, NamedFeedback
from pacer_feedback.settings import FeedbackSettings
from pacer_shared.service import Runtime


@dataclass(frozen=True)
class Feedback:
    runtime: Runtime
    settings: FeedbackSettings
    named: NamedFeedback
    requests: FeedbackRequests
    anonymous: AnonymousFeedback

    @classmethod
    def of(cls, runtime: Runtime) -> Feedback:
        assert isinstance(runtime.settings, FeedbackSettings)
        db = runtime.db
        return cls(
            runtime,
            runtime.settings,
            NamedFeedback(db),
            FeedbackRequests(db),
            AnonymousFeedback(db),
        )
