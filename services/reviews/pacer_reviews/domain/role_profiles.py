"""Role profiles: the written duties of a roster role, each with what is expected and the skills it needs.

Versioned like templates: saving a name again makes its next version and old versions stay, so an evaluation or a
template made from one keeps saying which duties it meant.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pacer_shared.events.people import Role

KEY = r"^[a-z][a-z0-9_]{1,39}$"


class Duty(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=KEY, description="Stable key: the criterion key of templates made from the profile")
    name: str = Field(min_length=1, max_length=100)
    expectations: list[str] = Field(
        min_length=1, max_length=10, description="What doing the duty well looks like, one statement each"
    )
    skills: list[str] = Field(default=[], max_length=20, description="Skills the duty needs")


class RoleProfileIn(BaseModel):
    """The duties of one roster role."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,59}$")
    title: str = Field(min_length=1, max_length=200)
    role: Role = Field(description="The roster role whose people are evaluated against these duties")
    duties: list[Duty] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _unique_keys(self) -> RoleProfileIn:
        keys = [d.key for d in self.duties]
        if len(set(keys)) != len(keys):
            raise ValueError("duties: each key must be unique")
        return self


def even_weights(keys: list[str], total: Decimal) -> dict[str, Decimal]:
    """`total` shared evenly to the hundredth; the cents a split leaves over go to the first duties, so the
    weights always add up to `total` exactly (a template refuses any other sum)."""
    share = (total / len(keys)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    left = int((total - share * len(keys)) * 100)
    return {key: share + (Decimal("0.01") if i < left else 0) for i, key in enumerate(keys)}


SALES_ASSISTANT = RoleProfileIn(
    name="sales-assistant",
    title="Sales assistant",
    role=Role.ASSISTANT,
    duties=[
        Duty(
            key="order_processing",
            name="Order processing",
            expectations=[
                "Orders are entered in the CRM on the working day they arrive, without errors",
                "Each order is followed until delivery; delays and exceptions reach the sales rep the same day",
            ],
            skills=["CRM and order system", "product catalogue", "attention to detail"],
        ),
        Duty(
            key="customer_communication",
            name="Customer communication",
            expectations=[
                "Customer enquiries are answered within one working day",
                "Customer records and contact history are complete and current",
            ],
            skills=["written and spoken communication", "handling complaints"],
        ),
        Duty(
            key="sales_support",
            name="Sales support",
            expectations=[
                "Quotes, samples and sales material are ready when the reps need them",
                "Leads handed over are followed up as agreed",
            ],
            skills=["product knowledge", "quotation tools", "planning"],
        ),
        Duty(
            key="reporting",
            name="Reporting",
            expectations=[
                "The weekly sales report is ready before the team meeting",
                "Figures in reports agree with the CRM",
            ],
            skills=["spreadsheets", "data accuracy"],
        ),
    ],
)
"""The profile every installation starts with, as version 1 of `sales-assistant`. It lives in code and must never
change: evaluations pin `sales-assistant:v1`. hr changes the duties by saving version 2."""
BUILT_IN = {SALES_ASSISTANT.name: SALES_ASSISTANT}
