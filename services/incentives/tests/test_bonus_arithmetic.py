"""Pure tests of the bonus arithmetic: tiers, accelerator, cap, rounding, and a statement by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from pacer_incentives.domain import ledger
from pacer_incentives.domain.facts import InputRecord
from pacer_incentives.domain.ledger import NotFinal, Subject
from pacer_incentives.domain.money import minor_unit, round_money
from pacer_incentives.domain.periods import Cadence, Period, in_zone, period_at
from pacer_incentives.domain.plan import PlanIn

OCTOBER = Period(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
PLAN = {
    "plan_id": "sales-support",
    "title": "Sales support",
    "effective_from": "2026-10-01T00:00:00Z",
    "period": "monthly",
    "currency": "CNY",
    "base": {"kind": "fixed", "amount": "1000"},
    "tiers": [
        {"min_attainment": "0", "payout": "0"},
        {"min_attainment": "0.5", "payout": "0.5"},
        {"min_attainment": "0.8", "payout": "0.8"},
        {"min_attainment": "1", "payout": "1"},
    ],
    "accelerator": "2",
    "cap": "1.5",
}


def plan(**changes: object) -> PlanIn:
    return PlanIn.model_validate({**PLAN, **changes})


attainments = st.decimals(min_value=0, max_value=5, places=4, allow_nan=False, allow_infinity=False)


@given(attainments, attainments)
def test_the_goal_factor_never_falls_as_attainment_rises_and_never_passes_the_cap(a: Decimal, b: Decimal) -> None:
    p = plan()
    low, high = sorted((a, b))
    assert ledger.goal_factor(p, low) <= ledger.goal_factor(p, high) <= p.cap
    assert ledger.goal_factor(p, low) >= 0


@given(attainments)
def test_below_full_attainment_the_factor_is_the_tier_and_above_it_the_accelerator_adds_until_the_cap(
    a: Decimal,
) -> None:
    p = plan()
    expected_tier = max(t.payout for t in p.tiers if t.min_attainment <= a)
    if a <= 1:
        assert ledger.goal_factor(p, a) == expected_tier
    else:
        assert ledger.goal_factor(p, a) == min(Decimal("1.5"), 1 + (a - 1) * 2)


@given(
    st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False, allow_infinity=False),
    st.sampled_from(["CNY", "USD", "JPY", "KWD", "EUR"]),
)
def test_money_is_rounded_half_up_to_the_currency_minor_unit(amount: Decimal, currency: str) -> None:
    rounded = round_money(amount, currency)
    unit = minor_unit(currency)
    assert rounded % unit == 0
    assert abs(rounded - amount) <= unit / 2


def test_yen_has_no_minor_unit_and_dinar_has_three_places() -> None:
    assert round_money(Decimal("1234.5"), "JPY") == Decimal("1235")
    assert round_money(Decimal("1.2345"), "KWD") == Decimal("1.235")
    assert round_money(Decimal("0.125"), "CNY") == Decimal("0.13")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tiers": [{"min_attainment": "0.5", "payout": "1"}]}, "cover the range from attainment 0"),
        ({"cap": "-1"}, "greater than or equal to 0"),
        ({"cap": "0.9"}, "cap must be at least"),
        ({"effective_from": "2026-10-15T00:00:00Z"}, "start of a period"),
        ({"currency": "XYZ"}, "ISO 4217"),
        (
            {"tiers": [{"min_attainment": "0", "payout": "1"}, {"min_attainment": "0.5", "payout": "0.5"}]},
            "must not decrease",
        ),
    ],
)
def test_incoherent_plans_are_refused_with_the_reason(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        plan(**changes)


def test_fixed_length_periods_tile_from_the_plan_start() -> None:
    start = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    period = period_at(timedelta(minutes=10), start, start + timedelta(minutes=25))
    assert (period.start, period.end) == (start + timedelta(minutes=20), start + timedelta(minutes=30))
    quarter = period_at(Cadence.QUARTERLY, start, datetime(2026, 11, 27, tzinfo=UTC))
    assert (quarter.start.month, quarter.end) == (10, datetime(2027, 1, 1, tzinfo=UTC))


def goal_events(goal: str, owner: str, target: int, actual: int, outcome: str, at: datetime) -> list[InputRecord]:
    common = {"goal_id": goal, "owner_id": owner, "title": goal, "period_end": "2026-11-01T00:00:00+00:00"}
    return [
        InputRecord(f"{goal}-set", "GoalSet", datetime(2026, 10, 1, tzinfo=UTC), owner, {**common, "target": target}),
        InputRecord(f"{goal}-{outcome}", outcome, at, owner, {**common, "target": target, "actual": actual}),
    ]


def october_review(rating: int, label: str) -> InputRecord:
    """Ann's October review, completed on 5 November."""
    about = {"review_id": "r1", "cadence": "monthly", "period_end": "2026-11-01T00:00:00+00:00"}
    data = {**about, "rating": rating, "rating_label": label}
    return InputRecord("review-1", "ReviewCompleted", datetime(2026, 11, 5, tzinfo=UTC), "ann", data)


