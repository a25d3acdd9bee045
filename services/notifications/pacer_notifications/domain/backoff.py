"""When to try a failed delivery again: exponential backoff with full jitter, or what the server asked for."""

from __future__ import annotations

import random


def retry_delay(attempt: int, base: float, ceiling: float, retry_after: float | None = None) -> float:
    """Seconds before attempt `attempt + 1`; a server's Retry-After wins when it asks for longer."""
    exponential = min(ceiling, base * 2 ** max(attempt - 1, 0))
    delay = random.uniform(exponential / 2, exponential)  # noqa: S311 - jitter, not security
    return max(delay, retry_after or 0.0)
