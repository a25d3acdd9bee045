"""Progress arithmetic over shuffled, duplicated and retracted activity streams (pure, property-based)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pacer_goals.domain.activities import ActivityState, on_recorded, on_retracted
from pacer_goals.domain.metric import measure
from pacer_shared.events.goals import GoalMetric, MetricAggregation
from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted

START = datetime(2026, 11, 2, tzinfo=UTC)
METRIC = GoalMetric(kinds=["call", "deal_closed"], aggregation=MetricAggregation.SUM_QUANTITY)

activities = st.lists(
    st.builds(
        lambda n, kind, quantity, minutes: SalesActivityRecorded(
            activity_id=f"a{n}",
            assistant_id="ann",
            kind=kind,
            quantity=Decimal(quantity),
            occurred_at=START + timedelta(minutes=minutes),
            source_system="crm",
        ),
        n=st.integers(0, 10_000),
        kind=st.sampled_from(["call", "deal_closed", "report_prepared"]),
        quantity=st.integers(1, 50),
        minutes=st.integers(0, 60 * 24 * 7),
    ),
    max_size=40,
    unique_by=lambda a: a.activity_id,
)


@settings(max_examples=300, deadline=None)
@given(activities=activities, data=st.data())
def test_progress_equals_the_sum_of_distinct_non_retracted_activities(
    activities: list[SalesActivityRecorded], data: st.DataObject
) -> None:
    retracted_ids = data.draw(
        st.sets(st.sampled_from([a.activity_id for a in activities])) if activities else st.just(set())
    )
    # A retraction may name the activity's assistant, another one, or none: the activity id alone decides.
    named = data.draw(st.lists(st.sampled_from([None, "ann", "bob"]), min_size=len(retracted_ids)))
    retractions = [
        SalesActivityRetracted(activity_id=i, assistant_id=who, reason="typo")
        for i, who in zip(sorted(retracted_ids), named, strict=False)
    ]
    duplicates = data.draw(
        st.lists(st.sampled_from(activities + retractions), max_size=20) if activities else st.just([])
    )
    stream = data.draw(st.permutations([*activities, *retractions, *duplicates]))

    states: dict[str, ActivityState] = {}
    progress = Decimal(0)
    for item in stream:
        state = states.get(item.activity_id)
        if isinstance(item, SalesActivityRecorded):
            states[item.activity_id], sign = on_recorded(state, item)
            amount = measure(METRIC, item)
        else:
            states[item.activity_id], sign = on_retracted(state, item)
            recorded = states[item.activity_id].recorded
            amount = measure(METRIC, recorded) if recorded is not None else None
        if sign and amount is not None:
            progress += sign * amount

    expected = sum(
        (measure(METRIC, a) or Decimal(0) for a in activities if a.activity_id not in retracted_ids), Decimal(0)
    )
    assert progress == expected
    assert all(states[a.activity_id].assistant_id == a.assistant_id for a in activities), "the activity says whose"


def test_a_retraction_naming_another_assistant_still_retracts_the_activity_of_its_owner_and_shows_it() -> None:
    sale = SalesActivityRecorded(
        activity_id="crm-1", assistant_id="ann", kind="call", occurred_at=START, source_system="crm"
    )
    to_bob = SalesActivityRetracted(activity_id="crm-1", assistant_id="bob", reason="deleted")
    unnamed = SalesActivityRetracted(activity_id="crm-1", reason="deleted")

    after, sign = on_retracted(on_recorded(None, sale)[0], to_bob)
    assert (sign, after.assistant_id, after.retraction_names_another_assistant) == (-1, "ann", True)

    tombstone, _ = on_retracted(None, to_bob)
    arrived, sign = on_recorded(tombstone, sale)
    assert (sign, arrived.assistant_id, arrived.counts, arrived.retraction_names_another_assistant) == (
        0,
        "ann",
        False,
        True,
    )

    arrived, sign = on_recorded(on_retracted(None, unnamed)[0], sale)
    assert (sign, arrived.assistant_id, arrived.retraction_names_another_assistant) == (0, "ann", False)
