"""Sales activity as a CRM records it, for the suites that publish it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pacer_shared.events.sales import SalesActivityRecorded


def sale(
    assistant: str,
    quantity: int | str = 1,
    kind: str = "call",
    at: datetime | None = None,
    activity_id: str | None = None,
    **extra: Any,
) -> SalesActivityRecorded:
    """One activity of `assistant`: a call of quantity 1, now, with an id of its own, unless given."""
    return SalesActivityRecorded(
        activity_id=activity_id or str(uuid.uuid4()),
        assistant_id=assistant,
        kind=kind,
        quantity=Decimal(quantity),
        occurred_at=at or datetime.now(UTC),
        source_system="crm",
        **extra,
    )
