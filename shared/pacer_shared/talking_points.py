"""An agenda's talking points as a stable code and its values, worded in the reader's language (en, zh-CN).

Reviews builds the points; the console and the agenda email read them in their reader's locale. The values are
already language-neutral text (numbers as "12.5", ratios as "85%", days as "2026-12-01", names and titles as
people wrote them), so wording a point is only choosing the sentence around them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

LOCALES = ("en", "zh-CN")


class TalkingPoint(BaseModel):
    """One point to discuss: `code` names the sentence, `params` its values (absent keys: that part is left out)."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(description="e.g. goal.at_risk, training.overdue, action_item.open; see the README")
    params: dict[str, str] = Field(default_factory=dict)


def point(code: str, **params: str | None) -> TalkingPoint:
    return TalkingPoint(code=code, params={k: v for k, v in params.items() if v is not None and v != ""})


Wording = Callable[[Mapping[str, str]], str]


def _progress_en(p: Mapping[str, str]) -> str:
    unit = f" {p['unit']}" if "unit" in p else ""
    return f"{p.get('actual', '0')} of {p['target']}{unit}" if "target" in p else "no target"


def _progress_zh(p: Mapping[str, str]) -> str:
    unit = f" {p['unit']}" if "unit" in p else ""
    return f"{p.get('actual', '0')}/{p['target']}{unit}" if "target" in p else "未设目标值"


def _at_risk_en(p: Mapping[str, str]) -> str:
    expects = f", pace expects {p['expected']}" if "expected" in p else ""
    why = ", ".join(
        part for part in (f"{p['pace']} of pace" if "pace" in p else "", f"warned below {p.get('warned', '?')}") if part
    )
    return f"Goal '{p['title']}' is at risk: {_progress_en(p)}{expects} ({why})"


def _at_risk_zh(p: Mapping[str, str]) -> str:
    expects = f"，按进度应达 {p['expected']}" if "expected" in p else ""
    pace = f"达到进度的 {p['pace']}" if "pace" in p else ""
    why = "，".join(part for part in (pace, f"低于预警线 {p.get('warned', '?')}") if part)
    return f"目标“{p['title']}”有风险：{_progress_zh(p)}{expects}（{why}）"


def _on_track_en(p: Mapping[str, str]) -> str:
    expects = f", pace expects {p['expected']}" if "expected" in p else ""
    of_pace = f" ({p['pace']} of pace)" if "pace" in p else ""
    recovered = "; back on pace after an at-risk warning" if "recovered" in p else ""
    return f"Goal '{p['title']}' is on track: {_progress_en(p)}{expects}{of_pace}{recovered}"


def _on_track_zh(p: Mapping[str, str]) -> str:
    expects = f"，按进度应达 {p['expected']}" if "expected" in p else ""
    of_pace = f"（达到进度的 {p['pace']}）" if "pace" in p else ""
    recovered = "；风险预警后已回到进度" if "recovered" in p else ""
    return f"目标“{p['title']}”进展正常：{_progress_zh(p)}{expects}{of_pace}{recovered}"


def _checkin_en(p: Mapping[str, str]) -> str:
    said = f"Weekly check-in{' (answered late)' if 'late' in p else ''}: confidence {p['confidence']} of 5"
    said += f"; obstacles: {p['obstacles']}" if "obstacles" in p else ""
    return said + (f"; help needed: {p['help']}" if "help" in p else "")


def _checkin_zh(p: Mapping[str, str]) -> str:
    said = f"每周签到{'（逾期回答）' if 'late' in p else ''}：信心 {p['confidence']}/5"
    said += f"；困难：{p['obstacles']}" if "obstacles" in p else ""
    return said + (f"；需要的帮助：{p['help']}" if "help" in p else "")


def _feedback_en(p: Mapping[str, str]) -> str:
    themes = f"; themes: {p['themes']}" if "themes" in p else ""
    return f"Feedback received this week: {p['praise']} praise, {p['improvement']} improvement{themes}"


def _feedback_zh(p: Mapping[str, str]) -> str:
    themes = f"；主题：{p['themes']}" if "themes" in p else ""
    return f"本周收到的反馈：表扬 {p['praise']} 条，改进建议 {p['improvement']} 条{themes}"


def _anonymous_en(p: Mapping[str, str]) -> str:
    themes = f"; themes: {p['themes']}" if "themes" in p else ""
    return (
        f"Anonymous feedback about {p['subject_kind']} {p['subject']} ({p['from']} to {p['to']}): "
        f"{p['submissions']} submissions{themes}"
    )


