"""Keyset paging cursors: the (time, id) of a page's last item, opaque to the caller."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from pacer_shared.problems import Unprocessable


def encode_cursor(moment: datetime, item_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([moment.isoformat(), item_id]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """What `encode_cursor` made; anything else is a 422 naming the cursor."""
    try:
        raw_moment, item_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        moment = datetime.fromisoformat(raw_moment)
        moment.astimezone(UTC)  # what the query encodes: fails for a moment the driver cannot store
        return moment, str(item_id)
    except (ValueError, TypeError, OverflowError) as error:
        raise Unprocessable("cursor: not a cursor returned by this API") from error


def newest_first_after(cursor: str | None, moment_field: str) -> dict[str, Any]:
    """The filter for the page after `cursor` of a list sorted by (`moment_field`, `_id`) both descending: the id
    breaks ties between items of the same moment, so an item is never shown twice or skipped."""
    if not cursor:
        return {}
    moment, item_id = decode_cursor(cursor)
    return {"$or": [{moment_field: {"$lt": moment}}, {moment_field: moment, "_id": {"$lt": item_id}}]}


def cursor_after(found: list[dict[str, Any]], limit: int, moment_field: str) -> str | None:
    """The cursor of the page after `found`, read with `limit + 1`: null when nothing follows."""
    if len(found) <= limit:
        return None
    last = found[limit - 1]
    return encode_cursor(last[moment_field], last["_id"])
