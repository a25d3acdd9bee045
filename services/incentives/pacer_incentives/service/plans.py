"""Bonus plan versions: written once, effective over a span of time, never overlapping another version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from pacer_incentives.domain.periods import Period, period_at
from pacer_incentives.domain.plan import PlanIn
from pacer_incentives.service.context import Incentives
from pacer_shared.mongo import Document, Session
from pacer_shared.problems import Conflict, NotFound


def plan_of(document: Document) -> PlanIn:
    return PlanIn.model_validate(document["plan"])


def period_of(plan: PlanIn, moment: datetime) -> Period:
    return period_at(plan.period, plan.effective_from, moment)


async def create_version(incentives: Incentives, plan: PlanIn, by: str) -> Document:
    """A new version. An open-ended latest version is ended where the new one starts, provided no
    statement of it was calculated from then on; any other overlap is refused."""
    versions = await incentives.plans.versions_of(plan.plan_id)
    latest = versions[-1] if versions else None
    for other in versions:
        existing = plan_of(other)
        ends_after = existing.effective_to is None or existing.effective_to > plan.effective_from
        starts_before = plan.effective_to is None or plan.effective_to > existing.effective_from
        if not (ends_after and starts_before):
            continue
        if other is latest and existing.effective_to is None and plan.effective_from > existing.effective_from:
            continue
        raise Conflict(
            f"version {other['version']} of {plan.plan_id} is effective from {existing.effective_from.isoformat()}"
            f" to {existing.effective_to.isoformat() if existing.effective_to else 'open-ended'}: versions must not"
            " overlap",
            code="plan_versions_overlap",
            ctx={"version": other["version"]},
        )
    if (
        latest is not None
        and plan_of(latest).effective_to is None
        and plan.effective_from > plan_of(latest).effective_from
    ):
        calculated = await incentives.statements.first_after(latest["_id"], plan.effective_from)
        if calculated is not None:
            raise Conflict(
                f"version {latest['version']} already has statement {calculated['_id']} for a period after "
                f"{plan.effective_from.isoformat()}; start the new version later",
                code="plan_version_calculated",
                ctx={"version": latest["version"]},
            )
        ended = plan_of(latest).model_copy(update={"effective_to": plan.effective_from})
        await incentives.plans.end(latest["_id"], _stored(ended))
    version = (latest["version"] + 1) if latest else 1
    document: Document = {
        "_id": f"{plan.plan_id}:v{version}",
        "plan_id": plan.plan_id,
        "version": version,
        "plan": _stored(plan),
        "created_by": by,
        "created_at": incentives.runtime.clock.now(),
        "next_period_start": plan.effective_from,
    }
    try:
        await incentives.plans.add(document)
    except DuplicateKeyError as error:
        raise Conflict(
            f"version {version} of {plan.plan_id} was just created by someone else; retry", code="changed_meanwhile"
        ) from error
    return document


def _stored(plan: PlanIn) -> dict[str, Any]:
    stored = plan.model_dump(mode="json")
    stored["effective_from"] = plan.effective_from
    stored["effective_to"] = plan.effective_to
    return stored


async def versions(incentives: Incentives, plan_id: str) -> list[Document]:
    found = await incentives.plans.versions_of(plan_id)
    if not found:
        raise NotFound(f"no plan {plan_id!r}")
    return found


async def all_latest(incentives: Incentives) -> list[Document]:
    documents = await incentives.plans.every_version()
    return list({d["plan_id"]: d for d in documents}.values())


async def covering(
    incentives: Incentives, team_id: str | None, moment: datetime, session: Session | None = None
) -> Document | None:
    """The plan version in effect at `moment` for someone in `team_id`."""
    async for document in incentives.plans.newest_first(session):
        plan = plan_of(document)
        if plan.covers(moment) and (plan.team_ids is None or team_id in plan.team_ids):
            return document
    return None
