"""Which team reports were mailed, in analytics' own MongoDB database: a team's report for a period is mailed once,
by one worker, however many run and however often they restart.

A worker claims a team and period for a lease before it publishes and marks it sent after the broker acknowledged
it; a worker that dies in between leaves the claim to expire, and the next one publishes again, with the same
event ids (derived from team, period, copy and language), which notifications drops as duplicates.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from pacer_shared.mongo import Database

MAILINGS = "report_mailings"
PERIODS = "report_periods"


class Mailings:
    def __init__(self, db: Database, lease: timedelta) -> None:
        self._mailings = db[MAILINGS]
        self._periods = db[PERIODS]
        self._lease = lease

    async def period_done(self, period: str) -> bool:
        """Whether every team's report of the period went out: the one read a worker makes per look once it has."""
        return await self._periods.find_one({"_id": period}, {"_id": 1}) is not None

    async def mark_period_done(self, period: str, at: datetime) -> None:
        await self._periods.update_one({"_id": period}, {"$setOnInsert": {"done_at": at}}, upsert=True)

    async def all_sent(self, period: str, team_ids: list[str]) -> bool:
        """Whether every one of these teams' reports went out (one held by a worker that died is not)."""
        keys = [_key(period, team_id) for team_id in team_ids]
        return await self._mailings.count_documents({"_id": {"$in": keys}, "sent_at": {"$ne": None}}) == len(keys)

    async def claim(self, period: str, team_id: str, worker: str, at: datetime) -> bool:
        """True if this worker may mail the team's report now: nobody sent it, and nobody else holds it."""
        try:
            claimed = await self._mailings.find_one_and_update(
                {"_id": _key(period, team_id), "sent_at": None, "lease_until": {"$lt": at}},
                {"$set": {"lease_until": at + self._lease, "worker": worker, "period": period, "team_id": team_id}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            return False  # sent already, or another worker's lease is running
        return claimed is not None and claimed.get("worker") == worker

    async def sent(self, period: str, team_id: str, event_ids: list[str], at: datetime) -> None:
        await self._mailings.update_one(
            {"_id": _key(period, team_id)}, {"$set": {"sent_at": at, "event_ids": event_ids}}
        )


def _key(period: str, team_id: str) -> str:
    return f"{period}/{team_id}"
