"""The review flow: self-assessment, manager assessment (which completes it with the score), acknowledgement."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pacer_reviews.domain.scoring import Explanation, explain
from pacer_reviews.service.assigning import assignment
from pacer_reviews.service.context import Reviews
from pacer_reviews.service.cycles import next_due, review_about, template
from pacer_reviews.service.inputs import inputs_for
from pacer_shared.auth import Principal, Role
from pacer_shared.events.reviews import DevelopmentItem, ReviewCompleted, ReviewStep, ReviewSubmitted
from pacer_shared.mongo import Document, Session
from pacer_shared.paging import decode_cursor, encode_cursor
from pacer_shared.problems import Conflict, Forbidden, NotFound, Unprocessable

TRAINING_DUE = timedelta(days=30)


@dataclass(frozen=True)
class Development:
    area: str
    suggestion: str
    course_id: str | None
    """A course from the catalogue: assigned as training."""


@dataclass(frozen=True)
class Assessment:
    """A self or manager assessment as submitted: ratings by criterion key, notes and development items."""

    ratings: dict[str, int]
    strengths: str
    weaknesses: str
    development: list[Development]
    comment: str


@dataclass(frozen=True)
class ReviewFilter:
    person_id: str | None = None
    manager_id: str | None = None
    cycle_id: str | None = None
    cadence: str | None = None
    status: str | None = None


async def visible(
    reviews: Reviews, principal: Principal, wanted: ReviewFilter, cursor: str | None, limit: int
) -> tuple[list[Document], str | None]:
    """One page of the reviews the principal may see (hr and admins: all; others: their own and their reports'),
    newest period first, without the assessments, and the cursor of the next page if there is one."""
    involving = None if principal.has(Role.HR, Role.ADMIN) else principal.subject
    after = decode_cursor(cursor) if cursor else None
    found = await reviews.reviews.listed(asdict(wanted), involving, after, limit + 1)
    last = found[limit - 1] if len(found) > limit else None
    return found[:limit], encode_cursor(last["period_end"], last["_id"]) if last else None


async def load(reviews: Reviews, review_id: str, session: Session | None = None) -> Document:
    review = await reviews.reviews.get(review_id, session)
    if review is None:
        raise NotFound(f"no review {review_id}")
    return review


async def submit(
    reviews: Reviews, principal: Principal, review_id: str, step: ReviewStep, body: Assessment
) -> Document:
    now = reviews.runtime.clock.now()

    async def work(session: Session) -> Document:
        review = await load(reviews, review_id, session)
        _check_turn(review, principal, step, now)
        form = await template(reviews, review["template_id"])
        _check_ratings(
            body.ratings,
            form.criteria_model(),
            form.scale.minimum,
            form.scale.maximum,
            required=step is ReviewStep.MANAGER,
        )
        for item in body.development:
            if item.course_id is None:
                continue
            course = await reviews.catalogue.courses.get(item.course_id, session)
            if course is None:
                raise Unprocessable(f"development.course_id: no course {item.course_id!r} in the catalogue")
            course.refuse_if_retired("body.development")
        part = {**asdict(body), "submitted_by": principal.subject, "submitted_at": now}
        changes: dict[str, Any] = {step.value: part}
        events: list[Any] = [ReviewSubmitted(**review_about(review), step=step, submitted_by=principal.subject)]
        if step is ReviewStep.SELF:
            changes["status"] = "self_submitted"
        else:
            inputs = await inputs_for(reviews, review["person_id"], review["period_start"], review["period_end"])
            result = explain(
                form.criteria_model(),
                form.goal_weight,
                form.scale_model(),
                body.ratings,
                inputs.attainment,
                len(inputs.goals),
                form.customer_rating_weight,
                inputs.customers,
            )
            changes.update(status="completed", result=_result(result, inputs.summary(), inputs.ids(), now))
            events.append(_completed(review, result, inputs.summary(), body))
            for item in body.development:
                if item.course_id is not None:
                    events.append(
                        await assignment(
                            reviews,
                            session,
                            review["person_id"],
                            item.course_id,
                            now + TRAINING_DUE,
                            principal.subject,
                            review_id,
                        )
                    )
        changes["next_due_at"] = next_due({**review, **changes}, set(review.get("overdue_raised", [])))
        await reviews.reviews.update(review_id, changes, session)
        reviews.runtime.uow.publish(session, *events)
        return {**review, **changes}

    return await reviews.runtime.uow.run(work)


def _check_turn(review: Document, principal: Principal, step: ReviewStep, now: datetime) -> None:
    if step is ReviewStep.SELF and principal.subject != review["person_id"]:
        raise Forbidden("only the person reviewed submits the self-assessment")
    assessor = principal.subject == review["manager_id"] or principal.has(Role.HR)
    if step is ReviewStep.MANAGER and (principal.subject == review["person_id"] or not assessor):
        raise Forbidden("the person's manager (or hr) submits the manager assessment, never the person reviewed")
    if review["status"] in ("completed", "acknowledged"):
        raise Conflict("the review is completed: it can no longer be edited", code="review_completed")
    if step is ReviewStep.SELF and review["status"] != "scheduled":
        raise Conflict("the self-assessment was already submitted", code="self_assessment_submitted")
    # A self-assessment missed past its deadline must not hold the review open for good: the manager completes it
    # without one (the manager step's own reminder is raised then too).
    missed = review["status"] == "scheduled" and now >= review["self_due_at"]
    if step is ReviewStep.MANAGER and review["status"] != "self_submitted" and not missed:
        raise Conflict(
            "the manager assessment comes after the self-assessment, or once its deadline has passed",
            code="manager_assessment_early",
        )


def _check_ratings(ratings: dict[str, int], criteria: list[Any], low: int, high: int, required: bool) -> None:
    keys = {c.key for c in criteria}
    if unknown := sorted(set(ratings) - keys):
        raise Unprocessable(
            f"ratings: unknown criteria {', '.join(unknown)}",
            field="body.ratings",
            code="ratings_unknown_criteria",
            ctx={"criteria": ", ".join(unknown)},
        )
    if outside := sorted(k for k, v in ratings.items() if not low <= v <= high):
        raise Unprocessable(
            f"ratings: {', '.join(outside)} outside the scale {low}-{high}",
            field="body.ratings",
            code="ratings_outside_scale",
            ctx={"criteria": ", ".join(outside), "min": low, "max": high},
        )
    if required and (missing := sorted(keys - set(ratings))):
        raise Unprocessable(
            f"ratings: the manager rates every criterion; missing {', '.join(missing)}",
            field="body.ratings",
            code="ratings_missing",
            ctx={"criteria": ", ".join(missing)},
        )


def _result(result: Explanation, summary: dict[str, Any], ids: dict[str, list[str]], now: datetime) -> Document:
    return {
        "score": str(result.score),
        "rating": result.rating,
        "label": result.label,
        "explanation": explanation_json(result),
        "inputs": summary,
        "input_ids": ids,
        "completed_at": now,
    }


def explanation_json(result: Explanation) -> dict[str, Any]:
    return {
        "formula": result.formula,
        "lines": [
            {
                "key": line.key,
                "name": line.name,
                "weight": str(line.weight),
                "rating": str(line.rating),
                "contribution": str(line.contribution),
                "source": line.source,
            }
            for line in result.lines
        ],
        "missing": result.missing,
        "score": str(result.score),
        "rating": result.rating,
        "label": result.label,
    }


def _completed(review: Document, result: Explanation, summary: dict[str, Any], body: Assessment) -> ReviewCompleted:
    return ReviewCompleted(
        **review_about(review),
        score=result.score,
        rating=result.rating,
        rating_label=result.label,
        goals_achieved=summary["goals_achieved"],
        goals_missed=summary["goals_missed"],
        attainment=Decimal(summary["attainment"]) if summary["attainment"] else None,
        development=[DevelopmentItem(**asdict(item)) for item in body.development],
    )


async def acknowledge(reviews: Reviews, principal: Principal, review_id: str, comment: str) -> Document:
    review = await load(reviews, review_id)
    if principal.subject != review["person_id"]:
        raise Forbidden("only the person reviewed acknowledges the review")
    if review["status"] != "completed":
        raise Conflict(
            f"only a completed review can be acknowledged; this one is {review['status']}",
            code="review_not_completed",
            ctx={"status": review["status"]},
        )
    acknowledgement = {"comment": comment, "at": reviews.runtime.clock.now()}
    await reviews.reviews.acknowledge(review_id, acknowledgement)
    return {**review, "status": "acknowledged", "acknowledgement": acknowledgement}


def check_visible(review: Document, principal: Principal) -> None:
    if principal.subject not in (review["person_id"], review["manager_id"]) and not principal.has(Role.HR, Role.ADMIN):
        raise Forbidden("a review is seen by the person, their manager and hr")


async def view(reviews: Reviews, principal: Principal, review_id: str) -> Document:
    """A review as this principal may see it, with its inputs; late inputs of a completed review are listed apart."""
    review = await load(reviews, review_id)
    check_visible(review, principal)
    own = principal.subject == review["person_id"]
    inputs = await inputs_for(reviews, review["person_id"], review["period_start"], review["period_end"])
    shown = {**review, "review_id": review.pop("_id"), "inputs": inputs.summary(), "late_inputs": None}
    if review["result"] is not None:
        frozen = review["result"]["input_ids"]
        current = inputs.ids()
        # A kind missing from the frozen ids was not collected when the review completed: all of it came later.
        shown["late_inputs"] = {kind: sorted(set(current[kind]) - set(frozen.get(kind, []))) for kind in current}
        shown["inputs"] = review["result"]["inputs"]
    elif own:
        shown["manager"] = None  # the assistant sees the manager's part once the review is completed
    shown["open_training"] = await reviews.training.open_summaries(review["person_id"])
    return shown
