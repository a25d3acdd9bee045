"""A team's monthly and quarterly reports, opened as a manager opens them (XLSX with openpyxl, CSV with the csv module),
hold exactly an independent recount of the raw events sent."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from analytics_support import AnalyticsWorld, DayCount, recorded, recount, retracted
from openpyxl import load_workbook

from pacer_testkit.roster import ROSTER, assistants_of, member
from pacer_testkit.stack import bearer, eventually

NORTH = assistants_of("north")
NAMES = {p.person_id: p.display_name for p in ROSTER}


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


async def send_two_months_and_a_year_ago(analytics: AnalyticsWorld) -> None:
    """October and November 2026 and the fourth quarter of 2025 for team north, with what must not count."""
    twice = recorded("ann", at("2026-11-03"), quantity="2")
    gone = recorded("ann", at("2026-11-04"), quantity="7")
    await analytics.send(
        twice,
        twice,  # delivered twice by the CRM: counts once
        gone,
        recorded("ann", at("2026-11-18"), quantity="3"),
        # 17:30 UTC on 31 October is already 1 November in Shanghai: ann's November.
        recorded("ann", at("2026-10-31", 17).replace(minute=30)),
        recorded("ann", at("2026-11-20"), "deal_closed", amount="1200.50", currency="CNY"),
        recorded("ann", at("2026-11-27"), "deal_closed", quantity="2", amount="800", currency="CNY"),
        recorded("bob", at("2026-11-10"), "deal_closed", amount="99.99", currency="EUR"),
        recorded("ann", at("2026-10-06")),
        recorded("bob", at("2026-10-07"), quantity="4"),
        recorded("bob", at("2026-10-21")),
        recorded("bob", at("2025-11-12")),
        recorded("ann", at("2025-12-01"), "quote_sent"),
        recorded("dan", at("2026-11-05"), quantity="9"),  # team south: never in north's report
        recorded("dan", at("2026-11-05"), "demo"),
    )
    await analytics.send(retracted(gone))
    for first, last in ((date(2025, 10, 1), date(2025, 12, 31)), (date(2026, 10, 1), date(2026, 11, 30))):
        # Sixteen events through three agents: allow for a machine busy with other work.
        kinds = ["call", "deal_closed", "quote_sent"]
        await analytics.until_recounted(["ann", "bob", "dan"], kinds, first, last, timeout=180)


def totals(
    days: dict[tuple[str, str, date], DayCount], who: Iterable[str], kind: str, first: date, last: date
) -> DayCount:
    found = DayCount()
    for (assistant, what, day), day_totals in days.items():
        if assistant in who and what == kind and first <= day <= last:
            found.count += day_totals.count
            found.quantity += day_totals.quantity
            for currency, amount in day_totals.amounts.items():
                found.amounts[currency] = found.amounts.get(currency, Decimal(0)) + amount
    return found


def expected_rows(
    analytics: AnalyticsWorld, period: tuple[date, date], earlier: tuple[date, date]
) -> list[tuple[str | None, str, str, DayCount, DayCount]]:
    """(assistant id, shown name, kind, this period, the earlier one): every assistant of north × every kind north
    recorded in either period, then north per kind."""
    days = recount(analytics.activities)
    kinds = sorted(
        {
            kind
            for (who, kind, day) in days
            if who in NORTH and (period[0] <= day <= period[1] or earlier[0] <= day <= earlier[1])
        }
    )
    rows: list[tuple[str | None, str, str, DayCount, DayCount]] = [
        (who, NAMES[who], kind, totals(days, [who], kind, *period), totals(days, [who], kind, *earlier))
        for who in NORTH
        for kind in kinds
    ]
    rows += [
        (None, "Team north", kind, totals(days, NORTH, kind, *period), totals(days, NORTH, kind, *earlier))
        for kind in kinds
    ]
    return rows


def number(value: Any) -> Any:
    """A cell as a number to compare with a Decimal (openpyxl reads back int or float)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def ratio(now: DayCount, before: DayCount) -> Decimal | None:
    """The change of the count over the earlier period's, to four places as the API gives it; none from zero."""
    if not before.count:
        return None
    return (Decimal(now.count - before.count) / Decimal(before.count)).quantize(Decimal("0.0001"))


async def report(analytics: AnalyticsWorld, period: str, file: str, as_: tuple[str, str] = ("mia", "manager")) -> bytes:
    response = await analytics.http.get(f"/v1/analytics/teams/north/reports/{period}.{file}", headers=bearer(*as_))
    assert response.status_code == 200, response.text
    assert f'filename="pacer-north-{period}.{file}"' in response.headers["content-disposition"]
    return response.content


