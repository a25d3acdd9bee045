"""Table rows for the whole organisation, whichever worker of the group is asked.

Each worker holds only the partitions the group gave it, so a read is split by owner (adapters/placement.py): the
rows this worker holds are read from its own tables, the others' from their API (`POST /internal/v1/tables/rows`,
api/peers.py), all at once, and put together. The owner answers only for partitions it holds and has rebuilt; while
the group rebalances (a worker joined, left or was killed) a part may have no owner, or one that no longer holds it,
and the read is tried again until the group has settled, for at most PEER_WAIT_SECONDS.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from pacer_analytics.adapters.placement import PERSON_DAY_TABLES, TABLES, Placement, person_of
from pacer_shared.logs import get_logger
from pacer_shared.problems import Problem

log = get_logger(__name__)
PEER_HEADER = "X-Pacer-Peer-Secret"
RETRY_SECONDS = 0.25


class Unavailable(Problem):
    status = 503
    title = "Service Unavailable"


class Moved(Exception):
    """Part of a read is held by no worker, or not by the one asked: the group is rebalancing."""


@dataclass
class Ask:
    """What a read needs: rows by key, and every row about some people (or some activities)."""

    get: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """table -> keys"""
    scan: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """table -> people whose rows are wanted, each row with its value"""
    keys_only: bool = False
    """Scanned rows without their values (`None`), when only which keys exist matters."""

    def to_json(self) -> dict[str, Any]:
        return {
            "get": {table: sorted(keys) for table, keys in self.get.items() if keys},
            "scan": {table: sorted(people) for table, people in self.scan.items() if people},
            "keys_only": self.keys_only,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Ask:
        ask = cls(keys_only=bool(raw.get("keys_only", False)))
        for part, target in (("get", ask.get), ("scan", ask.scan)):
            for table, items in dict(raw.get(part) or {}).items():
                if table not in TABLES or not isinstance(items, list):
                    raise ValueError(f"{part}: no table {table!r}")
                target[table].update(str(item) for item in items)
        return ask

    def people(self) -> Iterable[tuple[str, str]]:
        """(table, person) of each part of the ask: what decides where it is read."""
        for table, keys in self.get.items():
            for key in keys:
                yield table, person_of(table, key)
        for table, people in self.scan.items():
            for person in people:
                yield table, person


Rows = dict[str, dict[str, Any]]
"""table -> key -> value"""


class OrgTables:
    def __init__(
        self,
        placement: Placement,
        unready: Callable[[], dict[str, str]],
        secret: str,
        timeout: float,
        wait: float,
    ) -> None:
        self._placement = placement
        self._unready = unready
        self._wait = wait
        # One client for the worker's life: a dashboard's read reuses its connections to the other workers instead
        # of opening one per peer per read.
        self._peers = httpx.AsyncClient(timeout=timeout, headers={PEER_HEADER: secret})

    async def close(self) -> None:
        await self._peers.aclose()

    async def read(self, ask: Ask) -> Rows:
        """The rows asked for, from whichever workers hold them; Unavailable when the group has not settled."""
        deadline = time.monotonic() + self._wait
        while True:
            try:
                return await self._read_once(ask)
            except (Moved, httpx.HTTPError) as error:
                if time.monotonic() >= deadline:
                    log.warning("table read not answered in time", error=repr(error))
                    raise Unavailable(
                        "the analytics workers are handing partitions over between them; ask again shortly"
                    ) from error
            await asyncio.sleep(RETRY_SECONDS)  # the next assignment, announced by no event of ours

    async def _read_once(self, ask: Ask) -> Rows:
        owners = {table: self._placement.owners(table) for table in {*ask.get, *ask.scan}}
        found: dict[tuple[str, str], str] = {}

        def owner(table: str, person: str) -> str:
            if (table, person) not in found:
                held = owners[table]
                url = held[self._placement.partition(table, person, len(held))] if held else None
                if url is None:
                    raise Moved(f"no worker holds {table} of {person!r}")
                found[table, person] = url
            return found[table, person]

        split: dict[str, Ask] = defaultdict(lambda: Ask(keys_only=ask.keys_only))
        for table, keys in ask.get.items():
            for key in keys:
                split[owner(table, person_of(table, key))].get[table].add(key)
        for table, people in ask.scan.items():
            for person in people:
                split[owner(table, person)].scan[table].add(person)
        parts = await asyncio.gather(*(self._read_at(url, part) for url, part in split.items()))
        merged: Rows = {table: {} for table in TABLES}
        for part in parts:
            for table, rows in part.items():
                merged[table].update(rows)
        return merged

    async def _read_at(self, url: str, ask: Ask) -> Rows:
        if url == self._placement.url:
            return self.serve(ask)
        response = await self._peers.post(f"{url}/internal/v1/tables/rows", json=ask.to_json())
        if response.status_code in (409, 503):
            raise Moved(f"{url} answered {response.status_code}: {response.text[:200]}")
        response.raise_for_status()
        rows: Rows = response.json()["rows"]
        return rows

    def serve(self, ask: Ask) -> Rows:
        """The rows asked for from this worker's own tables, if it holds every part and has rebuilt them."""
        if self._unready():
            raise Moved("this worker is rebuilding its tables")
        holding = {table: self._placement.holding(table) for table in {*ask.get, *ask.scan}}
        for table, person in set(ask.people()):
            if not holding[table](person):
                raise Moved(f"this worker does not hold {table} of {person!r}")
        found: Rows = {}
        for table, keys in ask.get.items():
            rows = self._placement.table(table)
            found[table] = {key: value for key in keys if (value := rows.get(key)) is not None}
        for table, people in ask.scan.items():
            rows = self._placement.table(table)
            if table in PERSON_DAY_TABLES:
                about = {key: value for key, value in list(rows.items()) if person_of(table, key) in people}
            else:
                about = {person: value for person in people if (value := rows.get(person)) is not None}
            if ask.keys_only:
                about = dict.fromkeys(about)
            found.setdefault(table, {}).update(about)
        return found
