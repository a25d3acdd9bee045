"""A file an event carries for its readers: a team report. Email attaches it; chat cannot."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pacer_shared.events.base import Record


class Attachment(Record):
    filename: str = Field(min_length=1, max_length=200, pattern=r"^[^/\\\r\n]+$")
    content_type: str = Field(
        min_length=3, description="A MIME type with its parameters, e.g. `text/calendar; method=REQUEST`"
    )
    content: str
    encoding: Literal["utf-8", "base64"] = Field(
        default="utf-8", description="`utf-8`: `content` is the text itself; `base64`: the bytes, base64-encoded"
    )