async def test_a_monthly_xlsx_report_holds_the_recount_sheet_by_sheet_and_cell_by_cell(
    analytics: AnalyticsWorld,
) -> None:
    await send_two_months_and_a_year_ago(analytics)
    november, october = (date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 10, 1), date(2026, 10, 31))
    expected = expected_rows(analytics, november, october)
    assert {row[2] for row in expected} == {"call", "deal_closed"}  # quote_sent and demo are outside (time, team)

    book = load_workbook(io.BytesIO(await report(analytics, "2026-11", "xlsx")))
    assert book.sheetnames == ["Activity", "Change", "Trend", "About"]

    activity = book["Activity"]
    assert activity.freeze_panes == "A2"
    rows = [tuple(map(number, row)) for row in activity.iter_rows(values_only=True)]
    assert rows[0] == ("Assistant ID", "Assistant", "Kind", "Count", "Quantity", "Amount CNY", "Amount EUR")
    assert rows[1:] == [
        (who, name, kind, now.count, now.quantity, now.amounts.get("CNY", 0), now.amounts.get("EUR", 0))
        for who, name, kind, now, _ in expected
    ]
    # Typed cells: numbers are numbers, not text.
    assert activity["D2"].data_type == "n"
    assert activity["F2"].data_type == "n"
    # The duplicate once, the retraction gone, 31 October in Shanghai counted in November:
    assert ("ann", "Ann Assistant", "call", 3, Decimal(6), 0, 0) in rows

    change = book["Change"]
    assert change.freeze_panes == "A2"
    rows = [tuple(map(number, row)) for row in change.iter_rows(values_only=True)]
    assert rows[0] == (
        "Assistant ID",
        "Assistant",
        "Kind",
        "Count 2026-11",
        "Count 2026-10",
        "Count change",
        "Count change %",
        "Quantity 2026-11",
        "Quantity 2026-10",
        "Quantity change",
    )
    assert rows[1:] == [
        (
            who,
            name,
            kind,
            now.count,
            before.count,
            now.count - before.count,
            ratio(now, before),
            now.quantity,
            before.quantity,
            now.quantity - before.quantity,
        )
        for who, name, kind, now, before in expected
    ]
    assert change["G2"].number_format == "0.0%"

    trend = book["Trend"]
    rows = list(trend.iter_rows(values_only=True))
    assert rows[0] == ("Week from", "call", "deal_closed")
    weeks = [date(2026, 10, 26) + timedelta(weeks=n) for n in range(6)]  # 1 November 2026 is a Sunday
    days = recount(analytics.activities)
    assert [(row[0].date(), row[1], row[2]) for row in rows[1:]] == [
        (
            week,
            *(
                totals(days, NORTH, kind, max(week, november[0]), min(week + timedelta(days=6), november[1])).count
                for kind in ("call", "deal_closed")
            ),
        )
        for week in weeks
    ]
    assert len(trend._charts) == 1  # the lines of the trend, drawn by the spreadsheet

    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert (about["Team"], about["Period"], about["Compared with"]) == ("north", "2026-11", "2026-10")


async def test_a_quarterly_csv_report_compares_with_the_same_quarter_a_year_earlier(analytics: AnalyticsWorld) -> None:
    await send_two_months_and_a_year_ago(analytics)
    quarter, a_year_ago = (date(2026, 10, 1), date(2026, 12, 31)), (date(2025, 10, 1), date(2025, 12, 31))
    expected = expected_rows(analytics, quarter, a_year_ago)
    assert {row[2] for row in expected} == {"call", "deal_closed", "quote_sent"}

    for as_ in (("mia", "manager"), ("hana", "hr")):
        text = (await report(analytics, "2026-Q4", "csv", as_)).decode("utf-8")
        read = list(csv.DictReader(io.StringIO(text)))
        assert list(read[0]) == [
            "scope",
            "assistant_id",
            "assistant",
            "kind",
            "count",
            "quantity",
            "amount_CNY",
            "amount_EUR",
            "previous_count",
            "previous_quantity",
            "count_change",
            "count_change_ratio",
            "quantity_change",
        ]
        shown = [
            (
                row["scope"],
                row["assistant_id"],
                row["assistant"],
                row["kind"],
                int(row["count"]),
                Decimal(row["quantity"]),
                Decimal(row["amount_CNY"]),
                Decimal(row["amount_EUR"]),
                int(row["previous_count"]),
                Decimal(row["previous_quantity"]),
                int(row["count_change"]),
                Decimal(row["count_change_ratio"]) if row["count_change_ratio"] else None,
                Decimal(row["quantity_change"]),
            )
            for row in read
        ]
        assert shown == [
            (
                "assistant" if who else "team",
                who or "",
                name if who else "north",
                kind,
                now.count,
                now.quantity,
                now.amounts.get("CNY", Decimal(0)),
                now.amounts.get("EUR", Decimal(0)),
                before.count,
                before.quantity,
                now.count - before.count,
                ratio(now, before),
                now.quantity - before.quantity,
            )
            for who, name, kind, now, before in expected
        ]


