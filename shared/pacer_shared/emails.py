"""Email addresses as Pacer accepts them: any address of valid syntax; whether mail reaches it is the mail server's
business, not Pacer's."""

from __future__ import annotations

from typing import Annotated

import email_validator
from pydantic import AfterValidator, WithJsonSchema

# Enterprises run mail on internal domains (`acme.test`, `corp.local`, `mail.internal`, a dotless host), which
# email-validator refuses by default as special-use or not globally deliverable. Emptying this list is the way its
# documentation gives to accept them; nothing in Pacer wants them refused.
email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()


def valid_email(value: str) -> str:
    """The address normalised (Unicode NFC, the domain in lower case), or ValueError saying what is wrong."""
    try:
        checked = email_validator.validate_email(value, check_deliverability=False, globally_deliverable=False)
    except email_validator.EmailNotValidError as error:
        raise ValueError(f"value is not a valid email address: {error}") from error
    return checked.normalized


EmailAddress = Annotated[str, AfterValidator(valid_email), WithJsonSchema({"type": "string", "format": "email"})]
"""An email address of valid syntax, with no DNS lookup and no refusal of internal or reserved domains."""
