"""Keyset paging cursors: the (time, id) of a page's last item, opaque to the caller."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

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
