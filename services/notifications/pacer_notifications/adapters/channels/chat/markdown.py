"""The Markdown dialects of the chat vendors, and plain text, each keeping what people wrote as text."""

from __future__ import annotations

import re
from collections.abc import Callable

from pacer_notifications.adapters.channels import user_text
from pacer_notifications.adapters.channels.chat.message import ChatMessage

_CODE = re.compile(r"(```.*?```|`[^`\n]+`)", re.DOTALL)
_LINK = re.compile(r"!?\[([^\]\n]+)\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+", re.MULTILINE)
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![*\w\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_QUOTE = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(([^)\s]+)\)")
_BOLD_MARK = "\x02"
_LINK_MARK = "\x03"


def escape_slack(text: str) -> str:
    # Slack: "&", "<" and ">" are control characters and must be sent as HTML entities.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_prose(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        quote = _QUOTE.match(line)
        prefix = "> " if quote else ""
        lines.append(prefix + escape_slack(line[quote.end() :] if quote else line))
    text = "\n".join(lines)
    links: list[str] = []

    def keep_link(m: re.Match[str]) -> str:
        label = _BOLD.sub(r"\2", m.group(1)).replace("|", "¦")
        links.append(f"<{m.group(2)}|{label}>")
        return f"{_LINK_MARK}{len(links) - 1}{_LINK_MARK}"

    text = _LINK.sub(keep_link, text)
    text = _HEADING.sub(lambda m: _BOLD_MARK + m.group(1).replace("**", "").replace("__", "") + _BOLD_MARK, text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _BOLD.sub(lambda m: _BOLD_MARK + m.group(2) + _BOLD_MARK, text)
    text = _ITALIC.sub(r"_\1_", text)
    text = _STRIKE.sub(r"~\1~", text)
    text = text.replace(_BOLD_MARK, "*")
    return re.sub(f"{_LINK_MARK}(\\d+){_LINK_MARK}", lambda m: links[int(m.group(1))], text)


def _slack_markup(markdown: str) -> str:
    parts = _CODE.split(markdown)
    return "".join(escape_slack(part) if i % 2 else _slack_prose(part) for i, part in enumerate(parts))


def slack_mrkdwn(markdown: str) -> str:
    """Markdown in Slack's mrkdwn: `**x**` → `*x*`, `*x*` → `_x_`, `[t](u)` → `<u|t>`, `~~x~~` → `~x~`,
    headings → bold lines, `- item` → `• item`, and `&`, `<`, `>` escaped ("Formatting message text", Slack docs).

    What people wrote only has `&`, `<` and `>` escaped: the entities are all Slack decodes, and without `<` no
    `<!channel>`, `<!here>`, `<@U…>` or `<url|label>` can be formed ("Formatting text for app surfaces",
    docs.slack.dev, "Escaping text"). The sections also go out `verbatim`, so Slack does not turn a bare
    `@channel` or URL in their text into a mention or link either.
    """
    return user_text.render(markdown, _slack_markup, escape_slack)


def plain_blocks(markdown: str, *, quotes: bool, lists: bool) -> str:
    """Headings as bold lines, images as links; quotes and list markers kept only where the dialect has them."""
    parts = _CODE.split(markdown)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part.strip("`") if part.startswith("```") else part)
            continue
        part = _HEADING.sub(lambda m: "**" + m.group(1).replace("**", "") + "**", part)
        part = _IMAGE.sub(r"[\1](\2)", part)
        if not quotes:
            part = _QUOTE.sub("", part)
        if not lists:
            part = _BULLET.sub(lambda m: f"{m.group(1)}• ", part)
        out.append(part)
    return "".join(out)


def paragraphs(text: str, *, list_break: str = "\n", line_break: str = "\n\n") -> str:
    """Lines re-joined so renderers that ignore single newlines still break them: list items stay adjacent."""
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    previous_item = False
    for line in lines:
        if not line.strip():
            previous_item = False
            continue
        item = bool(re.match(r"^\s*([-*+•]|\d+[.)])\s", line))
        if out:
            out.append(list_break if item and previous_item else line_break)
        out.append(line)
        previous_item = item
    return "".join(out)