def _anonymous_zh(p: Mapping[str, str]) -> str:
    kind = {"team": "团队", "manager": "经理"}.get(p["subject_kind"], p["subject_kind"])
    themes = f"；主题：{p['themes']}" if "themes" in p else ""
    return f"关于{kind} {p['subject']} 的匿名反馈（{p['from']} 至 {p['to']}）：{p['submissions']} 份{themes}"


def _month_en(p: Mapping[str, str]) -> str:
    mean = f", mean attainment {p['attainment']}" if "attainment" in p else ""
    return f"Last month ({p['month']}) against plan: {p['achieved']} of {p['closed']} goals achieved{mean}"


def _month_zh(p: Mapping[str, str]) -> str:
    mean = f"，平均达成率 {p['attainment']}" if "attainment" in p else ""
    return f"上月（{p['month']}）对照计划：{p['closed']} 个目标中达成 {p['achieved']} 个{mean}"


def _quarter_en(p: Mapping[str, str]) -> str:
    mean = f", mean score {p['mean']}" if "mean" in p else ""
    return f"Last quarter's reviews ({p['quarter']}): {p['completed']} of {p['total']} completed{mean}"


def _quarter_zh(p: Mapping[str, str]) -> str:
    mean = f"，平均分 {p['mean']}" if "mean" in p else ""
    return f"上季度评估（{p['quarter']}）：{p['total']} 份中已完成 {p['completed']} 份{mean}"


def _unit(p: Mapping[str, str]) -> str:
    return f" {p['unit']}" if "unit" in p else ""


WORDINGS: dict[str, dict[str, Wording]] = {
    "goal.at_risk": {"en": _at_risk_en, "zh-CN": _at_risk_zh},
    "goal.missed": {
        "en": lambda p: f"Goal '{p['title']}' was missed: {_progress_en(p)} ({p['attainment']}), {p['short']} short",
        "zh-CN": lambda p: f"目标“{p['title']}”未达成：{_progress_zh(p)}（{p['attainment']}），差 {p['short']}",
    },
    "goal.achieved": {
        "en": lambda p: f"Goal '{p['title']}' is achieved: {_progress_en(p)} ({p['attainment']})",
        "zh-CN": lambda p: f"目标“{p['title']}”已达成：{_progress_zh(p)}（{p['attainment']}）",
    },
    "goal.no_progress": {
        "en": lambda p: f"Goal '{p['title']}': no progress reported yet (target {p.get('target', '?')}{_unit(p)})",
        "zh-CN": lambda p: f"目标“{p['title']}”：尚无进展（目标值 {p.get('target', '?')}{_unit(p)}）",
    },
    "goal.on_track": {"en": _on_track_en, "zh-CN": _on_track_zh},
    "training.overdue": {
        "en": lambda p: f"Training '{p['title']}' is overdue: it was due on {p['due']}",
        "zh-CN": lambda p: f"培训“{p['title']}”已逾期：截止日期为 {p['due']}",
    },
    "training.open": {
        "en": lambda p: f"Training '{p['title']}' is open, due on {p['due']}",
        "zh-CN": lambda p: f"培训“{p['title']}”未完成，截止日期 {p['due']}",
    },
    "feedback.week": {"en": _feedback_en, "zh-CN": _feedback_zh},
    "feedback.none_this_week": {"en": lambda p: "No feedback received this week", "zh-CN": lambda p: "本周未收到反馈"},
    "feedback.anonymous": {"en": _anonymous_en, "zh-CN": _anonymous_zh},
    "checkin": {"en": _checkin_en, "zh-CN": _checkin_zh},
    "win.goal_achieved": {
        "en": lambda p: f"Win: {p['who']} achieved '{p['name']}'",
        "zh-CN": lambda p: f"喜报：{p['who']} 达成了“{p['name']}”",
    },
    "win.badge": {
        "en": lambda p: f"Recognition: {p['who']} earned the badge '{p['name']}'",
        "zh-CN": lambda p: f"表彰：{p['who']} 获得徽章“{p['name']}”",
    },
    "win.award": {
        "en": lambda p: f"Recognition: {p['who']} received the award '{p['name']}'",
        "zh-CN": lambda p: f"表彰：{p['who']} 获得奖项“{p['name']}”",
    },
    "win.kudos": {
        "en": lambda p: f"Recognition: kudos to {p['who']}: '{p['name']}'",
        "zh-CN": lambda p: f"表彰：为 {p['who']} 点赞：“{p['name']}”",
    },
    "win.other": {
        "en": lambda p: f"Recognition: {p['who']}: '{p['name']}'",
        "zh-CN": lambda p: f"表彰：{p['who']}：“{p['name']}”",
    },
    "meeting.feedback_themes": {
        "en": lambda p: f"Feedback themes since the last meeting: {p['themes']}",
        "zh-CN": lambda p: f"自上次会议以来的反馈主题：{p['themes']}",
    },
    "action_item.open": {
        "en": lambda p: f"Open action item ({p['owner']}, due {p['due']}): {p['text']}",
        "zh-CN": lambda p: f"待办事项（{p['owner']}，{p['due']} 到期）：{p['text']}",
    },
    "action_item.overdue": {
        "en": lambda p: f"Open action item ({p['owner']}, overdue since {p['due']}): {p['text']}",
        "zh-CN": lambda p: f"待办事项（{p['owner']}，{p['due']} 起已逾期）：{p['text']}",
    },
    "month.against_plan": {"en": _month_en, "zh-CN": _month_zh},
    "month.outcome": {
        "en": lambda p: f"  {p['owner']}: '{p['title']}' {p.get('actual', '?')} of {p.get('target', '?')}{_unit(p)}",
        "zh-CN": lambda p: f"  {p['owner']}：“{p['title']}” {p.get('actual', '?')}/{p.get('target', '?')}{_unit(p)}",
    },
    "month.ahead": {
        # `goals`: the goals in one text, as points written before `month.planned` listed them one by one
        "en": lambda p: f"The month ahead: {p['count']} goals set" + (f": {p['goals']}" if "goals" in p else ""),
        "zh-CN": lambda p: f"下月计划：已设 {p['count']} 个目标" + (f"：{p['goals']}" if "goals" in p else ""),
    },
    "month.planned": {
        "en": lambda p: f"  {p['owner']}: '{p['title']}' {p.get('target', '?')}{_unit(p)}",
        "zh-CN": lambda p: f"  {p['owner']}：“{p['title']}” {p.get('target', '?')}{_unit(p)}",
    },
    "quarter.reviews": {"en": _quarter_en, "zh-CN": _quarter_zh},
}


