"""Erasure's pure parts: the pseudonym, what it replaces, and the events a service no longer applies."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pacer_shared.events import Event, wrap
from pacer_shared.events.feedback import FeedbackGiven
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_shared.privacy import Erasures, Identity, pseudonym


def test_a_pseudonym_is_the_same_everywhere_under_one_key_and_unguessable_without_it() -> None:
    assert pseudonym("k" * 32, "zoe") == pseudonym("k" * 32, "zoe")
    assert pseudonym("k" * 32, "zoe") != pseudonym("k" * 32, "zoey")
    assert pseudonym("k" * 32, "zoe") != pseudonym("j" * 32, "zoe"), "the key, not the id alone, makes it"
    assert "zoe" not in pseudonym("k" * 32, "zoe")


def test_the_person_is_replaced_wherever_they_appear_and_nobody_else_is() -> None:
    zoe = Identity("zoe", "erased-1", ("Zoe Quist", "zoe@example.com"))
    document = {
        "_id": "plan-1:2026-11:zoe",
        "person_id": "zoe",
        "approvals": [{"by": "zoe"}, {"by": "mia"}],
        "note": "Zoe Quist <zoe@example.com> asked",
        "resource": "person/zoe",
        "other": "zoey",
        "amount": Decimal("12.50"),
    }
    assert zoe.replaced(document) == {
        "_id": "plan-1:2026-11:erased-1",
        "person_id": "erased-1",
        "approvals": [{"by": "erased-1"}, {"by": "mia"}],
        "note": "erased-1 <erased-1> asked",
        "resource": "person/erased-1",
        "other": "zoey",
        "amount": Decimal("12.50"),
    }


def event(data: FeedbackGiven | SalesActivityRecorded) -> Event[FeedbackGiven | SalesActivityRecorded]:
    envelope = wrap(data, source="/test", time=datetime.now(UTC))
    return Event(envelope, data)


def praise(author: str, recipient: str) -> FeedbackGiven:
    return FeedbackGiven(
        feedback_id="f-1", author_id=author, recipient_id=recipient, kind="praise", direction="peer", text="Thanks"
    )


def test_events_about_an_erased_person_are_not_applied_and_others_carry_their_pseudonym() -> None:
    erasures = Erasures(db=None, key="k" * 32)  # type: ignore[arg-type]  # screening reads no database
    untouched = event(praise("zoe", "ann"))
    assert erasures.screen(untouched) is untouched, "nobody erased: nothing to screen"

    erasures.committed([erasures.alias("zoe")])
    sale = SalesActivityRecorded(
        activity_id="a-1",
        assistant_id="zoe",
        kind="call",
        quantity=Decimal(1),
        occurred_at=datetime.now(UTC),
        source_system="crm",
    )
    assert erasures.screen(event(sale)) is None, "her own activity"
    assert erasures.screen(event(praise("ann", "zoe"))) is None, "praise about her"
    screened = erasures.screen(event(praise("zoe", "ann")))
    assert screened is not None, "ann's praise stays hers"
    assert screened.data.author_id == erasures.alias("zoe")
    assert screened.envelope.data["author_id"] == erasures.alias("zoe"), "handlers that keep the envelope see it too"
    assert screened.data.recipient_id == "ann"
