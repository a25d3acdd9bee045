"""Messages from templates: Jinja2 per locale, with numbers, money and times in the reader's locale and zone.

Every value a template puts in is marked as what people wrote (`channels.user_text`), so each channel shows it
as text in its own format, never as markup of the message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, pass_context
from jinja2.runtime import Context

from pacer_notifications.adapters.channels import user_text
from pacer_shared import talking_points

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
LOCALES = ("en", "zh-CN")
FALLBACK = "en"


class RenderError(Exception):
    """A template is missing or broken; the message is dead-lettered, the others go on."""


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    """Markdown: bold, links, lists and quotes; each channel turns it into what it speaks. Both carry the values
    put in as marked user text."""
    locale: str


def pick_locale(wanted: str | None) -> str:
    """The recipient's locale if we have templates for it, the same language if not, else English."""
    if wanted in LOCALES:
        return wanted
    language = (wanted or "").split("-")[0].lower()
    return next((loc for loc in LOCALES if loc.split("-")[0].lower() == language), FALLBACK)


def _number(context: Context, value: Any) -> str:
    return str(format_decimal(_decimal(value), format="#,##0.##", locale=_babel(context)))


def _money(context: Context, value: Any, currency: str) -> str:
    return str(format_currency(_decimal(value), currency, locale=_babel(context)))


def _percent(context: Context, value: Any) -> str:
    return str(format_percent(_decimal(value), locale=_babel(context)))


def _when(context: Context, value: Any) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return str(format_datetime(moment.astimezone(context["zone"]), format="medium", locale=_babel(context)))


def _day(context: Context, value: Any) -> str:
    """A calendar day as it stands (no time zone to convert: it is already the day of the person it is about)."""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return str(format_date(day, format="medium", locale=_babel(context)))


def _talking_points(context: Context, data: Any) -> list[str]:
    """An agenda's points worded in the reader's language, naming people as the roster did at routing (`names`);
    an event from before points had codes keeps its English."""
    points, said = data.get("points") or [], data.get("talking_points") or []
    if said and len(points) != len(said):
        return list(said)
    names = context.get("names") or {}
    return [talking_points.render(p, str(context["locale"]), names) for p in points]


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise RenderError(f"not a number: {value!r}") from error


def _babel(context: Context) -> str:
    return str(context["locale"]).replace("-", "_")


class Renderer:
    def __init__(self, directory: Path = TEMPLATES) -> None:
        # Not HTML's autoescape: the output is Markdown for many dialects. `finalize` marks each value instead, and
        # each channel escapes the marked values for its own format.
        self._env = Environment(
            loader=FileSystemLoader(directory),
            undefined=StrictUndefined,
            autoescape=False,  # noqa: S701 - values are escaped per channel, see above
            finalize=user_text.mark,
        )
        filters: dict[str, Callable[..., str | list[str]]] = {
            "number": _number,
            "money": _money,
            "percent": _percent,
            "when": _when,
            "day": _day,
            "talking_points": _talking_points,
        }
        for name, function in filters.items():
            self._env.filters[name] = pass_context(function)

    def render(self, template: str, locale: str | None, zone: str | None, **variables: Any) -> Message:
        chosen = pick_locale(locale)
        try:
            page = self._env.get_template(f"{chosen}/{template}.j2")
            context = page.new_context({**variables, "locale": chosen, "zone": ZoneInfo(zone or "UTC")})
            subject = "".join(page.blocks["subject"](context)).strip()
            body = "".join(page.blocks["body"](context)).strip()
        except (TemplateError, KeyError, ValueError, TypeError, RenderError) as error:
            raise RenderError(f"template {chosen}/{template}: {error}") from error
        # Trusted: a digest puts whole rendered messages into its own template, where they are not user values.
        return Message(subject=user_text.Trusted(subject), body=user_text.Trusted(body), locale=chosen)


def markdown_to_html(markdown: str) -> str:
    """The small Markdown our templates use (bold, italics, links, lists, quotes) as safe HTML for email.

    What people wrote is escaped HTML text, line breaks kept: their Markdown makes no link, bold or list."""
    return user_text.render(markdown, _html_blocks, _html_text)


def _html_text(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text.splitlines())


def _html_blocks(markdown: str) -> str:
    blocks = []
    for block in markdown.split("\n\n"):
        lines = [_inline(html.escape(line)) for line in block.splitlines()]
        if all(line.startswith("- ") for line in lines):
            blocks.append("<ul>" + "".join(f"<li>{line[2:]}</li>" for line in lines) + "</ul>")
        elif all(line.startswith("&gt; ") for line in lines):
            blocks.append("<blockquote>" + "<br>".join(line[5:] for line in lines) + "</blockquote>")
        else:
            blocks.append("<p>" + "<br>".join(lines) + "</p>")
    return "\n".join(blocks)


def _inline(text: str) -> str:
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)
    return re.sub(r"\[(.+?)\]\((https?://[^)\s]+)\)", r'<a href="\2">\1</a>', text)
