"""Kafka topic names and how each is created; every name takes the deployment's prefix."""

from __future__ import annotations

from dataclasses import dataclass

SALES_ACTIVITY = "sales.activity"
ORG_PEOPLE = "org.people"
GOALS_EVENTS = "goals.events"
REVIEWS_EVENTS = "reviews.events"
FEEDBACK_EVENTS = "feedback.events"
INCENTIVES_EVENTS = "incentives.events"
NOTIFICATIONS_EVENTS = "notifications.events"
ANALYTICS_EVENTS = "analytics.events"

ALL = (
    SALES_ACTIVITY,
    ORG_PEOPLE,
    GOALS_EVENTS,
    REVIEWS_EVENTS,
    FEEDBACK_EVENTS,
    INCENTIVES_EVENTS,
    NOTIFICATIONS_EVENTS,
    ANALYTICS_EVENTS,
)
COMPACTED = frozenset({ORG_PEOPLE})
"""The roster is a table: only the latest record per person matters, forever."""

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class TopicNames:
    """Resolves logical topic names against a deployment prefix such as `acme.`."""

    prefix: str = ""

    def __call__(self, logical: str) -> str:
        return f"{self.prefix}{logical}"

    def dlq(self, logical: str) -> str:
        return f"{self.prefix}{logical}{DLQ_SUFFIX}"

    def logical(self, physical: str) -> str:
        return physical.removeprefix(self.prefix)