def test_a_statement_equals_the_hand_computation_and_cites_its_events() -> None:
    p = plan(review_multipliers={3: "1", 4: "1.1"})
    end = datetime(2026, 11, 1, 0, 0, 5, tzinfo=UTC)
    records = [
        *goal_events("calls", "ann", 100, 130, "GoalAchieved", datetime(2026, 10, 20, tzinfo=UTC)),
        *goal_events("demos", "ann", 50, 40, "GoalMissed", end),
        october_review(4, "Strong"),
    ]
    subject = Subject("ann", "north", True, records)
    with pytest.raises(NotFinal, match="review of ann"):
        ledger.statement(p, OCTOBER, Subject("ann", "north", True, records[:-1]), datetime(2026, 11, 27, tzinfo=UTC))

    result = ledger.statement(p, OCTOBER, subject, datetime(2026, 11, 27, tzinfo=UTC))

    # A = (1.3 + 0.8) / 2 = 1.05; factor = 1 + 0.05 × 2 = 1.1; 1000 × 1.1 = 1100; review 1100 × 0.1 = 110
    assert [(line.kind, line.amount) for line in result.lines] == [
        ("goal_attainment", Decimal("1100.00")),
        ("review_multiplier", Decimal("110.00")),
    ]
    assert result.total == Decimal("1210.00")
    assert result.close_at == datetime(2026, 11, 5, tzinfo=UTC)
    assert set(result.lines[0].cites) == {"calls-set", "calls-GoalAchieved", "demos-set", "demos-GoalMissed"}
    assert result.lines[1].cites == ("review-1",)


def test_one_goal_with_a_tiny_target_cannot_carry_the_period() -> None:
    """An assistant who met a 1-call goal 300 times over is counted as reaching it twice (the plan's default)."""
    records = [
        *goal_events("tiny", "ann", 1, 300, "GoalAchieved", datetime(2026, 10, 2, tzinfo=UTC)),
        *goal_events("calls", "ann", 100, 40, "GoalMissed", datetime(2026, 11, 1, tzinfo=UTC)),
    ]
    [line] = ledger.statement(
        plan(), OCTOBER, Subject("ann", None, True, records), datetime(2026, 11, 27, tzinfo=UTC)
    ).lines

    # A = (min(300, 2) + 0.4) / 2 = 1.2; factor = min(1.5, 1 + 0.2 × 2) = 1.4
    assert line.inputs["mean attainment A"] == "1.2000"
    assert line.amount == Decimal("1400.00")
    assert line.inputs["goal tiny (tiny)"] == "300 / 1 = 300.0000, counted as 2: the most one goal counts"
    assert line.inputs["goal calls (calls)"] == "40 / 100 = 0.4000"
    uncapped = ledger.statement(
        plan(goal_attainment_cap="100"),
        OCTOBER,
        Subject("ann", None, True, records),
        datetime(2026, 11, 27, tzinfo=UTC),
    )
    assert uncapped.lines[0].amount == Decimal("1500.00")  # the plan's own cap is all that is left


