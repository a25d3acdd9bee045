"""The catalogue's and programmes' rules, without any server: pass marks, the order courses fall due, newcomers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pacer_reviews.domain.programmes import (
    DEFAULT_COURSES,
    Course,
    Population,
    Programme,
    Step,
    enrolment_id,
    is_newcomer,
)
from pacer_shared.events.reviews import TrainingCategory
from pacer_shared.problems import Unprocessable

QUIZ = Course("pricing-quiz", "Pricing with a quiz", TrainingCategory.PRODUCT, 45, Decimal(70))
PLAIN = Course("welcome", "Welcome", TrainingCategory.ONBOARDING, 30)


def test_a_score_at_the_pass_mark_completes_and_one_below_does_not() -> None:
    assert QUIZ.passed_by(Decimal(70))
    assert QUIZ.passed_by(Decimal("92.5"))
    assert not QUIZ.passed_by(Decimal("69.9"))


def test_a_course_with_an_assessment_needs_its_score_and_one_without_takes_none() -> None:
    with pytest.raises(Unprocessable, match="assessment's score"):
        QUIZ.passed_by(None)
    with pytest.raises(Unprocessable, match="has no assessment"):
        PLAIN.passed_by(Decimal(80))
    assert PLAIN.passed_by(None)


def test_the_next_course_falls_due_after_the_one_before_and_none_after_the_last() -> None:
    programme = Programme("p", "New product", (Step("welcome", 3), Step("pricing-quiz", 10)))
    assert programme.step_after(0) == Step("welcome", 3)
    assert programme.step_after(1) == Step("pricing-quiz", 10)
    assert programme.step_after(2) is None
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert programme.due_at(Step("pricing-quiz", 10), start) == start + timedelta(days=10)


def test_a_programme_needs_courses_each_named_once() -> None:
    with pytest.raises(Unprocessable, match="at least one course"):
        Programme("p", "Empty", ())
    with pytest.raises(Unprocessable, match="appears once"):
        Programme("p", "Twice", (Step("welcome", 3), Step("welcome", 5)))


def test_a_population_names_someone() -> None:
    with pytest.raises(Unprocessable, match="population"):
        Population()
    assert Population(person_ids=frozenset({"ann"})).person_ids == {"ann"}


def test_only_people_first_seen_once_onboarding_began_are_newcomers() -> None:
    since = datetime(2026, 12, 1, tzinfo=UTC)
    assert is_newcomer(since, since)
    assert is_newcomer(since + timedelta(hours=1), since)
    assert not is_newcomer(since - timedelta(seconds=1), since)


def test_one_enrolment_per_person_and_programme() -> None:
    assert enrolment_id("onboarding", "zoe") == enrolment_id("onboarding", "zoe")
    assert enrolment_id("onboarding", "zoe") != enrolment_id("onboarding", "ann")


def test_the_courses_reviews_always_had_stay_in_the_default_catalogue_under_their_ids() -> None:
    assert {"product-basics", "crm-hygiene", "follow-up", "compliance", "first-lead", "time-blocks"} <= set(
        DEFAULT_COURSES
    )
    assert DEFAULT_COURSES["follow-up"].category is TrainingCategory.SALES_SKILLS
