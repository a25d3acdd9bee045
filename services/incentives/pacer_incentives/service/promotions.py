"""Promotion recommendations: when a configured rule holds for a person, hr hears it once, with the evidence."""

from __future__ import annotations

from collections.abc import Sequence

from pacer_incentives.domain.facts import fold
from pacer_incentives.domain.recognition import promotion_evidence
from pacer_incentives.service import acting_leads, inputs
from pacer_incentives.service.context import Incentives
from pacer_shared.events import Event
from pacer_shared.events.incentives import PromotionRecommended
from pacer_shared.events.reviews import ReviewCompleted, TrainingCompleted
from pacer_shared.mongo import Session

REVIEW_HISTORY = frozenset({"ReviewCompleted", "TrainingAssigned", "TrainingCompleted"})


async def on_events(incentives: Incentives, events: Sequence[Event[inputs.Input]], session: Session) -> None:
    people = sorted({e.data.person_id for e in events if isinstance(e.data, ReviewCompleted | TrainingCompleted)})
    for person_id in people:
        facts = fold(await inputs.history_of(incentives, person_id, REVIEW_HISTORY, session))
        for rule in incentives.rules.promotion:
            evidence = promotion_evidence(rule, facts)
            if evidence is None:
                continue
            # Leadership shown so far supports the recommendation; it is no condition of the rule.
            evidence += acting_leads.evidence(await incentives.acting_leads.of([person_id], session))
            latest = max(facts.reviews.values(), key=lambda r: r.period_end)
            key = f"{rule.key}:{person_id}:{latest.review_id}"
            if await incentives.promotions.exists(key, session):
                continue
            now = incentives.runtime.clock.now()
            await incentives.promotions.add(
                {"_id": key, "person_id": person_id, "rule": rule.key, "evidence": evidence, "at": now}, session
            )
            incentives.runtime.uow.publish(
                session, PromotionRecommended(person_id=person_id, rule=rule.key, evidence=evidence)
            )
