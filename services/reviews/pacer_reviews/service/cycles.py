"""Templates and cycles: versioned templates, cycles that schedule one review per person, cadences that reopen."""

from __future__ import annotations

import contextlib
import functools
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from prometheus_client import Gauge

from pacer_reviews.adapters.repository import OPEN_STATUSES
from pacer_reviews.domain.templates import TemplateIn
from pacer_reviews.service.context import Reviews
from pacer_shared.events import Event
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.reviews import Cadence, ReviewCycleOpened, ReviewOverdue, ReviewScheduled, ReviewStep
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Document, Session, microseconds
from pacer_shared.paging import decode_cursor, encode_cursor
from pacer_shared.problems import Conflict, Forbidden, NotFound, Unprocessable
from pacer_shared.waiting import poll

log = get_logger(__name__)
SCHEDULE_LAG = Gauge(
    "pacer_reviews_schedule_lag_seconds",
    "How late the review scheduler reached the oldest step deadline or cycle opening that had come (0: none waited)",
)

# ---------------------------------------------------------------- templates


SAVE_ATTEMPTS = 5


async def save_template(reviews: Reviews, template: TemplateIn, by: str) -> Document:
    """A new version of the named template; reviews opened on older versions keep theirs.

    Two saves of one name at once race for the next version: the unique id lets one win, the other takes the next.
    """
    for _ in range(SAVE_ATTEMPTS):
        latest = await reviews.templates.latest(template.name)
        version = (latest["version"] + 1) if latest else 1
        document = {
            "_id": f"{template.name}:v{version}",
            "version": version,
            "created_by": by,
            "created_at": reviews.runtime.clock.now(),
            **template.model_dump(mode="json"),
        }
        if await reviews.templates.add(document):
            return document
    raise Conflict(
        f"template {template.name!r} is being changed by others right now; try again", code="changed_meanwhile"
    )


async def template(reviews: Reviews, template_id: str) -> TemplateIn:
    found = await reviews.templates.get(template_id)
    if found is None:
        raise NotFound(f"no template {template_id}")
    fields = ("name", "title", "criteria", "goal_weight", "customer_rating_weight", "role_profile_id", "scale")
    return TemplateIn.model_validate({k: found[k] for k in fields if k in found})  # older versions lack some


async def latest_templates(reviews: Reviews, cursor: str | None, limit: int) -> tuple[list[Document], str | None]:
    """One page of the templates, by name, each in its newest version, and the next page's cursor (the last name)."""
    more = await reviews.templates.latest_of_each(cursor, limit + 1)
    found = more[:limit]
    return found, found[-1]["name"] if len(more) > limit else None


async def template_versions(reviews: Reviews, name: str) -> list[Document]:
    """Every version of a template, newest first: what each cycle opened on it asked."""
    found = await reviews.templates.versions(name)
    if not found:
        raise NotFound(f"no template {name}")
    return found


# ---------------------------------------------------------------- cycles


@dataclass(frozen=True)
class CycleIn:
    name: str
    cadence: Cadence
    template_name: str
    period_start: date
    period_end: date | None
    team_id: str | None
    role: str | None
    person_ids: list[str] | None
    recurring: bool


async def dashboard(reviews: Reviews, cycle_id: str) -> dict[str, Any]:
    """How far a cycle is: its reviews per status and the overdue steps."""
    found = await reviews.reviews.statuses_of(cycle_id)
    if not found:
        raise NotFound(f"no cycle {cycle_id}")
    return _progress(cycle_id, found)


async def recent(reviews: Reviews, cursor: str | None, limit: int) -> tuple[list[Document], str | None]:
    """One page of the cycles, latest period first, each with how far it is (one read of their reviews), and the
    cursor of the next page if there is one."""
    after = decode_cursor(cursor) if cursor else None
    more = await reviews.cycles.recent((after[0].date().isoformat(), after[1]) if after else None, limit + 1)
    found = more[:limit]
    ids = [c["_id"] for c in found]
    counted = await reviews.reviews.statuses(ids)
    of: dict[str, list[Document]] = {cycle_id: [] for cycle_id in ids}
    for review in counted:
        of[review["cycle_id"]].append(review)
    page = [{**cycle, "progress": _progress(cycle["_id"], of[cycle["_id"]])} for cycle in found]
    # The cursor carries the period's first day as that day's UTC midnight: the shape every list's cursor has.
    last = found[-1] if len(more) > limit else None
    return page, encode_cursor(_utc(date.fromisoformat(last["period_start"])), last["_id"]) if last else None


