"""Memory: each service's resident set after the platform has processed a first and a last number of sales events.

All five services run as their own processes. Sales events for assistants with goals go to goals; its events go
on to reviews, incentives and notifications, and goals reached along the way (targets spread so that some are
reached before the first checkpoint) send real messages to local receivers. After each checkpoint, once every
consumer group has committed everything it reads, the kernel's RSS of each process is read. Feedback only
follows the roster here: its figure is the growth of an idle service.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.scenarios import receivers
from bench.scenarios.common import Bench, Figure, note, result, rss_mib, scratch, services
from bench.scenarios.kafka import event, lag_meter, produce
from bench.scenarios.population import goal_document, insert_goals, publish_roster
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_testkit.roster import person
from pacer_testkit.stack import eventually

SERVICES = ("goals", "reviews", "feedback", "incentives", "notifications")
CONSUMES = {  # what each service reads of this scenario's traffic (the roster aside)
    "goals": ["sales.activity"],
    "reviews": ["goals.events"],
    "incentives": ["goals.events"],
    "notifications": ["goals.events"],
}
TEAMS = 20


async def run(bench: Bench, checkpoints: Sequence[int], assistants: int) -> dict[str, Any]:
    checkpoints = sorted(checkpoints)
    each = max(checkpoints[-1] // assistants, 6)  # events per assistant by the end
    async with scratch(bench) as namespace, receivers.running() as landed:
        team_chat = {f"t{t}": {"channel": "webhook", "url": f"{landed.chat_url}/webhook"} for t in range(TEAMS)}
        settings: dict[str, dict[str, str]] = {name: {} for name in SERVICES}
        settings["notifications"] = {
            "PACER_NOTIFICATIONS_SMTP_PORT": str(landed.smtp_port),
            "PACER_NOTIFICATIONS_TEAM_CHANNELS": json.dumps(team_chat),
        }
        async with services(bench, namespace, settings) as running:
            roster = [person(f"m{t}", "manager", team_id=f"t{t}") for t in range(TEAMS)]
            roster += [person(f"a{i}", "assistant", f"m{i % TEAMS}", f"t{i % TEAMS}") for i in range(assistants)]
            await publish_roster(bench, namespace, roster, reaching=list(running))
            now = datetime.now(UTC)
            await insert_goals(
                bench,
                namespace,
                (
                    goal_document(
                        f"g{i}",
                        f"a{i}",
                        target=5 + i * (each - 5) // assistants,
                        start=now,
                        end=now + timedelta(days=7),
                    )
                    for i in range(assistants)
                ),
            )
            groups = {
                f"{namespace}.pacer-{name}": [f"{namespace}.{topic}" for topic in topics]
                for name, topics in CONSUMES.items()
            }
            rss: dict[str, list[float]] = {name: [] for name in running}
            async with lag_meter(bench.stack, groups) as behind:
                done = 0
                for checkpoint in checkpoints:
                    topic = f"{namespace}.sales.activity"
                    await produce(bench.stack, topic, _sales(range(done, checkpoint), assistants, now))
                    done = checkpoint

                    async def caught_up() -> bool:
                        return await behind() == 0

                    await eventually(caught_up, timeout=300 + checkpoint / 20, what=f"{checkpoint:,} events processed")
                    for name, service in running.items():
                        assert service.process is not None
                        rss[name].append(rss_mib(service.process.pid))
                    note(f"memory: {checkpoint:,} events processed; RSS {[round(r[-1]) for r in rss.values()]} MiB")
            achieved = len(landed.posts)
    first, last = checkpoints[0], checkpoints[-1]
    figures = [
        Figure(f"{name} RSS after {last:,} events", "MiB", sizes[-1], sizes[0], f"RSS after {first:,}", "ratio < 1.2")
        for name, sizes in rss.items()
    ]
    return result(
        "memory",
        figures,
        checkpoints=checkpoints,
        assistants=assistants,
        rss_mib={name: [round(size, 1) for size in sizes] for name, sizes in rss.items()},
        growth_percent={name: round((sizes[-1] / sizes[0] - 1) * 100, 1) for name, sizes in rss.items()},
        goals_achieved_in_the_team_chat=achieved,
    )


def _sales(numbers: range, assistants: int, now: datetime) -> Iterator[tuple[bytes, bytes]]:
    """Generated as they are published: a million events do not sit in memory at once."""
    for n in numbers:
        sale = SalesActivityRecorded(
            activity_id=f"act-{n}",
            assistant_id=f"a{n % assistants}",
            kind="call",
            occurred_at=now,
            source_system="bench",
        )
        yield sale.assistant_id.encode(), event(sale)
