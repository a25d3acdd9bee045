"""Pacer's event contracts: the CloudEvents envelope and one module of payloads per producer."""

from pacer_shared.events import analytics, feedback, goals, incentives, notifications, people, reviews, sales
from pacer_shared.events.base import EVENT_TYPES, EventData, Record, upcaster
from pacer_shared.events.codec import Event, InvalidEvent, decode, derived_id, wrap
from pacer_shared.events.envelope import CloudEvent

__all__ = [
    "EVENT_TYPES",
    "CloudEvent",
    "Event",
    "EventData",
    "InvalidEvent",
    "Record",
    "analytics",
    "decode",
    "derived_id",
    "feedback",
    "goals",
    "incentives",
    "notifications",
    "people",
    "reviews",
    "sales",
    "upcaster",
    "wrap",
]