async def test_a_period_that_is_no_month_or_quarter_or_a_format_not_offered_is_refused_with_its_reason(
    analytics: AnalyticsWorld,
) -> None:
    for period in ("2026-13", "2026-00", "2026-Q5", "2026-Q0", "26-11", "2026-11-01", "0000-05", "0001-Q1", "2026-q4"):
        response = await analytics.http.get(
            f"/v1/analytics/teams/north/reports/{period}.csv", headers=bearer("mia", "manager")
        )
        assert response.status_code == 422, (period, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert "period" in response.json()["errors"][0]["field"], (period, response.text)
    pdf = await analytics.http.get("/v1/analytics/teams/north/reports/2026-11.pdf", headers=bearer("mia", "manager"))
    assert pdf.status_code == 422, pdf.text
    assert "format" in pdf.json()["errors"][0]["field"], pdf.text


async def test_a_team_report_is_for_its_manager_and_hr_only(analytics: AnalyticsWorld) -> None:
    for who, role in (("max", "manager"), ("ann", "assistant")):
        refused = await analytics.http.get("/v1/analytics/teams/north/reports/2026-11.xlsx", headers=bearer(who, role))
        assert refused.status_code == 403, (who, refused.text)


async def test_a_report_speaks_the_readers_language_from_the_roster_or_as_asked(analytics: AnalyticsWorld) -> None:
    await analytics.send(recorded("ann", at("2026-11-03"), quantity="2"), recorded("bob", at("2026-10-07")))
    await analytics.until_recounted(["ann", "bob"], ["call"], date(2026, 10, 1), date(2026, 11, 30))

    async def fetch(file: str, who: tuple[str, str], lang: str | None = None) -> bytes:
        response = await analytics.http.get(
            f"/v1/analytics/teams/north/reports/2026-11.{file}",
            params={"lang": lang} if lang else {},
            headers=bearer(*who),
        )
        assert response.status_code == 200, response.text
        return response.content

    chinese = load_workbook(io.BytesIO(await fetch("xlsx", ("mia", "manager"), "zh-CN")))
    assert chinese.sheetnames == ["活动", "变化", "趋势", "说明"]
    rows = list(chinese["活动"].iter_rows(values_only=True))
    assert rows[0] == ("助理编号", "助理", "类型", "次数", "数量")
    assert rows[1] == ("ann", "Ann Assistant", "call", 1, 2), "the numbers and names stay as recorded"
    assert rows[-1][1] == "团队 north"
    change = list(chinese["变化"].iter_rows(values_only=True))
    assert change[0][3:7] == ("次数 2026-11", "次数 2026-10", "次数变化", "次数变化率")
    assert next(chinese["趋势"].iter_rows(values_only=True)) == ("周起始日", "call")
    about = dict(chinese["说明"].iter_rows(min_row=2, values_only=True))
    assert (about["团队"], about["期间"], about["对比期间"]) == ("north", "2026-11", "2026-10")

    text = (await fetch("csv", ("mia", "manager"), "zh-CN")).decode("utf-8")
    header, ann_call = list(csv.reader(io.StringIO(text)))[:2]
    assert header == [
        "范围",
        "助理编号",
        "助理",
        "类型",
        "次数",
        "数量",
        "上期次数",
        "上期数量",
        "次数变化",
        "次数变化率",
        "数量变化",
    ]
    assert ann_call[1:6] == ["ann", "Ann Assistant", "call", "1", "2"]

    # Hana reads Chinese by her roster record; she may still ask for English.
    hana = member("hana").model_copy(update={"locale": "zh-CN"})
    await analytics.publish(hana)

    async def in_chinese() -> bool:
        return load_workbook(io.BytesIO(await fetch("xlsx", ("hana", "hr")))).sheetnames[0] == "活动"

    await eventually(in_chinese, 60, "hana's report in her roster's language")
    english = load_workbook(io.BytesIO(await fetch("xlsx", ("hana", "hr"), "en")))
    assert english.sheetnames == ["Activity", "Change", "Trend", "Bonuses", "About"], "hr's copy, with the bonuses"
    assert next(english["Activity"].iter_rows(values_only=True))[:3] == ("Assistant ID", "Assistant", "Kind")

    refused = await analytics.http.get(
        "/v1/analytics/teams/north/reports/2026-11.xlsx", params={"lang": "fr"}, headers=bearer("mia", "manager")
    )
    assert refused.status_code == 422, refused.text
    assert "lang" in refused.json()["errors"][0]["field"], refused.text
