"""What makes anonymous feedback anonymous: nothing kept that points to the author, nothing seen that tells when.

- Times are kept only as the ISO week (or, for expiry, a whole day), so submission order within a week says nothing.
- The author's reply token is random and stored only as its SHA-256.
- The daily limit counts keyed hashes of (person, day) that expire; they hold no submission id and are written in
  a transaction of their own, never with a submission.
- Results are released only once k different people have written since the last release: each author of a
  window is a keyed hash of (person, subject, window), expiring with the window and holding no submission id,
  so one person's several submissions count once and cannot make up the k.
- Releases, and authors' replies, come out on a schedule (a fixed hour of the organisation's day), never inside
  an author's request: the moment results appear says nothing about when the k-th author wrote.
- Whatever a reader sees is sorted or shuffled, so its order says nothing about who wrote last.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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


def next_release(after: datetime, hour: int, zone: ZoneInfo) -> datetime:
    """The first scheduled release strictly after `after`: `hour` o'clock of a day in the organisation's zone (UTC).

    Every submission and reply of one day waits for the same moment, so the moment is all that can be seen."""
    local = after.astimezone(zone)
    release = datetime.combine(local.date(), time(hour), tzinfo=zone)
    if release <= local:
        release = datetime.combine(local.date() + timedelta(days=1), time(hour), tzinfo=zone)
    return release.astimezone(UTC)


def release_day(moment: datetime, zone: ZoneInfo) -> date:
    """The day a release is dated with: readers learn the day, never the hour."""
    return moment.astimezone(zone).date()


def day_expiry(day: date, days: int) -> datetime:
    """Midnight UTC `days` after `day`: an expiry that tells the day a record was made, not its time."""
    return datetime.combine(day + timedelta(days=days), time(0), tzinfo=UTC)


def theme_counts(tags: Iterable[str]) -> dict[str, int]:
    """Tag counts, most frequent first then by name: first-seen order would name the last submission's tags."""
    return dict(sorted(Counter(tags).items(), key=lambda item: (-item[1], item[0])))


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