def _plain_prose(text: str) -> str:
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    text = _HEADING.sub(r"\1", text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC.sub(r"\1", text)
    return _STRIKE.sub(r"\1", text)


def _plain_markup(markdown: str) -> str:
    parts = _CODE.split(markdown)
    return "".join(part.strip("`") if i % 2 else _plain_prose(part) for i, part in enumerate(parts))


def plain_text(markdown: str) -> str:
    """Markdown as text without markup, for where a chat shows no formatting (a phone's notification, Slack's
    `text`, Pacer's webhook): emphasis marks dropped, links as `label (url)`, list items as `• item`.

    What people wrote is kept as they typed it: an asterisk in a goal title is part of the title.
    """
    return user_text.render(markdown, _plain_markup, unchanged)


# --- what people wrote, per dialect -----------------------------------------------------------------------------

# WeCom's and DingTalk's robot Markdown and Teams' Adaptive Card Markdown document no escape character, so what
# people wrote is defused instead: a zero-width space (invisible, kept by every client) goes where it stops the
# syntax that reaches beyond the message: `](`, `][` and `]:` (a link, image or link reference needs the bracket
# and what follows it adjacent, CommonMark 0.31 §6.3), `<` before a tag, autolink or mention (`<@all>`,
# `<font …>`, `<at …>`, `<http://…>`), `@` before a whole-group mention (`@all`, `@所有人`), and `#` or `>` opening a
# line (a heading or quote pretending to be the template's own).
ZERO_WIDTH_SPACE = "\u200b"
_LINK_TAIL = re.compile(r"\]([ \t]*[(\[:])")
_TAG_START = re.compile(r"<(?=[!@/?A-Za-z])")
_GROUP_MENTION = re.compile(r"([@＠])(?=(?:all|here|channel|everyone)(?![\w-])|所有人)", re.IGNORECASE)
_LINE_MARKUP = re.compile(r"^([ \t]*)(?=[#>])", re.MULTILINE)


def defused(text: str) -> str:
    text = _LINK_TAIL.sub(f"]{ZERO_WIDTH_SPACE}\\1", text)
    text = _TAG_START.sub(f"<{ZERO_WIDTH_SPACE}", text)
    text = _GROUP_MENTION.sub(f"\\1{ZERO_WIDTH_SPACE}", text)
    return _LINE_MARKUP.sub(f"\\1{ZERO_WIDTH_SPACE}", text)


# Feishu card Markdown reads `<at id=all></at>` as a mention of everyone, `<a href>`, `<font>` and `<text_tag>` as
# markup, and `[t](u)`, `*`, `~`, `#` and `:emoji:` as formatting. Its documented escape is the HTML entity
# (`&#60;` for `<`, `&#62;` for `>`, `&#91;` for `[`, ...): "如果你要展示的字符命中了 markdown 语法使用的特殊字符
# ... 需要对特殊字符进行 HTML 转义" (Feishu Open Platform, message card "Markdown" component, the table of escapes).
_LARK_SPECIAL = re.compile(r"[&<>*~\[\]()#_`\\:!$+\-]")


def escape_lark(text: str) -> str:
    escaped = _LARK_SPECIAL.sub(lambda found: f"&#{ord(found.group())};", text)
    return _GROUP_MENTION.sub(f"\\1{ZERO_WIDTH_SPACE}", escaped)


def unchanged(text: str) -> str:
    return text


def teams_markdown(markdown: str) -> str:
    """Markdown within what an Adaptive Card TextBlock renders in Teams: bold, italic, lists, links.

    "Format cards in Teams" (Microsoft Learn): headings, tables, images, preformatted text and block quotes are
    not supported; use \\n\\n for a line break outside lists. A mention needs an entity naming the person, so
    `<at>` in what people wrote notifies no one; their links are defused.
    """
    return user_text.render(markdown, lambda m: paragraphs(plain_blocks(m, quotes=False, lists=True)), defused)


def lark_markdown(markdown: str) -> str:
    """Markdown within Feishu's `lark_md` (bold, italic, strikethrough, links): headings become bold lines."""
    return user_text.render(markdown, lambda m: plain_blocks(m, quotes=False, lists=False), escape_lark)


def wecom_markdown(markdown: str) -> str:
    """Markdown within WeCom's robot subset (headings, bold, links, inline code, quotes, <font color>)."""
    return user_text.render(
        markdown,
        lambda m: plain_blocks(_HEADING.sub(lambda h: "### " + h.group(1), m), quotes=True, lists=False),
        defused,
    )


def dingtalk_markdown(markdown: str) -> str:
    """Markdown as DingTalk's robot renders it (headings, bold, links, images, lists, quotes): kept as written.

    Only `at.atUserIds`, `at.atMobiles` and `at.isAtAll` make DingTalk alert people ("自定义机器人发送群消息");
    `@all` in what people wrote is defused all the same, as are their links and images.
    """
    return user_text.render(markdown, unchanged, defused)


def markup_title(message: ChatMessage, escape: Callable[[str], str]) -> str:
    """The message's title on one line in a dialect that reads markup in it, its user values escaped: a line break
    in a goal title must not end a heading and start text that looks like the template's own."""
    return user_text.render(message.title, user_text.one_line, lambda value: escape(user_text.one_line(value)))


def plain_title(message: ChatMessage) -> str:
    return user_text.one_line(user_text.plain(message.title))