def pick(locale: str | None) -> str:
    """The reader's locale when it is one we word points in, the same language if not, else English."""
    if locale in LOCALES:
        return locale
    language = (locale or "").split("-")[0].lower()
    return next((loc for loc in LOCALES if loc.split("-")[0].lower() == language), "en")


PEOPLE = ("about", "who", "owner")
"""The params that name a person; each comes with `<param>_id`, the person's id."""
PERSON_IDS = tuple(f"{name}_id" for name in PEOPLE)


def by_id(said: TalkingPoint) -> TalkingPoint:
    """The point naming people by id only, for events: a topic keeps what it was sent until its retention, and an id
    names nobody once every service has forgotten whom it belonged to. Readers put the names back (`render`)."""
    return said.model_copy(update={"params": {k: v for k, v in said.params.items() if f"{k}_id" not in said.params}})


def people_in(points: Iterable[TalkingPoint | Mapping[str, Any]]) -> set[str]:
    """The ids of the people the points name."""
    return {
        value
        for said in points
        for key, value in (said.params if isinstance(said, TalkingPoint) else said.get("params") or {}).items()
        if key in PERSON_IDS
    }


def render(
    said: TalkingPoint | Mapping[str, Any], locale: str | None = "en", names: Mapping[str, str] | None = None
) -> str:
    """The point in the reader's language; a point about someone (`about`) is prefixed with their name.

    A person the point names by id only is named from `names` (the reader's roster), else by the id."""
    code, params = (said.code, said.params) if isinstance(said, TalkingPoint) else (said["code"], said["params"])
    params = {
        **params,
        **{
            key: (names or {}).get(params[f"{key}_id"]) or params.get(key) or params[f"{key}_id"]
            for key in PEOPLE
            if f"{key}_id" in params
        },
    }
    chosen = pick(locale)
    wordings = WORDINGS.get(code)
    text = wordings[chosen](params) if wordings else f"{code}: {params}"
    about = params.get("about")
    return (f"{about}：{text}" if chosen == "zh-CN" else f"{about}: {text}") if about else text


def localise(document: Any, locale: str | None) -> Any:
    """A dumped agenda with every `talking_point` (beside its `said`) and `talking_points` (beside `points`)
    worded in `locale`; documents stored before points had codes keep their English."""
    if isinstance(document, list):
        return [localise(item, locale) for item in document]
    if not isinstance(document, dict):
        return document
    worded = {key: localise(value, locale) for key, value in document.items()}
    if isinstance(document.get("said"), dict) and "talking_point" in document:
        worded["talking_point"] = render(document["said"], locale)
    points, said = document.get("points"), document.get("talking_points")
    if isinstance(points, list) and isinstance(said, list) and len(points) == len(said):
        worded["talking_points"] = [render(p, locale) for p in document["points"]]
    return worded
