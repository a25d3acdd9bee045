"""What a CRM record counts as and what an edit, a deletion or a replay publishes: the domain, without servers."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from pacer_connectors.domain.mapping import Connection
from pacer_connectors.domain.records import (
    CHANGED,
    DELETED,
    Counted,
    CrmRecord,
    CrmUser,
    RecordState,
    RecordUnreadable,
    Unmapped,
    read,
    reconcile,
    record_key,
)
from pacer_connectors.service.connections import ConnectionsInvalid, load
from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANN = CrmUser("u1", "ann@example.com")
CONNECTION = Connection.model_validate(
    {
        "id": "zoho-main",
        "crm": "zoho",
        "zoho": {"client_id": "c", "client_secret_env": "S", "refresh_token_env": "R"},
        "objects": [
            {"object": "Calls", "kind": "call"},
            {
                "object": "Deals",
                "kind": "deal_closed",
                "when": {"field": "Stage", "is_any_of": ["Closed Won"]},
                "occurred_at_field": "Closing_Time",
                "amount_field": "Amount",
                "currency": "CNY",
            },
        ],
    }
)


def deal(stage: str = "Closed Won", amount: Any = 1200, owner: Any = None) -> CrmRecord:
    fields = {
        "id": "42",
        "Stage": stage,
        "Amount": amount,
        "Closing_Time": T0.isoformat(),
        "Owner": owner or {"id": ANN.id, "email": ANN.email, "name": "Ann"},
    }
    return CrmRecord("Deals", "42", fields, T0)


def step(state: RecordState | None, record: CrmRecord, at: datetime, why: str = CHANGED) -> tuple[Any, list[Any]]:
    rule = CONNECTION.rule_for(record.crm_object)
    assert rule is not None
    counted = read(rule, record, {ANN: "ann"})
    return reconcile(CONNECTION, record_key(CONNECTION, "Deals", "42"), state, counted or None, at, why)


def test_a_won_deal_is_recorded_once_with_its_amount_and_an_id_from_crm_object_and_record() -> None:
    state, events = step(None, deal(), T0)
    assert [type(e) for e in events] == [SalesActivityRecorded]
    assert events[0].activity_id == "zoho:Deals:42"
    assert (events[0].assistant_id, events[0].amount, events[0].currency) == ("ann", Decimal(1200), "CNY")
    assert step(state, deal(), T0 + timedelta(seconds=5)) == (
        RecordState(state.key, 1, state.counted, T0 + timedelta(seconds=5)),
        [],
    ), "a replay publishes nothing"


def test_an_edit_of_a_counted_field_retracts_and_records_a_new_revision() -> None:
    first, _ = step(None, deal(), T0)
    second, events = step(first, deal(amount=1500), T0 + timedelta(minutes=1))
    assert [(type(e), e.activity_id) for e in events] == [
        (SalesActivityRetracted, "zoho:Deals:42"),
        (SalesActivityRecorded, "zoho:Deals:42@2"),
    ]
    assert events[1].amount == Decimal(1500)
    _, back = step(second, deal(amount=1200), T0 + timedelta(minutes=2))
    assert back[1].activity_id == "zoho:Deals:42@3", "an id once retracted is never recorded again"


def test_a_deal_that_leaves_closed_won_or_is_deleted_is_retracted_and_stale_news_is_ignored() -> None:
    won, _ = step(None, deal(), T0)
    lost, events = step(won, deal(stage="Negotiation"), T0 + timedelta(minutes=1))
    assert [(type(e), e.activity_id) for e in events] == [(SalesActivityRetracted, "zoho:Deals:42")]
    assert step(lost, deal(), T0) == (None, []), "a fetch older than what was applied changes nothing"
    rewon, _ = step(lost, deal(), T0 + timedelta(minutes=2))
    _, deleted = reconcile(CONNECTION, rewon.key, rewon, None, T0 + timedelta(minutes=3), DELETED)
    assert [(type(e), e.activity_id, e.reason) for e in deleted] == [
        (SalesActivityRetracted, "zoho:Deals:42@2", DELETED)
    ]


def test_an_owner_who_is_no_pacer_person_is_unmapped_never_guessed() -> None:
    rule = CONNECTION.rule_for("Deals")
    assert rule is not None
    stranger = {"id": "u9", "email": "stranger@example.com"}
    assert read(rule, deal(owner=stranger), {ANN: "ann"}) == Unmapped(CrmUser("u9", "stranger@example.com"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"crm": "hubspot"}, "crm"),
        ({"crm": "salesforce"}, "salesforce: the Salesforce settings are required"),
        ({"zoho": None}, "zoho: the Zoho settings are required"),
        ({"objects": []}, "objects"),
        ({"objects": [{"object": "Deals", "kind": "deal_closed", "amount_field": "Amount"}]}, "needs currency"),
        ({"objects": [{"object": "Calls", "kind": "call"}, {"object": "Calls", "kind": "call"}]}, "twice: Calls"),
        (
            {
                "zoho": {
                    "client_id": "c",
                    "client_secret_env": "S",
                    "refresh_token_env": "R",
                    "accounts_url": "https://evil.example",
                }
            },
            "none of Zoho's",
        ),
    ],
)
def test_a_wrong_connection_file_is_refused_naming_what_is_wrong(change: dict[str, Any], message: str) -> None:
    document = {**CONNECTION.model_dump(exclude_none=True), **change}
    with pytest.raises(ValidationError, match=message):
        Connection.model_validate(document)


def test_the_documented_default_mappings_are_valid_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = (
        "ZOHO_CLIENT_SECRET",
        "ZOHO_REFRESH_TOKEN",
        "ZOHO_CHANNEL_TOKEN",
        "FXIAOKE_APP_SECRET",
        "FXIAOKE_PERMANENT_CODE",
        "SALESFORCE_PRIVATE_KEY",
    )
    for variable in secrets:
        monkeypatch.setenv(variable, "set")
    docs = Path(__file__).resolve().parents[3] / "docs" / "connectors"
    kinds = {c.connection.id: {r.object: r.kind for r in c.connection.objects} for c in load(docs)}
    assert kinds == {
        "fxiaoke-main": {
            "ActiveRecordObj": "lead_followed_up",
            "QuoteObj": "quote_sent",
            "SalesOrderObj": "order_processed",
            "CheckinsObj": "customer_visit",
            "NewOpportunityObj": "deal_closed",
        },
        "salesforce-main": {
            "Task": "call",
            "Event": "customer_visit",
            "Quote": "quote_sent",
            "Order": "order_processed",
            "Opportunity": "deal_closed",
        },
        "zoho-main": {
            "Calls": "call",
            "Events": "customer_visit",
            "Quotes": "quote_sent",
            "Sales_Orders": "order_processed",
            "Deals": "deal_closed",
        },
    }
    monkeypatch.delenv("ZOHO_REFRESH_TOKEN")
    with pytest.raises(ConnectionsInvalid, match="environment variable ZOHO_REFRESH_TOKEN is not set"):
        load(docs)


def test_a_deal_closed_on_a_date_counts_on_that_day() -> None:
    rule = CONNECTION.rule_for("Deals")
    assert rule is not None
    record = CrmRecord("Deals", "7", {**deal().fields, "Closing_Time": "2026-03-02"}, T0)
    counted = read(rule, record, {ANN: "ann"})
    assert not isinstance(counted, Unmapped)
    assert counted is not None
    assert counted.occurred_at.date().isoformat() == "2026-03-02"


RATINGS = Connection.model_validate(
    {
        **CONNECTION.model_dump(exclude_none=True),
        "objects": [{"object": "Surveys", "kind": "customer_rating", "score_field": "Satisfaction"}],
    }
)


def survey(satisfaction: Any) -> CrmRecord:
    fields = {"Satisfaction": satisfaction, "Created_Time": T0.isoformat(), "Owner": {"id": ANN.id, "email": ANN.email}}
    return CrmRecord("Surveys", "7", fields, T0)


@pytest.mark.parametrize(("satisfaction", "stars"), [(5, 5), ("4", 4), (4.5, 5), ("4.49", 4), (1, 1), ("2.5", 3)])
def test_a_crm_satisfaction_field_becomes_a_customer_rating_in_whole_stars(satisfaction: Any, stars: int) -> None:
    rule = RATINGS.rule_for("Surveys")
    assert rule is not None
    counted = read(rule, survey(satisfaction), {ANN: "ann"})
    _, [recorded] = reconcile(RATINGS, record_key(RATINGS, "Surveys", "7"), None, counted or None, T0, CHANGED)  # type: ignore[arg-type]
    assert isinstance(recorded, SalesActivityRecorded)
    assert (recorded.kind, recorded.score, recorded.quantity) == ("customer_rating", stars, Decimal(1))


@pytest.mark.parametrize("satisfaction", [None, "", "great", 0, 0.4, 5.6, 10, True, "NaN"])
def test_a_rating_that_is_missing_or_off_the_scale_is_refused_not_guessed(satisfaction: Any) -> None:
    rule = RATINGS.rule_for("Surveys")
    assert rule is not None
    with pytest.raises(RecordUnreadable, match="Satisfaction"):
        read(rule, survey(satisfaction), {ANN: "ann"})


def test_a_changed_rating_retracts_and_records_the_new_one_and_other_records_keep_their_fingerprint() -> None:
    rule = RATINGS.rule_for("Surveys")
    assert rule is not None
    key = record_key(RATINGS, "Surveys", "7")
    first, _ = reconcile(RATINGS, key, None, read(rule, survey(3), {ANN: "ann"}), T0, CHANGED)  # type: ignore[arg-type]
    later = T0 + timedelta(minutes=1)
    _, events = reconcile(RATINGS, key, first, read(rule, survey(4), {ANN: "ann"}), later, CHANGED)  # type: ignore[arg-type]
    assert [type(e).__name__ for e in events] == ["SalesActivityRetracted", "SalesActivityRecorded"]
    assert events[1].score == 4
    call = Counted("ann", "call", Decimal(1), None, None, T0)
    stored = json.dumps(["ann", "call", "1", "None", None, T0.isoformat()])  # as records were fingerprinted before
    assert call.fingerprint == hashlib.sha256(stored.encode()).hexdigest()[:32], "no call is published again"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"object": "Surveys", "kind": "customer_rating"}, "needs score_field"),
        ({"object": "Calls", "kind": "call", "score_field": "Satisfaction"}, "for kind customer_rating only"),
    ],
)
def test_a_rating_rule_names_its_score_field_and_only_a_rating_rule_has_one(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Connection.model_validate({**CONNECTION.model_dump(exclude_none=True), "objects": [rule]})
