"""An email's Message-ID belongs to its delivery, so a retried send can be recognised as the same message."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from pacer_notifications.adapters.channels.email import compose


def email(key: str) -> EmailMessage:
    return compose("pacer@example.com", "Ann", "ann@example.com", "Goal missed", "text", "<p>html</p>", key)


def test_every_attempt_at_one_delivery_carries_the_same_message_id() -> None:
    first, retried = email("d-1:email")["Message-ID"], email("d-1:email")["Message-ID"]
    assert first == retried
    assert first != email("d-2:email")["Message-ID"]


def test_the_message_id_parses_without_defects_as_a_mail_reader_sees_it() -> None:
    received = message_from_bytes(email("d-1:email").as_bytes(), policy=policy.default)
    header = received["Message-ID"]
    assert header.defects == ()
    assert str(header).endswith("@pacer.local>")


def test_line_breaks_in_a_subject_or_display_name_stay_on_one_header_line() -> None:
    """A goal title or display name typed with CR, LF or U+2028 neither fails the email nor adds a header."""
    message = compose(
        "Pacer <pacer@example.com>",
        "Ann\r\nBcc: attacker@evil.example",
        "ann@example.com",
        "Goal missed: Calls\r\nBcc: attacker@evil.example\u2028this\u2029week\x85",
        "text",
        "<p>html</p>",
        "d-1:email",
    )
    received = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert received["Subject"] == "Goal missed: Calls Bcc: attacker@evil.example this week"
    assert received["To"].addresses[0].display_name == "Ann Bcc: attacker@evil.example"
    assert received["To"].addresses[0].addr_spec == "ann@example.com"
    assert received["Bcc"] is None
