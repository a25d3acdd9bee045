"""When a month ends in the organisation's zone, each team's manager and hr receive the team's report by e-mail:
the XLSX opened back with openpyxl holds the recount of the raw events, the manager's copy no bonus amount, hr's
the statements of the period, each in its reader's language; once per team and period with two workers running."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from analytics_support import ANALYTICS, AnalyticsWorld, recorded, recount
from openpyxl import load_workbook

from pacer_shared.events import EventData, wrap
from pacer_shared.events.incentives import BonusAdjusted, BonusCalculated
from pacer_testkit.clocked import FileClock
from pacer_testkit.outlets import Outlets, outlets, text_of
from pacer_testkit.roster import roster_with
from pacer_testkit.stack import ServiceProcess, Stack, bearer, create_topics, eventually, producer, read_topic
from pacer_testkit.world import RunningService, ServiceWorld

NOTIFICATIONS = "pacer_notifications.main"
# Hana (hr) reads Chinese; Mia (north's manager) and Max (south's) read English.
PEOPLE = roster_with(hana={"locale": "zh-CN"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# 00:30 on 1 December in Shanghai, the organisation's zone: November has ended (in Berlin it is still 30 November).
MONTH_END = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
OCTOBER_1, NOVEMBER_30 = date(2026, 10, 1), date(2026, 11, 30)


def mid(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=4, tzinfo=UTC)  # the same calendar day in every roster zone


def statement(person: str, statement_id: str, end: datetime, total: str) -> BonusCalculated:
    return BonusCalculated(
        person_id=person,
        statement_id=statement_id,
        period_start=end - timedelta(days=30),
        period_end=end,
        plan_id="plan-north",
        plan_version=1,
        total=Decimal(total),
        currency="EUR",
    )


NOVEMBER_END = datetime(2026, 11, 30, 12, tzinfo=UTC)  # 30 November in every roster zone
HISTORY: list[EventData] = [
    recorded("ann", mid("2026-11-03"), quantity="2"),
    recorded("ann", mid("2026-11-18"), "deal_closed", amount="1200.50", currency="CNY"),
    recorded("bob", mid("2026-11-10")),
    recorded("bob", mid("2026-10-07"), quantity="4"),
    recorded("dan", mid("2026-11-05"), quantity="9"),
    statement("ann", "st-ann-nov", NOVEMBER_END, "640.00"),
    statement("bob", "st-bob-nov", NOVEMBER_END, "500.00"),
    BonusAdjusted(
        person_id="bob", statement_id="st-bob-nov", adjustment=Decimal("-25.50"), currency="EUR", reason="late"
    ),
    statement("ann", "st-ann-oct", datetime(2026, 10, 31, 12, tzinfo=UTC), "777.00"),  # October's: not in November's
]
BONUS_AMOUNTS = {Decimal("640"), Decimal("474.5"), Decimal("500"), Decimal("777")}


@pytest.fixture
def clock(tmp_path: Path) -> FileClock:
    clock = FileClock(tmp_path / "clock")
    clock.set(datetime(2026, 11, 20, tzinfo=UTC))  # no month or quarter has just ended
    return clock


async def publish_before_start(stack: Stack, namespace: str) -> None:
    """What analytics finds on its topics when it starts: the roster, the sales activity and the statements."""
    names = {p: f"{namespace}.{p}" for p in ("org.people", "sales.activity", "incentives.events")}
    await create_topics(stack.kafka_bootstrap, list(names.values()), partitions=3)
    async with producer(stack.kafka_bootstrap) as client:
        for data in [*PEOPLE, *HISTORY]:
            envelope = wrap(data, source="/tests", time=datetime.now(UTC))
            await client.send_and_wait(names[data.topic], envelope.to_json(), key=data.subject.encode())


@pytest.fixture
async def out() -> AsyncIterator[Outlets]:
    async with outlets() as running:
        yield running


@pytest.fixture
async def analytics(
    running_service: RunningService, clock: FileClock, stack: Stack, namespace: str, out: Outlets
) -> AsyncIterator[AnalyticsWorld]:
    await publish_before_start(stack, namespace)
    async with (
        running_service(NOTIFICATIONS, PEOPLE, world=ServiceWorld, **out.env),
        running_service(
            ANALYTICS,
            PEOPLE,
            world=AnalyticsWorld,
            clock_file=clock.path,
            PACER_ANALYTICS_ORGANISATION_TIMEZONE="Asia/Shanghai",
            PACER_ANALYTICS_REPORT_TICK_SECONDS="0.3",
        ) as world,
    ):
        world.activities.extend(HISTORY)
        yield world


def attachment(message: EmailMessage) -> tuple[str, Any]:
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == XLSX
    return str(part.get_filename()), load_workbook(io.BytesIO(part.get_content()))


def cells(book: Any) -> list[Any]:
    return [value for sheet in book for row in sheet.iter_rows(values_only=True) for value in row]


def number(value: Any) -> Any:
    return Decimal(str(value)) if isinstance(value, int | float) and not isinstance(value, bool) else value


async def test_a_month_end_mails_each_manager_their_teams_report_and_hr_a_copy_with_bonuses(
    analytics: AnalyticsWorld, clock: FileClock, out: Outlets
) -> None:
    await analytics.until_recounted(["ann", "bob", "dan"], ["call", "deal_closed"], OCTOBER_1, NOVEMBER_30)
    clock.set(MONTH_END)
    mailbox = out.mailbox

    async def arrived() -> bool:
        return len(mailbox.to("mia@example.com")) >= 2 and len(mailbox.to("hana@example.com")) >= 3

    await eventually(arrived, 180, "the month's reports in mia's and hana's mailboxes")

    [north] = [m for m in mailbox.to("mia@example.com") if "north" in str(m["Subject"])]
    assert str(north["Subject"]) == "Team report north, 2026-11"
    assert "each of its 3 assistants" in text_of(north)
    name, book = attachment(north)
    assert name == "pacer-north-2026-11.xlsx"
    assert book.sheetnames == ["Activity", "Change", "Trend", "About"], "no bonus sheet in the manager's copy"
    rows = [tuple(map(number, row)) for row in book["Activity"].iter_rows(values_only=True)]
    assert rows[0] == ("Assistant ID", "Assistant", "Kind", "Count", "Quantity", "Amount CNY")
    days = recount(analytics.activities)

    def november(who: str, kind: str) -> tuple[int, Decimal]:
        found = [t for (w, k, d), t in days.items() if (w, k) == (who, kind) and d.month == 11 and d.year == 2026]
        return sum(t.count for t in found), sum((t.quantity for t in found), Decimal(0))

    assert rows[1:] == [
        ("ann", "Ann Assistant", "call", *november("ann", "call"), 0),
        ("ann", "Ann Assistant", "deal_closed", *november("ann", "deal_closed"), Decimal("1200.5")),
        ("bob", "Bob Assistant", "call", *november("bob", "call"), 0),
        ("bob", "Bob Assistant", "deal_closed", 0, 0, 0),
        ("cid", "Cid Assistant", "call", 0, 0, 0),
        ("cid", "Cid Assistant", "deal_closed", 0, 0, 0),
        (None, "Team north", "call", 2, Decimal(3), 0),
        (None, "Team north", "deal_closed", 1, Decimal(1), Decimal("1200.5")),
    ]
    assert not BONUS_AMOUNTS & {number(v) for v in cells(book)}, "the manager's copy holds no bonus amount"
    assert not [v for v in cells(book) if isinstance(v, str) and "st-" in v], "nor any statement"

    [hr_north] = [m for m in mailbox.to("hana@example.com") if "north" in str(m["Subject"])]
    assert str(hr_north["Subject"]) == "团队报告 north，2026-11"
    assert "仅供人力资源使用" in text_of(hr_north)
    name, book = attachment(hr_north)
    assert name == "pacer-north-2026-11-hr.xlsx"
    assert book.sheetnames == ["活动", "变化", "趋势", "奖金", "说明"]
    bonuses = [tuple(map(number, row)) for row in book["奖金"].iter_rows(values_only=True)]
    assert bonuses[0] == ("助理编号", "助理", "奖金单", "期间开始", "期间结束", "奖金", "币种", "状态")
    assert [(r[0], r[2], r[4].date(), r[5], r[6], r[7]) for r in bonuses[1:]] == [
        ("ann", "st-ann-nov", date(2026, 11, 30), Decimal(640), "EUR", "已计算"),
        ("bob", "st-bob-nov", date(2026, 11, 30), Decimal("474.5"), "EUR", "已计算"),  # 500 - 25.50
    ]
    assert next(book["活动"].iter_rows(values_only=True))[:3] == ("助理编号", "助理", "类型")
    shown = [tuple(map(number, r[:5])) for r in book["活动"].iter_rows(min_row=2, values_only=True)]
    assert shown == [(*r[:1], "团队 north" if r[0] is None else r[1], *r[2:5]) for r in rows[1:]], "the same numbers"

    # The same copies downloaded from the API: hr's with the Bonuses sheet, the manager's without.
    downloaded = await analytics.http.get(
        "/v1/analytics/teams/north/reports/2026-11.xlsx", headers=bearer("hana", "hr")
    )
    assert downloaded.status_code == 200, downloaded.text
    assert 'filename="pacer-north-2026-11-hr.xlsx"' in downloaded.headers["content-disposition"]
    hr_download = load_workbook(io.BytesIO(downloaded.content))
    assert hr_download.sheetnames == book.sheetnames
    assert list(hr_download["奖金"].iter_rows(values_only=True)) == list(book["奖金"].iter_rows(values_only=True))
    downloaded = await analytics.http.get(
        "/v1/analytics/teams/north/reports/2026-11.xlsx", headers=bearer("mia", "manager")
    )
    assert load_workbook(io.BytesIO(downloaded.content)).sheetnames == ["Activity", "Change", "Trend", "About"]

    [south] = mailbox.to("max@example.com")
    assert attachment(south)[0] == "pacer-south-2026-11.xlsx"
    to_assistants = [m for who in ("ann", "bob", "cid", "eve", "dan") for m in mailbox.to(f"{who}@example.com")]
    assert not [m for m in to_assistants if list(m.iter_attachments())], "a team's report never goes to an assistant"


async def test_two_workers_mail_each_teams_report_once(
    analytics: AnalyticsWorld, clock: FileClock, out: Outlets
) -> None:
    """Only the count is checked here: two workers split the tables' partitions, and the report of a worker that
    holds half of them is half a report (the README's one-worker limit); what is sent once is the point."""
    await analytics.until_recounted(["ann", "bob", "dan"], ["call", "deal_closed"], OCTOBER_1, NOVEMBER_30)
    second = ServiceProcess(
        ANALYTICS, "analytics", analytics.service.env, analytics.log_dir / "analytics-2.log", clock.path
    ).start()
    try:
        await second.wait_ready(120)
        clock.set(MONTH_END)
        # Every team's reports went out (north, east and south; Mia leads east too), each copy published once
        # though both workers looked.
        await eventually(lambda: _done(analytics), 180, "November's reports recorded as mailed")
        records = await read_topic(analytics.stack.kafka_bootstrap, analytics.topic("analytics.events"), bool, 30)
        ready = [r.json() for r in records if r.json()["type"] == "TeamReportReady"]
        copies = sorted((e["data"]["team_id"], e["data"]["audience"], e["data"]["language"]) for e in ready)
        assert copies == [
            ("east", "hr", "zh-CN"),
            ("east", "manager", "en"),
            ("north", "hr", "zh-CN"),
            ("north", "manager", "en"),
            ("south", "hr", "zh-CN"),
            ("south", "manager", "en"),
        ]
        mailings = await analytics.stored("report_mailings")
        assert sorted(m["_id"] for m in mailings if m.get("sent_at")) == [
            "2026-11/east",
            "2026-11/north",
            "2026-11/south",
        ]
    finally:
        await asyncio.to_thread(second.stop)


async def _done(analytics: AnalyticsWorld) -> bool:
    return [d["_id"] for d in await analytics.stored("report_periods")] == ["2026-11"]
