"""What people typed, inside a rendered message: marked when a template is rendered, escaped by each channel.

A template's own text is trusted Markdown; the values put into it (goal titles, display names, feedback, award
names, citations) were written by people and must reach every reader as the text they are, never as markup:
not a link in an email, not `<!channel>` in Slack, not `<at id=all></at>` in Feishu. Rendering wraps each value
in two private-use characters; a channel converts the template's Markdown to its own dialect with the values
held out of the way, then puts each value back escaped for that dialect (`render`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

OPEN, CLOSE = "\ue000", "\ue001"
_HOLD_OPEN, _HOLD_CLOSE = "\ue002", "\ue003"
_OURS = re.compile("[\ue000-\ue003]")
# A value cut by truncation has no closing mark: it runs to the end of the text.
_MARKED = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]*)(?:{CLOSE}|$)")
_HELD = re.compile(f"{_HOLD_OPEN}(\\d+){_HOLD_CLOSE}")


class Trusted(str):
    """Text already rendered from a template (a digest's items): put into another template as it is."""

    __slots__ = ()


def mark(value: object) -> str:
    """A template value as marked user text (Jinja2's `finalize`); text already rendered stays as it is."""
    if isinstance(value, Trusted):
        return value
    return OPEN + _OURS.sub("", str(value)) + CLOSE


# C0 and C1 controls (CR, LF, NEL among them), DEL and the Unicode line and paragraph separators.
_LINE_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str) -> str:
    """The text on one line, each run of line breaks or control characters a single space: for what must stay
    one line (an email header, a message's title) however the goal title or display name in it was typed."""
    return _LINE_BREAKS.sub(" ", text).strip()


def plain(text: str) -> str:
    """The text as people read it without markup: the marks removed, the values as they were written."""
    return text.replace(OPEN, "").replace(CLOSE, "")


def render(text: str, markup: Callable[[str], str], escape: Callable[[str], str]) -> str:
    """`markup` applied to the template's text and `escape` to each value, so no value is read as markup."""
    held: list[str] = []

    def hold(found: re.Match[str]) -> str:
        held.append(found.group(1))
        return f"{_HOLD_OPEN}{len(held) - 1}{_HOLD_CLOSE}"

    converted = _HELD.sub(lambda found: escape(held[int(found.group(1))]), markup(_MARKED.sub(hold, text)))
    return _OURS.sub("", converted)
