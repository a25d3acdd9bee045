"""Judging a vendor's answer: HTTP status, Retry-After and the JSON error codes the Chinese vendors use."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from pacer_notifications.adapters.channels.chat.message import SNIPPET_CHARS, Outcome, truncate_chars, utc


def header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - utc(now or datetime.now(UTC))).total_seconds())
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def snippet(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return truncate_chars(text, SNIPPET_CHARS) if text else "<empty body>"


def looks_like_html(body: bytes) -> bool:
    head = body.lstrip()[:64].lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body"))


def json_object(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    return data if isinstance(data, dict) else None


def int_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def judge_status(vendor: str, status: int, headers: Mapping[str, str], body: bytes) -> Outcome | None:
    """The verdict a non-2xx status alone decides, or None for a 2xx whose body still has to be read."""
    if 200 <= status < 300:
        return None
    reason = f"{vendor}: HTTP {status}: {snippet(body)}"
    if status in (408, 429) or status >= 500:
        return Outcome(False, True, reason, retry_after_seconds(header(headers, "Retry-After")))
    # 4xx other than 408/429 (bad payload, revoked or unknown webhook); 1xx/3xx: a webhook that moved.
    return Outcome(False, False, reason)


def garbage(vendor: str, status: int, body: bytes) -> Outcome:
    # A 2xx that is not the vendor's JSON (a proxy's or captive portal's HTML page, an empty body): the message
    # most likely never reached the vendor, so the attempt failed but trying again may work.
    return Outcome(False, True, f"{vendor}: unexpected response body (HTTP {status}): {snippet(body)}")


RetryHint = tuple[bool, float | None]


def judge_coded(
    vendor: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    code_keys: tuple[str, ...],
    msg_keys: tuple[str, ...],
    retry_hint: Callable[[int, str], RetryHint],
    extra_delay_header: str | None = None,
) -> Outcome:
    """Judging for vendors that answer with a JSON error code (0 = success), usually with HTTP 200."""
    data = json_object(body)
    code: int | None = None
    msg = ""
    if data is not None:
        code = next((c for c in (int_code(data.get(k)) for k in code_keys) if c is not None), None)
        msg = next((str(data[k]) for k in msg_keys if isinstance(data.get(k), str)), "")
    if code is not None and code != 0:
        retryable, default_delay = retry_hint(code, msg)
        if retryable:  # vendors may answer a rate limit with HTTP 200 or 4xx: the code is what counts
            delay = retry_after_seconds(header(headers, "Retry-After"))
            if delay is None and extra_delay_header:
                delay = retry_after_seconds(header(headers, extra_delay_header))
            return Outcome(
                False,
                True,
                f"{vendor}: code {code}: {truncate_chars(msg, SNIPPET_CHARS)}",
                delay if delay is not None else default_delay,
            )
    by_status = judge_status(vendor, status, headers, body)
    if by_status is not None:
        return by_status
    if code is None:
        return garbage(vendor, status, body)
    if code == 0:
        return Outcome(True, False, f"{vendor}: {msg or 'ok'}")
    return Outcome(False, False, f"{vendor}: code {code}: {truncate_chars(msg, SNIPPET_CHARS)}")
