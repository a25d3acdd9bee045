"""What makes anonymous feedback anonymous: nothing kept that points to the author.

- Times are kept only as the ISO week, so submission order within a week says nothing.
- The author's reply token is random and stored only as its SHA-256.
- The daily limit counts keyed hashes of (person, day) that expire; they hold no submission id.
- Results are released only once k different people have written since the last release: each author of a
  window is a keyed hash of (person, subject, window), expiring with the window and holding no submission id,
  so one person's several submissions count once and cannot make up the k.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, date, datetime, timedelta

THEMES = (
    "customer_care",
    "responsiveness",
    "product_knowledge",
    "teamwork",
    "reporting_quality",
    "initiative",
    "communication",
    "workload",
    "recognition",
    "process",
)
"""Suggested tags; free tags (lower-case words) are allowed too."""


def week_of(moment: datetime) -> date:
    """The Monday of the moment's ISO week: the only time an anonymous submission keeps."""
    day = moment.date()
    return day - timedelta(days=day.weekday())


def window_of(moment: datetime) -> str:
    """The aggregation window (a calendar month) a submission counts in."""
    return f"{moment.year:04d}-{moment.month:02d}"


def new_reply_token() -> tuple[str, str]:
    """A secret for the author (shown once) and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rate_key(secret: str, person_id: str, day: date) -> str:
    """A daily counter key that cannot be turned back into the person without the secret."""
    return _keyed(secret, day.isoformat(), person_id)


def author_key(secret: str, person_id: str, subject: str, window: str) -> str:
    """One author of a subject's window, told apart from the others without naming them."""
    return _keyed(secret, "author", subject, window, person_id)


def _keyed(secret: str, *parts: str) -> str:
    return hmac.new(secret.encode(), "|".join(parts).encode(), hashlib.sha256).hexdigest()


def window_bounds(window: str) -> tuple[datetime, datetime]:
    """A window's first moment and the first moment after it (UTC)."""
    year, month = (int(part) for part in window.split("-"))
    return datetime(year, month, 1, tzinfo=UTC), datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