def _progress(cycle_id: str, found: list[Document]) -> dict[str, Any]:
    return {
        "cycle_id": cycle_id,
        "reviews": len(found),
        "by_status": dict(Counter(r["status"] for r in found)),
        "overdue": dict(Counter(step for r in found for step in r.get("overdue_raised", []))),
    }


def period_of(cadence: Cadence, start: date, end: date | None) -> tuple[date, date]:
    """The period's first day and the day after its last."""
    if cadence is Cadence.CUSTOM:
        if end is None or end < start:
            raise Unprocessable(
                "period_end: a custom cycle needs an end on or after its start",
                field="body.period_end",
                code="cycle_end_missing",
            )
        return start, end + timedelta(days=1)
    if cadence is Cadence.WEEKLY:
        first = start - timedelta(days=start.weekday())
        return first, first + timedelta(days=7)
    months = 1 if cadence is Cadence.MONTHLY else 3
    first = (
        start.replace(day=1) if cadence is Cadence.MONTHLY else date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    )
    index = first.month - 1 + months
    return first, date(first.year + index // 12, index % 12 + 1, 1)


async def open_cycle(
    reviews: Reviews, cycle: CycleIn, by: str, manager: str | None = None, claim: Document | None = None
) -> Document:
    """Open a cycle: one scheduled review per person in the population, due dates in each person's zone.

    A cycle opened by a manager (`manager`) may only hold their own reports. `claim` (the previous cycle of a
    recurrence, by id and `next_open_at`) is taken in the same transaction, so the next period is opened exactly
    once however replicas race and whenever one stops; another replica that took it first raises `_Taken`.
    """
    latest = await reviews.templates.latest(cycle.template_name)
    if latest is None:
        raise Unprocessable(
            f"template_name: no template {cycle.template_name!r}",
            field="body.template_name",
            code="template_unknown",
            ctx={"template_name": cycle.template_name},
        )
    first, after_last = period_of(cycle.cadence, cycle.period_start, cycle.period_end)
    population = await _population(reviews, cycle)
    if not population:
        # Who the cycle is for is one choice of three fields: the reason names the field that was given.
        where = "person_ids" if cycle.person_ids else ("team_id" if cycle.team_id else "role")
        raise Unprocessable(
            f"{where}: nobody in the roster matches the cycle's team, role or list",
            field=f"body.{where}",
            code="cycle_population_empty",
        )
    if manager is not None and (outside := sorted(p["_id"] for p in population if p.get("manager_id") != manager)):
        raise Forbidden(f"a manager opens cycles for their own reports only, not for {', '.join(outside)}")
    cycle_id = f"{cycle.name}:{first.isoformat()}"
    now = reviews.runtime.clock.now()
    document: Document = {
        "_id": cycle_id,
        "name": cycle.name,
        "cadence": cycle.cadence.value,
        "template_id": latest["_id"],
        "template_name": cycle.template_name,
        "period_start": first.isoformat(),
        "period_end": after_last.isoformat(),
        "population": {"team_id": cycle.team_id, "role": cycle.role, "person_ids": cycle.person_ids},
        "recurring": cycle.recurring and cycle.cadence is not Cadence.CUSTOM,
        "opened_by": by,
        "opened_at": now,
        "next_open_at": None,
    }
    reviews_to_schedule = [_review(reviews, document, latest, person) for person in population]
    if document["recurring"]:
        document["next_open_at"] = datetime.combine(after_last, time.min, tzinfo=ZoneInfo("UTC"))

    async def work(session: Session) -> None:
        if claim is not None:
            await _take(reviews, claim, None, session)
        if await reviews.cycles.exists(cycle_id, session):
            raise Conflict(f"cycle {cycle_id} is already open", code="cycle_open")
        await reviews.cycles.add(document, session)
        await reviews.reviews.add_many(reviews_to_schedule, session)
        reviews.runtime.uow.publish(
            session,
            ReviewCycleOpened(
                cycle_id=cycle_id,
                name=cycle.name,
                cadence=cycle.cadence,
                period_start=_utc(first),
                period_end=_utc(after_last),
                template_id=latest["_id"],
                template_version=latest["version"],
                population_size=len(population),
            ),
            *[
                ReviewScheduled(**review_about(r), self_due_at=r["self_due_at"], manager_due_at=r["manager_due_at"])
                for r in reviews_to_schedule
            ],
        )

    await reviews.runtime.uow.run(work)
    return document


async def _population(reviews: Reviews, cycle: CycleIn) -> list[Document]:
    people = reviews.runtime.people
    if cycle.person_ids:
        found = [await people.get(p) for p in dict.fromkeys(cycle.person_ids)]  # once each, in the order given
        return [p for p in found if p is not None and p.get("active", True)]
    if cycle.team_id:
        members = await people.team(cycle.team_id)
        return [p for p in members if p.get("role") == (cycle.role or "assistant")]
    return await people.with_role(cycle.role or "assistant")


async def follow_managers(reviews: Reviews, events: Sequence[Event[PersonUpserted]], session: Session) -> None:
    """An open review's manager is the person's manager now: after a transfer the new manager assesses (and is
    reminded), and the former one no longer sees it. A completed review keeps the manager who completed it.

    A roster record older than the one a review followed (a redriven dead letter) changes nothing.
    """
    for event in events:
        person = event.data
        await reviews.reviews.follow_manager(person.person_id, person.manager_id, microseconds(event.time), session)


def _review(reviews: Reviews, cycle: Document, template_doc: Document, person: Document) -> Document:
    zone = ZoneInfo(person.get("timezone") or "UTC")
    end = date.fromisoformat(cycle["period_end"])
    self_due = datetime.combine(end + timedelta(days=reviews.settings.self_due_days), time.min, tzinfo=zone)
    manager_due = datetime.combine(end + timedelta(days=reviews.settings.manager_due_days), time.min, tzinfo=zone)
    return {
        "_id": str(uuid.uuid4()),
        "cycle_id": cycle["_id"],
        "cadence": cycle["cadence"],
        "person_id": person["_id"],
        "manager_id": person.get("manager_id"),
        "manager_as_of_us": person.get("as_of_us"),  # the roster record it came from: an older one changes nothing
        "template_id": template_doc["_id"],
        # The period in the person's zone, as their goals are: a goal ending at their local midnight belongs to it.
        "period_start": _local_midnight(date.fromisoformat(cycle["period_start"]), zone),
        "period_end": _local_midnight(end, zone),
        # The same period as the person's calendar names it: no zone can move these days.
        "period_first_day": cycle["period_start"],
        "period_last_day": (end - timedelta(days=1)).isoformat(),
        "status": "scheduled",
        "self_due_at": self_due.astimezone(ZoneInfo("UTC")),
        "manager_due_at": manager_due.astimezone(ZoneInfo("UTC")),
        "overdue_raised": [],
        "next_due_at": self_due.astimezone(ZoneInfo("UTC")),
        "self": None,
        "manager": None,
        "result": None,
        "acknowledgement": None,
    }


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo("UTC"))


