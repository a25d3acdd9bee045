"""Inbound CRM contract on `sales.activity`: what assistants did, keyed by assistant_id (a retraction that does not
know the assistant: by activity_id)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, Field, model_validator

from pacer_shared import topics
from pacer_shared.events.base import EventData, upcaster

STANDARD_KINDS = (
    "customer_visit",
    "call",
    "lead_followed_up",
    "quote_sent",
    "order_processed",
    "deal_closed",
    "report_prepared",
    "customer_rating",
)
"""Well-known activity kinds; a producer may also send its own kind string."""
CUSTOMER_RATING = "customer_rating"
"""A customer's rating of the assistant (`score` 1-5), which reviews average over a period."""

MAX_QUANTITY = Decimal("1000000")
MAX_AMOUNT = Decimal("1000000000000000")
"""Bounds (and the decimal places below) that keep every total exact in MongoDB's 34-digit decimals."""
"""Above this a quantity is treated as a data error rather than a sale."""


class SalesActivityRecorded(EventData):
    """An assistant did something that may count toward goals."""

    event_type = "SalesActivityRecorded"
    topic = topics.SALES_ACTIVITY
    subject_field = "assistant_id"

    activity_id: str = Field(min_length=1, max_length=200, description="The producer's idempotency key")
    assistant_id: str = Field(min_length=1, max_length=128)
    kind: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_.-]*$")
    quantity: Decimal = Field(
        default=Decimal(1), gt=0, le=MAX_QUANTITY, decimal_places=6, description="At most 6 decimal places"
    )
    amount: Decimal | None = Field(
        default=None,
        ge=0,
        le=MAX_AMOUNT,
        decimal_places=4,
        description="Money involved, in `currency`; at most 4 decimal places",
    )
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code")
    occurred_at: AwareDatetime
    source_system: str = Field(min_length=1, max_length=100)
    customer_id: str | None = None
    deal_id: str | None = None
    rep_id: str | None = Field(default=None, description="The sales rep the assistant supported")
    score: int | None = Field(
        default=None, description="A `customer_rating`'s score, 1 (poor) to 5 (excellent); no other kind carries one"
    )

    @model_validator(mode="after")
    def _money_has_currency(self) -> SalesActivityRecorded:
        if self.amount is not None and self.currency is None:
            raise ValueError("currency is required when amount is given")
        return self

    @model_validator(mode="after")
    def _rating_has_score(self) -> SalesActivityRecorded:
        # The bounds are checked here rather than on the field so the reason names the kind it applies to.
        if self.kind == CUSTOMER_RATING and (self.score is None or not 1 <= self.score <= 5):
            raise ValueError(f"score: a customer_rating needs a score from 1 to 5, got {self.score}")
        if self.kind != CUSTOMER_RATING and self.score is not None:
            raise ValueError(f"score: only a customer_rating carries a score, not a {self.kind}")
        return self


class SalesActivityRetracted(EventData):
    """A correction: the activity did not happen (or was recorded in error).

    It names the activity by the producer's own id; a CRM deleting a record knows that id, not always whose the
    activity was, so `assistant_id` is optional. The activity's own `assistant_id` decides whose progress changes.
    """

    event_type = "SalesActivityRetracted"
    version = 2
    topic = topics.SALES_ACTIVITY
    subject_field = "assistant_id"
    subject_fallback = "activity_id"

    activity_id: str = Field(min_length=1, max_length=200, description="The `activity_id` of the activity retracted")
    assistant_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description=(
            "Whose activity it was, when the producer knows: the event is then keyed by it and stays in order with "
            "the assistant's other activities. Without it the key is `activity_id`"
        ),
    )
    reason: str = Field(min_length=1, max_length=500)


SalesActivity = SalesActivityRecorded | SalesActivityRetracted
"""What `sales.activity` carries: an activity or the retraction of one."""


@upcaster(SalesActivityRetracted, from_version=1)
def _assistant_id_became_optional(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 only stopped requiring `assistant_id`: every version 1 retraction is a valid version 2 one."""
    return data
