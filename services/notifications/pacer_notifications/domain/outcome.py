"""What one attempt to send a message achieved, as every channel reports it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """What one attempt achieved. `retry_after` (seconds) is the vendor's hint, when it gave one."""

    delivered: bool
    retryable: bool
    reason: str
    retry_after: float | None = None
