"""What the reviews use cases need: the shared runtime and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from pacer_reviews.settings import ReviewsSettings
from pacer_shared.mongo import Database
from pacer_shared.service import Runtime


@dataclass
class Reviews:
    runtime: Runtime
    settings: ReviewsSettings

    @classmethod
    def of(cls, runtime: Runtime) -> Reviews:
        assert isinstance(runtime.settings, ReviewsSettings)
        return cls(runtime, runtime.settings)

    @property
    def db(self) -> Database:
        return self.runtime.db
