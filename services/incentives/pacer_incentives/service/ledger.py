"""The ledger: closes bonus periods into statements, turns late events into adjustment lines, approvals.

The worker reads only what is due (open periods whose end has passed, statements marked for a recheck),
writes each statement with its events in one transaction, and relies on unique ids and conditional
updates so replicas and restarts never calculate a statement twice.
"""

from __future__ import annotations

import functools
from dataclasses import asdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NoReturn

from pacer_incentives.domain import ledger
from pacer_incentives.domain.ledger import Line, NotFinal, Statement, Subject
from pacer_incentives.domain.periods import Period, in_zone
from pacer_incentives.domain.plan import PlanIn
from pacer_incentives.service import inputs
from pacer_incentives.service.context import Incentives
from pacer_incentives.service.plans import period_of, plan_of
from pacer_shared.auth import Principal, Role
from pacer_shared.events.incentives import BonusAdjusted, BonusApproved, BonusCalculated
from pacer_shared.mongo import Document, Session
from pacer_shared.paging import cursor_after
from pacer_shared.problems import Conflict, Forbidden, NotFound
from pacer_shared.waiting import poll

BATCH = 100
CARRIED_FIELDS = ("plan_key", "plan_id", "plan_version", "person_id", "team_id", "manager_id", "currency")


class _Taken(Exception):
    """Another replica got there first."""


def line_document(line: Line) -> Document:
    return {**asdict(line), "cites": list(line.cites)}


def statement_id(plan: PlanIn, period: Period, person_id: str, kind: str = "period") -> str:
    suffix = "" if kind == "period" else f":{kind}"
    return f"{plan.plan_id}:{period.start.strftime('%Y%m%dT%H%M')}:{person_id}{suffix}"


async def population(incentives: Incentives, plan: PlanIn, period: Period) -> list[Document]:
    """Assistants the plan covers: active now, or deactivated during the period (they get a statement
    that says why nothing is paid)."""
    people = await incentives.roster.assistants(plan.team_ids)
    return [p for p in people if p.get("active", True) or await inputs.left_during(incentives, p, period)]


async def subject_of(
    incentives: Incentives, person: Document, period: Period, session: Session | None = None
) -> Subject:
    subjects = [person["_id"]] + ([person["team_id"]] if person.get("team_id") else [])
    return Subject(
        person_id=person["_id"],
        team_id=person.get("team_id"),
        active_whole_period=await inputs.active_whole_period(incentives, person, period),
        records=await inputs.records_for(incentives, subjects, period.start, period.end, session),
    )


def local_period(plan: PlanIn, period: Period, person: Document | None) -> Period:
    return in_zone(plan.period, period, (person or {}).get("timezone") or "UTC")


async def simulate(
    incentives: Incentives, plan: PlanIn, moment: datetime
) -> tuple[Period, list[tuple[str, list[Line]]]]:
    """What a plan would pay for the period holding `moment`, on everything known now; nothing is stored."""
    period = period_of(plan, moment)
    results = []
    for person in await population(incentives, plan, period):
        local = local_period(plan, period, person)
        results.append((person["_id"], ledger.simulate(plan, local, await subject_of(incentives, person, local))))
    return period, results