def test_no_goals_in_the_period_is_an_explicit_zero_line() -> None:
    result = ledger.statement(plan(), OCTOBER, Subject("bob", None, True, []), datetime(2026, 11, 27, tzinfo=UTC))
    [line] = result.lines
    assert (line.amount, line.inputs["reason"]) == (Decimal(0), "no goals ended in the period")


def test_a_salary_percentage_plan_pays_from_each_persons_figure_and_says_when_one_is_missing() -> None:
    p = plan(base={"kind": "salary_percent", "percent": "10", "salaries": {"ann": "12345.67"}})
    records = goal_events("calls", "ann", 100, 100, "GoalAchieved", datetime(2026, 10, 20, tzinfo=UTC))
    now = datetime(2026, 11, 27, tzinfo=UTC)
    [line] = ledger.statement(p, OCTOBER, Subject("ann", None, True, records), now).lines
    assert line.amount == Decimal("1234.57")  # 12345.67 × 10% = 1234.567, half-up to the fen
    [missing] = ledger.statement(p, OCTOBER, Subject("bob", None, True, []), now).lines
    assert (missing.kind, missing.amount) == ("eligibility", Decimal(0))
    assert "no salary figure for bob" in missing.formula


def test_someone_not_active_for_the_whole_period_is_not_paid_and_told_why() -> None:
    records = goal_events("calls", "ann", 100, 100, "GoalAchieved", datetime(2026, 10, 20, tzinfo=UTC))
    [line] = ledger.statement(
        plan(), OCTOBER, Subject("ann", None, False, records), datetime(2026, 11, 27, tzinfo=UTC)
    ).lines
    assert (line.kind, line.amount) == ("eligibility", Decimal(0))
    assert "not active in the roster for the whole period" in line.formula


def test_each_person_has_the_calendar_period_in_their_own_time_zone() -> None:
    shanghai = in_zone(Cadence.MONTHLY, OCTOBER, "Asia/Shanghai")
    assert (shanghai.start, shanghai.end) == (
        datetime(2026, 9, 30, 16, tzinfo=UTC),
        datetime(2026, 10, 31, 16, tzinfo=UTC),
    )
    new_york = in_zone(Cadence.MONTHLY, OCTOBER, "America/New_York")
    assert (new_york.start, new_york.end) == (
        datetime(2026, 10, 1, 4, tzinfo=UTC),
        datetime(2026, 11, 1, 4, tzinfo=UTC),
    )
    assert in_zone(timedelta(minutes=10), OCTOBER, "Asia/Shanghai") == OCTOBER


def test_a_minimum_rating_is_applied_even_without_review_multipliers_and_is_waited_for() -> None:
    p = plan(eligibility={"min_rating": 3})
    goals = goal_events("calls", "ann", 100, 100, "GoalAchieved", datetime(2026, 10, 20, tzinfo=UTC))
    review = october_review(2, "Weak")
    now = datetime(2026, 11, 27, tzinfo=UTC)
    with pytest.raises(NotFinal, match="review of ann"):
        ledger.statement(p, OCTOBER, Subject("ann", None, True, goals), now)
    [line] = ledger.statement(p, OCTOBER, Subject("ann", None, True, [*goals, review]), now).lines
    assert (line.kind, line.amount) == ("eligibility", Decimal(0))
    assert "review rating 2 is below the plan's minimum 3" in line.formula


def test_someone_the_plan_does_not_pay_waits_for_no_review_or_outcome() -> None:
    p = plan(review_multipliers={3: "1", 4: "1.1"})
    pending = goal_events("calls", "ann", 100, 10, "GoalAchieved", datetime(2026, 10, 20, tzinfo=UTC))[:1]  # set only
    result = ledger.statement(p, OCTOBER, Subject("ann", None, False, pending), datetime(2026, 11, 27, tzinfo=UTC))
    assert result.close_at == OCTOBER.end
    assert [(line.kind, line.amount) for line in result.lines] == [("eligibility", Decimal(0))]
