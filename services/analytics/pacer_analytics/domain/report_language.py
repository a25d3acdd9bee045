"""The words of a team report in the reader's language: sheet names, column headers and labels, en or zh-CN.

The numbers, ids, names and activity kinds are data and stay as recorded; only what the report itself says is
translated. A locale the report has no words for reads English.
"""

from __future__ import annotations

from enum import StrEnum


class ReportLanguage(StrEnum):
    EN = "en"
    ZH_CN = "zh-CN"

    @classmethod
    def for_locale(cls, locale: str | None) -> ReportLanguage:
        """A roster locale's report language: any Chinese reads zh-CN, everything else English."""
        return cls.ZH_CN if (locale or "").lower().split("-")[0] == "zh" else cls.EN


WORDS: dict[ReportLanguage, dict[str, str]] = {
    ReportLanguage.EN: {
        "sheet.activity": "Activity",
        "sheet.change": "Change",
        "sheet.trend": "Trend",
        "sheet.bonuses": "Bonuses",
        "sheet.about": "About",
        "assistant_id": "Assistant ID",
        "assistant": "Assistant",
        "kind": "Kind",
        "count": "Count",
        "quantity": "Quantity",
        "amount": "Amount {currency}",
        "count_in": "Count {period}",
        "quantity_in": "Quantity {period}",
        "count_change": "Count change",
        "count_change_ratio": "Count change %",
        "quantity_change": "Quantity change",
        "week_from": "Week from",
        "month": "Month",
        "team": "Team {team}",
        "chart.title": "Team {team}: activities per {step}",
        "chart.week": "week",
        "chart.month": "month",
        "statement": "Statement",
        "period_start": "Period start",
        "period_end": "Period end",
        "bonus_total": "Bonus",
        "currency": "Currency",
        "status": "Status",
        "status.calculated": "calculated",
        "status.approved": "approved",
        "about.report": "Report",
        "about.value": "Value",
        "about.team": "Team",
        "about.period": "Period",
        "about.first_day": "First day",
        "about.last_day": "Last day",
        "about.compared_with": "Compared with",
        "about.days": "Days",
        "about.days_value": "each assistant's own calendar days, in their roster time zone",
        "about.assistants": "Assistants",
        "about.bonuses": "Bonuses",
        "about.bonuses_value": "statements of incentives whose period ends in this one (hr's copy only)",
    },
    ReportLanguage.ZH_CN: {
        "sheet.activity": "活动",
        "sheet.change": "变化",
        "sheet.trend": "趋势",
        "sheet.bonuses": "奖金",
        "sheet.about": "说明",
        "assistant_id": "助理编号",
        "assistant": "助理",
        "kind": "类型",
        "count": "次数",
        "quantity": "数量",
        "amount": "金额 {currency}",
        "count_in": "次数 {period}",
        "quantity_in": "数量 {period}",
        "count_change": "次数变化",
        "count_change_ratio": "次数变化率",
        "quantity_change": "数量变化",
        "week_from": "周起始日",
        "month": "月份",
        "team": "团队 {team}",
        "chart.title": "团队 {team}：每{step}活动次数",
        "chart.week": "周",
        "chart.month": "月",
        "statement": "奖金单",
        "period_start": "期间开始",
        "period_end": "期间结束",
        "bonus_total": "奖金",
        "currency": "币种",
        "status": "状态",
        "status.calculated": "已计算",
        "status.approved": "已批准",
        "about.report": "报告",
        "about.value": "内容",
        "about.team": "团队",
        "about.period": "期间",
        "about.first_day": "首日",
        "about.last_day": "末日",
        "about.compared_with": "对比期间",
        "about.days": "日期",
        "about.days_value": "按每位助理在花名册中的时区计算的当地日期",
        "about.assistants": "助理人数",
        "about.bonuses": "奖金",
        "about.bonuses_value": "期间结束于本期内的激励奖金单（仅人力资源副本）",
    },
}

CSV_HEADERS: dict[ReportLanguage, dict[str, str]] = {
    ReportLanguage.EN: {
        "scope": "scope",
        "assistant_id": "assistant_id",
        "assistant": "assistant",
        "kind": "kind",
        "count": "count",
        "quantity": "quantity",
        "amount": "amount_{currency}",
        "previous_count": "previous_count",
        "previous_quantity": "previous_quantity",
        "count_change": "count_change",
        "count_change_ratio": "count_change_ratio",
        "quantity_change": "quantity_change",
    },
    ReportLanguage.ZH_CN: {
        "scope": "范围",
        "assistant_id": "助理编号",
        "assistant": "助理",
        "kind": "类型",
        "count": "次数",
        "quantity": "数量",
        "amount": "金额_{currency}",
        "previous_count": "上期次数",
        "previous_quantity": "上期数量",
        "count_change": "次数变化",
        "count_change_ratio": "次数变化率",
        "quantity_change": "数量变化",
    },
}


class ReportWords:
    """`words("amount", currency="CNY")`: the label in the report's language."""

    def __init__(self, language: ReportLanguage) -> None:
        self.language = language
        self._words = WORDS[language]
        self._csv = CSV_HEADERS[language]

    def __call__(self, key: str, **values: object) -> str:
        return self._words[key].format(**values)

    def csv(self, key: str, **values: object) -> str:
        return self._csv[key].format(**values)