class LedgerWorker:
    def __init__(self, incentives: Incentives) -> None:
        self._incentives = incentives

    async def run(self) -> NoReturn:
        await poll(self.run_once, self._incentives.settings.ledger_poll_seconds, "ledger worker")

    async def run_once(self) -> None:
        now = self._incentives.runtime.clock.now()
        await self._open_periods(now)
        for period in await self._incentives.periods.ended(now, BATCH):
            await self._close(period, now)
        for statement in await self._incentives.statements.to_recheck(BATCH):
            try:
                await self._incentives.runtime.uow.run(functools.partial(self._recheck, statement["_id"], now))
            except _Taken:
                continue

    async def _open_periods(self, now: datetime) -> None:
        """Every plan version's periods that have ended get a period record, oldest first."""
        async for version in self._incentives.plans.with_periods_due(now):
            plan = plan_of(version)
            start = version["next_period_start"]
            period = period_of(plan, start)
            if period.end > now or (plan.effective_to is not None and period.start >= plan.effective_to):
                continue
            # The period record first, then the cursor: a stop between the two leaves the record to be written again
            # (it is keyed, so nothing doubles), never a cursor moved past a period that was not recorded.
            period_key = f"{version['_id']}:{period.start.isoformat()}"
            await self._incentives.periods.record(period_key, version["_id"], period.start, period.end)
            await self._incentives.plans.move_next_period(version["_id"], start, period.end)

    async def _close(self, period_doc: Document, now: datetime) -> None:
        version = await self._incentives.plans.get(period_doc["plan_key"])
        assert version is not None
        plan = plan_of(version)
        period = Period(period_doc["period_start"], period_doc["period_end"])
        done = await self._incentives.statements.people_calculated(period_doc["_id"])
        waiting: dict[str, list[str]] = {}
        for person in await population(self._incentives, plan, period):
            if person["_id"] in done:
                continue
            local = local_period(plan, period, person)
            if now < local.end:
                waiting[person["_id"]] = [f"the period ends at {local.end.isoformat()} in their time zone"]
                continue
            subject = await subject_of(self._incentives, person, local)
            try:
                result = ledger.statement(plan, local, subject, now)
            except NotFinal as pending:
                waiting[person["_id"]] = pending.waiting_for
                continue
            settle = timedelta(seconds=self._incentives.settings.close_settle_seconds)
            if now < result.close_at + settle:
                waiting[person["_id"]] = [f"settling until {(result.close_at + settle).isoformat()}"]
                continue
            document = self._statement_document(version, plan, period, local, period_doc["_id"], person, result, now)
            try:
                await self._incentives.runtime.uow.run(functools.partial(self._calculated, document, result))
            except _Taken:
                continue
        update: dict[str, Any] = {"waiting": waiting}
        if not waiting:
            update["status"] = "closed"
        await self._incentives.periods.update(period_doc["_id"], update)

    @staticmethod
    def _statement_document(
        version: Document,
        plan: PlanIn,
        period: Period,
        local: Period,
        period_key: str,
        person: Document,
        result: Statement,
        now: datetime,
    ) -> Document:
        return {
            "_id": statement_id(plan, period, person["_id"]),
            "kind": "period",
            "period_key": period_key,
            "plan_key": version["_id"],
            "plan_id": plan.plan_id,
            "plan_version": version["version"],
            "person_id": person["_id"],
            "team_id": person.get("team_id"),
            "manager_id": person.get("manager_id"),
            "period_start": local.start,
            "period_end": local.end,
            "currency": plan.currency,
            "close_at": result.close_at,
            "lines": [line_document(line) for line in result.lines],
            "adjustments": [line_document(line) for line in result.adjustments],
            "carried": [],
            "total": result.total,
            "status": "calculated",
            "approvals": [],
            "calculated_at": now,
            "dirty": False,
        }

    async def _calculated(self, document: Document, result: Statement, session: Session) -> None:
        if await self._incentives.statements.exists(document["_id"], session):
            raise _Taken
        await self._incentives.statements.add(document, session)
        base_total = sum((line.amount for line in result.lines), Decimal(0))
        self._incentives.runtime.uow.publish(
            session,
            BonusCalculated(
                person_id=document["person_id"],
                statement_id=document["_id"],
                period_start=document["period_start"],
                period_end=document["period_end"],
                plan_id=document["plan_id"],
                plan_version=document["plan_version"],
                total=base_total,
                currency=document["currency"],
            ),
            *[_adjusted(document, line) for line in result.adjustments],
        )

    async def _recheck(self, statement_key: str, now: datetime, session: Session) -> None:
        """Recompute a calculated statement; changes since become adjustment lines, never a rewrite."""
        statement = await self._incentives.statements.take_for_recheck(statement_key, session)
        if statement is None:
            raise _Taken
        version = await self._incentives.plans.get(statement["plan_key"], session)
        person = await self._incentives.runtime.people.get(statement["person_id"], session)
        if version is None or person is None:
            return
        plan = plan_of(version)
        period = Period(statement["period_start"], statement["period_end"])
        try:
            result = ledger.statement(plan, period, await subject_of(self._incentives, person, period, session), now)
        except NotFinal:
            return  # an outcome was reopened (a goal moved into the period): its deadline will mark it again
        recorded = statement["adjustments"] + statement["carried"]
        cited = {c for line in recorded for c in line["cites"]}
        new = [line for line in result.adjustments if not set(line.cites) <= cited]
        recorded_total = sum((Decimal(str(line["amount"])) for line in statement["lines"] + recorded), Decimal(0))
        gap = result.total - recorded_total - sum((line.amount for line in new), Decimal(0))
        if gap:
            new.append(_reconciliation(gap, result, cited))
        if new:
            await self._add_adjustments(statement, plan, new, session)

    async def _add_adjustments(self, statement: Document, plan: PlanIn, new: list[Line], session: Session) -> None:
        documents = [line_document(line) for line in new]
        delta = sum((line.amount for line in new), Decimal(0))
        if statement["status"] != "approved":
            await self._incentives.statements.adjust(statement["_id"], documents, statement["total"] + delta, session)
            holder = statement
        else:
            await self._incentives.statements.note_carried(statement["_id"], documents, session)
            holder = await self._carry(statement, plan, documents, delta, session)
        self._incentives.runtime.uow.publish(session, *[_adjusted(holder, line) for line in new])

    async def _carry(
        self, statement: Document, plan: PlanIn, documents: list[Document], delta: Decimal, session: Session
    ) -> Document:
        """Adjustments to an approved statement form a statement of the next period still open to approval."""
        start, end = statement["period_start"], statement["period_end"]
        period = period_of(plan, start + (end - start) / 2)  # the plan's own period, whatever the person's zone
        while True:
            period = period_of(plan, period.end)
            key = statement_id(plan, period, statement["person_id"], "carry")
            carry = await self._incentives.statements.get(key, session)
            if carry is None or carry["status"] != "approved":
                break
        labelled = [{**d, "label": f"{d['label']} (carried from {statement['_id']})"} for d in documents]
        local = local_period(plan, period, await self._incentives.runtime.people.get(statement["person_id"], session))
        if carry is None:
            carry = {
                **{k: statement[k] for k in CARRIED_FIELDS},
                "_id": key,
                "kind": "carry",
                "period_key": None,
                "carries_from": [statement["_id"]],
                "period_start": local.start,
                "period_end": local.end,
                "close_at": statement["close_at"],
                "lines": [],
                "adjustments": labelled,
                "carried": [],
                "total": delta,
                "status": "calculated",
                "approvals": [],
                "calculated_at": self._incentives.runtime.clock.now(),
                "dirty": False,
            }
            await self._incentives.statements.add(carry, session)
            return carry
        await self._incentives.statements.carry_into(key, labelled, statement["_id"], carry["total"] + delta, session)
        return carry