def review_about(review: Document) -> dict[str, Any]:
    return {
        "review_id": review["_id"],
        "cycle_id": review["cycle_id"],
        "person_id": review["person_id"],
        "manager_id": review["manager_id"],
        "cadence": review["cadence"],
        "period_start": review["period_start"],
        "period_end": review["period_end"],
    }


# ---------------------------------------------------------------- the worker: cadences and overdue steps


class CycleWorker:
    """Opens the next cycle of a cadence when its period begins and raises ReviewOverdue once per late step."""

    def __init__(self, reviews: Reviews) -> None:
        self._reviews = reviews

    async def run(self) -> NoReturn:
        await poll(self.run_once, self._reviews.settings.scheduler_poll_seconds, "review scheduler")

    async def run_once(self) -> None:
        now = self._reviews.runtime.clock.now()
        cycles = await self._reviews.cycles.due(now)
        reviews = await self._reviews.reviews.due(now, 200)
        waiting = [c["next_open_at"] for c in cycles] + [r["next_due_at"] for r in reviews[:1]]
        SCHEDULE_LAG.set(max((now - min(waiting)).total_seconds(), 0.0) if waiting else 0.0)
        for cycle in cycles:
            await self._reopen(cycle)
        for review in reviews:
            with contextlib.suppress(_Taken):
                await self._reviews.runtime.uow.run(functools.partial(self._overdue, review, now))

    async def _reopen(self, cycle: Document) -> None:
        """Open the period that begins at the cycle's `next_open_at`; one that cannot be opened is skipped.

        A period nobody is in (the team emptied, everyone deactivated) or that someone already opened by hand is
        logged and skipped, and the recurrence goes on with the period after it instead of ending.
        """
        start = cycle["next_open_at"].astimezone(ZoneInfo("UTC")).date()
        population = cycle["population"]
        claim = {"_id": cycle["_id"], "next_open_at": cycle["next_open_at"]}
        try:
            await open_cycle(
                self._reviews,
                CycleIn(
                    name=cycle["name"],
                    cadence=Cadence(cycle["cadence"]),
                    template_name=cycle["template_name"],
                    period_start=start,
                    period_end=None,
                    team_id=population["team_id"],
                    role=population["role"],
                    person_ids=population["person_ids"],
                    recurring=True,
                ),
                by="cadence",
                claim=claim,
            )
        except _Taken:
            return  # another replica opened it
        except (Conflict, Unprocessable) as refusal:
            _, after = period_of(Cadence(cycle["cadence"]), start, None)
            log.warning(
                "recurring cycle skips a period", cycle_id=cycle["_id"], period_start=start, reason=refusal.detail
            )
            with contextlib.suppress(_Taken):
                await self._reviews.runtime.uow.run(functools.partial(_take, self._reviews, claim, _utc(after)))

    async def _overdue(self, review: Document, now: datetime, session: Session) -> None:
        step, responsible, due = _late_step(review, now)
        raised = set(review.get("overdue_raised", [])) | ({step.value} if step else set())
        if not await self._reviews.reviews.move_deadline(review, next_due(review, raised), sorted(raised), session):
            raise _Taken
        if step is not None and responsible is not None and due is not None:
            self._reviews.runtime.uow.publish(
                session, ReviewOverdue(**review_about(review), step=step, due_at=due, responsible_id=responsible)
            )


