"""A team report written as people open it, in the reader's language: CSV for any tool, XLSX with one sheet per
view, typed cells, a frozen header row and the team's trend drawn as a line chart."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pacer_analytics.domain.report_language import ReportLanguage, ReportWords
from pacer_analytics.service.reports import KindChange, TeamReport

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RATIO_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"


def _plain(value: Decimal) -> str:
    """Decimals as people write them: 1200, not 1.2E+3."""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def as_csv(report: TeamReport, language: ReportLanguage = ReportLanguage.EN) -> str:
    """One row per assistant and kind, then one per kind for the team (`scope` says which): the period's totals,
    the earlier period's and the change; an amount column per currency the period holds."""
    words = ReportWords(language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    currencies = report.currencies
    writer.writerow(
        [
            *(words.csv(key) for key in ("scope", "assistant_id", "assistant", "kind", "count", "quantity")),
            *(words.csv("amount", currency=currency) for currency in currencies),
            *(
                words.csv(key)
                for key in (
                    "previous_count",
                    "previous_quantity",
                    "count_change",
                    "count_change_ratio",
                    "quantity_change",
                )
            ),
        ]
    )
    for row in report.rows:
        now, before = row.change.current, row.change.previous
        ratio = row.change.count_change_ratio
        writer.writerow(
            [
                "assistant" if row.assistant else "team",
                row.assistant.assistant_id if row.assistant else "",
                row.assistant.name if row.assistant else report.team_id,
                row.kind,
                now.count,
                _plain(now.quantity),
                *(_plain(now.amounts.get(currency, Decimal(0))) for currency in currencies),
                before.count,
                _plain(before.quantity),
                row.change.count_change,
                "" if ratio is None else _plain(ratio),
                _plain(row.change.quantity_change),
            ]
        )
    return buffer.getvalue()


def as_xlsx(report: TeamReport, language: ReportLanguage = ReportLanguage.EN) -> bytes:
    """Activity, Change, Trend, then Bonuses in hr's copy only, and About."""
    words = ReportWords(language)
    book = Workbook()
    activity = book.active
    assert activity is not None
    activity.title = words("sheet.activity")
    _activity(activity, report, words)
    _change(book.create_sheet(words("sheet.change")), report, words)
    _trend(book.create_sheet(words("sheet.trend")), report, words)
    if report.bonuses is not None:
        _bonuses(book.create_sheet(words("sheet.bonuses")), report, words)
    _about(book.create_sheet(words("sheet.about")), report, words)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _who(report: TeamReport, row: KindChange, words: ReportWords) -> list[object]:
    if row.assistant is None:
        return [None, words("team", team=report.team_id)]
    return [row.assistant.assistant_id, row.assistant.name]


def _header(sheet: Worksheet, names: list[str]) -> None:
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, len(name) + 2)


def _activity(sheet: Worksheet, report: TeamReport, words: ReportWords) -> None:
    currencies = report.currencies
    _header(
        sheet,
        [
            *(words(key) for key in ("assistant_id", "assistant", "kind", "count", "quantity")),
            *(words("amount", currency=c) for c in currencies),
        ],
    )
    for row in report.rows:
        now = row.change.current
        sheet.append(
            [
                *_who(report, row, words),
                row.kind,
                now.count,
                now.quantity,
                *(now.amounts.get(c, Decimal(0)) for c in currencies),
            ]
        )


def _change(sheet: Worksheet, report: TeamReport, words: ReportWords) -> None:
    period, earlier = report.period.name, report.period.compared_with.name
    _header(
        sheet,
        [
            words("assistant_id"),
            words("assistant"),
            words("kind"),
            words("count_in", period=period),
            words("count_in", period=earlier),
            words("count_change"),
            words("count_change_ratio"),
            words("quantity_in", period=period),
            words("quantity_in", period=earlier),
            words("quantity_change"),
        ],
    )
    for row in report.rows:
        change = row.change
        sheet.append(
            [
                *_who(report, row, words),
                row.kind,
                change.current.count,
                change.previous.count,
                change.count_change,
                change.count_change_ratio,
                change.current.quantity,
                change.previous.quantity,
                change.quantity_change,
            ]
        )
        sheet.cell(sheet.max_row, 7).number_format = RATIO_FORMAT


def _trend(sheet: Worksheet, report: TeamReport, words: ReportWords) -> None:
    """The team's count per kind, one row per week (month report) or month (quarter report), drawn as lines."""
    step = words("week_from") if report.period.quarter is None else words("month")
    _header(sheet, [step, *report.kinds])
    starts = [p.start for p in next(iter(report.trend.values()), [])]
    for index, start in enumerate(starts):
        sheet.append([start, *(report.trend[kind][index].count for kind in report.kinds)])
        sheet.cell(sheet.max_row, 1).number_format = DATE_FORMAT
    if not report.kinds or not starts:
        return
    chart = LineChart()
    per = words("chart.month") if report.period.quarter else words("chart.week")
    chart.title = words("chart.title", team=report.team_id, step=per)
    chart.y_axis.title = words("count")
    chart.x_axis.number_format = DATE_FORMAT
    chart.add_data(
        Reference(sheet, min_col=2, max_col=1 + len(report.kinds), min_row=1, max_row=1 + len(starts)),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=1 + len(starts)))
    sheet.add_chart(chart, f"{get_column_letter(len(report.kinds) + 3)}2")


def _bonuses(sheet: Worksheet, report: TeamReport, words: ReportWords) -> None:
    """One row per statement: whose, its period, the amount in its currency and whether it was approved."""
    names = {a.assistant_id: a.name for a in report.assistants}
    _header(
        sheet,
        [
            *(words(key) for key in ("assistant_id", "assistant", "statement", "period_start", "period_end")),
            *(words(key) for key in ("bonus_total", "currency", "status")),
        ],
    )
    for statement in report.bonuses or []:
        status = "status.approved" if statement.approved is not None else "status.calculated"
        sheet.append(
            [
                statement.person_id,
                names.get(statement.person_id, statement.person_id),
                statement.statement_id,
                statement.period_first,
                statement.period_last,
                statement.total,
                statement.currency,
                words(status),
            ]
        )
        for column in (4, 5):
            sheet.cell(sheet.max_row, column).number_format = DATE_FORMAT
        sheet.cell(sheet.max_row, 6).number_format = MONEY_FORMAT


def _about(sheet: Worksheet, report: TeamReport, words: ReportWords) -> None:
    period, earlier = report.period, report.period.compared_with
    _header(sheet, [words("about.report"), words("about.value")])
    facts: list[tuple[str, object]] = [
        (words("about.team"), report.team_id),
        (words("about.period"), period.name),
        (words("about.first_day"), period.first),
        (words("about.last_day"), period.last),
        (words("about.compared_with"), earlier.name),
        (words("about.days"), words("about.days_value")),
        (words("about.assistants"), len(report.assistants)),
    ]
    if report.bonuses is not None:
        facts.append((words("about.bonuses"), words("about.bonuses_value")))
    for label, value in facts:
        sheet.append([label, value])
        if isinstance(value, type(period.first)):
            sheet.cell(sheet.max_row, 2).number_format = DATE_FORMAT