def _adjusted(statement: Document, line: Line) -> BonusAdjusted:
    return BonusAdjusted(
        person_id=statement["person_id"],
        statement_id=statement["_id"],
        adjustment=line.amount,
        currency=statement["currency"],
        reason=line.label,
        cause_event_ids=list(line.cites),
    )


def _reconciliation(gap: Decimal, result: Statement, cited: set[str]) -> Line:
    cites = tuple(sorted({c for line in result.lines + result.adjustments for c in line.cites} - cited))
    return Line(
        "adjustment" if gap > 0 else "clawback",
        "Correction: inputs that arrived after the statement was calculated",
        f"recomputed total {result.total} − recorded total {result.total - gap} = {gap}",
        gap,
        {},
        cites,
    )


async def approve(incentives: Incentives, statement_key: str, principal: Principal) -> Document:
    """The manager approves first, then hr; the second approval freezes the statement (BonusApproved).

    Two different people approve: hr takes the first step for someone with no manager, and whoever took the first
    step (a manager who also holds the hr role) cannot take the second.
    """

    async def work(session: Session) -> Document:
        statement = await incentives.statements.get(statement_key, session)
        if statement is None or not can_see(principal, statement):
            raise NotFound(f"no statement {statement_key}")
        status = statement["status"]
        person = await incentives.runtime.people.get(statement["person_id"], session)
        manager = person.get("manager_id") if person else statement["manager_id"]
        if status == "approved":
            raise Conflict(
                "the statement is approved and frozen; later changes go to a new statement", code="statement_frozen"
            )
        if status == "calculated":
            first = principal.subject == manager or (manager is None and principal.has(Role.HR))
            if not first and principal.has(Role.HR):
                raise Conflict("the person's manager approves first, then hr", code="statement_manager_first")
            if not first:
                raise Forbidden("only the person's manager approves the statement first")
            step = {"status": "manager_approved"}
        elif not principal.has(Role.HR):
            raise Conflict("the manager has approved; hr approves next", code="statement_hr_next")
        elif principal.subject in {a["by"] for a in statement["approvals"]}:
            raise Conflict("someone other than the first approver approves next", code="statement_second_approver")
        else:
            step = {"status": "approved"}
        approval: Document = {
            "by": principal.subject,
            "role": "manager" if principal.subject == manager else "hr",
            "at": incentives.runtime.clock.now(),
        }
        await incentives.statements.approve(statement_key, status, step, approval, session)
        statement = {**statement, **step, "approvals": [*statement["approvals"], approval]}
        if step["status"] == "approved":
            incentives.runtime.uow.publish(
                session,
                BonusApproved(
                    person_id=statement["person_id"],
                    statement_id=statement_key,
                    total=statement["total"],
                    currency=statement["currency"],
                    approved_by=[a["by"] for a in statement["approvals"]],
                ),
            )
        return statement

    return await incentives.runtime.uow.run(work)


async def statements_for(
    incentives: Incentives,
    principal: Principal,
    person_id: str | None,
    plan_id: str | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Document], str | None]:
    """A page of statements (one's own, one's team's for managers, everyone's for hr) and the next page's cursor."""
    readable_by: tuple[list[str], str | None] | None = None
    if not principal.has(Role.HR):
        if principal.has(Role.MANAGER):
            reports = [p["_id"] for p in await incentives.runtime.people.reports_of(principal.subject)]
            readable_by = ([principal.subject, *reports], principal.subject)
        elif person_id not in (None, principal.subject):
            raise Forbidden("assistants see only their own statements")
        else:
            readable_by = ([principal.subject], None)
    found = await incentives.statements.listed(
        limit + 1, person_id=person_id, plan_id=plan_id, status=status, readable_by=readable_by, cursor=cursor
    )
    return found[:limit], cursor_after(found, limit, "period_start")


def can_see(principal: Principal, statement: Document) -> bool:
    """Amounts are private: the person, their manager and hr."""
    if principal.has(Role.HR):
        return True
    return principal.subject in (statement["person_id"], statement.get("manager_id"))