def _late_step(review: Document, now: datetime) -> tuple[ReviewStep | None, str | None, datetime | None]:
    raised = review.get("overdue_raised", [])
    if review["status"] == "scheduled" and "self" not in raised and now >= review["self_due_at"]:
        return ReviewStep.SELF, review["person_id"], review["self_due_at"]
    if review["status"] in OPEN_STATUSES and "manager" not in raised and now >= review["manager_due_at"]:
        return ReviewStep.MANAGER, review["manager_id"], review["manager_due_at"]
    return None, None, None


def next_due(review: Document, raised: set[str]) -> datetime | None:
    """The next step deadline still to watch, given the review's status and the steps already called overdue."""
    if review["status"] == "scheduled" and "self" not in raised:
        return review["self_due_at"]  # type: ignore[no-any-return]
    if review["status"] in OPEN_STATUSES and "manager" not in raised:
        return review["manager_due_at"]  # type: ignore[no-any-return]
    return None


async def _take(reviews: Reviews, claim: Document, next_open_at: datetime | None, session: Session) -> None:
    """Move a recurring cycle's next opening on from `claim`, or raise `_Taken` if another writer already did."""
    if not await reviews.cycles.take(claim, next_open_at, session):
        raise _Taken


class _Taken(Exception):
    """Another replica handled this review's deadline first."""
