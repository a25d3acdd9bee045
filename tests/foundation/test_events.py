"""Event contracts: the envelope, validation, upcasting and the committed schemas (pure, no servers)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

import jsonschema
import pytest
from pydantic import ValidationError

from pacer_shared import catalog, topics
from pacer_shared.events import EVENT_TYPES, EventData, InvalidEvent, codec, decode, upcaster, wrap
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def sale(**overrides: Any) -> SalesActivityRecorded:
    fields: dict[str, Any] = {
        "activity_id": "crm-1",
        "assistant_id": "ann",
        "kind": "deal_closed",
        "quantity": Decimal(1),
        "amount": Decimal("1250.50"),
        "currency": "CNY",
        "occurred_at": NOW,
        "source_system": "crm",
    }
    return SalesActivityRecorded(**{**fields, **overrides})


def test_an_event_survives_the_wire_with_its_envelope() -> None:
    envelope = wrap(sale(), source="/crm", time=NOW)
    received = decode(envelope.to_json())
    assert received.id == envelope.id
    assert received.type == "SalesActivityRecorded"
    assert received.envelope.subject == "ann"
    assert received.envelope.dataversion == 1
    assert received.data == sale()


def test_unknown_fields_are_ignored_so_producers_can_add_optional_ones() -> None:
    document = json.loads(wrap(sale(), source="/crm", time=NOW).to_json())
    document["data"]["loyalty_tier"] = "gold"
    document["partitionkey"] = "ann"
    assert decode(json.dumps(document).encode()).data == sale()


@pytest.mark.parametrize(
    ("raw", "kind", "reason"),
    [
        (b"", "malformed", "empty"),
        (b"\xff\xfe", "malformed", "not JSON"),
        (b'{"specversion": "1.0"}', "invalid-envelope", "id"),
        (
            b'{"specversion":"1.0","id":"x","source":"/s","type":"T","time":"2026-01-01T00:00:00Z","data":{}}',
            "invalid-envelope",
            "UUID",
        ),
    ],
)
def test_undecodable_messages_say_why(raw: bytes, kind: str, reason: str) -> None:
    with pytest.raises(InvalidEvent) as caught:
        decode(raw)
    assert caught.value.kind == kind
    assert reason in caught.value.reason


def _message(**changes: Any) -> dict[str, Any]:
    rating = sale(kind="customer_rating", score=4)
    document: dict[str, Any] = json.loads(wrap(rating, source="/crm", time=NOW).to_json())
    data = document["data"]
    for name, value in changes.items():
        if name.startswith("data_"):
            data[name.removeprefix("data_")] = value
        else:
            document[name] = value
    return document


UUID_TEXT = "4d9f2f3e-3a0c-4c55-9d1a-3b1b7f0f5c11"
TRICKY_MESSAGES = [
    _message(),
    _message(id="{" + UUID_TEXT + "}"),
    _message(id="urn:uuid:" + UUID_TEXT),
    _message(id=UUID_TEXT.upper()),
    _message(id="x"),
    _message(time="2026-01-01T00:00:00"),
    _message(time="2026-01-01T08:00:00+08:00"),
    _message(time=1700000000),
    _message(dataversion=True),
    _message(dataversion=1.0),
    _message(dataversion="1"),
    _message(dataversion=0),
    _message(dataversion=2),
    _message(specversion=1.0),
    _message(subject=None),
    _message(source=""),
    _message(type="SalesActivityRetracted"),
    _message(data_quantity=0.1),
    _message(data_quantity=1.0000001),
    _message(data_quantity="1e2"),
    _message(data_quantity="NaN"),
    _message(data_quantity=True),
    _message(data_quantity=1000000.0000001),
    _message(data_amount=-0.0),
    _message(data_amount="2.12345"),
    _message(data_amount=1e16),
    _message(data_currency="cny"),
    _message(data_score=4.0),
    _message(data_score="4"),
    _message(data_score=4.5),
    _message(data_score=None),
    _message(data_kind="Call"),
    _message(data_occurred_at="2026-01-01T00:00:00"),
    _message(data_occurred_at=1700000000),
    _message(data_activity_id="x" * 201),
    _message(data_loyalty_tier="gold", partitionkey="ann"),
]


@pytest.mark.parametrize("document", TRICKY_MESSAGES)
def test_the_one_pass_decoder_accepts_refuses_and_reads_exactly_as_the_step_by_step_one(
    document: dict[str, Any],
) -> None:
    """Most events are decoded in one pass; what it refuses goes step by step. Either way the same event or the
    same refusal must come out, or a message would be applied or dead-lettered according to which way it went."""

    def outcome(decoder: Any) -> tuple[Any, ...]:
        try:
            event = decoder(json.dumps(document).encode())
        except InvalidEvent as refusal:
            return "refused", refusal.kind, refusal.reason
        return event.id, event.type, event.time, event.data, event.envelope.model_dump()

    assert outcome(decode) == outcome(codec._decode_in_steps)


def test_most_events_take_the_one_pass() -> None:
    raw = json.dumps(_message()).encode()
    assert codec._typed().validate_json(raw).data == sale(kind="customer_rating", score=4)
    received = decode(raw)
    assert received.envelope.subject == "ann"  # read from the message only when asked for
    assert received.time == NOW


def test_money_needs_a_currency_and_quantities_must_be_sane() -> None:
    with pytest.raises(ValidationError, match="currency is required"):
        sale(currency=None)
    with pytest.raises(ValidationError, match="quantity"):
        sale(quantity=Decimal("-1"))
    with pytest.raises(ValidationError, match="quantity"):
        sale(quantity=Decimal("1e9"))


def test_a_person_with_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown IANA time zone"):
        PersonUpserted(person_id="p", display_name="P", email="p@example.com", role="assistant", timezone="Mars/Base")


@pytest.mark.parametrize(
    "email", ["someone@acme.test", "ops@corp.local", "root@localhost", "mail@intranet", "ann@mail.internal"]
)
def test_a_person_on_an_internal_mail_domain_is_accepted(email: str) -> None:
    person = PersonUpserted(person_id="p", display_name="P", email=email, role="assistant")
    assert person.email == email
    assert decode(wrap(person, source="/hris", time=NOW).to_json()).data == person


@pytest.mark.parametrize("email", ["not-an-address", "two@@signs.test", "space in@acme.test", "trailing.dot@acme."])
def test_an_email_address_of_invalid_syntax_is_refused(email: str) -> None:
    with pytest.raises(ValidationError, match="email"):
        PersonUpserted(person_id="p", display_name="P", email=email, role="assistant")


def retraction_document(data: dict[str, Any], dataversion: int) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": "9b2c7e0e-5d7a-4d39-8a51-0f3e2b6c1d22",
        "source": "/crm",
        "type": "SalesActivityRetracted",
        "time": "2026-11-27T09:30:00Z",
        "dataversion": dataversion,
        "data": data,
    }


@pytest.mark.parametrize("dataversion", [1, 2])
def test_a_retraction_may_name_only_its_activity_and_is_then_keyed_by_it(dataversion: int) -> None:
    """A CRM deleting a record knows the id it sent, not always whose it was; version 1 is what such producers
    sent before `assistant_id` became optional, and is read the same."""
    document = retraction_document({"activity_id": "crm-1", "reason": "deleted in the CRM"}, dataversion)
    received = decode(json.dumps(document).encode()).data
    assert received == SalesActivityRetracted(activity_id="crm-1", reason="deleted in the CRM")
    assert received.subject == "crm-1"
    envelope = wrap(received, source="/crm", time=NOW)
    assert (envelope.subject, envelope.dataversion) == ("crm-1", 2)
    assert "assistant_id" not in envelope.data


def test_a_retraction_that_names_its_assistant_is_keyed_by_the_assistant() -> None:
    document = retraction_document({"activity_id": "crm-1", "assistant_id": "ann", "reason": "typo"}, 1)
    received = decode(json.dumps(document).encode()).data
    assert received.subject == "ann"
    with pytest.raises(InvalidEvent, match="assistant_id"):
        decode(json.dumps(retraction_document({**document["data"], "assistant_id": ""}, 2)).encode())


@pytest.fixture
def versioned_event() -> Iterator[type[EventData]]:
    class Shipped(EventData):
        """Test-only event at version 2: `qty` was renamed `quantity`."""

        event_type: ClassVar[str] = "TestShipped"
        version: ClassVar[int] = 2
        topic: ClassVar[str] = topics.SALES_ACTIVITY
        subject_field: ClassVar[str] = "order_id"

        order_id: str
        quantity: int

    @upcaster(Shipped, from_version=1)
    def rename_qty(data: dict[str, Any]) -> dict[str, Any]:
        data["quantity"] = data.pop("qty")
        return data

    try:
        yield Shipped
    finally:
        del EVENT_TYPES["TestShipped"]


def test_old_versions_are_upcast_and_newer_unknown_versions_are_refused(versioned_event: type[EventData]) -> None:
    document = {
        "specversion": "1.0",
        "id": "4d9f2f3e-3a0c-4c55-9d1a-3b1b7f0f5c11",
        "source": "/legacy",
        "type": "TestShipped",
        "time": "2026-01-01T00:00:00Z",
        "dataversion": 1,
        "data": {"order_id": "o1", "qty": 3},
    }
    assert decode(json.dumps(document).encode()).data == versioned_event(order_id="o1", quantity=3)
    with pytest.raises(InvalidEvent, match="newer than this service knows"):
        decode(json.dumps({**document, "dataversion": 3}).encode())


def test_the_committed_schemas_and_asyncapi_match_the_models() -> None:
    assert catalog.drift() == [], "run `make schemas` and commit the result"


def test_a_retraction_without_its_assistant_validates_against_its_committed_schema() -> None:
    schema = json.loads((catalog.SCHEMAS / "events" / "SalesActivityRetracted.json").read_text())
    retraction = SalesActivityRetracted(activity_id="crm-1", reason="deleted in the CRM")
    jsonschema.validate(json.loads(wrap(retraction, source="/crm", time=NOW).to_json()), schema)
    assert (schema["x-pacer-key"], schema["x-pacer-key-fallback"]) == ("assistant_id", "activity_id")


def test_a_real_event_validates_against_its_committed_schema() -> None:
    schema = json.loads((catalog.SCHEMAS / "events" / "SalesActivityRecorded.json").read_text())
    document = json.loads(wrap(sale(), source="/crm", time=NOW).to_json())
    jsonschema.validate(document, schema)
    document["type"] = "SomethingElse"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)
