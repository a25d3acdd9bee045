"""Erasure's pure parts: the pseudonym, what it replaces, and the events a service no longer applies."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal

import icalendar

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


def invitation(name: str, email: str) -> str:
    """A meeting's iCalendar as reviews writes it (`pacer_reviews.domain.calendar`): the attendee line folds."""
    calendar = icalendar.Calendar()
    meeting = icalendar.Event()
    meeting.add("uid", "m-1@meetings.pacer")
    meeting.add("summary", "Team north weekly")
    meeting.add("organizer", "mailto:mia@example.com", parameters={"CN": "Mia"})
    parameters = {"CN": name, "ROLE": "REQ-PARTICIPANT", "CUTYPE": "INDIVIDUAL", "PARTSTAT": "NEEDS-ACTION"}
    meeting.add("attendee", f"mailto:{email}", parameters=parameters)
    calendar.add_component(meeting)
    return str(calendar.to_ical().decode())


def test_an_invitation_keeps_no_trace_of_the_person_even_where_its_lines_fold_or_it_is_base64() -> None:
    """The .ics a meeting event carries (and notifications keeps with each delivery) names every attendee; calendars
    fold lines at 75 octets, often in the middle of an address."""
    email = "zoe.quist@sales.example.com"
    # A name whose length puts the fold inside her address, as it falls for many real names.
    name = next(n for n in (f"Zoe Quist{'e' * k}" for k in range(40)) if email not in invitation(n, email))
    zoe = Identity("zoe-7", "erased-1", (name, email))
    text = invitation(name, email)
    attachments = [
        {"filename": "invite.ics", "content_type": "text/calendar; method=REQUEST", "content": text},
        {
            "filename": "invite.ics",
            "content_type": "text/calendar",
            "content": base64.b64encode(text.encode()).decode(),
            "encoding": "base64",
        },
    ]

    kept = zoe.replaced({"event": {"data": {"attachments": attachments}}})["event"]["data"]["attachments"]

    for written in (kept[0]["content"], base64.b64decode(kept[1]["content"]).decode()):
        unfolded = written.replace("\r\n ", "")
        assert not [trace for trace in ("zoe-7", name, email) if trace in unfolded], unfolded
        assert "mailto:mia@example.com" in unfolded, "the organizer stays"
        attendee = icalendar.Calendar.from_ical(written).walk("VEVENT")[0].get("attendee")
        assert (str(attendee), attendee.params["CN"]) == ("mailto:erased-1", "erased-1"), "still a calendar"
