"""Data upgrades: what a new version changes in documents an earlier version wrote, applied at start-up (after the
indexes, before consumers and background loops) and recorded once applied, so later start-ups skip it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from pacer_shared.clock import Clock
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Database

log = get_logger(__name__)
UPGRADES = "upgrades"
"""One document per upgrade applied to this database: its name, when, and how many documents it changed."""


@dataclass(frozen=True)
class Upgrade:
    name: str
    """Stable once shipped: it is the record that the upgrade was applied."""
    apply: Callable[[], Awaitable[int]]
    """Changes the documents that need it and answers how many. Idempotent: replicas starting together may both run
    it before either records it, and one stopped half-way runs it again."""


async def apply_upgrades(db: Database, upgrades: Sequence[Upgrade], clock: Clock) -> None:
    for upgrade in upgrades:
        if await db[UPGRADES].find_one({"_id": upgrade.name}) is not None:
            continue
        changed = await upgrade.apply()
        await db[UPGRADES].update_one(
            {"_id": upgrade.name}, {"$setOnInsert": {"applied_at": clock.now(), "changed": changed}}, upsert=True
        )
        log.info("data upgraded", upgrade=upgrade.name, changed=changed)
